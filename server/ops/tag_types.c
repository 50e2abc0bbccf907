/*
 * The tag type operations of tag_types.h.
 */
#include "ops/tag_types.h"

#include <string.h>

#include "store/tag_types.h"
#include "validate.h"

int vx_op_tag_type_read(json_t *body, int with_name, const char **name,
                        const char **description, const char **icon,
                        struct vx_err *err)
{
    int rc = VX_OK;

    *name = *description = *icon = NULL;
    if (with_name)
        rc = vx_v_name(body, "name", VX_REQUIRED, VX_TAG_TYPE_MAX, name, err);
    if (rc == VX_OK && with_name && strlen(*name) < 2)
        rc = vx_err_set(err, VX_EINVAL, "/body/name",
                        "`/body/name` must be 2 to %d characters long",
                        VX_TAG_TYPE_MAX);
    if (rc == VX_OK)
        rc = vx_v_string(body, "description", VX_OPTIONAL, 1000, description,
                         err);
    if (rc == VX_OK && !json_is_null(json_object_get(body, "icon")))
        rc = vx_v_string(body, "icon", VX_OPTIONAL, 100, icon, err);
    return rc;
}

int vx_op_tag_type_create(struct vx_store *st, const struct vx_actor *who,
                          json_t *body, json_t **out, struct vx_err *err)
{
    const char *name, *desc, *icon;
    json_t *post = NULL;
    int rc = vx_op_tag_type_read(body, 1, &name, &desc, &icon, err);

    if (rc == VX_OK)
        rc = vx_store_tag_type_insert(st, name, desc, icon, err);
    if (rc == VX_OK)
        rc = vx_store_tag_type_get(st, name, &post, err);
    if (rc == VX_OK)
        rc = vx_store_event(st, who, "tag-type-created", NULL, NULL, NULL, NULL,
                            post, err);
    if (rc == VX_OK)
        *out = post;
    else
        json_decref(post);
    return rc;
}

int vx_op_tag_type_update(struct vx_store *st, const struct vx_actor *who,
                          const char *name, json_t *body, json_t **out,
                          struct vx_err *err)
{
    const char *unused, *desc, *icon;
    json_t *pre = NULL, *post = NULL;
    int rc = vx_op_tag_type_read(body, 0, &unused, &desc, &icon, err);

    if (rc == VX_OK)
        rc = vx_store_tag_type_get(st, name, &pre, err);
    if (rc == VX_OK)
        rc = vx_store_tag_type_update(st, name, desc, icon, err);
    if (rc == VX_OK)
        rc = vx_store_tag_type_get(st, name, &post, err);
    if (rc == VX_OK)
        rc = vx_store_event(st, who, "tag-type-updated", NULL, NULL, NULL, pre,
                            post, err);
    json_decref(pre);
    if (rc == VX_OK)
        *out = post;
    else
        json_decref(post);
    return rc;
}

int vx_op_tag_type_delete(struct vx_store *st, const struct vx_actor *who,
                          const char *name, struct vx_err *err)
{
    json_t *pre = NULL;
    int64_t uses = 0;
    int rc = vx_store_tag_type_get(st, name, &pre, err);

    if (rc == VX_OK)
        rc = vx_store_tag_type_uses(st, name, &uses, err);
    if (rc == VX_OK && uses > 0)
        rc = vx_err_set(err, VX_ECONFLICT, NULL,
                        "tag type \"%s\" is in use by %lld tag%s of flags; "
                        "remove those tags first",
                        name, (long long)uses, uses == 1 ? "" : "s");
    if (rc == VX_OK)
        rc = vx_store_tag_type_delete(st, name, err);
    if (rc == VX_OK)
        rc = vx_store_event(st, who, "tag-type-deleted", NULL, NULL, NULL, pre,
                            NULL, err);
    json_decref(pre);
    return rc;
}

int vx_op_tag_type_require(struct vx_store *st, const char *type,
                           const char *path, struct vx_err *err)
{
    int yes = 0;
    int rc = vx_store_tag_type_exists(st, type, &yes, err);

    if (rc == VX_OK && !yes)
        rc = vx_err_set(err, VX_EINVAL, path,
                        "tag type \"%s\" does not exist; create it with "
                        "POST /api/admin/tag-types first",
                        type);
    return rc;
}
