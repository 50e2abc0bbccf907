/*
 * The tag_types table.
 */
#include "store/tag_types.h"

#include "store/sql.h"
#include "store/store.h"

#define COLUMNS "name, description, icon"

int vx_store_tag_types_list(struct vx_store *st, json_t **out,
                            struct vx_err *err)
{
    return vx_sql_rows(st, err, out,
                       "SELECT " COLUMNS " FROM tag_types ORDER BY name", "");
}

/* The documented not-found error for tag type name. */
static int missing(const char *name, struct vx_err *err)
{
    return vx_err_set(err, VX_ENOTFOUND, NULL,
                      "Could not find tag type with name \"%s\"", name);
}

int vx_store_tag_type_get(struct vx_store *st, const char *name, json_t **out,
                          struct vx_err *err)
{
    int rc = vx_sql_row(st, err, out,
                        "SELECT " COLUMNS " FROM tag_types WHERE name = ?", "s",
                        name);

    return rc == VX_ENOTFOUND ? missing(name, err) : rc;
}

int vx_store_tag_type_exists(struct vx_store *st, const char *name, int *yes,
                             struct vx_err *err)
{
    int64_t n = 0;
    int rc =
        vx_sql_int(st, err, &n, "SELECT count(*) FROM tag_types WHERE name = ?",
                   "s", name);

    *yes = rc == VX_OK && n > 0;
    return rc;
}

int vx_store_tag_type_insert(struct vx_store *st, const char *name,
                             const char *description, const char *icon,
                             struct vx_err *err)
{
    char now[32];
    int rc;

    vx_sql_now(now);
    rc = vx_sql_run(st, err,
                    "INSERT INTO tag_types (name, description, icon,"
                    " created_at) VALUES (?, ?, ?, ?)",
                    "ssss", name, description ? description : "", icon, now);
    if (rc == VX_ECONFLICT)
        return vx_err_set(err, rc, "/body/name",
                          "There's already a tag type by the name \"%s\"",
                          name);
    return rc;
}

int vx_store_tag_type_update(struct vx_store *st, const char *name,
                             const char *description, const char *icon,
                             struct vx_err *err)
{
    int rc = vx_sql_run(st, err,
                        "UPDATE tag_types SET"
                        " description = coalesce(?, description),"
                        " icon = coalesce(?, icon) WHERE name = ?",
                        "sss", description, icon, name);

    if (rc == VX_OK && vx_sql_changes(st) == 0)
        return missing(name, err);
    return rc;
}

int vx_store_tag_type_uses(struct vx_store *st, const char *name, int64_t *n,
                           struct vx_err *err)
{
    *n = 0;
    return vx_sql_int(st, err, n,
                      "SELECT count(*) FROM feature_tags WHERE tag_type = ?",
                      "s", name);
}

int vx_store_tag_type_delete(struct vx_store *st, const char *name,
                             struct vx_err *err)
{
    int rc =
        vx_sql_run(st, err, "DELETE FROM tag_types WHERE name = ?", "s", name);

    if (rc == VX_OK && vx_sql_changes(st) == 0)
        return missing(name, err);
    return rc;
}
