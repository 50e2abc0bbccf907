/*
 * Tag types: the kinds of tags flags may carry, each {name, description,
 * icon}. "simple" comes with the schema. See store.h for the locking
 * rules: every function here runs inside a store bracket. Objects
 * returned are owned by the caller; objects passed in are borrowed.
 */
#ifndef VX_STORE_TAG_TYPES_H
#define VX_STORE_TAG_TYPES_H

#include <stdint.h>

#include <jansson.h>

#include "vx_err.h"

struct vx_store;

/* Every tag type by name, as [{name, description, icon}]. */
int vx_store_tag_types_list(struct vx_store *st, json_t **out,
                            struct vx_err *err);

/* One tag type; VX_ENOTFOUND (with a message) if absent. */
int vx_store_tag_type_get(struct vx_store *st, const char *name, json_t **out,
                          struct vx_err *err);

/* *yes = whether a tag type called name exists. */
int vx_store_tag_type_exists(struct vx_store *st, const char *name, int *yes,
                             struct vx_err *err);

/*
 * Insert a tag type (description NULL: empty, icon may be NULL); an
 * existing name: VX_ECONFLICT naming /body/name.
 */
int vx_store_tag_type_insert(struct vx_store *st, const char *name,
                             const char *description, const char *icon,
                             struct vx_err *err);

/*
 * Set the description and icon of a tag type (NULL keeps a field);
 * VX_ENOTFOUND if absent.
 */
int vx_store_tag_type_update(struct vx_store *st, const char *name,
                             const char *description, const char *icon,
                             struct vx_err *err);

/* *n = how many tags of flags (archived ones too) have type name. */
int vx_store_tag_type_uses(struct vx_store *st, const char *name, int64_t *n,
                           struct vx_err *err);

/* Delete a tag type; VX_ENOTFOUND if absent. */
int vx_store_tag_type_delete(struct vx_store *st, const char *name,
                             struct vx_err *err);

#endif
