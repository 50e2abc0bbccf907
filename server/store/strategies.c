/*
 * The feature_strategies, strategy_segments, dependencies tables and
 * the variants column of feature_environments.
 */
#include "store/strategies.h"

#include "store/sql.h"
#include "store/store.h"

#define STRATEGY_COLUMNS                                                    \
    "id, name, title, disabled AS \"disabled$bool\","                      \
    " parameters AS \"parameters$json\","                                  \
    " constraints AS \"constraints$json\", variants AS \"variants$json\"," \
    " sort_order AS sortOrder"

int vx_store_strategy_defined(struct vx_store *st, const char *name,
                              int *yes, struct vx_err *err)
{
    int64_t n = 0;
    int rc = vx_sql_int(st, err, &n,
                        "SELECT count(*) FROM strategies WHERE name = ?",
                        "s", name);

    *yes = n > 0;
    return rc;
}

int vx_store_strategy_flag_get(struct vx_store *st, const char *name,
                               json_t **out, struct vx_err *err)
{
    return vx_sql_row(st, err, out,
                      "SELECT name, project_id AS project,"
                      " archived_at IS NOT NULL AS \"archived$bool\""
                      " FROM features WHERE name = ?",
                      "s", name);
}

int vx_store_strategy_flag_bump(struct vx_store *st, const char *name,
                                struct vx_err *err)
{
    return vx_sql_run(st, err,
                      "UPDATE features SET version = version + 1"
                      " WHERE name = ?",
                      "s", name);
}

/* Set "segments" of strategy s to the ids linked to it. */
static int attach_segments(struct vx_store *st, json_t *s,
                           struct vx_err *err)
{
    json_t *rows = NULL, *ids = json_array(), *row;
    size_t i;
    int rc = vx_sql_rows(st, err, &rows,
                         "SELECT segment_id AS id FROM strategy_segments"
                         " WHERE strategy_id = ? ORDER BY segment_id",
                         "s", json_string_value(json_object_get(s, "id")));

    if (rc == VX_OK)
        json_array_foreach(rows, i, row)
            json_array_append(ids, json_object_get(row, "id"));
    json_object_set_new(s, "segments", ids);
    json_decref(rows);
    return rc;
}

int vx_store_strategies_list(struct vx_store *st, const char *feature,
                             const char *environment, json_t **out,
                             struct vx_err *err)
{
    json_t *s;
    size_t i;
    int rc = vx_sql_rows(st, err, out,
                         "SELECT " STRATEGY_COLUMNS
                         " FROM feature_strategies"
                         " WHERE feature_name = ? AND environment = ?"
                         " ORDER BY sort_order, created_at, id",
                         "ss", feature, environment);

    if (rc)
        return rc;
    json_array_foreach(*out, i, s) {
        if ((rc = attach_segments(st, s, err)))
            break;
    }
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

int vx_store_strategy_get(struct vx_store *st, const char *feature,
                          const char *environment, const char *id,
                          json_t **out, struct vx_err *err)
{
    int rc = vx_sql_row(st, err, out,
                        "SELECT " STRATEGY_COLUMNS
                        " FROM feature_strategies WHERE id = ?"
                        " AND feature_name = ? AND environment = ?",
                        "sss", id, feature, environment);

    if (rc == VX_ENOTFOUND)
        return vx_err_set(err, rc, NULL,
                          "flag \"%s\" has no strategy with id \"%s\" in "
                          "environment \"%s\"",
                          feature, id, environment);
    if (rc == VX_OK && (rc = attach_segments(st, *out, err))) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

int vx_store_strategy_next_order(struct vx_store *st, const char *feature,
                                 const char *environment, int64_t *out,
                                 struct vx_err *err)
{
    return vx_sql_int(st, err, out,
                      "SELECT coalesce(max(sort_order) + 1, 0)"
                      " FROM feature_strategies"
                      " WHERE feature_name = ? AND environment = ?",
                      "ss", feature, environment);
}

/* Replace the segment links of strategy id by the ids in segments. */
static int link_segments(struct vx_store *st, const char *id,
                         json_t *segments, struct vx_err *err)
{
    size_t i;
    json_t *seg;
    int rc = vx_sql_run(st, err,
                        "DELETE FROM strategy_segments WHERE strategy_id = ?",
                        "s", id);

    json_array_foreach(segments, i, seg) {
        if (rc)
            break;
        rc = vx_sql_run(st, err,
                        "INSERT OR IGNORE INTO strategy_segments"
                        " (strategy_id, segment_id) VALUES (?, ?)",
                        "si", id, (int64_t)json_integer_value(seg));
    }
    return rc;
}

/* Title of s as text, or NULL. */
static const char *title_of(json_t *s)
{
    return json_string_value(json_object_get(s, "title"));
}

int vx_store_strategy_insert(struct vx_store *st, const char *feature,
                             const char *environment, json_t *s,
                             struct vx_err *err)
{
    const char *id = json_string_value(json_object_get(s, "id"));
    char now[32];
    int rc;

    vx_sql_now(now);
    rc = vx_sql_run(
        st, err,
        "INSERT INTO feature_strategies (id, feature_name, environment,"
        " name, title, parameters, constraints, variants, sort_order,"
        " disabled, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        "sssssjjjibs", id, feature, environment,
        json_string_value(json_object_get(s, "name")), title_of(s),
        json_object_get(s, "parameters"), json_object_get(s, "constraints"),
        json_object_get(s, "variants"),
        (int64_t)json_integer_value(json_object_get(s, "sortOrder")),
        json_is_true(json_object_get(s, "disabled")), now);
    if (rc == VX_OK)
        rc = link_segments(st, id, json_object_get(s, "segments"), err);
    return rc;
}

int vx_store_strategy_update(struct vx_store *st, json_t *s,
                             struct vx_err *err)
{
    const char *id = json_string_value(json_object_get(s, "id"));
    int rc = vx_sql_run(
        st, err,
        "UPDATE feature_strategies SET name = ?, title = ?, parameters = ?,"
        " constraints = ?, variants = ?, sort_order = ?, disabled = ?"
        " WHERE id = ?",
        "ssjjjibs", json_string_value(json_object_get(s, "name")),
        title_of(s), json_object_get(s, "parameters"),
        json_object_get(s, "constraints"), json_object_get(s, "variants"),
        (int64_t)json_integer_value(json_object_get(s, "sortOrder")),
        json_is_true(json_object_get(s, "disabled")), id);

    if (rc == VX_OK && vx_sql_changes(st) == 0)
        rc = vx_err_set(err, VX_ENOTFOUND, NULL,
                        "there is no strategy with id \"%s\"", id);
    if (rc == VX_OK)
        rc = link_segments(st, id, json_object_get(s, "segments"), err);
    return rc;
}

int vx_store_strategy_delete(struct vx_store *st, const char *id,
                             struct vx_err *err)
{
    int rc = vx_sql_run(st, err,
                        "DELETE FROM strategy_segments WHERE strategy_id = ?",
                        "s", id);

    if (rc == VX_OK)
        rc = vx_sql_run(st, err,
                        "DELETE FROM feature_strategies WHERE id = ?", "s",
                        id);
    return rc;
}

int vx_store_strategy_set_order(struct vx_store *st, const char *feature,
                                const char *environment, const char *id,
                                int64_t sort_order, struct vx_err *err)
{
    int rc = vx_sql_run(st, err,
                        "UPDATE feature_strategies SET sort_order = ?"
                        " WHERE id = ? AND feature_name = ?"
                        " AND environment = ?",
                        "isss", sort_order, id, feature, environment);

    if (rc == VX_OK && vx_sql_changes(st) == 0)
        rc = vx_err_set(err, VX_ENOTFOUND, NULL,
                        "flag \"%s\" has no strategy with id \"%s\" in "
                        "environment \"%s\"",
                        feature, id, environment);
    return rc;
}

int vx_store_fenv_variants_get(struct vx_store *st, const char *feature,
                               const char *environment, json_t **out,
                               struct vx_err *err)
{
    json_t *row = NULL;
    int rc = vx_sql_row(st, err, &row,
                        "SELECT variants AS \"variants$json\""
                        " FROM feature_environments"
                        " WHERE feature_name = ? AND environment = ?",
                        "ss", feature, environment);

    *out = NULL;
    if (rc == VX_ENOTFOUND) {
        *out = json_array();
        return VX_OK;
    }
    if (rc == VX_OK) {
        *out = json_incref(json_object_get(row, "variants"));
        if (!json_is_array(*out)) {
            json_decref(*out);
            *out = json_array();
        }
    }
    json_decref(row);
    return rc;
}

int vx_store_fenv_variants_set(struct vx_store *st, const char *feature,
                               const char *environment, json_t *variants,
                               struct vx_err *err)
{
    return vx_sql_run(st, err,
                      "INSERT INTO feature_environments"
                      " (feature_name, environment, variants)"
                      " VALUES (?, ?, ?)"
                      " ON CONFLICT (feature_name, environment)"
                      " DO UPDATE SET variants = excluded.variants",
                      "ssj", feature, environment, variants);
}

int vx_store_deps_parents(struct vx_store *st, const char *child,
                          json_t **out, struct vx_err *err)
{
    return vx_sql_rows(st, err, out,
                       "SELECT parent AS feature,"
                       " enabled AS \"enabled$bool\","
                       " variants AS \"variants$json\""
                       " FROM dependencies WHERE child = ? ORDER BY parent",
                       "s", child);
}

int vx_store_deps_children_count(struct vx_store *st, const char *parent,
                                 int64_t *n, struct vx_err *err)
{
    return vx_sql_int(st, err, n,
                      "SELECT count(*) FROM dependencies WHERE parent = ?",
                      "s", parent);
}

int vx_store_dep_upsert(struct vx_store *st, const char *child,
                        const char *parent, int enabled, json_t *variants,
                        struct vx_err *err)
{
    return vx_sql_run(st, err,
                      "INSERT INTO dependencies"
                      " (child, parent, enabled, variants)"
                      " VALUES (?, ?, ?, ?)"
                      " ON CONFLICT (child, parent) DO UPDATE SET"
                      " enabled = excluded.enabled,"
                      " variants = excluded.variants",
                      "ssbj", child, parent, enabled, variants);
}

int vx_store_dep_delete(struct vx_store *st, const char *child,
                        const char *parent, struct vx_err *err)
{
    if (!parent)
        return vx_sql_run(st, err,
                          "DELETE FROM dependencies WHERE child = ?", "s",
                          child);
    return vx_sql_run(st, err,
                      "DELETE FROM dependencies WHERE child = ?"
                      " AND parent = ?",
                      "ss", child, parent);
}
