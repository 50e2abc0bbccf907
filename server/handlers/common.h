/*
 * What the admin handlers share: who is acting, the change-request
 * guard of protected environments, finishing a reply from a result
 * code, and replying with what a read of the store finds.
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

/*
 * A read for vx_reply_read(): find in st what req asks for and set *out
 * (NULL on entry) to a new reference the caller then owns, also when
 * an error is returned. VX_OK, or a negative VX_E* code with err set.
 */
typedef int vx_read_fn(struct vx_store *st, struct vx_req *req, json_t **out,
                       struct vx_err *err);

/*
 * Run fn inside a read bracket on the store of req and reply 200 with
 * what it found, or with its error.
 */
void vx_reply_read(struct vx_req *req, struct vx_reply *rep, vx_read_fn *fn);

/* A store call that lists every entity of a kind into *out (new). */
typedef int vx_list_fn(struct vx_store *st, json_t **out, struct vx_err *err);

/*
 * vx_reply_read() of the list fn makes: the body itself when key is
 * NULL, else {key: list}, with "version": version first when version is
 * above 0.
 */
void vx_reply_list(struct vx_req *req, struct vx_reply *rep, vx_list_fn *fn,
                   int version, const char *key);

/* A store call that finds the entity named name into *out (new). */
typedef int vx_get_fn(struct vx_store *st, const char *name, json_t **out,
                      struct vx_err *err);

/* vx_reply_read() of the entity named by the path parameter param. */
void vx_reply_get(struct vx_req *req, struct vx_reply *rep, vx_get_fn *fn,
                  const char *param);

#endif
