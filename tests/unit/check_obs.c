/*
 * The operator metrics registry: which label each request lands under
 * (route pattern, method, status or its class), the duration buckets,
 * the in-flight gauge and label escaping. Each test runs in its own
 * process (Check forks), so each starts from an empty registry.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "http/router.h"
#include "obs/obs.h"
#include "util.h"
#include "../testing.h"

/* Position of the route with method and pattern in the joined tables. */
static int route_pos(const char *method, const char *pattern)
{
    int pos = 0;

    for (int t = 0; vx_route_tables[t]; t++)
        for (const struct vx_route *r = vx_route_tables[t]; r->method;
             r++, pos++)
            if (!strcmp(r->method, method) && !strcmp(r->pattern, pattern))
                return pos;
    ck_abort_msg("no route %s %s", method, pattern);
    return -1;
}

/* The exposition text; caller frees. */
static char *exposition(void)
{
    struct vx_buf b = {0};

    vx_obs_write(&b);
    return b.buf;
}

/* True when text has line (a whole line). */
static int has_line(const char *text, const char *line)
{
    size_t n = strlen(line);

    for (const char *p = strstr(text, line); p; p = strstr(p + 1, line))
        if ((p == text || p[-1] == '\n') && p[n] == '\n')
            return 1;
    return 0;
}

START_TEST(every_route_has_a_slot)
{
    int n = 0;

    for (int t = 0; vx_route_tables[t]; t++)
        for (const struct vx_route *r = vx_route_tables[t]; r->method; r++)
            n++;
    ck_assert_int_lt(n, VX_OBS_MAX_ROUTES);
}
END_TEST

START_TEST(requests_land_under_pattern_method_and_status)
{
    int project = route_pos("GET", "/api/admin/projects/:projectId");
    char *text;

    vx_obs_begin();
    vx_obs_end(project, "GET", 200, 10);
    vx_obs_begin();
    vx_obs_end(project, "GET", 200, 10);
    vx_obs_begin();
    vx_obs_end(project, "HEAD", 401, 10);
    vx_obs_begin();
    vx_obs_end(-1, "GET", 404, 10);
    vx_obs_begin();
    vx_obs_end(VX_OBS_MAX_ROUTES + 5, "GET", 404, 10);
    text = exposition();
    ck_assert(has_line(text, "vexil_http_requests_total{method=\"GET\","
                             "route=\"/api/admin/projects/:projectId\","
                             "status=\"200\"} 2"));
    ck_assert(has_line(text, "vexil_http_requests_total{method=\"HEAD\","
                             "route=\"/api/admin/projects/:projectId\","
                             "status=\"401\"} 1"));
    ck_assert(has_line(text, "vexil_http_requests_total{method=\"GET\","
                             "route=\"unmatched\",status=\"404\"} 2"));
    ck_assert(has_line(text, "vexil_http_requests_in_flight 0"));
    free(text);
}
END_TEST

START_TEST(uncommon_methods_and_statuses_share_a_label)
{
    int health = route_pos("GET", "/health");
    char *text;

    vx_obs_end(health, "PROPFIND", 418, 1);
    vx_obs_end(health, "GET", 418, 1);
    vx_obs_end(health, "GET", 451, 1);
    vx_obs_end(health, "GET", 299, 1);
    vx_obs_end(health, "GET", 0, 1);
    vx_obs_end(health, "GET", 1000, 1);
    vx_obs_end(health, NULL, 200, 1);
    text = exposition();
    ck_assert(has_line(text, "vexil_http_requests_total{method=\"other\","
                             "route=\"/health\",status=\"4xx\"} 1"));
    ck_assert(has_line(text, "vexil_http_requests_total{method=\"GET\","
                             "route=\"/health\",status=\"4xx\"} 2"));
    ck_assert(has_line(text, "vexil_http_requests_total{method=\"GET\","
                             "route=\"/health\",status=\"2xx\"} 1"));
    ck_assert(has_line(text, "vexil_http_requests_total{method=\"GET\","
                             "route=\"/health\",status=\"other\"} 2"));
    ck_assert(has_line(text, "vexil_http_requests_total{method=\"other\","
                             "route=\"/health\",status=\"200\"} 1"));
    ck_assert_ptr_null(strstr(text, "PROPFIND"));
    ck_assert_ptr_null(strstr(text, "418"));
    free(text);
}
END_TEST

START_TEST(durations_fill_cumulative_buckets_per_family)
{
    int features = route_pos("GET", "/api/client/features");
    int project = route_pos("GET", "/api/admin/projects/:projectId");
    char *text;

    vx_obs_end(features, "GET", 200, 500);     /* 0.0005 s */
    vx_obs_end(features, "GET", 200, 1000);    /* 0.001 s: on the bound */
    vx_obs_end(features, "GET", 200, 1001);    /* just above */
    vx_obs_end(features, "GET", 200, 6000000); /* 6 s: only +Inf */
    vx_obs_end(project, "GET", 200, 70000);
    text = exposition();
    ck_assert(has_line(text, "vexil_http_request_duration_seconds_bucket"
                             "{family=\"client\",le=\"0.001\"} 2"));
    ck_assert(has_line(text, "vexil_http_request_duration_seconds_bucket"
                             "{family=\"client\",le=\"0.005\"} 3"));
    ck_assert(has_line(text, "vexil_http_request_duration_seconds_bucket"
                             "{family=\"client\",le=\"5\"} 3"));
    ck_assert(has_line(text, "vexil_http_request_duration_seconds_bucket"
                             "{family=\"client\",le=\"+Inf\"} 4"));
    ck_assert(has_line(text, "vexil_http_request_duration_seconds_count"
                             "{family=\"client\"} 4"));
    ck_assert(has_line(text, "vexil_http_request_duration_seconds_sum"
                             "{family=\"client\"} 6.002501"));
    ck_assert(has_line(text, "vexil_http_request_duration_seconds_bucket"
                             "{family=\"admin\",le=\"0.05\"} 0"));
    ck_assert(has_line(text, "vexil_http_request_duration_seconds_bucket"
                             "{family=\"admin\",le=\"0.1\"} 1"));
    ck_assert(has_line(text, "vexil_http_request_duration_seconds_count"
                             "{family=\"frontend\"} 0"));
    free(text);
}
END_TEST

START_TEST(in_flight_counts_begun_and_unfinished)
{
    char *text;

    vx_obs_begin();
    vx_obs_begin();
    vx_obs_begin();
    vx_obs_end(-1, "GET", 404, 1);
    text = exposition();
    ck_assert(has_line(text, "vexil_http_requests_in_flight 2"));
    free(text);
}
END_TEST

START_TEST(start_time_and_build_info)
{
    char *text;

    vx_obs_init(1700000000123LL);
    text = exposition();
    ck_assert(has_line(text, "vexil_process_start_time_seconds "
                             "1700000000.123"));
    ck_assert_ptr_nonnull(strstr(text, "\nvexil_build_info{version=\""));
    ck_assert(has_line(text, "# TYPE vexil_build_info gauge"));
    ck_assert(has_line(text, "# TYPE vexil_http_requests_total counter"));
    ck_assert(
        has_line(text, "# TYPE vexil_http_request_duration_seconds histogram"));
    free(text);
}
END_TEST

START_TEST(label_values_are_escaped)
{
    struct vx_buf b = {0};

    vx_obs_label(&b, "a\"b\\c\nd");
    ck_assert_str_eq(b.buf, "a\\\"b\\\\c\\nd");
    free(b.buf);
}
END_TEST

static Suite *suite(void)
{
    Suite *su = suite_create("obs");
    TCase *tc = tcase_create("registry");

    tcase_add_test(tc, every_route_has_a_slot);
    tcase_add_test(tc, requests_land_under_pattern_method_and_status);
    tcase_add_test(tc, uncommon_methods_and_statuses_share_a_label);
    tcase_add_test(tc, durations_fill_cumulative_buckets_per_family);
    tcase_add_test(tc, in_flight_counts_begun_and_unfinished);
    tcase_add_test(tc, start_time_and_build_info);
    tcase_add_test(tc, label_values_are_escaped);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    return test_run(suite());
}
