/*
 * What SDKs report: POST /api/client/register and /api/client/metrics
 * with client tokens, and the same under /api/frontend/client with
 * frontend tokens. Reports are checked whole, then only added to the
 * in-memory counters of metrics/metrics.h; nothing is written here. The
 * environment is always the token's, whatever the body says.
 */
#include "handlers/handlers.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "validate.h"
#include "metrics/metrics.h"
#include "util.h"

#define TEXT_MAX 255
/* Largest count accepted: the largest exact JavaScript integer. */
#define COUNT_MAX 9007199254740991LL

/* A 400 for the field at path (a JSON pointer into the body). */
static int bad(struct vx_err *err, const char *path, const char *want)
{
    return vx_err_set(err, VX_EINVAL, path, "`%s` must be %s", path, want);
}

/* An ISO time or milliseconds since the epoch at key, as ms. */
static int get_time(json_t *obj, const char *key, const char *path,
                    int required, int64_t *ms, struct vx_err *err)
{
    json_t *v = json_object_get(obj, key);

    if (json_is_null(v))
        v = NULL;
    if (!v && required)
        return vx_err_set(err, VX_EINVAL, path,
                          "The `%s` property is required. It was not "
                          "present on the data you sent.",
                          path);
    if (!v)
        return VX_OK;
    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        *ms = json_integer_value(v);
        return VX_OK;
    }
    if (json_is_string(v) && vx_time_parse(json_string_value(v), ms) == 0)
        return VX_OK;
    return bad(err, path, "a date-time such as \"2026-12-03T17:00:00Z\"");
}

/* Check a count at path: a non-negative integer within COUNT_MAX. */
static int check_count(json_t *v, const char *path, struct vx_err *err)
{
    if (!v || json_is_null(v))
        return VX_OK;
    if (!json_is_integer(v) || json_integer_value(v) < 0 ||
        json_integer_value(v) > COUNT_MAX)
        return bad(err, path, "a non-negative integer");
    return VX_OK;
}

/* Check one entry of bucket.toggles: {yes?, no?, variants?}. */
static int check_toggle(const char *flag, json_t *t, struct vx_err *err)
{
    char path[600]; /* two names of up to TEXT_MAX and the rest */
    const char *name;
    json_t *vars, *n;
    int rc;

    snprintf(path, sizeof(path), "/body/bucket/toggles/%s", flag);
    if (!*flag || strlen(flag) > TEXT_MAX)
        return vx_err_set(err, VX_EINVAL, path,
                          "flag names must be 1 to %d characters long",
                          TEXT_MAX);
    if (!json_is_object(t))
        return bad(err, path, "an object");
    snprintf(path, sizeof(path), "/body/bucket/toggles/%s/yes", flag);
    rc = check_count(json_object_get(t, "yes"), path, err);
    snprintf(path, sizeof(path), "/body/bucket/toggles/%s/no", flag);
    if (rc == VX_OK)
        rc = check_count(json_object_get(t, "no"), path, err);
    vars = json_object_get(t, "variants");
    snprintf(path, sizeof(path), "/body/bucket/toggles/%s/variants", flag);
    if (rc || !vars || json_is_null(vars))
        return rc;
    if (!json_is_object(vars))
        return bad(err, path, "an object");
    json_object_foreach (vars, name, n) {
        snprintf(path, sizeof(path), "/body/bucket/toggles/%s/variants/%s",
                 flag, name);
        if (strlen(name) > TEXT_MAX)
            return vx_err_set(err, VX_EINVAL, path,
                              "variant names must be at most %d "
                              "characters long",
                              TEXT_MAX);
        rc = check_count(n, path, err);
        if (rc)
            return rc;
    }
    return VX_OK;
}

/* Check body.bucket; its start into *start_ms, its toggles into *out. */
static int check_bucket(json_t *body, int64_t *start_ms, json_t **out,
                        struct vx_err *err)
{
    json_t *bucket = NULL, *toggles, *t;
    const char *flag;
    int64_t stop_ms = 0;
    int rc = vx_v_object(body, "bucket", VX_REQUIRED, &bucket, err);

    if (rc)
        return rc;
    rc = get_time(bucket, "start", "/body/bucket/start", VX_REQUIRED, start_ms,
                  err);
    if (rc == VX_OK)
        rc = get_time(bucket, "stop", "/body/bucket/stop", VX_OPTIONAL,
                      &stop_ms, err);
    if (rc)
        return rc;
    toggles = json_object_get(bucket, "toggles");
    if (!toggles || json_is_null(toggles))
        return vx_err_set(err, VX_EINVAL, "/body/bucket/toggles",
                          "The `/body/bucket/toggles` property is required."
                          " It was not present on the data you sent.");
    if (!json_is_object(toggles))
        return bad(err, "/body/bucket/toggles", "an object");
    json_object_foreach (toggles, flag, t) {
        rc = check_toggle(flag, t, err);
        if (rc)
            return rc;
    }
    *out = toggles;
    return VX_OK;
}

/* Check the strategies array: names only. */
static int check_strategies(json_t *body, json_t **out, struct vx_err *err)
{
    char path[96];
    json_t *v;
    size_t i;
    int rc = vx_v_array(body, "strategies", VX_OPTIONAL, out, err);

    if (rc || !*out)
        return rc;
    json_array_foreach (*out, i, v) {
        if (json_is_string(v) && json_string_length(v) <= TEXT_MAX)
            continue;
        snprintf(path, sizeof(path), "/body/strategies/%zu", i);
        return bad(err, path, "a strategy name (a string)");
    }
    return VX_OK;
}

/* The interval in ms: a non-negative number; -1 when absent. */
static int check_interval(json_t *body, int64_t *out, struct vx_err *err)
{
    json_t *v = json_object_get(body, "interval");

    *out = -1;
    if (!v || json_is_null(v))
        return VX_OK;
    if (!json_is_number(v) || json_number_value(v) < 0 ||
        json_number_value(v) > 1e12)
        return bad(err, "/body/interval",
                   "a non-negative number of "
                   "milliseconds");
    *out = (int64_t)floor(json_number_value(v));
    return VX_OK;
}

/*
 * Fill c from the fields every report shares: appName, instanceId and
 * sdkVersion (or the Unleash-SDK header). Strings point into body or
 * req.
 */
static int check_client(struct vx_req *req, json_t *body,
                        struct vx_metrics_client *c, struct vx_err *err)
{
    int rc =
        vx_v_string(body, "appName", VX_REQUIRED, TEXT_MAX, &c->app_name, err);

    if (rc == VX_OK && !*c->app_name)
        rc = vx_err_set(err, VX_EINVAL, "/body/appName",
                        "`/body/appName` must not be empty");
    if (rc == VX_OK)
        rc = vx_v_string(body, "instanceId", VX_OPTIONAL, TEXT_MAX,
                         &c->instance_id, err);
    if (rc == VX_OK)
        rc = vx_v_string(body, "sdkVersion", VX_OPTIONAL, TEXT_MAX,
                         &c->sdk_version, err);
    if (rc == VX_OK && !c->sdk_version) {
        c->sdk_version = vx_req_header(req, "unleash-sdk");
        if (c->sdk_version && strlen(c->sdk_version) > TEXT_MAX)
            c->sdk_version = NULL;
    }
    c->environment = req->who.environment;
    c->interval = -1;
    return rc;
}

/* POST …/client/register: an SDK announces itself. */
static void on_register(struct vx_req *req, struct vx_reply *rep)
{
    struct vx_metrics_client c = {0};
    struct vx_err err = {0};
    json_t *body = NULL;
    char ip[64], started[32];
    int64_t started_ms = -1;
    int rc;

    if (vx_req_json(req, rep, 0, &body))
        return;
    rc = check_client(req, body, &c, &err);
    if (rc == VX_OK)
        rc = check_strategies(body, &c.strategies, &err);
    if (rc == VX_OK)
        rc = get_time(body, "started", "/body/started", VX_OPTIONAL,
                      &started_ms, &err);
    if (rc == VX_OK)
        rc = check_interval(body, &c.interval, &err);
    if (rc) {
        vx_reply_err(rep, &err);
        goto out;
    }
    if (started_ms >= 0) {
        vx_time_iso(started_ms, started, sizeof(started));
        c.started = started;
    }
    vx_req_client_addr(req, ip, sizeof(ip));
    c.remote_addr = ip;
    vx_metrics_register(req->app->metrics, &c, vx_time_now_ms());
    vx_reply_json(rep, 202, NULL);
out:
    json_decref(body);
}

/* POST …/client/metrics: counts of one interval. */
static void on_metrics(struct vx_req *req, struct vx_reply *rep)
{
    struct vx_metrics_client c = {0};
    struct vx_err err = {0};
    json_t *body = NULL, *toggles = NULL;
    int64_t start_ms = 0;
    char ip[64];
    int rc;

    if (vx_req_json(req, rep, 0, &body))
        return;
    rc = check_client(req, body, &c, &err);
    if (rc == VX_OK)
        rc = check_bucket(body, &start_ms, &toggles, &err);
    if (rc) {
        vx_reply_err(rep, &err);
        goto out;
    }
    vx_req_client_addr(req, ip, sizeof(ip));
    c.remote_addr = ip;
    vx_metrics_add(req->app->metrics, &c, start_ms, toggles, vx_time_now_ms());
    vx_reply_json(rep, 202, NULL);
out:
    json_decref(body);
}

const struct vx_route vx_routes_client_metrics[] = {
    {"POST", "/api/client/register", VX_ACCESS_CLIENT, 0, on_register},
    {"POST", "/api/client/metrics", VX_ACCESS_CLIENT, 0, on_metrics},
    {"POST", "/api/frontend/client/register", VX_ACCESS_FRONTEND, 0,
     on_register},
    {"POST", "/api/frontend/client/metrics", VX_ACCESS_FRONTEND, 0, on_metrics},
    {NULL, NULL, 0, 0, NULL},
};
