/*
 * Segments: named, reusable lists of constraints that strategies refer
 * to by id. See store.h for the locking rules. Objects returned are
 * owned by the caller; objects passed in are borrowed.
 *
 * A segment comes back as {id, name, description, project, constraints,
 * createdAt, createdBy}.
 */
#ifndef VX_STORE_SEGMENTS_H
#define VX_STORE_SEGMENTS_H

#include <stdint.h>

#include <jansson.h>

#include "vx_err.h"

struct vx_store;

/* Every segment, by id. */
int vx_store_segments_list(struct vx_store *st, json_t **out,
                           struct vx_err *err);

/* One segment; VX_ENOTFOUND with a message if absent. */
int vx_store_segment_get(struct vx_store *st, int64_t id, json_t **out,
                         struct vx_err *err);

/*
 * Insert; *id gets the new id. project may be NULL (every project). A
 * name in use: VX_ECONFLICT.
 */
int vx_store_segment_insert(struct vx_store *st, const char *name,
                            const char *description, const char *project,
                            json_t *constraints, int64_t created_by,
                            int64_t *id, struct vx_err *err);

/* Replace name, description, project and constraints of segment id. */
int vx_store_segment_update(struct vx_store *st, int64_t id, const char *name,
                            const char *description, const char *project,
                            json_t *constraints, struct vx_err *err);

/* Delete segment id (the caller checks it is unused). */
int vx_store_segment_delete(struct vx_store *st, int64_t id,
                            struct vx_err *err);

/*
 * The flags with a strategy that uses segment id, archived ones
 * included: [{name, project}], by name.
 */
int vx_store_segment_flags(struct vx_store *st, int64_t id, json_t **out,
                           struct vx_err *err);

/*
 * Where segment id is used by a strategy in an environment that change
 * requests protect: *out gets {project, environment} of one such use
 * (caller owns), or NULL when there is none.
 */
int vx_store_segment_protected_use(struct vx_store *st, int64_t id,
                                   json_t **out, struct vx_err *err);

#endif
