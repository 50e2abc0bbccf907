/*
 * The frontend API: browsers and mobile apps send their context and get
 * back the flags that are on for it, evaluated here so that the flag
 * configuration never leaves the server.
 *
 *   GET  /api/frontend?userId=…&sessionId=…&anyField=…
 *   POST /api/frontend  {"context":{…, "properties":{…}}}
 *   GET  /api/frontend/features/:featureName?userId=…
 *
 * Evaluation runs on the current snapshot of the token's environment
 * (snapshot/snapshot.h), in memory and without SQL; each request holds
 * a reference to that snapshot until it has its answer. The CORS
 * headers come from http/cors.c, which the HTTP layer applies to every
 * answer on these paths.
 */
#include "handlers/handlers.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "app.h"
#include "eval/eval.h"
#include "http/cors.h"
#include "model/model.h"
#include "snapshot/snapshot.h"
#include "vx_alloc.h"

/* The key prefix of a property in the query: properties[name]=value. */
#define PROP_PREFIX "properties["

/* ---- the context ------------------------------------------------------ */

/*
 * The name inside "properties[name]", as a new string the caller
 * frees, or NULL when key is not of that form.
 */
static char *bracket_property(const char *key)
{
    size_t n = strlen(PROP_PREFIX), len = strlen(key);

    if (strncmp(key, PROP_PREFIX, n) || len < n + 2 || key[len - 1] != ']')
        return NULL;
    return vx_strndup(key + n, len - n - 1);
}

struct query_pass {
    struct vx_context *ctx;
    bool properties; /* this pass sets properties[name] keys */
};

/*
 * One query argument into the context: plain keys in the first pass
 * (standard fields, or else properties), properties[name] in the
 * second, so that an explicit property wins over a plain key.
 */
static void on_query_arg(void *arg, const char *key, const char *value)
{
    struct query_pass *qp = arg;
    char *prop = bracket_property(key);

    if (value && prop && qp->properties)
        vx_context_set_property(qp->ctx, prop, value);
    else if (value && !prop && !qp->properties)
        vx_context_set(qp->ctx, key, value);
    free(prop);
}

/* Fill ctx from the query string of req. */
static void context_from_query(struct vx_req *req, struct vx_context *ctx)
{
    struct query_pass qp = {ctx, false};

    vx_req_query_each(req, on_query_arg, &qp);
    qp.properties = true;
    vx_req_query_each(req, on_query_arg, &qp);
}

/* True for the JSON types a context field may have. */
static bool scalar_or_null(const json_t *v)
{
    return json_is_string(v) || json_is_number(v) || json_is_boolean(v) ||
           json_is_null(v);
}

/*
 * Check the shape of a posted context: an object whose members are
 * scalars, and whose "properties" is an object of scalars. 0, or
 * VX_EINVAL naming the member in err.
 */
static int check_context(json_t *context, struct vx_err *err)
{
    json_t *props = json_object_get(context, "properties");
    const char *key;
    json_t *v;
    char path[96];

    if (!json_is_object(context))
        return vx_err_set(err, VX_EINVAL, "/context",
                          "context must be an object");
    if (props && !json_is_null(props) && !json_is_object(props))
        return vx_err_set(err, VX_EINVAL, "/context/properties",
                          "context.properties must be an object");

    json_object_foreach (context, key, v) {
        if (strcmp(key, "properties") && !scalar_or_null(v)) {
            snprintf(path, sizeof(path), "/context/%s", key);
            return vx_err_set(err, VX_EINVAL, path,
                              "context.%s must be a string, number or "
                              "boolean",
                              key);
        }
    }
    json_object_foreach (props, key, v) {
        if (!scalar_or_null(v)) {
            snprintf(path, sizeof(path), "/context/properties/%s", key);
            return vx_err_set(err, VX_EINVAL, path,
                              "context.properties.%s must be a string, "
                              "number or boolean",
                              key);
        }
    }
    return 0;
}

/*
 * Copy a checked context object into ctx: top-level members first,
 * then properties, which win over a top-level member of the same name.
 */
static void context_from_object(json_t *context, struct vx_context *ctx)
{
    json_t *props = json_object_get(context, "properties");
    const char *key;
    json_t *v;

    json_object_foreach (context, key, v) {
        char *s = strcmp(key, "properties") ? vx_json_scalar_str(v) : NULL;

        if (s)
            vx_context_set(ctx, key, s);
        free(s);
    }
    json_object_foreach (props, key, v) {
        char *s = vx_json_scalar_str(v);

        if (s)
            vx_context_set_property(ctx, key, s);
        free(s);
    }
}

/*
 * What the context lacks that an SDK would fill in: the client's
 * address as remoteAddress (behind a trusted proxy, the one
 * X-Forwarded-For names; see vx_req_client_addr()), and "default" as
 * the environment, which is what Unleash's SDKs assume when none is
 * configured (the flags are still those of the token's environment).
 *
 * The client specification expects no remoteAddress when the context
 * gives none, so its "missing remoteAddress" case only holds for
 * callers whose address the strategy does not list.
 */
static void context_defaults(struct vx_req *req, struct vx_context *ctx)
{
    char addr[64];

    if (!ctx->remote_address || !*ctx->remote_address) {
        vx_req_client_addr(req, addr, sizeof(addr));
        if (addr[0])
            vx_context_set(ctx, "remoteAddress", addr);
    }
    if (!ctx->environment || !*ctx->environment)
        vx_context_set(ctx, "environment", "default");
}

/* ---- the answer ------------------------------------------------------- */

/* The variant object of one toggle. */
static json_t *variant_json(const struct vx_variant_result *vr)
{
    json_t *v =
        json_pack("{s:s, s:b}", "name", vr->name, "enabled", vr->enabled);

    if (vr->payload_type && vr->payload_value)
        json_object_set_new(v, "payload",
                            json_pack("{s:s, s:s}", "type", vr->payload_type,
                                      "value", vr->payload_value));
    json_object_set_new(v, "feature_enabled",
                        json_boolean(vr->feature_enabled));
    json_object_set_new(v, "featureEnabled", json_boolean(vr->feature_enabled));
    return v;
}

/* One toggle of the answer: a feature that is on, with its variant. */
static json_t *toggle_json(const struct vx_feature *f,
                           const struct vx_variant_result *vr)
{
    return json_pack("{s:s, s:b, s:o, s:b}", "name", f->name, "enabled", 1,
                     "variant", variant_json(vr), "impressionData",
                     f->impression_data);
}

/* True when who may see the feature f (its project is one of theirs). */
static bool visible(const struct vx_principal *who, const struct vx_feature *f)
{
    return vx_principal_has_project(who, f->project ? f->project : "default");
}

/*
 * {"toggles":[…]}: every feature of fs in a project who may see that is
 * on for ctx, with its variant. One evaluation per feature gives both,
 * so random stickiness cannot make them disagree. New reference.
 */
static json_t *toggles_json(const struct vx_flagset *fs,
                            const struct vx_principal *who,
                            const struct vx_context *ctx)
{
    json_t *toggles = json_array();

    for (size_t i = 0; fs && i < fs->n_features; i++) {
        const struct vx_feature *f = &fs->features[i];
        struct vx_variant_result vr;

        if (!visible(who, f))
            continue;
        vx_eval_feature_variant(fs, f, ctx, &vr);
        if (vr.feature_enabled)
            json_array_append_new(toggles, toggle_json(f, &vr));
    }
    return json_pack("{s:o}", "toggles", toggles);
}

/* A quoted strong ETag of the len bytes at body into tag (≥ 35 bytes). */
static void body_etag(const char *body, size_t len, char *tag, size_t size)
{
    unsigned char hash[16];
    char hex[2 * sizeof(hash) + 1];

    crypto_generichash(hash, sizeof(hash), (const unsigned char *)body, len,
                       NULL, 0);
    sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));
    snprintf(tag, size, "\"%s\"", hex);
}

/*
 * True when the If-None-Match header names tag: a list of tags, weak
 * ones compared by their opaque part, or "*".
 */
static bool etag_matches(const char *inm, const char *tag)
{
    size_t n = strlen(tag);

    while (inm && *inm) {
        while (*inm == ' ' || *inm == ',')
            inm++;
        if (*inm == '*')
            return true;
        if (!strncmp(inm, "W/", 2))
            inm += 2;
        if (!strncmp(inm, tag, n) &&
            (inm[n] == '\0' || inm[n] == ',' || inm[n] == ' '))
            return true;
        inm = strchr(inm, ',');
    }
    return false;
}

/*
 * The current snapshot of the token's environment into *snap (NULL
 * when there is none yet: no flags) and its flag set into *fs. The
 * caller releases *snap with vx_snapshot_release(). -1, with a 500
 * reply set, when the flags could not be compiled.
 */
static int flagset_get(struct vx_req *req, struct vx_reply *rep,
                       struct vx_snapshot **snap, const struct vx_flagset **fs)
{
    *snap = NULL;
    *fs = NULL;
    if (req->app->snapshots)
        *snap = vx_snapshots_get(req->app->snapshots, req->who.environment);
    if (!*snap)
        return 0;
    *fs = vx_snapshot_flagset(*snap);
    if (*fs)
        return 0;
    vx_snapshot_release(*snap);
    *snap = NULL;
    vx_reply_error(rep, VX_EINTERNAL, NULL,
                   "the flags of environment '%s' could not be compiled; see "
                   "the server log",
                   req->who.environment);
    return -1;
}

/*
 * Evaluate every visible flag for ctx and reply with the toggles, or
 * with 304 when the caller already has this answer.
 */
static void reply_toggles(struct vx_req *req, struct vx_reply *rep,
                          const struct vx_context *ctx)
{
    struct vx_snapshot *snap;
    const struct vx_flagset *fs;
    json_t *answer;
    char *text;
    char tag[48];

    if (flagset_get(req, rep, &snap, &fs))
        return;
    answer = toggles_json(fs, &req->who, ctx);
    vx_snapshot_release(snap);
    text = json_dumps(answer, JSON_COMPACT);
    json_decref(answer);

    body_etag(text, strlen(text), tag, sizeof(tag));
    vx_reply_header(rep, "ETag", tag);
    vx_reply_header(rep, "Cache-Control", "no-cache");
    if (etag_matches(vx_req_header(req, "If-None-Match"), tag)) {
        free(text);
        vx_reply_json(rep, 304, NULL);
        return;
    }
    vx_reply_json(rep, 200, NULL);
    rep->bytes = text;
    rep->len = strlen(text);
    rep->free_fn = free;
    rep->free_arg = text;
}

/*
 * Evaluate the flag called name for ctx and reply with its toggle when
 * it is on; 404 when it is off, unknown or in a project the token does
 * not cover, all alike so that the answer tells nothing more than the
 * list would.
 */
static void reply_toggle(struct vx_req *req, struct vx_reply *rep,
                         const char *name, const struct vx_context *ctx)
{
    struct vx_snapshot *snap;
    const struct vx_flagset *fs;
    const struct vx_feature *f = NULL;
    struct vx_variant_result vr = {0};

    if (flagset_get(req, rep, &snap, &fs))
        return;
    if (fs)
        f = vx_flagset_feature(fs, name);
    if (f && visible(&req->who, f))
        vx_eval_feature_variant(fs, f, ctx, &vr);

    vx_reply_header(rep, "Cache-Control", "no-cache");
    if (vr.feature_enabled)
        vx_reply_json(rep, 200, toggle_json(f, &vr));
    else
        vx_reply_error(rep, VX_ENOTFOUND, NULL,
                       "feature flag '%s' is not enabled for this context "
                       "or does not exist",
                       name);
    vx_snapshot_release(snap);
}

/* ---- handlers --------------------------------------------------------- */

/* GET /api/frontend: the context comes from the query string. */
static void on_frontend_get(struct vx_req *req, struct vx_reply *rep)
{
    struct vx_context ctx;

    vx_context_init(&ctx);
    context_from_query(req, &ctx);
    context_defaults(req, &ctx);
    reply_toggles(req, rep, &ctx);
    vx_context_release(&ctx);
}

/*
 * POST /api/frontend: the context is the body's "context" (absent or
 * null is an empty one), over any fields in the query string.
 */
static void on_frontend_post(struct vx_req *req, struct vx_reply *rep)
{
    struct vx_context ctx;
    struct vx_err err = {0};
    json_t *body = NULL, *context;

    vx_context_init(&ctx);
    if (vx_req_json(req, rep, 1, &body))
        goto out;
    context = json_object_get(body, "context");
    if (context && !json_is_null(context) && check_context(context, &err)) {
        vx_reply_err(rep, &err);
        goto out;
    }

    context_from_query(req, &ctx);
    context_from_object(context, &ctx);
    context_defaults(req, &ctx);
    reply_toggles(req, rep, &ctx);
out:
    json_decref(body);
    vx_context_release(&ctx);
}

/*
 * GET /api/frontend/features/:featureName: one flag, with the context
 * from the query string as for GET /api/frontend.
 */
static void on_frontend_feature(struct vx_req *req, struct vx_reply *rep)
{
    struct vx_context ctx;

    vx_context_init(&ctx);
    context_from_query(req, &ctx);
    context_defaults(req, &ctx);
    reply_toggle(req, rep, vx_req_param(req, "featureName"), &ctx);
    vx_context_release(&ctx);
}

const struct vx_route vx_routes_frontend[] = {
    {"GET", "/api/frontend", VX_ACCESS_FRONTEND, VX_ROLE_NONE, on_frontend_get},
    {"POST", "/api/frontend", VX_ACCESS_FRONTEND, VX_ROLE_NONE,
     on_frontend_post},
    /* Preflights carry no token; the origin check is theirs. */
    {"OPTIONS", "/api/frontend", VX_ACCESS_PUBLIC, VX_ROLE_NONE,
     vx_cors_preflight},
    {"GET", "/api/frontend/features/:featureName", VX_ACCESS_FRONTEND,
     VX_ROLE_NONE, on_frontend_feature},
    {"OPTIONS", "/api/frontend/features/:featureName", VX_ACCESS_PUBLIC,
     VX_ROLE_NONE, vx_cors_preflight},
    {"OPTIONS", "/api/frontend/client/metrics", VX_ACCESS_PUBLIC, VX_ROLE_NONE,
     vx_cors_preflight},
    {"OPTIONS", "/api/frontend/client/register", VX_ACCESS_PUBLIC, VX_ROLE_NONE,
     vx_cors_preflight},
    {NULL, NULL, 0, 0, NULL},
};
