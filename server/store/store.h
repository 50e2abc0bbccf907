/*
 * The store: Vexil's only door to SQLite. Handlers call the functions
 * declared here and in the entity headers below; no other module sees
 * SQL.
 *
 * One connection serves every thread, guarded by the store's mutex,
 * which a caller holds from vx_store_begin()/vx_store_read() to
 * vx_store_commit()/vx_store_rollback()/vx_store_done(). Every store
 * function other than open, close and those four must be called inside
 * such a bracket. A write and its audit event go in one transaction, so
 * either both are on disk when commit returns or neither is.
 *
 * Rows come back as jansson objects whose keys are the API's field
 * names, so handlers compose replies without knowing about columns.
 */
#ifndef VX_STORE_H
#define VX_STORE_H

#include <stdint.h>

#include <jansson.h>

#include "vx_err.h"

struct vx_store;

/* Who did a write, for the audit log. */
struct vx_actor {
    int64_t user_id;
    const char *name; /* user name or token name; never a secret */
};

/*
 * Open (creating if needed) the SQLite file at path, set WAL mode and
 * foreign keys, and apply pending migrations. Refuses a database whose
 * schema is newer than this binary. Caller closes with
 * vx_store_close().
 */
int vx_store_open(const char *path, struct vx_store **out, struct vx_err *err);
void vx_store_close(struct vx_store *st);

/* Schema version of the open database. */
int vx_store_schema_version(struct vx_store *st);

/* Start a write transaction (BEGIN IMMEDIATE) holding the store lock. */
int vx_store_begin(struct vx_store *st, struct vx_err *err);

/*
 * Commit and release the lock. On failure the transaction is rolled
 * back and the lock released as well. After a commit that changed flag
 * data the change hook runs (with the lock released).
 */
int vx_store_commit(struct vx_store *st, struct vx_err *err);

/* Roll back and release the lock. */
void vx_store_rollback(struct vx_store *st);

/*
 * End a write transaction by its outcome: commit when rc is 0 (and
 * return the commit's result), roll back and return rc otherwise.
 */
int vx_store_finish(struct vx_store *st, int rc, struct vx_err *err);

/* Take the lock for reading, in one read transaction; vx_store_done(). */
int vx_store_read(struct vx_store *st, struct vx_err *err);
void vx_store_done(struct vx_store *st);

/*
 * Mark the open write transaction as changing what SDKs see, so the
 * change hook runs after commit.
 */
void vx_store_touch_flags(struct vx_store *st);

/* The hook run after each commit that touched flags. */
void vx_store_set_change_hook(struct vx_store *st, void (*fn)(void *arg),
                              void *arg);

/*
 * Append an audit event inside the current write transaction. pre and
 * data are borrowed and may be NULL; project, feature and environment
 * may be NULL.
 */
int vx_store_event(struct vx_store *st, const struct vx_actor *who,
                   const char *type, const char *project, const char *feature,
                   const char *environment, json_t *pre, json_t *data,
                   struct vx_err *err);

/*
 * Audit events, newest first, filtered by the non-NULL fields of f.
 * Caller owns *out.
 */
struct vx_event_filter {
    const char *project, *feature, *environment, *type;
    const char *from, *to; /* ISO times, inclusive */
    int64_t limit, offset;
};
int vx_store_events_list(struct vx_store *st, const struct vx_event_filter *f,
                         json_t **out, int64_t *total, struct vx_err *err);

#endif
