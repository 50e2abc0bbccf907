/*
 * Every route table, in the order the router tries them.
 */
#include "handlers/handlers.h"

const struct vx_route *const vx_route_tables[] = {
    vx_routes_health,
    vx_routes_projects,
    vx_routes_environments,
    vx_routes_client,
    vx_routes_strategies,
    vx_routes_segments,
    vx_routes_features,
    vx_routes_frontend,
    NULL,
};
