/*
 * Feature flags over HTTP: create, list, get, update, patch, archive,
 * revive, delete, clone, toggles, tags, name validation and flag types,
 * with their error paths, the audit log, roles and restarts. The
 * database file is only read, for what the API does not show (row
 * counts after refused writes, flag versions).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "harness.h"
#include "../testing.h"

#define P "/api/admin/projects/default/features"
#define FE(f, e) P "/" f "/environments/" e

static struct srv s;

static void setup(void)
{
    srv_start(&s, NULL);
}

static void teardown(void)
{
    srv_cleanup(&s);
}

/* Open the test server's database beside the running server. */
static sqlite3 *db_open(void)
{
    char path[300];
    sqlite3 *db = NULL;

    snprintf(path, sizeof(path), "%s/vexil.db", s.dir);
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    return db;
}

/* The integer the query answers, or -1 when it has no row. */
static long long sql_int(const char *query)
{
    sqlite3 *db = db_open();
    sqlite3_stmt *st = NULL;
    long long v = -1;

    ck_assert_int_eq(sqlite3_prepare_v2(db, query, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

/* Create flag name in the default project; asserts 201. */
static void create(const char *name)
{
    ck_assert_int_eq(req_j(&s, "POST", P, ADMIN, NULL, "{s:s}", "name", name),
                     201);
}

/* GET the flag (caller frees r); returns the status. */
static long get(const char *name, struct resp *r)
{
    char path[256];

    snprintf(path, sizeof(path), P "/%s", name);
    return req(&s, "GET", path, ADMIN, NULL, r);
}

/* POST a toggle of flag in env; returns the status. */
static long toggle(const char *token, const char *flag, const char *env,
                   const char *state, struct resp *r)
{
    char path[256];

    snprintf(path, sizeof(path), P "/%s/environments/%s/%s", flag, env, state);
    return req(&s, "POST", path, token, NULL, r);
}

/* The number of flags the list endpoint shows. */
static size_t list_count(void)
{
    struct resp r;
    size_t n;

    ck_assert_int_eq(req(&s, "GET", P, ADMIN, NULL, &r), 200);
    n = json_array_size(jget(r.json, "features"));
    resp_free(&r);
    return n;
}

/* The environment named env of a full flag, or NULL. */
static json_t *flag_env(json_t *flag, const char *env)
{
    json_t *e;
    size_t i;

    json_array_foreach (json_object_get(flag, "environments"), i, e)
        if (!strcmp(json_string_value(json_object_get(e, "name")), env))
            return e;
    return NULL;
}

/* The version column of a flag. */
static long long version_of(const char *name)
{
    char q[256];

    snprintf(q, sizeof(q), "SELECT version FROM features WHERE name='%s'",
             name);
    return sql_int(q);
}

/* The number of audit events of type for feature. */
static long long events(const char *type, const char *feature)
{
    return events_count(&s, type, feature);
}

START_TEST(create_returns_the_flag_and_get_and_list_show_it)
{
    struct resp r;

    ck_assert_int_eq(req_j(&s, "POST", P, ADMIN, &r,
                           "{s:s, s:s, s:s, s:b, s:[{s:s, s:s}]}", "name",
                           "checkout", "type", "experiment", "description",
                           "new checkout", "impressionData", 1, "tags", "type",
                           "simple", "value", "team a"),
                     201);
    ck_assert_str_eq(jstr(r.json, "name"), "checkout");
    ck_assert_str_eq(jstr(r.json, "project"), "default");
    ck_assert_str_eq(jstr(r.json, "type"), "experiment");
    ck_assert(json_is_true(jget(r.json, "impressionData")));
    ck_assert(json_is_false(jget(r.json, "stale")));
    ck_assert(json_is_false(jget(r.json, "archived")));
    ck_assert_str_eq(jstr(r.json, "tags[0].value"), "team a");
    resp_free(&r);

    ck_assert_int_eq(get("checkout", &r), 200);
    ck_assert_str_eq(jstr(r.json, "description"), "new checkout");
    ck_assert_ptr_nonnull(jstr(r.json, "createdAt"));
    ck_assert(json_is_null(jget(r.json, "archivedAt")));
    ck_assert_int_eq(json_array_size(jget(r.json, "environments")), 2);
    ck_assert_str_eq(jstr(r.json, "environments[0].name"), "development");
    ck_assert(json_is_false(jget(r.json, "environments[0].enabled")));
    ck_assert_int_eq(
        json_array_size(jget(r.json, "environments[0].strategies")), 0);
    ck_assert(json_is_array(jget(r.json, "variants")));
    ck_assert(json_is_array(jget(r.json, "dependencies")));
    ck_assert(json_is_array(jget(r.json, "children")));
    resp_free(&r);

    ck_assert_int_eq(req(&s, "GET", P, ADMIN, NULL, &r), 200);
    ck_assert_int_eq(jint(r.json, "version"), 2);
    ck_assert_str_eq(jstr(r.json, "features[0].name"), "checkout");
    ck_assert(json_is_false(jget(r.json, "features[0].favorite")));
    ck_assert_str_eq(jstr(r.json, "features[0].environments[1].name"),
                     "production");
    ck_assert_str_eq(jstr(r.json, "features[0].environments[1].type"),
                     "production");
    ck_assert_int_eq(jint(r.json, "features[0].environments[1].sortOrder"), 3);
    ck_assert_int_eq(jint(r.json, "features[0].environments[1].variantCount"),
                     0);
    ck_assert(
        json_is_null(jget(r.json, "features[0].environments[1].lastSeenAt")));
    ck_assert(json_is_false(
        jget(r.json, "features[0].environments[1].hasStrategies")));
    ck_assert(json_is_false(
        jget(r.json, "features[0].environments[1].hasEnabledStrategies")));
    resp_free(&r);
    ck_assert_int_eq(events("feature-created", "checkout"), 1);
}
END_TEST

START_TEST(create_refuses_bad_input_and_creates_nothing)
{
    struct resp r;
    char name[102];

    ck_assert_int_eq(
        req_j(&s, "POST", P, ADMIN, &r, "{s:s}", "type", "release"), 400);
    ck_assert_str_eq(jstr(r.json, "name"), "BadDataError");
    ck_assert_str_eq(jstr(r.json, "details[0].path"), "/body/name");
    ck_assert_str_eq(jstr(r.json, "details[0].message"),
                     "The `/body/name` property is required. It was not "
                     "present on the data you sent.");
    resp_free(&r);

    ck_assert_int_eq(req_j(&s, "POST", P, ADMIN, &r, "{s:s, s:s}", "name",
                           "not a valid name!", "type", "release"),
                     400);
    ck_assert_str_eq(jstr(r.json, "details[0].message"),
                     "\"name\" must be URL friendly. You provided \"not a "
                     "valid name!\".");
    ck_assert_ptr_null(jget(r.json, "details[0].path"));
    resp_free(&r);

    ck_assert_int_eq(req_j(&s, "POST", P, ADMIN, &r, "{s:i}", "name", 5), 400);
    ck_assert_str_eq(jstr(r.json, "details[0].path"), "/body/name");
    resp_free(&r);
    ck_assert_int_eq(req_j(&s, "POST", P, ADMIN, &r, "{s:s, s:s}", "name",
                           "typed", "type", "nonsense"),
                     400);
    ck_assert_str_eq(jstr(r.json, "details[0].path"), "/body/type");
    resp_free(&r);
    ck_assert_int_eq(req_j(&s, "POST", P, ADMIN, &r, "{s:s, s:s}", "name",
                           "imp", "impressionData", "yes"),
                     400);
    ck_assert_str_eq(jstr(r.json, "details[0].path"), "/body/impressionData");
    resp_free(&r);
    ck_assert_int_eq(req_j(&s, "POST", P, ADMIN, &r, "{s:s, s:[{s:s}]}", "name",
                           "tagged", "tags", "type", "simple"),
                     400);
    ck_assert_str_eq(jstr(r.json, "details[0].path"), "/body/tags/0/value");
    resp_free(&r);
    ck_assert_int_eq(list_count(), 0);

    /* 100 characters is the longest name; 101 is refused. */
    memset(name, 'n', 101);
    name[101] = '\0';
    ck_assert_int_eq(req_j(&s, "POST", P, ADMIN, &r, "{s:s}", "name", name),
                     400);
    ck_assert_str_eq(jstr(r.json, "details[0].path"), "/body/name");
    resp_free(&r);
    ck_assert_int_eq(list_count(), 0);
    name[100] = '\0';
    create(name);
    ck_assert_int_eq(get(name, NULL), 200);
    ck_assert_int_eq(events("feature-created", "typed"), 0);
}
END_TEST

START_TEST(create_in_unknown_project_is_404)
{
    struct resp r;

    ck_assert_int_eq(req_j(&s, "POST", "/api/admin/projects/nope/features",
                           ADMIN, &r, "{s:s}", "name", "orphan"),
                     404);
    ck_assert_str_eq(jstr(r.json, "name"), "NotFoundError");
    resp_free(&r);
    ck_assert_int_eq(
        req(&s, "GET", "/api/admin/projects/nope/features", ADMIN, NULL, NULL),
        404);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM features"), 0);
}
END_TEST

START_TEST(duplicate_names_are_409_even_when_archived)
{
    struct resp r;

    create("dup");
    ck_assert_int_eq(req_j(&s, "POST", P, ADMIN, &r, "{s:s, s:s}", "name",
                           "dup", "type", "release"),
                     409);
    ck_assert_str_eq(jstr(r.json, "name"), "NameExistsError");
    ck_assert_str_eq(jstr(r.json, "message"),
                     "A flag with that name already exists");
    ck_assert_str_eq(jstr(r.json, "details[0].message"),
                     "A flag with that name already exists");
    resp_free(&r);

    ck_assert_int_eq(req(&s, "DELETE", P "/dup", ADMIN, NULL, NULL), 202);
    ck_assert_int_eq(req_j(&s, "POST", P, ADMIN, &r, "{s:s}", "name", "dup"),
                     409);
    ck_assert_str_eq(jstr(r.json, "message"),
                     "A flag with that name already exists");
    resp_free(&r);
    ck_assert_int_eq(events("feature-created", "dup"), 1);
}
END_TEST

START_TEST(unknown_flag_is_404_and_other_projects_flags_too)
{
    struct resp r;

    ck_assert_int_eq(get("does-not-exist", &r), 404);
    ck_assert_str_eq(jstr(r.json, "name"), "NotFoundError");
    ck_assert_str_eq(jstr(r.json, "message"),
                     "There's no feature named \"does-not-exist\" in "
                     "project \"default\".");
    resp_free(&r);

    ck_assert_int_eq(req_j(&s, "POST", "/api/admin/projects", ADMIN, NULL,
                           "{s:s, s:s}", "id", "other", "name", "Other"),
                     201);
    ck_assert_int_eq(req_j(&s, "POST", "/api/admin/projects/other/features",
                           ADMIN, NULL, "{s:s}", "name", "elsewhere"),
                     201);
    ck_assert_int_eq(get("elsewhere", NULL), 404);
    ck_assert_int_eq(req(&s, "GET",
                         "/api/admin/projects/other/features/elsewhere", ADMIN,
                         NULL, NULL),
                     200);
    ck_assert_int_eq(req(&s, "DELETE", P "/elsewhere", ADMIN, NULL, NULL), 404);
    ck_assert_int_eq(toggle(ADMIN, "elsewhere", "development", "on", NULL),
                     404);
    ck_assert_int_eq(list_count(), 0);
}
END_TEST

START_TEST(put_updates_fields_but_never_the_name)
{
    struct resp r;
    long long v;

    create("edit-me");
    v = version_of("edit-me");
    ck_assert_int_eq(req_j(&s, "PUT", P "/edit-me", ADMIN, &r,
                           "{s:s, s:s, s:b, s:b}", "description", "changed",
                           "type", "kill-switch", "stale", 1, "impressionData",
                           1),
                     200);
    ck_assert_str_eq(jstr(r.json, "description"), "changed");
    ck_assert_str_eq(jstr(r.json, "type"), "kill-switch");
    ck_assert(json_is_true(jget(r.json, "stale")));
    ck_assert(json_is_true(jget(r.json, "impressionData")));
    resp_free(&r);
    ck_assert_int_gt(version_of("edit-me"), v);
    ck_assert_int_eq(events("feature-updated", "edit-me"), 1);

    /* Fields left out keep their values. */
    ck_assert_int_eq(
        req_j(&s, "PUT", P "/edit-me", ADMIN, &r, "{s:b}", "stale", 0), 200);
    ck_assert_str_eq(jstr(r.json, "description"), "changed");
    resp_free(&r);

    ck_assert_int_eq(req_j(&s, "PUT", P "/edit-me", ADMIN, &r, "{s:s, s:s}",
                           "name", "renamed", "description", "lost"),
                     400);
    ck_assert_str_eq(jstr(r.json, "details[0].path"), "/body/name");
    resp_free(&r);
    ck_assert_int_eq(
        req_j(&s, "PUT", P "/edit-me", ADMIN, &r, "{s:s}", "type", "bogus"),
        400);
    resp_free(&r);
    ck_assert_int_eq(
        req_j(&s, "PUT", P "/edit-me", ADMIN, &r, "{s:s}", "stale", "true"),
        400);
    ck_assert_str_eq(jstr(r.json, "details[0].path"), "/body/stale");
    resp_free(&r);
    ck_assert_int_eq(get("edit-me", &r), 200);
    ck_assert_str_eq(jstr(r.json, "description"), "changed");
    ck_assert_str_eq(jstr(r.json, "type"), "kill-switch");
    resp_free(&r);
    ck_assert_int_eq(get("renamed", NULL), 404);
    ck_assert_int_eq(
        req_j(&s, "PUT", P "/ghost", ADMIN, NULL, "{s:s}", "description", "x"),
        404);
}
END_TEST

START_TEST(patch_applies_json_patch_and_refuses_bad_ones)
{
    struct resp r;

    create("patchy");
    ck_assert_int_eq(
        req(&s, "PATCH", P "/patchy", ADMIN,
            "[{\"op\":\"replace\",\"path\":\"/description\","
            "\"value\":\"patched\"},{\"op\":\"replace\",\"path\":\"/stale\","
            "\"value\":true}]",
            &r),
        200);
    ck_assert_str_eq(jstr(r.json, "description"), "patched");
    ck_assert(json_is_true(jget(r.json, "stale")));
    resp_free(&r);

    ck_assert_int_eq(req(&s, "PATCH", P "/patchy", ADMIN,
                         "[{\"op\":\"frobnicate\",\"path\":\"/type\"}]", &r),
                     400);
    ck_assert_str_eq(jstr(r.json, "name"), "BadDataError");
    resp_free(&r);
    ck_assert_int_eq(req(&s, "PATCH", P "/patchy", ADMIN,
                         "[{\"op\":\"replace\",\"path\":\"/name\","
                         "\"value\":\"other\"}]",
                         NULL),
                     400);
    ck_assert_int_eq(req(&s, "PATCH", P "/patchy", ADMIN,
                         "[{\"op\":\"replace\",\"path\":\"/type\","
                         "\"value\":\"nope\"}]",
                         NULL),
                     400);
    ck_assert_int_eq(req(&s, "PATCH", P "/patchy", ADMIN,
                         "[{\"op\":\"add\",\"path\":\"/project\","
                         "\"value\":\"x\"}]",
                         NULL),
                     400);
    ck_assert_int_eq(req(&s, "PATCH", P "/patchy", ADMIN,
                         "[{\"op\":\"remove\",\"path\":\"/description\"}]",
                         NULL),
                     400);
    ck_assert_int_eq(
        req(&s, "PATCH", P "/patchy", ADMIN, "{\"op\":\"replace\"}", NULL),
        400);
    ck_assert_int_eq(req(&s, "PATCH", P "/patchy", ADMIN, "[{", NULL), 400);
    /* A failed test op stops the whole patch. */
    ck_assert_int_eq(req(&s, "PATCH", P "/patchy", ADMIN,
                         "[{\"op\":\"replace\",\"path\":\"/description\","
                         "\"value\":\"half\"},{\"op\":\"test\",\"path\":"
                         "\"/stale\",\"value\":false}]",
                         NULL),
                     400);
    ck_assert_int_eq(get("patchy", &r), 200);
    ck_assert_str_eq(jstr(r.json, "description"), "patched");
    ck_assert_str_eq(jstr(r.json, "type"), "release");
    ck_assert(json_is_true(jget(r.json, "stale")));
    resp_free(&r);
    ck_assert_int_eq(events("feature-updated", "patchy"), 1);
    ck_assert_int_eq(req(&s, "PATCH", P "/ghost", ADMIN, "[]", NULL), 404);
}
END_TEST

START_TEST(archive_revive_delete_cycle)
{
    struct resp r;

    create("cycle");
    create("stays");
    ck_assert_int_eq(toggle(ADMIN, "cycle", "development", "on", NULL), 200);
    ck_assert_int_eq(req(&s, "DELETE", P "/cycle", ADMIN, NULL, NULL), 202);
    ck_assert_int_eq(list_count(), 1);
    ck_assert_int_eq(get("cycle", &r), 200);
    ck_assert(json_is_true(jget(r.json, "archived")));
    ck_assert_ptr_nonnull(jstr(r.json, "archivedAt"));
    resp_free(&r);
    ck_assert_int_eq(
        req(&s, "GET", "/api/admin/archive/features", ADMIN, NULL, &r), 200);
    ck_assert_int_eq(json_array_size(jget(r.json, "features")), 1);
    ck_assert_str_eq(jstr(r.json, "features[0].name"), "cycle");
    resp_free(&r);
    ck_assert_int_eq(
        req(&s, "GET", "/api/admin/archive/features/default", ADMIN, NULL, &r),
        200);
    ck_assert_int_eq(json_array_size(jget(r.json, "features")), 1);
    resp_free(&r);
    ck_assert_int_eq(
        req(&s, "GET", "/api/admin/archive/features/nope", ADMIN, NULL, NULL),
        404);

    /* Archived: no toggles, no edits, no second archive. */
    ck_assert_int_eq(toggle(ADMIN, "cycle", "development", "off", &r), 400);
    ck_assert_ptr_nonnull(strstr(jstr(r.json, "message"), "archived"));
    resp_free(&r);
    ck_assert_int_eq(
        req_j(&s, "PUT", P "/cycle", ADMIN, NULL, "{s:s}", "description", "x"),
        400);
    ck_assert_int_eq(req(&s, "DELETE", P "/cycle", ADMIN, NULL, NULL), 400);

    /* A live flag cannot be deleted for good. */
    ck_assert_int_eq(
        req(&s, "DELETE", "/api/admin/archive/stays", ADMIN, NULL, &r), 409);
    ck_assert_ptr_nonnull(strstr(jstr(r.json, "message"), "archive it"));
    resp_free(&r);
    ck_assert_int_eq(get("stays", NULL), 200);

    ck_assert_int_eq(
        req(&s, "POST", "/api/admin/archive/revive/cycle", ADMIN, NULL, NULL),
        200);
    ck_assert_int_eq(list_count(), 2);
    ck_assert_int_eq(get("cycle", &r), 200);
    ck_assert(json_is_false(jget(r.json, "archived")));
    /* Revived flags come back off. */
    ck_assert(json_is_false(jget(flag_env(r.json, "development"), "enabled")));
    resp_free(&r);
    ck_assert_int_eq(
        req(&s, "POST", "/api/admin/archive/revive/cycle", ADMIN, NULL, NULL),
        400);
    ck_assert_int_eq(
        req(&s, "POST", "/api/admin/archive/revive/ghost", ADMIN, NULL, NULL),
        404);

    ck_assert_int_eq(req(&s, "DELETE", P "/cycle", ADMIN, NULL, NULL), 202);
    ck_assert_int_eq(
        req(&s, "DELETE", "/api/admin/archive/cycle", ADMIN, NULL, NULL), 200);
    ck_assert_int_eq(get("cycle", NULL), 404);
    ck_assert_int_eq(
        req(&s, "DELETE", "/api/admin/archive/cycle", ADMIN, NULL, NULL), 404);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM feature_strategies"
                             " WHERE feature_name='cycle'"),
                     0);
    ck_assert_int_eq(events("feature-archived", "cycle"), 2);
    ck_assert_int_eq(events("feature-revived", "cycle"), 1);
    ck_assert_int_eq(events("feature-deleted", "cycle"), 1);
    /* The name is free again. */
    ck_assert_int_eq(req_j(&s, "POST", "/api/admin/features/validate", ADMIN,
                           NULL, "{s:s}", "name", "cycle"),
                     200);
    create("cycle");
}
END_TEST

START_TEST(toggle_on_adds_the_full_rollout_exactly_once)
{
    struct resp r;
    json_t *env;
    long long v;

    create("tog");
    v = version_of("tog");
    ck_assert_int_eq(toggle(ADMIN, "tog", "development", "on", &r), 200);
    ck_assert_str_eq(jstr(r.json, "name"), "tog");
    env = flag_env(r.json, "development");
    ck_assert(json_is_true(json_object_get(env, "enabled")));
    ck_assert_int_eq(json_array_size(json_object_get(env, "strategies")), 1);
    ck_assert_str_eq(jstr(env, "strategies[0].name"), "flexibleRollout");
    ck_assert_str_eq(jstr(env, "strategies[0].parameters.rollout"), "100");
    ck_assert_str_eq(jstr(env, "strategies[0].parameters.stickiness"),
                     "default");
    ck_assert_str_eq(jstr(env, "strategies[0].parameters.groupId"), "tog");
    ck_assert_int_eq(jint(env, "strategies[0].sortOrder"), 0);
    ck_assert(json_is_false(jget(env, "strategies[0].disabled")));
    ck_assert(json_is_false(jget(flag_env(r.json, "production"), "enabled")));
    resp_free(&r);
    ck_assert_int_gt(version_of("tog"), v);

    ck_assert_int_eq(toggle(ADMIN, "tog", "development", "on", NULL), 200);
    ck_assert_int_eq(toggle(ADMIN, "tog", "development", "off", &r), 200);
    env = flag_env(r.json, "development");
    ck_assert(json_is_false(json_object_get(env, "enabled")));
    ck_assert_int_eq(json_array_size(json_object_get(env, "strategies")), 1);
    resp_free(&r);
    ck_assert_int_eq(toggle(ADMIN, "tog", "development", "on", NULL), 200);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM feature_strategies"
                             " WHERE feature_name='tog'"),
                     1);

    ck_assert_int_eq(req(&s, "GET", P, ADMIN, NULL, &r), 200);
    ck_assert(json_is_true(
        jget(r.json, "features[0].environments[0].hasStrategies")));
    ck_assert(
        json_is_true(jget(r.json, "features[0].environments[0].enabled")));
    resp_free(&r);
    ck_assert_int_eq(events("feature-environment-enabled", "tog"), 2);
    ck_assert_int_eq(events("feature-environment-disabled", "tog"), 1);
    ck_assert_int_eq(events("feature-strategy-add", "tog"), 1);
    ck_assert_int_eq(
        sql_int("SELECT count(*) FROM events"
                " WHERE type='feature-environment-enabled'"
                " AND environment='development' AND project='default'"
                " AND pre_data IS NOT NULL AND data IS NOT NULL"),
        2);
}
END_TEST

START_TEST(toggle_needs_an_environment_of_the_project)
{
    struct resp r;

    create("envs");
    ck_assert_int_eq(toggle(ADMIN, "envs", "staging", "on", &r), 404);
    ck_assert_str_eq(jstr(r.json, "name"), "NotFoundError");
    resp_free(&r);
    ck_assert_int_eq(toggle(ADMIN, "ghost", "development", "on", NULL), 404);

    /* An environment that exists but is not enabled in the project. */
    ck_assert_int_eq(req_j(&s, "POST", "/api/admin/environments", ADMIN, NULL,
                           "{s:s, s:s}", "name", "staging", "type", "test"),
                     201);
    ck_assert_int_eq(req(&s, "DELETE",
                         "/api/admin/projects/default/environments/staging",
                         ADMIN, NULL, NULL),
                     200);
    ck_assert_int_eq(toggle(ADMIN, "envs", "staging", "on", NULL), 404);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM feature_strategies"
                             " WHERE feature_name='envs'"),
                     0);
    ck_assert_int_eq(events("feature-environment-enabled", "envs"), 0);
}
END_TEST

START_TEST(protected_environment_refuses_toggle_and_archive)
{
    struct resp r;

    create("guarded");
    create("dev-only");
    ck_assert_int_eq(toggle(ADMIN, "guarded", "production", "on", NULL), 200);
    ck_assert_int_eq(toggle(ADMIN, "dev-only", "development", "on", NULL), 200);
    protect_env(&s, "default", "production");

    ck_assert_int_eq(toggle(ADMIN, "guarded", "production", "off", &r), 403);
    ck_assert_ptr_nonnull(strstr(jstr(r.json, "message"), "change-requests"));
    resp_free(&r);
    ck_assert_int_eq(toggle(ADMIN, "dev-only", "production", "on", NULL), 403);
    ck_assert_int_eq(req(&s, "DELETE", P "/guarded", ADMIN, NULL, NULL), 403);

    ck_assert_int_eq(get("guarded", &r), 200);
    ck_assert(json_is_false(jget(r.json, "archived")));
    ck_assert(json_is_true(jget(flag_env(r.json, "production"), "enabled")));
    resp_free(&r);
    ck_assert_int_eq(get("dev-only", &r), 200);
    ck_assert(json_is_false(jget(flag_env(r.json, "production"), "enabled")));
    ck_assert_int_eq(
        json_array_size(jget(flag_env(r.json, "production"), "strategies")), 0);
    resp_free(&r);

    /* Unprotected environments and flags off in production still work. */
    ck_assert_int_eq(toggle(ADMIN, "guarded", "development", "on", NULL), 200);
    ck_assert_int_eq(req(&s, "DELETE", P "/dev-only", ADMIN, NULL, NULL), 202);
}
END_TEST

START_TEST(clone_copies_strategies_segments_tags_and_state)
{
    struct resp r;
    json_t *env;
    long long seg;
    char *sid;

    ck_assert_int_eq(req_j(&s, "POST", P, ADMIN, NULL,
                           "{s:s, s:s, s:s, s:b, s:[{s:s, s:s}]}", "name",
                           "orig", "type", "operational", "description",
                           "the original", "impressionData", 1, "tags", "type",
                           "simple", "value", "t1"),
                     201);
    create("parent");
    ck_assert_int_eq(toggle(ADMIN, "orig", "development", "on", &r), 200);
    resp_free(&r);
    ck_assert_int_eq(req_j(&s, "POST", "/api/admin/segments", ADMIN, &r,
                           "{s:s, s:[]}", "name", "beta", "constraints"),
                     201);
    seg = jint(r.json, "id");
    ck_assert_int_gt(seg, 0);
    resp_free(&r);
    ck_assert_int_eq(req_j(&s, "POST", FE("orig", "production") "/strategies",
                           ADMIN, &r, "{s:s, s:[{s:s, s:s, s:[s]}], s:[I]}",
                           "name", "default", "constraints", "contextName",
                           "userId", "operator", "IN", "values", "a",
                           "segments", (json_int_t)seg),
                     200);
    sid = strdup(jstr(r.json, "id"));
    resp_free(&r);
    ck_assert_int_eq(req_j(&s, "PUT", FE("orig", "production") "/variants",
                           ADMIN, NULL, "[{s:s, s:i, s:s, s:s}]", "name", "v",
                           "weight", 1000, "weightType", "variable",
                           "stickiness", "default"),
                     200);
    ck_assert_int_eq(req_j(&s, "POST", P "/orig/dependencies", ADMIN, NULL,
                           "{s:s}", "feature", "parent"),
                     200);

    ck_assert_int_eq(
        req_j(&s, "POST", P "/orig/clone", ADMIN, &r, "{s:s}", "name", "copy"),
        201);
    ck_assert_str_eq(jstr(r.json, "name"), "copy");
    ck_assert_str_eq(jstr(r.json, "type"), "operational");
    ck_assert_str_eq(jstr(r.json, "description"), "the original");
    ck_assert(json_is_true(jget(r.json, "impressionData")));
    ck_assert_str_eq(jstr(r.json, "tags[0].value"), "t1");
    ck_assert_int_eq(json_array_size(jget(r.json, "dependencies")), 0);
    env = flag_env(r.json, "development");
    ck_assert(json_is_true(json_object_get(env, "enabled")));
    ck_assert_int_eq(json_array_size(json_object_get(env, "strategies")), 1);
    ck_assert_str_eq(jstr(env, "strategies[0].parameters.groupId"), "copy");
    ck_assert_str_ne(jstr(env, "strategies[0].id"), "");
    env = flag_env(r.json, "production");
    ck_assert(json_is_false(json_object_get(env, "enabled")));
    ck_assert_str_ne(jstr(env, "strategies[0].id"), sid);
    ck_assert_int_eq(jint(env, "strategies[0].segments[0]"), seg);
    ck_assert_str_eq(jstr(env, "strategies[0].constraints[0].contextName"),
                     "userId");
    ck_assert_str_eq(jstr(env, "variants[0].name"), "v");
    resp_free(&r);

    /* The original keeps its own strategy ids and its dependency. */
    ck_assert_int_eq(get("orig", &r), 200);
    ck_assert_str_eq(jstr(flag_env(r.json, "production"), "strategies[0].id"),
                     sid);
    ck_assert_str_eq(jstr(r.json, "dependencies[0].feature"), "parent");
    resp_free(&r);
    ck_assert_int_eq(get("parent", &r), 200);
    ck_assert_str_eq(jstr(r.json, "children[0]"), "orig");
    ck_assert_int_eq(json_array_size(jget(r.json, "children")), 1);
    resp_free(&r);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM feature_strategies"
                             " WHERE feature_name='copy'"),
                     2);
    ck_assert_int_eq(events("feature-cloned", "copy"), 1);

    ck_assert_int_eq(req_j(&s, "POST", P "/orig/clone", ADMIN, &r, "{s:s, s:b}",
                           "name", "copy-same-group", "replaceGroupId", 0),
                     201);
    ck_assert_str_eq(jstr(flag_env(r.json, "development"),
                          "strategies[0].parameters.groupId"),
                     "orig");
    resp_free(&r);

    ck_assert_int_eq(req_j(&s, "POST", P "/orig/clone", ADMIN, NULL, "{s:s}",
                           "name", "copy"),
                     409);
    ck_assert_int_eq(req_j(&s, "POST", P "/orig/clone", ADMIN, NULL, "{s:s}",
                           "name", "bad name"),
                     400);
    ck_assert_int_eq(req_j(&s, "POST", P "/orig/clone", ADMIN, NULL, "{}"),
                     400);
    ck_assert_int_eq(req_j(&s, "POST", P "/ghost/clone", ADMIN, NULL, "{s:s}",
                           "name", "from-ghost"),
                     404);
    ck_assert_int_eq(get("from-ghost", NULL), 404);
    free(sid);
}
END_TEST

START_TEST(parent_with_live_children_cannot_be_archived)
{
    struct resp r;

    create("mom");
    create("kid");
    ck_assert_int_eq(req_j(&s, "POST", P "/kid/dependencies", ADMIN, NULL,
                           "{s:s}", "feature", "mom"),
                     200);
    ck_assert_int_eq(req(&s, "DELETE", P "/mom", ADMIN, NULL, &r), 400);
    ck_assert_ptr_nonnull(strstr(jstr(r.json, "message"), "kid"));
    resp_free(&r);
    ck_assert_int_eq(list_count(), 2);
    ck_assert_int_eq(req(&s, "DELETE", P "/kid", ADMIN, NULL, NULL), 202);
    ck_assert_int_eq(req(&s, "DELETE", P "/mom", ADMIN, NULL, NULL), 202);
}
END_TEST

START_TEST(validate_tells_free_taken_and_bad_names)
{
    struct resp r;
    const char *v = "/api/admin/features/validate";

    create("taken");
    create("gone");
    ck_assert_int_eq(req(&s, "DELETE", P "/gone", ADMIN, NULL, NULL), 202);
    ck_assert_int_eq(req_j(&s, "POST", v, ADMIN, NULL, "{s:s}", "name", "free"),
                     200);
    ck_assert_int_eq(req_j(&s, "POST", v, ADMIN, &r, "{s:s}", "name", "taken"),
                     409);
    ck_assert_str_eq(jstr(r.json, "name"), "NameExistsError");
    resp_free(&r);
    ck_assert_int_eq(req_j(&s, "POST", v, ADMIN, NULL, "{s:s}", "name", "gone"),
                     409);
    ck_assert_int_eq(
        req_j(&s, "POST", v, ADMIN, NULL, "{s:s}", "name", "no spaces"), 400);
    ck_assert_int_eq(req_j(&s, "POST", v, ADMIN, &r, "{}"), 400);
    ck_assert_str_eq(jstr(r.json, "details[0].path"), "/body/name");
    resp_free(&r);
}
END_TEST

START_TEST(tags_are_added_listed_and_removed)
{
    struct resp r;
    const char *t = "/api/admin/features/tagged/tags";
    char long_value[52];

    create("tagged");
    ck_assert_int_eq(req(&s, "GET", t, ADMIN, NULL, &r), 200);
    ck_assert_int_eq(jint(r.json, "version"), 1);
    ck_assert_int_eq(json_array_size(jget(r.json, "tags")), 0);
    resp_free(&r);

    ck_assert_int_eq(req_j(&s, "POST", t, ADMIN, &r, "{s:s, s:s}", "type",
                           "simple", "value", "Team X"),
                     201);
    ck_assert_str_eq(jstr(r.json, "type"), "simple");
    ck_assert_str_eq(jstr(r.json, "value"), "Team X");
    resp_free(&r);
    ck_assert_int_eq(req_j(&s, "POST", t, ADMIN, NULL, "{s:s, s:s}", "type",
                           "simple", "value", "Team X"),
                     409);

    memset(long_value, 'v', 51);
    long_value[51] = '\0';
    ck_assert_int_eq(req_j(&s, "POST", t, ADMIN, &r, "{s:s, s:s}", "type",
                           "simple", "value", long_value),
                     400);
    ck_assert_str_eq(jstr(r.json, "details[0].path"), "/body/value");
    resp_free(&r);
    ck_assert_int_eq(req_j(&s, "POST", t, ADMIN, &r, "{s:s, s:s}", "type",
                           "not ok", "value", "x"),
                     400);
    ck_assert_str_eq(jstr(r.json, "details[0].path"), "/body/type");
    resp_free(&r);
    ck_assert_int_eq(
        req_j(&s, "POST", t, ADMIN, NULL, "{s:s}", "type", "simple"), 400);
    ck_assert_int_eq(req_j(&s, "POST", "/api/admin/features/ghost/tags", ADMIN,
                           NULL, "{s:s, s:s}", "type", "simple", "value", "x"),
                     404);
    ck_assert_int_eq(
        req(&s, "GET", "/api/admin/features/ghost/tags", ADMIN, NULL, NULL),
        404);

    ck_assert_int_eq(req(&s, "GET", t, ADMIN, NULL, &r), 200);
    ck_assert_int_eq(json_array_size(jget(r.json, "tags")), 1);
    resp_free(&r);
    ck_assert_int_eq(events("feature-tagged", "tagged"), 1);

    ck_assert_int_eq(req(&s, "DELETE",
                         "/api/admin/features/tagged/tags/simple/Team%20X",
                         ADMIN, NULL, NULL),
                     200);
    ck_assert_int_eq(req(&s, "DELETE",
                         "/api/admin/features/tagged/tags/simple/Team%20X",
                         ADMIN, NULL, NULL),
                     404);
    ck_assert_int_eq(get("tagged", &r), 200);
    ck_assert_int_eq(json_array_size(jget(r.json, "tags")), 0);
    resp_free(&r);
    ck_assert_int_eq(events("feature-untagged", "tagged"), 1);
}
END_TEST

START_TEST(feature_types_list_the_five_types)
{
    struct resp r;

    ck_assert_int_eq(
        req(&s, "GET", "/api/admin/feature-types", ADMIN, NULL, &r), 200);
    ck_assert_int_eq(jint(r.json, "version"), 1);
    ck_assert_int_eq(json_array_size(jget(r.json, "types")), 5);
    ck_assert_str_eq(jstr(r.json, "types[0].id"), "release");
    ck_assert_int_eq(jint(r.json, "types[0].lifetimeDays"), 40);
    ck_assert_str_eq(jstr(r.json, "types[1].id"), "experiment");
    ck_assert_int_eq(jint(r.json, "types[1].lifetimeDays"), 40);
    ck_assert_str_eq(jstr(r.json, "types[2].id"), "operational");
    ck_assert_int_eq(jint(r.json, "types[2].lifetimeDays"), 7);
    ck_assert_str_eq(jstr(r.json, "types[3].id"), "kill-switch");
    ck_assert(json_is_null(jget(r.json, "types[3].lifetimeDays")));
    ck_assert_str_eq(jstr(r.json, "types[4].id"), "permission");
    ck_assert(json_is_null(jget(r.json, "types[4].lifetimeDays")));
    ck_assert_ptr_nonnull(jstr(r.json, "types[4].name"));
    ck_assert_ptr_nonnull(jstr(r.json, "types[4].description"));
    resp_free(&r);
}
END_TEST

START_TEST(viewer_reads_but_cannot_write)
{
    struct resp r;
    char *viewer;

    create("watched");
    viewer = user_token(&s, "viewer", "Viewer");
    ck_assert_int_eq(req(&s, "GET", P, viewer, NULL, NULL), 200);
    ck_assert_int_eq(req(&s, "GET", P "/watched", viewer, NULL, NULL), 200);
    ck_assert_int_eq(
        req(&s, "GET", "/api/admin/feature-types", viewer, NULL, NULL), 200);
    ck_assert_int_eq(
        req_j(&s, "POST", P, viewer, &r, "{s:s}", "name", "by-viewer"), 403);
    ck_assert_str_eq(jstr(r.json, "name"), "NoAccessError");
    resp_free(&r);
    ck_assert_int_eq(toggle(viewer, "watched", "development", "on", NULL), 403);
    ck_assert_int_eq(req_j(&s, "PUT", P "/watched", viewer, NULL, "{s:s}",
                           "description", "x"),
                     403);
    ck_assert_int_eq(req(&s, "DELETE", P "/watched", viewer, NULL, NULL), 403);
    ck_assert_int_eq(req_j(&s, "POST", "/api/admin/features/watched/tags",
                           viewer, NULL, "{s:s, s:s}", "type", "simple",
                           "value", "v"),
                     403);
    ck_assert_int_eq(get("by-viewer", NULL), 404);
    ck_assert_int_eq(get("watched", &r), 200);
    ck_assert_str_eq(jstr(r.json, "description"), "");
    ck_assert(json_is_false(jget(flag_env(r.json, "development"), "enabled")));
    ck_assert(json_is_false(jget(r.json, "archived")));
    ck_assert_int_eq(json_array_size(jget(r.json, "tags")), 0);
    resp_free(&r);
    free(viewer);
}
END_TEST

START_TEST(restart_keeps_flags_state_and_archive)
{
    struct resp r;

    ck_assert_int_eq(req_j(&s, "POST", P, ADMIN, NULL,
                           "{s:s, s:s, s:[{s:s, s:s}]}", "name", "kept",
                           "description", "survives", "tags", "type", "simple",
                           "value", "k"),
                     201);
    create("shelved");
    ck_assert_int_eq(toggle(ADMIN, "kept", "production", "on", NULL), 200);
    ck_assert_int_eq(req(&s, "DELETE", P "/shelved", ADMIN, NULL, NULL), 202);
    srv_kill(&s);
    srv_restart(&s, NULL);

    ck_assert_int_eq(get("kept", &r), 200);
    ck_assert_str_eq(jstr(r.json, "description"), "survives");
    ck_assert(json_is_true(jget(flag_env(r.json, "production"), "enabled")));
    ck_assert_int_eq(
        json_array_size(jget(flag_env(r.json, "production"), "strategies")), 1);
    ck_assert_str_eq(jstr(r.json, "tags[0].value"), "k");
    resp_free(&r);
    ck_assert_int_eq(list_count(), 1);
    ck_assert_int_eq(
        req(&s, "GET", "/api/admin/archive/features", ADMIN, NULL, &r), 200);
    ck_assert_str_eq(jstr(r.json, "features[0].name"), "shelved");
    resp_free(&r);
}
END_TEST

static Suite *suite(void)
{
    Suite *su = suite_create("features");
    TCase *tc = tcase_create("flags");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, create_returns_the_flag_and_get_and_list_show_it);
    tcase_add_test(tc, create_refuses_bad_input_and_creates_nothing);
    tcase_add_test(tc, create_in_unknown_project_is_404);
    tcase_add_test(tc, duplicate_names_are_409_even_when_archived);
    tcase_add_test(tc, unknown_flag_is_404_and_other_projects_flags_too);
    tcase_add_test(tc, put_updates_fields_but_never_the_name);
    tcase_add_test(tc, patch_applies_json_patch_and_refuses_bad_ones);
    tcase_add_test(tc, archive_revive_delete_cycle);
    tcase_add_test(tc, toggle_on_adds_the_full_rollout_exactly_once);
    tcase_add_test(tc, toggle_needs_an_environment_of_the_project);
    tcase_add_test(tc, protected_environment_refuses_toggle_and_archive);
    tcase_add_test(tc, clone_copies_strategies_segments_tags_and_state);
    tcase_add_test(tc, parent_with_live_children_cannot_be_archived);
    tcase_add_test(tc, validate_tells_free_taken_and_bad_names);
    tcase_add_test(tc, tags_are_added_listed_and_removed);
    tcase_add_test(tc, feature_types_list_the_five_types);
    tcase_add_test(tc, viewer_reads_but_cannot_write);
    tcase_add_test(tc, restart_keeps_flags_state_and_archive);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    return test_run(suite());
}
