/*
 * The strategy, variant, dependency and segment operations of
 * strategies.h. Each one follows the same steps: check where it applies
 * (project, environment, flag), check and normalise its input, change
 * the store, record the audit event with the state before and after,
 * bump the version of the flags it changed and mark flags as touched.
 */
#include "ops/strategies.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval/jsval.h"
#include "eval/variants.h"
#include "validate.h"
#include "ops/constraints.h"
#include "store/features.h"
#include "store/projects.h"
#include "store/segments.h"
#include "store/strategies.h"
#include "store/strategy_defs.h"
#include "util.h"
#include "vx_alloc.h"

static const char *const weight_types[] = {"variable", "fix", NULL};
static const char *const payload_types[] = {"json", "csv", "string", "number",
                                            NULL};

/* The flag feature of project, live; VX_ENOTFOUND otherwise. */
static int flag_check(struct vx_store *st, const char *project,
                      const char *feature, struct vx_err *err)
{
    json_t *flag = NULL;
    int rc = vx_store_project_exists(st, project, err);

    if (rc == VX_OK)
        rc = vx_store_feature_row(st, feature, &flag, err);
    if (rc == VX_OK &&
        strcmp(json_string_value(json_object_get(flag, "project")), project))
        rc = VX_ENOTFOUND;
    if (rc == VX_ENOTFOUND)
        rc = vx_err_set(err, rc, NULL,
                        "There's no feature named \"%s\" in project "
                        "\"%s\".",
                        feature, project);
    else if (rc == VX_OK && json_is_true(json_object_get(flag, "archived")))
        rc = vx_err_set(err, VX_ENOTFOUND, NULL,
                        "flag \"%s\" is archived: revive it first", feature);
    json_decref(flag);
    return rc;
}

int vx_op_flag_env_check(struct vx_store *st, const char *project,
                         const char *feature, const char *environment,
                         struct vx_err *err)
{
    int rc = flag_check(st, project, feature, err);

    if (rc == VX_OK)
        rc = vx_store_project_env_check(st, project, environment, err);
    return rc;
}

/* Record a change to feature: bump its version, touch flags, audit. */
static int changed(struct vx_store *st, const struct vx_actor *who,
                   const char *type, const char *project, const char *feature,
                   const char *env, json_t *pre, json_t *post,
                   struct vx_err *err)
{
    int rc = vx_store_feature_bump(st, feature, err);

    vx_store_touch_flags(st);
    if (rc == VX_OK)
        rc = vx_store_event(st, who, type, project, feature, env, pre, post,
                            err);
    return rc;
}

/* ---- variants ---- */

/* Check payload p of a variant at base into *out. */
static int check_payload(json_t *p, const char *base, json_t **out,
                         struct vx_err *err)
{
    json_t *type = json_object_get(p, "type");
    json_t *value = json_object_get(p, "value"), *parsed;
    const char *t = json_string_value(type), *v = json_string_value(value);
    char where[160];
    int known = 0;
    double d;

    *out = NULL;
    snprintf(where, sizeof(where), "%s/payload", base);
    for (int i = 0; t && payload_types[i]; i++)
        known |= !strcmp(t, payload_types[i]);
    if (!json_is_object(p) || !known || !v)
        return vx_err_set(err, VX_EINVAL, where,
                          "`%s` must be {type: json, csv, string or "
                          "number, value: a string}",
                          where);
    if (!strcmp(t, "json")) {
        parsed = json_loads(v, JSON_DECODE_ANY, NULL);
        if (!parsed)
            return vx_err_set(err, VX_EINVAL, where,
                              "`%s/value` is not valid JSON", where);
        json_decref(parsed);
    } else if (!strcmp(t, "number") && (!v[0] || !vx_js_number(v, &d))) {
        return vx_err_set(err, VX_EINVAL, where,
                          "`%s/value` is not a number: \"%s\"", where, v);
    }
    *out = json_pack("{s:s, s:s}", "type", t, "value", v);
    return VX_OK;
}

/* True when a is an array of strings. */
static int all_strings(json_t *a)
{
    size_t i;
    json_t *v;

    if (!json_is_array(a))
        return 0;
    json_array_foreach (a, i, v) {
        if (!json_is_string(v))
            return 0;
    }
    return 1;
}

/* Check the overrides of a variant at base into *out. */
static int check_overrides(json_t *in, const char *base, json_t **out,
                           struct vx_err *err)
{
    char where[160];
    json_t *o;
    size_t i;

    *out = json_array();
    snprintf(where, sizeof(where), "%s/overrides", base);
    if (!in || json_is_null(in))
        return VX_OK;
    if (!json_is_array(in))
        return vx_err_set(err, VX_EINVAL, where, "`%s` must be an array",
                          where);
    json_array_foreach (in, i, o) {
        json_t *name = json_object_get(o, "contextName");
        json_t *values = json_object_get(o, "values");

        if (!json_is_string(name) || !all_strings(values)) {
            snprintf(where, sizeof(where), "%s/overrides/%zu", base, i);
            return vx_err_set(err, VX_EINVAL, where,
                              "`%s` must be {contextName: a string, "
                              "values: an array of strings}",
                              where);
        }
        json_array_append_new(*out, json_pack("{s:O, s:O}", "contextName", name,
                                              "values", values));
    }
    return VX_OK;
}

/* Check variant v, number i of the list at path, into *out. */
static int check_variant(json_t *v, size_t i, int with_overrides, int keep,
                         const char *path, json_t **out, struct vx_err *err)
{
    const char *name = NULL, *type = "variable", *stick = "default";
    json_t *p = json_object_get(v, "payload");
    json_t *payload = NULL, *overrides = NULL;
    int64_t weight = 0;
    char base[128];
    int rc;

    *out = NULL;
    snprintf(base, sizeof(base), "%s/%zu", path, i);
    if (!json_is_object(v))
        return vx_err_set(err, VX_EINVAL, base, "`%s` must be an object", base);
    rc = vx_v_string(v, "name", VX_REQUIRED, 100, &name, err);
    if (rc == VX_OK && !name[0])
        rc = vx_err_set(err, VX_EINVAL, NULL, "a variant needs a name");
    if (rc == VX_OK)
        rc = vx_v_enum(v, "weightType", VX_OPTIONAL, weight_types, &type, err);
    if (rc == VX_OK && !type)
        type = "variable";
    if (rc == VX_OK)
        rc = vx_v_int(v, "weight", keep || !strcmp(type, "fix"), 0,
                      VX_VARIANT_TOTAL_WEIGHT, &weight, err);
    if (rc == VX_OK)
        rc = vx_v_string(v, "stickiness", VX_OPTIONAL, 100, &stick, err);
    if (rc == VX_OK && (!stick || !stick[0]))
        stick = "default";
    if (rc) {
        /* The getters name "/body/<key>"; say which variant it was. */
        char msg[sizeof(err->msg)];

        snprintf(msg, sizeof(msg), "%s", err->msg);
        return vx_err_set(err, rc, base, "variant %zu: %s", i, msg);
    }

    if (p && !json_is_null(p) && (rc = check_payload(p, base, &payload, err)))
        return rc;
    if (with_overrides && (rc = check_overrides(json_object_get(v, "overrides"),
                                                base, &overrides, err))) {
        json_decref(payload);
        json_decref(overrides);
        return rc;
    }
    *out =
        json_pack("{s:s, s:I, s:s, s:s}", "name", name, "weight",
                  (json_int_t)weight, "weightType", type, "stickiness", stick);
    if (payload)
        json_object_set_new(*out, "payload", payload);
    if (with_overrides)
        json_object_set_new(*out, "overrides", overrides);
    return VX_OK;
}

/* VX_EINVAL when two variants of list share a name. */
static int check_unique(json_t *list, const char *path, struct vx_err *err)
{
    size_t n = json_array_size(list);

    for (size_t i = 0; i < n; i++) {
        const char *a =
            json_string_value(json_object_get(json_array_get(list, i), "name"));

        for (size_t j = i + 1; j < n; j++) {
            json_t *b = json_object_get(json_array_get(list, j), "name");

            if (strcmp(a, json_string_value(b)))
                continue;
            return vx_err_set(err, VX_EINVAL, path,
                              "variant names must be unique; \"%s\" is "
                              "there twice",
                              a);
        }
    }
    return VX_OK;
}

/* The default options: what the admin API does. */
static const struct vx_write_opts admin_opts = {0};

int vx_op_variants_check(json_t *in, int with_overrides, const char *path,
                         json_t **out, struct vx_err *err)
{
    return vx_op_variants_check_opts(in, with_overrides, &admin_opts, path, out,
                                     err);
}

int vx_op_variants_check_opts(json_t *in, int with_overrides,
                              const struct vx_write_opts *opts,
                              const char *path, json_t **out,
                              struct vx_err *err)
{
    json_t *list = json_array(), *v, *one;
    size_t i;
    int rc = VX_OK;

    *out = NULL;
    if (in && !json_is_null(in) && !json_is_array(in))
        rc = vx_err_set(err, VX_EINVAL, path,
                        "`%s` must be an array of variants", path);
    if (rc == VX_OK && json_is_array(in)) {
        json_array_foreach (in, i, v) {
            if ((rc = check_variant(v, i, with_overrides, opts->keep_weights,
                                    path, &one, err)))
                break;
            json_array_append_new(list, one);
        }
    }
    if (rc == VX_OK)
        rc = check_unique(list, path, err);
    if (rc == VX_OK && !opts->keep_weights &&
        (rc = vx_variants_normalise(list, err))) {
        char msg[sizeof(err->msg)];

        snprintf(msg, sizeof(msg), "%s", err->msg);
        rc = vx_err_set(err, rc, path, "%s", msg);
    }
    if (rc) {
        json_decref(list);
        return rc;
    }
    *out = list;
    return VX_OK;
}

/* ---- strategies ---- */

/* True when s is a whole number from 0 to 100 written in digits. */
static int percentage_ok(const char *s)
{
    int n = 0;

    if (!s[0])
        return 0;
    for (const char *c = s; *c; c++) {
        if (*c < '0' || *c > '9' || c - s > 2)
            return 0;
        n = n * 10 + (*c - '0');
    }
    return n <= 100;
}

/*
 * Check flexibleRollout's rollout in params (0..100, 100 when absent)
 * and default its stickiness and groupId.
 */
static int rollout_defaults(json_t *params, const char *feature,
                            struct vx_err *err)
{
    const char *r = json_string_value(json_object_get(params, "rollout"));
    const char *v;

    if (!r)
        json_object_set_new(params, "rollout", json_string("100"));
    else if (!percentage_ok(r))
        return vx_err_set(err, VX_EINVAL, "/body/parameters/rollout",
                          "`/body/parameters/rollout` must be a whole "
                          "number from 0 to 100; got \"%s\"",
                          r);
    v = json_string_value(json_object_get(params, "stickiness"));
    if (!v || !v[0])
        json_object_set_new(params, "stickiness", json_string("default"));
    v = json_string_value(json_object_get(params, "groupId"));
    if (!v || !v[0])
        json_object_set_new(params, "groupId", json_string(feature));
    return VX_OK;
}

/*
 * Check value v (NULL when absent) of parameter definition d, as SDKs
 * read it: required ones not empty; percentage a whole number from 0 to
 * 100, number a number, boolean "true" or "false" (when given). A list
 * is a comma-separated string, which any string is.
 */
static int check_param_value(json_t *d, const char *v, struct vx_err *err)
{
    const char *name = json_string_value(json_object_get(d, "name"));
    const char *type = json_string_value(json_object_get(d, "type"));
    char where[160];
    double num;

    if (!name)
        return VX_OK;
    snprintf(where, sizeof(where), "/body/parameters/%s", name);
    if (!v || !v[0])
        return json_is_true(json_object_get(d, "required"))
                   ? vx_err_set(err, VX_EINVAL, where,
                                "`%s` is required by the strategy and "
                                "must not be empty",
                                where)
                   : VX_OK;
    if (!type)
        return VX_OK;
    if (!strcmp(type, "percentage") && !percentage_ok(v))
        return vx_err_set(err, VX_EINVAL, where,
                          "`%s` is a percentage: a whole number from 0 "
                          "to 100; got \"%s\"",
                          where, v);
    if (!strcmp(type, "number") && !vx_js_number(v, &num))
        return vx_err_set(err, VX_EINVAL, where,
                          "`%s` must be a number; got \"%s\"", where, v);
    if (!strcmp(type, "boolean") && strcmp(v, "true") && strcmp(v, "false"))
        return vx_err_set(err, VX_EINVAL, where,
                          "`%s` must be \"true\" or \"false\"; got \"%s\"",
                          where, v);
    return VX_OK;
}

/*
 * Check parameter values (strings; numbers become strings) of body into
 * a new object, fill in flexibleRollout's defaults, then check them
 * against def, the strategy's definition. Parameters the definition
 * does not list are kept: SDKs ignore them.
 */
static int check_parameters(json_t *body, json_t *def, const char *feature,
                            json_t **out, struct vx_err *err)
{
    const char *strategy = json_string_value(json_object_get(def, "name"));
    json_t *in = NULL, *v, *d;
    const char *key;
    char where[160], *s = NULL;
    size_t i;
    int rc = vx_v_object(body, "parameters", VX_OPTIONAL, &in, err);

    *out = json_object();
    if (rc)
        return rc;
    json_object_foreach (in, key, v) {
        snprintf(where, sizeof(where), "/body/parameters/%s", key);
        if (vx_constraint_string(v, &s))
            return vx_err_set(err, VX_EINVAL, where,
                              "`%s` must be a string or a number", where);
        json_object_set_new(*out, key, json_string(s));
        free(s);
    }
    if (strategy && !strcmp(strategy, "flexibleRollout"))
        rc = rollout_defaults(*out, feature, err);
    json_array_foreach (json_object_get(def, "parameters"), i, d) {
        const char *name = json_string_value(json_object_get(d, "name"));

        if (rc)
            break;
        rc = check_param_value(
            d, name ? json_string_value(json_object_get(*out, name)) : NULL,
            err);
    }
    return rc;
}

/* Check the segment ids of body (they exist and may serve project). */
static int check_segments(struct vx_store *st, json_t *body,
                          const char *project, json_t **out, struct vx_err *err)
{
    json_t *in = NULL, *id, *seg = NULL;
    char where[64];
    size_t i;
    int rc = vx_v_array(body, "segments", VX_OPTIONAL, &in, err);

    *out = json_array();
    json_array_foreach (in, i, id) {
        const char *scope;

        if (rc)
            break;
        snprintf(where, sizeof(where), "/body/segments/%zu", i);
        if (!json_is_integer(id))
            return vx_err_set(err, VX_EINVAL, where,
                              "`%s` must be a segment id (an integer)", where);
        rc = vx_store_segment_get(st, json_integer_value(id), &seg, err);
        if (rc == VX_ENOTFOUND)
            return vx_err_set(err, VX_EINVAL, where,
                              "segment %lld does not exist",
                              (long long)json_integer_value(id));
        scope = json_string_value(json_object_get(seg, "project"));
        if (rc == VX_OK && scope && strcmp(scope, project))
            rc = vx_err_set(err, VX_EINVAL, where,
                            "segment %lld belongs to project \"%s\" and "
                            "cannot be used in project \"%s\"",
                            (long long)json_integer_value(id), scope, project);
        json_decref(seg);
        seg = NULL;
        if (rc == VX_OK)
            json_array_append(*out, id);
    }
    return rc;
}

/*
 * A strategy variant given without stickiness follows its strategy's
 * stickiness, as SDKs read a variant that has none: set it so, rather
 * than to "default", which would bucket on another field.
 */
static void inherit_stickiness(json_t *given, json_t *checked, json_t *params)
{
    const char *stick =
        json_string_value(json_object_get(params, "stickiness"));
    json_t *v;
    size_t i;

    if (!stick || !stick[0])
        return;
    json_array_foreach (checked, i, v) {
        json_t *orig = json_array_get(given, i);
        const char *own =
            json_string_value(json_object_get(orig, "stickiness"));

        if (!own || !own[0])
            json_object_set_new(v, "stickiness", json_string(stick));
    }
}

/*
 * Check a strategy body for feature of project into *out, in the API
 * shape without id; sortOrder is -1 when the body has none.
 */
static int check_strategy(struct vx_store *st, const char *project,
                          const char *feature, json_t *body,
                          const struct vx_write_opts *opts, json_t **out,
                          struct vx_err *err)
{
    json_t *params = NULL, *cons = NULL, *segs = NULL, *vars = NULL;
    json_t *def = NULL;
    const char *name = NULL, *title = NULL;
    int disabled = 0;
    int64_t sort = -1;
    int rc = vx_v_string(body, "name", VX_REQUIRED, 100, &name, err);

    *out = NULL;
    if (rc == VX_OK)
        rc = vx_store_strategy_def_get(st, name, &def, err);
    if (rc == VX_ENOTFOUND)
        rc = vx_err_set(err, VX_EINVAL, "/body/name",
                        "strategy \"%s\" is not defined; see GET "
                        "/api/admin/strategies",
                        name);
    if (rc == VX_OK)
        rc = vx_v_string(body, "title", VX_OPTIONAL, 255, &title, err);
    if (rc == VX_OK)
        rc = vx_v_bool(body, "disabled", VX_OPTIONAL, &disabled, err);
    if (rc == VX_OK)
        rc = vx_v_int(body, "sortOrder", VX_OPTIONAL, 0, INT32_MAX, &sort, err);
    if (rc == VX_OK)
        rc = check_parameters(body, def, feature, &params, err);
    if (rc == VX_OK)
        rc = vx_constraints_check(json_object_get(body, "constraints"),
                                  "/body/constraints", &cons, err);
    if (rc == VX_OK)
        rc = vx_constraints_legal(st, cons, "/body/constraints", err);
    if (rc == VX_OK)
        rc = check_segments(st, body, project, &segs, err);
    if (rc == VX_OK)
        rc = vx_op_variants_check_opts(json_object_get(body, "variants"), 0,
                                       opts, "/body/variants", &vars, err);
    if (rc == VX_OK)
        inherit_stickiness(json_object_get(body, "variants"), vars, params);
    if (rc == VX_OK)
        *out = json_pack("{s:s, s:s?, s:b, s:O, s:O, s:O, s:O, s:I}", "name",
                         name, "title", title, "disabled", disabled,
                         "parameters", params, "constraints", cons, "variants",
                         vars, "segments", segs, "sortOrder", (json_int_t)sort);
    json_decref(def);
    json_decref(params);
    json_decref(cons);
    json_decref(segs);
    json_decref(vars);
    return rc;
}

int vx_op_strategy_add(struct vx_store *st, const struct vx_actor *who,
                       const char *project, const char *feature,
                       const char *env, json_t *body, json_t **out,
                       struct vx_err *err)
{
    return vx_op_strategy_add_opts(st, who, project, feature, env, body,
                                   &admin_opts, out, err);
}

/* The flag name a project's default strategy is checked with. */
#define TEMPLATE_FLAG "default-strategy-of-the-project"

int vx_op_default_strategy_set(struct vx_store *st, const struct vx_actor *who,
                               const char *project, const char *env,
                               json_t *body, json_t **out, struct vx_err *err)
{
    json_t *pre = NULL, *s = NULL, *params;
    const char *group;
    int rc = vx_store_project_env_default_get(st, project, env, &pre, err);

    if (rc == VX_OK && body)
        rc = check_strategy(st, project, TEMPLATE_FLAG, body, &admin_opts, &s,
                            err);
    if (rc == VX_OK && s) {
        params = json_object_get(s, "parameters");
        group = json_string_value(json_object_get(params, "groupId"));
        /* A groupId the check filled in is each flag's own name. */
        if (group && !strcmp(group, TEMPLATE_FLAG))
            json_object_del(params, "groupId");
        json_object_del(s, "sortOrder");
    }
    if (rc == VX_OK)
        rc = vx_store_project_env_default_set(st, project, env, s, err);
    if (rc == VX_OK)
        rc = vx_store_event(st, who, "default-strategy-updated", project, NULL,
                            env, pre, s, err);
    if (rc == VX_OK && out)
        *out = json_incref(s);
    json_decref(pre);
    json_decref(s);
    return rc;
}

int vx_op_strategy_add_opts(struct vx_store *st, const struct vx_actor *who,
                            const char *project, const char *feature,
                            const char *env, json_t *body,
                            const struct vx_write_opts *opts, json_t **out,
                            struct vx_err *err)
{
    json_t *s = NULL, *post = NULL;
    char id[37];
    int64_t sort = 0;
    int rc = vx_op_flag_env_check(st, project, feature, env, err);

    if (rc == VX_OK)
        rc = check_strategy(st, project, feature, body, opts, &s, err);
    if (rc)
        goto out;
    if (json_integer_value(json_object_get(s, "sortOrder")) < 0) {
        rc = vx_store_strategy_next_order(st, feature, env, &sort, err);
        json_object_set_new(s, "sortOrder", json_integer(sort));
    }
    vx_uuid(id);
    json_object_set_new(s, "id", json_string(id));
    if (rc == VX_OK)
        rc = vx_store_strategy_insert(st, feature, env, s, err);
    if (rc == VX_OK)
        rc = vx_store_strategy_get(st, feature, env, id, &post, err);
    if (rc == VX_OK)
        rc = changed(st, who, "feature-strategy-add", project, feature, env,
                     NULL, post, err);
out:
    json_decref(s);
    if (rc == VX_OK)
        *out = post;
    else
        json_decref(post);
    return rc;
}

int vx_op_strategy_update(struct vx_store *st, const struct vx_actor *who,
                          const char *project, const char *feature,
                          const char *env, const char *id, json_t *body,
                          json_t **out, struct vx_err *err)
{
    json_t *pre = NULL, *s = NULL, *post = NULL;
    int rc = vx_op_flag_env_check(st, project, feature, env, err);

    if (rc == VX_OK)
        rc = vx_store_strategy_get(st, feature, env, id, &pre, err);
    if (rc == VX_OK)
        rc = check_strategy(st, project, feature, body, &admin_opts, &s, err);
    if (rc)
        goto out;
    if (json_integer_value(json_object_get(s, "sortOrder")) < 0)
        json_object_set(s, "sortOrder", json_object_get(pre, "sortOrder"));
    json_object_set_new(s, "id", json_string(id));
    rc = vx_store_strategy_update(st, s, err);
    if (rc == VX_OK)
        rc = vx_store_strategy_get(st, feature, env, id, &post, err);
    if (rc == VX_OK)
        rc = changed(st, who, "feature-strategy-update", project, feature, env,
                     pre, post, err);
out:
    json_decref(pre);
    json_decref(s);
    if (rc == VX_OK)
        *out = post;
    else
        json_decref(post);
    return rc;
}

int vx_op_strategy_delete(struct vx_store *st, const struct vx_actor *who,
                          const char *project, const char *feature,
                          const char *env, const char *id, struct vx_err *err)
{
    json_t *pre = NULL;
    int rc = vx_op_flag_env_check(st, project, feature, env, err);

    if (rc == VX_OK)
        rc = vx_store_strategy_get(st, feature, env, id, &pre, err);
    if (rc == VX_OK)
        rc = vx_store_strategy_delete(st, id, err);
    if (rc == VX_OK)
        rc = changed(st, who, "feature-strategy-remove", project, feature, env,
                     pre, NULL, err);
    json_decref(pre);
    return rc;
}

/* Apply one {id, sortOrder} entry i of a reorder. */
static int reorder_one(struct vx_store *st, const char *feature,
                       const char *env, json_t *e, size_t i, struct vx_err *err)
{
    const char *id = NULL;
    int64_t sort = 0;
    char where[64];
    int rc = VX_EINVAL;

    snprintf(where, sizeof(where), "/body/%zu", i);
    if (json_is_object(e))
        rc = vx_v_string(e, "id", VX_REQUIRED, 100, &id, err);
    if (rc == VX_OK)
        rc = vx_v_int(e, "sortOrder", VX_REQUIRED, 0, INT32_MAX, &sort, err);
    if (rc)
        return vx_err_set(err, VX_EINVAL, where,
                          "`%s` must be {id: a strategy id, sortOrder: a "
                          "whole number from 0}",
                          where);
    rc = vx_store_strategy_set_order(st, feature, env, id, sort, err);
    if (rc == VX_ENOTFOUND)
        rc = vx_err_set(err, VX_EINVAL, where,
                        "flag \"%s\" has no strategy with id \"%s\" in "
                        "environment \"%s\"",
                        feature, id, env);
    return rc;
}

int vx_op_strategy_reorder(struct vx_store *st, const struct vx_actor *who,
                           const char *project, const char *feature,
                           const char *env, json_t *order, struct vx_err *err)
{
    json_t *pre = NULL, *post = NULL, *e;
    size_t i;
    int rc = vx_op_flag_env_check(st, project, feature, env, err);

    if (rc == VX_OK && !json_is_array(order))
        rc = vx_err_set(err, VX_EINVAL, "/body",
                        "the body must be an array of {id, sortOrder}");
    if (rc == VX_OK)
        rc = vx_store_strategies_list(st, feature, env, &pre, err);
    json_array_foreach (order, i, e) {
        if (rc)
            break;
        rc = reorder_one(st, feature, env, e, i, err);
    }
    if (rc == VX_OK)
        rc = vx_store_strategies_list(st, feature, env, &post, err);
    if (rc == VX_OK)
        rc = changed(st, who, "strategy-order-changed", project, feature, env,
                     pre, post, err);
    json_decref(pre);
    json_decref(post);
    return rc;
}

int vx_op_variants_set(struct vx_store *st, const struct vx_actor *who,
                       const char *project, const char *feature,
                       const char *env, json_t *variants, json_t **out,
                       struct vx_err *err)
{
    return vx_op_variants_set_opts(st, who, project, feature, env, variants,
                                   &admin_opts, out, err);
}

int vx_op_variants_set_opts(struct vx_store *st, const struct vx_actor *who,
                            const char *project, const char *feature,
                            const char *env, json_t *variants,
                            const struct vx_write_opts *opts, json_t **out,
                            struct vx_err *err)
{
    json_t *pre = NULL, *list = NULL;
    int rc = vx_op_flag_env_check(st, project, feature, env, err);

    if (rc == VX_OK && !json_is_array(variants))
        rc = vx_err_set(err, VX_EINVAL, "/body",
                        "the body must be an array of variants");
    if (rc == VX_OK)
        rc = vx_op_variants_check_opts(variants, 1, opts, "/body", &list, err);
    if (rc == VX_OK)
        rc = vx_store_fenv_variants_get(st, feature, env, &pre, err);
    if (rc == VX_OK)
        rc = vx_store_fenv_variants_set(st, feature, env, list, err);
    if (rc == VX_OK)
        rc = changed(st, who, "feature-environment-variants-updated", project,
                     feature, env, pre, list, err);
    json_decref(pre);
    if (rc == VX_OK)
        *out = list;
    else
        json_decref(list);
    return rc;
}

/* ---- dependencies ---- */

/*
 * Check the variant names a dependency asks of its parent.
 *
 * NEEDSWORK: the names are not checked against the parent's variants,
 * which differ per environment; a misspelt name silently never matches.
 */
static int check_dep_variants(json_t *body, json_t **out, struct vx_err *err)
{
    json_t *in = NULL, *v;
    size_t i;
    int rc = vx_v_array(body, "variants", VX_OPTIONAL, &in, err);

    *out = NULL;
    if (rc)
        return rc;
    json_array_foreach (in, i, v) {
        if (json_is_string(v) && json_string_length(v) > 0)
            continue;
        return vx_err_set(err, VX_EINVAL, "/body/variants",
                          "`/body/variants` must be an array of variant "
                          "names");
    }
    *out = in ? json_deep_copy(in) : json_array();
    return VX_OK;
}

/* Check that parent may be a parent of child in project. */
static int check_parent(struct vx_store *st, const char *project,
                        const char *child, const char *parent,
                        struct vx_err *err)
{
    json_t *flag = NULL, *grand = NULL;
    int64_t children = 0;
    int rc;

    if (!strcmp(child, parent))
        return vx_err_set(err, VX_EINVAL, "/body/feature",
                          "a flag cannot depend on itself");
    rc = vx_store_feature_row(st, parent, &flag, err);
    if (rc == VX_ENOTFOUND ||
        (rc == VX_OK &&
         strcmp(json_string_value(json_object_get(flag, "project")), project)))
        rc = vx_err_set(err, VX_EINVAL, "/body/feature",
                        "there is no flag \"%s\" in project \"%s\"; a "
                        "parent must be in the same project as its child",
                        parent, project);
    else if (rc == VX_OK && json_is_true(json_object_get(flag, "archived")))
        rc = vx_err_set(err, VX_EINVAL, "/body/feature",
                        "flag \"%s\" is archived and cannot be a parent",
                        parent);
    if (rc == VX_OK)
        rc = vx_store_deps_parents(st, parent, &grand, err);
    if (rc == VX_OK && json_array_size(grand) > 0)
        rc = vx_err_set(err, VX_ECONFLICT, "/body/feature",
                        "flag \"%s\" depends on \"%s\" and so cannot be a "
                        "parent: dependencies are one level deep",
                        parent,
                        json_string_value(json_object_get(
                            json_array_get(grand, 0), "feature")));
    if (rc == VX_OK)
        rc = vx_store_deps_children_count(st, child, &children, err);
    if (rc == VX_OK && children > 0)
        rc = vx_err_set(err, VX_ECONFLICT, NULL,
                        "flag \"%s\" is the parent of %lld other flags and "
                        "so cannot get a parent: dependencies are one "
                        "level deep",
                        child, (long long)children);
    json_decref(flag);
    json_decref(grand);
    return rc;
}

/* The dependency of child on parent, as stored, or NULL; caller owns. */
static json_t *find_dep(json_t *parents, const char *parent)
{
    size_t i;
    json_t *d;

    json_array_foreach (parents, i, d) {
        if (!strcmp(json_string_value(json_object_get(d, "feature")), parent))
            return json_incref(d);
    }
    return NULL;
}

int vx_op_dependency_add(struct vx_store *st, const struct vx_actor *who,
                         const char *project, const char *child, json_t *body,
                         struct vx_err *err)
{
    json_t *vars = NULL, *parents = NULL, *pre = NULL, *post = NULL;
    const char *parent = NULL;
    int enabled = 1;
    int rc = flag_check(st, project, child, err);

    if (rc == VX_OK)
        rc = vx_v_string(body, "feature", VX_REQUIRED, 100, &parent, err);
    if (rc == VX_OK)
        rc = vx_v_bool(body, "enabled", VX_OPTIONAL, &enabled, err);
    if (rc == VX_OK)
        rc = check_dep_variants(body, &vars, err);
    if (rc == VX_OK)
        rc = check_parent(st, project, child, parent, err);
    if (rc == VX_OK)
        rc = vx_store_deps_parents(st, child, &parents, err);
    if (rc == VX_OK) {
        pre = find_dep(parents, parent);
        rc = vx_store_dep_upsert(st, child, parent, enabled, vars, err);
    }
    if (rc == VX_OK) {
        post = json_pack("{s:s, s:b, s:O}", "feature", parent, "enabled",
                         enabled, "variants", vars);
        rc = changed(st, who, "feature-dependency-added", project, child, NULL,
                     pre, post, err);
    }
    json_decref(vars);
    json_decref(parents);
    json_decref(pre);
    json_decref(post);
    return rc;
}

int vx_op_dependency_delete(struct vx_store *st, const struct vx_actor *who,
                            const char *project, const char *child,
                            const char *parent, struct vx_err *err)
{
    json_t *parents = NULL, *pre = NULL;
    int rc = flag_check(st, project, child, err);

    if (rc == VX_OK)
        rc = vx_store_deps_parents(st, child, &parents, err);
    if (rc)
        goto out;
    pre = parent ? find_dep(parents, parent) : json_incref(parents);
    if (!pre || json_array_size(parents) == 0)
        goto out; /* nothing to remove */
    rc = vx_store_dep_delete(st, child, parent, err);
    if (rc == VX_OK)
        rc = changed(st, who, "feature-dependency-removed", project, child,
                     NULL, pre, NULL, err);
out:
    json_decref(parents);
    json_decref(pre);
    return rc;
}

/* ---- segments ---- */

struct segment_in {
    const char *name, *description, *project;
    json_t *constraints; /* owned */
};

/* Check a segment body into in (release in->constraints after). */
static int check_segment(struct vx_store *st, json_t *body,
                         struct segment_in *in, struct vx_err *err)
{
    json_t *cons = NULL;
    int rc = vx_v_string(body, "name", VX_REQUIRED, 100, &in->name, err);

    in->constraints = NULL;
    if (rc == VX_OK && !in->name[0])
        rc = vx_err_set(err, VX_EINVAL, "/body/name",
                        "`/body/name` must not be empty");
    if (rc == VX_OK)
        rc = vx_v_string(body, "description", VX_OPTIONAL, 1000,
                         &in->description, err);
    if (rc == VX_OK)
        rc = vx_v_string(body, "project", VX_OPTIONAL, 100, &in->project, err);
    if (rc == VX_OK && in->project &&
        vx_store_project_exists(st, in->project, err))
        rc = vx_err_set(err, VX_EINVAL, "/body/project",
                        "There's no project named \"%s\".", in->project);
    if (rc == VX_OK)
        rc = vx_v_array(body, "constraints", VX_REQUIRED, &cons, err);
    if (rc == VX_OK)
        rc = vx_constraints_check(cons, "/body/constraints", &in->constraints,
                                  err);
    if (rc == VX_OK)
        rc =
            vx_constraints_legal(st, in->constraints, "/body/constraints", err);
    return rc;
}

/* Bump the version of every flag in flags ([{name}]). */
static int bump_all(struct vx_store *st, json_t *flags, struct vx_err *err)
{
    size_t i;
    json_t *f;

    json_array_foreach (flags, i, f) {
        int rc = vx_store_feature_bump(
            st, json_string_value(json_object_get(f, "name")), err);

        if (rc)
            return rc;
    }
    return VX_OK;
}

/* VX_ECONFLICT when a flag in flags is outside project (NULL: none is). */
static int check_scope(json_t *flags, const char *project, struct vx_err *err)
{
    size_t i;
    json_t *f;

    if (!project)
        return VX_OK;
    json_array_foreach (flags, i, f) {
        const char *p = json_string_value(json_object_get(f, "project"));

        if (strcmp(p, project))
            return vx_err_set(
                err, VX_ECONFLICT, "/body/project",
                "the segment is used by flag \"%s\" of project \"%s\", so "
                "it cannot be limited to project \"%s\"",
                json_string_value(json_object_get(f, "name")), p, project);
    }
    return VX_OK;
}

int vx_op_segment_create(struct vx_store *st, const struct vx_actor *who,
                         json_t *body, json_t **out, struct vx_err *err)
{
    struct segment_in in = {0};
    json_t *post = NULL;
    int64_t id = 0;
    int rc = check_segment(st, body, &in, err);

    if (rc == VX_OK)
        rc = vx_store_segment_insert(st, in.name, in.description, in.project,
                                     in.constraints, who->user_id, &id, err);
    if (rc == VX_OK)
        rc = vx_store_segment_get(st, id, &post, err);
    if (rc == VX_OK)
        rc = vx_store_event(st, who, "segment-created", in.project, NULL, NULL,
                            NULL, post, err);
    if (rc == VX_OK) {
        vx_store_touch_flags(st);
        *out = post;
    } else {
        json_decref(post);
    }
    json_decref(in.constraints);
    return rc;
}

int vx_op_segment_update(struct vx_store *st, const struct vx_actor *who,
                         int64_t id, json_t *body, json_t **out,
                         struct vx_err *err)
{
    struct segment_in in = {0};
    json_t *pre = NULL, *post = NULL, *flags = NULL;
    int rc = vx_store_segment_get(st, id, &pre, err);

    if (rc == VX_OK)
        rc = check_segment(st, body, &in, err);
    if (rc == VX_OK)
        rc = vx_store_segment_flags(st, id, &flags, err);
    if (rc == VX_OK)
        rc = check_scope(flags, in.project, err);
    if (rc == VX_OK)
        rc = vx_store_segment_update(st, id, in.name, in.description,
                                     in.project, in.constraints, err);
    if (rc == VX_OK)
        rc = vx_store_segment_get(st, id, &post, err);
    if (rc == VX_OK)
        rc = bump_all(st, flags, err);
    if (rc == VX_OK)
        rc = vx_store_event(st, who, "segment-updated", in.project, NULL, NULL,
                            pre, post, err);
    if (rc == VX_OK) {
        vx_store_touch_flags(st);
        *out = post;
    } else {
        json_decref(post);
    }
    json_decref(pre);
    json_decref(flags);
    json_decref(in.constraints);
    return rc;
}

/* The names in flags ([{name}]) joined by ", " into b. */
static void join_names(json_t *flags, struct vx_buf *b)
{
    size_t i;
    json_t *f;

    json_array_foreach (flags, i, f) {
        vx_buf_addf(b, "%s\"%s\"", i ? ", " : "",
                    json_string_value(json_object_get(f, "name")));
    }
}

int vx_op_segment_delete(struct vx_store *st, const struct vx_actor *who,
                         int64_t id, struct vx_err *err)
{
    json_t *pre = NULL, *flags = NULL;
    struct vx_buf names = {0};
    int rc = vx_store_segment_get(st, id, &pre, err);

    if (rc == VX_OK)
        rc = vx_store_segment_flags(st, id, &flags, err);
    if (rc == VX_OK && json_array_size(flags) > 0) {
        join_names(flags, &names);
        rc = vx_err_set(err, VX_ECONFLICT, NULL,
                        "segment %lld is used by strategies of the flags "
                        "%s; remove it from them first",
                        (long long)id, names.buf);
    }
    if (rc == VX_OK)
        rc = vx_store_segment_delete(st, id, err);
    if (rc == VX_OK) {
        vx_store_touch_flags(st);
        rc = vx_store_event(st, who, "segment-deleted",
                            json_string_value(json_object_get(pre, "project")),
                            NULL, NULL, pre, NULL, err);
    }
    free(names.buf);
    json_decref(pre);
    json_decref(flags);
    return rc;
}
