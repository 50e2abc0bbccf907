/*
 * Segments over HTTP: create, list, read, replace and delete; the
 * refusals (bad input, duplicate names, a segment still in use); and
 * that a segment change reaches the flags that use it.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "harness.h"
#include "../testing.h"

#define S "/api/admin/segments"
#define P "/api/admin/projects/default"
#define STRATS(f) P "/features/" f "/environments/development/strategies"

static struct srv s;
/* The personal token of a Viewer user every test starts with. */
static char *viewer;

/* Open the server's database (it may be serving: WAL allows readers). */
static sqlite3 *open_db(void)
{
    char path[300];
    sqlite3 *db = NULL;

    snprintf(path, sizeof(path), "%s/vexil.db", s.dir);
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    return db;
}

/* One integer from sql with one text parameter arg. */
static long long db_int(const char *sql, const char *arg)
{
    sqlite3 *db = open_db();
    sqlite3_stmt *q = NULL;
    long long v = -1;

    ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
    sqlite3_bind_text(q, 1, arg, -1, SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW)
        v = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    sqlite3_close(db);
    return v;
}

/* The number of audit events of type. */
static long long events(const char *type)
{
    return events_count(&s, type, NULL);
}

static long long version_of(const char *flag)
{
    return db_int("SELECT version FROM features WHERE name = ?", flag);
}

/* Create a segment from JSON text; returns its id. */
static long long mk_segment(const char *body)
{
    struct resp r;
    long long id;

    ck_assert_int_eq(req(&s, "POST", S, ADMIN, body, &r), 201);
    id = jint(r.json, "id");
    ck_assert_int_gt(id, 0);
    resp_free(&r);
    return id;
}

/* Number of segments listed. */
static size_t n_segments(void)
{
    struct resp r;
    size_t n;

    ck_assert_int_eq(req(&s, "GET", S, ADMIN, NULL, &r), 200);
    n = json_array_size(jget(r.json, "segments"));
    resp_free(&r);
    return n;
}

static void setup(void)
{
    srv_start(&s, NULL);
    viewer = user_token(&s, "viewer", "Viewer");
}

static void teardown(void)
{
    free(viewer);
    viewer = NULL;
    srv_cleanup(&s);
}

START_TEST(segment_is_created_listed_and_read)
{
    struct resp r;
    char path[64];
    long long id;

    ck_assert_int_eq(req(&s, "POST", S, ADMIN,
                         "{\"name\":\"beta users\",\"description\":\"b\","
                         "\"constraints\":[{\"contextName\":\"userId\","
                         "\"operator\":\"IN\",\"values\":[\"1\",2]}]}",
                         &r),
                     201);
    id = jint(r.json, "id");
    ck_assert_int_gt(id, 0);
    ck_assert_str_eq(jstr(r.json, "name"), "beta users");
    ck_assert_str_eq(jstr(r.json, "constraints[0].values[1]"), "2");
    ck_assert(json_is_null(jget(r.json, "project")));
    ck_assert_str_eq(jstr(r.json, "createdBy"), "admin");
    resp_free(&r);

    ck_assert_int_eq(req(&s, "GET", S, viewer, NULL, &r), 200);
    ck_assert_uint_eq(json_array_size(jget(r.json, "segments")), 1);
    ck_assert_str_eq(jstr(r.json, "segments[0].description"), "b");
    resp_free(&r);
    snprintf(path, sizeof(path), S "/%lld", id);
    ck_assert_int_eq(req(&s, "GET", path, viewer, NULL, &r), 200);
    ck_assert_int_eq(jint(r.json, "id"), id);
    resp_free(&r);
    ck_assert_int_eq(req(&s, "GET", S "/999", ADMIN, NULL, NULL), 404);
    ck_assert_int_eq(req(&s, "GET", S "/abc", ADMIN, NULL, NULL), 404);
    ck_assert_int_eq(events("segment-created"), 1);

    mk_segment("{\"name\":\"scoped\",\"project\":\"default\","
               "\"constraints\":[]}");
    ck_assert_uint_eq(n_segments(), 2);
}
END_TEST

/* POST body and expect status with needle in the reply. */
static void create_refused(const char *body, long status, const char *needle)
{
    struct resp r;

    ck_assert_int_eq(req(&s, "POST", S, ADMIN, body, &r), status);
    ck_assert_msg(strstr(r.body, needle), "for %s: %s", body, r.body);
    resp_free(&r);
}

START_TEST(bad_segments_are_refused_and_change_nothing)
{
    mk_segment("{\"name\":\"a\",\"constraints\":[]}");
    create_refused("{\"constraints\":[]}", 400, "/body/name");
    create_refused("{\"name\":\"b\"}", 400, "/body/constraints");
    create_refused("{\"name\":\"b\",\"constraints\":{}}", 400,
                   "/body/constraints");
    create_refused("{\"name\":\"b\",\"constraints\":[{\"contextName\":"
                   "\"v\",\"operator\":\"SEMVER_EQ\",\"value\":\"1.x\"}]}",
                   400, "not a valid semver");
    create_refused("{\"name\":\"b\",\"constraints\":[{\"contextName\":"
                   "\"v\",\"operator\":\"BETWEEN\"}]}",
                   400, "BETWEEN");
    create_refused("{\"name\":\"b\",\"project\":\"nope\","
                   "\"constraints\":[]}",
                   400, "nope");
    create_refused("{\"name\":\"a\",\"constraints\":[]}", 409,
                   "already exists");
    ck_assert_int_eq(
        req(&s, "POST", S, viewer, "{\"name\":\"v\",\"constraints\":[]}", NULL),
        403);
    ck_assert_uint_eq(n_segments(), 1);
    ck_assert_int_eq(events("segment-created"), 1);
}
END_TEST

START_TEST(update_reaches_the_flags_that_use_it)
{
    struct resp r;
    char body[300], path[64];
    long long id, other, v0;

    id = mk_segment("{\"name\":\"a\",\"constraints\":[]}");
    other = mk_segment("{\"name\":\"b\",\"constraints\":[]}");
    ck_assert_int_eq(
        req_j(&s, "POST", P "/features", ADMIN, NULL, "{s:s}", "name", "f1"),
        201);
    snprintf(body, sizeof(body), "{\"name\":\"default\",\"segments\":[%lld]}",
             id);
    ck_assert_int_eq(req(&s, "POST", STRATS("f1"), ADMIN, body, &r), 200);
    ck_assert_int_eq(jint(r.json, "segments[0]"), id);
    resp_free(&r);
    v0 = version_of("f1");

    snprintf(path, sizeof(path), S "/%lld", id);
    ck_assert_int_eq(req(&s, "PUT", path, ADMIN,
                         "{\"name\":\"a2\",\"constraints\":[{\"contextName\""
                         ":\"n\",\"operator\":\"NUM_GTE\",\"value\":5}]}",
                         NULL),
                     204);
    ck_assert_int_eq(req(&s, "GET", path, ADMIN, NULL, &r), 200);
    ck_assert_str_eq(jstr(r.json, "name"), "a2");
    ck_assert_str_eq(jstr(r.json, "constraints[0].value"), "5");
    resp_free(&r);
    ck_assert_int_eq(version_of("f1"), v0 + 1);
    ck_assert_int_eq(events("segment-updated"), 1);

    /* Refused updates change nothing. */
    ck_assert_int_eq(req(&s, "PUT", path, ADMIN,
                         "{\"name\":\"b\",\"constraints\":[]}", NULL),
                     409);
    ck_assert_int_eq(req(&s, "PUT", path, ADMIN,
                         "{\"name\":\"a3\",\"constraints\":[{}]}", NULL),
                     400);
    ck_assert_int_eq(req(&s, "PUT", path, viewer,
                         "{\"name\":\"a3\",\"constraints\":[]}", NULL),
                     403);
    ck_assert_int_eq(req(&s, "PUT", S "/999", ADMIN,
                         "{\"name\":\"a3\",\"constraints\":[]}", NULL),
                     404);
    ck_assert_int_eq(req(&s, "GET", path, ADMIN, NULL, &r), 200);
    ck_assert_str_eq(jstr(r.json, "name"), "a2");
    resp_free(&r);
    ck_assert_int_eq(version_of("f1"), v0 + 1);
    ck_assert_int_eq(events("segment-updated"), 1);
    (void)other;
}
END_TEST

START_TEST(segment_in_use_cannot_be_deleted)
{
    struct resp r;
    char body[300], path[64], spath[300];
    long long id;

    id = mk_segment("{\"name\":\"a\",\"constraints\":[]}");
    ck_assert_int_eq(
        req_j(&s, "POST", P "/features", ADMIN, NULL, "{s:s}", "name", "f1"),
        201);
    snprintf(body, sizeof(body), "{\"name\":\"default\",\"segments\":[%lld]}",
             id);
    ck_assert_int_eq(req(&s, "POST", STRATS("f1"), ADMIN, body, &r), 200);
    snprintf(spath, sizeof(spath), STRATS("f1") "/%s", jstr(r.json, "id"));
    resp_free(&r);

    snprintf(path, sizeof(path), S "/%lld", id);
    ck_assert_int_eq(req(&s, "DELETE", path, ADMIN, NULL, &r), 409);
    ck_assert_ptr_nonnull(strstr(jstr(r.json, "message"), "\"f1\""));
    resp_free(&r);
    ck_assert_int_eq(req(&s, "GET", path, ADMIN, NULL, NULL), 200);
    ck_assert_int_eq(req(&s, "DELETE", path, viewer, NULL, NULL), 403);

    ck_assert_int_eq(req(&s, "DELETE", spath, ADMIN, NULL, NULL), 200);
    ck_assert_int_eq(req(&s, "DELETE", path, ADMIN, NULL, NULL), 204);
    ck_assert_int_eq(req(&s, "GET", path, ADMIN, NULL, NULL), 404);
    ck_assert_int_eq(req(&s, "DELETE", path, ADMIN, NULL, NULL), 404);
    ck_assert_int_eq(events("segment-deleted"), 1);
}
END_TEST

START_TEST(project_segment_stays_in_its_project)
{
    struct resp r;
    char body[300], path[64];
    long long id;

    ck_assert_int_eq(req_j(&s, "POST", "/api/admin/projects", ADMIN, NULL,
                           "{s:s, s:s}", "id", "other", "name", "Other"),
                     201);
    ck_assert_int_eq(req_j(&s, "POST", "/api/admin/projects/other/features",
                           ADMIN, NULL, "{s:s}", "name", "f2"),
                     201);
    id = mk_segment("{\"name\":\"mine\",\"project\":\"default\","
                    "\"constraints\":[]}");
    snprintf(body, sizeof(body), "{\"name\":\"default\",\"segments\":[%lld]}",
             id);
    ck_assert_int_eq(req(&s, "POST",
                         "/api/admin/projects/other/features/f2/"
                         "environments/development/strategies",
                         ADMIN, body, &r),
                     400);
    ck_assert_ptr_nonnull(strstr(r.body, "belongs to project"));
    resp_free(&r);

    /* A shared segment used in "other" cannot be narrowed to "default". */
    snprintf(path, sizeof(path), S "/%lld", id);
    ck_assert_int_eq(req(&s, "PUT", path, ADMIN,
                         "{\"name\":\"mine\",\"constraints\":[]}", NULL),
                     204);
    ck_assert_int_eq(req(&s, "POST",
                         "/api/admin/projects/other/features/f2/"
                         "environments/development/strategies",
                         ADMIN, body, NULL),
                     200);
    ck_assert_int_eq(req(&s, "PUT", path, ADMIN,
                         "{\"name\":\"mine\",\"project\":\"default\","
                         "\"constraints\":[]}",
                         NULL),
                     409);
}
END_TEST

static Suite *suite(void)
{
    Suite *su = suite_create("segments");
    TCase *tc = tcase_create("admin");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, segment_is_created_listed_and_read);
    tcase_add_test(tc, bad_segments_are_refused_and_change_nothing);
    tcase_add_test(tc, update_reaches_the_flags_that_use_it);
    tcase_add_test(tc, segment_in_use_cannot_be_deleted);
    tcase_add_test(tc, project_segment_stays_in_its_project);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    return test_run(suite());
}
