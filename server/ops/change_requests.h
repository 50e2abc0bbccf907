/*
 * Change requests: the rules. A request gathers changes to one
 * environment of one project; it moves Draft → In review → Approved →
 * Applied (or Scheduled, then Applied), or ends Rejected, Cancelled or
 * Conflicted. Each change is checked when it is added by running the
 * request's changes, in the order they were added, then the new ones,
 * and undoing them all; applying runs every change in that order in the
 * caller's transaction, unless a flag or segment it touches has changed
 * since the change was added: then nothing is applied and the request
 * becomes Conflicted, with the reason kept.
 *
 * Every function runs inside a write transaction the caller opened
 * with vx_store_begin() and records its audit events there. Objects
 * passed in are borrowed.
 */
#ifndef VX_OPS_CHANGE_REQUESTS_H
#define VX_OPS_CHANGE_REQUESTS_H

#include <stdint.h>

#include <jansson.h>

#include "store/store.h"
#include "vx_err.h"

/*
 * Add changes (an array of {feature, action, payload}) to the open
 * request (Draft, In review or Approved) of who in project and env,
 * creating a Draft when there is none. Refused (VX_ECONFLICT) when env
 * is not protected by change requests. The new changes are run after
 * the request's own changes, in order, and undone: a change that its
 * operation refuses there is refused with that operation's error (the
 * message names the earlier change it conflicts with), and nothing is
 * added. When the request's own changes no longer run, VX_ECONFLICT.
 * Adding to a request in review or approved drops its approvals and
 * puts it back In review. *id gets the request's id.
 */
int vx_op_cr_add(struct vx_store *st, const struct vx_actor *who,
                 const char *project, const char *env, json_t *changes,
                 int64_t *id, struct vx_err *err);

/* What PUT …/change-requests/:id/state asks for. */
struct vx_cr_move {
    const char *state;        /* the state wanted */
    const char *comment;      /* may be NULL */
    const char *scheduled_at; /* ISO time, may be NULL */
};

/*
 * Move request id of project as m asks, by who. Illegal moves are
 * VX_ECONFLICT naming the current state; moves reserved to the author
 * or forbidden to the author are VX_EFORBIDDEN.
 *
 * An apply that meets a conflict still returns VX_OK, so the caller
 * commits the request's new Conflicted state and its audit event, but
 * sets *conflict and fills err with the VX_ECONFLICT to reply with.
 */
int vx_op_cr_move(struct vx_store *st, const struct vx_actor *who,
                  const char *project, int64_t id, const struct vx_cr_move *m,
                  int *conflict, struct vx_err *err);

/*
 * Apply request id, which must be Approved or Scheduled, as who. A
 * conflict is reported as for vx_op_cr_move().
 */
int vx_op_cr_apply(struct vx_store *st, const struct vx_actor *who, int64_t id,
                   int *conflict, struct vx_err *err);

/* Add a comment to request id of project; *comment_id gets its id. */
int vx_op_cr_comment(struct vx_store *st, const struct vx_actor *who,
                     const char *project, int64_t id, const char *text,
                     int64_t *comment_id, struct vx_err *err);

#endif
