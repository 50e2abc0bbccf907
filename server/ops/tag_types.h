/*
 * Tag types as operations: check a tag type body, create, update and
 * delete one with its audit event, and check that a type exists before
 * a flag is tagged with it. Each runs inside a write transaction the
 * caller opened with vx_store_begin() and ends with vx_store_finish();
 * on failure the transaction must be rolled back.
 *
 * Objects passed in are borrowed; objects returned in *out are owned by
 * the caller and are set only on success.
 */
#ifndef VX_OPS_TAG_TYPES_H
#define VX_OPS_TAG_TYPES_H

#include <jansson.h>

#include "store/store.h"
#include "vx_err.h"

/* Longest tag type name, as Unleash allows. */
#define VX_TAG_TYPE_MAX 50

/*
 * Check a tag type body {name, description?, icon?}: name URL-safe, 2 to
 * VX_TAG_TYPE_MAX characters (only checked when with_name), description
 * and icon strings (icon may be null). The pointers borrow from body;
 * absent fields are NULL. No store access.
 */
int vx_op_tag_type_read(json_t *body, int with_name, const char **name,
                        const char **description, const char **icon,
                        struct vx_err *err);

/*
 * Create the tag type body describes; *out is the stored tag type.
 * VX_ECONFLICT when the name is taken.
 */
int vx_op_tag_type_create(struct vx_store *st, const struct vx_actor *who,
                          json_t *body, json_t **out, struct vx_err *err);

/* Set the description and icon body gives of tag type name. */
int vx_op_tag_type_update(struct vx_store *st, const struct vx_actor *who,
                          const char *name, json_t *body, json_t **out,
                          struct vx_err *err);

/* Delete tag type name; VX_ECONFLICT while flags carry tags of it. */
int vx_op_tag_type_delete(struct vx_store *st, const struct vx_actor *who,
                          const char *name, struct vx_err *err);

/*
 * VX_OK when tag type type exists, else VX_EINVAL naming it, with path
 * (such as "/body/type") as the error's place.
 */
int vx_op_tag_type_require(struct vx_store *st, const char *type,
                           const char *path, struct vx_err *err);

#endif
