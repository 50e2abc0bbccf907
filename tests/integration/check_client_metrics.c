/*
 * SDK registration and usage metrics over HTTP: what SDKs send, what
 * admins read back, validation, token kinds, the flags' lastSeenAt, and
 * counts surviving a graceful stop.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "../testing.h"

#define CLIENT "default:development.client-secret-0123456789abcdef"
#define CLIENT_PROD "default:production.client-prod-secret-0123456789ab"
#define FRONTEND "default:development.frontend-secret-0123456789abcd"

#define APPS "/api/admin/metrics/applications"
#define FEATURE "/api/admin/client-metrics/features/"

static const char *const env_fast[] = {
    "VEXIL_INIT_CLIENT_TOKENS=" CLIENT "," CLIENT_PROD,
    "VEXIL_INIT_FRONTEND_TOKENS=" FRONTEND,
    "VEXIL_METRICS_FLUSH_SECONDS=1",
    NULL,
};

static struct srv s;

static void setup(void)
{
    srv_start(&s, env_fast);
}

static void teardown(void)
{
    srv_cleanup(&s);
}

/* An ISO time secs_ago seconds before now into buf (at least 32). */
static const char *iso_ago(char *buf, long secs_ago)
{
    time_t t = time(NULL) - secs_ago;
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(buf, 32, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
    return buf;
}

/* Send one metrics report of flag with yes/no/blue counts; the status. */
static long send_metrics(const char *path, const char *token, const char *app,
                         const char *flag, int yes, int no, int blue)
{
    char start[32];

    return req_j(&s, "POST", path, token, NULL,
                 "{s:s, s:s, s:{s:s, s:s, s:{s:{s:i, s:i, s:{s:i}}}}}",
                 "appName", app, "instanceId", "i-1", "bucket", "start",
                 iso_ago(start, 60), "stop", iso_ago(start, 0), "toggles", flag,
                 "yes", yes, "no", no, "variants", "blue", blue);
}

/* GET path as admin into r, expecting 200. */
static void get_ok(const char *path, struct resp *r)
{
    ck_assert_int_eq(req(&s, "GET", path, ADMIN, NULL, r), 200);
}

/*
 * Poll path until the string at jpath is non-NULL (the flush thread has
 * run), for up to five seconds; the response is left in r.
 */
static void poll_until(const char *path, const char *jpath, struct resp *r)
{
    for (int i = 0; i < 50; i++) {
        get_ok(path, r);
        if (jstr(r->json, jpath))
            return;
        resp_free(r);
        usleep(100 * 1000);
    }
    get_ok(path, r);
}

START_TEST(register_then_metrics_show_in_admin_reads)
{
    struct resp r;

    ck_assert_int_eq(req_h(&s, "POST", "/api/client/register", CLIENT,
                           "{\"appName\":\"shop\",\"instanceId\":\"pod-1\","
                           "\"sdkVersion\":\"unleash-client-node:6.12.1\","
                           "\"strategies\":[\"default\",\"flexibleRollout\"],"
                           "\"started\":\"2026-01-01T10:00:00.000Z\","
                           "\"interval\":60000,\"platformName\":\"node\"}",
                           NULL, &r),
                     202);
    ck_assert_str_eq(r.body, "");
    resp_free(&r);
    ck_assert_int_eq(send_metrics("/api/client/metrics", CLIENT, "shop",
                                  "checkout", 5, 2, 3),
                     202);

    poll_until(APPS, "applications[0].appName", &r);
    ck_assert_int_eq(jint(r.json, "total"), 1);
    ck_assert_str_eq(jstr(r.json, "applications[0].appName"), "shop");
    ck_assert_str_eq(jstr(r.json, "applications[0].strategies[1]"),
                     "flexibleRollout");
    ck_assert_str_eq(jstr(r.json, "applications[0].environments[0]"),
                     "development");
    ck_assert_str_eq(jstr(r.json, "applications[0].sdkVersions[0]"),
                     "unleash-client-node:6.12.1");
    ck_assert_ptr_nonnull(jstr(r.json, "applications[0].lastSeen"));
    /* The metrics of instance i-1 made a second instance. */
    ck_assert_int_eq(json_array_size(jget(r.json, "applications[0].instances")),
                     2);
    ck_assert_str_eq(jstr(r.json, "applications[0].instances[1].instanceId"),
                     "pod-1");
    ck_assert_str_eq(jstr(r.json, "applications[0].instances[1].clientIp"),
                     "127.0.0.1");
    ck_assert_int_eq(jint(r.json, "applications[0].instances[1].interval"),
                     60000);
    resp_free(&r);

    get_ok(APPS "/shop", &r);
    ck_assert_str_eq(jstr(r.json, "appName"), "shop");
    ck_assert_str_eq(jstr(r.json, "seenToggles[0]"), "checkout");
    ck_assert_str_eq(jstr(r.json, "instances[1].environment"), "development");
    resp_free(&r);

    get_ok(FEATURE "checkout", &r);
    ck_assert_int_eq(jint(r.json, "version"), 1);
    ck_assert_str_eq(jstr(r.json, "maturity"), "stable");
    ck_assert_str_eq(jstr(r.json, "featureName"), "checkout");
    ck_assert_str_eq(jstr(r.json, "lastHourUsage[0].environment"),
                     "development");
    ck_assert_int_eq(jint(r.json, "lastHourUsage[0].yes"), 5);
    ck_assert_int_eq(jint(r.json, "lastHourUsage[0].no"), 2);
    ck_assert_int_eq(jint(r.json, "lastHourUsage[0].variants.blue"), 3);
    ck_assert_ptr_nonnull(
        strstr(jstr(r.json, "lastHourUsage[0].timestamp"), ":00:00.000Z"));
    ck_assert_str_eq(jstr(r.json, "seenApplications[0]"), "shop");
    resp_free(&r);

    get_ok(FEATURE "checkout/raw?hoursBack=2", &r);
    ck_assert_int_eq(json_array_size(jget(r.json, "data")), 1);
    ck_assert_str_eq(jstr(r.json, "data[0].appName"), "shop");
    ck_assert_int_eq(jint(r.json, "data[0].yes"), 5);
    resp_free(&r);
}
END_TEST

START_TEST(reports_add_up_across_flushes)
{
    struct resp r;

    send_metrics("/api/client/metrics", CLIENT, "shop", "f", 1, 1, 1);
    poll_until(FEATURE "f", "lastHourUsage[0].environment", &r);
    resp_free(&r);
    send_metrics("/api/client/metrics", CLIENT, "shop", "f", 2, 0, 4);
    send_metrics("/api/client/metrics", CLIENT, "web", "f", 10, 0, 0);

    get_ok(FEATURE "f", &r);
    ck_assert_int_eq(json_array_size(jget(r.json, "lastHourUsage")), 1);
    ck_assert_int_eq(jint(r.json, "lastHourUsage[0].yes"), 13);
    ck_assert_int_eq(jint(r.json, "lastHourUsage[0].no"), 1);
    ck_assert_int_eq(jint(r.json, "lastHourUsage[0].variants.blue"), 5);
    ck_assert_str_eq(jstr(r.json, "seenApplications[0]"), "shop");
    ck_assert_str_eq(jstr(r.json, "seenApplications[1]"), "web");
    resp_free(&r);

    get_ok(FEATURE "f/raw", &r);
    ck_assert_int_eq(json_array_size(jget(r.json, "data")), 2);
    ck_assert_int_eq(jint(r.json, "data[0].yes"), 3);
    ck_assert_int_eq(jint(r.json, "data[1].yes"), 10);
    resp_free(&r);
}
END_TEST

START_TEST(environment_comes_from_the_token)
{
    struct resp r;
    char start[32];

    ck_assert_int_eq(req_j(&s, "POST", "/api/client/metrics", CLIENT_PROD, NULL,
                           "{s:s, s:s, s:{s:s, s:{s:{s:i}}}}", "appName",
                           "shop", "environment", "development", "bucket",
                           "start", iso_ago(start, 10), "toggles", "f", "yes",
                           7),
                     202);
    get_ok(FEATURE "f", &r);
    ck_assert_int_eq(json_array_size(jget(r.json, "lastHourUsage")), 1);
    ck_assert_str_eq(jstr(r.json, "lastHourUsage[0].environment"),
                     "production");
    ck_assert_int_eq(jint(r.json, "lastHourUsage[0].yes"), 7);
    resp_free(&r);
}
END_TEST

START_TEST(frontend_reports_take_frontend_tokens)
{
    struct resp r;

    ck_assert_int_eq(req(&s, "POST", "/api/frontend/client/register", FRONTEND,
                         "{\"appName\":\"web\",\"instanceId\":\"browser\"}",
                         NULL),
                     202);
    ck_assert_int_eq(send_metrics("/api/frontend/client/metrics", FRONTEND,
                                  "web", "banner", 4, 1, 0),
                     202);
    get_ok(FEATURE "banner", &r);
    ck_assert_int_eq(jint(r.json, "lastHourUsage[0].yes"), 4);
    ck_assert_str_eq(jstr(r.json, "seenApplications[0]"), "web");
    resp_free(&r);
    get_ok(APPS "/web", &r);
    ck_assert_str_eq(jstr(r.json, "instances[0].instanceId"), "browser");
    resp_free(&r);
}
END_TEST

START_TEST(wrong_token_kinds_are_refused_and_count_nothing)
{
    static const char *const paths[] = {
        "/api/client/metrics", "/api/client/register",
        "/api/frontend/client/metrics", "/api/frontend/client/register"};
    static const char *const wrong[] = {FRONTEND, FRONTEND, CLIENT, CLIENT};
    struct resp r;

    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(send_metrics(paths[i], wrong[i], "shop", "f", 1, 1, 1),
                         403);
        ck_assert_int_eq(send_metrics(paths[i], ADMIN, "shop", "f", 1, 1, 1),
                         403);
        ck_assert_int_eq(send_metrics(paths[i], NULL, "shop", "f", 1, 1, 1),
                         401);
        ck_assert_int_eq(send_metrics(paths[i],
                                      "default:development.nope-"
                                      "0123456789abcdef",
                                      "shop", "f", 1, 1, 1),
                         401);
    }
    ck_assert_int_eq(req(&s, "GET", APPS, CLIENT, NULL, &r), 403);
    ck_assert_str_eq(jstr(r.json, "message"),
                     "invalid token: expected a different token type for "
                     "this endpoint");
    resp_free(&r);
    ck_assert_int_eq(req(&s, "GET", FEATURE "f", NULL, NULL, NULL), 401);

    get_ok(APPS, &r);
    ck_assert_int_eq(jint(r.json, "total"), 0);
    resp_free(&r);
    get_ok(FEATURE "f/raw?hoursBack=48", &r);
    ck_assert_int_eq(json_array_size(jget(r.json, "data")), 0);
    resp_free(&r);
}
END_TEST

/* POST body to path with the client token: 400 naming field. */
static void bad_body(const char *path, const char *body, const char *field)
{
    struct resp r;

    ck_assert_int_eq(req(&s, "POST", path, CLIENT, body, &r), 400);
    ck_assert_str_eq(jstr(r.json, "name"), "BadDataError");
    ck_assert_msg(jstr(r.json, "details[0].path") &&
                      !strcmp(jstr(r.json, "details[0].path"), field),
                  "%s: expected path %s, got %s", body, field, r.body);
    resp_free(&r);
}

#define B "\"bucket\":{\"start\":\"2026-12-03T10:00:00Z\","

START_TEST(bad_metrics_bodies_are_400_and_count_nothing)
{
    const char *m = "/api/client/metrics";
    char longname[300], body[400];
    struct resp r;

    memset(longname, 'a', 256);
    longname[256] = '\0';
    snprintf(body, sizeof(body), "{\"appName\":\"%s\"," B "\"toggles\":{}}}",
             longname);
    bad_body(m, body, "/body/appName");
    bad_body(m, "{" B "\"toggles\":{\"f\":{\"yes\":1}}}}", "/body/appName");
    bad_body(m, "{\"appName\":7," B "\"toggles\":{}}}", "/body/appName");
    bad_body(m, "{\"appName\":\"\"," B "\"toggles\":{}}}", "/body/appName");
    bad_body(m, "{\"appName\":\"a\"}", "/body/bucket");
    bad_body(m, "{\"appName\":\"a\",\"bucket\":[]}", "/body/bucket");
    bad_body(m, "{\"appName\":\"a\",\"bucket\":{\"toggles\":{}}}",
             "/body/bucket/start");
    bad_body(m,
             "{\"appName\":\"a\",\"bucket\":{\"start\":\"yesterday\","
             "\"toggles\":{}}}",
             "/body/bucket/start");
    bad_body(m, "{\"appName\":\"a\"," B "\"stop\":true,\"toggles\":{}}}",
             "/body/bucket/stop");
    bad_body(m, "{\"appName\":\"a\"," B "\"stop\":\"x\"}}",
             "/body/bucket/stop");
    bad_body(m, "{\"appName\":\"a\"," B "\"toggles\":[]}}",
             "/body/bucket/toggles");
    bad_body(m, "{\"appName\":\"a\"," B "\"x\":1}}", "/body/bucket/toggles");
    bad_body(m, "{\"appName\":\"a\"," B "\"toggles\":{\"f\":3}}}",
             "/body/bucket/toggles/f");
    bad_body(m,
             "{\"appName\":\"a\"," B
             "\"toggles\":{\"ok\":{\"yes\":1},\"f\":{\"yes\":-1}}}}",
             "/body/bucket/toggles/f/yes");
    bad_body(m, "{\"appName\":\"a\"," B "\"toggles\":{\"f\":{\"no\":1.5}}}}",
             "/body/bucket/toggles/f/no");
    bad_body(m, "{\"appName\":\"a\"," B "\"toggles\":{\"f\":{\"no\":\"2\"}}}}",
             "/body/bucket/toggles/f/no");
    bad_body(m,
             "{\"appName\":\"a\"," B "\"toggles\":{\"f\":{\"variants\":[]}}}}",
             "/body/bucket/toggles/f/variants");
    bad_body(m,
             "{\"appName\":\"a\"," B
             "\"toggles\":{\"f\":{\"variants\":{\"v\":-2}}}}}",
             "/body/bucket/toggles/f/variants/v");
    bad_body(m, "[]", "/body");
    bad_body(m, "{\"appName\":", "/body");

    get_ok(APPS, &r);
    ck_assert_int_eq(jint(r.json, "total"), 0);
    resp_free(&r);
    get_ok(FEATURE "ok/raw?hoursBack=48", &r);
    ck_assert_int_eq(json_array_size(jget(r.json, "data")), 0);
    resp_free(&r);
}
END_TEST

START_TEST(bad_register_bodies_are_400_and_register_nothing)
{
    const char *g = "/api/client/register";
    struct resp r;

    bad_body(g, "{\"instanceId\":\"i\"}", "/body/appName");
    bad_body(g, "{\"appName\":\"a\",\"instanceId\":5}", "/body/instanceId");
    bad_body(g, "{\"appName\":\"a\",\"strategies\":\"default\"}",
             "/body/strategies");
    bad_body(g, "{\"appName\":\"a\",\"strategies\":[\"default\",1]}",
             "/body/strategies/1");
    bad_body(g, "{\"appName\":\"a\",\"started\":\"soon\"}", "/body/started");
    bad_body(g, "{\"appName\":\"a\",\"interval\":-1}", "/body/interval");
    bad_body(g, "{\"appName\":\"a\",\"interval\":\"60s\"}", "/body/interval");
    bad_body(g, "{\"appName\":\"a\",\"sdkVersion\":[]}", "/body/sdkVersion");

    get_ok(APPS, &r);
    ck_assert_int_eq(jint(r.json, "total"), 0);
    resp_free(&r);
    ck_assert_int_eq(req(&s, "GET", APPS "/a", ADMIN, NULL, NULL), 404);
}
END_TEST

START_TEST(unknown_application_is_404_and_unknown_flag_empty)
{
    struct resp r;

    ck_assert_int_eq(req(&s, "GET", APPS "/nobody", ADMIN, NULL, &r), 404);
    ck_assert_str_eq(jstr(r.json, "name"), "NotFoundError");
    resp_free(&r);
    ck_assert_int_eq(req(&s, "GET", APPS "/%FF", ADMIN, NULL, &r), 400);
    ck_assert_str_eq(jstr(r.json, "details[0].path"), "/params/appName");
    resp_free(&r);
    ck_assert_int_eq(req(&s, "GET", FEATURE "%FF/raw", ADMIN, NULL, &r), 400);
    ck_assert_str_eq(jstr(r.json, "details[0].path"), "/params/featureName");
    resp_free(&r);
    get_ok(FEATURE "never-reported", &r);
    ck_assert_str_eq(jstr(r.json, "featureName"), "never-reported");
    ck_assert_int_eq(json_array_size(jget(r.json, "lastHourUsage")), 0);
    ck_assert_int_eq(json_array_size(jget(r.json, "seenApplications")), 0);
    resp_free(&r);
}
END_TEST

START_TEST(hours_back_selects_hour_buckets)
{
    struct resp r;
    char start[32];

    ck_assert_int_eq(req_j(&s, "POST", "/api/client/metrics", CLIENT, NULL,
                           "{s:s, s:{s:s, s:{s:{s:i}}}}", "appName", "shop",
                           "bucket", "start", iso_ago(start, 3 * 3600),
                           "toggles", "old", "yes", 3),
                     202);
    send_metrics("/api/client/metrics", CLIENT, "shop", "old", 1, 0, 0);

    get_ok(FEATURE "old/raw?hoursBack=5", &r);
    ck_assert_int_eq(json_array_size(jget(r.json, "data")), 2);
    ck_assert_int_eq(jint(r.json, "data[0].yes"), 3);
    ck_assert_int_eq(jint(r.json, "data[1].yes"), 1);
    ck_assert_str_ne(jstr(r.json, "data[0].timestamp"),
                     jstr(r.json, "data[1].timestamp"));
    resp_free(&r);
    get_ok(FEATURE "old/raw", &r);
    ck_assert_int_eq(json_array_size(jget(r.json, "data")), 1);
    ck_assert_int_eq(jint(r.json, "data[0].yes"), 1);
    resp_free(&r);
    get_ok(FEATURE "old", &r);
    ck_assert_int_eq(json_array_size(jget(r.json, "lastHourUsage")), 1);
    ck_assert_int_eq(jint(r.json, "lastHourUsage[0].yes"), 1);
    resp_free(&r);

    ck_assert_int_eq(
        req(&s, "GET", FEATURE "old/raw?hoursBack=0", ADMIN, NULL, &r), 400);
    ck_assert_str_eq(jstr(r.json, "details[0].path"), "/query/hoursBack");
    resp_free(&r);
    ck_assert_int_eq(
        req(&s, "GET", FEATURE "old/raw?hoursBack=49", ADMIN, NULL, NULL), 400);
    ck_assert_int_eq(
        req(&s, "GET", FEATURE "old/raw?hoursBack=two", ADMIN, NULL, NULL),
        400);
}
END_TEST

START_TEST(flush_sets_the_flags_last_seen_at)
{
    const char *list = "/api/admin/projects/default/features";
    struct resp r;

    ck_assert_int_eq(req(&s, "POST", list, ADMIN, "{\"name\":\"seen\"}", NULL),
                     201);
    ck_assert_int_eq(req(&s, "POST", list, ADMIN, "{\"name\":\"idle\"}", NULL),
                     201);
    send_metrics("/api/client/metrics", CLIENT, "shop", "seen", 1, 0, 0);
    send_metrics("/api/client/metrics", CLIENT, "shop", "idle", 0, 0, 0);

    /* The flag list reads the store without flushing: this waits for
     * the flush thread. */
    poll_until("/api/admin/projects/default/features/seen",
               "environments[0].lastSeenAt", &r);
    ck_assert_str_eq(jstr(r.json, "environments[0].name"), "development");
    ck_assert_ptr_nonnull(jstr(r.json, "environments[0].lastSeenAt"));
    ck_assert_ptr_null(jstr(r.json, "environments[1].lastSeenAt"));
    resp_free(&r);
    get_ok("/api/admin/projects/default/features/idle", &r);
    ck_assert_ptr_null(jstr(r.json, "environments[0].lastSeenAt"));
    resp_free(&r);
    get_ok(list, &r);
    ck_assert_ptr_nonnull(jstr(r.json, "features[0].environments[0]."
                                       "lastSeenAt"));
    resp_free(&r);
}
END_TEST

START_TEST(reports_just_before_stop_are_kept)
{
    struct srv slow;
    const char *const env_slow[] = {
        "VEXIL_INIT_CLIENT_TOKENS=" CLIENT,
        "VEXIL_METRICS_FLUSH_SECONDS=3600",
        NULL,
    };
    struct srv keep = s;
    struct resp r;

    srv_start(&slow, env_slow);
    s = slow;
    ck_assert_int_eq(
        send_metrics("/api/client/metrics", CLIENT, "shop", "late", 6, 1, 2),
        202);
    ck_assert_int_eq(srv_stop(&s), 0);
    srv_restart(&s, env_slow);
    get_ok(FEATURE "late", &r);
    ck_assert_int_eq(jint(r.json, "lastHourUsage[0].yes"), 6);
    ck_assert_int_eq(jint(r.json, "lastHourUsage[0].no"), 1);
    ck_assert_int_eq(jint(r.json, "lastHourUsage[0].variants.blue"), 2);
    resp_free(&r);
    get_ok(APPS "/shop", &r);
    ck_assert_str_eq(jstr(r.json, "instances[0].instanceId"), "i-1");
    resp_free(&r);
    srv_cleanup(&s);
    s = keep;
}
END_TEST

/* Register instance id of app shop with the extra headers h; 202. */
static void register_with(const char *id, const char *const *h)
{
    char body[256];

    snprintf(body, sizeof(body),
             "{\"appName\":\"shop\",\"instanceId\":\"%s\","
             "\"interval\":60000,\"started\":\"2026-01-01T10:00:00Z\"}",
             id);
    ck_assert_int_eq(
        req_h(&s, "POST", "/api/client/register", CLIENT, body, h, NULL), 202);
}

/* The clientIp recorded for instance id of app shop. */
static char *client_ip_of(const char *id)
{
    struct resp r;
    char *ip = NULL;
    json_t *inst;
    size_t i;

    poll_until(APPS, "applications[0].instances[0].instanceId", &r);
    json_array_foreach (jget(r.json, "applications[0].instances"), i, inst)
        if (!strcmp(json_string_value(json_object_get(inst, "instanceId")), id))
            ip = strdup(json_string_value(json_object_get(inst, "clientIp")));
    resp_free(&r);
    ck_assert_msg(ip != NULL, "no instance %s", id);
    return ip;
}

START_TEST(client_ip_follows_trusted_proxies_only)
{
    const char *const xff[] = {"X-Forwarded-For: 203.0.113.7", NULL};
    const char *env[] = {
        "VEXIL_INIT_CLIENT_TOKENS=" CLIENT,
        "VEXIL_METRICS_FLUSH_SECONDS=1",
        "VEXIL_TRUSTED_PROXIES=127.0.0.1",
        NULL,
    };
    char *ip;

    /* No proxy is trusted by default: the header is the caller's word. */
    register_with("direct", xff);
    ip = client_ip_of("direct");
    ck_assert_str_eq(ip, "127.0.0.1");
    free(ip);

    srv_cleanup(&s);
    srv_start(&s, env);
    register_with("proxied", xff);
    ip = client_ip_of("proxied");
    ck_assert_str_eq(ip, "203.0.113.7");
    free(ip);
}
END_TEST

static Suite *suite(void)
{
    Suite *su = suite_create("client_metrics");
    TCase *tc = tcase_create("http");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, register_then_metrics_show_in_admin_reads);
    tcase_add_test(tc, reports_add_up_across_flushes);
    tcase_add_test(tc, environment_comes_from_the_token);
    tcase_add_test(tc, frontend_reports_take_frontend_tokens);
    tcase_add_test(tc, wrong_token_kinds_are_refused_and_count_nothing);
    tcase_add_test(tc, bad_metrics_bodies_are_400_and_count_nothing);
    tcase_add_test(tc, bad_register_bodies_are_400_and_register_nothing);
    tcase_add_test(tc, unknown_application_is_404_and_unknown_flag_empty);
    tcase_add_test(tc, hours_back_selects_hour_buckets);
    tcase_add_test(tc, flush_sets_the_flags_last_seen_at);
    tcase_add_test(tc, reports_just_before_stop_are_kept);
    tcase_add_test(tc, client_ip_follows_trusted_proxies_only);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    return test_run(suite());
}
