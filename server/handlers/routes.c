/*
 * Every route table, in the order the router tries them.
 */
#include "handlers/handlers.h"

const struct vx_route *const vx_route_tables[] = {
    vx_routes_health,         vx_routes_projects,
    vx_routes_environments,   vx_routes_strategies,
    vx_routes_segments,       vx_routes_features,
    vx_routes_client,         vx_routes_users,
    vx_routes_tokens,         vx_routes_events,
    vx_routes_context,        vx_routes_strategy_defs,
    vx_routes_client_metrics, vx_routes_admin_metrics,
    vx_routes_import,         vx_routes_change_requests,
    vx_routes_frontend,       vx_routes_tag_types,
    vx_routes_internal,       NULL,
};
