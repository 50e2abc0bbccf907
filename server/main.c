/*
 * The vexil command: serve (the default), migrate, token create,
 * version. Start-up opens the store (applying migrations), makes sure
 * an admin token exists, loads the token cache and starts HTTP; SIGTERM
 * or SIGINT drains requests in flight and closes the database.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "app.h"
#include "auth/auth.h"
#include "auth/issue.h"
#include "config.h"
#include "cr_scheduler.h"
#include "http/http.h"
#include "log.h"
#include "metrics/metrics.h"
#include "obs/obs.h"
#include "snapshot/snapshot.h"
#include "store/store.h"
#include "store/tokens.h"
#include "vx_alloc.h"

#ifndef VX_VERSION
#define VX_VERSION "dev"
#endif

static const struct vx_actor system_actor = {1, "system"};

static void usage(FILE *to)
{
    fprintf(to,
            "usage: vexil [serve] [settings]   run the server\n"
            "       vexil migrate [settings]   apply database migrations "
            "and exit\n"
            "       vexil token create --type admin|client|frontend\n"
            "             [--name NAME] [--environment ENV] "
            "[--project ID]...\n"
            "             [--expires-at TIME] [--db PATH]\n"
            "                                  make a token offline, "
            "print its secret\n"
            "       vexil version\n\n%s",
            vx_config_help);
}

/* Open the store named by cfg, creating its folder's file as needed. */
static struct vx_store *open_store(const struct vx_config *cfg)
{
    struct vx_store *st = NULL;
    struct vx_err err = {0};

    if (vx_store_open(cfg->db_path, &st, &err)) {
        fprintf(stderr, "vexil: %s\n", err.msg);
        return NULL;
    }
    return st;
}

/* Create the token of secret unless it exists. */
static int ensure_token(struct vx_store *st, enum vx_token_type type,
                        const char *secret, struct vx_err *err)
{
    struct vx_token_request r = {0};
    unsigned char hash[VX_HASH_LEN];
    char *project = NULL, *env = NULL, out[300];
    json_t *projects = NULL;
    int64_t id;
    int rc;

    vx_token_hash(secret, hash);
    if (vx_store_token_find(st, hash, &id, NULL) == VX_OK)
        return VX_OK;
    rc = vx_token_secret_parse(type, secret, &project, &env, err);
    if (rc)
        return rc;
    if (project && strcmp(project, "*") && strcmp(project, "[]"))
        projects = json_pack("[s]", project);
    r.type = type;
    r.name = type == VX_TOKEN_ADMIN ? "admin (from settings)" : "from settings";
    r.environment = env;
    r.projects = projects;
    r.user_id = 1;
    r.secret = secret;
    rc = vx_token_issue(st, &system_actor, &r, out, sizeof(out), NULL, err);
    sodium_memzero(out, sizeof(out));
    json_decref(projects);
    free(project);
    free(env);
    return rc;
}

/* Create each comma-separated secret of list as a token of type. */
static int ensure_tokens(struct vx_store *st, enum vx_token_type type,
                         const char *list, struct vx_err *err)
{
    char *copy, *save = NULL;
    int rc = VX_OK;

    if (!list)
        return VX_OK;
    copy = vx_strdup(list);
    for (char *s = strtok_r(copy, ", ", &save); s && rc == VX_OK;
         s = strtok_r(NULL, ", ", &save))
        rc = ensure_token(st, type, s, err);
    sodium_memzero(copy, strlen(list));
    free(copy);
    return rc;
}

/*
 * First start: make an admin token for the built-in admin user and show
 * it once on stdout (never in the log).
 */
static int first_admin_token(struct vx_store *st, const struct vx_config *cfg,
                             struct vx_err *err)
{
    struct vx_token_request r = {0};
    json_t *existing = NULL;
    char secret[300];
    size_t n;
    int rc = vx_store_tokens_list(st, NULL, 1, &existing, err);

    n = json_array_size(existing);
    json_decref(existing);
    if (rc || n > 0 || cfg->admin_token)
        return rc;
    r.type = VX_TOKEN_ADMIN;
    r.name = "admin";
    r.user_id = 1;
    rc = vx_token_issue(st, &system_actor, &r, secret, sizeof(secret), NULL,
                        err);
    if (rc)
        return rc;
    printf("\nVexil made an admin token. It is shown only this once:\n\n"
           "    %s\n\n"
           "Try it:\n\n"
           "    curl -H 'Authorization: %s' "
           "http://%s:%d/api/admin/projects\n\n",
           secret, secret, cfg->host, cfg->port);
    fflush(stdout);
    sodium_memzero(secret, sizeof(secret));
    return VX_OK;
}

/* Every token the settings ask for, in one transaction. */
static int bootstrap_tokens(struct vx_store *st, const struct vx_config *cfg)
{
    struct vx_err err = {0};
    int rc = vx_store_begin(st, &err);

    if (rc)
        goto out;
    if (cfg->admin_token)
        rc = ensure_token(st, VX_TOKEN_ADMIN, cfg->admin_token, &err);
    if (rc == VX_OK)
        rc = ensure_tokens(st, VX_TOKEN_ADMIN, cfg->init_admin, &err);
    if (rc == VX_OK)
        rc = ensure_tokens(st, VX_TOKEN_CLIENT, cfg->init_client, &err);
    if (rc == VX_OK)
        rc = ensure_tokens(st, VX_TOKEN_FRONTEND, cfg->init_frontend, &err);
    if (rc == VX_OK)
        rc = first_admin_token(st, cfg, &err);
    rc = vx_store_finish(st, rc, &err);
out:
    if (rc)
        fprintf(stderr, "vexil: cannot create start-up tokens: %s\n", err.msg);
    return rc;
}

/* Write the bound port to path, for scripts that asked for port 0. */
static void write_port_file(const char *path, int port)
{
    FILE *f = fopen(path, "w");

    if (!f) {
        vx_log_warn("cannot write port file", "path=\"%s\"", path);
        return;
    }
    fprintf(f, "%d\n", port);
    fclose(f);
}

/* Block until SIGTERM or SIGINT. */
static int wait_for_signal(const sigset_t *set)
{
    int sig = 0;

    sigwait(set, &sig);
    return sig;
}

static int serve(struct vx_config *cfg)
{
    struct vx_app app = {0};
    struct vx_http *http = NULL;
    struct vx_cr_scheduler *sched = NULL;
    struct vx_err err = {0};
    sigset_t set;
    int port = 0, rc = 1;

    /* Block the signals before any thread starts, so all inherit it. */
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    vx_obs_init(vx_time_now_ms());
    app.cfg = cfg;
    app.store = open_store(cfg);
    if (!app.store)
        return 1;
    if (bootstrap_tokens(app.store, cfg))
        goto out;
    app.auth = vx_auth_new();
    if (vx_auth_reload(app.auth, app.store, &err)) {
        vx_log_error("cannot load tokens", "error=\"%s\"", err.msg);
        goto out;
    }
    app.snapshots = vx_snapshots_new(app.store);
    if (vx_snapshots_rebuild(app.snapshots, &err)) {
        vx_log_error("cannot build flag snapshots", "error=\"%s\"", err.msg);
        goto out;
    }
    vx_store_set_change_hook(app.store, vx_snapshots_on_change, app.snapshots);
    app.metrics = vx_metrics_new(app.store, cfg->metrics_flush_seconds);
    if (vx_metrics_start(app.metrics))
        goto out;
    http = vx_http_start(&app, &port);
    if (!http)
        goto out;
    sched = vx_cr_scheduler_start(app.store);
    if (cfg->port_file)
        write_port_file(cfg->port_file, port);
    vx_log_info("listening", "host=%s port=%d db=\"%s\" version=%s", cfg->host,
                port, cfg->db_path, VX_VERSION);
    vx_log_info("stopping", "signal=%d", wait_for_signal(&set));
    vx_http_stop(http, cfg->drain_seconds);
    vx_cr_scheduler_stop(sched);
    rc = 0;
out:
    vx_store_set_change_hook(app.store, NULL, NULL);
    vx_snapshots_free(app.snapshots);
    /* After HTTP, so no report comes in late; before the store closes. */
    vx_metrics_free(app.metrics);
    vx_auth_free(app.auth);
    vx_store_close(app.store);
    if (rc == 0)
        vx_log_info("stopped", NULL);
    return rc;
}

/* Parse the options of `token create` into r; -1 on a bad option. */
static int parse_token_args(int argc, char **argv, struct vx_token_request *r,
                            json_t *projects, char **db)
{
    for (int i = 0; i < argc; i++) {
        const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

        if (!val) {
            fprintf(stderr, "vexil: %s needs a value\n", opt);
            return -1;
        }
        i++;
        if (!strcmp(opt, "--type"))
            r->type = vx_token_type_parse(val);
        else if (!strcmp(opt, "--name"))
            r->name = val;
        else if (!strcmp(opt, "--environment"))
            r->environment = val;
        else if (!strcmp(opt, "--project"))
            json_array_append_new(projects, json_string(val));
        else if (!strcmp(opt, "--expires-at"))
            r->expires_at = val;
        else if (!strcmp(opt, "--db"))
            *db = (char *)val;
        else {
            fprintf(stderr, "vexil: unknown option '%s'\n", opt);
            return -1;
        }
    }
    if (!r->type || r->type == VX_TOKEN_PERSONAL) {
        fprintf(stderr, "vexil: --type must be admin, client or "
                        "frontend\n");
        return -1;
    }
    return 0;
}

/* vexil token create: make a token in the database file, offline. */
static int token_create(struct vx_config *cfg, int argc, char **argv)
{
    struct vx_token_request r = {0};
    json_t *projects = json_array();
    struct vx_store *st = NULL;
    struct vx_err err = {0};
    char *db = NULL, secret[300];
    int rc = 1;

    if (parse_token_args(argc, argv, &r, projects, &db))
        goto out;
    if (db) {
        free(cfg->db_path);
        cfg->db_path = vx_strdup(db);
    }
    r.name = r.name ? r.name : "cli";
    r.projects = projects;
    r.user_id = 1;
    st = open_store(cfg);
    if (!st)
        goto out;
    rc = vx_store_begin(st, &err);
    if (rc == VX_OK)
        rc = vx_store_finish(st,
                             vx_token_issue(st, &system_actor, &r, secret,
                                            sizeof(secret), NULL, &err),
                             &err);
    if (rc) {
        fprintf(stderr, "vexil: %s\n", err.msg);
        rc = 1;
        goto out;
    }
    printf("%s\n", secret);
    sodium_memzero(secret, sizeof(secret));
out:
    vx_store_close(st);
    json_decref(projects);
    return rc;
}

int main(int argc, char **argv)
{
    struct vx_config cfg;
    const char *cmd = argc > 1 && argv[1][0] != '-' ? argv[1] : "serve";
    int first = argc > 1 && argv[1][0] != '-' ? 2 : 1;
    int rc;

    if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
                     !strcmp(argv[1], "help"))) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(cmd, "version") ||
        (argc > 1 && !strcmp(argv[1], "--version"))) {
        printf("vexil %s\n", VX_VERSION);
        return 0;
    }
    if (sodium_init() < 0) {
        fprintf(stderr, "vexil: libsodium failed to start\n");
        return 1;
    }
    if (!strcmp(cmd, "token")) {
        if (argc < 3 || strcmp(argv[2], "create")) {
            usage(stderr);
            return 2;
        }
        if (vx_config_load(&cfg, 0, NULL))
            return 2;
        rc = token_create(&cfg, argc - 3, argv + 3);
        vx_config_release(&cfg);
        return rc;
    }
    if (strcmp(cmd, "serve") && strcmp(cmd, "migrate")) {
        usage(stderr);
        return 2;
    }
    if (vx_config_load(&cfg, argc - first, argv + first))
        return 2;
    vx_log_set_level((enum vx_log_level)cfg.log_level);
    if (!strcmp(cmd, "migrate")) {
        struct vx_store *st = open_store(&cfg);

        if (st)
            printf("database %s is at schema version %d\n", cfg.db_path,
                   vx_store_schema_version(st));
        vx_store_close(st);
        rc = st ? 0 : 1;
    } else {
        rc = serve(&cfg);
    }
    vx_config_release(&cfg);
    return rc;
}
