/*
 * Building and freeing compiled flag sets, see model.h.
 *
 * The builder reads one JSON document and produces a tree of plain
 * structs that it alone allocates. It is forgiving where the Unleash
 * SDKs are (missing arrays are empty, unknown names never match) and
 * strict where they would fail (a feature without a name, a strategy
 * list that is not a list). A partly built flag set is freed with the
 * same vx_flagset_free() as a whole one: every free below accepts zeroed
 * members.
 */
#include "model/model.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval/jsval.h"
#include "eval/regex.h"
#include "util.h"
#include "vx_alloc.h"

#define PATH_MAX_LEN 96

static const struct {
    const char *name;
    enum vx_op op;
} operators[] = {
    {"IN", VX_OP_IN},
    {"NOT_IN", VX_OP_NOT_IN},
    {"STR_STARTS_WITH", VX_OP_STR_STARTS_WITH},
    {"STR_ENDS_WITH", VX_OP_STR_ENDS_WITH},
    {"STR_CONTAINS", VX_OP_STR_CONTAINS},
    {"NUM_EQ", VX_OP_NUM_EQ},
    {"NUM_GT", VX_OP_NUM_GT},
    {"NUM_GTE", VX_OP_NUM_GTE},
    {"NUM_LT", VX_OP_NUM_LT},
    {"NUM_LTE", VX_OP_NUM_LTE},
    {"DATE_AFTER", VX_OP_DATE_AFTER},
    {"DATE_BEFORE", VX_OP_DATE_BEFORE},
    {"SEMVER_EQ", VX_OP_SEMVER_EQ},
    {"SEMVER_GT", VX_OP_SEMVER_GT},
    {"SEMVER_LT", VX_OP_SEMVER_LT},
    {"SEMVER_GTE", VX_OP_SEMVER_GTE},
    {"SEMVER_LTE", VX_OP_SEMVER_LTE},
    {"REGEX", VX_OP_REGEX},
    {"IN_CIDR", VX_OP_IN_CIDR},
};

static const struct {
    const char *name;
    enum vx_strategy_kind kind;
} strategy_kinds[] = {
    {"default", VX_STRATEGY_DEFAULT},
    {"flexibleRollout", VX_STRATEGY_FLEXIBLE_ROLLOUT},
    {"userWithId", VX_STRATEGY_USER_WITH_ID},
    {"remoteAddress", VX_STRATEGY_REMOTE_ADDRESS},
    {"applicationHostname", VX_STRATEGY_APPLICATION_HOSTNAME},
    {"gradualRolloutUserId", VX_STRATEGY_GRADUAL_USER_ID},
    {"gradualRolloutSessionId", VX_STRATEGY_GRADUAL_SESSION_ID},
    {"gradualRolloutRandom", VX_STRATEGY_GRADUAL_RANDOM},
};

/* ---- freeing ---------------------------------------------------------- */

/* Free an array of n strings. */
static void free_strs(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* Free what constraint c holds. */
static void constraint_release(struct vx_constraint *c)
{
    free(c->context_name);
    free(c->operator_name);
    free_strs(c->values, c->n_values);
    free(c->value);
    free_strs(c->clean, c->n_clean);
    vx_semver_release(&c->semver);
    vx_regex_free(c->regex);
    free(c->ranges);
}

/* Free an array of n constraints. */
static void free_constraints(struct vx_constraint *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        constraint_release(&v[i]);
    free(v);
}

/* Free an array of n variants. */
static void free_variants(struct vx_variant *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].name);
        free(v[i].weight_type);
        free(v[i].stickiness);
        free(v[i].payload_type);
        free(v[i].payload_value);
        for (size_t j = 0; j < v[i].n_overrides; j++) {
            free(v[i].overrides[j].context_name);
            free_strs(v[i].overrides[j].values, v[i].overrides[j].n_values);
        }
        free(v[i].overrides);
    }
    free(v);
}

/* Free what strategy s holds. */
static void strategy_release(struct vx_strategy *s)
{
    free(s->name);
    for (size_t i = 0; i < s->n_params; i++) {
        free(s->params[i].name);
        free(s->params[i].value);
    }
    free(s->params);
    free_constraints(s->constraints, s->n_constraints);
    free(s->segment_ids);
    free_variants(s->variants, s->n_variants);
    free(s->segments);
    free_strs(s->list, s->n_list);
    free(s->ranges);
}

/* Free what feature f holds. */
static void feature_release(struct vx_feature *f)
{
    free(f->name);
    free(f->type);
    free(f->project);
    for (size_t i = 0; i < f->n_strategies; i++)
        strategy_release(&f->strategies[i]);
    free(f->strategies);
    free_variants(f->variants, f->n_variants);
    for (size_t i = 0; i < f->n_dependencies; i++) {
        free(f->dependencies[i].feature);
        free_strs(f->dependencies[i].variants, f->dependencies[i].n_variants);
    }
    free(f->dependencies);
}

/* Free every feature and segment, then the indexes. */
void vx_flagset_free(struct vx_flagset *fs)
{
    if (!fs)
        return;
    for (size_t i = 0; i < fs->n_features; i++)
        feature_release(&fs->features[i]);
    free(fs->features);
    for (size_t i = 0; i < fs->n_segments; i++) {
        free(fs->segments[i].name);
        free_constraints(fs->segments[i].constraints,
                         fs->segments[i].n_constraints);
    }
    free(fs->segments);
    free(fs->by_name);
    free(fs->by_id);
    free(fs);
}

/* ---- JSON helpers ----------------------------------------------------- */

/* Write a string, number or boolean as JavaScript's String(). */
char *vx_json_scalar_str(json_t *v)
{
    char num[40];

    if (json_is_string(v))
        return vx_strndup(json_string_value(v), json_string_length(v));
    if (json_is_number(v))
        return vx_strdup(
            vx_js_number_str(json_number_value(v), num, sizeof(num)));
    if (json_is_boolean(v))
        return vx_strdup(json_is_true(v) ? "true" : "false");
    return NULL;
}

/* A copy of the string member key of o, or NULL when absent or null. */
static char *member_str(json_t *o, const char *key)
{
    return vx_json_scalar_str(json_object_get(o, key));
}

/*
 * The array member key of o in *arr: NULL when absent or null, an error
 * when something else.
 */
static int member_array(json_t *o, const char *key, json_t **arr,
                        const char *path, struct vx_err *err)
{
    json_t *v = json_object_get(o, key);

    *arr = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_array(v))
        return vx_err_set(err, VX_EINVAL, path, "%s must be an array", key);
    *arr = v;
    return 0;
}

/* Copy the scalars of array arr (may be NULL) as strings; skip others. */
static void str_array(json_t *arr, char ***out, size_t *n)
{
    size_t i;
    json_t *v;

    *out = vx_calloc(json_array_size(arr) + 1, sizeof(char *));
    *n = 0;
    json_array_foreach (arr, i, v) {
        char *s = vx_json_scalar_str(v);

        if (s)
            (*out)[(*n)++] = s;
    }
}

/* Write "<base>/<key>/<i>" into buf, cut short if it does not fit. */
static const char *subpath(char *buf, const char *base, const char *key,
                           size_t i)
{
    if (snprintf(buf, PATH_MAX_LEN, "%s/%s/%zu", base, key, i) >= PATH_MAX_LEN)
        buf[PATH_MAX_LEN - 1] = '\0';
    return buf;
}

/* Check that element i of an array is an object. */
static int want_object(json_t *v, const char *path, struct vx_err *err)
{
    if (json_is_object(v))
        return 0;
    return vx_err_set(err, VX_EINVAL, path, "must be an object");
}

/* ---- constraints ------------------------------------------------------ */

/* The operator called name. */
static enum vx_op op_from_name(const char *name)
{
    for (size_t i = 0; name && i < sizeof(operators) / sizeof(*operators); i++)
        if (!strcmp(operators[i].name, name))
            return operators[i].op;
    return VX_OP_UNKNOWN;
}

/* A copy of s without surrounding white space. */
static char *trimmed(const char *s)
{
    size_t n;

    while (isspace((unsigned char)*s))
        s++;
    n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    return vx_strndup(s, n);
}

/* Lower-case the ASCII letters of s in place. */
static void ascii_lower(char *s)
{
    for (; *s; s++)
        *s = (char)tolower((unsigned char)*s);
}

/*
 * Pre-compute what c's operator needs: the cleaned value list (empty
 * values dropped, the rest trimmed, as the SDKs do), and the parsed
 * number, time, version, ranges or pattern.
 */
static void compile_constraint(struct vx_constraint *c)
{
    bool str_op = c->op >= VX_OP_STR_STARTS_WITH && c->op <= VX_OP_STR_CONTAINS;

    c->clean = vx_calloc(c->n_values + 1, sizeof(char *));
    for (size_t i = 0; i < c->n_values; i++) {
        if (!c->values[i][0])
            continue;
        c->clean[c->n_clean] = trimmed(c->values[i]);
        if (str_op && c->case_insensitive)
            ascii_lower(c->clean[c->n_clean]);
        c->n_clean++;
    }

    if (c->op >= VX_OP_NUM_EQ && c->op <= VX_OP_NUM_LTE)
        c->num_ok = vx_js_number(c->value, &c->num);
    else if (c->op == VX_OP_DATE_AFTER || c->op == VX_OP_DATE_BEFORE)
        c->date_ok = c->value && !vx_time_parse(c->value, &c->date_ms);
    else if (c->op >= VX_OP_SEMVER_EQ && c->op <= VX_OP_SEMVER_LTE)
        c->semver_ok = vx_semver_parse(c->value, true, &c->semver);
    else if (c->op == VX_OP_REGEX)
        c->regex = vx_regex_compile(c->value, c->case_insensitive);
    else if (c->op == VX_OP_IN_CIDR) {
        c->ranges = vx_calloc(c->n_clean + 1, sizeof(*c->ranges));
        for (size_t i = 0; i < c->n_clean; i++)
            vx_ip_range_parse(c->clean[i], &c->ranges[i]);
    }
}

/* Parse the constraint object o into c. */
static int parse_constraint(json_t *o, struct vx_constraint *c,
                            const char *path, struct vx_err *err)
{
    json_t *values;
    int rc;

    if ((rc = want_object(o, path, err)) ||
        (rc = member_array(o, "values", &values, path, err)))
        return rc;
    c->context_name = member_str(o, "contextName");
    if (!c->context_name)
        return vx_err_set(err, VX_EINVAL, path,
                          "constraint needs a contextName");
    c->operator_name = member_str(o, "operator");
    c->op = op_from_name(c->operator_name);
    str_array(values, &c->values, &c->n_values);
    c->value = member_str(o, "value");
    c->inverted = json_is_true(json_object_get(o, "inverted"));
    c->case_insensitive = json_is_true(json_object_get(o, "caseInsensitive"));
    compile_constraint(c);
    return 0;
}

/* Parse the array member "constraints" of o. */
static int parse_constraints(json_t *o, struct vx_constraint **out, size_t *n,
                             const char *path, struct vx_err *err)
{
    char sub[PATH_MAX_LEN];
    json_t *arr, *v;
    size_t i;
    int rc;

    if ((rc = member_array(o, "constraints", &arr, path, err)))
        return rc;
    *out = vx_calloc(json_array_size(arr) + 1, sizeof(**out));
    json_array_foreach (arr, i, v) {
        (*n)++;
        rc = parse_constraint(v, &(*out)[i],
                              subpath(sub, path, "constraints", i), err);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- variants --------------------------------------------------------- */

/* Parse the override object o into ov. */
static int parse_override(json_t *o, struct vx_override *ov, const char *path,
                          struct vx_err *err)
{
    json_t *values;
    int rc;

    if ((rc = want_object(o, path, err)) ||
        (rc = member_array(o, "values", &values, path, err)))
        return rc;
    ov->context_name = member_str(o, "contextName");
    if (!ov->context_name)
        return vx_err_set(err, VX_EINVAL, path, "override needs a contextName");
    str_array(values, &ov->values, &ov->n_values);
    return 0;
}

/* Copy the payload object of variant object o into v. */
static void parse_payload(json_t *o, struct vx_variant *v)
{
    json_t *payload = json_object_get(o, "payload");
    json_t *value = json_object_get(payload, "value");

    if (!json_is_object(payload))
        return;
    v->payload_type = member_str(payload, "type");
    v->payload_value = vx_json_scalar_str(value);
    if (!v->payload_value && value && !json_is_null(value))
        v->payload_value = json_dumps(value, JSON_COMPACT);
    if (!v->payload_type)
        v->payload_type = vx_strdup("string");
    if (!v->payload_value)
        v->payload_value = vx_strdup("");
}

/* Parse the variant object o into v. */
static int parse_variant(json_t *o, struct vx_variant *v, const char *path,
                         struct vx_err *err)
{
    char sub[PATH_MAX_LEN];
    json_t *arr, *w, *e;
    size_t i;
    int rc;

    if ((rc = want_object(o, path, err)) ||
        (rc = member_array(o, "overrides", &arr, path, err)))
        return rc;
    v->name = member_str(o, "name");
    if (!v->name)
        return vx_err_set(err, VX_EINVAL, path, "variant needs a name");
    w = json_object_get(o, "weight");
    if (json_is_number(w))
        v->weight = json_number_value(w);
    else if (!json_is_string(w) ||
             !vx_js_number(json_string_value(w), &v->weight))
        v->weight = 0; /* absent or not a number: never picked */
    v->weight_type = member_str(o, "weightType");
    v->stickiness = member_str(o, "stickiness");
    parse_payload(o, v);

    v->overrides = vx_calloc(json_array_size(arr) + 1, sizeof(*v->overrides));
    json_array_foreach (arr, i, e) {
        v->n_overrides++;
        rc = parse_override(e, &v->overrides[i],
                            subpath(sub, path, "overrides", i), err);
        if (rc)
            return rc;
    }
    return 0;
}

/* Parse the array member "variants" of o. */
static int parse_variants(json_t *o, struct vx_variant **out, size_t *n,
                          const char *path, struct vx_err *err)
{
    char sub[PATH_MAX_LEN];
    json_t *arr, *v;
    size_t i;
    int rc;

    if ((rc = member_array(o, "variants", &arr, path, err)))
        return rc;
    *out = vx_calloc(json_array_size(arr) + 1, sizeof(**out));
    json_array_foreach (arr, i, v) {
        (*n)++;
        rc = parse_variant(v, &(*out)[i], subpath(sub, path, "variants", i),
                           err);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- strategies ------------------------------------------------------- */

/* The kind of the strategy called name. */
static enum vx_strategy_kind kind_from_name(const char *name)
{
    for (size_t i = 0; i < sizeof(strategy_kinds) / sizeof(*strategy_kinds);
         i++)
        if (!strcmp(strategy_kinds[i].name, name))
            return strategy_kinds[i].kind;
    return VX_STRATEGY_UNKNOWN;
}

/*
 * Split s at commas, dropping the white space around each comma (and
 * only there), as the SDKs' split(/\s*,\s*\/) does.
 */
static void split_list(const char *s, char ***out, size_t *n)
{
    size_t cap = 1;

    for (const char *p = s; *p; p++)
        cap += *p == ',';
    *out = vx_calloc(cap + 1, sizeof(char *));
    *n = 0;
    for (;;) {
        const char *comma = strchr(s, ','), *end;

        end = comma ? comma : s + strlen(s);
        if (*n > 0)
            while (s < end && isspace((unsigned char)*s))
                s++;
        if (comma)
            while (end > s && isspace((unsigned char)end[-1]))
                end--;
        (*out)[(*n)++] = vx_strndup(s, (size_t)(end - s));
        if (!comma)
            break;
        s = comma + 1;
    }
}

/* Pre-compute the parameters that s's kind needs. */
static void compile_strategy(struct vx_strategy *s)
{
    const char *list = NULL;

    s->kind = kind_from_name(s->name);
    s->group_id = vx_strategy_param(s, "groupId");
    s->stickiness = vx_strategy_param(s, "stickiness");
    if (s->kind == VX_STRATEGY_FLEXIBLE_ROLLOUT)
        s->percent_ok =
            vx_js_number(vx_strategy_param(s, "rollout"), &s->percent);
    else if (s->kind >= VX_STRATEGY_GRADUAL_USER_ID)
        s->percent_ok =
            vx_js_number(vx_strategy_param(s, "percentage"), &s->percent);
    if (s->percent_ok && isnan(s->percent))
        s->percent_ok = false;

    if (s->kind == VX_STRATEGY_USER_WITH_ID)
        list = vx_strategy_param(s, "userIds");
    else if (s->kind == VX_STRATEGY_REMOTE_ADDRESS)
        list = vx_strategy_param(s, "IPs");
    else if (s->kind == VX_STRATEGY_APPLICATION_HOSTNAME)
        list = vx_strategy_param(s, "hostNames");
    if (list && *list)
        split_list(list, &s->list, &s->n_list);

    if (s->kind == VX_STRATEGY_APPLICATION_HOSTNAME)
        for (size_t i = 0; i < s->n_list; i++)
            ascii_lower(s->list[i]);
    if (s->kind == VX_STRATEGY_REMOTE_ADDRESS) {
        s->ranges = vx_calloc(s->n_list + 1, sizeof(*s->ranges));
        for (size_t i = 0; i < s->n_list; i++)
            if (vx_ip_range_parse(s->list[i], &s->ranges[i]) &&
                s->ranges[i].family != 4)
                s->ranges[i].family = 0; /* IPv4 only, as in the SDKs */
    }
}

/* Copy the parameters object of strategy object o into s. */
static int parse_params(json_t *o, struct vx_strategy *s, const char *path,
                        struct vx_err *err)
{
    json_t *params = json_object_get(o, "parameters"), *v;
    const char *key;

    if (!params || json_is_null(params))
        return 0;
    if (!json_is_object(params))
        return vx_err_set(err, VX_EINVAL, path, "parameters must be an object");
    s->params = vx_calloc(json_object_size(params) + 1, sizeof(*s->params));
    json_object_foreach (params, key, v) {
        char *value = vx_json_scalar_str(v);

        if (!value)
            continue;
        s->params[s->n_params].name = vx_strdup(key);
        s->params[s->n_params++].value = value;
    }
    return 0;
}

/* Copy the segment ids of strategy object o into s. */
static int parse_segment_ids(json_t *o, struct vx_strategy *s, const char *path,
                             struct vx_err *err)
{
    json_t *arr, *v;
    size_t i;
    int rc;

    if ((rc = member_array(o, "segments", &arr, path, err)))
        return rc;
    s->segment_ids = vx_calloc(json_array_size(arr) + 1, sizeof(int64_t));
    json_array_foreach (arr, i, v) {
        if (!json_is_integer(v))
            return vx_err_set(err, VX_EINVAL, path,
                              "segment ids must be integers");
        s->segment_ids[s->n_segments++] = json_integer_value(v);
    }
    return 0;
}

/* Parse the strategy object o into s. */
static int parse_strategy(json_t *o, struct vx_strategy *s, const char *path,
                          struct vx_err *err)
{
    int rc;

    if ((rc = want_object(o, path, err)))
        return rc;
    s->name = member_str(o, "name");
    if (!s->name)
        return vx_err_set(err, VX_EINVAL, path, "strategy needs a name");
    if ((rc = parse_params(o, s, path, err)) ||
        (rc = parse_constraints(o, &s->constraints, &s->n_constraints, path,
                                err)) ||
        (rc = parse_segment_ids(o, s, path, err)) ||
        (rc = parse_variants(o, &s->variants, &s->n_variants, path, err)))
        return rc;
    compile_strategy(s);
    return 0;
}

/* Search the parameters in order. */
const char *vx_strategy_param(const struct vx_strategy *s, const char *name)
{
    for (size_t i = 0; i < s->n_params; i++)
        if (!strcmp(s->params[i].name, name))
            return s->params[i].value;
    return NULL;
}

/* ---- features --------------------------------------------------------- */

/* Parse the dependency object o into d. */
static int parse_dependency(json_t *o, struct vx_dependency *d,
                            const char *path, struct vx_err *err)
{
    json_t *arr, *enabled;
    int rc;

    if ((rc = want_object(o, path, err)) ||
        (rc = member_array(o, "variants", &arr, path, err)))
        return rc;
    d->feature = member_str(o, "feature");
    if (!d->feature)
        return vx_err_set(err, VX_EINVAL, path, "dependency needs a feature");
    enabled = json_object_get(o, "enabled");
    d->enabled = !json_is_false(enabled);
    str_array(arr, &d->variants, &d->n_variants);
    return 0;
}

/* Parse the strategies of feature object o into f. */
static int parse_strategies(json_t *o, struct vx_feature *f, const char *path,
                            struct vx_err *err)
{
    char sub[PATH_MAX_LEN];
    json_t *arr, *v;
    size_t i;
    int rc;

    if ((rc = member_array(o, "strategies", &arr, path, err)))
        return rc;
    f->strategies = vx_calloc(json_array_size(arr) + 1, sizeof(*f->strategies));
    json_array_foreach (arr, i, v) {
        f->n_strategies++;
        rc = parse_strategy(v, &f->strategies[i],
                            subpath(sub, path, "strategies", i), err);
        if (rc)
            return rc;
    }
    return 0;
}

/* Parse the dependencies of feature object o into f. */
static int parse_dependencies(json_t *o, struct vx_feature *f, const char *path,
                              struct vx_err *err)
{
    char sub[PATH_MAX_LEN];
    json_t *arr, *v;
    size_t i;
    int rc;

    if ((rc = member_array(o, "dependencies", &arr, path, err)))
        return rc;
    f->dependencies =
        vx_calloc(json_array_size(arr) + 1, sizeof(*f->dependencies));
    json_array_foreach (arr, i, v) {
        f->n_dependencies++;
        rc = parse_dependency(v, &f->dependencies[i],
                              subpath(sub, path, "dependencies", i), err);
        if (rc)
            return rc;
    }
    return 0;
}

/* Parse the feature object o into f. */
static int parse_feature(json_t *o, struct vx_feature *f, const char *path,
                         struct vx_err *err)
{
    int rc;

    if ((rc = want_object(o, path, err)))
        return rc;
    if (!json_is_string(json_object_get(o, "name")))
        return vx_err_set(err, VX_EINVAL, path, "feature needs a name");
    f->name = member_str(o, "name");
    f->type = member_str(o, "type");
    f->project = member_str(o, "project");
    f->enabled = json_is_true(json_object_get(o, "enabled"));
    f->stale = json_is_true(json_object_get(o, "stale"));
    f->impression_data = json_is_true(json_object_get(o, "impressionData"));
    if ((rc = parse_strategies(o, f, path, err)) ||
        (rc = parse_variants(o, &f->variants, &f->n_variants, path, err)) ||
        (rc = parse_dependencies(o, f, path, err)))
        return rc;
    return 0;
}

/* Parse the segment object o into g. */
static int parse_segment(json_t *o, struct vx_segment *g, const char *path,
                         struct vx_err *err)
{
    int rc;

    if ((rc = want_object(o, path, err)))
        return rc;
    if (!json_is_integer(json_object_get(o, "id")))
        return vx_err_set(err, VX_EINVAL, path, "segment needs an integer id");
    g->id = json_integer_value(json_object_get(o, "id"));
    g->name = member_str(o, "name");
    return parse_constraints(o, &g->constraints, &g->n_constraints, path, err);
}

/* ---- the flag set ----------------------------------------------------- */

/* qsort order of features by name, then by position. */
static int cmp_feature_ptr(const void *a, const void *b)
{
    const struct vx_feature *fa = *(const struct vx_feature *const *)a;
    const struct vx_feature *fb = *(const struct vx_feature *const *)b;
    int c = strcmp(fa->name, fb->name);

    return c ? c : (fa > fb) - (fa < fb);
}

/* qsort order of segments by id, then by position. */
static int cmp_segment_ptr(const void *a, const void *b)
{
    const struct vx_segment *ga = *(const struct vx_segment *const *)a;
    const struct vx_segment *gb = *(const struct vx_segment *const *)b;

    if (ga->id != gb->id)
        return ga->id < gb->id ? -1 : 1;
    return (ga > gb) - (ga < gb);
}

/* Build the lookup indexes and resolve segment ids and parent names. */
static void link_flagset(struct vx_flagset *fs)
{
    fs->by_name = vx_calloc(fs->n_features + 1, sizeof(*fs->by_name));
    for (size_t i = 0; i < fs->n_features; i++)
        fs->by_name[i] = &fs->features[i];
    qsort(fs->by_name, fs->n_features, sizeof(*fs->by_name), cmp_feature_ptr);
    fs->by_id = vx_calloc(fs->n_segments + 1, sizeof(*fs->by_id));
    for (size_t i = 0; i < fs->n_segments; i++)
        fs->by_id[i] = &fs->segments[i];
    qsort(fs->by_id, fs->n_segments, sizeof(*fs->by_id), cmp_segment_ptr);

    for (size_t i = 0; i < fs->n_features; i++) {
        struct vx_feature *f = &fs->features[i];

        for (size_t j = 0; j < f->n_strategies; j++) {
            struct vx_strategy *s = &f->strategies[j];

            s->segments = vx_calloc(s->n_segments + 1, sizeof(*s->segments));
            for (size_t k = 0; k < s->n_segments; k++)
                s->segments[k] = vx_flagset_segment(fs, s->segment_ids[k]);
        }
        for (size_t j = 0; j < f->n_dependencies; j++)
            f->dependencies[j].parent =
                vx_flagset_feature(fs, f->dependencies[j].feature);
    }
}

/* Parse the "features" and "segments" arrays of root into fs. */
static int parse_flagset(json_t *root, struct vx_flagset *fs,
                         struct vx_err *err)
{
    char sub[PATH_MAX_LEN];
    json_t *features, *segments, *v;
    size_t i;
    int rc;

    if (!json_is_object(root))
        return vx_err_set(err, VX_EINVAL, "", "must be an object");
    if ((rc = member_array(root, "features", &features, "", err)) ||
        (rc = member_array(root, "segments", &segments, "", err)))
        return rc;

    fs->features =
        vx_calloc(json_array_size(features) + 1, sizeof(*fs->features));
    json_array_foreach (features, i, v) {
        fs->n_features++;
        rc = parse_feature(v, &fs->features[i], subpath(sub, "", "features", i),
                           err);
        if (rc)
            return rc;
    }
    fs->segments =
        vx_calloc(json_array_size(segments) + 1, sizeof(*fs->segments));
    json_array_foreach (segments, i, v) {
        fs->n_segments++;
        rc = parse_segment(v, &fs->segments[i], subpath(sub, "", "segments", i),
                           err);
        if (rc)
            return rc;
    }
    return 0;
}

/* Parse root, then link segments, parents and indexes. */
int vx_flagset_from_json(json_t *root, struct vx_flagset **out,
                         struct vx_err *err)
{
    struct vx_flagset *fs = vx_calloc(1, sizeof(*fs));
    int rc;

    *out = NULL;
    rc = parse_flagset(root, fs, err);
    if (rc) {
        vx_flagset_free(fs);
        return rc;
    }
    link_flagset(fs);
    *out = fs;
    return 0;
}

/* Binary search of the name index. */
const struct vx_feature *vx_flagset_feature(const struct vx_flagset *fs,
                                            const char *name)
{
    size_t lo = 0, hi = fs->n_features;

    /* Find the last entry named name: later duplicates win. */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (strcmp(fs->by_name[mid]->name, name) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo > 0 && !strcmp(fs->by_name[lo - 1]->name, name))
        return fs->by_name[lo - 1];
    return NULL;
}

/* Binary search of the id index. */
const struct vx_segment *vx_flagset_segment(const struct vx_flagset *fs,
                                            int64_t id)
{
    size_t lo = 0, hi = fs->n_segments;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (fs->by_id[mid]->id <= id)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo > 0 && fs->by_id[lo - 1]->id == id)
        return fs->by_id[lo - 1];
    return NULL;
}
