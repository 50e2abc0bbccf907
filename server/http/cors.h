/*
 * Cross-origin access for the frontend API. Browsers call
 * /api/frontend from web pages on other origins, so answers on those
 * paths carry the CORS headers when the page's Origin is one the
 * operator allows (VEXIL_FRONTEND_ORIGINS: "*" or a comma-separated
 * list). No other API sends CORS headers. Stateless: the list is read
 * from the settings on each call.
 */
#ifndef VX_CORS_H
#define VX_CORS_H

#include <stdbool.h>

#include "http/http.h"

/* True for /api/frontend and every path below it. */
bool vx_cors_path(const char *path);

/*
 * True when origin (an Origin header value) is allowed by origins (the
 * setting: "*", or a comma-separated list of origins, spaces and a
 * trailing '/' ignored). A NULL or empty origin is never allowed.
 */
bool vx_cors_origin_allowed(const char *origins, const char *origin);

/*
 * Add the CORS headers of an answer on a frontend path to rep: Vary:
 * Origin always, and Access-Control-Allow-Origin and -Expose-Headers
 * when the request's Origin is allowed. Does nothing on other paths or
 * when rep already has Access-Control-Allow-Origin.
 */
void vx_cors_apply(const struct vx_req *req, struct vx_reply *rep);

/*
 * Answer a preflight (OPTIONS) on a frontend path: 204, with the
 * methods, headers and cache time a browser may use when the Origin is
 * allowed, and without them (so the browser refuses) when it is not.
 * A route handler; the CORS headers themselves come from
 * vx_cors_apply(), which the HTTP layer runs on every answer.
 */
void vx_cors_preflight(struct vx_req *req, struct vx_reply *rep);

#endif
