/*
 * Rollout strategies, variants and dependencies of flags over HTTP:
 * what is stored and returned, every refusal with its status and
 * message, and that a refused write leaves everything as it was.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "harness.h"
#include "../testing.h"

#define P "/api/admin/projects/default"
#define FE(f, e) P "/features/" f "/environments/" e

static struct srv s;
/* The personal token of a Viewer user every test starts with. */
static char *viewer;

/*
 * Count audit events of type about feature whose data differs from their
 * preData (the event records a change), as the events API shows them.
 */
static int events(const char *type, const char *feature)
{
    char path[300];
    struct resp r;
    size_t i;
    json_t *e;
    int n = 0;

    snprintf(path, sizeof(path),
             "/api/admin/events?type=%s&feature=%s&limit=1000", type, feature);
    ck_assert_int_eq(req(&s, "GET", path, ADMIN, NULL, &r), 200);
    json_array_foreach (jget(r.json, "events"), i, e) {
        json_t *data = json_object_get(e, "data");
        json_t *pre = json_object_get(e, "preData");

        if (!json_equal(data, pre))
            n++;
    }
    resp_free(&r);
    return n;
}

static void mk_flag(const char *name)
{
    ck_assert_int_eq(
        req_j(&s, "POST", P "/features", ADMIN, NULL, "{s:s}", "name", name),
        201);
}

/* The flag's version (features.version), read while serving. */
static long long version_of(const char *flag)
{
    char path[300];
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    long long v = -1;

    snprintf(path, sizeof(path), "%s/vexil.db", s.dir);
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_prepare_v2(db, "SELECT version FROM features WHERE name = ?", -1,
                       &q, NULL);
    sqlite3_bind_text(q, 1, flag, -1, SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW)
        v = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    sqlite3_close(db);
    return v;
}

/* Number of strategies of flag f1 in development. */
static size_t n_strategies(void)
{
    struct resp r;
    size_t n;

    ck_assert_int_eq(
        req(&s, "GET", FE("f1", "development") "/strategies", ADMIN, NULL, &r),
        200);
    ck_assert(json_is_array(r.json));
    n = json_array_size(r.json);
    resp_free(&r);
    return n;
}

/* POST body (JSON text) as a strategy of f1; expect status; r may be NULL. */
static void post_strategy(const char *body, long status, struct resp *r)
{
    struct resp tmp;

    ck_assert_int_eq(req(&s, "POST", FE("f1", "development") "/strategies",
                         ADMIN, body, &tmp),
                     status);
    if (r)
        *r = tmp;
    else
        resp_free(&tmp);
}

static void setup(void)
{
    srv_start(&s, NULL);
    viewer = user_token(&s, "viewer", "Viewer");
    mk_flag("f1");
}

static void teardown(void)
{
    free(viewer);
    viewer = NULL;
    srv_cleanup(&s);
}

START_TEST(strategy_is_added_with_defaults_and_listed)
{
    struct resp r;
    long long v0 = version_of("f1");

    post_strategy("{\"name\":\"flexibleRollout\","
                  "\"parameters\":{\"rollout\":50},"
                  "\"constraints\":[{\"contextName\":\"appVersion\","
                  "\"operator\":\"SEMVER_GT\",\"value\":\"1.2.3\"}]}",
                  200, &r);
    ck_assert_str_eq(jstr(r.json, "name"), "flexibleRollout");
    ck_assert_uint_eq(strlen(jstr(r.json, "id")), 36);
    ck_assert_str_eq(jstr(r.json, "parameters.rollout"), "50");
    ck_assert_str_eq(jstr(r.json, "parameters.stickiness"), "default");
    ck_assert_str_eq(jstr(r.json, "parameters.groupId"), "f1");
    ck_assert_str_eq(jstr(r.json, "constraints[0].operator"), "SEMVER_GT");
    ck_assert_str_eq(jstr(r.json, "constraints[0].value"), "1.2.3");
    ck_assert(json_is_array(jget(r.json, "constraints[0].values")));
    ck_assert(json_is_false(jget(r.json, "constraints[0].inverted")));
    ck_assert(json_is_false(jget(r.json, "disabled")));
    ck_assert(json_is_array(jget(r.json, "segments")));
    ck_assert_int_eq(jint(r.json, "sortOrder"), 0);
    resp_free(&r);

    post_strategy("{\"name\":\"default\",\"title\":\"everyone\"}", 200, &r);
    ck_assert_int_eq(jint(r.json, "sortOrder"), 1);
    resp_free(&r);

    ck_assert_int_eq(
        req(&s, "GET", FE("f1", "development") "/strategies", ADMIN, NULL, &r),
        200);
    ck_assert_uint_eq(json_array_size(r.json), 2);
    ck_assert_str_eq(jstr(r.json, "[0].name"), "flexibleRollout");
    ck_assert_str_eq(jstr(r.json, "[1].title"), "everyone");
    resp_free(&r);
    ck_assert_int_eq(version_of("f1"), v0 + 2);
    ck_assert_int_eq(events("feature-strategy-add", "f1"), 2);

    /* A Viewer reads but cannot write. */
    ck_assert_int_eq(req(&s, "GET", FE("f1", "development") "/strategies",
                         viewer, NULL, NULL),
                     200);
    ck_assert_int_eq(req(&s, "POST", FE("f1", "development") "/strategies",
                         viewer, "{\"name\":\"default\"}", NULL),
                     403);
    ck_assert_uint_eq(n_strategies(), 2);
}
END_TEST

START_TEST(bad_semver_is_refused_as_unleash_does)
{
    struct resp r;

    post_strategy("{\"name\":\"flexibleRollout\",\"parameters\":"
                  "{\"rollout\":\"50\",\"stickiness\":\"default\","
                  "\"groupId\":\"f1\"},\"constraints\":[{\"contextName\":"
                  "\"appVersion\",\"operator\":\"SEMVER_GT\","
                  "\"value\":\"v1\"}]}",
                  400, &r);
    ck_assert_str_eq(jstr(r.json, "name"), "BadDataError");
    ck_assert_str_eq(jstr(r.json, "message"),
                     "Request validation failed: your request body or "
                     "params contain invalid data: the provided value is "
                     "not a valid semver format. The value provided was: "
                     "v1");
    ck_assert_str_eq(jstr(r.json, "details[0].message"),
                     "the provided value is not a valid semver format. The "
                     "value provided was: v1");
    resp_free(&r);
    ck_assert_uint_eq(n_strategies(), 0);
}
END_TEST

/* POST body and expect 400 whose detail contains needle. */
static void refused(const char *body, const char *needle)
{
    struct resp r;

    post_strategy(body, 400, &r);
    ck_assert_msg(strstr(jstr(r.json, "details[0].message"), needle),
                  "for %s: %s", body, r.body);
    resp_free(&r);
}

START_TEST(bad_strategies_are_400_and_change_nothing)
{
    long long v0 = version_of("f1");

    refused("{}", "/body/name");
    refused("{\"name\":7}", "/body/name");
    refused("{\"name\":\"nope\"}", "\"nope\" is not defined");
    refused("{\"name\":\"default\",\"disabled\":\"yes\"}", "boolean");
    refused("{\"name\":\"default\",\"parameters\":{\"x\":true}}",
            "/body/parameters/x");
    refused("{\"name\":\"default\",\"parameters\":[]}", "/body/parameters");
    refused("{\"name\":\"flexibleRollout\",\"parameters\":{\"rollout\":"
            "\"150\"}}",
            "from 0 to 100");
    refused("{\"name\":\"default\",\"constraints\":{}}", "an array");
    refused("{\"name\":\"default\",\"constraints\":[{\"operator\":\"IN\"}]}",
            "/body/constraints/0/contextName");
    refused("{\"name\":\"default\",\"constraints\":[{\"contextName\":\"a\","
            "\"operator\":\"LIKE\"}]}",
            "got \"LIKE\"");
    refused("{\"name\":\"default\",\"constraints\":[{\"contextName\":\"a\","
            "\"operator\":\"NUM_GT\",\"value\":\"ten\"}]}",
            "not a valid number. The value provided was: ten");
    refused("{\"name\":\"default\",\"constraints\":[{\"contextName\":\"a\","
            "\"operator\":\"NUM_GT\"}]}",
            "required by operator NUM_GT");
    refused("{\"name\":\"default\",\"constraints\":[{\"contextName\":"
            "\"currentTime\",\"operator\":\"DATE_AFTER\","
            "\"value\":\"yesterday\"}]}",
            "not a valid date");
    refused("{\"name\":\"default\",\"constraints\":[{\"contextName\":\"a\","
            "\"operator\":\"IN\",\"values\":[\"x\",{}]}]}",
            "array of strings");
    refused("{\"name\":\"default\",\"constraints\":[{\"contextName\":\"a\","
            "\"operator\":\"IN\",\"inverted\":1}]}",
            "/inverted");
    refused("{\"name\":\"default\",\"segments\":[42]}",
            "segment 42 does not exist");
    refused("{\"name\":\"default\",\"segments\":[\"a\"]}", "segment id");
    refused("{\"name\":\"default\",\"variants\":[{\"name\":\"a\","
            "\"weightType\":\"fix\",\"weight\":600},{\"name\":\"b\","
            "\"weightType\":\"fix\",\"weight\":500},{\"name\":\"c\"}]}",
            "more than 1000");

    ck_assert_uint_eq(n_strategies(), 0);
    ck_assert_int_eq(version_of("f1"), v0);
    ck_assert_int_eq(events("feature-strategy-add", "f1"), 0);
}
END_TEST

/*
 * Define custom strategy "typed" with one parameter of each type, the
 * string one required.
 */
static void define_typed(void)
{
    ck_assert_int_eq(
        req(&s, "POST", "/api/admin/strategies", ADMIN,
            "{\"name\":\"typed\",\"parameters\":["
            "{\"name\":\"team\",\"type\":\"string\",\"required\":true},"
            "{\"name\":\"pct\",\"type\":\"percentage\"},"
            "{\"name\":\"num\",\"type\":\"number\"},"
            "{\"name\":\"flag\",\"type\":\"boolean\"},"
            "{\"name\":\"ids\",\"type\":\"list\",\"required\":true}]}",
            NULL),
        201);
}

/* POST body and expect 400 naming path in details[0].path. */
static void refused_at(const char *body, const char *path)
{
    struct resp r;

    post_strategy(body, 400, &r);
    ck_assert_msg(!strcmp(jstr(r.json, "details[0].path"), path), "for %s: %s",
                  body, r.body);
    resp_free(&r);
}

START_TEST(parameters_follow_the_definition)
{
    struct resp r;
    char path[300], *id;
    long long v0;

    define_typed();
    v0 = version_of("f1");

    /* Required ones missing or empty, and values of the wrong type. */
    refused_at("{\"name\":\"typed\",\"parameters\":{\"ids\":\"a\"}}",
               "/body/parameters/team");
    refused_at("{\"name\":\"typed\",\"parameters\":{\"team\":\"\","
               "\"ids\":\"a\"}}",
               "/body/parameters/team");
    refused_at("{\"name\":\"typed\",\"parameters\":{\"team\":\"t\"}}",
               "/body/parameters/ids");
    refused_at("{\"name\":\"typed\",\"parameters\":{\"team\":\"t\","
               "\"ids\":\"a\",\"pct\":\"101\"}}",
               "/body/parameters/pct");
    refused_at("{\"name\":\"typed\",\"parameters\":{\"team\":\"t\","
               "\"ids\":\"a\",\"pct\":\"12.5\"}}",
               "/body/parameters/pct");
    refused_at("{\"name\":\"typed\",\"parameters\":{\"team\":\"t\","
               "\"ids\":\"a\",\"pct\":\"-1\"}}",
               "/body/parameters/pct");
    refused_at("{\"name\":\"typed\",\"parameters\":{\"team\":\"t\","
               "\"ids\":\"a\",\"num\":\"ten\"}}",
               "/body/parameters/num");
    refused_at("{\"name\":\"typed\",\"parameters\":{\"team\":\"t\","
               "\"ids\":\"a\",\"flag\":\"yes\"}}",
               "/body/parameters/flag");
    refused_at("{\"name\":\"typed\",\"parameters\":{\"team\":\"t\","
               "\"ids\":[\"a\"]}}",
               "/body/parameters/ids");
    /* Built-in definitions apply too: remoteAddress needs its IPs. */
    refused_at("{\"name\":\"remoteAddress\",\"parameters\":{}}",
               "/body/parameters/IPs");
    refused_at("{\"name\":\"gradualRolloutRandom\",\"parameters\":"
               "{\"percentage\":\"half\"}}",
               "/body/parameters/percentage");
    refused_at("{\"name\":\"flexibleRollout\",\"parameters\":"
               "{\"rollout\":\" 5\"}}",
               "/body/parameters/rollout");
    ck_assert_uint_eq(n_strategies(), 0);
    ck_assert_int_eq(version_of("f1"), v0);
    ck_assert_int_eq(events("feature-strategy-add", "f1"), 0);

    /*
     * Valid values, numbers given as JSON numbers, optional ones left
     * out or empty, and a parameter the definition does not list.
     */
    post_strategy("{\"name\":\"typed\",\"parameters\":{\"team\":\"t\","
                  "\"ids\":\"a, b,c\",\"pct\":100,\"num\":\"-2.5e3\","
                  "\"flag\":\"false\",\"extra\":\"kept\"}}",
                  200, &r);
    ck_assert_str_eq(jstr(r.json, "parameters.pct"), "100");
    ck_assert_str_eq(jstr(r.json, "parameters.extra"), "kept");
    id = strdup(jstr(r.json, "id"));
    resp_free(&r);
    post_strategy("{\"name\":\"typed\",\"parameters\":{\"team\":\"t\","
                  "\"ids\":\"a\",\"pct\":\"\",\"num\":\"\"}}",
                  200, NULL);
    /* flexibleRollout's stickiness and groupId still get defaults. */
    post_strategy("{\"name\":\"flexibleRollout\",\"parameters\":"
                  "{\"rollout\":\"0\",\"groupId\":\"\"}}",
                  200, &r);
    ck_assert_str_eq(jstr(r.json, "parameters.groupId"), "f1");
    ck_assert_str_eq(jstr(r.json, "parameters.stickiness"), "default");
    resp_free(&r);
    ck_assert_uint_eq(n_strategies(), 3);

    /* An update is checked the same way and a refused one keeps it. */
    snprintf(path, sizeof(path), FE("f1", "development") "/strategies/%s", id);
    ck_assert_int_eq(req(&s, "PUT", path, ADMIN,
                         "{\"name\":\"typed\",\"parameters\":"
                         "{\"team\":\"t\",\"ids\":\"a\",\"flag\":\"1\"}}",
                         &r),
                     400);
    ck_assert_str_eq(jstr(r.json, "details[0].path"), "/body/parameters/flag");
    resp_free(&r);
    ck_assert_int_eq(req(&s, "PATCH", path, ADMIN,
                         "[{\"op\":\"remove\",\"path\":\"/parameters/"
                         "team\"}]",
                         NULL),
                     400);
    ck_assert_int_eq(req(&s, "GET", path, ADMIN, NULL, &r), 200);
    ck_assert_str_eq(jstr(r.json, "parameters.team"), "t");
    ck_assert_str_eq(jstr(r.json, "parameters.flag"), "false");
    resp_free(&r);
    ck_assert_int_eq(events("feature-strategy-update", "f1"), 0);
    free(id);
}
END_TEST

START_TEST(imported_parameters_follow_the_definition)
{
    struct resp r;

    define_typed();
    ck_assert_int_eq(
        req(&s, "POST", "/api/admin/features-batch/import", ADMIN,
            "{\"project\":\"default\",\"environment\":\"development\","
            "\"data\":{\"features\":[{\"name\":\"imp\"}],"
            "\"featureStrategies\":[{\"featureName\":\"imp\","
            "\"name\":\"typed\",\"parameters\":{\"team\":\"t\","
            "\"ids\":\"a\",\"pct\":\"300\"}}]}}",
            &r),
        400);
    ck_assert_msg(strstr(jstr(r.json, "details[0].path"), "parameters/pct"),
                  "%s", r.body);
    resp_free(&r);
    ck_assert_int_eq(req(&s, "GET", P "/features/imp", ADMIN, NULL, NULL), 404);
}
END_TEST

/* Values of a context field with legal values must be among them. */
START_TEST(constraint_values_must_be_legal)
{
    struct resp r;

    ck_assert_int_eq(req(&s, "POST", "/api/admin/context", ADMIN,
                         "{\"name\":\"region\",\"legalValues\":"
                         "[{\"value\":\"eu\"},{\"value\":\"us\"}]}",
                         NULL),
                     201);
    refused_at("{\"name\":\"default\",\"constraints\":[{\"contextName\":"
               "\"region\",\"operator\":\"IN\",\"values\":[\"eu\","
               "\"mars\"]}]}",
               "/body/constraints/0/values/1");
    post_strategy("{\"name\":\"default\",\"constraints\":[{\"contextName\":"
                  "\"region\",\"operator\":\"STR_STARTS_WITH\","
                  "\"values\":[\"e\"]}]}",
                  400, &r);
    ck_assert_ptr_nonnull(
        strstr(jstr(r.json, "details[0].message"), "\"eu\", \"us\""));
    resp_free(&r);
    ck_assert_int_eq(n_strategies(), 0);

    /* Legal values, and fields without a list of them, are accepted. */
    post_strategy("{\"name\":\"default\",\"constraints\":[{\"contextName\":"
                  "\"region\",\"operator\":\"NOT_IN\",\"values\":"
                  "[\"us\"]},{\"contextName\":\"plan\",\"operator\":"
                  "\"IN\",\"values\":[\"anything\"]}]}",
                  200, NULL);
    ck_assert_int_eq(n_strategies(), 1);

    /* Segments are held to the same rule. */
    ck_assert_int_eq(req(&s, "POST", "/api/admin/segments", ADMIN,
                         "{\"name\":\"mars\",\"constraints\":"
                         "[{\"contextName\":\"region\",\"operator\":"
                         "\"IN\",\"values\":[\"mars\"]}]}",
                         &r),
                     400);
    ck_assert_str_eq(jstr(r.json, "details[0].path"),
                     "/body/constraints/0/values/0");
    resp_free(&r);
    ck_assert_int_eq(req(&s, "GET", "/api/admin/segments", ADMIN, NULL, &r),
                     200);
    ck_assert_int_eq(json_array_size(jget(r.json, "segments")), 0);
    resp_free(&r);
}
END_TEST

START_TEST(unknown_places_are_404)
{
    struct resp r;

    ck_assert_int_eq(req(&s, "POST",
                         "/api/admin/projects/nope/features/f1/"
                         "environments/development/strategies",
                         ADMIN, "{\"name\":\"default\"}", NULL),
                     404);
    ck_assert_int_eq(req(&s, "POST", FE("nope", "development") "/strategies",
                         ADMIN, "{\"name\":\"default\"}", &r),
                     404);
    ck_assert_str_eq(jstr(r.json, "message"),
                     "There's no feature named \"nope\" in project "
                     "\"default\".");
    resp_free(&r);
    ck_assert_int_eq(req(&s, "POST", FE("f1", "staging") "/strategies", ADMIN,
                         "{\"name\":\"default\"}", NULL),
                     404);
    ck_assert_int_eq(req(&s, "GET",
                         FE("f1", "development") "/strategies/no-such-id",
                         ADMIN, NULL, NULL),
                     404);
    ck_assert_int_eq(req(&s, "PUT",
                         FE("f1", "development") "/strategies/no-such-id",
                         ADMIN, "{\"name\":\"default\"}", NULL),
                     404);
    ck_assert_int_eq(req(&s, "DELETE",
                         FE("f1", "development") "/strategies/no-such-id",
                         ADMIN, NULL, NULL),
                     404);

    /* Archived flags take no strategies. */
    mk_flag("gone");
    ck_assert_int_eq(req(&s, "DELETE", P "/features/gone", ADMIN, NULL, NULL),
                     202);
    ck_assert_int_eq(req(&s, "POST", FE("gone", "development") "/strategies",
                         ADMIN, "{\"name\":\"default\"}", NULL),
                     404);
}
END_TEST

START_TEST(put_patch_and_delete_a_strategy)
{
    struct resp r;
    char path[300], *id;

    post_strategy("{\"name\":\"flexibleRollout\",\"sortOrder\":7,"
                  "\"parameters\":{\"rollout\":\"20\"}}",
                  200, &r);
    id = strdup(jstr(r.json, "id"));
    resp_free(&r);
    snprintf(path, sizeof(path), FE("f1", "development") "/strategies/%s", id);

    /* PUT replaces every field; the sort order stays. */
    ck_assert_int_eq(req(&s, "PUT", path, ADMIN,
                         "{\"name\":\"userWithId\",\"parameters\":"
                         "{\"userIds\":\"a,b\"}}",
                         &r),
                     200);
    ck_assert_str_eq(jstr(r.json, "id"), id);
    ck_assert_str_eq(jstr(r.json, "name"), "userWithId");
    ck_assert_ptr_null(jget(r.json, "parameters.rollout"));
    ck_assert_int_eq(jint(r.json, "sortOrder"), 7);
    resp_free(&r);

    /* PATCH applies a JSON Patch to the stored strategy. */
    ck_assert_int_eq(req(&s, "PATCH", path, ADMIN,
                         "[{\"op\":\"replace\",\"path\":\"/parameters/"
                         "userIds\",\"value\":\"c\"},{\"op\":\"add\","
                         "\"path\":\"/disabled\",\"value\":true}]",
                         &r),
                     200);
    ck_assert_str_eq(jstr(r.json, "parameters.userIds"), "c");
    ck_assert(json_is_true(jget(r.json, "disabled")));
    resp_free(&r);

    /* A patch that makes the strategy invalid changes nothing. */
    ck_assert_int_eq(req(&s, "PATCH", path, ADMIN,
                         "[{\"op\":\"replace\",\"path\":\"/name\","
                         "\"value\":\"nope\"}]",
                         NULL),
                     400);
    ck_assert_int_eq(req(&s, "PATCH", path, ADMIN,
                         "[{\"op\":\"remove\",\"path\":\"/missing\"}]", NULL),
                     400);
    ck_assert_int_eq(req(&s, "PATCH", path, ADMIN, "[{", NULL), 400);
    ck_assert_int_eq(req(&s, "GET", path, ADMIN, NULL, &r), 200);
    ck_assert_str_eq(jstr(r.json, "name"), "userWithId");
    ck_assert_str_eq(jstr(r.json, "parameters.userIds"), "c");
    resp_free(&r);
    ck_assert_int_eq(events("feature-strategy-update", "f1"), 2);

    ck_assert_int_eq(req(&s, "DELETE", path, viewer, NULL, NULL), 403);
    ck_assert_int_eq(req(&s, "DELETE", path, ADMIN, NULL, NULL), 200);
    ck_assert_int_eq(req(&s, "GET", path, ADMIN, NULL, NULL), 404);
    ck_assert_uint_eq(n_strategies(), 0);
    ck_assert_int_eq(events("feature-strategy-remove", "f1"), 1);
    free(id);
}
END_TEST

START_TEST(reorder_sets_the_order)
{
    struct resp r;
    char *ids[3], body[400];

    for (int i = 0; i < 3; i++) {
        post_strategy("{\"name\":\"default\"}", 200, &r);
        ids[i] = strdup(jstr(r.json, "id"));
        resp_free(&r);
    }
    snprintf(body, sizeof(body),
             "[{\"id\":\"%s\",\"sortOrder\":2},{\"id\":\"%s\","
             "\"sortOrder\":1},{\"id\":\"%s\",\"sortOrder\":0}]",
             ids[0], ids[1], ids[2]);
    ck_assert_int_eq(req(&s, "POST",
                         FE("f1", "development") "/strategies/"
                                                 "set-sort-order",
                         ADMIN, body, NULL),
                     200);
    ck_assert_int_eq(
        req(&s, "GET", FE("f1", "development") "/strategies", ADMIN, NULL, &r),
        200);
    ck_assert_str_eq(jstr(r.json, "[0].id"), ids[2]);
    ck_assert_str_eq(jstr(r.json, "[2].id"), ids[0]);
    resp_free(&r);

    /* An unknown id refuses the whole reorder. */
    snprintf(body, sizeof(body),
             "[{\"id\":\"%s\",\"sortOrder\":9},{\"id\":\"nope\","
             "\"sortOrder\":1}]",
             ids[2]);
    ck_assert_int_eq(req(&s, "POST",
                         FE("f1", "development") "/strategies/"
                                                 "set-sort-order",
                         ADMIN, body, &r),
                     400);
    ck_assert_ptr_nonnull(strstr(r.body, "nope"));
    resp_free(&r);
    ck_assert_int_eq(req(&s, "POST",
                         FE("f1", "development") "/strategies/"
                                                 "set-sort-order",
                         ADMIN, "{\"id\":1}", NULL),
                     400);
    ck_assert_int_eq(
        req(&s, "GET", FE("f1", "development") "/strategies", ADMIN, NULL, &r),
        200);
    ck_assert_str_eq(jstr(r.json, "[0].id"), ids[2]);
    ck_assert_int_eq(jint(r.json, "[0].sortOrder"), 0);
    resp_free(&r);
    ck_assert_int_eq(events("strategy-order-changed", "f1"), 1);
    for (int i = 0; i < 3; i++)
        free(ids[i]);
}
END_TEST

START_TEST(strategy_variants_are_normalised)
{
    struct resp r;

    post_strategy("{\"name\":\"default\",\"variants\":[{\"name\":\"a\","
                  "\"payload\":{\"type\":\"json\",\"value\":\"{}\"}},"
                  "{\"name\":\"b\",\"weightType\":\"fix\",\"weight\":100,"
                  "\"stickiness\":\"userId\"}]}",
                  200, &r);
    ck_assert_int_eq(jint(r.json, "variants[0].weight"), 900);
    ck_assert_str_eq(jstr(r.json, "variants[0].weightType"), "variable");
    ck_assert_str_eq(jstr(r.json, "variants[0].stickiness"), "default");
    ck_assert_str_eq(jstr(r.json, "variants[0].payload.type"), "json");
    ck_assert_int_eq(jint(r.json, "variants[1].weight"), 100);
    ck_assert_str_eq(jstr(r.json, "variants[1].stickiness"), "userId");
    resp_free(&r);
}
END_TEST

#define V FE("f1", "development") "/variants"

/* The variant list of f1 in development as text, for comparisons. */
static char *variants_now(void)
{
    struct resp r;
    char *text;

    ck_assert_int_eq(req(&s, "GET", V, ADMIN, NULL, &r), 200);
    ck_assert_int_eq(jint(r.json, "version"), 1);
    text = json_dumps(jget(r.json, "variants"), JSON_COMPACT);
    resp_free(&r);
    return text;
}

START_TEST(variants_are_replaced_and_normalised)
{
    struct resp r;
    char *before;

    before = variants_now();
    ck_assert_str_eq(before, "[]");
    free(before);
    ck_assert_int_eq(req(&s, "PUT", V, ADMIN,
                         "[{\"name\":\"a\"},{\"name\":\"b\"},"
                         "{\"name\":\"c\",\"overrides\":[{\"contextName\":"
                         "\"userId\",\"values\":[\"1\"]}],\"payload\":"
                         "{\"type\":\"number\",\"value\":\"7\"}}]",
                         &r),
                     200);
    ck_assert_int_eq(jint(r.json, "version"), 1);
    ck_assert_int_eq(jint(r.json, "variants[0].weight"), 334);
    ck_assert_int_eq(jint(r.json, "variants[1].weight"), 333);
    ck_assert_int_eq(jint(r.json, "variants[2].weight"), 333);
    ck_assert_str_eq(jstr(r.json, "variants[2].overrides[0].values[0]"), "1");
    resp_free(&r);
    ck_assert_int_eq(events("feature-environment-variants-updated", "f1"), 1);

    /* PATCH edits the list, which is normalised again. */
    ck_assert_int_eq(req(&s, "PATCH", V, ADMIN,
                         "[{\"op\":\"add\",\"path\":\"/-\",\"value\":"
                         "{\"name\":\"d\"}}]",
                         &r),
                     200);
    ck_assert_uint_eq(json_array_size(jget(r.json, "variants")), 4);
    ck_assert_int_eq(jint(r.json, "variants[0].weight"), 250);
    ck_assert_int_eq(jint(r.json, "variants[3].weight"), 250);
    resp_free(&r);
    ck_assert_int_eq(req(&s, "GET", V, viewer, NULL, NULL), 200);
    ck_assert_int_eq(req(&s, "PUT", V, viewer, "[]", NULL), 403);
}
END_TEST

/* PUT body as variants; expect 400 mentioning needle. */
static void variants_refused(const char *body, const char *needle)
{
    struct resp r;

    ck_assert_int_eq(req(&s, "PUT", V, ADMIN, body, &r), 400);
    ck_assert_msg(strstr(r.body, needle), "for %s: %s", body, r.body);
    resp_free(&r);
}

START_TEST(bad_variants_are_400_and_change_nothing)
{
    char *before, *after;

    ck_assert_int_eq(req(&s, "PUT", V, ADMIN, "[{\"name\":\"a\"}]", NULL), 200);
    before = variants_now();
    variants_refused("[{\"name\":\"a\"", "not valid JSON");
    variants_refused("{\"name\":\"a\"}", "array of variants");
    variants_refused("[{\"name\":\"a\"},{\"name\":\"a\"}]", "unique");
    variants_refused("[{\"weight\":5}]", "required");
    variants_refused("[{\"name\":\"\"}]", "needs a name");
    variants_refused("[{\"name\":\"a\",\"weightType\":\"fix\",\"weight\":700},"
                     "{\"name\":\"b\",\"weightType\":\"fix\",\"weight\":400},"
                     "{\"name\":\"c\"}]",
                     "more than 1000");
    variants_refused("[{\"name\":\"a\",\"weightType\":\"fix\"}]", "weight");
    variants_refused("[{\"name\":\"a\",\"weightType\":\"heavy\"}]",
                     "weightType");
    variants_refused("[{\"name\":\"a\",\"weight\":1001,"
                     "\"weightType\":\"fix\"},{\"name\":\"b\"}]",
                     "between 0 and 1000");
    variants_refused("[{\"name\":\"a\",\"payload\":{\"type\":\"json\","
                     "\"value\":\"{nope\"}}]",
                     "not valid JSON");
    variants_refused("[{\"name\":\"a\",\"payload\":{\"type\":\"number\","
                     "\"value\":\"seven\"}}]",
                     "not a number");
    variants_refused("[{\"name\":\"a\",\"payload\":{\"type\":\"xml\","
                     "\"value\":\"x\"}}]",
                     "payload");
    variants_refused("[{\"name\":\"a\",\"overrides\":[{\"contextName\":"
                     "\"userId\",\"values\":[1]}]}]",
                     "overrides/0");
    ck_assert_int_eq(req(&s, "PATCH", V, ADMIN,
                         "[{\"op\":\"add\",\"path\":\"/-\",\"value\":"
                         "{\"name\":\"a\"}}]",
                         NULL),
                     400);
    after = variants_now();
    ck_assert_str_eq(after, before);
    free(before);
    free(after);
    ck_assert_int_eq(req(&s, "PUT", FE("nope", "development") "/variants",
                         ADMIN, "[]", NULL),
                     404);
}
END_TEST

START_TEST(protected_environment_refuses_every_write)
{
    struct resp r;
    char path[300], *id;

    ck_assert_int_eq(req(&s, "POST", FE("f1", "production") "/strategies",
                         ADMIN, "{\"name\":\"default\"}", &r),
                     200);
    id = strdup(jstr(r.json, "id"));
    resp_free(&r);
    mk_flag("p1");
    protect_env(&s, "default", "production");

    ck_assert_int_eq(req(&s, "POST", FE("f1", "production") "/strategies",
                         ADMIN, "{\"name\":\"default\"}", &r),
                     403);
    ck_assert_ptr_nonnull(strstr(jstr(r.json, "message"), "change-requests"));
    resp_free(&r);
    snprintf(path, sizeof(path), FE("f1", "production") "/strategies/%s", id);
    ck_assert_int_eq(
        req(&s, "PUT", path, ADMIN, "{\"name\":\"default\"}", NULL), 403);
    ck_assert_int_eq(req(&s, "PATCH", path, ADMIN, "[]", NULL), 403);
    ck_assert_int_eq(req(&s, "DELETE", path, ADMIN, NULL, NULL), 403);
    ck_assert_int_eq(req(&s, "POST",
                         FE("f1", "production") "/strategies/"
                                                "set-sort-order",
                         ADMIN, "[]", NULL),
                     403);
    ck_assert_int_eq(req(&s, "PUT", FE("f1", "production") "/variants", ADMIN,
                         "[{\"name\":\"a\"}]", NULL),
                     403);
    ck_assert_int_eq(
        req(&s, "PATCH", FE("f1", "production") "/variants", ADMIN, "[]", NULL),
        403);
    /* Dependencies reach every environment, the protected one too. */
    ck_assert_int_eq(req(&s, "POST", P "/features/f1/dependencies", ADMIN,
                         "{\"feature\":\"p1\"}", NULL),
                     403);

    ck_assert_int_eq(req(&s, "GET", path, ADMIN, NULL, &r), 200);
    ck_assert_str_eq(jstr(r.json, "name"), "default");
    resp_free(&r);
    ck_assert_int_eq(
        req(&s, "GET", FE("f1", "production") "/variants", ADMIN, NULL, &r),
        200);
    ck_assert_uint_eq(json_array_size(jget(r.json, "variants")), 0);
    resp_free(&r);

    /* Other environments are not affected. */
    post_strategy("{\"name\":\"default\"}", 200, NULL);
    free(id);
}
END_TEST

#define DEPS(f) P "/features/" f "/dependencies"

/* The dependencies of flag as GET of the flag shows them. */
static json_t *deps_of(const char *flag)
{
    char path[200];
    struct resp r;
    json_t *deps;

    snprintf(path, sizeof(path), P "/features/%s", flag);
    ck_assert_int_eq(req(&s, "GET", path, ADMIN, NULL, &r), 200);
    deps = json_incref(jget(r.json, "dependencies"));
    resp_free(&r);
    return deps;
}

START_TEST(dependencies_follow_the_rules)
{
    struct resp r;
    json_t *d;

    mk_flag("parent");
    mk_flag("other");
    mk_flag("gone");
    ck_assert_int_eq(req(&s, "DELETE", P "/features/gone", ADMIN, NULL, NULL),
                     202);

    ck_assert_int_eq(
        req(&s, "POST", DEPS("f1"), ADMIN, "{\"feature\":\"f1\"}", &r), 400);
    ck_assert_ptr_nonnull(strstr(r.body, "cannot depend on itself"));
    resp_free(&r);
    ck_assert_int_eq(
        req(&s, "POST", DEPS("f1"), ADMIN, "{\"feature\":\"missing\"}", &r),
        400);
    ck_assert_ptr_nonnull(strstr(r.body, "no flag \\\"missing\\\""));
    resp_free(&r);
    ck_assert_int_eq(
        req(&s, "POST", DEPS("f1"), ADMIN, "{\"feature\":\"gone\"}", NULL),
        400);
    ck_assert_int_eq(req(&s, "POST", DEPS("f1"), ADMIN, "{}", NULL), 400);
    ck_assert_int_eq(req(&s, "POST", DEPS("f1"), ADMIN,
                         "{\"feature\":\"parent\",\"enabled\":\"no\"}", NULL),
                     400);
    ck_assert_int_eq(req(&s, "POST", DEPS("f1"), ADMIN,
                         "{\"feature\":\"parent\",\"variants\":[1]}", NULL),
                     400);
    ck_assert_int_eq(
        req(&s, "POST", DEPS("nope"), ADMIN, "{\"feature\":\"parent\"}", NULL),
        404);
    ck_assert_int_eq(
        req(&s, "POST", DEPS("f1"), viewer, "{\"feature\":\"parent\"}", NULL),
        403);
    d = deps_of("f1");
    ck_assert_uint_eq(json_array_size(d), 0);
    json_decref(d);

    long long v0 = version_of("f1");

    ck_assert_int_eq(req(&s, "POST", DEPS("f1"), ADMIN,
                         "{\"feature\":\"parent\",\"variants\":[\"blue\"]}",
                         NULL),
                     200);
    ck_assert_int_eq(version_of("f1"), v0 + 1);
    d = deps_of("f1");
    ck_assert_uint_eq(json_array_size(d), 1);
    ck_assert_str_eq(jstr(d, "[0].feature"), "parent");
    ck_assert(json_is_true(jget(d, "[0].enabled")));
    ck_assert_str_eq(jstr(d, "[0].variants[0]"), "blue");
    json_decref(d);
    ck_assert_int_eq(events("feature-dependency-added", "f1"), 1);

    /* One level only, both ways. */
    ck_assert_int_eq(
        req(&s, "POST", DEPS("other"), ADMIN, "{\"feature\":\"f1\"}", &r), 409);
    ck_assert_ptr_nonnull(strstr(r.body, "one level deep"));
    resp_free(&r);
    ck_assert_int_eq(
        req(&s, "POST", DEPS("parent"), ADMIN, "{\"feature\":\"other\"}", &r),
        409);
    ck_assert_ptr_nonnull(strstr(r.body, "one level deep"));
    resp_free(&r);
    d = deps_of("parent");
    ck_assert_uint_eq(json_array_size(d), 0);
    json_decref(d);

    /* Delete one, then all. */
    ck_assert_int_eq(req(&s, "POST", DEPS("f1"), ADMIN,
                         "{\"feature\":\"other\",\"enabled\":false}", NULL),
                     200);
    ck_assert_int_eq(
        req(&s, "DELETE", DEPS("f1") "/parent", viewer, NULL, NULL), 403);
    ck_assert_int_eq(req(&s, "DELETE", DEPS("f1") "/parent", ADMIN, NULL, NULL),
                     200);
    d = deps_of("f1");
    ck_assert_uint_eq(json_array_size(d), 1);
    ck_assert_str_eq(jstr(d, "[0].feature"), "other");
    ck_assert(json_is_false(jget(d, "[0].enabled")));
    json_decref(d);
    ck_assert_int_eq(req(&s, "DELETE", DEPS("f1"), ADMIN, NULL, NULL), 200);
    d = deps_of("f1");
    ck_assert_uint_eq(json_array_size(d), 0);
    json_decref(d);
    ck_assert_int_eq(events("feature-dependency-removed", "f1"), 2);
    /* Removing what is not there is a no-op. */
    ck_assert_int_eq(req(&s, "DELETE", DEPS("f1") "/parent", ADMIN, NULL, NULL),
                     200);
    ck_assert_int_eq(events("feature-dependency-removed", "f1"), 2);
}
END_TEST

static Suite *suite(void)
{
    Suite *su = suite_create("strategies");
    TCase *tc = tcase_create("admin");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, strategy_is_added_with_defaults_and_listed);
    tcase_add_test(tc, bad_semver_is_refused_as_unleash_does);
    tcase_add_test(tc, bad_strategies_are_400_and_change_nothing);
    tcase_add_test(tc, parameters_follow_the_definition);
    tcase_add_test(tc, imported_parameters_follow_the_definition);
    tcase_add_test(tc, constraint_values_must_be_legal);
    tcase_add_test(tc, unknown_places_are_404);
    tcase_add_test(tc, put_patch_and_delete_a_strategy);
    tcase_add_test(tc, reorder_sets_the_order);
    tcase_add_test(tc, strategy_variants_are_normalised);
    tcase_add_test(tc, variants_are_replaced_and_normalised);
    tcase_add_test(tc, bad_variants_are_400_and_change_nothing);
    tcase_add_test(tc, protected_environment_refuses_every_write);
    tcase_add_test(tc, dependencies_follow_the_rules);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    return test_run(suite());
}
