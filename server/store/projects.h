/*
 * Projects and the environments enabled in each. See store.h for the
 * locking rules. Objects returned are owned by the caller.
 */
#ifndef VX_STORE_PROJECTS_H
#define VX_STORE_PROJECTS_H

#include <jansson.h>

#include "vx_err.h"

struct vx_store;

/* Every project with its flag count, by id. */
int vx_store_projects_list(struct vx_store *st, json_t **out,
                           struct vx_err *err);

/* One project with its environments; VX_ENOTFOUND if absent. */
int vx_store_project_get(struct vx_store *st, const char *id, json_t **out,
                         struct vx_err *err);

/* Insert; enables every environment in it. Duplicate ids: VX_ECONFLICT. */
int vx_store_project_insert(struct vx_store *st, const char *id,
                            const char *name, const char *description,
                            struct vx_err *err);

/* Update name and description (NULL keeps the old value). */
int vx_store_project_update(struct vx_store *st, const char *id,
                            const char *name, const char *description,
                            struct vx_err *err);

/* Delete a project that holds no flag (archived ones included). */
int vx_store_project_delete(struct vx_store *st, const char *id,
                            struct vx_err *err);

/* Enable or disable an environment in a project. */
int vx_store_project_env_set(struct vx_store *st, const char *project,
                             const char *environment, int enabled,
                             struct vx_err *err);

/*
 * VX_OK when environment exists and is enabled in project, VX_ENOTFOUND
 * with a message naming what is missing otherwise.
 */
int vx_store_project_env_check(struct vx_store *st, const char *project,
                               const char *environment, struct vx_err *err);

/* VX_OK when the project exists; VX_ENOTFOUND with a message if not. */
int vx_store_project_exists(struct vx_store *st, const char *id,
                            struct vx_err *err);

/*
 * *out = whether changes to environment in project must go through
 * change requests.
 */
int vx_store_env_protected(struct vx_store *st, const char *project,
                           const char *environment, int *out,
                           struct vx_err *err);

/*
 * The strategy a flag gets when it is turned on in environment of project
 * with no strategy: *out is the stored strategy body (caller owns), or
 * NULL when the project uses the built-in 100 % rollout there.
 */
int vx_store_project_env_default_get(struct vx_store *st, const char *project,
                                     const char *environment, json_t **out,
                                     struct vx_err *err);

/* Store that strategy body; NULL goes back to the built-in one. */
int vx_store_project_env_default_set(struct vx_store *st, const char *project,
                                     const char *environment, json_t *strategy,
                                     struct vx_err *err);

#endif
