/*
 * The HTTP basics every endpoint shares: health, unknown routes, wrong
 * methods, tokens, content types, body limits, the error shape, and the
 * lifecycle of the process (graceful stop, restart, kill -9).
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "../testing.h"

static struct srv s;

static void setup(void)
{
    srv_start(&s, NULL);
}

static void teardown(void)
{
    srv_cleanup(&s);
}

START_TEST(health_and_ready_answer_without_token)
{
    struct resp r;

    ck_assert_int_eq(req(&s, "GET", "/health", NULL, NULL, &r), 200);
    ck_assert_str_eq(jstr(r.json, "health"), "GOOD");
    resp_free(&r);
    ck_assert_int_eq(req(&s, "GET", "/ready", NULL, NULL, &r), 200);
    ck_assert_str_eq(jstr(r.json, "health"), "GOOD");
    resp_free(&r);
}
END_TEST

START_TEST(unknown_route_is_404_in_error_shape)
{
    struct resp r;

    ck_assert_int_eq(req(&s, "GET", "/api/admin/nothing-here", ADMIN, NULL, &r),
                     404);
    ck_assert_str_eq(jstr(r.json, "name"), "NotFoundError");
    ck_assert_ptr_nonnull(jstr(r.json, "id"));
    ck_assert_ptr_nonnull(jstr(r.json, "message"));
    ck_assert_ptr_nonnull(jstr(r.json, "details[0].message"));
    resp_free(&r);
}
END_TEST

/* A path that decodes to bytes that are not UTF-8 still gets a body. */
START_TEST(error_body_survives_a_path_that_is_not_utf8)
{
    struct resp r;

    ck_assert_int_eq(
        req(&s, "GET", "/api/admin/nothing-%FF%FE-here", ADMIN, NULL, &r), 404);
    ck_assert_ptr_nonnull(r.json);
    ck_assert_str_eq(jstr(r.json, "name"), "NotFoundError");
    ck_assert_ptr_nonnull(strstr(jstr(r.json, "message"), "nothing-?"
                                                          "?-here"));
    resp_free(&r);
    ck_assert_int_eq(
        req(&s, "GET", "/api/admin/projects/caf%C3%A9%FF", ADMIN, NULL, &r),
        404);
    ck_assert_ptr_nonnull(r.json);
    resp_free(&r);
}
END_TEST

START_TEST(wrong_method_is_405_with_allow)
{
    struct resp r;

    ck_assert_int_eq(req(&s, "PATCH", "/api/admin/projects", ADMIN, "{}", &r),
                     405);
    ck_assert_ptr_nonnull(strstr(resp_header(&r, "Allow"), "POST"));
    ck_assert_ptr_nonnull(strstr(resp_header(&r, "Allow"), "GET"));
    resp_free(&r);
}
END_TEST

START_TEST(admin_api_without_token_is_401)
{
    struct resp r;

    ck_assert_int_eq(req(&s, "GET", "/api/admin/projects", NULL, NULL, &r),
                     401);
    ck_assert_str_eq(jstr(r.json, "name"), "AuthenticationRequired");
    resp_free(&r);
    ck_assert_int_eq(req(&s, "GET", "/api/admin/projects",
                         "*:*.not-a-real-token-at-all", NULL, &r),
                     401);
    resp_free(&r);
}
END_TEST

START_TEST(bearer_prefix_is_accepted)
{
    ck_assert_int_eq(
        req(&s, "GET", "/api/admin/projects", "Bearer " ADMIN, NULL, NULL),
        200);
}
END_TEST

START_TEST(client_token_on_admin_api_is_403)
{
    struct srv c;
    const char *env[] = {
        "VEXIL_INIT_CLIENT_TOKENS=default:development.client-secret-0123456",
        NULL};
    struct resp r;

    srv_start(&c, env);
    ck_assert_int_eq(req(&c, "GET", "/api/admin/projects",
                         "default:development.client-secret-0123456", NULL, &r),
                     403);
    ck_assert_str_eq(jstr(r.json, "message"),
                     "invalid token: expected a different token type for "
                     "this endpoint");
    resp_free(&r);
    srv_cleanup(&c);
}
END_TEST

START_TEST(body_without_json_content_type_is_415)
{
    struct resp r;
    const char *h[] = {"Content-Type: text/plain", NULL};

    /* A later Content-Type line replaces the harness's JSON one. */
    ck_assert_int_eq(req_h(&s, "POST", "/api/admin/projects", ADMIN,
                           "{\"id\":\"p415\",\"name\":\"x\"}", h, &r),
                     415);
    ck_assert_str_eq(jstr(r.json, "name"), "ContentTypeError");
    resp_free(&r);
    ck_assert_int_eq(
        req(&s, "GET", "/api/admin/projects/p415", ADMIN, NULL, NULL), 404);
}
END_TEST

START_TEST(body_over_limit_is_413_and_changes_nothing)
{
    size_t n = 2 * 1024 * 1024;
    char *big = malloc(n + 64);
    struct resp r;

    memset(big, ' ', n + 64);
    memcpy(big, "{\"id\":\"huge\",\"name\":\"x\",\"description\":\"", 38);
    memcpy(big + n, "\"}", 3);
    ck_assert_int_eq(req(&s, "POST", "/api/admin/projects", ADMIN, big, &r),
                     413);
    ck_assert_str_eq(jstr(r.json, "name"), "ContentTooLargeError");
    resp_free(&r);
    free(big);
    ck_assert_int_eq(
        req(&s, "GET", "/api/admin/projects/huge", ADMIN, NULL, NULL), 404);
    /* The server still answers afterwards. */
    ck_assert_int_eq(req(&s, "GET", "/health", NULL, NULL, NULL), 200);
}
END_TEST

/* A chunked body, with no length announced, is held to the limit too. */
START_TEST(chunked_body_over_limit_is_413_and_changes_nothing)
{
    const char *env[] = {"VEXIL_BODY_LIMIT=2048", NULL};
    const char *h[] = {"Transfer-Encoding: chunked", NULL};
    char body[4200];
    struct srv b;
    struct resp r;
    int n = snprintf(body, sizeof(body),
                     "{\"id\":\"chunky\",\"name\":\"x\","
                     "\"description\":\"");

    memset(body + n, 'a', 4000);
    memcpy(body + n + 4000, "\"}", 3);
    srv_start(&b, env);
    ck_assert_int_eq(
        req_h(&b, "POST", "/api/admin/projects", ADMIN, body, h, &r), 413);
    ck_assert_str_eq(jstr(r.json, "name"), "ContentTooLargeError");
    resp_free(&r);
    ck_assert_int_eq(
        req(&b, "GET", "/api/admin/projects/chunky", ADMIN, NULL, NULL), 404);
    /* Under the limit, the same way in, it is taken. */
    memcpy(body + n + 100, "\"}", 3);
    ck_assert_int_eq(
        req_h(&b, "POST", "/api/admin/projects", ADMIN, body, h, NULL), 201);
    srv_cleanup(&b);
}
END_TEST

START_TEST(malformed_json_is_400_naming_the_problem)
{
    struct resp r;

    ck_assert_int_eq(
        req(&s, "POST", "/api/admin/projects", ADMIN, "{\"id\": \"x\",", &r),
        400);
    ck_assert_str_eq(jstr(r.json, "name"), "BadDataError");
    ck_assert_ptr_nonnull(strstr(jstr(r.json, "message"), "not valid JSON"));
    resp_free(&r);
    ck_assert_int_eq(req(&s, "POST", "/api/admin/projects", ADMIN, "[1,2]", &r),
                     400);
    ck_assert_ptr_nonnull(strstr(jstr(r.json, "message"), "JSON object"));
    resp_free(&r);
}
END_TEST

START_TEST(every_request_is_logged_without_secrets)
{
    req(&s, "GET", "/api/admin/projects", ADMIN, NULL, NULL);
    srv_stop(&s);
    ck_assert_int_ge(srv_log_count(&s, "path=\"/api/admin/projects\""), 1);
    ck_assert_int_eq(srv_log_count(&s, "test-admin-secret"), 0);
}
END_TEST

/* A path decodes %0A and %22: they must not forge lines in the log. */
START_TEST(a_path_cannot_write_its_own_log_lines)
{
    char path[300], line[4096];
    int forged = 0;
    FILE *f;

    ck_assert_int_eq(req(&s, "GET",
                         "/x%0Aforged=1%20level=error%20msg=%22boom%22", NULL,
                         NULL, NULL),
                     404);
    srv_stop(&s);
    snprintf(path, sizeof(path), "%s/log", s.dir);
    f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    while (fgets(line, sizeof(line), f))
        forged += !strncmp(line, "forged", 6);
    fclose(f);
    ck_assert_int_eq(forged, 0);
    ck_assert_int_eq(srv_log_count(&s, "path=\"/x\\x0aforged=1 level=error "
                                       "msg=\\\"boom\\\"\""),
                     1);
}
END_TEST

START_TEST(sigterm_stops_cleanly)
{
    ck_assert_int_eq(srv_stop(&s), 0);
    ck_assert_int_eq(srv_log_count(&s, "msg=\"stopped\""), 1);
}
END_TEST

/* A TCP connection to port on 127.0.0.1; -errno when refused. */
static int connect_to(int port)
{
    struct sockaddr_in a = {0};
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    ck_assert_int_ge(fd, 0);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof(a))) {
        int e = errno;

        close(fd);
        return -e;
    }
    return fd;
}

/*
 * Connect to port until the connection is refused, for up to about
 * tries * 20 ms; returns the last result of connect_to().
 */
static int connect_until_refused(int port, int tries)
{
    int fd = -1;

    for (int i = 0; i < tries; i++) {
        fd = connect_to(port);
        if (fd == -ECONNREFUSED)
            return fd;
        /* Taken, or reset while the listening socket shut down. */
        if (fd >= 0)
            close(fd);
        usleep(20 * 1000);
    }
    return fd;
}

/*
 * True once the server's metrics show want requests in flight (the
 * scrape asking included), within about five seconds.
 */
static int in_flight_reaches(struct srv *b, int want)
{
    char series[64];
    struct resp r;
    int hit = 0;

    snprintf(series, sizeof(series), "\nvexil_http_requests_in_flight %d\n",
             want);
    for (int i = 0; i < 250 && !hit; i++) {
        ck_assert_int_eq(
            req(b, "GET", "/internal-backstage/prometheus", NULL, NULL, &r),
            200);
        hit = strstr(r.body, series) != NULL;
        resp_free(&r);
        if (!hit)
            usleep(20 * 1000);
    }
    return hit;
}

/* While draining, new connections are refused, not left waiting. */
START_TEST(draining_refuses_new_connections)
{
    static const char head[] = "POST /api/admin/projects HTTP/1.1\r\n"
                               "Host: x\r\nContent-Type: application/json\r\n"
                               "Content-Length: 100\r\n\r\n{";
    const char *env[] = {"VEXIL_DRAIN_SECONDS=5", NULL};
    struct srv b;
    int slow;

    srv_start(&b, env);
    /* A request whose body never ends keeps the drain waiting. */
    slow = connect_to(b.port);
    ck_assert_int_ge(slow, 0);
    ck_assert_int_eq(write(slow, head, sizeof(head) - 1),
                     (ssize_t)(sizeof(head) - 1));
    /* Wait until the server counts it in flight, beside the scrape. */
    ck_assert_msg(in_flight_reaches(&b, 2), "the slow request never started");
    kill(b.pid, SIGTERM);
    ck_assert_int_eq(connect_until_refused(b.port, 200), -ECONNREFUSED);
    /* Refused while the process still runs: it drains, it has not quit. */
    ck_assert_int_eq(waitpid(b.pid, NULL, WNOHANG), 0);
    close(slow);
    srv_cleanup(&b);
}
END_TEST

/*
 * Send GET /health until it gets status want, for up to about five
 * seconds; returns the last status.
 */
static long health_until(struct srv *b, long want)
{
    long got = 0;

    for (int i = 0; i < 250; i++) {
        got = req(b, "GET", "/health", NULL, NULL, NULL);
        if (got == want)
            break;
        usleep(20 * 1000);
    }
    return got;
}

/* With a per-address limit, one client cannot hold every connection. */
START_TEST(per_address_connection_limit_holds)
{
    const char *env[] = {"VEXIL_PER_IP_CONNECTIONS=2", NULL};
    struct srv b;
    int idle[2];

    srv_start(&b, env);
    for (int i = 0; i < 2; i++) {
        idle[i] = connect_to(b.port);
        ck_assert_int_ge(idle[i], 0);
    }
    /*
     * Once the server has accepted both, a third connection from the same
     * address is closed unanswered.
     */
    ck_assert_int_eq(health_until(&b, -1), -1);
    for (int i = 0; i < 2; i++)
        close(idle[i]);
    ck_assert_int_eq(health_until(&b, 200), 200);
    srv_cleanup(&b);
}
END_TEST

/* A configured secret too long to keep whole is refused, not cut. */
START_TEST(overlong_configured_secret_is_refused)
{
    static char var[400];
    const char *env[] = {var, NULL};
    struct srv b;
    int n =
        snprintf(var, sizeof(var), "VEXIL_INIT_CLIENT_TOKENS=*:development.");

    memset(var + n, 'a', 300);
    var[n + 300] = '\0';
    memset(&b, 0, sizeof(b));
    ck_assert_int_ne(srv_start_fails(&b, env), 0);
    ck_assert_int_eq(srv_log_count(&b, "at most 255 characters"), 1);
    srv_cleanup(&b);
}
END_TEST

START_TEST(accepted_write_survives_kill_9)
{
    ck_assert_int_eq(req(&s, "POST", "/api/admin/projects", ADMIN,
                         "{\"id\":\"durable\",\"name\":\"Durable\"}", NULL),
                     201);
    srv_kill(&s);
    srv_restart(&s, NULL);
    ck_assert_int_eq(
        req(&s, "GET", "/api/admin/projects/durable", ADMIN, NULL, NULL), 200);
}
END_TEST

START_TEST(first_start_prints_an_admin_token_once)
{
    struct srv b;
    const char *env[] = {"VEXIL_ADMIN_TOKEN=", NULL};
    char path[300], line[512], token[300] = "";
    FILE *f;

    /* An empty VEXIL_ADMIN_TOKEN is unset: the server makes a token. */
    srv_start(&b, env);
    snprintf(path, sizeof(path), "%s/log", b.dir);
    f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    while (fgets(line, sizeof(line), f))
        if (sscanf(line, " *:*.%200s", token + 4) == 1)
            memcpy(token, "*:*.", 4);
    fclose(f);
    ck_assert_msg(token[0] == '*', "no admin token printed");
    ck_assert_int_eq(req(&b, "GET", "/api/admin/projects", token, NULL, NULL),
                     200);
    srv_stop(&b);
    srv_restart(&b, env);
    ck_assert_int_eq(srv_log_count(&b, "shown only this once"), 1);
    srv_cleanup(&b);
}
END_TEST

static Suite *suite(void)
{
    Suite *su = suite_create("http");
    TCase *tc = tcase_create("basics");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, health_and_ready_answer_without_token);
    tcase_add_test(tc, unknown_route_is_404_in_error_shape);
    tcase_add_test(tc, error_body_survives_a_path_that_is_not_utf8);
    tcase_add_test(tc, wrong_method_is_405_with_allow);
    tcase_add_test(tc, admin_api_without_token_is_401);
    tcase_add_test(tc, bearer_prefix_is_accepted);
    tcase_add_test(tc, client_token_on_admin_api_is_403);
    tcase_add_test(tc, body_without_json_content_type_is_415);
    tcase_add_test(tc, body_over_limit_is_413_and_changes_nothing);
    tcase_add_test(tc, chunked_body_over_limit_is_413_and_changes_nothing);
    tcase_add_test(tc, malformed_json_is_400_naming_the_problem);
    tcase_add_test(tc, every_request_is_logged_without_secrets);
    tcase_add_test(tc, a_path_cannot_write_its_own_log_lines);
    tcase_add_test(tc, sigterm_stops_cleanly);
    tcase_add_test(tc, draining_refuses_new_connections);
    tcase_add_test(tc, per_address_connection_limit_holds);
    tcase_add_test(tc, overlong_configured_secret_is_refused);
    tcase_add_test(tc, accepted_write_survives_kill_9);
    tcase_add_test(tc, first_start_prints_an_admin_token_once);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    return test_run(suite());
}
