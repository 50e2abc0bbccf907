/*
 * What the admin handlers share: who is acting, the change-request
 * guard of protected environments, and finishing a reply from a result
 * code.
 */
#ifndef VX_HANDLERS_COMMON_H
#define VX_HANDLERS_COMMON_H

#include <jansson.h>

#include "http/http.h"
#include "store/store.h"
#include "vx_err.h"

/* The audit-log actor of the request's principal. */
struct vx_actor vx_req_actor(const struct vx_req *req);

/*
 * VX_EFORBIDDEN, with a message naming the change-request endpoint, when
 * environment of project only changes through change requests. Call
 * inside a store bracket.
 */
int vx_guard_env(struct vx_store *st, const char *project,
                 const char *environment, struct vx_err *err);

/*
 * vx_guard_env() for every environment of project: for changes that
 * reach all of them at once, such as a flag's dependencies. VX_ENOTFOUND
 * for an unknown project. Call inside a store bracket.
 */
int vx_guard_project(struct vx_store *st, const char *project,
                     struct vx_err *err);

/*
 * VX_EFORBIDDEN when segment id is used in an environment that change
 * requests protect: a segment is shared, so editing it changes that
 * environment too, and must go through an updateSegment or
 * deleteSegment change request there.
 */
int vx_guard_segment(struct vx_store *st, int64_t id, struct vx_err *err);

/*
 * Reply with err when rc is non-zero, else with status and body (stolen;
 * may be NULL for an empty body). body is released on error too.
 */
void vx_reply_result(struct vx_reply *rep, int rc, const struct vx_err *err,
                     int status, json_t *body);

#endif
