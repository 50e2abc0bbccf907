/*
 * /api/admin/events: the audit log, newest first. Every write of the
 * admin API records one event (who, what, where, before and after) in
 * the transaction of the write; this is where they are read back.
 */
#include "handlers/handlers.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "handlers/common.h"
#include "util.h"

/* The most events one page may hold. */
#define PAGE_MAX 1000

/*
 * Read query parameter key as an ISO time into buf (32 bytes), in the
 * form the store keeps. A bare date as "to" means the end of that day.
 */
static int query_time(const struct vx_req *req, const char *key, char *buf,
                      const char **out, struct vx_err *err)
{
    const char *v = vx_req_query(req, key);
    int64_t ms;

    *out = NULL;
    if (!v || !*v)
        return VX_OK;
    if (vx_time_parse(v, &ms))
        return vx_err_set(err, VX_EINVAL, key,
                          "`%s` must be an ISO 8601 date or date-time such "
                          "as \"2030-01-31T12:00:00Z\"; got \"%s\"",
                          key, v);
    if (!strcmp(key, "to") && strlen(v) == 10)
        ms += 24 * 3600 * 1000 - 1;
    vx_time_iso(ms, buf, 32);
    *out = buf;
    return VX_OK;
}

/* Read query parameter key as an integer in [0, max] into *out. */
static int query_int(const struct vx_req *req, const char *key, int64_t max,
                     int64_t *out, struct vx_err *err)
{
    const char *v = vx_req_query(req, key);
    char *end = NULL;
    long long n;

    if (!v || !*v)
        return VX_OK;
    errno = 0;
    n = strtoll(v, &end, 10);
    if (errno || *end || n < 0 || n > max)
        return vx_err_set(err, VX_EINVAL, key,
                          "`%s` must be a whole number from 0 to %lld; got "
                          "\"%s\"",
                          key, (long long)max, v);
    *out = n;
    return VX_OK;
}

/* Empty query values filter nothing. */
static const char *query_str(const struct vx_req *req, const char *key)
{
    const char *v = vx_req_query(req, key);

    return v && *v ? v : NULL;
}

/* Read the filter of the query string into f. */
static int read_filter(const struct vx_req *req, struct vx_event_filter *f,
                       char *from, char *to, struct vx_err *err)
{
    int rc;

    f->project = query_str(req, "project");
    f->feature = query_str(req, "feature");
    f->environment = query_str(req, "environment");
    f->type = query_str(req, "type");
    f->limit = 100;
    rc = query_time(req, "from", from, &f->from, err);
    if (rc == VX_OK)
        rc = query_time(req, "to", to, &f->to, err);
    if (rc == VX_OK)
        rc = query_int(req, "limit", PAGE_MAX, &f->limit, err);
    if (rc == VX_OK)
        rc = query_int(req, "offset", INT64_MAX, &f->offset, err);
    return rc;
}

/* Reply with the events of f; feature, when not NULL, names the flag. */
static void reply_events(struct vx_req *req, struct vx_reply *rep,
                         struct vx_event_filter *f, const char *feature)
{
    struct vx_err err = {0};
    json_t *list = NULL, *body = NULL;
    int64_t total = 0;
    int rc = vx_store_read(req->app->store, &err);

    if (rc == VX_OK) {
        rc = vx_store_events_list(req->app->store, f, &list, &total, &err);
        vx_store_done(req->app->store);
    }
    if (rc == VX_OK) {
        body = json_pack("{s:i, s:o, s:I}", "version", 1, "events", list,
                         "totalEvents", (json_int_t)total);
        if (feature)
            json_object_set_new(body, "toggleName", json_string(feature));
    }
    vx_reply_result(rep, rc, &err, 200, body);
}

/* GET /api/admin/events */
static void on_list(struct vx_req *req, struct vx_reply *rep)
{
    struct vx_event_filter f = {0};
    struct vx_err err = {0};
    char from[32], to[32];

    if (read_filter(req, &f, from, to, &err))
        vx_reply_err(rep, &err);
    else
        reply_events(req, rep, &f, NULL);
}

/* GET /api/admin/events/:featureName */
static void on_feature(struct vx_req *req, struct vx_reply *rep)
{
    struct vx_event_filter f = {0};
    struct vx_err err = {0};
    char from[32], to[32];

    if (read_filter(req, &f, from, to, &err)) {
        vx_reply_err(rep, &err);
        return;
    }
    f.feature = vx_req_param(req, "featureName");
    reply_events(req, rep, &f, f.feature);
}

const struct vx_route vx_routes_events[] = {
    {"GET", "/api/admin/events", VX_ACCESS_ADMIN, VX_ROLE_VIEWER, on_list},
    {"GET", "/api/admin/events/:featureName", VX_ACCESS_ADMIN, VX_ROLE_VIEWER,
     on_feature},
    {NULL, NULL, 0, 0, NULL},
};
