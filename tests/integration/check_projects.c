/*
 * /api/admin/projects and /api/admin/environments over HTTP: the happy
 * paths, the errors naming the field, refused writes leaving the state
 * as it was, and the audit event each write leaves.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "../testing.h"

#define PR "/api/admin/projects"
#define EN "/api/admin/environments"

static struct srv s;
static char *editor;

static void setup(void)
{
    srv_start(&s, NULL);
    editor = user_token(&s, "ed", "Editor");
}

static void teardown(void)
{
    free(editor);
    editor = NULL;
    srv_cleanup(&s);
}

/* GET path as admin, expecting 200; the response goes to r. */
static void get_ok(const char *path, struct resp *r)
{
    ck_assert_int_eq(req(&s, "GET", path, ADMIN, NULL, r), 200);
}

/* The string at jpath of GET path (copied into a static buffer). */
static const char *read_str(const char *path, const char *jpath)
{
    static char buf[256];
    struct resp r;
    const char *v;

    get_ok(path, &r);
    v = jstr(r.json, jpath);
    ck_assert_ptr_nonnull(v);
    snprintf(buf, sizeof(buf), "%s", v);
    resp_free(&r);
    return buf;
}

/* Assert r is a 400-class error whose detail names path (e.g. /body/id). */
static void assert_names(struct resp *r, const char *name, const char *path)
{
    ck_assert_str_eq(jstr(r->json, "name"), name);
    ck_assert_str_eq(jstr(r->json, "details[0].path"), path);
    ck_assert_ptr_nonnull(jstr(r->json, "message"));
}

START_TEST(project_is_created_read_updated_and_deleted)
{
    struct resp r;

    ck_assert_int_eq(req_j(&s, "POST", PR, ADMIN, &r, "{s:s,s:s,s:s}", "id",
                           "shop", "name", "Shop", "description", "the shop"),
                     201);
    ck_assert_str_eq(jstr(r.json, "id"), "shop");
    ck_assert_str_eq(jstr(r.json, "name"), "Shop");
    /* A new project has every environment. */
    ck_assert_ptr_nonnull(jstr(r.json, "environments[0].environment"));
    resp_free(&r);
    ck_assert_str_eq(read_str(PR "/shop", "description"), "the shop");
    ck_assert_int_eq(events_count(&s, "project-created", NULL), 1);

    ck_assert_int_eq(
        req_j(&s, "PUT", PR "/shop", ADMIN, &r, "{s:s}", "name", "Store"), 200);
    ck_assert_str_eq(jstr(r.json, "name"), "Store");
    resp_free(&r);
    ck_assert_str_eq(read_str(PR "/shop", "name"), "Store");
    /* What the update left out stays. */
    ck_assert_str_eq(read_str(PR "/shop", "description"), "the shop");

    ck_assert_int_eq(req(&s, "DELETE", PR "/shop", ADMIN, NULL, NULL), 200);
    ck_assert_int_eq(req(&s, "GET", PR "/shop", ADMIN, NULL, NULL), 404);
    get_ok("/api/admin/events?type=project-deleted", &r);
    ck_assert_int_eq(jint(r.json, "totalEvents"), 1);
    ck_assert_str_eq(jstr(r.json, "events[0].project"), "shop");
    ck_assert_str_eq(jstr(r.json, "events[0].preData.name"), "Store");
    ck_assert_str_eq(jstr(r.json, "events[0].createdBy"), "admin");
    resp_free(&r);
}
END_TEST

START_TEST(bad_project_bodies_are_400_naming_the_field)
{
    struct resp r;

    ck_assert_int_eq(req_j(&s, "POST", PR, ADMIN, &r, "{s:s}", "name", "X"),
                     400);
    assert_names(&r, "BadDataError", "/body/id");
    resp_free(&r);
    ck_assert_int_eq(
        req_j(&s, "POST", PR, ADMIN, &r, "{s:s,s:i}", "id", "p", "name", 5),
        400);
    assert_names(&r, "BadDataError", "/body/name");
    ck_assert_ptr_nonnull(strstr(jstr(r.json, "message"), "a string"));
    resp_free(&r);
    ck_assert_int_eq(req_j(&s, "POST", PR, ADMIN, &r, "{s:s,s:s}", "id",
                           "not url friendly", "name", "X"),
                     400);
    assert_names(&r, "BadDataError", "/body/id");
    resp_free(&r);
    ck_assert_int_eq(
        req_j(&s, "PUT", PR "/default", ADMIN, &r, "{s:s}", "name", ""), 400);
    assert_names(&r, "BadDataError", "/body/name");
    resp_free(&r);
    /* Nothing was made or changed. */
    get_ok(PR, &r);
    ck_assert_uint_eq(json_array_size(jget(r.json, "projects")), 1);
    resp_free(&r);
    ck_assert_str_eq(read_str(PR "/default", "name"), "Default");
    ck_assert_int_eq(events_count(&s, "project-created", NULL), 0);
    ck_assert_int_eq(events_count(&s, "project-updated", NULL), 0);
}
END_TEST

START_TEST(duplicate_project_is_409_and_keeps_the_first)
{
    struct resp r;

    ck_assert_int_eq(req_j(&s, "POST", PR, ADMIN, NULL, "{s:s,s:s}", "id",
                           "shop", "name", "First"),
                     201);
    ck_assert_int_eq(req_j(&s, "POST", PR, ADMIN, &r, "{s:s,s:s}", "id", "shop",
                           "name", "Second"),
                     409);
    assert_names(&r, "NameExistsError", "/body/id");
    ck_assert_ptr_nonnull(strstr(jstr(r.json, "message"), "\"shop\""));
    resp_free(&r);
    ck_assert_str_eq(read_str(PR "/shop", "name"), "First");
    ck_assert_int_eq(events_count(&s, "project-created", NULL), 1);
}
END_TEST

START_TEST(unknown_project_is_404_and_default_cannot_go)
{
    struct resp r;

    ck_assert_int_eq(
        req_j(&s, "PUT", PR "/nope", ADMIN, &r, "{s:s}", "name", "X"), 404);
    ck_assert_str_eq(jstr(r.json, "name"), "NotFoundError");
    ck_assert_ptr_nonnull(strstr(jstr(r.json, "message"), "\"nope\""));
    resp_free(&r);
    ck_assert_int_eq(req(&s, "DELETE", PR "/nope", ADMIN, NULL, NULL), 404);
    ck_assert_int_eq(req(&s, "DELETE", PR "/default", ADMIN, NULL, &r), 400);
    ck_assert_ptr_nonnull(strstr(jstr(r.json, "message"), "default project"));
    resp_free(&r);
    ck_assert_str_eq(read_str(PR "/default", "id"), "default");
    ck_assert_int_eq(events_count(&s, "project-deleted", NULL), 0);
}
END_TEST

START_TEST(project_with_flags_cannot_be_deleted)
{
    struct resp r;

    ck_assert_int_eq(req_j(&s, "POST", PR, ADMIN, NULL, "{s:s,s:s}", "id",
                           "shop", "name", "Shop"),
                     201);
    ck_assert_int_eq(req_j(&s, "POST", PR "/shop/features", ADMIN, NULL,
                           "{s:s}", "name", "f"),
                     201);
    ck_assert_int_eq(req(&s, "DELETE", PR "/shop", ADMIN, NULL, &r), 409);
    ck_assert_ptr_nonnull(strstr(jstr(r.json, "message"), "flags"));
    resp_free(&r);
    ck_assert_int_eq(req(&s, "GET", PR "/shop/features/f", ADMIN, NULL, NULL),
                     200);
    ck_assert_int_eq(events_count(&s, "project-deleted", NULL), 0);
}
END_TEST

START_TEST(editor_cannot_write_projects_or_environments)
{
    struct resp r;

    ck_assert_int_eq(req_j(&s, "POST", PR, editor, &r, "{s:s,s:s}", "id",
                           "shop", "name", "Shop"),
                     403);
    ck_assert_str_eq(jstr(r.json, "name"), "NoAccessError");
    ck_assert_ptr_nonnull(strstr(jstr(r.json, "message"), "Admin"));
    resp_free(&r);
    ck_assert_int_eq(
        req_j(&s, "PUT", PR "/default", editor, NULL, "{s:s}", "name", "X"),
        403);
    ck_assert_int_eq(req_j(&s, "POST", EN, editor, NULL, "{s:s,s:s}", "name",
                           "qa", "type", "test"),
                     403);
    ck_assert_int_eq(req(&s, "DELETE", EN "/development", editor, NULL, NULL),
                     403);
    /* Editors still read both. */
    ck_assert_int_eq(req(&s, "GET", PR, editor, NULL, NULL), 200);
    ck_assert_int_eq(req(&s, "GET", EN, editor, NULL, NULL), 200);
    ck_assert_int_eq(req(&s, "GET", PR "/shop", ADMIN, NULL, NULL), 404);
    ck_assert_str_eq(read_str(PR "/default", "name"), "Default");
    ck_assert_int_eq(req(&s, "GET", EN "/qa", ADMIN, NULL, NULL), 404);
    ck_assert_int_eq(req(&s, "GET", EN "/development", ADMIN, NULL, NULL), 200);
}
END_TEST

START_TEST(environment_lifecycle_leaves_events)
{
    struct resp r;

    ck_assert_int_eq(req_j(&s, "POST", EN, ADMIN, &r, "{s:s,s:s,s:i}", "name",
                           "qa", "type", "test", "sortOrder", 7),
                     201);
    ck_assert_str_eq(jstr(r.json, "name"), "qa");
    ck_assert_int_eq(jint(r.json, "sortOrder"), 7);
    resp_free(&r);
    /* Every project gets the new environment. */
    get_ok(PR "/default", &r);
    {
        json_t *envs = jget(r.json, "environments"), *e;
        size_t i;
        int found = 0;

        json_array_foreach (envs, i, e)
            found += !strcmp(jstr(e, "environment"), "qa");
        ck_assert_int_eq(found, 1);
    }
    resp_free(&r);
    get_ok("/api/admin/events?type=environment-created", &r);
    ck_assert_int_eq(jint(r.json, "totalEvents"), 1);
    ck_assert_str_eq(jstr(r.json, "events[0].environment"), "qa");
    ck_assert_str_eq(jstr(r.json, "events[0].data.type"), "test");
    resp_free(&r);

    ck_assert_int_eq(req_j(&s, "PUT", EN "/qa", ADMIN, NULL, "{s:s}", "type",
                           "preproduction"),
                     200);
    ck_assert_str_eq(read_str(EN "/qa", "type"), "preproduction");
    get_ok("/api/admin/events?type=environment-updated", &r);
    ck_assert_str_eq(jstr(r.json, "events[0].preData.type"), "test");
    ck_assert_str_eq(jstr(r.json, "events[0].data.type"), "preproduction");
    resp_free(&r);

    ck_assert_int_eq(req(&s, "DELETE", EN "/qa", ADMIN, NULL, NULL), 200);
    ck_assert_int_eq(req(&s, "GET", EN "/qa", ADMIN, NULL, NULL), 404);
    get_ok("/api/admin/events?type=environment-deleted", &r);
    ck_assert_int_eq(jint(r.json, "totalEvents"), 1);
    ck_assert_str_eq(jstr(r.json, "events[0].preData.name"), "qa");
    resp_free(&r);
}
END_TEST

START_TEST(bad_environments_are_refused_and_change_nothing)
{
    struct resp r;

    ck_assert_int_eq(req_j(&s, "POST", EN, ADMIN, &r, "{s:s}", "name", "qa"),
                     400);
    assert_names(&r, "BadDataError", "/body/type");
    resp_free(&r);
    ck_assert_int_eq(req_j(&s, "POST", EN, ADMIN, &r, "{s:s,s:s}", "name", "qa",
                           "type", "staging-ish"),
                     400);
    assert_names(&r, "BadDataError", "/body/type");
    resp_free(&r);
    ck_assert_int_eq(req(&s, "GET", EN "/qa", ADMIN, NULL, NULL), 404);
    ck_assert_int_eq(req_j(&s, "POST", EN, ADMIN, &r, "{s:s,s:s}", "name",
                           "development", "type", "production"),
                     409);
    assert_names(&r, "NameExistsError", "/body/name");
    resp_free(&r);
    ck_assert_str_eq(read_str(EN "/development", "type"), "development");
    ck_assert_int_eq(
        req_j(&s, "PUT", EN "/nope", ADMIN, &r, "{s:s}", "type", "test"), 404);
    ck_assert_ptr_nonnull(strstr(jstr(r.json, "message"), "\"nope\""));
    resp_free(&r);
    ck_assert_int_eq(events_count(&s, "environment-created", NULL), 0);
    ck_assert_int_eq(events_count(&s, "environment-updated", NULL), 0);
}
END_TEST

START_TEST(project_environments_are_removed_and_added_back)
{
    struct resp r;

    ck_assert_int_eq(req(&s, "DELETE", PR "/default/environments/development",
                         ADMIN, NULL, NULL),
                     200);
    get_ok(PR "/default", &r);
    {
        json_t *envs = jget(r.json, "environments"), *e;
        size_t i;

        json_array_foreach (envs, i, e)
            ck_assert_str_ne(jstr(e, "environment"), "development");
    }
    resp_free(&r);
    ck_assert_int_eq(events_count(&s, "project-environment-removed", NULL), 1);
    /* Removing it again: it is not there. */
    ck_assert_int_eq(req(&s, "DELETE", PR "/default/environments/development",
                         ADMIN, NULL, NULL),
                     404);
    ck_assert_int_eq(req_j(&s, "POST", PR "/default/environments", ADMIN, &r,
                           "{s:s}", "environment", "nope"),
                     404);
    assert_names(&r, "NotFoundError", "/body/environment");
    resp_free(&r);
    ck_assert_int_eq(
        req_j(&s, "POST", PR "/default/environments", ADMIN, &r, "{}"), 400);
    assert_names(&r, "BadDataError", "/body/environment");
    resp_free(&r);
    ck_assert_int_eq(req_j(&s, "POST", PR "/default/environments", ADMIN, NULL,
                           "{s:s}", "environment", "development"),
                     200);
    ck_assert_str_eq(read_str(PR "/default", "environments[0].environment"),
                     "development");
    get_ok("/api/admin/events?type=project-environment-added", &r);
    ck_assert_int_eq(jint(r.json, "totalEvents"), 1);
    ck_assert_str_eq(jstr(r.json, "events[0].environment"), "development");
    ck_assert_str_eq(jstr(r.json, "events[0].project"), "default");
    resp_free(&r);
}
END_TEST

static Suite *suite(void)
{
    Suite *su = suite_create("projects");
    TCase *tc = tcase_create("projects");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, project_is_created_read_updated_and_deleted);
    tcase_add_test(tc, bad_project_bodies_are_400_naming_the_field);
    tcase_add_test(tc, duplicate_project_is_409_and_keeps_the_first);
    tcase_add_test(tc, unknown_project_is_404_and_default_cannot_go);
    tcase_add_test(tc, project_with_flags_cannot_be_deleted);
    tcase_add_test(tc, editor_cannot_write_projects_or_environments);
    tcase_add_test(tc, environment_lifecycle_leaves_events);
    tcase_add_test(tc, bad_environments_are_refused_and_change_nothing);
    tcase_add_test(tc, project_environments_are_removed_and_added_back);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    return test_run(suite());
}
