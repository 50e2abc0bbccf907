/*
 * Matching a request to a route, and the token and role checks that
 * every route declares. Stateless: the tables are constant.
 */
#include "http/router.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "vx_alloc.h"

/* Length of the path segment starting at s. */
static size_t seg_len(const char *s)
{
    const char *slash = strchr(s, '/');

    return slash ? (size_t)(slash - s) : strlen(s);
}

/*
 * Match path against pattern, collecting ":name" parameters into req
 * when req is not NULL (a name points into the pattern and runs to the
 * next '/'). True on a match.
 */
static int match(const char *pattern, const char *path, struct vx_req *req)
{
    const char *p = pattern, *u = path;

    while (*p == '/' && *u == '/') {
        size_t plen, ulen;

        p++, u++;
        plen = seg_len(p);
        ulen = seg_len(u);
        if (*p == ':') {
            if (ulen == 0)
                return 0;
            if (req && req->nparams < VX_MAX_PARAMS) {
                req->param_names[req->nparams] = p + 1;
                req->param_values[req->nparams++] = vx_strndup(u, ulen);
            }
        } else if (plen != ulen || strncmp(p, u, plen)) {
            return 0;
        }
        p += plen;
        u += ulen;
    }
    /* A trailing slash on the request is forgiven. */
    if (u[0] == '/' && u[1] == '\0')
        u++;
    return *p == '\0' && *u == '\0';
}

/* 401/403 bodies of the SDK APIs: a bare message, as Unleash sends. */
static void reply_message(struct vx_reply *rep, int status, const char *msg)
{
    vx_reply_json(rep, status, json_pack("{s:s}", "message", msg));
}

static const char missing_token_msg[] =
    "This endpoint requires an API token. Please add an authorization "
    "header to your request with a valid token";
static const char wrong_type_msg[] =
    "invalid token: expected a different token type for this endpoint";

/* Check the caller's token against the route. True when it may pass. */
static int authorise(struct vx_req *req, struct vx_reply *rep,
                     const struct vx_route *r)
{
    const char *secret;
    enum vx_token_type want =
        r->access == VX_ACCESS_CLIENT ? VX_TOKEN_CLIENT : VX_TOKEN_FRONTEND;

    if (r->access == VX_ACCESS_PUBLIC)
        return 1;
    secret = vx_req_header(req, "Authorization");
    if (vx_auth_lookup(req->app->auth, secret, &req->who)) {
        if (r->access != VX_ACCESS_ADMIN)
            reply_message(rep, 401, missing_token_msg);
        else
            vx_reply_error(rep, VX_EUNAUTH, NULL, "%s",
                           "This endpoint requires an admin or "
                           "personal API token in the Authorization "
                           "header, and the request had no valid one.");
        return 0;
    }
    if (r->access == VX_ACCESS_ADMIN) {
        if (req->who.type != VX_TOKEN_ADMIN &&
            req->who.type != VX_TOKEN_PERSONAL) {
            reply_message(rep, 403, wrong_type_msg);
            return 0;
        }
        if (req->who.role < r->role) {
            vx_reply_error(rep, VX_EFORBIDDEN, NULL,
                           "you need the %s role for %s %s; user '%s' has "
                           "the %s role",
                           vx_role_name(r->role), req->method, req->path,
                           req->who.user, vx_role_name(req->who.role));
            return 0;
        }
        return 1;
    }
    if (req->who.type != want) {
        reply_message(rep, 403, wrong_type_msg);
        return 0;
    }
    return 1;
}

/*
 * True when a route of method route_method serves a request of method:
 * its own, and HEAD for GET routes, as HTTP asks (libmicrohttpd sends
 * the headers of the GET answer and leaves its body out).
 */
static int method_serves(const char *route_method, const char *method)
{
    return !strcmp(route_method, method) ||
           (!strcmp(method, "HEAD") && !strcmp(route_method, "GET"));
}

/* Build the Allow header value of every route matching path. */
static void allowed_methods(const char *path, char *buf, size_t len)
{
    size_t used = 0;

    buf[0] = '\0';
    for (int t = 0; vx_route_tables[t]; t++)
        for (const struct vx_route *r = vx_route_tables[t]; r->method; r++)
            if (match(r->pattern, path, NULL) && !strstr(buf, r->method) &&
                used < len)
                used += (size_t)snprintf(buf + used, len - used, "%s%s",
                                         used ? ", " : "", r->method);
}

void vx_route(struct vx_req *req, struct vx_reply *rep)
{
    char allow[128];
    int pos = 0;

    for (int t = 0; vx_route_tables[t]; t++) {
        for (const struct vx_route *r = vx_route_tables[t]; r->method;
             r++, pos++) {
            if (!method_serves(r->method, req->method) ||
                !match(r->pattern, req->path, NULL))
                continue;
            req->route = pos;
            match(r->pattern, req->path, req);
            if (authorise(req, rep, r))
                r->fn(req, rep);
            return;
        }
    }
    allowed_methods(req->path, allow, sizeof(allow));
    if (allow[0]) {
        vx_reply_problem(rep, 405, "MethodNotAllowedError",
                         "%s is not allowed on %s; allowed: %s", req->method,
                         req->path, allow);
        vx_reply_header(rep, "Allow", allow);
        return;
    }
    vx_reply_error(rep, VX_ENOTFOUND, NULL, "no route for %s %s", req->method,
                   req->path);
}
