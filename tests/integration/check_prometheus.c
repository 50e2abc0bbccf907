/*
 * GET /internal-backstage/prometheus over HTTP: requests are counted by
 * method, route pattern and status; the exposition parses line by line;
 * no request path or secret leaks into it; snapshot, token and process
 * series follow what happens on the server.
 */
#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "../testing.h"

#define PROM "/internal-backstage/prometheus"

static struct srv s;

static void setup(void)
{
    srv_start(&s, NULL);
}

static void teardown(void)
{
    srv_cleanup(&s);
}

/*
 * The value of the series written exactly as series (name and labels)
 * in text, or -1 when it is absent.
 */
static double value_of(const char *text, const char *series)
{
    size_t n = strlen(series);

    for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
        if (!strncmp(p, series, n) && p[n] == ' ')
            return strtod(p + n + 1, NULL);
    return -1;
}

/*
 * Scrape the metrics; the body, which the caller frees. A request is
 * counted once the server has finished with it, which may be just after
 * its client has the reply, so this scrapes again (for up to three
 * seconds) until the scrape is the only request in flight: then every
 * request sent before it is counted.
 */
static char *scrape(void)
{
    char *body = NULL;

    for (int tries = 0; tries < 300; tries++) {
        struct resp r;

        free(body);
        ck_assert_int_eq(req(&s, "GET", PROM, NULL, NULL, &r), 200);
        ck_assert_ptr_nonnull(strstr(resp_header(&r, "Content-Type"),
                                     "text/plain; version=0.0.4"));
        body = strdup(r.body);
        resp_free(&r);
        if (value_of(body, "vexil_http_requests_in_flight") == 1)
            break;
        usleep(10000);
    }
    return body;
}

/* The value of series in a new scrape. */
static double scraped(const char *series)
{
    char *text = scrape();
    double v = value_of(text, series);

    free(text);
    return v;
}

/* Length of a metric name at p: [a-zA-Z_:][a-zA-Z0-9_:]*. */
static size_t name_len(const char *p)
{
    size_t n = 0;

    if (!isalpha((unsigned char)p[0]) && p[0] != '_' && p[0] != ':')
        return 0;
    while (isalnum((unsigned char)p[n]) || p[n] == '_' || p[n] == ':')
        n++;
    return n;
}

/*
 * Length of a label set {k="v",...} at p (escapes allowed in values),
 * or 0 when it is not one.
 */
static size_t labels_len(const char *p)
{
    const char *q = p + 1;

    if (*p != '{')
        return 0;
    while (*q != '}') {
        size_t n = name_len(q);

        if (!n || q[n] != '=' || q[n + 1] != '"')
            return 0;
        q += n + 2;
        while (*q && *q != '"' && *q != '\n')
            q += *q == '\\' && q[1] ? 2 : 1;
        if (*q != '"')
            return 0;
        q++;
        if (*q == ',')
            q++;
        else if (*q != '}')
            return 0;
    }
    return (size_t)(q + 1 - p);
}

/*
 * True when the metric family of the sample name[0..n) (without a
 * _bucket, _sum or _count suffix) has a "# TYPE" line before line.
 */
static int typed_before(const char *text, const char *line, const char *name,
                        size_t n)
{
    static const char *const suffixes[] = {"", "_bucket", "_sum", "_count"};

    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        size_t sl = strlen(suffixes[i]);
        char want[200];
        const char *hit;

        if (sl > n || strncmp(name + n - sl, suffixes[i], sl))
            continue;
        snprintf(want, sizeof(want), "# TYPE %.*s ", (int)(n - sl), name);
        hit = strstr(text, want);
        if (hit && hit < line)
            return 1;
    }
    return 0;
}

/* Check every line of an exposition; fails the test naming the line. */
static void check_exposition(const char *text)
{
    int samples = 0;

    ck_assert_int_gt((int)strlen(text), 0);
    ck_assert_int_eq(text[strlen(text) - 1], '\n');
    for (const char *line = text; *line;) {
        const char *end = strchr(line, '\n');
        int len = (int)(end - line);

        if (!strncmp(line, "# HELP vexil_", 13) ||
            !strncmp(line, "# TYPE vexil_", 13)) {
            ck_assert_msg(len > 14, "short comment: %.*s", len, line);
        } else {
            size_t n = name_len(line), l;
            const char *v;
            char *num_end;

            ck_assert_msg(n && !strncmp(line, "vexil_", 6),
                          "bad metric name: %.*s", len, line);
            l = line[n] == '{' ? labels_len(line + n) : 0;
            ck_assert_msg(line[n] != '{' || l, "bad labels: %.*s", len, line);
            v = line + n + l;
            ck_assert_msg(*v == ' ', "no value: %.*s", len, line);
            if (!strncmp(v + 1, "+Inf", 4))
                num_end = (char *)v + 5;
            else
                strtod(v + 1, &num_end);
            ck_assert_msg(num_end > v + 1 && num_end == end, "bad value: %.*s",
                          len, line);
            ck_assert_msg(typed_before(text, line, line, n),
                          "no TYPE before: %.*s", len, line);
            samples++;
        }
        line = end + 1;
    }
    ck_assert_int_gt(samples, 10);
}

START_TEST(requests_are_counted_by_route_pattern_and_status)
{
    static const char health[] =
        "vexil_http_requests_total{method=\"GET\",route=\"/health\","
        "status=\"200\"}";
    static const char project_200[] =
        "vexil_http_requests_total{method=\"GET\",route=\"/api/admin/"
        "projects/:projectId\",status=\"200\"}";
    static const char project_401[] =
        "vexil_http_requests_total{method=\"GET\",route=\"/api/admin/"
        "projects/:projectId\",status=\"401\"}";
    static const char project_404[] =
        "vexil_http_requests_total{method=\"GET\",route=\"/api/admin/"
        "projects/:projectId\",status=\"404\"}";
    static const char unmatched[] =
        "vexil_http_requests_total{method=\"GET\",route=\"unmatched\","
        "status=\"404\"}";
    static const char admin_count[] =
        "vexil_http_request_duration_seconds_count{family=\"admin\"}";
    static const char unmatched_count[] =
        "vexil_http_request_duration_seconds_count{family=\"unmatched\"}";
    char *before = scrape(), *after;
    double h0 = value_of(before, health), a0 = value_of(before, admin_count);
    double u0 = value_of(before, unmatched_count);

    /* Nothing of these has happened yet, so their series are absent. */
    ck_assert(value_of(before, project_200) < 0);
    ck_assert(value_of(before, project_401) < 0);
    ck_assert(value_of(before, unmatched) < 0);
    ck_assert_int_eq(req(&s, "GET", "/health", NULL, NULL, NULL), 200);
    ck_assert_int_eq(req(&s, "GET", "/health", NULL, NULL, NULL), 200);
    ck_assert_int_eq(
        req(&s, "GET", "/api/admin/projects/default", ADMIN, NULL, NULL), 200);
    ck_assert_int_eq(
        req(&s, "GET", "/api/admin/projects/default", NULL, NULL, NULL), 401);
    ck_assert_int_eq(req(&s, "GET", "/api/admin/projects/no-such-project-zq",
                         ADMIN, NULL, NULL),
                     404);
    ck_assert_int_eq(req(&s, "GET", "/nothing/here-zq/x", ADMIN, NULL, NULL),
                     404);
    after = scrape();
    check_exposition(after);
    ck_assert(value_of(after, health) == (h0 < 0 ? 0 : h0) + 2);
    ck_assert(value_of(after, project_200) == 1);
    ck_assert(value_of(after, project_401) == 1);
    ck_assert(value_of(after, project_404) == 1);
    ck_assert(value_of(after, unmatched) == 1);
    ck_assert(value_of(after, admin_count) == a0 + 3);
    ck_assert(value_of(after, unmatched_count) == u0 + 1);
    /* The +Inf bucket holds every request of its family. */
    ck_assert(value_of(after, "vexil_http_request_duration_seconds_bucket"
                              "{family=\"admin\",le=\"+Inf\"}") == a0 + 3);
    /* The scrape itself is the one request in flight. */
    ck_assert(value_of(after, "vexil_http_requests_in_flight") == 1);
    /* Label values are route patterns: no path, no secret. */
    ck_assert_ptr_null(strstr(after, "/api/admin/projects/default"));
    ck_assert_ptr_null(strstr(after, "no-such-project-zq"));
    ck_assert_ptr_null(strstr(after, "here-zq"));
    ck_assert_ptr_null(strstr(after, "test-admin-secret"));
    free(before);
    free(after);
}
END_TEST

START_TEST(methods_and_uncommon_statuses_have_bounded_labels)
{
    char *text;

    /* 405: a known path with a method it does not serve. */
    ck_assert_int_eq(req(&s, "DELETE", "/health", NULL, NULL, NULL), 405);
    ck_assert_int_eq(req(&s, "HEAD", "/health", NULL, NULL, NULL), 200);
    ck_assert_int_eq(req(&s, "POST", PROM, NULL, NULL, NULL), 405);
    /* A scrape is counted once it is over, so this one shows later. */
    free(scrape());
    text = scrape();
    check_exposition(text);
    ck_assert(value_of(text, "vexil_http_requests_total{method=\"DELETE\","
                             "route=\"unmatched\",status=\"405\"}") == 1);
    ck_assert(value_of(text, "vexil_http_requests_total{method=\"HEAD\","
                             "route=\"/health\",status=\"200\"}") == 1);
    ck_assert(value_of(text, "vexil_http_requests_total{method=\"POST\","
                             "route=\"unmatched\",status=\"405\"}") == 1);
    ck_assert(value_of(text, "vexil_http_requests_total{method=\"GET\","
                             "route=\"" PROM "\",status=\"200\"}") >= 1);
    free(text);
}
END_TEST

START_TEST(exposition_names_every_series)
{
    static const char *const series[] = {
        "vexil_http_requests_in_flight",
        "vexil_snapshot_revision{environment=\"production\"}",
        "vexil_snapshot_revision{environment=\"development\"}",
        "vexil_snapshot_flags{environment=\"production\"}",
        "vexil_snapshot_rebuilds_total",
        "vexil_snapshot_rebuild_failures_total",
        "vexil_snapshot_rebuild_seconds_sum",
        "vexil_snapshot_rebuild_seconds_count",
        "vexil_tokens",
        "vexil_metrics_pending_keys",
        "vexil_metrics_dropped_total",
        "vexil_process_start_time_seconds",
    };
    char *text = scrape();
    double start = value_of(text, "vexil_process_start_time_seconds");
    double now = (double)time(NULL);
    char build[64];

    check_exposition(text);
    for (size_t i = 0; i < sizeof(series) / sizeof(series[0]); i++)
        ck_assert_msg(value_of(text, series[i]) >= 0, "missing %s", series[i]);
    ck_assert(start > now - 600 && start <= now + 1);
    ck_assert(value_of(text, "vexil_snapshot_rebuilds_total") >= 1);
    ck_assert(value_of(text, "vexil_snapshot_rebuild_failures_total") == 0);
    /* The version of the running binary, as `vexil version` prints it. */
    ck_assert_ptr_nonnull(strstr(text, "vexil_build_info{version=\""));
    snprintf(build, sizeof(build), "%s", strstr(text, "vexil_build_info{"));
    ck_assert_ptr_nonnull(strstr(build, "\"} 1\n"));
    free(text);
}
END_TEST

START_TEST(snapshot_series_follow_an_admin_write)
{
    static const char rev[] =
        "vexil_snapshot_revision{environment=\"production\"}";
    static const char flags[] =
        "vexil_snapshot_flags{environment=\"production\"}";
    char *before = scrape(), *after;

    ck_assert_int_eq(req_j(&s, "POST", "/api/admin/projects/default/features",
                           ADMIN, NULL, "{s:s}", "name", "prom-flag"),
                     201);
    after = scrape();
    ck_assert(value_of(after, rev) > value_of(before, rev));
    ck_assert(value_of(after, flags) == value_of(before, flags) + 1);
    ck_assert(value_of(after, "vexil_snapshot_rebuilds_total") >
              value_of(before, "vexil_snapshot_rebuilds_total"));
    ck_assert(value_of(after, "vexil_snapshot_rebuild_seconds_count") ==
              value_of(after, "vexil_snapshot_rebuilds_total"));
    ck_assert(value_of(after, "vexil_http_requests_total{method=\"POST\","
                              "route=\"/api/admin/projects/:projectId/"
                              "features\",status=\"201\"}") == 1);
    free(before);
    free(after);
}
END_TEST

START_TEST(token_gauge_follows_the_token_cache)
{
    double before = scraped("vexil_tokens");
    struct resp r;

    ck_assert(before >= 1);
    ck_assert_int_eq(req_j(&s, "POST", "/api/admin/api-tokens", ADMIN, &r,
                           "{s:s, s:s, s:s}", "tokenName", "scraper", "type",
                           "client", "environment", "production"),
                     201);
    ck_assert(scraped("vexil_tokens") == before + 1);
    /* The new secret shows in no label either. */
    {
        char *text = scrape();

        ck_assert_ptr_null(strstr(text, jstr(r.json, "secret")));
        free(text);
    }
    resp_free(&r);
}
END_TEST

static Suite *suite(void)
{
    Suite *su = suite_create("prometheus");
    TCase *tc = tcase_create("metrics");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, requests_are_counted_by_route_pattern_and_status);
    tcase_add_test(tc, methods_and_uncommon_statuses_have_bounded_labels);
    tcase_add_test(tc, exposition_names_every_series);
    tcase_add_test(tc, snapshot_series_follow_an_admin_write);
    tcase_add_test(tc, token_gauge_follows_the_token_cache);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    return test_run(suite());
}
