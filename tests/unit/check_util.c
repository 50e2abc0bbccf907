/*
 * Helpers every module leans on: time stamps, names, identifiers and
 * the string builder; and the settings parser.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "util.h"
#include "vx_err.h"

START_TEST(iso_time_round_trips)
{
    char buf[32];
    int64_t ms = 0;

    vx_time_iso(1764781375123LL, buf, sizeof(buf));
    ck_assert_str_eq(buf, "2025-12-03T17:02:55.123Z");
    ck_assert_int_eq(vx_time_parse(buf, &ms), VX_OK);
    ck_assert_int_eq(ms, 1764781375123LL);
}
END_TEST

START_TEST(iso_time_before_1970_keeps_its_milliseconds)
{
    char buf[32];
    int64_t ms = 0;

    vx_time_iso(-100, buf, sizeof(buf));
    ck_assert_str_eq(buf, "1969-12-31T23:59:59.900Z");
    ck_assert_int_eq(vx_time_parse("1949-02-28T23:59:59.9-05:30", &ms), VX_OK);
    vx_time_iso(ms, buf, sizeof(buf));
    ck_assert_str_eq(buf, "1949-03-01T05:29:59.900Z");
    ck_assert_int_eq(vx_time_parse(buf, &ms), VX_OK);
    vx_time_iso(ms, buf, sizeof(buf));
    ck_assert_str_eq(buf, "1949-03-01T05:29:59.900Z");
}
END_TEST

START_TEST(time_parse_accepts_dates_and_offsets)
{
    int64_t a = 0, b = 0;

    ck_assert_int_eq(vx_time_parse("2025-12-03", &a), VX_OK);
    ck_assert_int_eq(vx_time_parse("2025-12-03T00:00:00Z", &b), VX_OK);
    ck_assert_int_eq(a, b);
    ck_assert_int_eq(vx_time_parse("2025-12-03T01:00:00+01:00", &a), VX_OK);
    ck_assert_int_eq(a, b);
    ck_assert_int_eq(vx_time_parse("2025-12-03T00:00:00.5Z", &a), VX_OK);
    ck_assert_int_eq(a, b + 500);
}
END_TEST

START_TEST(time_parse_rejects_garbage)
{
    int64_t t;

    ck_assert_int_eq(vx_time_parse("", &t), VX_EINVAL);
    ck_assert_int_eq(vx_time_parse("yesterday", &t), VX_EINVAL);
    ck_assert_int_eq(vx_time_parse("2025-13-01", &t), VX_EINVAL);
    ck_assert_int_eq(vx_time_parse("2026-02-31", &t), VX_EINVAL);
    ck_assert_int_eq(vx_time_parse("2025-02-29", &t), VX_EINVAL);
    ck_assert_int_eq(vx_time_parse("2024-02-29", &t), VX_OK);
    ck_assert_int_eq(vx_time_parse("2025-12-03T10:00:00+99:99", &t), VX_EINVAL);
    ck_assert_int_eq(vx_time_parse("2025-12-03T25:00:00Z", &t), VX_EINVAL);
    ck_assert_int_eq(vx_time_parse("2025-12-03Tjunk", &t), VX_EINVAL);
    ck_assert_int_eq(vx_time_parse("2025-12-03T10:00:00Zextra", &t), VX_EINVAL);
}
END_TEST

START_TEST(names_must_be_url_safe_and_bounded)
{
    char name[102];

    ck_assert(vx_name_ok("my-flag_1.x~y", 100));
    ck_assert(!vx_name_ok("", 100));
    ck_assert(!vx_name_ok("not a valid name!", 100));
    ck_assert(!vx_name_ok("a/b", 100));
    ck_assert(!vx_name_ok("..", 100));
    ck_assert(!vx_name_ok("caf\xc3\xa9", 100));
    memset(name, 'a', 100);
    name[100] = '\0';
    ck_assert(vx_name_ok(name, 100));
    name[100] = 'a';
    name[101] = '\0';
    ck_assert(!vx_name_ok(name, 100));
}
END_TEST

START_TEST(uuids_are_version_4_and_distinct)
{
    char a[37], b[37];

    vx_uuid(a);
    vx_uuid(b);
    ck_assert_int_eq(strlen(a), 36);
    ck_assert_int_eq(a[14], '4');
    ck_assert(strchr("89ab", a[19]) != NULL);
    ck_assert_str_ne(a, b);
}
END_TEST

START_TEST(buf_grows_and_formats)
{
    struct vx_buf b = {0};

    for (int i = 0; i < 1000; i++)
        vx_buf_addf(&b, "%d,", i % 10);
    vx_buf_adds(&b, "end");
    ck_assert_int_eq(b.len, 2003);
    ck_assert_int_eq(strncmp(b.buf, "0,1,2,", 6), 0);
    ck_assert_str_eq(b.buf + 2000, "end");
    free(b.buf);
}
END_TEST

START_TEST(config_defaults_env_and_flags)
{
    struct vx_config cfg;
    char *argv[] = {"--port", "5000", "--db=/tmp/x.db", NULL};

    setenv("VEXIL_PORT", "4000", 1);
    setenv("VEXIL_HOST", "0.0.0.0", 1);
    ck_assert_int_eq(vx_config_load(&cfg, 2, argv), 0);
    ck_assert_int_eq(cfg.port, 5000);
    ck_assert_str_eq(cfg.host, "0.0.0.0");
    ck_assert_str_eq(cfg.db_path, "./data/vexil.db");
    vx_config_release(&cfg);
    ck_assert_int_eq(vx_config_load(&cfg, 3, argv), 0);
    ck_assert_str_eq(cfg.db_path, "/tmp/x.db");
    ck_assert_int_eq(cfg.body_limit, 1024 * 1024);
    vx_config_release(&cfg);
    unsetenv("VEXIL_PORT");
    unsetenv("VEXIL_HOST");
}
END_TEST

START_TEST(config_rejects_bad_values)
{
    struct vx_config cfg;
    char *bad_port[] = {"--port", "70000"};
    char *unknown[] = {"--colour", "red"};
    char *missing[] = {"--port"};

    ck_assert_int_eq(vx_config_load(&cfg, 2, bad_port), -1);
    vx_config_release(&cfg);
    ck_assert_int_eq(vx_config_load(&cfg, 2, unknown), -1);
    vx_config_release(&cfg);
    ck_assert_int_eq(vx_config_load(&cfg, 1, missing), -1);
    vx_config_release(&cfg);
    setenv("VEXIL_LOG_LEVEL", "loud", 1);
    ck_assert_int_eq(vx_config_load(&cfg, 0, NULL), -1);
    vx_config_release(&cfg);
    unsetenv("VEXIL_LOG_LEVEL");
}
END_TEST

int main(void)
{
    Suite *su = suite_create("util");
    TCase *tc = tcase_create("helpers");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, iso_time_round_trips);
    tcase_add_test(tc, iso_time_before_1970_keeps_its_milliseconds);
    tcase_add_test(tc, time_parse_accepts_dates_and_offsets);
    tcase_add_test(tc, time_parse_rejects_garbage);
    tcase_add_test(tc, names_must_be_url_safe_and_bounded);
    tcase_add_test(tc, uuids_are_version_4_and_distinct);
    tcase_add_test(tc, buf_grows_and_formats);
    tcase_add_test(tc, config_defaults_env_and_flags);
    tcase_add_test(tc, config_rejects_bad_values);
    suite_add_tcase(su, tc);
    sr = srunner_create(su);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
