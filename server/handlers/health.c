/*
 * /health and /ready: liveness and readiness for load balancers and
 * orchestrators. Ready means the store answers.
 */
#include "handlers/handlers.h"

#include "app.h"
#include "store/store.h"

static void on_health(struct vx_req *req, struct vx_reply *rep)
{
    (void)req;
    vx_reply_json(rep, 200, json_pack("{s:s}", "health", "GOOD"));
}

static void on_ready(struct vx_req *req, struct vx_reply *rep)
{
    struct vx_err err = {0};

    if (vx_store_read(req->app->store, &err)) {
        vx_reply_json(rep, 503, json_pack("{s:s}", "health", "BAD"));
        return;
    }
    vx_store_done(req->app->store);
    vx_reply_json(rep, 200, json_pack("{s:s}", "health", "GOOD"));
}

const struct vx_route vx_routes_health[] = {
    {"GET", "/health", VX_ACCESS_PUBLIC, VX_ROLE_NONE, on_health},
    {"GET", "/ready", VX_ACCESS_PUBLIC, VX_ROLE_NONE, on_ready},
    {NULL, NULL, 0, 0, NULL},
};
