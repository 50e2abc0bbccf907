/*
 * Reading usage metrics: /api/admin/metrics/applications and
 * /api/admin/client-metrics/features/:featureName. Each read first
 * flushes the counters still in memory, so answers include every report
 * accepted before the request.
 */
#include "handlers/handlers.h"

#include <stdio.h>
#include <stdlib.h>

#include "app.h"
#include "handlers/common.h"
#include "metrics/metrics.h"
#include "store/client_metrics.h"
#include "store/store.h"
#include "util.h"

#define HOUR_MS 3600000LL

/*
 * The path parameter key, or NULL after a 400 reply when it is not
 * UTF-8 text (JSON replies can carry only that).
 */
static const char *text_param(struct vx_req *req, struct vx_reply *rep,
                              const char *key)
{
    const char *v = vx_req_param(req, key);
    json_t *probe = v ? json_string(v) : NULL;
    char path[64];

    if (probe) {
        json_decref(probe);
        return v;
    }
    snprintf(path, sizeof(path), "/params/%s", key);
    vx_reply_error(rep, VX_EINVAL, path, "`%s` must be UTF-8 text", key);
    return NULL;
}

/* Flush the counters, then open a read bracket on the store. */
static int flush_and_read(struct vx_req *req, struct vx_err *err)
{
    int rc = vx_metrics_flush(req->app->metrics, err);

    if (rc == VX_OK)
        rc = vx_store_read(req->app->store, err);
    return rc;
}

/* GET …/metrics/applications: every application that reported. */
static void on_apps(struct vx_req *req, struct vx_reply *rep)
{
    struct vx_err err = {0};
    json_t *list = NULL;
    int rc = flush_and_read(req, &err);

    if (rc == VX_OK) {
        rc = vx_store_apps_list(req->app->store, &list, &err);
        vx_store_done(req->app->store);
    }
    vx_reply_result(rep, rc, &err, 200,
                    rc ? NULL
                       : json_pack("{s:o, s:I}", "applications", list, "total",
                                   (json_int_t)json_array_size(list)));
}

/* GET …/metrics/applications/:appName: one, with the flags it counted. */
static void on_app(struct vx_req *req, struct vx_reply *rep)
{
    const char *name = text_param(req, rep, "appName");
    struct vx_err err = {0};
    json_t *app = NULL;
    int rc;

    if (!name)
        return;
    rc = flush_and_read(req, &err);
    if (rc == VX_OK) {
        rc = vx_store_app_get(req->app->store, name, &app, &err);
        vx_store_done(req->app->store);
    }
    vx_reply_result(rep, rc, &err, 200, app);
}

/* The ISO time hours before now: rows from then on are "recent". */
static void hours_ago(int64_t hours, char buf[32])
{
    vx_time_iso(vx_time_now_ms() - hours * HOUR_MS, buf, 32);
}

/* GET …/features/:featureName: recent counts per environment and hour. */
static void on_feature(struct vx_req *req, struct vx_reply *rep)
{
    const char *flag = text_param(req, rep, "featureName");
    struct vx_store *st = req->app->store;
    struct vx_err err = {0};
    json_t *usage = NULL, *apps = NULL;
    char since[32];
    int rc;

    if (!flag)
        return;
    rc = flush_and_read(req, &err);
    hours_ago(1, since);
    if (rc == VX_OK) {
        rc = vx_store_flag_usage(st, flag, since, &usage, &err);
        if (rc == VX_OK)
            rc = vx_store_flag_apps(st, flag, &apps, &err);
        vx_store_done(st);
    }
    vx_reply_result(rep, rc, &err, 200,
                    rc ? NULL
                       : json_pack("{s:i, s:s, s:s, s:o, s:o}", "version", 1,
                                   "maturity", "stable", "featureName", flag,
                                   "lastHourUsage", usage, "seenApplications",
                                   apps));
    if (rc) {
        json_decref(usage);
        json_decref(apps);
    }
}

/* The hoursBack query parameter: 1 when absent, else 1 to 48. */
static int hours_back(struct vx_req *req, int64_t *out, struct vx_err *err)
{
    const char *v = vx_req_query(req, "hoursBack");
    char *end = NULL;
    long n;

    *out = 1;
    if (!v)
        return VX_OK;
    n = strtol(v, &end, 10);
    if (end == v || *end || n < 1 || n > 48)
        return vx_err_set(err, VX_EINVAL, "/query/hoursBack",
                          "`hoursBack` must be an integer from 1 to 48");
    *out = n;
    return VX_OK;
}

/* GET …/features/:featureName/raw: counts per hour, environment, app. */
static void on_feature_raw(struct vx_req *req, struct vx_reply *rep)
{
    const char *flag = text_param(req, rep, "featureName");
    struct vx_store *st = req->app->store;
    struct vx_err err = {0};
    json_t *data = NULL;
    int64_t hours = 1;
    char since[32];
    int rc;

    if (!flag)
        return;
    rc = hours_back(req, &hours, &err);

    if (rc == VX_OK)
        rc = flush_and_read(req, &err);
    if (rc == VX_OK) {
        hours_ago(hours, since);
        rc = vx_store_flag_raw(st, flag, since, &data, &err);
        vx_store_done(st);
    }
    vx_reply_result(rep, rc, &err, 200,
                    rc ? NULL
                       : json_pack("{s:i, s:s, s:s, s:o}", "version", 1,
                                   "maturity", "stable", "featureName", flag,
                                   "data", data));
}

#define A "/api/admin/metrics/applications"
#define F "/api/admin/client-metrics/features/:featureName"

const struct vx_route vx_routes_admin_metrics[] = {
    {"GET", A, VX_ACCESS_ADMIN, VX_ROLE_VIEWER, on_apps},
    {"GET", A "/:appName", VX_ACCESS_ADMIN, VX_ROLE_VIEWER, on_app},
    {"GET", F, VX_ACCESS_ADMIN, VX_ROLE_VIEWER, on_feature},
    {"GET", F "/raw", VX_ACCESS_ADMIN, VX_ROLE_VIEWER, on_feature_raw},
    {NULL, NULL, 0, 0, NULL},
};
