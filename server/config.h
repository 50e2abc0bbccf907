/*
 * Settings: built-in defaults, then VEXIL_* environment variables, then
 * command-line flags, each overriding the one before. Filled once at
 * start-up and read-only afterwards.
 */
#ifndef VX_CONFIG_H
#define VX_CONFIG_H

#include <stddef.h>

struct vx_ip_range;

struct vx_config {
    char *host;             /* VEXIL_HOST, --host: 127.0.0.1 */
    int port;               /* VEXIL_PORT, --port: 4242; 0 picks a free one */
    char *db_path;          /* VEXIL_DB, --db: ./data/vexil.db */
    int log_level;          /* VEXIL_LOG_LEVEL, --log-level: info */
    int threads;            /* VEXIL_THREADS, --threads: 4 */
    size_t body_limit;      /* VEXIL_BODY_LIMIT, --body-limit: 1 MiB */
    char *admin_token;      /* VEXIL_ADMIN_TOKEN: bootstrap admin secret */
    char *init_admin;       /* VEXIL_INIT_ADMIN_TOKENS, comma-separated */
    char *init_client;      /* VEXIL_INIT_CLIENT_TOKENS */
    char *init_frontend;    /* VEXIL_INIT_FRONTEND_TOKENS */
    char *frontend_origins; /* VEXIL_FRONTEND_ORIGINS: "*" */
    char *port_file;        /* --port-file: write the bound port there */
    int drain_seconds;      /* VEXIL_DRAIN_SECONDS: 10 */
    int max_connections;    /* VEXIL_MAX_CONNECTIONS: 1000 */
    int per_ip_connections; /* VEXIL_PER_IP_CONNECTIONS: 0, no limit */
    int metrics_flush_seconds; /* VEXIL_METRICS_FLUSH_SECONDS: 5 */
    int protect_production;    /* VEXIL_PROTECT_PRODUCTION: 0 */
    /* VEXIL_TRUSTED_PROXIES, --trusted-proxies: none; owned */
    struct vx_ip_range *trusted_proxies;
    size_t n_trusted_proxies;
};

/*
 * Fill cfg from the environment and argv (argv[0] is the first
 * argument after the command word). Returns 0, or -1 after printing a
 * message naming the bad setting, with cfg already released. Release
 * with vx_config_release() (again is harmless).
 */
int vx_config_load(struct vx_config *cfg, int argc, char **argv);

void vx_config_release(struct vx_config *cfg);

/* The help text for the settings, for `vexil --help`. */
extern const char vx_config_help[];

#endif
