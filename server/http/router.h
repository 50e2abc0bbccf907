/*
 * The routing table: method, path pattern, who may call, and the
 * handler. Patterns are literal segments and ":name" parameters:
 * "/api/admin/projects/:projectId". Each handlers/ file exports its
 * table; routes.c joins them.
 */
#ifndef VX_ROUTER_H
#define VX_ROUTER_H

#include "auth/auth.h"
#include "http/http.h"

enum vx_access {
    VX_ACCESS_PUBLIC,   /* no token */
    VX_ACCESS_ADMIN,    /* admin, personal or service-account token */
    VX_ACCESS_CLIENT,   /* client (backend) token */
    VX_ACCESS_FRONTEND, /* frontend token */
};

struct vx_route {
    const char *method;
    const char *pattern;
    enum vx_access access;
    enum vx_role role; /* least role, for VX_ACCESS_ADMIN */
    vx_handler_fn *fn;
};

/* The tables of every surface, NULL-terminated; see handlers/routes.c. */
extern const struct vx_route *const vx_route_tables[];

/*
 * Find the route for req->method and req->path, note its position in
 * req->route, fill req's path parameters, check the token and role, and
 * run the handler. Unknown
 * paths get 404, known paths with another method 405.
 */
void vx_route(struct vx_req *req, struct vx_reply *rep);

#endif
