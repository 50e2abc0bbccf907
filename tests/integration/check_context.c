/*
 * Context fields and strategy definitions: the built-in ones, custom
 * ones added and changed through the admin API, the checks on input
 * and who may write.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static struct srv s;
static char *editor, *viewer;

static void setup(void)
{
    srv_start(&s, NULL);
    editor = user_token(&s, "ed", "Editor");
    viewer = user_token(&s, "vi", "Viewer");
}

static void teardown(void)
{
    free(editor);
    free(viewer);
    srv_cleanup(&s);
}

/* Count of context fields listed. */
static size_t field_count(void)
{
    struct resp r;
    size_t n;

    ck_assert_int_eq(req(&s, "GET", "/api/admin/context", viewer, NULL, &r),
                     200);
    n = json_array_size(r.json);
    resp_free(&r);
    return n;
}

/* A request that must fail with status naming path (if not NULL). */
static void refused(const char *method, const char *url, const char *tok,
                    const char *body, long status, const char *path)
{
    struct resp r;

    ck_assert_int_eq(req(&s, method, url, tok, body, &r), status);
    if (path)
        ck_assert_str_eq(jstr(r.json, "details[0].path"), path);
    resp_free(&r);
}

START_TEST(builtin_context_fields_are_listed)
{
    struct resp r;

    ck_assert_uint_eq(field_count(), 6);
    ck_assert_int_eq(
        req(&s, "GET", "/api/admin/context/userId", viewer, NULL, &r), 200);
    ck_assert(json_is_true(jget(r.json, "stickiness")));
    ck_assert(json_is_array(jget(r.json, "legalValues")));
    resp_free(&r);
    ck_assert_int_eq(
        req(&s, "GET", "/api/admin/context/nope", viewer, NULL, NULL), 404);
}
END_TEST

START_TEST(context_field_lifecycle)
{
    struct resp r;

    ck_assert_int_eq(req_j(&s, "POST", "/api/admin/context", ADMIN, &r,
                           "{s:s, s:s, s:b, s:i, s:[{s:s, s:s}, s]}", "name",
                           "region", "description", "Where", "stickiness", 1,
                           "sortOrder", 3, "legalValues", "value", "eu",
                           "description", "Europe", "us"),
                     201);
    ck_assert_str_eq(jstr(r.json, "name"), "region");
    ck_assert_str_eq(jstr(r.json, "legalValues[0].value"), "eu");
    ck_assert_str_eq(jstr(r.json, "legalValues[0].description"), "Europe");
    ck_assert_str_eq(jstr(r.json, "legalValues[1].value"), "us");
    ck_assert_int_eq(jint(r.json, "sortOrder"), 3);
    resp_free(&r);
    ck_assert_uint_eq(field_count(), 7);
    req(&s, "GET", "/api/admin/events?type=context-field-created", ADMIN, NULL,
        &r);
    ck_assert_int_eq(jint(r.json, "totalEvents"), 1);
    ck_assert_str_eq(jstr(r.json, "events[0].data.name"), "region");
    ck_assert_str_eq(jstr(r.json, "events[0].createdBy"), "admin");
    resp_free(&r);

    /* Editors update; the fields not sent keep their values. */
    ck_assert_int_eq(req_j(&s, "PUT", "/api/admin/context/region", editor, &r,
                           "{s:[{s:s}]}", "legalValues", "value", "ap"),
                     200);
    ck_assert_str_eq(jstr(r.json, "legalValues[0].value"), "ap");
    ck_assert_uint_eq(json_array_size(jget(r.json, "legalValues")), 1);
    ck_assert_str_eq(jstr(r.json, "description"), "Where");
    ck_assert(json_is_true(jget(r.json, "stickiness")));
    resp_free(&r);

    req(&s, "GET", "/api/admin/events?type=context-field-updated", ADMIN, NULL,
        &r);
    ck_assert_str_eq(jstr(r.json, "events[0].preData.legalValues[0].value"),
                     "eu");
    ck_assert_str_eq(jstr(r.json, "events[0].data.legalValues[0].value"), "ap");
    ck_assert_str_eq(jstr(r.json, "events[0].createdBy"), "ed");
    resp_free(&r);

    refused("DELETE", "/api/admin/context/region", editor, NULL, 403, NULL);
    ck_assert_int_eq(
        req(&s, "DELETE", "/api/admin/context/region", ADMIN, NULL, NULL), 200);
    ck_assert_int_eq(
        req(&s, "GET", "/api/admin/context/region", ADMIN, NULL, NULL), 404);
    refused("DELETE", "/api/admin/context/region", ADMIN, NULL, 404, NULL);
    req(&s, "GET", "/api/admin/events?type=context-field-deleted", ADMIN, NULL,
        &r);
    ck_assert_int_eq(jint(r.json, "totalEvents"), 1);
    ck_assert_str_eq(jstr(r.json, "events[0].preData.name"), "region");
    resp_free(&r);
}
END_TEST

START_TEST(bad_context_fields_change_nothing)
{
    const char *url = "/api/admin/context";
    struct resp r;

    refused("POST", url, ADMIN, "{}", 400, "/body/name");
    refused("POST", url, ADMIN, "{\"name\":\"has space\"}", 400, "/body/name");
    refused("POST", url, ADMIN, "{\"name\":\"a\",\"stickiness\":\"yes\"}", 400,
            "/body/stickiness");
    refused("POST", url, ADMIN, "{\"name\":\"a\",\"sortOrder\":\"1\"}", 400,
            "/body/sortOrder");
    refused("POST", url, ADMIN, "{\"name\":\"a\",\"legalValues\":{}}", 400,
            "/body/legalValues");
    refused("POST", url, ADMIN,
            "{\"name\":\"a\",\"legalValues\":[\"x\",\"x\"]}", 400,
            "/body/legalValues/1");
    refused("POST", url, ADMIN,
            "{\"name\":\"a\",\"legalValues\":[{\"description\":\"d\"}]}", 400,
            "/body/legalValues/0");
    refused("POST", url, ADMIN, "{\"name\":\"a\",\"legalValues\":[3]}", 400,
            "/body/legalValues/0");
    refused("POST", url, ADMIN, "{\"name\":\"userId\"}", 409, "/body/name");
    refused("POST", url, viewer, "{\"name\":\"a\"}", 403, NULL);
    refused("POST", url, editor, "{\"name\":\"a\"}", 403, NULL);
    ck_assert_uint_eq(field_count(), 6);

    refused("PUT", "/api/admin/context/nope", ADMIN, "{}", 404, NULL);
    refused("PUT", "/api/admin/context/userId", viewer, "{}", 403, NULL);
    refused("PUT", "/api/admin/context/userId", editor, "{\"description\":5}",
            400, "/body/description");

    /* Built-in fields stay. */
    ck_assert_int_eq(
        req(&s, "DELETE", "/api/admin/context/userId", ADMIN, NULL, &r), 400);
    ck_assert_ptr_nonnull(strstr(jstr(r.json, "message"), "built-in"));
    resp_free(&r);
    ck_assert_uint_eq(field_count(), 6);
    ck_assert_int_eq(req(&s, "GET",
                         "/api/admin/events?type=context-field-"
                         "deleted",
                         ADMIN, NULL, &r),
                     200);
    ck_assert_int_eq(jint(r.json, "totalEvents"), 0);
    resp_free(&r);
}
END_TEST

START_TEST(builtin_strategies_are_listed)
{
    struct resp r;
    json_t *list;
    size_t i;
    json_t *d;
    int seen = 0;

    ck_assert_int_eq(req(&s, "GET", "/api/admin/strategies", viewer, NULL, &r),
                     200);
    ck_assert_int_eq(jint(r.json, "version"), 1);
    list = jget(r.json, "strategies");
    ck_assert_uint_eq(json_array_size(list), 8);
    json_array_foreach (list, i, d) {
        ck_assert(json_is_false(json_object_get(d, "editable")));
        ck_assert(json_is_array(json_object_get(d, "parameters")));
        if (!strcmp(json_string_value(json_object_get(d, "name")),
                    "flexibleRollout")) {
            seen = 1;
            ck_assert(json_is_false(json_object_get(d, "deprecated")));
        }
    }
    ck_assert(seen);
    resp_free(&r);
    ck_assert_int_eq(
        req(&s, "GET", "/api/admin/strategies/userWithId", viewer, NULL, &r),
        200);
    ck_assert_str_eq(jstr(r.json, "parameters[0].name"), "userIds");
    ck_assert_str_eq(jstr(r.json, "parameters[0].type"), "list");
    resp_free(&r);
    ck_assert_int_eq(
        req(&s, "GET", "/api/admin/strategies/nope", viewer, NULL, NULL), 404);
}
END_TEST

START_TEST(custom_strategy_lifecycle)
{
    const char *url = "/api/admin/strategies";
    struct resp r;

    ck_assert_int_eq(req_j(&s, "POST", url, ADMIN, &r,
                           "{s:s, s:s, s:[{s:s, s:s, s:s, s:b}, {s:s, s:s}]}",
                           "name", "byTenant", "description", "On for tenants",
                           "parameters", "name", "tenants", "type", "list",
                           "description", "ids", "required", 1, "name", "share",
                           "type", "percentage"),
                     201);
    ck_assert_str_eq(jstr(r.json, "name"), "byTenant");
    ck_assert(json_is_true(jget(r.json, "editable")));
    ck_assert(json_is_true(jget(r.json, "parameters[0].required")));
    ck_assert(json_is_false(jget(r.json, "parameters[1].required")));
    ck_assert_str_eq(jstr(r.json, "parameters[1].description"), "");
    resp_free(&r);
    req(&s, "GET", "/api/admin/events?type=strategy-created", ADMIN, NULL, &r);
    ck_assert_int_eq(jint(r.json, "totalEvents"), 1);
    ck_assert_str_eq(jstr(r.json, "events[0].data.name"), "byTenant");
    resp_free(&r);

    ck_assert_int_eq(req_j(&s, "PUT", "/api/admin/strategies/byTenant", ADMIN,
                           &r, "{s:s}", "description", "Tenants"),
                     200);
    ck_assert_str_eq(jstr(r.json, "description"), "Tenants");
    ck_assert_uint_eq(json_array_size(jget(r.json, "parameters")), 2);
    resp_free(&r);

    ck_assert_int_eq(req(&s, "POST", "/api/admin/strategies/byTenant/deprecate",
                         ADMIN, NULL, NULL),
                     200);
    req(&s, "GET", "/api/admin/strategies/byTenant", ADMIN, NULL, &r);
    ck_assert(json_is_true(jget(r.json, "deprecated")));
    resp_free(&r);
    ck_assert_int_eq(req(&s, "POST",
                         "/api/admin/strategies/byTenant/reactivate", ADMIN,
                         NULL, NULL),
                     200);
    req(&s, "GET", "/api/admin/strategies/byTenant", ADMIN, NULL, &r);
    ck_assert(json_is_false(jget(r.json, "deprecated")));
    resp_free(&r);

    req(&s, "GET", "/api/admin/events?type=strategy-updated", ADMIN, NULL, &r);
    ck_assert_str_eq(jstr(r.json, "events[0].preData.description"),
                     "On for tenants");
    ck_assert_str_eq(jstr(r.json, "events[0].data.description"), "Tenants");
    resp_free(&r);
    ck_assert_int_eq(
        req(&s, "DELETE", "/api/admin/strategies/byTenant", ADMIN, NULL, NULL),
        200);
    ck_assert_int_eq(
        req(&s, "GET", "/api/admin/strategies/byTenant", ADMIN, NULL, NULL),
        404);
    req(&s, "GET", "/api/admin/events?type=strategy-deprecated", ADMIN, NULL,
        &r);
    ck_assert_int_eq(jint(r.json, "totalEvents"), 1);
    resp_free(&r);
    req(&s, "GET", "/api/admin/events?type=strategy-deleted", ADMIN, NULL, &r);
    ck_assert_int_eq(jint(r.json, "totalEvents"), 1);
    ck_assert_str_eq(jstr(r.json, "events[0].preData.name"), "byTenant");
    resp_free(&r);
}
END_TEST

START_TEST(bad_strategies_change_nothing)
{
    const char *url = "/api/admin/strategies";
    struct resp r;

    refused("POST", url, ADMIN, "{}", 400, "/body/name");
    refused("POST", url, ADMIN, "{\"name\":\"a b\"}", 400, "/body/name");
    refused("POST", url, ADMIN, "{\"name\":\"a\",\"parameters\":{}}", 400,
            "/body/parameters");
    refused("POST", url, ADMIN, "{\"name\":\"a\",\"parameters\":[7]}", 400,
            "/body/parameters/0");
    refused("POST", url, ADMIN,
            "{\"name\":\"a\",\"parameters\":[{\"name\":\"p\","
            "\"type\":\"date\"}]}",
            400, "/body/parameters/0");
    refused("POST", url, ADMIN,
            "{\"name\":\"a\",\"parameters\":[{\"type\":\"list\"}]}", 400,
            "/body/parameters/0");
    refused("POST", url, ADMIN, "{\"name\":\"default\"}", 409, "/body/name");
    refused("POST", url, viewer, "{\"name\":\"a\"}", 403, NULL);
    refused("POST", url, editor, "{\"name\":\"a\"}", 403, NULL);
    ck_assert_int_eq(
        req(&s, "GET", "/api/admin/strategies/a", ADMIN, NULL, NULL), 404);

    /* Built-ins are read-only. */
    refused("PUT", "/api/admin/strategies/flexibleRollout", ADMIN,
            "{\"description\":\"mine\"}", 400, NULL);
    refused("DELETE", "/api/admin/strategies/default", ADMIN, NULL, 400, NULL);
    refused("POST", "/api/admin/strategies/default/deprecate", ADMIN, NULL, 400,
            NULL);
    refused("PUT", "/api/admin/strategies/nope", ADMIN, "{}", 404, NULL);
    refused("POST", "/api/admin/strategies/nope/deprecate", ADMIN, NULL, 404,
            NULL);
    req(&s, "GET", "/api/admin/strategies/flexibleRollout", ADMIN, NULL, &r);
    ck_assert_str_ne(jstr(r.json, "description"), "mine");
    resp_free(&r);
    req(&s, "GET", "/api/admin/strategies", ADMIN, NULL, &r);
    ck_assert_uint_eq(json_array_size(jget(r.json, "strategies")), 8);
    resp_free(&r);
}
END_TEST

static Suite *context_suite(void)
{
    Suite *su = suite_create("context");
    TCase *tc = tcase_create("context");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, builtin_context_fields_are_listed);
    tcase_add_test(tc, context_field_lifecycle);
    tcase_add_test(tc, bad_context_fields_change_nothing);
    tcase_add_test(tc, builtin_strategies_are_listed);
    tcase_add_test(tc, custom_strategy_lifecycle);
    tcase_add_test(tc, bad_strategies_change_nothing);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    SRunner *sr = srunner_create(context_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
