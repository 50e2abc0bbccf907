/*
 * Integration-test harness: start the real vexil binary on a free port
 * with a fresh database in a temporary folder, and talk to it over HTTP
 * with libcurl. The binary is $VEXIL_BIN (the Makefile sets it).
 */
#ifndef VX_TEST_HARNESS_H
#define VX_TEST_HARNESS_H

#include <sys/types.h>

#include <jansson.h>

/* The secret of the admin token every test server starts with. */
#define ADMIN "*:*.test-admin-secret-0123456789abcdef"

struct srv {
    pid_t pid;
    int port;
    char dir[256]; /* temporary folder: vexil.db, log, port */
};

struct resp {
    long status;
    char *body;    /* NUL-terminated, maybe empty */
    char *headers; /* raw response header lines */
    json_t *json;  /* parsed body, or NULL */
};

/*
 * Start a server; env is a NULL-terminated list of "NAME=value" added to
 * the environment (may be NULL). Aborts the test if it does not start.
 */
void srv_start(struct srv *s, const char *const *env);

/*
 * Start a server that is expected to refuse to start; returns its exit
 * status once it has stopped (its log stays in s->dir/log).
 */
int srv_start_fails(struct srv *s, const char *const *env);

/* Start again on the same folder (and database) after a stop. */
void srv_restart(struct srv *s, const char *const *env);

/* SIGTERM and wait; returns the exit status. */
int srv_stop(struct srv *s);

/* SIGKILL and wait: a crash. */
void srv_kill(struct srv *s);

/* Stop if running and remove the folder. */
void srv_cleanup(struct srv *s);

/*
 * Send a request. token may be NULL (no Authorization header); body,
 * when not NULL, goes with Content-Type: application/json. headers is a
 * NULL-terminated list of extra "Name: value" lines (may be NULL).
 * Returns the status; r (may be NULL) gets the response, free with
 * resp_free().
 */
long req(struct srv *s, const char *method, const char *path, const char *token,
         const char *body, struct resp *r);
long req_h(struct srv *s, const char *method, const char *path,
           const char *token, const char *body, const char *const *headers,
           struct resp *r);

/* Send a body formatted with jansson's json_pack() format. */
long req_j(struct srv *s, const char *method, const char *path,
           const char *token, struct resp *r, const char *fmt, ...);

/* A response header's value (copied into a static buffer), or NULL. */
const char *resp_header(const struct resp *r, const char *name);

void resp_free(struct resp *r);

/* String at a jansson path like "features[0].name", or NULL. */
const char *jstr(json_t *root, const char *path);
/* Integer at path, or -1 when absent. */
long long jint(json_t *root, const char *path);
/* Value at path, borrowed, or NULL. */
json_t *jget(json_t *root, const char *path);

/* Count of lines in the server's log containing needle. */
int srv_log_count(struct srv *s, const char *needle);

/*
 * Create a user with rootRole role ("Admin", "Editor", "Viewer") through
 * the admin API and issue it a personal token; returns the token's
 * secret, which the caller frees. Asserts every step succeeds.
 */
char *user_token(struct srv *s, const char *username, const char *role);

/* Protect env of project with change requests (one approval). */
void protect_env(struct srv *s, const char *project, const char *env);

/*
 * Number of audit events of type (and about feature, unless NULL), as the
 * events API counts them.
 */
long long events_count(struct srv *s, const char *type, const char *feature);

#endif
