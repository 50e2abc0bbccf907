/*
 * The environments table.
 */
#include "store/environments.h"

#include "store/sql.h"
#include "store/store.h"

#define ENV_COLUMNS                                                            \
    "name, type, enabled AS \"enabled$bool\", sort_order AS sortOrder,"        \
    " protected AS \"protected$bool\", created_at AS createdAt,"               \
    " (SELECT count(*) FROM project_environments pe"                           \
    "  WHERE pe.environment = name) AS projectCount"

int vx_store_envs_list(struct vx_store *st, json_t **out, struct vx_err *err)
{
    return vx_sql_rows(st, err, out,
                       "SELECT " ENV_COLUMNS
                       " FROM environments ORDER BY sort_order, name",
                       "");
}

int vx_store_env_get(struct vx_store *st, const char *name, json_t **out,
                     struct vx_err *err)
{
    int rc = vx_sql_row(
        st, err, out, "SELECT " ENV_COLUMNS " FROM environments WHERE name = ?",
        "s", name);

    if (rc == VX_ENOTFOUND)
        vx_err_set(err, rc, NULL, "There's no environment named \"%s\".", name);
    return rc;
}

int vx_store_env_insert(struct vx_store *st, const char *name, const char *type,
                        int enabled, int64_t sort_order, struct vx_err *err)
{
    char now[32];
    int rc;

    vx_sql_now(now);
    rc = vx_sql_run(st, err,
                    "INSERT INTO environments (name, type, enabled,"
                    " sort_order, created_at) VALUES (?, ?, ?, ?, ?)",
                    "ssbis", name, type, enabled, sort_order, now);
    if (rc == VX_ECONFLICT)
        return vx_err_set(err, rc, "/body/name",
                          "An environment named \"%s\" already exists", name);
    if (rc == VX_OK)
        rc = vx_sql_run(st, err,
                        "INSERT INTO project_environments"
                        " (project_id, environment)"
                        " SELECT id, ? FROM projects",
                        "s", name);
    return rc;
}

/* VX_ENOTFOUND with the documented message when nothing changed. */
static int changed_or_missing(struct vx_store *st, const char *name, int rc,
                              struct vx_err *err)
{
    if (rc == VX_OK && vx_sql_changes(st) == 0)
        rc = vx_err_set(err, VX_ENOTFOUND, NULL,
                        "There's no environment named \"%s\".", name);
    return rc;
}

int vx_store_env_update(struct vx_store *st, const char *name, const char *type,
                        int64_t sort_order, struct vx_err *err)
{
    int rc = vx_sql_run(st, err,
                        "UPDATE environments SET type = coalesce(?, type),"
                        " sort_order = CASE WHEN ? < 0 THEN sort_order"
                        " ELSE ? END WHERE name = ?",
                        "siis", type, sort_order, sort_order, name);

    return changed_or_missing(st, name, rc, err);
}

int vx_store_env_set_enabled(struct vx_store *st, const char *name, int enabled,
                             struct vx_err *err)
{
    int rc = vx_sql_run(st, err,
                        "UPDATE environments SET enabled = ? WHERE name = ?",
                        "bs", enabled, name);

    return changed_or_missing(st, name, rc, err);
}

int vx_store_env_delete(struct vx_store *st, const char *name,
                        struct vx_err *err)
{
    int rc = vx_sql_run(st, err, "DELETE FROM environments WHERE name = ?", "s",
                        name);

    return changed_or_missing(st, name, rc, err);
}

int vx_store_env_names(struct vx_store *st, json_t **out, struct vx_err *err)
{
    return vx_sql_rows(st, err, out,
                       "SELECT name FROM environments ORDER BY name", "");
}
