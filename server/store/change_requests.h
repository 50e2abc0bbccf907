/*
 * Change requests in the store: the per-environment settings, the
 * requests with their changes, reviews and comments, and the savepoint
 * that lets a caller try operations and undo them inside one write
 * transaction. See store.h for the locking rules. Objects returned are
 * owned by the caller; objects passed in are borrowed.
 */
#ifndef VX_STORE_CHANGE_REQUESTS_H
#define VX_STORE_CHANGE_REQUESTS_H

#include <stdint.h>

#include <jansson.h>

#include "vx_err.h"

struct vx_store;

/*
 * The settings of every environment enabled in project, as
 * [{environment, type, changeRequestEnabled, requiredApprovals}].
 */
int vx_store_cr_config_list(struct vx_store *st, const char *project,
                            json_t **out, struct vx_err *err);

/* The settings of one environment: *enabled and *approvals. */
int vx_store_cr_config_get(struct vx_store *st, const char *project,
                           const char *env, int *enabled, int64_t *approvals,
                           struct vx_err *err);

/* Set the settings of one environment (enabled in project). */
int vx_store_cr_config_set(struct vx_store *st, const char *project,
                           const char *env, int enabled, int64_t approvals,
                           struct vx_err *err);

/*
 * Protect the production environment of project with one approval, if
 * that environment is enabled in it; otherwise change nothing.
 */
int vx_store_cr_protect_production(struct vx_store *st, const char *project,
                                   struct vx_err *err);

/*
 * Mark a point in the open write transaction; vx_store_savepoint_undo()
 * rolls everything since back and forgets the mark.
 */
int vx_store_savepoint(struct vx_store *st, struct vx_err *err);
void vx_store_savepoint_undo(struct vx_store *st);
void vx_store_savepoint_keep(struct vx_store *st);

/* The current version of segment id; VX_ENOTFOUND if none. */
int vx_store_segment_version(struct vx_store *st, int64_t id, int64_t *out,
                             struct vx_err *err);

/*
 * The id of user_id's open request (Draft, In review or Approved) for
 * project and env; VX_ENOTFOUND, err untouched, when there is none.
 */
int vx_store_cr_open_find(struct vx_store *st, const char *project,
                          const char *env, int64_t user_id, int64_t *id,
                          struct vx_err *err);

/* Insert a Draft; *id gets its id. */
int vx_store_cr_insert(struct vx_store *st, const char *project,
                       const char *env, int64_t min_approvals, int64_t user_id,
                       int64_t *id, struct vx_err *err);

/*
 * The working fields of request id: {id, project, environment, state,
 * minApprovals, createdById, scheduledAt?, scheduledById?}. When
 * project is not NULL a request of another project is VX_ENOTFOUND.
 */
int vx_store_cr_row(struct vx_store *st, const char *project, int64_t id,
                    json_t **out, struct vx_err *err);

/*
 * Request id as the API shows it, with its changes grouped by flag,
 * approvals, rejections and comments.
 */
int vx_store_cr_get(struct vx_store *st, const char *project, int64_t id,
                    json_t **out, struct vx_err *err);

/* Filters of vx_store_cr_list(); NULL fields do not filter. */
struct vx_cr_filter {
    const char *project;
    const char *state;
    const char *feature;
    int pending; /* only Draft, In review, Approved, Scheduled */
};

/* Requests matching f, newest first, each as vx_store_cr_get() has it. */
int vx_store_cr_list(struct vx_store *st, const struct vx_cr_filter *f,
                     json_t **out, struct vx_err *err);

/* Set the state (and updated time) of request id. */
int vx_store_cr_set_state(struct vx_store *st, int64_t id, const char *state,
                          struct vx_err *err);

/* Make request id Scheduled at (ISO time) by user_id. */
int vx_store_cr_set_scheduled(struct vx_store *st, int64_t id, const char *at,
                              int64_t user_id, struct vx_err *err);

/* Make request id Applied by user_id, now. */
int vx_store_cr_set_applied(struct vx_store *st, int64_t id, int64_t user_id,
                            struct vx_err *err);

/* Make request id Conflicted, keeping reason. */
int vx_store_cr_set_conflict(struct vx_store *st, int64_t id,
                             const char *reason, struct vx_err *err);

/*
 * Add a change to request id. feature or segment_id (0: none) names
 * what it touches, base_version that thing's version now.
 */
int vx_store_cr_change_add(struct vx_store *st, int64_t id, const char *feature,
                           int64_t segment_id, const char *action,
                           json_t *payload, int64_t base_version,
                           int64_t user_id, struct vx_err *err);

/*
 * The changes of request id in the order added, as [{id, feature?,
 * segmentId?, action, payload, baseVersion}].
 */
int vx_store_cr_changes(struct vx_store *st, int64_t id, json_t **out,
                        struct vx_err *err);

/*
 * Record a review of kind "approval" or "rejection" by user_id; *added
 * is 0 when that user already left one of that kind.
 */
int vx_store_cr_review_add(struct vx_store *st, int64_t id, int64_t user_id,
                           const char *kind, const char *comment, int *added,
                           struct vx_err *err);

/* Forget every approval of request id. */
int vx_store_cr_approvals_drop(struct vx_store *st, int64_t id,
                               struct vx_err *err);

/* Number of approvals of request id into *n. */
int vx_store_cr_approval_count(struct vx_store *st, int64_t id, int64_t *n,
                               struct vx_err *err);

/* Add a comment by user_id; *comment_id gets its id. */
int vx_store_cr_comment_add(struct vx_store *st, int64_t id, const char *text,
                            int64_t user_id, int64_t *comment_id,
                            struct vx_err *err);

/*
 * Ids of the Scheduled requests due at now (ISO time) or before, as an
 * array of integers, earliest first.
 */
int vx_store_cr_due(struct vx_store *st, const char *now, json_t **out,
                    struct vx_err *err);

/* Name of user id (user name, else email, else name) into a new string. */
int vx_store_cr_user_name(struct vx_store *st, int64_t id, char **out,
                          struct vx_err *err);

#endif
