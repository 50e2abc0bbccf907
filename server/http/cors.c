/*
 * CORS for the frontend API, see cors.h. The HTTP layer calls
 * vx_cors_apply() on every answer, so errors the router gives before a
 * handler runs (401, 403, 405) carry the headers too and a browser can
 * read them.
 */
#include "http/cors.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "config.h"

#define FRONTEND_PREFIX "/api/frontend"

/*
 * The request headers a browser SDK sends: unleash-proxy-client sends
 * Authorization, Accept, Unleash-AppName, Unleash-SDK,
 * Unleash-Connection-Id, and Content-Type and If-None-Match when it
 * posts or revalidates.
 */
static const char allow_headers[] =
    "Authorization, Accept, Content-Type, If-None-Match, Unleash-AppName, "
    "Unleash-SDK, Unleash-Connection-Id, Unleash-Client-Spec";

/* How long a browser may cache a preflight answer, in seconds. */
#define PREFLIGHT_MAX_AGE "86400"

bool vx_cors_path(const char *path)
{
    size_t n = strlen(FRONTEND_PREFIX);

    return path && !strncmp(path, FRONTEND_PREFIX, n) &&
           (path[n] == '\0' || path[n] == '/');
}

/* Narrow s[0..n) to leave out spaces around it and a trailing '/'. */
static void trim(const char **s, size_t *n)
{
    while (*n && isspace((unsigned char)**s))
        (*s)++, (*n)--;
    while (*n && isspace((unsigned char)(*s)[*n - 1]))
        (*n)--;
    if (*n > 1 && (*s)[*n - 1] == '/')
        (*n)--;
}

bool vx_cors_origin_allowed(const char *origins, const char *origin)
{
    const char *p = origins;

    if (!origins || !origin || !*origin)
        return false;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        const char *item = p;

        trim(&item, &n);
        if ((n == 1 && item[0] == '*') ||
            (n == strlen(origin) && !strncasecmp(item, origin, n)))
            return true;
        if (!comma)
            break;
        p = comma + 1;
    }
    return false;
}

/* True when the setting lets every origin in. */
static bool any_origin(const char *origins)
{
    return vx_cors_origin_allowed(origins, "*");
}

/* True when rep already has a header called name. */
static bool has_header(const struct vx_reply *rep, const char *name)
{
    for (int i = 0; i < rep->nheaders; i++)
        if (!strcasecmp(rep->headers[i].name, name))
            return true;
    return false;
}

void vx_cors_apply(const struct vx_req *req, struct vx_reply *rep)
{
    const char *origins = req->app->cfg->frontend_origins;
    const char *origin = vx_req_header(req, "Origin");

    if (!vx_cors_path(req->path) ||
        has_header(rep, "Access-Control-Allow-Origin"))
        return;
    vx_reply_header(rep, "Vary", "Origin");
    if (!vx_cors_origin_allowed(origins, origin))
        return;

    vx_reply_header(rep, "Access-Control-Allow-Origin",
                    any_origin(origins) ? "*" : origin);
    vx_reply_header(rep, "Access-Control-Expose-Headers", "ETag");
}

/* True when s is a list of header names: letters, digits, - _ , space. */
static bool header_list_ok(const char *s)
{
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && !strchr("-_, ", *s))
            return false;
    return true;
}

void vx_cors_preflight(struct vx_req *req, struct vx_reply *rep)
{
    const char *asked = vx_req_header(req, "Access-Control-Request-Headers");
    char headers[1024];

    vx_reply_json(rep, 204, NULL);
    if (!vx_cors_origin_allowed(req->app->cfg->frontend_origins,
                                vx_req_header(req, "Origin")))
        return;

    /* Headers an application adds to the SDK (customHeaders) are let
     * through as well: the origin check is what guards the API. */
    if (asked && *asked && header_list_ok(asked) &&
        strlen(asked) < sizeof(headers) - sizeof(allow_headers) - 2)
        snprintf(headers, sizeof(headers), "%s, %s", allow_headers, asked);
    else
        snprintf(headers, sizeof(headers), "%s", allow_headers);
    vx_reply_header(rep, "Access-Control-Allow-Methods", "GET, POST");
    vx_reply_header(rep, "Access-Control-Allow-Headers", headers);
    vx_reply_header(rep, "Access-Control-Max-Age", PREFLIGHT_MAX_AGE);
}
