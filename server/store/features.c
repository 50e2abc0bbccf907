/*
 * The features table and the admin view of what hangs on a flag:
 * feature_environments, feature_strategies, strategy_segments,
 * dependencies and feature_tags. Writes to strategies, variants,
 * segments and dependencies belong to their own modules; this one only
 * reads them, except for the default strategy a toggle adds and the
 * copies a clone makes.
 */
#include "store/features.h"

#include <string.h>

#include "store/sql.h"
#include "store/store.h"
#include "util.h"

/* The columns of a flag's own row, keyed by the API's field names. */
#define FEATURE_COLUMNS                                                        \
    " f.name, f.project_id AS project, f.type, f.description,"                 \
    " f.stale AS \"stale$bool\","                                              \
    " f.impression_data AS \"impressionData$bool\","                           \
    " f.created_at AS createdAt,"                                              \
    " (f.archived_at IS NOT NULL) AS \"archived$bool\","                       \
    " f.archived_at AS archivedAt"

int vx_store_feature_row(struct vx_store *st, const char *name, json_t **out,
                         struct vx_err *err)
{
    return vx_sql_row(st, err, out,
                      "SELECT" FEATURE_COLUMNS ", f.version"
                      " FROM features f WHERE f.name = ?",
                      "s", name);
}

/*
 * Hang each strategy of strategies (stolen) on the environment of envs
 * it belongs to; strategies of environments not listed are dropped.
 */
static void attach_strategies(json_t *envs, json_t *strategies)
{
    size_t i, j;
    json_t *s, *e;

    json_array_foreach (envs, j, e)
        json_object_set_new(e, "strategies", json_array());
    json_array_foreach (strategies, i, s) {
        const char *env = json_string_value(json_object_get(s, "env"));

        json_array_foreach (envs, j, e) {
            const char *name = json_string_value(json_object_get(e, "name"));

            if (env && name && !strcmp(env, name)) {
                json_object_del(s, "env");
                json_array_append(json_object_get(e, "strategies"), s);
                break;
            }
        }
    }
    json_decref(strategies);
}

/* The environments part of a full flag, with strategies, into *out. */
static int full_envs(struct vx_store *st, const char *name, const char *project,
                     json_t **out, struct vx_err *err)
{
    json_t *strategies = NULL;
    int rc = vx_sql_rows(
        st, err, out,
        "SELECT e.name, e.type, coalesce(fe.enabled, 0) AS \"enabled$bool\","
        " e.sort_order AS sortOrder,"
        " coalesce(fe.variants, '[]') AS \"variants$json\","
        " fe.last_seen_at AS lastSeenAt"
        " FROM project_environments pe"
        " JOIN environments e ON e.name = pe.environment"
        " LEFT JOIN feature_environments fe"
        " ON fe.feature_name = ?1 AND fe.environment = e.name"
        " WHERE pe.project_id = ?2 ORDER BY e.sort_order, e.name",
        "ss", name, project);

    if (rc == VX_OK)
        rc = vx_sql_rows(
            st, err, &strategies,
            "SELECT s.id, s.name, s.title, s.disabled AS \"disabled$bool\","
            " s.parameters AS \"parameters$json\","
            " s.constraints AS \"constraints$json\","
            " s.variants AS \"variants$json\","
            " (SELECT json_group_array(segment_id) FROM"
            "  (SELECT ss.segment_id FROM strategy_segments ss"
            "   WHERE ss.strategy_id = s.id ORDER BY ss.segment_id))"
            " AS \"segments$json\","
            " s.sort_order AS sortOrder, s.environment AS env"
            " FROM feature_strategies s WHERE s.feature_name = ?"
            " ORDER BY s.sort_order, s.created_at, s.id",
            "s", name);
    if (rc == VX_OK)
        attach_strategies(*out, strategies);
    return rc;
}

/* A one-column result of rows turned into an array of its values. */
static json_t *column_values(json_t *rows, const char *key)
{
    json_t *out = json_array(), *row;
    size_t i;

    json_array_foreach (rows, i, row)
        json_array_append(out, json_object_get(row, key));
    json_decref(rows);
    return out;
}

int vx_store_feature_children(struct vx_store *st, const char *name,
                              json_t **out, struct vx_err *err)
{
    json_t *rows = NULL;
    int rc = vx_sql_rows(st, err, &rows,
                         "SELECT d.child FROM dependencies d"
                         " JOIN features f ON f.name = d.child"
                         " WHERE d.parent = ? AND f.archived_at IS NULL"
                         " ORDER BY d.child",
                         "s", name);

    *out = rc ? NULL : column_values(rows, "child");
    return rc;
}

int vx_store_feature_full(struct vx_store *st, const char *name, json_t **out,
                          struct vx_err *err)
{
    json_t *f = NULL, *envs = NULL, *tags = NULL, *deps = NULL;
    json_t *children = NULL;
    int rc = vx_store_feature_row(st, name, &f, err);

    if (rc == VX_OK)
        rc = full_envs(st, name,
                       json_string_value(json_object_get(f, "project")), &envs,
                       err);
    if (rc == VX_OK)
        rc = vx_store_feature_tags(st, name, &tags, err);
    if (rc == VX_OK)
        rc = vx_sql_rows(st, err, &deps,
                         "SELECT parent AS feature,"
                         " enabled AS \"enabled$bool\","
                         " variants AS \"variants$json\""
                         " FROM dependencies WHERE child = ?"
                         " ORDER BY parent",
                         "s", name);
    if (rc == VX_OK)
        rc = vx_store_feature_children(st, name, &children, err);
    if (rc) {
        json_decref(f);
        f = NULL;
        goto out;
    }
    json_object_del(f, "version");
    json_object_set(f, "environments", envs);
    json_object_set_new(f, "variants", json_array());
    json_object_set(f, "tags", tags);
    json_object_set(f, "dependencies", deps);
    json_object_set(f, "children", children);
out:
    json_decref(envs);
    json_decref(tags);
    json_decref(deps);
    json_decref(children);
    *out = f;
    return rc;
}

/* Group env rows (stolen) by their "feature" key onto each flag. */
static void attach_env_summaries(json_t *flags, json_t *envs)
{
    json_t *by_name = json_object(), *e, *f, *list;
    size_t i;

    json_array_foreach (envs, i, e) {
        const char *feature = json_string_value(json_object_get(e, "feature"));

        list = json_object_get(by_name, feature);
        if (!list) {
            list = json_array();
            json_object_set_new(by_name, feature, list);
        }
        json_object_del(e, "feature");
        json_array_append(list, e);
    }
    json_array_foreach (flags, i, f) {
        list = json_object_get(by_name,
                               json_string_value(json_object_get(f, "name")));
        json_object_set_new(f, "environments",
                            list ? json_incref(list) : json_array());
    }
    json_decref(by_name);
    json_decref(envs);
}

int vx_store_features_list(struct vx_store *st, const char *project,
                           json_t **out, struct vx_err *err)
{
    json_t *envs = NULL;
    int rc = vx_sql_rows(
        st, err, out,
        "SELECT f.type, f.description, 0 AS \"favorite$bool\", f.name,"
        " f.created_at AS createdAt, f.stale AS \"stale$bool\","
        " f.impression_data AS \"impressionData$bool\""
        " FROM features f"
        " WHERE f.project_id = ? AND f.archived_at IS NULL"
        " ORDER BY f.created_at, f.name",
        "s", project);

    if (rc == VX_OK)
        rc = vx_sql_rows(
            st, err, &envs,
            "SELECT f.name AS feature, e.name,"
            " coalesce(fe.enabled, 0) AS \"enabled$bool\", e.type,"
            " e.sort_order AS sortOrder,"
            " json_array_length(coalesce(fe.variants, '[]'))"
            " AS variantCount,"
            " fe.last_seen_at AS lastSeenAt,"
            " EXISTS (SELECT 1 FROM feature_strategies s"
            "  WHERE s.feature_name = f.name AND s.environment = e.name)"
            " AS \"hasStrategies$bool\","
            " EXISTS (SELECT 1 FROM feature_strategies s"
            "  WHERE s.feature_name = f.name AND s.environment = e.name"
            "  AND s.disabled = 0) AS \"hasEnabledStrategies$bool\""
            " FROM features f"
            " JOIN project_environments pe ON pe.project_id = f.project_id"
            " JOIN environments e ON e.name = pe.environment"
            " LEFT JOIN feature_environments fe"
            " ON fe.feature_name = f.name AND fe.environment = e.name"
            " WHERE f.project_id = ? AND f.archived_at IS NULL"
            " ORDER BY f.name, e.sort_order, e.name",
            "s", project);
    if (rc == VX_OK) {
        attach_env_summaries(*out, envs);
    } else {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

int vx_store_features_archived(struct vx_store *st, const char *project,
                               json_t **out, struct vx_err *err)
{
    return vx_sql_rows(st, err, out,
                       "SELECT" FEATURE_COLUMNS " FROM features f"
                       " WHERE f.archived_at IS NOT NULL"
                       " AND (?1 IS NULL OR f.project_id = ?1)"
                       " ORDER BY f.archived_at DESC, f.name",
                       "s", project);
}

int vx_store_feature_insert(struct vx_store *st, const char *project,
                            const char *name, const char *type,
                            const char *description, int impression_data,
                            int64_t created_by, struct vx_err *err)
{
    char now[32];
    int64_t n = 0;
    int rc = vx_sql_int(
        st, err, &n, "SELECT count(*) FROM features WHERE name = ?", "s", name);

    if (rc == VX_OK && n > 0)
        return vx_err_set(err, VX_ECONFLICT, NULL,
                          "A flag with that name already exists");
    vx_sql_now(now);
    if (rc == VX_OK)
        rc = vx_sql_run(st, err,
                        "INSERT INTO features (name, project_id, type,"
                        " description, impression_data, created_at,"
                        " created_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        "ssssbsi", name, project, type,
                        description ? description : "", impression_data, now,
                        created_by);
    if (rc == VX_OK)
        rc = vx_sql_run(st, err,
                        "INSERT INTO feature_environments"
                        " (feature_name, environment)"
                        " SELECT ?, environment FROM project_environments"
                        " WHERE project_id = ?",
                        "ss", name, project);
    return rc;
}

int vx_store_feature_update(struct vx_store *st, const char *name,
                            const char *type, const char *description,
                            int stale, int impression_data, struct vx_err *err)
{
    return vx_sql_run(st, err,
                      "UPDATE features SET type = ?, description = ?,"
                      " stale = ?, impression_data = ?,"
                      " version = version + 1 WHERE name = ?",
                      "ssbbs", type, description, stale, impression_data, name);
}

int vx_store_feature_set_archived(struct vx_store *st, const char *name,
                                  int archived, struct vx_err *err)
{
    char now[32];

    vx_sql_now(now);
    return vx_sql_run(st, err,
                      "UPDATE features SET archived_at = ?,"
                      " version = version + 1 WHERE name = ?",
                      "ss", archived ? now : NULL, name);
}

int vx_store_feature_delete(struct vx_store *st, const char *name,
                            struct vx_err *err)
{
    return vx_sql_run(st, err, "DELETE FROM features WHERE name = ?", "s",
                      name);
}

int vx_store_feature_bump(struct vx_store *st, const char *name,
                          struct vx_err *err)
{
    return vx_sql_run(st, err,
                      "UPDATE features SET version = version + 1"
                      " WHERE name = ?",
                      "s", name);
}

int vx_store_feature_version(struct vx_store *st, const char *name,
                             int64_t *out, struct vx_err *err)
{
    return vx_sql_int(st, err, out,
                      "SELECT version FROM features WHERE name = ?", "s", name);
}

int vx_store_feature_env_enabled(struct vx_store *st, const char *name,
                                 const char *environment, int *out,
                                 struct vx_err *err)
{
    int64_t n = 0;
    int rc = vx_sql_int(st, err, &n,
                        "SELECT count(*) FROM feature_environments"
                        " WHERE feature_name = ? AND environment = ?"
                        " AND enabled = 1",
                        "ss", name, environment);

    *out = n > 0;
    return rc;
}

int vx_store_feature_env_set(struct vx_store *st, const char *name,
                             const char *environment, int enabled,
                             struct vx_err *err)
{
    return vx_sql_run(st, err,
                      "INSERT INTO feature_environments"
                      " (feature_name, environment, enabled)"
                      " VALUES (?, ?, ?)"
                      " ON CONFLICT (feature_name, environment)"
                      " DO UPDATE SET enabled = excluded.enabled",
                      "ssb", name, environment, enabled);
}

int vx_store_feature_envs_off(struct vx_store *st, const char *name,
                              struct vx_err *err)
{
    return vx_sql_run(st, err,
                      "UPDATE feature_environments SET enabled = 0"
                      " WHERE feature_name = ?",
                      "s", name);
}

int vx_store_feature_envs_on(struct vx_store *st, const char *name,
                             json_t **out, struct vx_err *err)
{
    json_t *rows = NULL;
    int rc = vx_sql_rows(st, err, &rows,
                         "SELECT fe.environment FROM feature_environments fe"
                         " JOIN environments e ON e.name = fe.environment"
                         " WHERE fe.feature_name = ? AND fe.enabled = 1"
                         " ORDER BY e.sort_order, e.name",
                         "s", name);

    *out = rc ? NULL : column_values(rows, "environment");
    return rc;
}

int vx_store_feature_strategy_count(struct vx_store *st, const char *name,
                                    const char *environment, int64_t *out,
                                    struct vx_err *err)
{
    return vx_sql_int(st, err, out,
                      "SELECT count(*) FROM feature_strategies"
                      " WHERE feature_name = ? AND environment = ?",
                      "ss", name, environment);
}

/* Insert one strategy row; constraints and variants are JSON text. */
static int strategy_insert(struct vx_store *st, const char *id,
                           const char *feature, const char *environment,
                           const char *name, const char *title,
                           json_t *parameters, const char *constraints,
                           const char *variants, int64_t sort_order,
                           int disabled, struct vx_err *err)
{
    char now[32];

    vx_sql_now(now);
    return vx_sql_run(st, err,
                      "INSERT INTO feature_strategies (id, feature_name,"
                      " environment, name, title, parameters, constraints,"
                      " variants, sort_order, disabled, created_at)"
                      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      "sssssjssibs", id, feature, environment, name, title,
                      parameters, constraints, variants, sort_order, disabled,
                      now);
}

int vx_store_feature_strategy_default(struct vx_store *st, const char *name,
                                      const char *environment, json_t **out,
                                      struct vx_err *err)
{
    char id[37];
    json_t *params = json_pack("{s:s, s:s, s:s}", "rollout", "100",
                               "stickiness", "default", "groupId", name);
    int rc;

    vx_uuid(id);
    rc = strategy_insert(st, id, name, environment, "flexibleRollout", NULL,
                         params, "[]", "[]", 0, 0, err);
    if (rc == VX_OK && out)
        *out = json_pack("{s:s, s:s, s:n, s:b, s:O, s:[], s:[], s:[],"
                         " s:i}",
                         "id", id, "name", "flexibleRollout", "title",
                         "disabled", 0, "parameters", params, "constraints",
                         "variants", "segments", "sortOrder", 0);
    json_decref(params);
    return rc;
}

/* Copy one strategy row (an object from copy_strategies) to flag to. */
static int copy_strategy(struct vx_store *st, json_t *s, const char *to,
                         int replace_group, struct vx_err *err)
{
    char id[37];
    json_t *params = json_object_get(s, "parameters");
    const char *old_id = json_string_value(json_object_get(s, "id"));
    int rc;

    if (!json_is_object(params))
        params = NULL;
    if (params && replace_group && json_object_get(params, "groupId"))
        json_object_set_new(params, "groupId", json_string(to));
    vx_uuid(id);
    rc = strategy_insert(st, id, to,
                         json_string_value(json_object_get(s, "environment")),
                         json_string_value(json_object_get(s, "name")),
                         json_string_value(json_object_get(s, "title")), params,
                         json_string_value(json_object_get(s, "constraints")),
                         json_string_value(json_object_get(s, "variants")),
                         json_integer_value(json_object_get(s, "sortOrder")),
                         json_is_true(json_object_get(s, "disabled")), err);
    if (rc == VX_OK)
        rc = vx_sql_run(st, err,
                        "INSERT INTO strategy_segments"
                        " (strategy_id, segment_id)"
                        " SELECT ?, segment_id FROM strategy_segments"
                        " WHERE strategy_id = ?",
                        "ss", id, old_id);
    return rc;
}

/* Copy every strategy of from, with new ids, to flag to. */
static int copy_strategies(struct vx_store *st, const char *from,
                           const char *to, int replace_group,
                           struct vx_err *err)
{
    json_t *rows = NULL, *s;
    size_t i;
    int rc = vx_sql_rows(st, err, &rows,
                         "SELECT id, environment, name, title,"
                         " parameters AS \"parameters$json\", constraints,"
                         " variants, sort_order AS sortOrder,"
                         " disabled AS \"disabled$bool\""
                         " FROM feature_strategies WHERE feature_name = ?"
                         " ORDER BY sort_order, created_at, id",
                         "s", from);

    json_array_foreach (rows, i, s) {
        if (rc)
            break;
        rc = copy_strategy(st, s, to, replace_group, err);
    }
    json_decref(rows);
    return rc;
}

int vx_store_feature_copy(struct vx_store *st, const char *from, const char *to,
                          int replace_group, struct vx_err *err)
{
    int rc = vx_sql_run(st, err,
                        "INSERT INTO feature_environments"
                        " (feature_name, environment, enabled, variants)"
                        " SELECT ?1, environment, enabled, variants"
                        " FROM feature_environments WHERE feature_name = ?2"
                        " ON CONFLICT (feature_name, environment)"
                        " DO UPDATE SET enabled = excluded.enabled,"
                        " variants = excluded.variants",
                        "ss", to, from);

    if (rc == VX_OK)
        rc = copy_strategies(st, from, to, replace_group, err);
    if (rc == VX_OK)
        rc = vx_sql_run(st, err,
                        "INSERT INTO feature_tags"
                        " (feature_name, tag_type, tag_value)"
                        " SELECT ?, tag_type, tag_value FROM feature_tags"
                        " WHERE feature_name = ?",
                        "ss", to, from);
    return rc;
}

int vx_store_feature_tags(struct vx_store *st, const char *name, json_t **out,
                          struct vx_err *err)
{
    return vx_sql_rows(st, err, out,
                       "SELECT tag_type AS type, tag_value AS value"
                       " FROM feature_tags WHERE feature_name = ?"
                       " ORDER BY tag_type, tag_value",
                       "s", name);
}

int vx_store_feature_tag_add(struct vx_store *st, const char *name,
                             const char *type, const char *value,
                             struct vx_err *err)
{
    int rc = vx_sql_run(st, err,
                        "INSERT INTO feature_tags"
                        " (feature_name, tag_type, tag_value)"
                        " VALUES (?, ?, ?)",
                        "sss", name, type, value);

    if (rc == VX_ECONFLICT)
        rc = vx_err_set(err, rc, NULL, "flag \"%s\" already has the tag %s:%s",
                        name, type, value);
    return rc;
}

int vx_store_feature_tag_remove(struct vx_store *st, const char *name,
                                const char *type, const char *value,
                                struct vx_err *err)
{
    int rc = vx_sql_run(st, err,
                        "DELETE FROM feature_tags WHERE feature_name = ?"
                        " AND tag_type = ? AND tag_value = ?",
                        "sss", name, type, value);

    if (rc == VX_OK && vx_sql_changes(st) == 0)
        rc = vx_err_set(err, VX_ENOTFOUND, NULL, "flag \"%s\" has no tag %s:%s",
                        name, type, value);
    return rc;
}

int vx_store_feature_off_where_protected(struct vx_store *st,
                                         const char *project, const char *flag,
                                         struct vx_err *err)
{
    return vx_sql_run(st, err,
                      "UPDATE feature_environments SET enabled = 0"
                      " WHERE feature_name = ? AND environment IN"
                      " (SELECT environment FROM change_request_settings"
                      "  WHERE project_id = ? AND enabled = 1)",
                      "ss", flag, project);
}
