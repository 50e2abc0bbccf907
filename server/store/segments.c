/*
 * The segments table.
 */
#include "store/segments.h"

#include "store/sql.h"
#include "store/store.h"

#define SEGMENT_COLUMNS                                                        \
    "s.id, s.name, s.description, s.project,"                                  \
    " s.constraints AS \"constraints$json\", s.created_at AS createdAt,"       \
    " (SELECT u.username FROM users u WHERE u.id = s.created_by)"              \
    " AS createdBy"

int vx_store_segments_list(struct vx_store *st, json_t **out,
                           struct vx_err *err)
{
    return vx_sql_rows(
        st, err, out,
        "SELECT " SEGMENT_COLUMNS " FROM segments s ORDER BY s.id", "");
}

int vx_store_segment_get(struct vx_store *st, int64_t id, json_t **out,
                         struct vx_err *err)
{
    int rc = vx_sql_row(
        st, err, out,
        "SELECT " SEGMENT_COLUMNS " FROM segments s WHERE s.id = ?", "i", id);

    if (rc == VX_ENOTFOUND)
        return vx_err_set(err, rc, NULL, "there is no segment with id %lld",
                          (long long)id);
    return rc;
}

/* Turn a unique-name failure into a message naming the segment. */
static int name_conflict(int rc, const char *name, struct vx_err *err)
{
    if (rc == VX_ECONFLICT)
        return vx_err_set(err, rc, "/body/name",
                          "There already exists a segment with the name "
                          "\"%s\"",
                          name);
    return rc;
}

int vx_store_segment_insert(struct vx_store *st, const char *name,
                            const char *description, const char *project,
                            json_t *constraints, int64_t created_by,
                            int64_t *id, struct vx_err *err)
{
    char now[32];
    int rc;

    vx_sql_now(now);
    rc = vx_sql_run(st, err,
                    "INSERT INTO segments (name, description, project,"
                    " constraints, created_at, created_by)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    "sssjsi", name, description ? description : "", project,
                    constraints, now, created_by);
    if (rc == VX_OK)
        *id = vx_sql_last_id(st);
    return name_conflict(rc, name, err);
}

int vx_store_segment_update(struct vx_store *st, int64_t id, const char *name,
                            const char *description, const char *project,
                            json_t *constraints, struct vx_err *err)
{
    int rc = vx_sql_run(st, err,
                        "UPDATE segments SET name = ?, description = ?,"
                        " project = ?, constraints = ? WHERE id = ?",
                        "sssji", name, description ? description : "", project,
                        constraints, id);

    if (rc == VX_OK && vx_sql_changes(st) == 0)
        rc = vx_err_set(err, VX_ENOTFOUND, NULL,
                        "there is no segment with id %lld", (long long)id);
    return name_conflict(rc, name, err);
}

int vx_store_segment_delete(struct vx_store *st, int64_t id, struct vx_err *err)
{
    return vx_sql_run(st, err, "DELETE FROM segments WHERE id = ?", "i", id);
}

int vx_store_segment_flags(struct vx_store *st, int64_t id, json_t **out,
                           struct vx_err *err)
{
    return vx_sql_rows(st, err, out,
                       "SELECT DISTINCT f.name, f.project_id AS project"
                       " FROM strategy_segments ss"
                       " JOIN feature_strategies fs"
                       " ON fs.id = ss.strategy_id"
                       " JOIN features f ON f.name = fs.feature_name"
                       " WHERE ss.segment_id = ? ORDER BY f.name",
                       "i", id);
}

int vx_store_segment_protected_use(struct vx_store *st, int64_t id,
                                   json_t **out, struct vx_err *err)
{
    int rc = vx_sql_row(st, err, out,
                        "SELECT f.project_id AS project, fs.environment"
                        " FROM strategy_segments ss"
                        " JOIN feature_strategies fs ON fs.id = ss.strategy_id"
                        " JOIN features f ON f.name = fs.feature_name"
                        " JOIN change_request_settings c"
                        " ON c.project_id = f.project_id"
                        " AND c.environment = fs.environment AND c.enabled = 1"
                        " WHERE ss.segment_id = ? AND f.archived_at IS NULL"
                        " ORDER BY f.project_id, fs.environment LIMIT 1",
                        "i", id);

    return rc == VX_ENOTFOUND ? VX_OK : rc;
}
