/*
 * Environments. See store.h for the locking rules. Objects returned are
 * owned by the caller.
 */
#ifndef VX_STORE_ENVIRONMENTS_H
#define VX_STORE_ENVIRONMENTS_H

#include <stdint.h>

#include <jansson.h>

#include "vx_err.h"

struct vx_store;

/* Every environment, in sort order. */
int vx_store_envs_list(struct vx_store *st, json_t **out, struct vx_err *err);

/* One environment; VX_ENOTFOUND if absent. */
int vx_store_env_get(struct vx_store *st, const char *name, json_t **out,
                     struct vx_err *err);

/* Insert and enable it in every project. Duplicates: VX_ECONFLICT. */
int vx_store_env_insert(struct vx_store *st, const char *name, const char *type,
                        int enabled, int64_t sort_order, struct vx_err *err);

/* Update type and sort order (NULL / -1 keep the old value). */
int vx_store_env_update(struct vx_store *st, const char *name, const char *type,
                        int64_t sort_order, struct vx_err *err);

/* Turn an environment on or off for SDKs. */
int vx_store_env_set_enabled(struct vx_store *st, const char *name, int enabled,
                             struct vx_err *err);

/* Delete an environment and everything set in it. */
int vx_store_env_delete(struct vx_store *st, const char *name,
                        struct vx_err *err);

/* Names of environments whose SDK view changes: all enabled ones. */
int vx_store_env_names(struct vx_store *st, json_t **out, struct vx_err *err);

#endif
