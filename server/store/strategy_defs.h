/*
 * Strategy definitions: the names and parameter lists of the activation
 * strategies flags may use. Built-in ones come with the schema and are
 * read-only; custom ones are added through the admin API and evaluated
 * by SDKs that implement them. See store.h for the locking rules.
 * Objects returned are owned by the caller.
 */
#ifndef VX_STORE_STRATEGY_DEFS_H
#define VX_STORE_STRATEGY_DEFS_H

#include <jansson.h>

#include "vx_err.h"

struct vx_store;

/*
 * Every definition by sort order, then name, as objects with name,
 * displayName, description, editable, deprecated, parameters.
 */
int vx_store_strategy_defs_list(struct vx_store *st, json_t **out,
                                struct vx_err *err);

/* One definition; VX_ENOTFOUND (with a message) if absent. */
int vx_store_strategy_def_get(struct vx_store *st, const char *name,
                              json_t **out, struct vx_err *err);

/*
 * Insert a custom definition; parameters (borrowed) is an array of
 * {name, type, description, required}. An existing name: VX_ECONFLICT.
 */
int vx_store_strategy_def_insert(struct vx_store *st, const char *name,
                                 const char *title, const char *description,
                                 json_t *parameters, struct vx_err *err);

/*
 * Update a custom definition (NULL keeps a field). VX_ENOTFOUND if
 * absent, VX_EINVAL for a built-in one.
 */
int vx_store_strategy_def_update(struct vx_store *st, const char *name,
                                 const char *title, const char *description,
                                 json_t *parameters, struct vx_err *err);

/* Mark deprecated or active again; VX_ENOTFOUND if absent. */
int vx_store_strategy_def_deprecate(struct vx_store *st, const char *name,
                                    int deprecated, struct vx_err *err);

/*
 * Delete a custom definition no flag strategy uses. VX_ENOTFOUND if
 * absent, VX_EINVAL for a built-in one or one in use.
 */
int vx_store_strategy_def_delete(struct vx_store *st, const char *name,
                                 struct vx_err *err);

#endif
