/*
 * The client view of one environment (client_state.h): five queries,
 * one for each of features, strategies, dependencies, tags and
 * segments, joined by flag name in memory. Stored JSON columns
 * (parameters, constraints, variants) are normalised here into the
 * exact wire shape, so nothing downstream has to guess.
 */
#include "store/client_state.h"

#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "store/sql.h"
#include "store/store.h"
#include "vx_alloc.h"

int vx_store_last_event_id(struct vx_store *st, int64_t *out,
                           struct vx_err *err)
{
    return vx_sql_int(st, err, out, "SELECT coalesce(max(id), 0) FROM events",
                      "");
}

/* A copy of the string member key of obj, "" when absent or not one. */
static json_t *str_member(json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));

    return json_string(s ? s : "");
}

/*
 * One stored constraint in the wire shape: every field present, values
 * and value as strings. Returns a new object, or NULL when c is not an
 * object.
 */
static json_t *constraint_norm(json_t *c)
{
    json_t *out, *values = json_array(), *v;
    char *s;
    size_t i;

    if (!json_is_object(c)) {
        json_decref(values);
        return NULL;
    }
    json_array_foreach (json_object_get(c, "values"), i, v) {
        s = vx_json_scalar_str(v);
        if (s)
            json_array_append_new(values, json_string(s));
        free(s);
    }
    out = json_object();
    json_object_set_new(out, "contextName", str_member(c, "contextName"));
    json_object_set_new(out, "operator", str_member(c, "operator"));
    json_object_set_new(out, "values", values);
    s = vx_json_scalar_str(json_object_get(c, "value"));
    if (s)
        json_object_set_new(out, "value", json_string(s));
    free(s);
    json_object_set_new(
        out, "inverted",
        json_boolean(json_is_true(json_object_get(c, "inverted"))));
    json_object_set_new(
        out, "caseInsensitive",
        json_boolean(json_is_true(json_object_get(c, "caseInsensitive"))));
    return out;
}

/* A new array of the normalised constraints of list (any JSON). */
static json_t *constraints_norm(json_t *list)
{
    json_t *out = json_array(), *c;
    size_t i;

    json_array_foreach (list, i, c) {
        json_t *n = constraint_norm(c);

        if (n)
            json_array_append_new(out, n);
    }
    return out;
}

/*
 * Strategy parameters with every value as a string; nulls are left
 * out, objects and arrays become their JSON text. Returns a new object.
 */
static json_t *params_norm(json_t *params)
{
    json_t *out = json_object(), *v;
    const char *key;

    json_object_foreach (params, key, v) {
        char *s = json_is_object(v) || json_is_array(v)
                      ? json_dumps(v, JSON_COMPACT)
                      : vx_json_scalar_str(v);

        if (s)
            json_object_set_new(out, key, json_string(s));
        free(s);
    }
    return out;
}

/* The member of index named by the string member key of row, or NULL. */
static json_t *lookup(json_t *index, json_t *row, const char *key)
{
    return json_object_get(index, json_string_value(json_object_get(row, key)));
}

/* v itself (a new reference) when it is an array, else a new []. */
static json_t *array_or_empty(json_t *v)
{
    return json_is_array(v) ? json_incref(v) : json_array();
}

/*
 * Every flag of the environment, keyed by name into by_name too.
 * NEEDSWORK: a disabled environment (environments.enabled = 0) is still
 * served as it is; whether SDKs of a disabled environment should see
 * its flags turned off is not settled by the contract.
 */
static int load_features(struct vx_store *st, const char *env, json_t **out,
                         json_t *by_name, struct vx_err *err)
{
    json_t *f;
    size_t i;
    int rc = vx_sql_rows(
        st, err, out,
        "SELECT f.name, f.type, f.description,"
        " coalesce(fe.enabled, 0) AS \"enabled$bool\","
        " f.stale AS \"stale$bool\","
        " f.impression_data AS \"impressionData$bool\","
        " f.project_id AS project,"
        " coalesce(fe.variants, '[]') AS \"variants$json\""
        " FROM features f"
        " JOIN project_environments pe ON pe.project_id = f.project_id"
        "  AND pe.environment = ?"
        " LEFT JOIN feature_environments fe ON fe.feature_name = f.name"
        "  AND fe.environment = ?"
        " WHERE f.archived_at IS NULL ORDER BY f.name",
        "ss", env, env);

    if (rc)
        return rc;
    json_array_foreach (*out, i, f) {
        json_t *variants = array_or_empty(json_object_get(f, "variants"));

        /* Strategies before variants, as Unleash orders them. */
        json_object_del(f, "variants");
        json_object_set_new(f, "strategies", json_array());
        json_object_set_new(f, "variants", variants);
        json_object_set(by_name, json_string_value(json_object_get(f, "name")),
                        f);
    }
    return VX_OK;
}

/*
 * Attach the enabled strategies of env to their flags, and note in used
 * (an object keyed by id text) every segment they refer to.
 */
static int load_strategies(struct vx_store *st, const char *env,
                           json_t *by_name, json_t *used, struct vx_err *err)
{
    json_t *rows = NULL, *r, *id;
    size_t i, j;
    int rc = vx_sql_rows(
        st, err, &rows,
        "SELECT s.feature_name AS feature, s.name,"
        " s.parameters AS \"parameters$json\","
        " s.constraints AS \"constraints$json\","
        " s.variants AS \"variants$json\","
        " (SELECT json_group_array(segment_id) FROM"
        "  (SELECT segment_id FROM strategy_segments"
        "   WHERE strategy_id = s.id ORDER BY segment_id))"
        "  AS \"segments$json\""
        " FROM feature_strategies s"
        " WHERE s.environment = ? AND s.disabled = 0"
        " ORDER BY s.feature_name, s.sort_order, s.created_at, s.id",
        "s", env);

    if (rc)
        return rc;
    json_array_foreach (rows, i, r) {
        json_t *f = lookup(by_name, r, "feature");
        json_t *s, *segs = json_object_get(r, "segments");

        if (!f)
            continue;
        s = json_object();
        json_object_set_new(s, "name", str_member(r, "name"));
        json_object_set_new(
            s, "constraints",
            constraints_norm(json_object_get(r, "constraints")));
        json_object_set_new(s, "parameters",
                            params_norm(json_object_get(r, "parameters")));
        json_object_set_new(s, "variants",
                            array_or_empty(json_object_get(r, "variants")));
        if (json_array_size(segs) > 0) {
            json_object_set(s, "segments", segs);
            json_array_foreach (segs, j, id) {
                char key[24];

                snprintf(key, sizeof(key), "%lld",
                         (long long)json_integer_value(id));
                json_object_set_new(used, key, json_true());
            }
        }
        json_array_append_new(json_object_get(f, "strategies"), s);
    }
    json_decref(rows);
    return VX_OK;
}

/* Attach each flag's parents as `dependencies`. */
static int load_dependencies(struct vx_store *st, json_t *by_name,
                             struct vx_err *err)
{
    json_t *rows = NULL, *r;
    size_t i;
    int rc = vx_sql_rows(st, err, &rows,
                         "SELECT child, parent, enabled AS \"enabled$bool\","
                         " variants AS \"variants$json\" FROM dependencies"
                         " ORDER BY child, parent",
                         "");

    if (rc)
        return rc;
    json_array_foreach (rows, i, r) {
        json_t *f = lookup(by_name, r, "child");
        json_t *d, *deps, *variants = json_object_get(r, "variants");

        if (!f)
            continue;
        deps = json_object_get(f, "dependencies");
        if (!deps) {
            deps = json_array();
            json_object_set_new(f, "dependencies", deps);
        }
        d = json_pack("{s:O,s:O}", "feature", json_object_get(r, "parent"),
                      "enabled", json_object_get(r, "enabled"));
        if (json_array_size(variants) > 0)
            json_object_set(d, "variants", variants);
        json_array_append_new(deps, d);
    }
    json_decref(rows);
    return VX_OK;
}

/* The tags of the flags in by_name, as {"<flag>":["type:value"]}. */
static int load_tags(struct vx_store *st, json_t *by_name, json_t **out,
                     struct vx_err *err)
{
    json_t *rows = NULL, *r;
    size_t i;
    int rc = vx_sql_rows(st, err, &rows,
                         "SELECT feature_name AS feature,"
                         " tag_type || ':' || tag_value AS tag"
                         " FROM feature_tags"
                         " ORDER BY feature_name, tag_type, tag_value",
                         "");

    *out = json_object();
    if (rc)
        return rc;
    json_array_foreach (rows, i, r) {
        const char *name = json_string_value(json_object_get(r, "feature"));
        json_t *list;

        if (!json_object_get(by_name, name))
            continue;
        list = json_object_get(*out, name);
        if (!list) {
            list = json_array();
            json_object_set_new(*out, name, list);
        }
        json_array_append(list, json_object_get(r, "tag"));
    }
    json_decref(rows);
    return VX_OK;
}

/* The segments whose id text is a key of used, by id. */
static int load_segments(struct vx_store *st, json_t *used, json_t **out,
                         struct vx_err *err)
{
    json_t *rows = NULL, *r;
    size_t i;
    int rc = vx_sql_rows(st, err, &rows,
                         "SELECT id, name,"
                         " constraints AS \"constraints$json\""
                         " FROM segments ORDER BY id",
                         "");

    *out = json_array();
    if (rc)
        return rc;
    json_array_foreach (rows, i, r) {
        char key[24];

        snprintf(key, sizeof(key), "%lld",
                 (long long)json_integer_value(json_object_get(r, "id")));
        if (!json_object_get(used, key))
            continue;
        json_array_append_new(
            *out,
            json_pack("{s:O,s:O,s:o}", "id", json_object_get(r, "id"), "name",
                      json_object_get(r, "name"), "constraints",
                      constraints_norm(json_object_get(r, "constraints"))));
    }
    json_decref(rows);
    return VX_OK;
}

int vx_store_client_state(struct vx_store *st, const char *environment,
                          json_t **out, struct vx_err *err)
{
    json_t *features = NULL, *segments = NULL, *tags = NULL;
    json_t *by_name = json_object(), *used = json_object();
    int rc;

    *out = NULL;
    rc = load_features(st, environment, &features, by_name, err);
    if (rc == VX_OK)
        rc = load_strategies(st, environment, by_name, used, err);
    if (rc == VX_OK)
        rc = load_dependencies(st, by_name, err);
    if (rc == VX_OK)
        rc = load_tags(st, by_name, &tags, err);
    if (rc == VX_OK)
        rc = load_segments(st, used, &segments, err);
    if (rc)
        goto out;
    *out = json_pack("{s:i,s:O,s:O,s:O}", "version", 2, "features", features,
                     "segments", segments, "tags", tags);
out:
    json_decref(features);
    json_decref(segments);
    json_decref(tags);
    json_decref(by_name);
    json_decref(used);
    return rc;
}
