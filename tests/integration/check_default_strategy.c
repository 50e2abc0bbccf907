/*
 * A project's default strategy per environment: what a flag turned on
 * there with no strategy gets, instead of the built-in 100 % rollout.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define P "/api/admin/projects/default"
#define DEV_DEFAULT P "/environments/development/default-strategy"

static struct srv s;

static void setup(void)
{
    srv_start(&s, NULL);
}

static void teardown(void)
{
    srv_cleanup(&s);
}

/* Create flag name and turn it on in env. */
static void flag_on(const char *name, const char *env)
{
    char path[200];

    ck_assert_int_eq(
        req_j(&s, "POST", P "/features", ADMIN, NULL, "{s:s}", "name", name),
        201);
    snprintf(path, sizeof(path), P "/features/%s/environments/%s/on", name,
             env);
    ck_assert_int_eq(req(&s, "POST", path, ADMIN, NULL, NULL), 200);
}

/* The only strategy of flag name in env; caller frees r. */
static json_t *only_strategy(const char *name, const char *env, struct resp *r)
{
    char path[200];

    snprintf(path, sizeof(path), P "/features/%s/environments/%s/strategies",
             name, env);
    ck_assert_int_eq(req(&s, "GET", path, ADMIN, NULL, r), 200);
    ck_assert_int_eq(json_array_size(r->json), 1);
    return json_array_get(r->json, 0);
}

START_TEST(built_in_until_set)
{
    struct resp r;
    json_t *st;

    ck_assert_int_eq(req(&s, "GET", DEV_DEFAULT, ADMIN, NULL, &r), 200);
    ck_assert(json_is_true(jget(r.json, "builtIn")));
    ck_assert_str_eq(jstr(r.json, "name"), "flexibleRollout");
    ck_assert_str_eq(jstr(r.json, "parameters.rollout"), "100");
    resp_free(&r);

    flag_on("plain", "development");
    st = only_strategy("plain", "development", &r);
    ck_assert_str_eq(jstr(st, "name"), "flexibleRollout");
    ck_assert_str_eq(jstr(st, "parameters.rollout"), "100");
    ck_assert_str_eq(jstr(st, "parameters.groupId"), "plain");
    resp_free(&r);
}
END_TEST

START_TEST(set_default_is_what_new_toggles_get)
{
    struct resp r;
    json_t *st;

    ck_assert_int_eq(
        req(&s, "POST", DEV_DEFAULT, ADMIN,
            "{\"name\":\"flexibleRollout\",\"parameters\":{\"rollout\":\"25\","
            "\"stickiness\":\"userId\"},\"constraints\":[{\"contextName\":"
            "\"appName\",\"operator\":\"IN\",\"values\":[\"web\"]}]}",
            &r),
        200);
    ck_assert_str_eq(jstr(r.json, "parameters.rollout"), "25");
    /* Left out, the groupId is each flag's own name. */
    ck_assert_ptr_null(jget(r.json, "parameters.groupId"));
    resp_free(&r);
    ck_assert_int_eq(req(&s, "GET", P, ADMIN, NULL, &r), 200);
    ck_assert_str_eq(jstr(r.json, "environments[0].environment"),
                     "development");
    ck_assert_str_eq(
        jstr(r.json, "environments[0].defaultStrategy.parameters.rollout"),
        "25");
    ck_assert(json_is_null(jget(r.json, "environments[1].defaultStrategy")));
    resp_free(&r);

    flag_on("f", "development");
    st = only_strategy("f", "development", &r);
    ck_assert_str_eq(jstr(st, "name"), "flexibleRollout");
    ck_assert_str_eq(jstr(st, "parameters.rollout"), "25");
    ck_assert_str_eq(jstr(st, "parameters.stickiness"), "userId");
    ck_assert_str_eq(jstr(st, "parameters.groupId"), "f");
    ck_assert_str_eq(jstr(st, "constraints[0].contextName"), "appName");
    resp_free(&r);

    /* Another environment keeps the built-in one. */
    ck_assert_int_eq(req(&s, "POST", P "/features/f/environments/production/on",
                         ADMIN, NULL, NULL),
                     200);
    st = only_strategy("f", "production", &r);
    ck_assert_str_eq(jstr(st, "parameters.rollout"), "100");
    resp_free(&r);

    /* Recorded in the audit log. */
    ck_assert_int_eq(events_count(&s, "default-strategy-updated", NULL), 1);

    /* Cleared, new flags get the built-in one again. */
    ck_assert_int_eq(req(&s, "DELETE", DEV_DEFAULT, ADMIN, NULL, NULL), 200);
    ck_assert_int_eq(req(&s, "GET", DEV_DEFAULT, ADMIN, NULL, &r), 200);
    ck_assert(json_is_true(jget(r.json, "builtIn")));
    resp_free(&r);
    flag_on("g", "development");
    st = only_strategy("g", "development", &r);
    ck_assert_str_eq(jstr(st, "parameters.rollout"), "100");
    resp_free(&r);
    ck_assert_int_eq(events_count(&s, "default-strategy-updated", NULL), 2);
}
END_TEST

START_TEST(bad_defaults_are_refused_and_change_nothing)
{
    struct resp r;
    char *viewer = user_token(&s, "vera", "Viewer");
    char *editor = user_token(&s, "eddie", "Editor");

    ck_assert_int_eq(req(&s, "POST", DEV_DEFAULT, ADMIN,
                         "{\"name\":\"noSuchStrategy\"}", &r),
                     400);
    ck_assert_str_eq(jstr(r.json, "details[0].path"), "/body/name");
    resp_free(&r);
    ck_assert_int_eq(req(&s, "POST", DEV_DEFAULT, ADMIN,
                         "{\"name\":\"flexibleRollout\",\"parameters\":"
                         "{\"rollout\":\"250\"}}",
                         &r),
                     400);
    ck_assert_str_eq(jstr(r.json, "details[0].path"),
                     "/body/parameters/rollout");
    resp_free(&r);
    ck_assert_int_eq(
        req(&s, "POST", DEV_DEFAULT, viewer, "{\"name\":\"default\"}", NULL),
        403);
    ck_assert_int_eq(
        req(&s, "POST", DEV_DEFAULT, editor, "{\"name\":\"default\"}", NULL),
        403);
    ck_assert_int_eq(req(&s, "GET", DEV_DEFAULT, viewer, NULL, NULL), 200);
    ck_assert_int_eq(req(&s, "POST", P "/environments/nowhere/default-strategy",
                         ADMIN, "{\"name\":\"default\"}", NULL),
                     404);
    ck_assert_int_eq(req(&s, "POST",
                         "/api/admin/projects/nothing/environments/development/"
                         "default-strategy",
                         ADMIN, "{\"name\":\"default\"}", NULL),
                     404);

    ck_assert_int_eq(req(&s, "GET", DEV_DEFAULT, ADMIN, NULL, &r), 200);
    ck_assert(json_is_true(jget(r.json, "builtIn")));
    resp_free(&r);
    ck_assert_int_eq(events_count(&s, "default-strategy-updated", NULL), 0);
    free(viewer);
    free(editor);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("default_strategy");
    TCase *tc = tcase_create("project environments");
    SRunner *sr;
    int failed;

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, built_in_until_set);
    tcase_add_test(tc, set_default_is_what_new_toggles_get);
    tcase_add_test(tc, bad_defaults_are_refused_and_change_nothing);
    suite_add_tcase(su, tc);
    sr = srunner_create(su);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
