/*
 * The operator metrics registry (see obs.h). Every counter is a relaxed
 * C11 atomic in a static array: a request adds to three cells and
 * touches no lock. A scrape reads the cells one by one, so a request
 * finishing meanwhile may show in one series and not yet in another;
 * each series on its own only ever grows. The in-flight count is
 * lowered (release) after a request's counts are added and read
 * (acquire) before any count, so a request a scrape sees as finished is
 * always counted in it.
 */
#include "obs/obs.h"

#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "http/router.h"

#ifndef VX_VERSION
#define VX_VERSION "dev"
#endif

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The route slot of requests that matched no route. */
#define UNMATCHED VX_OBS_MAX_ROUTES
#define NROUTES (VX_OBS_MAX_ROUTES + 1)

static const char *const methods[] = {"GET",   "HEAD",   "POST",    "PUT",
                                      "PATCH", "DELETE", "OPTIONS", "other"};
#define NMETHODS NELEM(methods)

/* Statuses Vexil sends, each its own label; any other by its class. */
static const int statuses[] = {200, 201, 202, 204, 304, 400, 401, 403,
                               404, 405, 409, 413, 415, 500, 503};
static const char *const classes[] = {"1xx", "2xx", "3xx",
                                      "4xx", "5xx", "other"};
#define NSTATUSES (NELEM(statuses) + NELEM(classes))

/* Upper bounds of the duration buckets in microseconds; then +Inf. */
static const int64_t bounds_us[] = {1000,   5000,   10000,   50000,
                                    100000, 500000, 1000000, 5000000};
static const char *const bounds_text[] = {"0.001", "0.005", "0.01", "0.05",
                                          "0.1",   "0.5",   "1",    "5"};
#define NBUCKETS (NELEM(bounds_us) + 1)

/* Route families of the duration histogram, by pattern prefix. */
static const struct {
    const char *prefix, *name;
} families[] = {
    {"/api/admin/", "admin"},
    {"/api/client/", "client"},
    {"/api/frontend", "frontend"},
    {"/", "internal"},
};
#define NFAMILIES (NELEM(families) + 1) /* and "unmatched" */

static atomic_ullong requests[NROUTES][NMETHODS][NSTATUSES];
static atomic_ullong buckets[NROUTES][NBUCKETS];
static atomic_ullong sum_us[NROUTES];
static atomic_llong in_flight;
static atomic_llong start_ms;

void vx_obs_init(int64_t ms)
{
    atomic_store(&start_ms, ms);
}

void vx_obs_begin(void)
{
    atomic_fetch_add_explicit(&in_flight, 1, memory_order_relaxed);
}

/* The slot of method in methods[]. */
static size_t method_slot(const char *method)
{
    for (size_t i = 0; i + 1 < NMETHODS; i++)
        if (method && !strcmp(methods[i], method))
            return i;
    return NMETHODS - 1;
}

/* The slot of status: its own, else its class, else "other". */
static size_t status_slot(int status)
{
    for (size_t i = 0; i < NELEM(statuses); i++)
        if (statuses[i] == status)
            return i;
    if (status >= 100 && status <= 599)
        return NELEM(statuses) + (size_t)(status / 100 - 1);
    return NSTATUSES - 1;
}

/* The label text of status slot i, into buf. */
static const char *status_text(size_t i, char *buf, size_t len)
{
    if (i >= NELEM(statuses))
        return classes[i - NELEM(statuses)];
    snprintf(buf, len, "%d", statuses[i]);
    return buf;
}

/* The bucket of a duration: the first bound at or above it. */
static size_t bucket_slot(int64_t micros)
{
    size_t i = 0;

    while (i < NELEM(bounds_us) && micros > bounds_us[i])
        i++;
    return i;
}

void vx_obs_end(int route, const char *method, int status, int64_t micros)
{
    size_t r =
        route >= 0 && route < VX_OBS_MAX_ROUTES ? (size_t)route : UNMATCHED;

    if (micros < 0)
        micros = 0;
    atomic_fetch_add_explicit(
        &requests[r][method_slot(method)][status_slot(status)], 1,
        memory_order_relaxed);
    atomic_fetch_add_explicit(&buckets[r][bucket_slot(micros)], 1,
                              memory_order_relaxed);
    atomic_fetch_add_explicit(&sum_us[r], (unsigned long long)micros,
                              memory_order_relaxed);
    atomic_fetch_sub_explicit(&in_flight, 1, memory_order_release);
}

void vx_obs_head(struct vx_buf *b, const char *name, const char *type,
                 const char *help)
{
    vx_buf_addf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

void vx_obs_label(struct vx_buf *b, const char *value)
{
    for (const char *p = value; *p; p++) {
        if (*p == '\\')
            vx_buf_adds(b, "\\\\");
        else if (*p == '"')
            vx_buf_adds(b, "\\\"");
        else if (*p == '\n')
            vx_buf_adds(b, "\\n");
        else
            vx_buf_add(b, p, 1);
    }
}

/* Fill patterns[] with the pattern of every route slot (NULL past the
 * last route). */
static void route_patterns(const char *patterns[VX_OBS_MAX_ROUTES])
{
    size_t n = 0;

    memset(patterns, 0, sizeof(*patterns) * VX_OBS_MAX_ROUTES);
    for (int t = 0; vx_route_tables[t]; t++)
        for (const struct vx_route *r = vx_route_tables[t]; r->method; r++)
            if (n < VX_OBS_MAX_ROUTES)
                patterns[n++] = r->pattern;
}

/* The family (index into families[], or NFAMILIES - 1) of a pattern. */
static size_t family_of(const char *pattern)
{
    if (!pattern)
        return NFAMILIES - 1;
    for (size_t i = 0; i < NELEM(families); i++)
        if (!strncmp(pattern, families[i].prefix, strlen(families[i].prefix)))
            return i;
    return NELEM(families) - 1;
}

/* The label text of family i. */
static const char *family_name(size_t i)
{
    return i < NELEM(families) ? families[i].name : "unmatched";
}

/* Append every non-zero request counter. */
static void write_requests(struct vx_buf *b,
                           const char *patterns[VX_OBS_MAX_ROUTES])
{
    char num[16];

    vx_obs_head(b, "vexil_http_requests_total", "counter",
                "HTTP requests answered, by method, matched route pattern "
                "and status.");
    for (size_t r = 0; r < NROUTES; r++) {
        const char *route = r < UNMATCHED ? patterns[r] : "unmatched";

        for (size_t m = 0; m < NMETHODS; m++) {
            for (size_t s = 0; s < NSTATUSES; s++) {
                unsigned long long n = atomic_load_explicit(
                    &requests[r][m][s], memory_order_relaxed);

                if (!n || !route)
                    continue;
                vx_buf_addf(b,
                            "vexil_http_requests_total{method=\"%s\","
                            "route=\"",
                            methods[m]);
                vx_obs_label(b, route);
                vx_buf_addf(b, "\",status=\"%s\"} %llu\n",
                            status_text(s, num, sizeof(num)), n);
            }
        }
    }
}

/* Append the duration histogram, one per route family. */
static void write_durations(struct vx_buf *b,
                            const char *patterns[VX_OBS_MAX_ROUTES])
{
    unsigned long long counts[NFAMILIES][NBUCKETS] = {{0}};
    unsigned long long sums[NFAMILIES] = {0};

    for (size_t r = 0; r < NROUTES; r++) {
        size_t f = family_of(r < UNMATCHED ? patterns[r] : NULL);

        for (size_t k = 0; k < NBUCKETS; k++)
            counts[f][k] +=
                atomic_load_explicit(&buckets[r][k], memory_order_relaxed);
        sums[f] += atomic_load_explicit(&sum_us[r], memory_order_relaxed);
    }
    vx_obs_head(b, "vexil_http_request_duration_seconds", "histogram",
                "Time from a request's arrival to its reply being sent, "
                "by route family.");
    for (size_t f = 0; f < NFAMILIES; f++) {
        unsigned long long cum = 0;

        for (size_t k = 0; k < NBUCKETS; k++) {
            cum += counts[f][k];
            vx_buf_addf(b,
                        "vexil_http_request_duration_seconds_bucket"
                        "{family=\"%s\",le=\"%s\"} %llu\n",
                        family_name(f),
                        k < NELEM(bounds_text) ? bounds_text[k] : "+Inf", cum);
        }
        vx_buf_addf(b,
                    "vexil_http_request_duration_seconds_sum"
                    "{family=\"%s\"} %llu.%06llu\n",
                    family_name(f), sums[f] / 1000000, sums[f] % 1000000);
        vx_buf_addf(b,
                    "vexil_http_request_duration_seconds_count"
                    "{family=\"%s\"} %llu\n",
                    family_name(f), cum);
    }
}

void vx_obs_write(struct vx_buf *b)
{
    const char *patterns[VX_OBS_MAX_ROUTES];
    int64_t start = atomic_load(&start_ms);
    long long flying = atomic_load_explicit(&in_flight, memory_order_acquire);

    route_patterns(patterns);
    write_requests(b, patterns);
    write_durations(b, patterns);
    vx_obs_head(b, "vexil_http_requests_in_flight", "gauge",
                "HTTP requests received and not yet finished.");
    vx_buf_addf(b, "vexil_http_requests_in_flight %lld\n", flying);
    vx_obs_head(b, "vexil_process_start_time_seconds", "gauge",
                "Start time of the process since the Unix epoch, in "
                "seconds.");
    vx_buf_addf(b, "vexil_process_start_time_seconds %lld.%03lld\n",
                (long long)(start / 1000), (long long)(start % 1000));
    vx_obs_head(b, "vexil_build_info", "gauge",
                "Always 1; the version label names the running build.");
    vx_buf_adds(b, "vexil_build_info{version=\"");
    vx_obs_label(b, VX_VERSION);
    vx_buf_adds(b, "\"} 1\n");
}
