/*
 * The audit log: every write leaves an event with who, what and the
 * state before and after; the log is filtered, paged and readable by
 * every role.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static struct srv s;

static void setup(void)
{
    srv_start(&s, NULL);
}

static void teardown(void)
{
    srv_cleanup(&s);
}

/* totalEvents of a GET of path, which must answer 200. */
static long long total(const char *path)
{
    struct resp r;
    long long n;

    ck_assert_int_eq(req(&s, "GET", path, ADMIN, NULL, &r), 200);
    ck_assert_int_eq(jint(r.json, "version"), 1);
    n = jint(r.json, "totalEvents");
    resp_free(&r);
    return n;
}

/* Make three projects and update one, for events to look at. */
static void make_history(void)
{
    const char *ids[] = {"p1", "p2", "p3"};

    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(req_j(&s, "POST", "/api/admin/projects", ADMIN, NULL,
                               "{s:s, s:s}", "id", ids[i], "name", "Before"),
                         201);
    ck_assert_int_eq(req_j(&s, "PUT", "/api/admin/projects/p2", ADMIN, NULL,
                           "{s:s}", "name", "After"),
                     200);
}

START_TEST(writes_leave_events_newest_first)
{
    struct resp r;

    make_history();
    ck_assert_int_eq(req(&s, "GET", "/api/admin/events", ADMIN, NULL, &r), 200);
    ck_assert_str_eq(jstr(r.json, "events[0].type"), "project-updated");
    ck_assert_str_eq(jstr(r.json, "events[0].project"), "p2");
    ck_assert_str_eq(jstr(r.json, "events[0].createdBy"), "admin");
    ck_assert_int_eq(jint(r.json, "events[0].createdByUserId"), 1);
    ck_assert_str_eq(jstr(r.json, "events[0].preData.name"), "Before");
    ck_assert_str_eq(jstr(r.json, "events[0].data.name"), "After");
    ck_assert_ptr_nonnull(jstr(r.json, "events[0].createdAt"));
    ck_assert_str_eq(jstr(r.json, "events[1].type"), "project-created");
    ck_assert_str_eq(jstr(r.json, "events[1].project"), "p3");
    resp_free(&r);
}
END_TEST

START_TEST(events_are_filtered_and_paged)
{
    struct resp r;

    make_history();
    ck_assert_int_eq(total("/api/admin/events?type=project-created"), 3);
    ck_assert_int_eq(total("/api/admin/events?project=p2"), 2);
    ck_assert_int_eq(total("/api/admin/events?project=p2"
                           "&type=project-updated"),
                     1);
    ck_assert_int_eq(total("/api/admin/events?project=nope"), 0);
    ck_assert_int_eq(total("/api/admin/events?from=2000-01-01"
                           "&type=project-created"),
                     3);
    ck_assert_int_eq(total("/api/admin/events?to=2000-01-01"), 0);
    ck_assert_int_eq(total("/api/admin/events?from=2999-01-01T00:00:00Z"), 0);

    ck_assert_int_eq(req(&s, "GET",
                         "/api/admin/events?type=project-created&limit=2",
                         ADMIN, NULL, &r),
                     200);
    ck_assert_uint_eq(json_array_size(jget(r.json, "events")), 2);
    ck_assert_int_eq(jint(r.json, "totalEvents"), 3);
    ck_assert_str_eq(jstr(r.json, "events[0].project"), "p3");
    resp_free(&r);
    req(&s, "GET", "/api/admin/events?type=project-created&limit=2&offset=2",
        ADMIN, NULL, &r);
    ck_assert_uint_eq(json_array_size(jget(r.json, "events")), 1);
    ck_assert_str_eq(jstr(r.json, "events[0].project"), "p1");
    resp_free(&r);
}
END_TEST

START_TEST(bad_filters_are_400)
{
    const char *bad[] = {"/api/admin/events?from=yesterday",
                         "/api/admin/events?to=2024-13-01",
                         "/api/admin/events?limit=-1",
                         "/api/admin/events?limit=ten",
                         "/api/admin/events?limit=100000",
                         "/api/admin/events?offset=x",
                         "/api/admin/events/some-flag?from=nope",
                         NULL};
    struct resp r;

    for (int i = 0; bad[i]; i++) {
        ck_assert_int_eq(req(&s, "GET", bad[i], ADMIN, NULL, &r), 400);
        ck_assert_str_eq(jstr(r.json, "name"), "BadDataError");
        resp_free(&r);
    }
}
END_TEST

START_TEST(feature_events_name_the_flag)
{
    struct resp r;

    make_history();
    ck_assert_int_eq(
        req(&s, "GET", "/api/admin/events/some-flag", ADMIN, NULL, &r), 200);
    ck_assert_str_eq(jstr(r.json, "toggleName"), "some-flag");
    ck_assert_uint_eq(json_array_size(jget(r.json, "events")), 0);
    ck_assert_int_eq(jint(r.json, "totalEvents"), 0);
    resp_free(&r);
}
END_TEST

START_TEST(viewers_read_the_log_and_nobody_anonymous)
{
    struct resp r;
    char *tok;

    make_history();
    tok = user_token(&s, "viewer", "Viewer");

    ck_assert_int_eq(
        req(&s, "GET", "/api/admin/events?project=p2", tok, NULL, &r), 200);
    ck_assert_int_eq(jint(r.json, "totalEvents"), 2);
    resp_free(&r);
    ck_assert_int_eq(req(&s, "GET", "/api/admin/events", NULL, NULL, NULL),
                     401);

    /* The viewer's own token is an event, by the admin who issued it. */
    req(&s, "GET", "/api/admin/events?type=api-token-created", tok, NULL, &r);
    ck_assert_str_eq(jstr(r.json, "events[0].createdBy"), "admin");
    ck_assert_str_eq(jstr(r.json, "events[0].data.type"), "personal");
    ck_assert_ptr_null(strstr(r.body, tok + 5));
    resp_free(&r);
    free(tok);
}
END_TEST

static Suite *events_suite(void)
{
    Suite *su = suite_create("events");
    TCase *tc = tcase_create("events");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, writes_leave_events_newest_first);
    tcase_add_test(tc, events_are_filtered_and_paged);
    tcase_add_test(tc, bad_filters_are_400);
    tcase_add_test(tc, feature_events_name_the_flag);
    tcase_add_test(tc, viewers_read_the_log_and_nobody_anonymous);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    SRunner *sr = srunner_create(events_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
