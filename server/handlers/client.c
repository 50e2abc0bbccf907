/*
 * The client API that server-side SDKs poll: the flag set of the
 * token's environment, filtered to the token's projects. Answers come
 * ready-made from the environment's snapshot (snapshot/snapshot.h);
 * this file only works out what was asked for and picks the bytes,
 * the gzip and the ETag.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "handlers/handlers.h"
#include "snapshot/snapshot.h"

/* The first client specification that understands top-level segments. */
#define SEGMENTS_SPEC_MAJOR 4
#define SEGMENTS_SPEC_MINOR 2

/*
 * True when the Unleash-Client-Spec header names a version at or above
 * 4.2.0, compared number by number.
 */
static bool wants_segments(const struct vx_req *req)
{
    const char *s = vx_req_header(req, "Unleash-Client-Spec");
    unsigned long major, minor = 0;
    char *end;

    if (!s)
        return false;
    while (*s == ' ' || *s == 'v')
        s++;
    if (*s < '0' || *s > '9')
        return false;
    major = strtoul(s, &end, 10);
    if (*end == '.' && end[1] >= '0' && end[1] <= '9')
        minor = strtoul(end + 1, &end, 10);
    return major > SEGMENTS_SPEC_MAJOR ||
           (major == SEGMENTS_SPEC_MAJOR && minor >= SEGMENTS_SPEC_MINOR);
}

/*
 * The start of the next comma-separated item of the list at *h, with
 * *end set just past its last non-blank character and *h moved past
 * it; NULL when the list is done.
 */
static const char *next_item(const char **h, const char **end)
{
    const char *item = *h, *stop;

    while (*item == ' ' || *item == '\t' || *item == ',')
        item++;
    if (!*item)
        return NULL;
    stop = item + strcspn(item, ",");
    *h = stop;
    while (stop > item && (stop[-1] == ' ' || stop[-1] == '\t'))
        stop--;
    *end = stop;
    return item;
}

/* True when Accept-Encoding h accepts gzip (and not with q=0). */
static bool accepts_gzip(const char *h)
{
    const char *item, *end;

    while (h && (item = next_item(&h, &end))) {
        const char *semi = memchr(item, ';', (size_t)(end - item));
        const char *name_end = semi ? semi : end;
        const char *q;

        while (name_end > item && name_end[-1] == ' ')
            name_end--;
        if ((size_t)(name_end - item) != 4 || strncasecmp(item, "gzip", 4))
            continue;
        q = semi ? strstr(semi, "q=") : NULL;
        return !q || q >= end || strtod(q + 2, NULL) > 0;
    }
    return false;
}

/* True when If-None-Match h names etag (weak or strong) or is "*". */
static bool etag_matches(const char *h, const char *etag)
{
    size_t n = strlen(etag);
    const char *item, *end;

    while (h && (item = next_item(&h, &end))) {
        if (end - item == 1 && *item == '*')
            return true;
        if (end - item > 2 && !strncmp(item, "W/", 2))
            item += 2;
        if ((size_t)(end - item) == n && !strncmp(item, etag, n))
            return true;
    }
    return false;
}

/*
 * The projects the answer may hold: the token's, narrowed by the
 * `project` query parameters when there are any. A new array, or NULL
 * for every project.
 */
static json_t *allowed_projects(const struct vx_req *req)
{
    json_t *asked = vx_req_query_all(req, "project");
    json_t *out = NULL, *p;
    size_t i;

    if (json_array_size(asked) == 0) {
        json_decref(asked);
        if (vx_principal_has_project(&req->who, "*"))
            return NULL;
        return json_incref(req->who.projects);
    }
    out = json_array();
    json_array_foreach (asked, i, p)
        if (vx_principal_has_project(&req->who, json_string_value(p)))
            json_array_append(out, p);
    json_decref(asked);
    return out;
}

/*
 * Send answer a (its reference passes to the reply): 304 when the
 * caller has it already, else the body, gzipped when accepted.
 */
static void reply_answer(struct vx_req *req, struct vx_reply *rep,
                         struct vx_answer *a)
{
    const char *inm = vx_req_header(req, "If-None-Match");
    bool gz = a->gz && accepts_gzip(vx_req_header(req, "Accept-Encoding"));

    vx_reply_header(rep, "ETag", a->etag);
    vx_reply_header(rep, "Vary", "Accept-Encoding");
    if (etag_matches(inm, a->etag)) {
        rep->status = 304;
        vx_answer_release(a);
        return;
    }
    rep->status = 200;
    rep->bytes = gz ? a->gz : a->body;
    rep->len = gz ? a->gz_len : a->len;
    rep->free_fn = vx_answer_release;
    rep->free_arg = a;
    if (gz)
        vx_reply_header(rep, "Content-Encoding", "gzip");
}

/* GET /api/client/features */
static void on_features(struct vx_req *req, struct vx_reply *rep)
{
    struct vx_snapshot *snap =
        vx_snapshots_get(req->app->snapshots, req->who.environment);
    struct vx_client_query q = {0};
    struct vx_answer *a = NULL;

    if (!snap) {
        /*
         * The token's environment has been deleted: nothing to see.
         * NEEDSWORK: this rare answer has no ETag, so such SDKs get a
         * full (tiny) body on every poll instead of 304.
         */
        vx_reply_json(rep, 200,
                      json_pack("{s:i,s:[],s:{s:s}}", "version", 2, "features",
                                "query", "environment", req->who.environment));
        return;
    }
    q.inline_segments = !wants_segments(req);
    q.projects = allowed_projects(req);
    q.name_prefix = vx_req_query(req, "namePrefix");
    q.tags = vx_req_query_all(req, "tag");
    vx_snapshot_answer(snap, &q, &a);
    vx_snapshot_release(snap);
    json_decref(q.projects);
    json_decref(q.tags);
    reply_answer(req, rep, a);
}

/* GET /api/client/features/:featureName */
static void on_feature(struct vx_req *req, struct vx_reply *rep)
{
    const char *name = vx_req_param(req, "featureName");
    struct vx_snapshot *snap =
        vx_snapshots_get(req->app->snapshots, req->who.environment);
    json_t *projects = allowed_projects(req);
    struct vx_answer *a = NULL;
    int rc = VX_ENOTFOUND;

    if (snap)
        rc =
            vx_snapshot_feature(snap, name, !wants_segments(req), projects, &a);
    vx_snapshot_release(snap);
    json_decref(projects);
    if (rc) {
        vx_reply_error(rep, VX_ENOTFOUND, NULL,
                       "Could not find feature flag \"%s\".", name);
        return;
    }
    reply_answer(req, rep, a);
}

const struct vx_route vx_routes_client[] = {
    {"GET", "/api/client/features", VX_ACCESS_CLIENT, VX_ROLE_NONE,
     on_features},
    {"GET", "/api/client/features/:featureName", VX_ACCESS_CLIENT, VX_ROLE_NONE,
     on_feature},
    {NULL, NULL, 0, 0, NULL},
};
