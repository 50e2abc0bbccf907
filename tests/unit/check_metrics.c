/*
 * The usage-metrics counters: adding reports up in memory, hour buckets,
 * and flushing into a real store in a temporary folder.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "metrics/metrics.h"
#include "store/client_metrics.h"
#include "store/sql.h"
#include "store/store.h"
#include "util.h"
#include "../testing.h"

#define HOUR 3600000LL

static char dir[64];
static struct vx_store *st;
static struct vx_metrics *m;
static int64_t now;

static void setup(void)
{
    char path[128];
    struct vx_err err = {0};

    test_tempdir(dir, sizeof(dir), "vexil-metrics-");
    snprintf(path, sizeof(path), "%s/vexil.db", dir);
    ck_assert_int_eq(vx_store_open(path, &st, &err), 0);
    m = vx_metrics_new(st, 3600);
    /* Half past an hour, so "an hour earlier" is another bucket. */
    now = vx_metrics_hour(vx_time_now_ms()) + HOUR / 2;
}

static void teardown(void)
{
    char cmd[128];

    vx_metrics_free(m);
    vx_store_close(st);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}

/* Report toggles (JSON text) for app in env, bucket starting at start. */
static void report(const char *app, const char *env, int64_t start,
                   const char *toggles)
{
    struct vx_metrics_client c = {0};
    json_t *t = json_loads(toggles, 0, NULL);

    ck_assert_ptr_nonnull(t);
    c.app_name = app;
    c.environment = env;
    c.instance_id = "i1";
    c.interval = -1;
    vx_metrics_add(m, &c, start, t, now);
    json_decref(t);
}

static void flush(void)
{
    struct vx_err err = {0};

    ck_assert_int_eq(vx_metrics_flush(m, &err), 0);
}

/* The raw rows of flag from 48 hours back, as the admin API gives them. */
static json_t *raw(const char *flag)
{
    struct vx_err err = {0};
    json_t *rows = NULL;
    char since[32];

    vx_time_iso(now - 48 * HOUR, since, sizeof(since));
    ck_assert_int_eq(vx_store_read(st, &err), 0);
    ck_assert_int_eq(vx_store_flag_raw(st, flag, since, &rows, &err), 0);
    vx_store_done(st);
    return rows;
}

/* The row of app in env at the hour of ms; NULL if none. Borrowed. */
static json_t *row_of(json_t *rows, const char *app, const char *env,
                      int64_t ms)
{
    char hour[32];
    json_t *r;
    size_t i;

    vx_time_iso(vx_metrics_hour(ms), hour, sizeof(hour));
    json_array_foreach (rows, i, r) {
        if (!strcmp(json_string_value(json_object_get(r, "appName")), app) &&
            !strcmp(json_string_value(json_object_get(r, "environment")),
                    env) &&
            !strcmp(json_string_value(json_object_get(r, "timestamp")), hour))
            return r;
    }
    return NULL;
}

static long long num(json_t *r, const char *key)
{
    ck_assert_ptr_nonnull(r);
    return json_integer_value(json_object_get(r, key));
}

START_TEST(reports_of_one_hour_add_up)
{
    json_t *rows, *r;

    report("shop", "development", now,
           "{\"f\":{\"yes\":3,\"no\":1,\"variants\":{\"blue\":2}}}");
    report("shop", "development", now - 60000,
           "{\"f\":{\"yes\":4,\"no\":0,\"variants\":{\"blue\":1,"
           "\"red\":5}}}");
    report("admin", "development", now, "{\"f\":{\"yes\":1,\"no\":1}}");
    report("shop", "production", now, "{\"f\":{\"yes\":0,\"no\":9}}");
    flush();

    rows = raw("f");
    ck_assert_int_eq(json_array_size(rows), 3);
    r = row_of(rows, "shop", "development", now);
    ck_assert_int_eq(num(r, "yes"), 7);
    ck_assert_int_eq(num(r, "no"), 1);
    ck_assert_int_eq(num(json_object_get(r, "variants"), "blue"), 3);
    ck_assert_int_eq(num(json_object_get(r, "variants"), "red"), 5);
    ck_assert_int_eq(num(row_of(rows, "admin", "development", now), "no"), 1);
    ck_assert_int_eq(num(row_of(rows, "shop", "production", now), "no"), 9);
    json_decref(rows);
}
END_TEST

/* Report n flags named prefix0..prefix<n-1>, one yes each. */
static void report_many(const char *prefix, int from, int n)
{
    struct vx_buf b = {0};

    vx_buf_adds(&b, "{");
    for (int i = from; i < from + n; i++)
        vx_buf_addf(&b, "%s\"%s%d\":{\"yes\":1,\"no\":0}", i > from ? "," : "",
                    prefix, i);
    vx_buf_adds(&b, "}");
    report("flood", "development", now, b.buf);
    free(b.buf);
}

START_TEST(invented_names_cannot_fill_memory)
{
    json_t *rows;

    report("shop", "development", now, "{\"known\":{\"yes\":1,\"no\":0}}");
    /* Far more new names than one flush interval takes in. */
    for (int i = 0; i < 60; i++)
        report_many("junk-", i * 1000, 1000);
    /* Names already held keep counting; new ones are dropped. */
    report("shop", "development", now, "{\"known\":{\"yes\":1,\"no\":0}}");
    report("shop", "development", now, "{\"late\":{\"yes\":1,\"no\":0}}");
    flush();
    rows = raw("known");
    ck_assert_int_eq(num(row_of(rows, "shop", "development", now), "yes"), 2);
    json_decref(rows);
    rows = raw("late");
    ck_assert_int_eq(json_array_size(rows), 0);
    json_decref(rows);
    rows = raw("junk-59999");
    ck_assert_int_eq(json_array_size(rows), 0);
    json_decref(rows);
    rows = raw("junk-0");
    ck_assert_int_eq(json_array_size(rows), 1);
    json_decref(rows);

    /* A flush makes room again. */
    report("shop", "development", now, "{\"late\":{\"yes\":1,\"no\":0}}");
    flush();
    rows = raw("late");
    ck_assert_int_eq(json_array_size(rows), 1);
    json_decref(rows);
}
END_TEST

START_TEST(hours_are_separate_buckets)
{
    json_t *rows;
    char hour[32];

    report("shop", "development", now, "{\"f\":{\"yes\":1}}");
    report("shop", "development", now - HOUR, "{\"f\":{\"yes\":2}}");
    report("shop", "development", now - 3 * HOUR, "{\"f\":{\"yes\":4}}");
    /* A clock ahead of the server's counts in the current hour. */
    report("shop", "development", now + 5 * HOUR, "{\"f\":{\"yes\":8}}");
    flush();

    rows = raw("f");
    ck_assert_int_eq(json_array_size(rows), 3);
    ck_assert_int_eq(num(row_of(rows, "shop", "development", now), "yes"), 9);
    ck_assert_int_eq(
        num(row_of(rows, "shop", "development", now - HOUR), "yes"), 2);
    ck_assert_int_eq(
        num(row_of(rows, "shop", "development", now - 3 * HOUR), "yes"), 4);
    vx_time_iso(vx_metrics_hour(now), hour, sizeof(hour));
    ck_assert_str_eq(json_string_value(
                         json_object_get(json_array_get(rows, 2), "timestamp")),
                     hour);
    ck_assert_ptr_nonnull(strstr(hour, ":00:00.000Z"));
    json_decref(rows);
}
END_TEST

START_TEST(hour_start_rounds_down)
{
    ck_assert_int_eq(vx_metrics_hour(0), 0);
    ck_assert_int_eq(vx_metrics_hour(HOUR - 1), 0);
    ck_assert_int_eq(vx_metrics_hour(HOUR), HOUR);
    ck_assert_int_eq(vx_metrics_hour(5 * HOUR + 1234), 5 * HOUR);
    ck_assert_int_eq(vx_metrics_hour(-1), -HOUR);
}
END_TEST

START_TEST(second_flush_adds_nothing_more)
{
    json_t *rows;

    report("shop", "development", now, "{\"f\":{\"yes\":3,\"no\":2}}");
    flush();
    flush();
    rows = raw("f");
    ck_assert_int_eq(json_array_size(rows), 1);
    ck_assert_int_eq(num(json_array_get(rows, 0), "yes"), 3);
    json_decref(rows);

    /* A later flush of the same hour adds to the stored row. */
    report("shop", "development", now, "{\"f\":{\"yes\":1,\"no\":1}}");
    flush();
    rows = raw("f");
    ck_assert_int_eq(json_array_size(rows), 1);
    ck_assert_int_eq(num(json_array_get(rows, 0), "yes"), 4);
    ck_assert_int_eq(num(json_array_get(rows, 0), "no"), 3);
    json_decref(rows);
}
END_TEST

START_TEST(flush_records_instances_and_applications)
{
    struct vx_metrics_client c = {0};
    struct vx_err err = {0};
    json_t *strategies = json_pack("[ss]", "default", "flexibleRollout");
    json_t *app = NULL, *inst;

    c.app_name = "shop";
    c.instance_id = "pod-1";
    c.environment = "production";
    c.sdk_version = "unleash-client-node:6.12.1";
    c.strategies = strategies;
    c.started = "2026-01-01T10:00:00.000Z";
    c.interval = 60000;
    c.remote_addr = "10.0.0.7";
    vx_metrics_register(m, &c, now);
    json_decref(strategies);
    report("shop", "development", now, "{\"f\":{\"yes\":1}}");
    flush();

    ck_assert_int_eq(vx_store_read(st, &err), 0);
    ck_assert_int_eq(vx_store_app_get(st, "shop", &app, &err), 0);
    ck_assert_int_eq(vx_store_app_get(st, "nobody", &inst, &err), VX_ENOTFOUND);
    vx_store_done(st);
    ck_assert_str_eq(json_string_value(
                         json_array_get(json_object_get(app, "strategies"), 1)),
                     "flexibleRollout");
    ck_assert_int_eq(json_array_size(json_object_get(app, "instances")), 2);
    ck_assert_int_eq(json_array_size(json_object_get(app, "environments")), 2);
    ck_assert_str_eq(json_string_value(json_array_get(
                         json_object_get(app, "seenToggles"), 0)),
                     "f");
    inst = json_array_get(json_object_get(app, "instances"), 1);
    ck_assert_str_eq(json_string_value(json_object_get(inst, "instanceId")),
                     "pod-1");
    ck_assert_str_eq(json_string_value(json_object_get(inst, "clientIp")),
                     "10.0.0.7");
    ck_assert_str_eq(json_string_value(json_object_get(inst, "sdkVersion")),
                     "unleash-client-node:6.12.1");
    ck_assert_int_eq(num(inst, "interval"), 60000);
    json_decref(app);
}
END_TEST

/* Create flag f in the default project, with rows for both envs. */
static void make_flag(const char *f)
{
    struct vx_err err = {0};

    ck_assert_int_eq(vx_store_begin(st, &err), 0);
    ck_assert_int_eq(vx_sql_run(st, &err,
                                "INSERT INTO features (name, project_id,"
                                " created_at) VALUES (?, 'default', 'x')",
                                "s", f),
                     0);
    ck_assert_int_eq(vx_sql_run(st, &err,
                                "INSERT INTO feature_environments"
                                " (feature_name, environment)"
                                " SELECT ?, name FROM environments",
                                "s", f),
                     0);
    ck_assert_int_eq(vx_store_commit(st, &err), 0);
}

/* last_seen_at of flag f in env, or "" when NULL; caller frees. */
static char *last_seen(const char *f, const char *env)
{
    struct vx_err err = {0};
    json_t *row = NULL;
    char *out;

    ck_assert_int_eq(vx_store_read(st, &err), 0);
    ck_assert_int_eq(vx_sql_row(st, &err, &row,
                                "SELECT coalesce(last_seen_at, '') AS t"
                                " FROM feature_environments"
                                " WHERE feature_name = ? AND environment = ?",
                                "ss", f, env),
                     0);
    vx_store_done(st);
    out = strdup(json_string_value(json_object_get(row, "t")));
    json_decref(row);
    return out;
}

/* Counts calls of the store's change hook. */
static void on_change(void *arg)
{
    (*(int *)arg)++;
}

START_TEST(flush_sets_last_seen_of_flags_counted)
{
    struct vx_err err = {0};
    char iso[32], *t;
    int64_t events = -1;
    int changes = 0;

    make_flag("known");
    make_flag("idle");
    vx_store_set_change_hook(st, on_change, &changes);
    report("shop", "development", now,
           "{\"known\":{\"yes\":1},\"idle\":{\"yes\":0,\"no\":0},"
           "\"unknown\":{\"no\":2}}");
    flush();
    vx_time_iso(now, iso, sizeof(iso));
    t = last_seen("known", "development");
    ck_assert_str_eq(t, iso);
    free(t);
    t = last_seen("known", "production");
    ck_assert_str_eq(t, "");
    free(t);
    t = last_seen("idle", "development");
    ck_assert_str_eq(t, "");
    free(t);

    /* Not a change by a user, nor one SDKs see. */
    ck_assert_int_eq(changes, 0);
    ck_assert_int_eq(vx_store_read(st, &err), 0);
    ck_assert_int_eq(
        vx_sql_int(st, &err, &events, "SELECT count(*) FROM events", ""), 0);
    vx_store_done(st);
    ck_assert_int_eq(events, 0);
}
END_TEST

START_TEST(last_seen_fills_a_missing_environment_row)
{
    struct vx_err err = {0};
    char iso[32], *t;

    ck_assert_int_eq(vx_store_begin(st, &err), 0);
    ck_assert_int_eq(vx_sql_run(st, &err,
                                "INSERT INTO features (name, project_id,"
                                " created_at) VALUES ('late', 'default', 'x')",
                                ""),
                     0);
    ck_assert_int_eq(vx_store_commit(st, &err), 0);
    report("shop", "production", now, "{\"late\":{\"no\":1}}");
    flush();
    vx_time_iso(now, iso, sizeof(iso));
    t = last_seen("late", "production");
    ck_assert_str_eq(t, iso);
    free(t);
}
END_TEST

/* Rename table a to b, to make writes to it fail. */
static void rename_table(const char *a, const char *b)
{
    struct vx_err err = {0};
    char sql[128];

    snprintf(sql, sizeof(sql), "ALTER TABLE %s RENAME TO %s", a, b);
    ck_assert_int_eq(vx_store_begin(st, &err), 0);
    ck_assert_int_eq(vx_sql_run(st, &err, sql, ""), 0);
    ck_assert_int_eq(vx_store_commit(st, &err), 0);
}

START_TEST(failed_flush_keeps_the_counts_for_the_next)
{
    struct vx_err err = {0};
    json_t *rows;

    report("shop", "development", now, "{\"f\":{\"yes\":3}}");
    rename_table("client_metrics", "client_metrics_away");
    ck_assert_int_ne(vx_metrics_flush(m, &err), 0);
    ck_assert_int_eq(err.code, VX_EDB);
    rename_table("client_metrics_away", "client_metrics");

    report("shop", "development", now, "{\"f\":{\"yes\":1}}");
    flush();
    rows = raw("f");
    ck_assert_int_eq(json_array_size(rows), 1);
    ck_assert_int_eq(num(json_array_get(rows, 0), "yes"), 4);
    json_decref(rows);
}
END_TEST

START_TEST(stop_flushes_what_is_left)
{
    json_t *rows;

    ck_assert_int_eq(vx_metrics_start(m), 0);
    report("shop", "development", now, "{\"f\":{\"no\":6}}");
    vx_metrics_stop(m);
    rows = raw("f");
    ck_assert_int_eq(json_array_size(rows), 1);
    ck_assert_int_eq(num(json_array_get(rows, 0), "no"), 6);
    json_decref(rows);
}
END_TEST

START_TEST(thread_flushes_on_its_own)
{
    json_t *rows = NULL;

    vx_metrics_free(m);
    m = vx_metrics_new(st, 1);
    ck_assert_int_eq(vx_metrics_start(m), 0);
    report("shop", "development", now, "{\"f\":{\"yes\":2}}");
    for (int i = 0; i < 100; i++) {
        json_decref(rows);
        rows = raw("f");
        if (json_array_size(rows) > 0)
            break;
        usleep(50 * 1000);
    }
    ck_assert_int_eq(json_array_size(rows), 1);
    ck_assert_int_eq(num(json_array_get(rows, 0), "yes"), 2);
    json_decref(rows);
}
END_TEST

static Suite *suite(void)
{
    Suite *su = suite_create("metrics");
    TCase *tc = tcase_create("counters");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, reports_of_one_hour_add_up);
    tcase_add_test(tc, hours_are_separate_buckets);
    tcase_add_test(tc, invented_names_cannot_fill_memory);
    tcase_add_test(tc, hour_start_rounds_down);
    tcase_add_test(tc, second_flush_adds_nothing_more);
    tcase_add_test(tc, flush_records_instances_and_applications);
    tcase_add_test(tc, flush_sets_last_seen_of_flags_counted);
    tcase_add_test(tc, last_seen_fills_a_missing_environment_row);
    tcase_add_test(tc, failed_flush_keeps_the_counts_for_the_next);
    tcase_add_test(tc, stop_flushes_what_is_left);
    tcase_add_test(tc, thread_flushes_on_its_own);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    int failed;

    vx_log_set_level(VX_LOG_WARN);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
