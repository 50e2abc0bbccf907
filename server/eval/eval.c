/*
 * Evaluation of features, strategies, constraints and variants, see
 * eval.h. The order of the functions follows one evaluation: context
 * access, constraints, strategies, variants, dependencies, features.
 */
#include "eval/eval.h"

#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "eval/jsval.h"
#include "eval/murmur3.h"
#include "eval/regex.h"
#include "log.h"
#include "util.h"
#include "vx_alloc.h"

/* ---- the context ------------------------------------------------------ */

/* Zero every field: no strings, no properties. */
void vx_context_init(struct vx_context *ctx)
{
    memset(ctx, 0, sizeof(*ctx));
}

/* Free the fields and properties, then start empty again. */
void vx_context_release(struct vx_context *ctx)
{
    free(ctx->user_id);
    free(ctx->session_id);
    free(ctx->remote_address);
    free(ctx->environment);
    free(ctx->app_name);
    free(ctx->current_time);
    for (size_t i = 0; i < ctx->n_props; i++) {
        free(ctx->props[i].name);
        free(ctx->props[i].value);
    }
    free(ctx->props);
    vx_context_init(ctx);
}

/* The member of ctx that holds the standard field name, or NULL. */
static char **standard_field(const struct vx_context *ctx, const char *name)
{
    struct vx_context *c = (struct vx_context *)ctx;

    if (!strcmp(name, "userId"))
        return &c->user_id;
    if (!strcmp(name, "sessionId"))
        return &c->session_id;
    if (!strcmp(name, "remoteAddress"))
        return &c->remote_address;
    if (!strcmp(name, "environment"))
        return &c->environment;
    if (!strcmp(name, "appName"))
        return &c->app_name;
    if (!strcmp(name, "currentTime"))
        return &c->current_time;
    return NULL;
}

/* Replace, add or (for NULL) remove the property name. */
void vx_context_set_property(struct vx_context *ctx, const char *name,
                             const char *value)
{
    size_t i;

    for (i = 0; i < ctx->n_props; i++)
        if (!strcmp(ctx->props[i].name, name))
            break;
    if (i == ctx->n_props) {
        if (!value)
            return;
        if (ctx->n_props == ctx->cap_props) {
            ctx->cap_props = ctx->cap_props ? 2 * ctx->cap_props : 8;
            ctx->props =
                vx_realloc(ctx->props, ctx->cap_props * sizeof(*ctx->props));
        }
        ctx->props[ctx->n_props].name = vx_strdup(name);
        ctx->props[ctx->n_props++].value = vx_strdup(value);
        return;
    }

    free(ctx->props[i].value);
    if (value) {
        ctx->props[i].value = vx_strdup(value);
        return;
    }
    free(ctx->props[i].name);
    ctx->props[i] = ctx->props[--ctx->n_props];
}

/* Route name to its standard field, else to the properties. */
void vx_context_set(struct vx_context *ctx, const char *name, const char *value)
{
    char **slot = standard_field(ctx, name);

    if (!slot) {
        vx_context_set_property(ctx, name, value);
        return;
    }
    free(*slot);
    *slot = value ? vx_strdup(value) : NULL;
}

/* Set each scalar member of obj with set(); nulls and others are left. */
static void set_members(struct vx_context *ctx, json_t *obj,
                        void (*set)(struct vx_context *, const char *,
                                    const char *))
{
    const char *key;
    json_t *v;

    json_object_foreach (obj, key, v) {
        char *s = vx_json_scalar_str(v);

        if (s)
            set(ctx, key, s);
        free(s);
    }
}

/* Copy the scalars of a JSON context into ctx. */
int vx_context_from_json(struct vx_context *ctx, json_t *obj,
                         struct vx_err *err)
{
    json_t *props;

    if (!json_is_object(obj))
        return vx_err_set(err, VX_EINVAL, "/context",
                          "context must be an object");
    props = json_object_get(obj, "properties");
    if (props && !json_is_null(props) && !json_is_object(props))
        return vx_err_set(err, VX_EINVAL, "/context/properties",
                          "properties must be an object");

    /* Top-level fields win over properties of the same name. */
    set_members(ctx, props, vx_context_set_property);
    set_members(ctx, obj, vx_context_set);
    return 0;
}

/* Look name up among the standard fields, then the properties. */
const char *vx_context_get(const struct vx_context *ctx, const char *name)
{
    char **slot = standard_field(ctx, name);
    const char *v = slot ? *slot : NULL;

    if (v)
        return v;
    for (size_t i = 0; i < ctx->n_props; i++)
        if (!strcmp(ctx->props[i].name, name))
            return ctx->props[i].value;
    return NULL;
}

/* s when it is a non-empty string, else NULL: JavaScript truthiness. */
static const char *truthy(const char *s)
{
    return s && *s ? s : NULL;
}

/* ---- constraints ------------------------------------------------------ */

/* True when s equals one of the n strings of v. */
static bool in_list(char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; s && i < n; i++)
        if (!strcmp(v[i], s))
            return true;
    return false;
}

/* True when s starts with, ends with or contains needle, per op. */
static bool str_test(enum vx_op op, const char *s, const char *needle)
{
    size_t ns = strlen(s), nn = strlen(needle);

    if (op == VX_OP_STR_STARTS_WITH)
        return !strncmp(s, needle, nn);
    if (op == VX_OP_STR_ENDS_WITH)
        return ns >= nn && !memcmp(s + ns - nn, needle, nn);
    return strstr(s, needle) != NULL;
}

/*
 * STR_STARTS_WITH, STR_ENDS_WITH and STR_CONTAINS.
 * NEEDSWORK: case-insensitive matching folds ASCII letters only, where
 * JavaScript's toLocaleLowerCase() folds every script.
 */
static bool check_str(const struct vx_constraint *c, const char *v)
{
    char *lower = NULL;
    bool hit = false;

    if (!v)
        return false;
    if (c->case_insensitive) {
        lower = vx_strdup(v);
        for (char *p = lower; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        v = lower;
    }
    for (size_t i = 0; !hit && i < c->n_clean; i++)
        hit = str_test(c->op, v, c->clean[i]);
    free(lower);
    return hit;
}

/* NUM_EQ, NUM_GT, NUM_GTE, NUM_LT and NUM_LTE. */
static bool check_num(const struct vx_constraint *c, const char *v)
{
    double x;

    if (!c->num_ok || !vx_js_number(v, &x))
        return false;
    switch (c->op) {
    case VX_OP_NUM_EQ:
        return x == c->num;
    case VX_OP_NUM_GT:
        return x > c->num;
    case VX_OP_NUM_GTE:
        return x >= c->num;
    case VX_OP_NUM_LT:
        return x < c->num;
    default:
        return x <= c->num;
    }
}

/*
 * DATE_AFTER and DATE_BEFORE compare the context's currentTime (or
 * now), whatever contextName says, as the SDKs do.
 * NEEDSWORK: times are read with vx_time_parse(), which takes RFC 3339
 * and plain dates; JavaScript's Date also reads other layouts ("Jun 1
 * 2024") and takes a time without a zone as local time, not UTC.
 */
static bool check_date(const struct vx_constraint *c,
                       const struct vx_context *ctx)
{
    int64_t now;

    if (!c->date_ok)
        return false;
    if (ctx->current_time) {
        if (vx_time_parse(ctx->current_time, &now))
            return false;
    } else {
        now = vx_time_now_ms();
    }
    return c->op == VX_OP_DATE_AFTER ? now > c->date_ms : now < c->date_ms;
}

/* SEMVER_*; the context's version may not start with 'v'. */
static bool check_semver(const struct vx_constraint *c, const char *v)
{
    struct vx_semver sv;
    int cmp;

    if (!c->semver_ok || !truthy(v) || v[0] == 'v' ||
        !vx_semver_parse(v, false, &sv))
        return false;
    cmp = vx_semver_cmp(&sv, &c->semver);
    vx_semver_release(&sv);
    switch (c->op) {
    case VX_OP_SEMVER_EQ:
        return cmp == 0;
    case VX_OP_SEMVER_GT:
        return cmp > 0;
    case VX_OP_SEMVER_LT:
        return cmp < 0;
    case VX_OP_SEMVER_GTE:
        return cmp >= 0;
    default:
        return cmp <= 0;
    }
}

/* IN_CIDR: v is an address inside one of the ranges. */
static bool check_cidr(const struct vx_constraint *c, const char *v)
{
    struct vx_ip_range ip;

    if (!vx_ip_addr_parse(v, &ip))
        return false;
    for (size_t i = 0; i < c->n_clean; i++)
        if (vx_ip_in_range(&ip, &c->ranges[i]))
            return true;
    return false;
}

/* The operator of c applied to ctx, before inversion. */
static bool check_op(const struct vx_constraint *c,
                     const struct vx_context *ctx)
{
    const char *v = vx_context_get(ctx, c->context_name);

    switch (c->op) {
    case VX_OP_IN:
        return in_list(c->clean, c->n_clean, v);
    case VX_OP_NOT_IN:
        return !in_list(c->clean, c->n_clean, v);
    case VX_OP_STR_STARTS_WITH:
    case VX_OP_STR_ENDS_WITH:
    case VX_OP_STR_CONTAINS:
        return check_str(c, v);
    case VX_OP_NUM_EQ:
    case VX_OP_NUM_GT:
    case VX_OP_NUM_GTE:
    case VX_OP_NUM_LT:
    case VX_OP_NUM_LTE:
        return check_num(c, v);
    case VX_OP_DATE_AFTER:
    case VX_OP_DATE_BEFORE:
        return check_date(c, ctx);
    case VX_OP_SEMVER_EQ:
    case VX_OP_SEMVER_GT:
    case VX_OP_SEMVER_LT:
    case VX_OP_SEMVER_GTE:
    case VX_OP_SEMVER_LTE:
        return check_semver(c, v);
    case VX_OP_REGEX:
        return v && c->regex && vx_regex_match(c->regex, v);
    case VX_OP_IN_CIDR:
        return check_cidr(c, v);
    default:
        return false;
    }
}

/* Apply c's operator to ctx and honour "inverted". */
bool vx_eval_constraint(const struct vx_constraint *c,
                        const struct vx_context *ctx)
{
    /* An unknown operator fails even when inverted. */
    if (c->op == VX_OP_UNKNOWN)
        return false;
    return check_op(c, ctx) != c->inverted;
}

/* True when all n constraints of v hold. */
static bool all_hold(const struct vx_constraint *v, size_t n,
                     const struct vx_context *ctx)
{
    for (size_t i = 0; i < n; i++)
        if (!vx_eval_constraint(&v[i], ctx))
            return false;
    return true;
}

/* The strategy's own constraints and its segments' all hold. */
static bool strategy_constraints_hold(const struct vx_strategy *s,
                                      const struct vx_context *ctx)
{
    if (!all_hold(s->constraints, s->n_constraints, ctx))
        return false;
    for (size_t i = 0; i < s->n_segments; i++) {
        const struct vx_segment *g = s->segments[i];

        /* A segment the flag set does not hold fails, as in the SDKs. */
        if (!g || !all_hold(g->constraints, g->n_constraints, ctx))
            return false;
    }
    return true;
}

/* ---- strategies ------------------------------------------------------- */

static pthread_once_t hostname_once = PTHREAD_ONCE_INIT;
static char hostname_buf[256];

/* Read and lower-case the host name, once. */
static void read_hostname(void)
{
    const char *env = getenv("HOSTNAME");

    if (env && *env) {
        size_t n = strlen(env);

        if (n >= sizeof(hostname_buf))
            n = sizeof(hostname_buf) - 1;
        memcpy(hostname_buf, env, n);
        hostname_buf[n] = '\0';
    } else if (gethostname(hostname_buf, sizeof(hostname_buf) - 1) ||
               !hostname_buf[0]) {
        memcpy(hostname_buf, "undefined", sizeof("undefined"));
    }
    for (char *p = hostname_buf; *p; p++)
        *p = (char)tolower((unsigned char)*p);
}

/* Read the host name on first use; later calls share it. */
const char *vx_eval_hostname(void)
{
    pthread_once(&hostname_once, read_hostname);
    return hostname_buf;
}

static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;

/*
 * Initialise libsodium for its random generator. It fails only when the
 * system has no entropy source; that is logged, and libsodium's
 * generator then stops the process itself when used.
 */
static void init_sodium(void)
{
    if (sodium_init() < 0)
        vx_log_error("libsodium cannot initialise", NULL);
}

/* A uniformly random number below n, safe from any thread. */
static uint32_t random_below(uint32_t n)
{
    pthread_once(&sodium_once, init_sodium);
    return randombytes_uniform(n);
}

/* A random whole number in add..add+n-1, as text, for random stickiness. */
static const char *random_id(char *buf, size_t len, uint32_t n, uint32_t add)
{
    vx_js_number_str((double)(random_below(n) + add), buf, len);
    return buf;
}

/* The id flexibleRollout hashes for stickiness, or NULL: strategy off. */
static const char *rollout_id(const struct vx_strategy *s,
                              const struct vx_context *ctx, char *buf,
                              size_t len)
{
    const char *stickiness = truthy(s->stickiness);
    const char *id;

    if (!stickiness || !strcmp(stickiness, "default")) {
        id = truthy(ctx->user_id);
        if (!id)
            id = truthy(ctx->session_id);
        return id ? id : random_id(buf, len, 10000, 1);
    }
    if (!strcmp(stickiness, "random"))
        return random_id(buf, len, 10000, 1);
    return truthy(vx_context_get(ctx, stickiness));
}

/* True when id falls inside the first percent buckets of group. */
static bool in_rollout(const struct vx_strategy *s, const char *group,
                       const char *id)
{
    if (!id || !s->percent_ok || !(s->percent > 0))
        return false;
    return vx_bucket(group, id, VX_ROLLOUT_SEED, 100) <= s->percent;
}

/* remoteAddress: an exact IP, or an IPv4 range holding the address. */
static bool remote_address_on(const struct vx_strategy *s,
                              const struct vx_context *ctx)
{
    struct vx_ip_range ip;
    bool have_ip;

    if (!ctx->remote_address)
        return false;
    have_ip = vx_ip_addr_parse(ctx->remote_address, &ip) && ip.family == 4;
    for (size_t i = 0; i < s->n_list; i++) {
        if (!strcmp(s->list[i], ctx->remote_address))
            return true;
        if (have_ip && vx_ip_in_range(&ip, &s->ranges[i]))
            return true;
    }
    return false;
}

/* Whether strategy s of feature f is on for ctx, constraints aside. */
static bool strategy_on(const struct vx_feature *f, const struct vx_strategy *s,
                        const struct vx_context *ctx)
{
    const char *group = truthy(s->group_id);
    char buf[32];

    switch (s->kind) {
    case VX_STRATEGY_DEFAULT:
        return true;
    case VX_STRATEGY_FLEXIBLE_ROLLOUT:
        return in_rollout(s, group ? group : f->name,
                          rollout_id(s, ctx, buf, sizeof(buf)));
    case VX_STRATEGY_USER_WITH_ID:
        return in_list(s->list, s->n_list, ctx->user_id);
    case VX_STRATEGY_REMOTE_ADDRESS:
        return remote_address_on(s, ctx);
    case VX_STRATEGY_APPLICATION_HOSTNAME:
        return in_list(s->list, s->n_list, vx_eval_hostname());
    case VX_STRATEGY_GRADUAL_USER_ID:
        return in_rollout(s, group ? group : "", truthy(ctx->user_id));
    case VX_STRATEGY_GRADUAL_SESSION_ID:
        return in_rollout(s, group ? group : "", truthy(ctx->session_id));
    case VX_STRATEGY_GRADUAL_RANDOM:
        return s->percent_ok && s->percent >= (double)(random_below(100) + 1);
    default:
        return false;
    }
}

/* ---- variants --------------------------------------------------------- */

/* The first variant of v whose override matches ctx, or NULL. */
static const struct vx_variant *find_override(const struct vx_variant *v,
                                              size_t n,
                                              const struct vx_context *ctx)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < v[i].n_overrides; j++) {
            const struct vx_override *o = &v[i].overrides[j];

            if (in_list(o->values, o->n_values,
                        vx_context_get(ctx, o->context_name)))
                return &v[i];
        }
    }
    return NULL;
}

/*
 * The id a variant pick hashes: the stickiness field when it is not
 * "default", else userId, sessionId or remoteAddress; a random number
 * when that is missing.
 */
static const char *variant_seed(const char *stickiness,
                                const struct vx_context *ctx, char *buf,
                                size_t len)
{
    const char *id = NULL;

    if (stickiness && strcmp(stickiness, "default")) {
        id = truthy(vx_context_get(ctx, stickiness));
    } else {
        id = truthy(ctx->user_id);
        if (!id)
            id = truthy(ctx->session_id);
        if (!id)
            id = truthy(ctx->remote_address);
    }
    return id ? id : random_id(buf, len, 100001, 0);
}

/*
 * Pick a variant of v: an override first, then by weight in the bucket
 * of the stickiness id. NULL when all weights are 0.
 */
static const struct vx_variant *
pick_variant(const char *group, const char *stickiness,
             const struct vx_variant *v, size_t n, const struct vx_context *ctx)
{
    const struct vx_variant *hit;
    double total = 0, counter = 0;
    uint32_t target;
    char buf[32];

    for (size_t i = 0; i < n; i++)
        total += v[i].weight;
    if (!(total > 0))
        return NULL;
    if ((hit = find_override(v, n, ctx)))
        return hit;

    /*
     * A total below one leaves no variant, as in JavaScript; one beyond
     * 32 bits (not a valid flag) cannot be bucketed.
     */
    if (total < 1 || total > UINT32_MAX)
        return NULL;
    target = vx_bucket(group, variant_seed(stickiness, ctx, buf, sizeof(buf)),
                       VX_VARIANT_SEED, (uint32_t)total);
    for (size_t i = 0; i < n; i++) {
        if (v[i].weight == 0)
            continue;
        counter += v[i].weight;
        if (counter >= target)
            return &v[i];
    }
    return NULL;
}

/*
 * The variant a matching strategy s gives, or NULL. Its stickiness is
 * the first variant's, else the strategy's. Its group is the groupId
 * parameter, else the flag name, as for flexibleRollout: the Node SDK
 * would hash the text "undefined" there, but Unleash always sends a
 * groupId with strategy variants, so only hand-made data can differ.
 */
static const struct vx_variant *strategy_variant(const struct vx_strategy *s,
                                                 const struct vx_feature *f,
                                                 const struct vx_context *ctx)
{
    const char *stickiness, *group = truthy(s->group_id);

    if (!s->n_variants)
        return NULL;
    stickiness = truthy(s->variants[0].stickiness);
    if (!stickiness)
        stickiness = truthy(s->stickiness);
    return pick_variant(group ? group : f->name, stickiness, s->variants,
                        s->n_variants, ctx);
}

/* ---- features --------------------------------------------------------- */

static bool feature_on(const struct vx_flagset *fs, const struct vx_feature *f,
                       const struct vx_context *ctx,
                       const struct vx_variant **variant);

/* True when d's name appears among the variants d asks for. */
static bool parent_variant_ok(const struct vx_flagset *fs,
                              const struct vx_dependency *d,
                              const struct vx_context *ctx)
{
    struct vx_variant_result r;

    vx_eval_feature_variant(fs, d->parent, ctx, &r);
    return r.feature_enabled && in_list(d->variants, d->n_variants, r.name);
}

/*
 * Whether every parent of f is as f needs it. A parent that is missing
 * or has parents of its own fails, as in Unleash: one level only.
 */
static bool dependencies_hold(const struct vx_flagset *fs,
                              const struct vx_feature *f,
                              const struct vx_context *ctx)
{
    for (size_t i = 0; i < f->n_dependencies; i++) {
        const struct vx_dependency *d = &f->dependencies[i];
        const struct vx_variant *unused;
        bool ok;

        if (!d->parent || d->parent->n_dependencies)
            return false;
        if (d->enabled && d->n_variants)
            ok = parent_variant_ok(fs, d, ctx);
        else
            ok = feature_on(fs, d->parent, ctx, &unused) == d->enabled;
        if (!ok)
            return false;
    }
    return true;
}

/*
 * Whether f is on for ctx; *variant is set to the variant of the first
 * strategy that is on, or NULL when it has none.
 */
static bool feature_on(const struct vx_flagset *fs, const struct vx_feature *f,
                       const struct vx_context *ctx,
                       const struct vx_variant **variant)
{
    *variant = NULL;
    if (!dependencies_hold(fs, f, ctx) || !f->enabled)
        return false;
    if (f->n_strategies == 0)
        return true;
    for (size_t i = 0; i < f->n_strategies; i++) {
        const struct vx_strategy *s = &f->strategies[i];

        if (s->kind == VX_STRATEGY_UNKNOWN ||
            !strategy_constraints_hold(s, ctx) || !strategy_on(f, s, ctx))
            continue;
        *variant = strategy_variant(s, f, ctx);
        return true;
    }
    return false;
}

/* Evaluate f for ctx and drop the variant. */
bool vx_eval_feature_enabled(const struct vx_flagset *fs,
                             const struct vx_feature *f,
                             const struct vx_context *ctx)
{
    const struct vx_variant *unused;

    return feature_on(fs, f, ctx, &unused);
}

/* Fill out from variant v, or as "disabled" when v is NULL. */
static void fill_result(struct vx_variant_result *out,
                        const struct vx_variant *v, bool feature_enabled)
{
    out->name = v ? v->name : "disabled";
    out->enabled = v != NULL;
    out->feature_enabled = feature_enabled;
    out->payload_type = v ? v->payload_type : NULL;
    out->payload_value = v ? v->payload_value : NULL;
}

/* Evaluate f once; take a strategy variant, else a flag one. */
void vx_eval_feature_variant(const struct vx_flagset *fs,
                             const struct vx_feature *f,
                             const struct vx_context *ctx,
                             struct vx_variant_result *out)
{
    const struct vx_variant *v = NULL;
    bool on = feature_on(fs, f, ctx, &v);

    if (on && !v && f->n_variants)
        v = pick_variant(f->name, truthy(f->variants[0].stickiness),
                         f->variants, f->n_variants, ctx);
    fill_result(out, on ? v : NULL, on);
}

/* Look name up and evaluate it; unknown names are off. */
bool vx_eval_enabled(const struct vx_flagset *fs, const char *name,
                     const struct vx_context *ctx)
{
    const struct vx_feature *f = vx_flagset_feature(fs, name);

    return f && vx_eval_feature_enabled(fs, f, ctx);
}

/* Look name up and pick its variant; unknown names are disabled. */
void vx_eval_variant(const struct vx_flagset *fs, const char *name,
                     const struct vx_context *ctx,
                     struct vx_variant_result *out)
{
    const struct vx_feature *f = vx_flagset_feature(fs, name);

    if (f)
        vx_eval_feature_variant(fs, f, ctx, out);
    else
        fill_result(out, NULL, false);
}
