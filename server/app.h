/*
 * The parts of a running server that every handler reaches: settings,
 * store, token cache and flag snapshots. One struct vx_app lives for
 * the whole process; main.c builds and tears it down.
 */
#ifndef VX_APP_H
#define VX_APP_H

struct vx_config;
struct vx_store;
struct vx_auth;
struct vx_snapshots;
struct vx_metrics;

struct vx_app {
    const struct vx_config *cfg;
    struct vx_store *store;
    struct vx_auth *auth;
    struct vx_snapshots *snapshots; /* NULL until the SDK API exists */
    struct vx_metrics *metrics;     /* SDK usage counts, see metrics.h */
};

#endif
