/*
 * The route table of each API surface, joined in routes.c.
 */
#ifndef VX_HANDLERS_H
#define VX_HANDLERS_H

#include "http/router.h"

extern const struct vx_route vx_routes_health[];
extern const struct vx_route vx_routes_projects[];
extern const struct vx_route vx_routes_environments[];
extern const struct vx_route vx_routes_strategies[];
extern const struct vx_route vx_routes_segments[];
extern const struct vx_route vx_routes_features[];
extern const struct vx_route vx_routes_client[];
extern const struct vx_route vx_routes_users[];
extern const struct vx_route vx_routes_tokens[];
extern const struct vx_route vx_routes_events[];
extern const struct vx_route vx_routes_context[];
extern const struct vx_route vx_routes_strategy_defs[];
extern const struct vx_route vx_routes_client_metrics[];
extern const struct vx_route vx_routes_admin_metrics[];
extern const struct vx_route vx_routes_import[];
extern const struct vx_route vx_routes_change_requests[];
extern const struct vx_route vx_routes_frontend[];
extern const struct vx_route vx_routes_tag_types[];
extern const struct vx_route vx_routes_internal[];

#endif
