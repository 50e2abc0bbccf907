/*
 * Reading settings from the environment and the command line. Each
 * setting is described once in the table below: its flag, its
 * environment variable and how to parse it.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval/ipaddr.h"
#include "log.h"
#include "vx_alloc.h"

enum kind { STR, INT, SIZE, LEVEL, NETS };

struct setting {
    const char *flag;
    const char *env;
    enum kind kind;
    size_t offset;
    long min, max;
};

#define OFF(f) offsetof(struct vx_config, f)

static const struct setting settings[] = {
    {"--host", "VEXIL_HOST", STR, OFF(host), 0, 0},
    {"--port", "VEXIL_PORT", INT, OFF(port), 0, 65535},
    {"--db", "VEXIL_DB", STR, OFF(db_path), 0, 0},
    {"--log-level", "VEXIL_LOG_LEVEL", LEVEL, OFF(log_level), 0, 0},
    {"--threads", "VEXIL_THREADS", INT, OFF(threads), 1, 256},
    {"--body-limit", "VEXIL_BODY_LIMIT", SIZE, OFF(body_limit), 1024, 1L << 30},
    {"--drain-seconds", "VEXIL_DRAIN_SECONDS", INT, OFF(drain_seconds), 0,
     3600},
    {"--max-connections", "VEXIL_MAX_CONNECTIONS", INT, OFF(max_connections), 1,
     1000000},
    {"--per-ip-connections", "VEXIL_PER_IP_CONNECTIONS", INT,
     OFF(per_ip_connections), 0, 1000000},
    {"--frontend-origins", "VEXIL_FRONTEND_ORIGINS", STR, OFF(frontend_origins),
     0, 0},
    {"--port-file", NULL, STR, OFF(port_file), 0, 0},
    {"--metrics-flush-seconds", "VEXIL_METRICS_FLUSH_SECONDS", INT,
     OFF(metrics_flush_seconds), 1, 3600},
    {NULL, "VEXIL_ADMIN_TOKEN", STR, OFF(admin_token), 0, 0},
    {NULL, "VEXIL_INIT_ADMIN_TOKENS", STR, OFF(init_admin), 0, 0},
    {NULL, "VEXIL_INIT_CLIENT_TOKENS", STR, OFF(init_client), 0, 0},
    {NULL, "VEXIL_INIT_FRONTEND_TOKENS", STR, OFF(init_frontend), 0, 0},
    {NULL, "VEXIL_PROTECT_PRODUCTION", INT, OFF(protect_production), 0, 1},
    {"--trusted-proxies", "VEXIL_TRUSTED_PROXIES", NETS, OFF(trusted_proxies),
     0, 0},
};

const char vx_config_help[] =
    "settings (flag, or environment variable):\n"
    "  --host HOST          VEXIL_HOST         address to listen on "
    "(127.0.0.1)\n"
    "  --port N             VEXIL_PORT         port, 0 for any free one "
    "(4242)\n"
    "  --db PATH            VEXIL_DB           SQLite file "
    "(./data/vexil.db)\n"
    "  --log-level L        VEXIL_LOG_LEVEL    error|warn|info|debug "
    "(info)\n"
    "  --threads N          VEXIL_THREADS      worker threads (4)\n"
    "  --body-limit BYTES   VEXIL_BODY_LIMIT   largest request body "
    "(1048576)\n"
    "  --drain-seconds N    VEXIL_DRAIN_SECONDS  wait for requests in "
    "flight at shutdown (10)\n"
    "  --max-connections N  VEXIL_MAX_CONNECTIONS  open connections at "
    "most (1000)\n"
    "  --per-ip-connections N VEXIL_PER_IP_CONNECTIONS  from one address "
    "at most (0: no limit)\n"
    "  --frontend-origins L VEXIL_FRONTEND_ORIGINS  CORS origins for "
    "/api/frontend, comma-separated (*)\n"
    "  --trusted-proxies L  VEXIL_TRUSTED_PROXIES  reverse proxies whose\n"
    "                       X-Forwarded-For is believed: addresses or "
    "CIDR\n"
    "                       ranges, comma-separated (none)\n"
    "  --port-file PATH     write the port listened on to PATH\n"
    "  --metrics-flush-seconds N  VEXIL_METRICS_FLUSH_SECONDS  write SDK "
    "usage counts to the database every N seconds (5)\n"
    "                       VEXIL_ADMIN_TOKEN  secret of the first "
    "admin token\n"
    "                       VEXIL_INIT_ADMIN_TOKENS, "
    "VEXIL_INIT_CLIENT_TOKENS,\n"
    "                       VEXIL_INIT_FRONTEND_TOKENS  comma-separated "
    "secrets\n"
    "                       created at start when absent\n"
    "                       VEXIL_PROTECT_PRODUCTION=1  new projects "
    "change production\n"
    "                       only through change requests\n";

/* True when the n bytes at s are one IP address or CIDR range, into r. */
static bool net_item(const char *s, size_t n, struct vx_ip_range *r)
{
    char item[64];

    while (n && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n >= sizeof(item))
        return false;
    memcpy(item, s, n);
    item[n] = '\0';
    return vx_ip_range_parse(item, r);
}

/*
 * Parse value, a comma-separated list of IP addresses and CIDR ranges
 * (spaces around items ignored; a blank value is an empty list), into
 * cfg->trusted_proxies. -1 with a message naming the bad item.
 */
static int set_nets(struct vx_config *cfg, const char *name, const char *value)
{
    struct vx_ip_range *nets = NULL;
    size_t n = 0, len;
    const char *p = value;
    bool more = strspn(value, " \t") < strlen(value);

    while (more) {
        len = strcspn(p, ",");
        nets = vx_realloc(nets, (n + 1) * sizeof(*nets));
        if (!net_item(p, len, &nets[n++])) {
            fprintf(stderr,
                    "vexil: bad value '%s' for %s: '%.*s' is not an IP "
                    "address or CIDR range\n",
                    value, name, (int)len, p);
            free(nets);
            return -1;
        }
        /* A trailing ',' leaves an empty item, which is refused. */
        more = p[len] == ',';
        p += len + more;
    }
    free(cfg->trusted_proxies);
    cfg->trusted_proxies = nets;
    cfg->n_trusted_proxies = n;
    return 0;
}

/* Parse value into the field s describes; -1 with a message if bad. */
static int set_one(struct vx_config *cfg, const struct setting *s,
                   const char *name, const char *value)
{
    char *field = (char *)cfg + s->offset;
    char *end;
    long n;

    switch (s->kind) {
    case STR:
        free(*(char **)field);
        *(char **)field = vx_strdup(value);
        return 0;
    case NETS:
        return set_nets(cfg, name, value);
    case LEVEL:
        n = vx_log_parse_level(value);
        if (n < 0)
            goto bad;
        *(int *)field = (int)n;
        return 0;
    case INT:
    case SIZE:
        errno = 0;
        n = strtol(value, &end, 10);
        if (errno || end == value || *end || n < s->min || n > s->max)
            goto bad;
        if (s->kind == INT)
            *(int *)field = (int)n;
        else
            *(size_t *)field = (size_t)n;
        return 0;
    }
bad:
    fprintf(stderr, "vexil: bad value '%s' for %s\n", value, name);
    return -1;
}

/* Apply the defaults, before the environment and the flags. */
static void set_defaults(struct vx_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->host = vx_strdup("127.0.0.1");
    cfg->port = 4242;
    cfg->db_path = vx_strdup("./data/vexil.db");
    cfg->log_level = VX_LOG_INFO;
    cfg->threads = 4;
    cfg->body_limit = 1024 * 1024;
    cfg->drain_seconds = 10;
    cfg->max_connections = 1000;
    cfg->metrics_flush_seconds = 5;
    cfg->frontend_origins = vx_strdup("*");
}

/* The environment, then argv, over the defaults; 0 or -1. */
static int load_settings(struct vx_config *cfg, int argc, char **argv)
{
    size_t nset = sizeof(settings) / sizeof(settings[0]);

    set_defaults(cfg);
    for (size_t i = 0; i < nset; i++) {
        const char *v = settings[i].env ? getenv(settings[i].env) : NULL;

        if (v && *v && set_one(cfg, &settings[i], settings[i].env, v))
            return -1;
    }
    for (int a = 0; a < argc; a++) {
        const struct setting *s = NULL;
        const char *arg = argv[a], *eq = strchr(arg, '=');
        size_t len = eq ? (size_t)(eq - arg) : strlen(arg);

        for (size_t i = 0; i < nset && !s; i++)
            if (settings[i].flag && strlen(settings[i].flag) == len &&
                !strncmp(settings[i].flag, arg, len))
                s = &settings[i];
        if (!s) {
            fprintf(stderr, "vexil: unknown option '%s'\n", arg);
            return -1;
        }
        if (!eq && a + 1 >= argc) {
            fprintf(stderr, "vexil: %s needs a value\n", s->flag);
            return -1;
        }
        if (set_one(cfg, s, s->flag, eq ? eq + 1 : argv[++a]))
            return -1;
    }
    return 0;
}

int vx_config_load(struct vx_config *cfg, int argc, char **argv)
{
    if (load_settings(cfg, argc, argv)) {
        vx_config_release(cfg);
        return -1;
    }
    return 0;
}

void vx_config_release(struct vx_config *cfg)
{
    free(cfg->host);
    free(cfg->db_path);
    free(cfg->admin_token);
    free(cfg->init_admin);
    free(cfg->init_client);
    free(cfg->init_frontend);
    free(cfg->frontend_origins);
    free(cfg->port_file);
    free(cfg->trusted_proxies);
    memset(cfg, 0, sizeof(*cfg));
}
