/*
 * Tag types over HTTP: the built-in "simple", creating, reading,
 * changing, validating and deleting types, who may do each, tagging a
 * flag only with a type that exists, types carried by imports and
 * exports, and types of tags stored before tag types existed.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "harness.h"
#include "../testing.h"

#define TT "/api/admin/tag-types"
#define P "/api/admin/projects/default/features"

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
    editor = viewer = NULL;
    srv_cleanup(&s);
}

/* Names of every tag type, comma-separated, in a static buffer. */
static const char *type_names(void)
{
    static char out[512];
    struct resp r;
    size_t i, o = 0;
    json_t *t;

    ck_assert_int_eq(req(&s, "GET", TT, viewer, NULL, &r), 200);
    ck_assert_int_eq(jint(r.json, "version"), 1);
    out[0] = '\0';
    json_array_foreach (jget(r.json, "tagTypes"), i, t) {
        o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%s", i ? "," : "",
                              json_string_value(json_object_get(t, "name")));
    }
    resp_free(&r);
    return out;
}

/* POST body to path as token; expect status and details[0].path. */
static void refused(const char *path, const char *token, const char *body,
                    long status, const char *where)
{
    struct resp r;

    ck_assert_int_eq(req(&s, "POST", path, token, body, &r), status);
    if (where)
        ck_assert_msg(jstr(r.json, "details[0].path") &&
                          !strcmp(jstr(r.json, "details[0].path"), where),
                      "for %s: %s", body, r.body);
    resp_free(&r);
}

START_TEST(simple_is_there_from_the_start)
{
    struct resp r;

    ck_assert_str_eq(type_names(), "simple");
    ck_assert_int_eq(req(&s, "GET", TT "/simple", viewer, NULL, &r), 200);
    ck_assert_int_eq(jint(r.json, "version"), 1);
    ck_assert_str_eq(jstr(r.json, "tagType.name"), "simple");
    ck_assert_ptr_nonnull(jstr(r.json, "tagType.description"));
    resp_free(&r);
    ck_assert_int_eq(req(&s, "GET", TT "/nope", viewer, NULL, &r), 404);
    ck_assert_ptr_nonnull(strstr(jstr(r.json, "message"), "\"nope\""));
    resp_free(&r);
}
END_TEST

START_TEST(create_read_update_delete)
{
    struct resp r;

    ck_assert_int_eq(req(&s, "POST", TT, editor,
                         "{\"name\":\"team\",\"description\":\"owning "
                         "team\",\"icon\":\"people\"}",
                         &r),
                     201);
    ck_assert_str_eq(jstr(r.json, "name"), "team");
    ck_assert_str_eq(jstr(r.json, "description"), "owning team");
    ck_assert_str_eq(jstr(r.json, "icon"), "people");
    ck_assert_str_eq(resp_header(&r, "Location"), "tag-types/team");
    resp_free(&r);
    ck_assert_int_eq(req(&s, "POST", TT, ADMIN, "{\"name\":\"bare\"}", &r),
                     201);
    ck_assert_str_eq(jstr(r.json, "description"), "");
    ck_assert(json_is_null(jget(r.json, "icon")));
    resp_free(&r);
    ck_assert_str_eq(type_names(), "bare,simple,team");
    ck_assert_int_eq(events_count(&s, "tag-type-created", NULL), 2);

    /* PUT changes the description and icon; the name stays. */
    ck_assert_int_eq(req(&s, "PUT", TT "/team", editor,
                         "{\"description\":\"who owns it\"}", &r),
                     200);
    ck_assert_str_eq(jstr(r.json, "description"), "who owns it");
    ck_assert_str_eq(jstr(r.json, "icon"), "people");
    resp_free(&r);
    ck_assert_int_eq(req(&s, "GET", TT "/team", viewer, NULL, &r), 200);
    ck_assert_str_eq(jstr(r.json, "tagType.description"), "who owns it");
    resp_free(&r);
    ck_assert_int_eq(
        req(&s, "PUT", TT "/nope", editor, "{\"description\":\"x\"}", NULL),
        404);
    ck_assert_int_eq(
        req(&s, "PUT", TT "/team", editor, "{\"description\":5}", &r), 400);
    ck_assert_str_eq(jstr(r.json, "details[0].path"), "/body/description");
    resp_free(&r);
    ck_assert_int_eq(events_count(&s, "tag-type-updated", NULL), 1);

    /* Deleting needs Admin. */
    ck_assert_int_eq(req(&s, "DELETE", TT "/bare", editor, NULL, NULL), 403);
    ck_assert_int_eq(req(&s, "DELETE", TT "/bare", ADMIN, NULL, NULL), 200);
    ck_assert_int_eq(req(&s, "DELETE", TT "/bare", ADMIN, NULL, NULL), 404);
    ck_assert_int_eq(req(&s, "GET", TT "/bare", viewer, NULL, NULL), 404);
    ck_assert_str_eq(type_names(), "simple,team");
    ck_assert_int_eq(events_count(&s, "tag-type-deleted", NULL), 1);
}
END_TEST

START_TEST(bad_tag_types_are_refused_and_change_nothing)
{
    struct resp r;

    refused(TT, editor, "{}", 400, "/body/name");
    refused(TT, editor, "{\"name\":7}", 400, "/body/name");
    refused(TT, editor, "{\"name\":\"a\"}", 400, "/body/name");
    refused(TT, editor, "{\"name\":\"not ok\"}", 400, "/body/name");
    refused(
        TT, editor,
        "{\"name\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}",
        400, "/body/name");
    refused(TT, editor, "{\"name\":\"ok\",\"description\":[]}", 400,
            "/body/description");
    refused(TT, editor, "{\"name\":\"ok\",\"icon\":1}", 400, "/body/icon");
    refused(TT, editor, "{\"name\":\"simple\"}", 409, "/body/name");
    refused(TT, viewer, "{\"name\":\"ok\"}", 403, NULL);
    ck_assert_int_eq(
        req(&s, "PUT", TT "/simple", viewer, "{\"description\":\"x\"}", NULL),
        403);
    ck_assert_int_eq(req(&s, "GET", TT "/simple", viewer, NULL, &r), 200);
    ck_assert_str_ne(jstr(r.json, "tagType.description"), "x");
    resp_free(&r);
    ck_assert_str_eq(type_names(), "simple");
    ck_assert_int_eq(events_count(&s, "tag-type-created", NULL), 0);
    ck_assert_int_eq(events_count(&s, "tag-type-updated", NULL), 0);
}
END_TEST

START_TEST(validate_says_whether_a_name_is_free)
{
    struct resp r;

    ck_assert_int_eq(
        req(&s, "POST", TT "/validate", viewer, "{\"name\":\"team\"}", &r),
        200);
    ck_assert(json_is_true(jget(r.json, "valid")));
    ck_assert_str_eq(jstr(r.json, "tagType.name"), "team");
    resp_free(&r);
    refused(TT "/validate", viewer, "{\"name\":\"simple\"}", 409, "/body/name");
    refused(TT "/validate", viewer, "{\"name\":\"a b\"}", 400, "/body/name");
    refused(TT "/validate", viewer, "{}", 400, "/body/name");
    /* Validating creates nothing. */
    ck_assert_str_eq(type_names(), "simple");
}
END_TEST

START_TEST(flags_are_tagged_only_with_existing_types)
{
    struct resp r;

    ck_assert_int_eq(req(&s, "POST", P, ADMIN, "{\"name\":\"f\"}", NULL), 201);
    refused("/api/admin/features/f/tags", editor,
            "{\"type\":\"team\",\"value\":\"a\"}", 400, "/body/type");
    ck_assert_int_eq(req(&s, "POST", "/api/admin/features/f/tags", editor,
                         "{\"type\":\"team\",\"value\":\"a\"}", &r),
                     400);
    ck_assert_ptr_nonnull(strstr(jstr(r.json, "message"), "\"team\""));
    resp_free(&r);
    refused(P, editor,
            "{\"name\":\"g\",\"tags\":[{\"type\":\"simple\",\"value\":\"x\"},"
            "{\"type\":\"team\",\"value\":\"a\"}]}",
            400, "/body/tags/1/type");
    ck_assert_int_eq(req(&s, "GET", P "/g", ADMIN, NULL, NULL), 404);
    ck_assert_int_eq(
        req(&s, "GET", "/api/admin/features/f/tags", ADMIN, NULL, &r), 200);
    ck_assert_int_eq(json_array_size(jget(r.json, "tags")), 0);
    resp_free(&r);

    /* Once the type exists, tagging works, and the type cannot go. */
    ck_assert_int_eq(req(&s, "POST", TT, editor, "{\"name\":\"team\"}", NULL),
                     201);
    ck_assert_int_eq(req(&s, "POST", "/api/admin/features/f/tags", editor,
                         "{\"type\":\"team\",\"value\":\"a\"}", NULL),
                     201);
    ck_assert_int_eq(req(&s, "POST", P, editor,
                         "{\"name\":\"g\",\"tags\":[{\"type\":\"team\","
                         "\"value\":\"b\"}]}",
                         NULL),
                     201);
    ck_assert_int_eq(req(&s, "DELETE", TT "/team", ADMIN, NULL, &r), 409);
    ck_assert_ptr_nonnull(strstr(jstr(r.json, "message"), "2 tags"));
    resp_free(&r);
    ck_assert_int_eq(req(&s, "DELETE", "/api/admin/features/f/tags/team/a",
                         editor, NULL, NULL),
                     200);
    ck_assert_int_eq(req(&s, "DELETE", P "/g", editor, NULL, NULL), 202);
    /* An archived flag's tags still hold the type. */
    ck_assert_int_eq(req(&s, "DELETE", TT "/team", ADMIN, NULL, NULL), 409);
    ck_assert_int_eq(
        req(&s, "DELETE", "/api/admin/archive/g", editor, NULL, NULL), 200);
    ck_assert_int_eq(req(&s, "DELETE", TT "/team", ADMIN, NULL, NULL), 200);
    ck_assert_str_eq(type_names(), "simple");
}
END_TEST

/* Import data (JSON text) into default/development; the status. */
static long import(const char *data, struct resp *r)
{
    char body[4096];

    snprintf(body, sizeof(body),
             "{\"project\":\"default\",\"environment\":\"development\","
             "\"data\":%s}",
             data);
    return req(&s, "POST", "/api/admin/features-batch/import", ADMIN, body, r);
}

START_TEST(import_creates_tag_types_and_export_carries_them)
{
    struct resp r;

    /* A tag of a type neither here nor in the document: nothing. */
    ck_assert_int_eq(import("{\"features\":[{\"name\":\"i1\"}],"
                            "\"featureTags\":[{\"featureName\":\"i1\","
                            "\"tagType\":\"team\",\"tagValue\":\"a\"}]}",
                            &r),
                     400);
    ck_assert_str_eq(jstr(r.json, "details[0].path"),
                     "/body/data/featureTags/0/tagType");
    resp_free(&r);
    ck_assert_int_eq(req(&s, "GET", P "/i1", ADMIN, NULL, NULL), 404);

    /* A bad tag type in the document refuses the whole import. */
    ck_assert_int_eq(import("{\"features\":[{\"name\":\"i1\"}],"
                            "\"tagTypes\":[{\"name\":\"team\"},"
                            "{\"name\":\"x y\"}]}",
                            &r),
                     400);
    ck_assert_str_eq(jstr(r.json, "details[0].path"),
                     "/body/data/tagTypes/1/name");
    resp_free(&r);
    ck_assert_str_eq(type_names(), "simple");
    ck_assert_int_eq(req(&s, "GET", P "/i1", ADMIN, NULL, NULL), 404);

    /* The document's types are created; existing ones stay as they are. */
    ck_assert_int_eq(
        import("{\"features\":[{\"name\":\"i1\"}],"
               "\"tagTypes\":[{\"name\":\"team\",\"description\":\"owners\","
               "\"icon\":\"p\"},{\"name\":\"simple\",\"description\":\"x\"}],"
               "\"featureTags\":[{\"featureName\":\"i1\","
               "\"tagType\":\"team\",\"tagValue\":\"a\"}]}",
               NULL),
        200);
    ck_assert_str_eq(type_names(), "simple,team");
    ck_assert_int_eq(req(&s, "GET", TT "/simple", ADMIN, NULL, &r), 200);
    ck_assert_str_ne(jstr(r.json, "tagType.description"), "x");
    resp_free(&r);
    ck_assert_int_eq(events_count(&s, "tag-type-created", NULL), 1);

    ck_assert_int_eq(req_j(&s, "POST", "/api/admin/features-batch/export",
                           ADMIN, &r, "{s:[s], s:s}", "features", "i1",
                           "environment", "development"),
                     200);
    ck_assert_int_eq(json_array_size(jget(r.json, "tagTypes")), 1);
    ck_assert_str_eq(jstr(r.json, "tagTypes[0].name"), "team");
    ck_assert_str_eq(jstr(r.json, "tagTypes[0].description"), "owners");
    ck_assert_str_eq(jstr(r.json, "tagTypes[0].icon"), "p");
    ck_assert_str_eq(jstr(r.json, "featureTags[0].tagType"), "team");
    resp_free(&r);
}
END_TEST

/* Run sql on the stopped server's database. */
static void db_exec(const char *sql)
{
    char path[300];
    sqlite3 *db = NULL;
    char *msg = NULL;

    snprintf(path, sizeof(path), "%s/vexil.db", s.dir);
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_msg(sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK, "%s",
                  msg ? msg : "");
    sqlite3_close(db);
}

START_TEST(tags_stored_before_tag_types_keep_working)
{
    struct resp r;

    ck_assert_int_eq(req(&s, "POST", P, ADMIN, "{\"name\":\"old\"}", NULL),
                     201);
    ck_assert_int_eq(srv_stop(&s), 0);
    /* The database as it was before tag types, with a tag of "legacy". */
    db_exec("DROP TABLE tag_types;"
            "DELETE FROM schema_migrations WHERE version = 4;"
            "INSERT INTO feature_tags VALUES ('old', 'legacy', 'v');"
            "INSERT INTO feature_tags VALUES ('old', 'z', 'w');");
    srv_restart(&s, NULL);

    ck_assert_str_eq(type_names(), "legacy,simple,z");
    ck_assert_int_eq(req(&s, "POST", "/api/admin/features/old/tags", editor,
                         "{\"type\":\"legacy\",\"value\":\"v2\"}", NULL),
                     201);
    ck_assert_int_eq(
        req(&s, "GET", "/api/admin/features/old/tags", ADMIN, NULL, &r), 200);
    ck_assert_int_eq(json_array_size(jget(r.json, "tags")), 3);
    resp_free(&r);
    ck_assert_int_eq(req(&s, "DELETE", TT "/legacy", ADMIN, NULL, NULL), 409);
}
END_TEST

static Suite *suite(void)
{
    Suite *su = suite_create("tag_types");
    TCase *tc = tcase_create("tag_types");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, simple_is_there_from_the_start);
    tcase_add_test(tc, create_read_update_delete);
    tcase_add_test(tc, bad_tag_types_are_refused_and_change_nothing);
    tcase_add_test(tc, validate_says_whether_a_name_is_free);
    tcase_add_test(tc, flags_are_tagged_only_with_existing_types);
    tcase_add_test(tc, import_creates_tag_types_and_export_carries_them);
    tcase_add_test(tc, tags_stored_before_tag_types_keep_working);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    return test_run(suite());
}
