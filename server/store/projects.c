/*
 * The projects and project_environments tables.
 */
#include "store/projects.h"

#include "store/sql.h"
#include "store/store.h"

int vx_store_projects_list(struct vx_store *st, json_t **out,
                           struct vx_err *err)
{
    return vx_sql_rows(
        st, err, out,
        "SELECT p.id, p.name, p.description, p.created_at AS createdAt,"
        " p.updated_at AS updatedAt,"
        " (SELECT count(*) FROM features f WHERE f.project_id = p.id"
        "  AND f.archived_at IS NULL) AS featureCount"
        " FROM projects p ORDER BY p.id",
        "");
}

int vx_store_project_get(struct vx_store *st, const char *id, json_t **out,
                         struct vx_err *err)
{
    json_t *envs = NULL;
    int rc = vx_sql_row(
        st, err, out,
        "SELECT p.id, p.name, p.description, p.created_at AS createdAt,"
        " p.updated_at AS updatedAt,"
        " (SELECT count(*) FROM features f WHERE f.project_id = p.id"
        "  AND f.archived_at IS NULL) AS featureCount"
        " FROM projects p WHERE p.id = ?",
        "s", id);

    if (rc == VX_ENOTFOUND)
        return vx_err_set(err, rc, NULL, "There's no project named \"%s\".",
                          id);
    if (rc == VX_OK)
        rc = vx_sql_rows(
            st, err, &envs,
            "SELECT e.name AS environment, e.type,"
            " e.enabled AS \"enabled$bool\", e.sort_order AS sortOrder,"
            " coalesce(c.enabled, 0) AS \"changeRequestsEnabled$bool\","
            " pe.default_strategy AS \"defaultStrategy$json\""
            " FROM project_environments pe"
            " JOIN environments e ON e.name = pe.environment"
            " LEFT JOIN change_request_settings c"
            " ON c.project_id = pe.project_id"
            " AND c.environment = pe.environment"
            " WHERE pe.project_id = ? ORDER BY e.sort_order, e.name",
            "s", id);
    if (rc == VX_OK)
        json_object_set_new(*out, "environments", envs);
    return rc;
}

int vx_store_project_insert(struct vx_store *st, const char *id,
                            const char *name, const char *description,
                            struct vx_err *err)
{
    char now[32];
    int rc;

    vx_sql_now(now);
    rc = vx_sql_run(st, err,
                    "INSERT INTO projects (id, name, description, created_at)"
                    " VALUES (?, ?, ?, ?)",
                    "ssss", id, name, description ? description : "", now);
    if (rc == VX_ECONFLICT)
        return vx_err_set(err, rc, "/body/id",
                          "A project with the id \"%s\" already exists", id);
    if (rc)
        return rc;
    return vx_sql_run(st, err,
                      "INSERT INTO project_environments"
                      " (project_id, environment)"
                      " SELECT ?, name FROM environments",
                      "s", id);
}

int vx_store_project_update(struct vx_store *st, const char *id,
                            const char *name, const char *description,
                            struct vx_err *err)
{
    char now[32];
    int rc;

    vx_sql_now(now);
    rc = vx_sql_run(st, err,
                    "UPDATE projects SET name = coalesce(?, name),"
                    " description = coalesce(?, description),"
                    " updated_at = ? WHERE id = ?",
                    "ssss", name, description, now, id);
    if (rc == VX_OK && vx_sql_changes(st) == 0)
        rc = vx_err_set(err, VX_ENOTFOUND, NULL,
                        "There's no project named \"%s\".", id);
    return rc;
}

int vx_store_project_delete(struct vx_store *st, const char *id,
                            struct vx_err *err)
{
    int64_t flags = 0;
    int rc = vx_store_project_exists(st, id, err);

    if (rc == VX_OK)
        rc = vx_sql_int(st, err, &flags,
                        "SELECT count(*) FROM features WHERE project_id = ?",
                        "s", id);
    if (rc == VX_OK && flags > 0)
        rc = vx_err_set(err, VX_ECONFLICT, NULL,
                        "project \"%s\" still holds %lld flags (archived "
                        "ones included): move or delete them first",
                        id, (long long)flags);
    if (rc == VX_OK)
        rc = vx_sql_run(st, err, "DELETE FROM projects WHERE id = ?", "s", id);
    return rc;
}

int vx_store_project_env_set(struct vx_store *st, const char *project,
                             const char *environment, int enabled,
                             struct vx_err *err)
{
    int64_t n = 0;
    int rc = vx_store_project_exists(st, project, err);

    if (rc == VX_OK)
        rc = vx_sql_int(st, err, &n,
                        "SELECT count(*) FROM environments WHERE name = ?", "s",
                        environment);
    if (rc == VX_OK && n == 0)
        return vx_err_set(err, VX_ENOTFOUND, "/body/environment",
                          "There's no environment named \"%s\".", environment);
    if (rc)
        return rc;
    if (enabled)
        return vx_sql_run(st, err,
                          "INSERT OR IGNORE INTO project_environments"
                          " (project_id, environment) VALUES (?, ?)",
                          "ss", project, environment);
    rc = vx_sql_run(st, err,
                    "DELETE FROM project_environments"
                    " WHERE project_id = ? AND environment = ?",
                    "ss", project, environment);
    if (rc == VX_OK && vx_sql_changes(st) == 0)
        rc = vx_err_set(err, VX_ENOTFOUND, NULL,
                        "environment \"%s\" is not enabled in project "
                        "\"%s\"",
                        environment, project);
    return rc;
}

int vx_store_project_env_check(struct vx_store *st, const char *project,
                               const char *environment, struct vx_err *err)
{
    int64_t n = 0;
    int rc = vx_store_project_exists(st, project, err);

    if (rc == VX_OK)
        rc = vx_sql_int(st, err, &n,
                        "SELECT count(*) FROM project_environments"
                        " WHERE project_id = ? AND environment = ?",
                        "ss", project, environment);
    if (rc == VX_OK && n == 0)
        rc = vx_err_set(err, VX_ENOTFOUND, NULL,
                        "environment \"%s\" does not exist or is not "
                        "enabled in project \"%s\"",
                        environment, project);
    return rc;
}

int vx_store_project_exists(struct vx_store *st, const char *id,
                            struct vx_err *err)
{
    int64_t n = 0;
    int rc = vx_sql_int(st, err, &n,
                        "SELECT count(*) FROM projects WHERE id = ?", "s", id);

    if (rc == VX_OK && n == 0)
        rc = vx_err_set(err, VX_ENOTFOUND, NULL,
                        "There's no project named \"%s\".", id);
    return rc;
}

int vx_store_env_protected(struct vx_store *st, const char *project,
                           const char *environment, int *out,
                           struct vx_err *err)
{
    int64_t n = 0;
    int rc = vx_sql_int(st, err, &n,
                        "SELECT count(*) FROM change_request_settings"
                        " WHERE project_id = ? AND environment = ?"
                        " AND enabled = 1",
                        "ss", project, environment);

    *out = n > 0;
    return rc;
}

int vx_store_project_env_default_get(struct vx_store *st, const char *project,
                                     const char *environment, json_t **out,
                                     struct vx_err *err)
{
    json_t *row = NULL;
    int rc = vx_store_project_env_check(st, project, environment, err);

    *out = NULL;
    if (rc == VX_OK)
        rc = vx_sql_row(st, err, &row,
                        "SELECT default_strategy AS \"strategy$json\""
                        " FROM project_environments"
                        " WHERE project_id = ? AND environment = ?",
                        "ss", project, environment);
    if (rc == VX_OK && json_is_object(json_object_get(row, "strategy")))
        *out = json_incref(json_object_get(row, "strategy"));
    json_decref(row);
    return rc;
}

int vx_store_project_env_default_set(struct vx_store *st, const char *project,
                                     const char *environment, json_t *strategy,
                                     struct vx_err *err)
{
    int rc = vx_store_project_env_check(st, project, environment, err);

    if (rc == VX_OK)
        rc = vx_sql_run(st, err,
                        "UPDATE project_environments SET default_strategy = ?"
                        " WHERE project_id = ? AND environment = ?",
                        "jss", strategy, project, environment);
    return rc;
}
