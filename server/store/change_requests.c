/*
 * The change_request_* tables and change_request_settings. Every
 * function runs inside a store bracket (store.h); this file only reads
 * and writes rows, the rules of states and approvals live in
 * ops/change_requests.c.
 */
#include "store/change_requests.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sql.h"
#include "store/store.h"
#include "vx_alloc.h"

/* SQL: {id, username} of the user whose id is the column col. */
#define USER_JSON(col)                                                         \
    "json_object('id', " col ", 'username', (SELECT coalesce(u.username,"      \
    " u.email, u.name) FROM users u WHERE u.id = " col "))"

int vx_store_cr_config_list(struct vx_store *st, const char *project,
                            json_t **out, struct vx_err *err)
{
    return vx_sql_rows(
        st, err, out,
        "SELECT e.name AS environment, e.type,"
        " coalesce(c.enabled, 0) AS \"changeRequestEnabled$bool\","
        " coalesce(c.required_approvals, 1) AS requiredApprovals"
        " FROM project_environments pe"
        " JOIN environments e ON e.name = pe.environment"
        " LEFT JOIN change_request_settings c"
        " ON c.project_id = pe.project_id"
        " AND c.environment = pe.environment"
        " WHERE pe.project_id = ? ORDER BY e.sort_order, e.name",
        "s", project);
}

int vx_store_cr_config_get(struct vx_store *st, const char *project,
                           const char *env, int *enabled, int64_t *approvals,
                           struct vx_err *err)
{
    json_t *row = NULL;
    int rc = vx_sql_row(st, err, &row,
                        "SELECT enabled, required_approvals AS n"
                        " FROM change_request_settings"
                        " WHERE project_id = ? AND environment = ?",
                        "ss", project, env);

    *enabled = 0;
    *approvals = 1;
    if (rc == VX_ENOTFOUND)
        return VX_OK;
    if (rc == VX_OK) {
        *enabled = json_integer_value(json_object_get(row, "enabled")) != 0;
        *approvals = json_integer_value(json_object_get(row, "n"));
    }
    json_decref(row);
    return rc;
}

int vx_store_cr_config_set(struct vx_store *st, const char *project,
                           const char *env, int enabled, int64_t approvals,
                           struct vx_err *err)
{
    return vx_sql_run(st, err,
                      "INSERT INTO change_request_settings"
                      " (project_id, environment, enabled,"
                      " required_approvals) VALUES (?, ?, ?, ?)"
                      " ON CONFLICT (project_id, environment) DO UPDATE"
                      " SET enabled = excluded.enabled,"
                      " required_approvals = excluded.required_approvals",
                      "ssbi", project, env, enabled, approvals);
}

int vx_store_cr_protect_production(struct vx_store *st, const char *project,
                                   struct vx_err *err)
{
    return vx_sql_run(st, err,
                      "INSERT OR REPLACE INTO change_request_settings"
                      " (project_id, environment, enabled,"
                      " required_approvals)"
                      " SELECT project_id, environment, 1, 1"
                      " FROM project_environments"
                      " WHERE project_id = ? AND environment = 'production'",
                      "s", project);
}

int vx_store_savepoint(struct vx_store *st, struct vx_err *err)
{
    return vx_sql_run(st, err, "SAVEPOINT vx_try", "");
}

void vx_store_savepoint_undo(struct vx_store *st)
{
    vx_sql_run(st, NULL, "ROLLBACK TO vx_try", "");
    vx_sql_run(st, NULL, "RELEASE vx_try", "");
}

void vx_store_savepoint_keep(struct vx_store *st)
{
    vx_sql_run(st, NULL, "RELEASE vx_try", "");
}

int vx_store_segment_version(struct vx_store *st, int64_t id, int64_t *out,
                             struct vx_err *err)
{
    return vx_sql_int(st, err, out, "SELECT version FROM segments WHERE id = ?",
                      "i", id);
}

int vx_store_cr_open_find(struct vx_store *st, const char *project,
                          const char *env, int64_t user_id, int64_t *id,
                          struct vx_err *err)
{
    return vx_sql_int(st, err, id,
                      "SELECT id FROM change_requests"
                      " WHERE project_id = ? AND environment = ?"
                      " AND created_by = ?"
                      " AND state IN ('Draft', 'In review', 'Approved')",
                      "ssi", project, env, user_id);
}

int vx_store_cr_insert(struct vx_store *st, const char *project,
                       const char *env, int64_t min_approvals, int64_t user_id,
                       int64_t *id, struct vx_err *err)
{
    char now[32];
    int rc;

    vx_sql_now(now);
    rc = vx_sql_run(st, err,
                    "INSERT INTO change_requests (project_id, environment,"
                    " state, min_approvals, created_by, created_at,"
                    " updated_at) VALUES (?, ?, 'Draft', ?, ?, ?, ?)",
                    "ssiiss", project, env, min_approvals, user_id, now, now);
    *id = rc ? 0 : vx_sql_last_id(st);
    return rc;
}

int vx_store_cr_row(struct vx_store *st, const char *project, int64_t id,
                    json_t **out, struct vx_err *err)
{
    int rc =
        vx_sql_row(st, err, out,
                   "SELECT id, project_id AS project, environment, state,"
                   " min_approvals AS minApprovals, created_by AS createdById,"
                   " scheduled_at AS scheduledAt, scheduled_by AS scheduledById"
                   " FROM change_requests"
                   " WHERE id = ?1 AND (?2 IS NULL OR project_id = ?2)",
                   "is", id, project);

    if (rc == VX_ENOTFOUND)
        rc = vx_err_set(err, rc, NULL,
                        "There's no change request with the id %lld%s%s%s",
                        (long long)id, project ? " in project \"" : "",
                        project ? project : "", project ? "\"" : "");
    return rc;
}

/* Drop the keys of obj whose value is null. */
static void drop_nulls(json_t *obj)
{
    const char *key;
    json_t *v;
    void *tmp;

    json_object_foreach_safe (obj, tmp, key, v) {
        if (json_is_null(v))
            json_object_del(obj, key);
    }
}

/*
 * Group changes ([{feature?, segmentId?, …}]) into features:[{name,
 * changes}] and segments:[{id, changes}] of cr.
 */
static void group_changes(json_t *cr, json_t *changes)
{
    json_t *features = json_array(), *segments = json_array();
    json_t *by_name = json_object(), *c;
    size_t i;

    json_array_foreach (changes, i, c) {
        const char *f = json_string_value(json_object_get(c, "feature"));
        json_t *seg = json_object_get(c, "segmentId"), *group;
        char key[48];

        if (f) {
            group = json_object_get(by_name, f);
            if (!group) {
                group = json_pack("{s:s, s:[]}", "name", f, "changes");
                json_object_set(by_name, f, group);
                json_array_append_new(features, group);
            }
        } else {
            snprintf(key, sizeof(key), "#%lld",
                     (long long)json_integer_value(seg));
            group = json_object_get(by_name, key);
            if (!group) {
                group = json_pack("{s:O, s:[]}", "id", seg, "changes");
                json_object_set(by_name, key, group);
                json_array_append_new(segments, group);
            }
        }
        json_object_del(c, "feature");
        json_object_del(c, "segmentId");
        json_array_append(json_object_get(group, "changes"), c);
    }
    json_object_set_new(cr, "features", features);
    json_object_set_new(cr, "segments", segments);
    json_decref(by_name);
}

/* Fill the lists of cr (a row of the request view). */
static int fill_view(struct vx_store *st, json_t *cr, struct vx_err *err)
{
    int64_t id = json_integer_value(json_object_get(cr, "id"));
    json_t *changes = NULL, *approvals = NULL, *rejections = NULL;
    json_t *comments = NULL;
    int rc =
        vx_sql_rows(st, err, &changes,
                    "SELECT id, feature, segment_id AS segmentId, action,"
                    " payload AS \"payload$json\","
                    " " USER_JSON("created_by") " AS \"createdBy$json\","
                                                " created_at AS createdAt"
                                                " FROM change_request_changes "
                                                "WHERE change_request_id = ?"
                                                " ORDER BY id",
                    "i", id);

    if (rc == VX_OK)
        rc = vx_sql_rows(
            st, err, &approvals,
            "SELECT " USER_JSON(
                "user_id") " AS \"createdBy$json\", created_at AS createdAt"
                           " FROM change_request_reviews"
                           " WHERE change_request_id = ? AND kind = 'approval'"
                           " ORDER BY created_at",
            "i", id);
    if (rc == VX_OK)
        rc = vx_sql_rows(
            st, err, &rejections,
            "SELECT " USER_JSON(
                "user_id") " AS \"createdBy$json\", created_at AS createdAt,"
                           " comment FROM change_request_reviews"
                           " WHERE change_request_id = ?"
                           " AND kind = 'rejection' ORDER BY created_at",
            "i", id);
    if (rc == VX_OK)
        rc = vx_sql_rows(
            st, err, &comments,
            "SELECT id, text, " USER_JSON(
                "created_by") " AS \"createdBy$json\", created_at AS createdAt"
                              " FROM change_request_comments"
                              " WHERE change_request_id = ? ORDER BY id",
            "i", id);
    if (rc == VX_OK) {
        group_changes(cr, changes);
        json_object_set(cr, "approvals", approvals);
        json_object_set(cr, "rejections", rejections);
        json_object_set(cr, "comments", comments);
    }
    json_decref(changes);
    json_decref(approvals);
    json_decref(rejections);
    json_decref(comments);
    return rc;
}

/* The columns of the request view, from change_requests cr. */
#define CR_COLUMNS                                                             \
    " cr.id, cr.title, cr.project_id AS project, cr.environment,"              \
    " cr.state, cr.min_approvals AS minApprovals,"                             \
    " " USER_JSON(                                                             \
        "cr.created_by") " AS \"createdBy$json\","                             \
                         " cr.created_at AS createdAt, cr.updated_at AS "      \
                         "updatedAt,"                                          \
                         " cr.scheduled_at AS scheduledAt, cr.applied_at AS "  \
                         "appliedAt,"                                          \
                         " cr.conflict,"                                       \
                         " (SELECT count(*) FROM change_request_reviews r"     \
                         "  WHERE r.change_request_id = cr.id AND r.kind = "   \
                         "'approval')"                                         \
                         " AS approvalCount"

int vx_store_cr_get(struct vx_store *st, const char *project, int64_t id,
                    json_t **out, struct vx_err *err)
{
    int rc = vx_store_cr_row(st, project, id, out, err);

    json_decref(*out);
    *out = NULL;
    if (rc == VX_OK)
        rc = vx_sql_row(st, err, out,
                        "SELECT" CR_COLUMNS
                        " FROM change_requests cr WHERE cr.id = ?",
                        "i", id);
    if (rc == VX_OK) {
        drop_nulls(*out);
        rc = fill_view(st, *out, err);
    }
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

int vx_store_cr_list(struct vx_store *st, const struct vx_cr_filter *f,
                     json_t **out, struct vx_err *err)
{
    json_t *cr;
    size_t i;
    int rc = vx_sql_rows(
        st, err, out,
        "SELECT" CR_COLUMNS " FROM change_requests cr"
        " WHERE (?1 IS NULL OR cr.project_id = ?1)"
        " AND (?2 IS NULL OR cr.state = ?2)"
        " AND (?3 IS NULL OR EXISTS (SELECT 1 FROM change_request_changes c"
        "  WHERE c.change_request_id = cr.id AND c.feature = ?3))"
        " AND (?4 = 0 OR cr.state IN"
        "  ('Draft', 'In review', 'Approved', 'Scheduled'))"
        " ORDER BY cr.id DESC",
        "sssb", f->project, f->state, f->feature, f->pending);

    json_array_foreach (*out, i, cr) {
        if (rc)
            break;
        drop_nulls(cr);
        rc = fill_view(st, cr, err);
    }
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

int vx_store_cr_set_state(struct vx_store *st, int64_t id, const char *state,
                          struct vx_err *err)
{
    char now[32];

    vx_sql_now(now);
    return vx_sql_run(st, err,
                      "UPDATE change_requests SET state = ?, updated_at = ?"
                      " WHERE id = ?",
                      "ssi", state, now, id);
}

int vx_store_cr_set_scheduled(struct vx_store *st, int64_t id, const char *at,
                              int64_t user_id, struct vx_err *err)
{
    char now[32];

    vx_sql_now(now);
    return vx_sql_run(st, err,
                      "UPDATE change_requests SET state = 'Scheduled',"
                      " scheduled_at = ?, scheduled_by = ?, updated_at = ?"
                      " WHERE id = ?",
                      "sisi", at, user_id, now, id);
}

int vx_store_cr_set_applied(struct vx_store *st, int64_t id, int64_t user_id,
                            struct vx_err *err)
{
    char now[32];

    vx_sql_now(now);
    return vx_sql_run(st, err,
                      "UPDATE change_requests SET state = 'Applied',"
                      " applied_at = ?, applied_by = ?, updated_at = ?"
                      " WHERE id = ?",
                      "sisi", now, user_id, now, id);
}

int vx_store_cr_set_conflict(struct vx_store *st, int64_t id,
                             const char *reason, struct vx_err *err)
{
    char now[32];

    vx_sql_now(now);
    return vx_sql_run(st, err,
                      "UPDATE change_requests SET state = 'Conflicted',"
                      " conflict = ?, updated_at = ? WHERE id = ?",
                      "ssi", reason, now, id);
}

int vx_store_cr_change_add(struct vx_store *st, int64_t id, const char *feature,
                           int64_t segment_id, const char *action,
                           json_t *payload, int64_t base_version,
                           int64_t user_id, struct vx_err *err)
{
    char now[32];

    vx_sql_now(now);
    return vx_sql_run(st, err,
                      "INSERT INTO change_request_changes"
                      " (change_request_id, feature, segment_id, action,"
                      " payload, base_version, created_by, created_at)"
                      " VALUES (?, ?, nullif(?, 0), ?, ?, ?, ?, ?)",
                      "isisjiis", id, feature, segment_id, action, payload,
                      base_version, user_id, now);
}

int vx_store_cr_changes(struct vx_store *st, int64_t id, json_t **out,
                        struct vx_err *err)
{
    json_t *c;
    size_t i;
    int rc = vx_sql_rows(st, err, out,
                         "SELECT id, feature, segment_id AS segmentId,"
                         " action, payload AS \"payload$json\","
                         " base_version AS baseVersion"
                         " FROM change_request_changes"
                         " WHERE change_request_id = ? ORDER BY id",
                         "i", id);

    json_array_foreach (*out, i, c) {
        drop_nulls(c);
    }
    return rc;
}

int vx_store_cr_review_add(struct vx_store *st, int64_t id, int64_t user_id,
                           const char *kind, const char *comment, int *added,
                           struct vx_err *err)
{
    char now[32];
    int rc;

    vx_sql_now(now);
    rc = vx_sql_run(st, err,
                    "INSERT OR IGNORE INTO change_request_reviews"
                    " (change_request_id, user_id, kind, comment,"
                    " created_at) VALUES (?, ?, ?, ?, ?)",
                    "iisss", id, user_id, kind, comment, now);
    *added = rc == VX_OK && vx_sql_changes(st) > 0;
    return rc;
}

int vx_store_cr_approvals_drop(struct vx_store *st, int64_t id,
                               struct vx_err *err)
{
    return vx_sql_run(st, err,
                      "DELETE FROM change_request_reviews"
                      " WHERE change_request_id = ? AND kind = 'approval'",
                      "i", id);
}

int vx_store_cr_approval_count(struct vx_store *st, int64_t id, int64_t *n,
                               struct vx_err *err)
{
    return vx_sql_int(st, err, n,
                      "SELECT count(*) FROM change_request_reviews"
                      " WHERE change_request_id = ? AND kind = 'approval'",
                      "i", id);
}

int vx_store_cr_comment_add(struct vx_store *st, int64_t id, const char *text,
                            int64_t user_id, int64_t *comment_id,
                            struct vx_err *err)
{
    char now[32];
    int rc;

    vx_sql_now(now);
    rc = vx_sql_run(st, err,
                    "INSERT INTO change_request_comments"
                    " (change_request_id, text, created_by, created_at)"
                    " VALUES (?, ?, ?, ?)",
                    "isis", id, text, user_id, now);
    *comment_id = rc ? 0 : vx_sql_last_id(st);
    return rc;
}

int vx_store_cr_due(struct vx_store *st, const char *now, json_t **out,
                    struct vx_err *err)
{
    json_t *rows = NULL, *row;
    size_t i;
    int rc = vx_sql_rows(st, err, &rows,
                         "SELECT id FROM change_requests"
                         " WHERE state = 'Scheduled' AND scheduled_at <= ?"
                         " ORDER BY scheduled_at, id",
                         "s", now);

    *out = rc ? NULL : json_array();
    json_array_foreach (rows, i, row) {
        json_array_append(*out, json_object_get(row, "id"));
    }
    json_decref(rows);
    return rc;
}

int vx_store_cr_user_name(struct vx_store *st, int64_t id, char **out,
                          struct vx_err *err)
{
    json_t *row = NULL;
    const char *name;
    int rc = vx_sql_row(st, err, &row,
                        "SELECT coalesce(username, email, name) AS n"
                        " FROM users WHERE id = ?",
                        "i", id);

    name = json_string_value(json_object_get(row, "n"));
    *out = vx_strdup(name ? name : "unknown");
    json_decref(row);
    return rc == VX_ENOTFOUND ? VX_OK : rc;
}
