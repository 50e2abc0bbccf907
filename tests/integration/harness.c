/*
 * The integration-test harness of harness.h.
 */
#include "harness.h"
#include "../testing.h"

#include <check.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <curl/curl.h>

/* True once pid has exited; it stays unreaped for waitpid(). */
static int exited(pid_t pid)
{
    siginfo_t info;

    memset(&info, 0, sizeof(info));
    return waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
           info.si_pid == pid;
}

/* Read the port the server wrote, waiting up to 10 s for it. */
static int wait_for_port(struct srv *s)
{
    char path[300];

    snprintf(path, sizeof(path), "%s/port", s->dir);
    for (int i = 0; i < 1000; i++) {
        FILE *f = fopen(path, "r");
        int port = 0;

        if (f) {
            if (fscanf(f, "%d", &port) != 1)
                port = 0;
            fclose(f);
        }
        if (port > 0)
            return port;
        if (exited(s->pid))
            return -1;
        usleep(10000);
    }
    return -1;
}

/* Fork and exec the binary with the test settings; don't wait. */
static void launch(struct srv *s, const char *const *env)
{
    const char *bin = getenv("VEXIL_BIN");
    char db[300], portfile[300], log[300];

    ck_assert_msg(bin != NULL, "VEXIL_BIN is not set");
    snprintf(db, sizeof(db), "%s/vexil.db", s->dir);
    snprintf(portfile, sizeof(portfile), "%s/port", s->dir);
    snprintf(log, sizeof(log), "%s/log", s->dir);
    unlink(portfile);
    s->pid = fork();
    ck_assert_int_ge(s->pid, 0);
    if (s->pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);

        dup2(fd, 2);
        dup2(fd, 1);
        setenv("VEXIL_ADMIN_TOKEN", ADMIN, 1);
        setenv("VEXIL_LOG_LEVEL", "debug", 1);
        for (int i = 0; env && env[i]; i++)
            putenv((char *)env[i]);
        execl(bin, bin, "serve", "--port", "0", "--port-file", portfile, "--db",
              db, "--threads", "2", (char *)NULL);
        _exit(127);
    }
}

/* Launch and wait until the server listens. */
static void spawn(struct srv *s, const char *const *env)
{
    launch(s, env);
    s->port = wait_for_port(s);
    ck_assert_msg(s->port > 0, "server did not start; see %s/log", s->dir);
}

void srv_start(struct srv *s, const char *const *env)
{
    memset(s, 0, sizeof(*s));
    test_tempdir(s->dir, sizeof(s->dir), "vexil-test-");
    spawn(s, env);
}

int srv_start_fails(struct srv *s, const char *const *env)
{
    int status = 0;

    memset(s, 0, sizeof(*s));
    test_tempdir(s->dir, sizeof(s->dir), "vexil-test-");
    launch(s, env);
    ck_assert_int_lt(wait_for_port(s), 0);
    waitpid(s->pid, &status, 0);
    s->pid = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void srv_restart(struct srv *s, const char *const *env)
{
    spawn(s, env);
}

int srv_stop(struct srv *s)
{
    int status = 0;

    if (s->pid <= 0)
        return -1;
    kill(s->pid, SIGTERM);
    waitpid(s->pid, &status, 0);
    s->pid = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* SIGKILL skips the leak check; SIGTERM does not. */
void srv_kill(struct srv *s)
{
    if (s->pid <= 0)
        return;
    kill(s->pid, SIGKILL);
    waitpid(s->pid, NULL, 0);
    s->pid = 0;
}

void srv_cleanup(struct srv *s)
{
    char cmd[300];

    srv_stop(s);
    /* Under `make asan` the server reports memory errors, undefined
     * behaviour and leaks in its log: any of them fails the test. */
    ck_assert_msg(srv_log_count(s, "Sanitizer") == 0 &&
                      srv_log_count(s, "runtime error") == 0,
                  "the server reported a sanitizer error; see %s/log", s->dir);
    if (getenv("VEXIL_KEEP_TEST_DIRS"))
        return;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", s->dir);
}

struct growbuf {
    char *p;
    size_t n;
};

static size_t on_data(char *data, size_t size, size_t nmemb, void *cls)
{
    struct growbuf *b = cls;
    size_t n = size * nmemb;

    b->p = realloc(b->p, b->n + n + 1);
    memcpy(b->p + b->n, data, n);
    b->n += n;
    b->p[b->n] = '\0';
    return n;
}

long req_h(struct srv *s, const char *method, const char *path,
           const char *token, const char *body, const char *const *headers,
           struct resp *r)
{
    CURL *c = curl_easy_init();
    struct curl_slist *h = NULL;
    struct growbuf out = {calloc(1, 1), 0}, hdr = {calloc(1, 1), 0};
    char url[2048], auth[1024];
    long status = -1;
    int typed = 0;

    snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", s->port, path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (!strcmp(method, "HEAD"))
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    if (token) {
        snprintf(auth, sizeof(auth), "Authorization: %s", token);
        h = curl_slist_append(h, auth);
    }
    for (int i = 0; headers && headers[i]; i++) {
        h = curl_slist_append(h, headers[i]);
        if (!strncasecmp(headers[i], "Content-Type:", 13))
            typed = 1;
    }
    if (body) {
        if (!typed)
            h = curl_slist_append(h, "Content-Type: application/json");
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    }
    h = curl_slist_append(h, "Expect:");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &out);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &hdr);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    if (r) {
        r->status = status;
        r->body = out.p;
        r->headers = hdr.p;
        r->json = json_loads(out.p, JSON_DECODE_ANY, NULL);
    } else {
        free(out.p);
        free(hdr.p);
    }
    return status;
}

long req(struct srv *s, const char *method, const char *path, const char *token,
         const char *body, struct resp *r)
{
    return req_h(s, method, path, token, body, NULL, r);
}

long req_j(struct srv *s, const char *method, const char *path,
           const char *token, struct resp *r, const char *fmt, ...)
{
    va_list ap;
    json_t *j;
    char *body;
    long status;

    va_start(ap, fmt);
    j = json_vpack_ex(NULL, 0, fmt, ap);
    va_end(ap);
    ck_assert_msg(j != NULL, "bad json_pack format in test: %s", fmt);
    body = json_dumps(j, JSON_COMPACT);
    status = req(s, method, path, token, body, r);
    free(body);
    json_decref(j);
    return status;
}

const char *resp_header(const struct resp *r, const char *name)
{
    static char value[1024];
    size_t n = strlen(name);

    for (const char *line = r->headers; line && *line;) {
        const char *end = strchr(line, '\n');

        if (!strncasecmp(line, name, n) && line[n] == ':') {
            const char *v = line + n + 1;
            size_t len;

            while (*v == ' ')
                v++;
            len = (size_t)((end ? end : v + strlen(v)) - v);
            while (len && isspace((unsigned char)v[len - 1]))
                len--;
            snprintf(value, sizeof(value), "%.*s", (int)len, v);
            return value;
        }
        line = end ? end + 1 : NULL;
    }
    return NULL;
}

void resp_free(struct resp *r)
{
    free(r->body);
    free(r->headers);
    json_decref(r->json);
    memset(r, 0, sizeof(*r));
}

json_t *jget(json_t *root, const char *path)
{
    json_t *cur = root;
    char key[256];

    while (cur && *path) {
        size_t n = strcspn(path, ".[");

        if (n) {
            snprintf(key, sizeof(key), "%.*s", (int)n, path);
            cur = json_object_get(cur, key);
            path += n;
        } else if (*path == '[') {
            cur = json_array_get(cur, strtoul(path + 1, NULL, 10));
            path = strchr(path, ']');
            path = path ? path + 1 : "";
        } else {
            path++;
        }
    }
    return cur;
}

const char *jstr(json_t *root, const char *path)
{
    return json_string_value(jget(root, path));
}

long long jint(json_t *root, const char *path)
{
    json_t *v = jget(root, path);

    return json_is_integer(v) ? json_integer_value(v) : -1;
}

int srv_log_count(struct srv *s, const char *needle)
{
    char path[300], line[4096];
    FILE *f;
    int n = 0;

    snprintf(path, sizeof(path), "%s/log", s->dir);
    f = fopen(path, "r");
    if (!f)
        return 0;
    while (fgets(line, sizeof(line), f))
        if (strstr(line, needle))
            n++;
    fclose(f);
    return n;
}

char *user_token(struct srv *s, const char *username, const char *role)
{
    struct resp r;
    char path[300], *secret;
    long long id;

    ck_assert_int_eq(req_j(s, "POST", "/api/admin/user-admin", ADMIN, &r,
                           "{s:s, s:s}", "username", username, "rootRole",
                           role),
                     201);
    id = jint(r.json, "id");
    ck_assert_int_gt(id, 0);
    resp_free(&r);
    snprintf(path, sizeof(path), "/api/admin/user-admin/%lld/tokens", id);
    ck_assert_int_eq(
        req_j(s, "POST", path, ADMIN, &r, "{s:s}", "description", "test token"),
        201);
    ck_assert_ptr_nonnull(jstr(r.json, "secret"));
    secret = strdup(jstr(r.json, "secret"));
    resp_free(&r);
    return secret;
}

void protect_env(struct srv *s, const char *project, const char *env)
{
    char path[400];

    snprintf(path, sizeof(path),
             "/api/admin/projects/%s/environments/%s/change-requests/config",
             project, env);
    ck_assert_int_eq(req_j(s, "PUT", path, ADMIN, NULL, "{s:b, s:i}",
                           "changeRequestsEnabled", 1, "requiredApprovals", 1),
                     204);
}

long long events_count(struct srv *s, const char *type, const char *feature)
{
    struct resp r;
    char path[400];
    long long n;

    if (feature)
        snprintf(path, sizeof(path), "/api/admin/events?type=%s&feature=%s",
                 type, feature);
    else
        snprintf(path, sizeof(path), "/api/admin/events?type=%s", type);
    ck_assert_int_eq(req(s, "GET", path, ADMIN, NULL, &r), 200);
    n = jint(r.json, "totalEvents");
    resp_free(&r);
    return n;
}
