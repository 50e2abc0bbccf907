/*
 * Export and import of flags (/api/admin/features-batch) over HTTP: a
 * document exported from one server and imported into another project
 * and environment of a second server exports again unchanged, odd
 * variant weights included; an import is all or nothing; every refusal
 * with its status.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "../testing.h"

#define B "/api/admin/features-batch"
#define P "/api/admin/projects/default"

static struct srv s, t;
static char *editor, *viewer;

/*
 * The document the tests start from: odd weights on strategy and flag
 * variants, a segment, a custom strategy, tags, a dependency, a stale
 * experiment flag with impression data, and a flag that is off.
 */
static const char *const doc_text =
    "{\"features\":["
    " {\"name\":\"odd\",\"type\":\"experiment\",\"description\":\"d1\","
    "  \"impressionData\":true,\"stale\":true,\"project\":\"x\"},"
    " {\"name\":\"parent\",\"type\":\"release\",\"description\":\"\","
    "  \"impressionData\":false,\"stale\":false,\"project\":\"x\"},"
    " {\"name\":\"child\",\"type\":\"release\",\"description\":\"\","
    "  \"impressionData\":false,\"stale\":false,\"project\":\"x\"}],"
    "\"featureStrategies\":["
    " {\"featureName\":\"odd\",\"name\":\"flexibleRollout\","
    "  \"title\":\"half\",\"sortOrder\":0,\"disabled\":false,"
    "  \"parameters\":{\"rollout\":\"50\",\"stickiness\":\"userId\","
    "   \"groupId\":\"g\"},"
    "  \"constraints\":[{\"contextName\":\"version\","
    "   \"operator\":\"SEMVER_GTE\",\"value\":\"1.2.0\",\"values\":[],"
    "   \"inverted\":false,\"caseInsensitive\":false},"
    "   {\"contextName\":\"email\",\"operator\":\"REGEX\","
    "   \"value\":\"@x\\\\.com$\",\"values\":[],\"inverted\":true,"
    "   \"caseInsensitive\":true}],"
    "  \"segments\":[7],"
    "  \"variants\":[{\"name\":\"a\",\"weight\":33,\"weightType\":"
    "   \"variable\",\"stickiness\":\"default\"},"
    "   {\"name\":\"b\",\"weight\":33,\"weightType\":\"variable\","
    "   \"stickiness\":\"default\"},"
    "   {\"name\":\"c\",\"weight\":34,\"weightType\":\"variable\","
    "   \"stickiness\":\"default\"}]},"
    " {\"featureName\":\"odd\",\"name\":\"custom1\",\"sortOrder\":1,"
    "  \"disabled\":true,\"parameters\":{\"n\":5},\"constraints\":[],"
    "  \"segments\":[],\"variants\":[]},"
    " {\"featureName\":\"child\",\"name\":\"default\",\"sortOrder\":0,"
    "  \"parameters\":{},\"constraints\":[{\"contextName\":\"ip\","
    "   \"operator\":\"IN_CIDR\",\"values\":[\"10.0.0.0/8\"]}],"
    "  \"segments\":[],\"variants\":[]}],"
    "\"featureEnvironments\":["
    " {\"name\":\"odd\",\"featureName\":\"odd\",\"environment\":\"dev\","
    "  \"enabled\":true,\"variants\":["
    "  {\"name\":\"x\",\"weight\":1,\"weightType\":\"variable\","
    "   \"stickiness\":\"default\",\"payload\":{\"type\":\"json\","
    "   \"value\":\"{\\\"k\\\":1}\"},\"overrides\":[]},"
    "  {\"name\":\"y\",\"weight\":1,\"weightType\":\"variable\","
    "   \"stickiness\":\"default\",\"overrides\":[]}]},"
    " {\"name\":\"parent\",\"featureName\":\"parent\","
    "  \"environment\":\"dev\",\"enabled\":false,\"variants\":[]},"
    " {\"name\":\"child\",\"featureName\":\"child\","
    "  \"environment\":\"dev\",\"enabled\":true,\"variants\":[]}],"
    "\"featureTags\":[{\"featureName\":\"odd\",\"tagType\":\"simple\","
    " \"tagValue\":\"alpha\"}],"
    "\"segments\":[{\"id\":7,\"name\":\"beta\",\"constraints\":["
    " {\"contextName\":\"region\",\"operator\":\"IN\","
    "  \"values\":[\"eu\"]}]}],"
    "\"tagTypes\":[{\"name\":\"simple\"}],"
    "\"contextFields\":[{\"name\":\"region\",\"description\":\"r\","
    " \"stickiness\":false,\"legalValues\":[]}],"
    "\"dependencies\":[{\"feature\":\"child\",\"dependencies\":["
    " {\"feature\":\"parent\",\"enabled\":true,\"variants\":[]}]}]}";

/* The starting document; caller owns. */
static json_t *doc(void)
{
    json_t *d = json_loads(doc_text, 0, NULL);

    ck_assert_ptr_nonnull(d);
    return d;
}

/* Define the custom strategy custom1 on srv. */
static void define_custom(struct srv *on)
{
    ck_assert_int_eq(req_j(on, "POST", "/api/admin/strategies", ADMIN, NULL,
                           "{s:s, s:[]}", "name", "custom1", "parameters"),
                     201);
}

static void setup(void)
{
    srv_start(&s, NULL);
    editor = user_token(&s, "ed", "Editor");
    viewer = user_token(&s, "vi", "Viewer");
    define_custom(&s);
}

static void teardown(void)
{
    free(editor);
    free(viewer);
    srv_cleanup(&s);
}

/* Import data (borrowed) into project/env of srv as token; the status. */
static long import(struct srv *on, const char *token, const char *project,
                   const char *env, json_t *data, struct resp *r)
{
    return req_j(on, "POST", B "/import", token, r, "{s:s, s:s, s:O}",
                 "project", project, "environment", env, "data", data);
}

/* Export the flags odd, parent and child of env on srv; caller owns. */
static json_t *export3(struct srv *on, const char *env)
{
    struct resp r;
    json_t *out;

    ck_assert_int_eq(req_j(on, "POST", B "/export", ADMIN, &r,
                           "{s:[s,s,s], s:s}", "features", "odd", "parent",
                           "child", "environment", env),
                     200);
    out = json_incref(r.json);
    resp_free(&r);
    return out;
}

/* Drop what differs by where a document comes from: project, env, ids. */
static void placeless(json_t *d)
{
    size_t i;
    json_t *e;

    json_array_foreach (json_object_get(d, "features"), i, e)
        json_object_del(e, "project");
    json_array_foreach (json_object_get(d, "featureEnvironments"), i, e)
        json_object_del(e, "environment");
    json_array_foreach (json_object_get(d, "featureStrategies"), i, e)
        json_object_del(e, "id");
}

/* The status of GET path on srv as ADMIN. */
static long get_status(struct srv *on, const char *path)
{
    return req(on, "GET", path, ADMIN, NULL, NULL);
}

START_TEST(round_trip_between_servers)
{
    json_t *d = doc(), *first, *second;
    struct resp r;

    ck_assert_int_eq(import(&s, ADMIN, "default", "development", d, &r), 200);
    resp_free(&r);
    first = export3(&s, "development");

    /* What the document said is what was stored. */
    ck_assert_str_eq(jstr(first, "features[0].name"), "odd");
    ck_assert_str_eq(jstr(first, "features[0].type"), "experiment");
    ck_assert(json_is_true(jget(first, "features[0].stale")));
    ck_assert(json_is_true(jget(first, "features[0].impressionData")));
    ck_assert_str_eq(jstr(first, "features[0].project"), "default");
    ck_assert_int_eq(jint(first, "featureStrategies[0].variants[0].weight"),
                     33);
    ck_assert_int_eq(jint(first, "featureStrategies[0].variants[2].weight"),
                     34);
    ck_assert_str_eq(jstr(first, "featureStrategies[0].title"), "half");
    ck_assert_str_eq(jstr(first, "featureStrategies[0].constraints[0]"
                                 ".operator"),
                     "SEMVER_GTE");
    ck_assert_str_eq(jstr(first, "featureStrategies[1].parameters.n"), "5");
    ck_assert(json_is_true(jget(first, "featureStrategies[1].disabled")));
    ck_assert_int_eq(jint(first, "featureEnvironments[0].variants[0]"
                                 ".weight"),
                     1);
    ck_assert_int_eq(jint(first, "featureEnvironments[0].variants[1]"
                                 ".weight"),
                     1);
    ck_assert(json_is_true(jget(first, "featureEnvironments[0].enabled")));
    ck_assert(json_is_false(jget(first, "featureEnvironments[1].enabled")));
    ck_assert_str_eq(jstr(first, "segments[0].name"), "beta");
    ck_assert_int_eq(jint(first, "featureStrategies[0].segments[0]"),
                     jint(first, "segments[0].id"));
    ck_assert_str_eq(jstr(first, "featureTags[0].tagValue"), "alpha");
    ck_assert_str_eq(jstr(first, "dependencies[0].feature"), "child");
    ck_assert_str_eq(jstr(first, "dependencies[0].dependencies[0].feature"),
                     "parent");
    ck_assert_str_eq(jstr(first, "contextFields[0].name"), "region");

    /* Into another project and environment of a second server. */
    srv_start(&t, NULL);
    define_custom(&t);
    ck_assert_int_eq(req_j(&t, "POST", "/api/admin/projects", ADMIN, NULL,
                           "{s:s, s:s}", "id", "p2", "name", "P2"),
                     201);
    req_j(&t, "POST", "/api/admin/projects/p2/environments", ADMIN, NULL,
          "{s:s}", "environment", "production");
    ck_assert_int_eq(import(&t, ADMIN, "p2", "production", first, &r), 200);
    resp_free(&r);
    second = export3(&t, "production");
    ck_assert_str_eq(jstr(second, "features[0].project"), "p2");
    ck_assert_str_eq(jstr(second, "featureEnvironments[0].environment"),
                     "production");
    /* Nothing leaks into the other environment. */
    ck_assert_int_eq(
        req(&t, "GET",
            "/api/admin/projects/p2/features/odd/environments/development/"
            "strategies",
            ADMIN, NULL, &r),
        200);
    ck_assert_int_eq(json_array_size(r.json), 0);
    resp_free(&r);
    placeless(first);
    placeless(second);
    ck_assert_msg(json_equal(first, second), "export differs after import");

    /* Importing the same document again changes nothing. */
    ck_assert_int_eq(import(&t, ADMIN, "p2", "production", second, &r), 200);
    resp_free(&r);
    json_decref(second);
    second = export3(&t, "production");
    placeless(second);
    ck_assert(json_equal(first, second));
    srv_cleanup(&t);
    json_decref(first);
    json_decref(second);
    json_decref(d);
}
END_TEST

START_TEST(import_updates_and_replaces)
{
    json_t *d = doc(), *e;
    struct resp r;

    ck_assert_int_eq(import(&s, ADMIN, "default", "development", d, NULL), 200);
    json_object_set_new(json_array_get(json_object_get(d, "features"), 0),
                        "description", json_string("d2"));
    /* odd keeps only its custom strategy. */
    json_array_remove(json_object_get(d, "featureStrategies"), 0);
    json_array_remove(json_object_get(d, "featureStrategies"), 1);
    ck_assert_int_eq(import(&s, ADMIN, "default", "development", d, NULL), 200);
    e = export3(&s, "development");
    ck_assert_str_eq(jstr(e, "features[0].description"), "d2");
    ck_assert_int_eq(json_array_size(json_object_get(e, "featureStrategies")),
                     1);
    ck_assert_str_eq(jstr(e, "featureStrategies[0].name"), "custom1");
    /* The segment existed by name and was not created twice. */
    ck_assert_int_eq(req(&s, "GET", "/api/admin/segments", ADMIN, NULL, &r),
                     200);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "segments")), 1);
    resp_free(&r);
    json_decref(e);
    json_decref(d);
}
END_TEST

START_TEST(all_or_nothing)
{
    json_t *d = doc();
    json_t *bad = json_array_get(json_object_get(d, "featureStrategies"), 2);
    struct resp r;

    json_object_set_new(json_array_get(json_object_get(bad, "constraints"), 0),
                        "operator", json_string("NOT_A_VALID_OPERATOR"));
    ck_assert_int_eq(import(&s, ADMIN, "default", "development", d, &r), 400);
    ck_assert_str_eq(jstr(r.json, "details[0].path"),
                     "/body/data/featureStrategies/2/constraints/0/"
                     "operator");
    resp_free(&r);
    ck_assert_int_eq(get_status(&s, P "/features/odd"), 404);
    ck_assert_int_eq(get_status(&s, P "/features/parent"), 404);
    ck_assert_int_eq(req(&s, "GET", "/api/admin/segments", ADMIN, NULL, &r),
                     200);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "segments")), 0);
    resp_free(&r);
    ck_assert_int_eq(get_status(&s, "/api/admin/context/region"), 404);
    json_decref(d);
}
END_TEST

START_TEST(bad_variant_refused)
{
    json_t *d = doc();
    json_t *env = json_array_get(json_object_get(d, "featureEnvironments"), 0);
    json_t *v = json_array_get(json_object_get(env, "variants"), 1);
    struct resp r;

    json_object_set_new(v, "weightType", json_string("heavy"));
    ck_assert_int_eq(import(&s, ADMIN, "default", "development", d, &r), 400);
    ck_assert_ptr_nonnull(strstr(jstr(r.json, "details[0].path"),
                                 "/body/data/featureEnvironments/0"));
    resp_free(&r);
    json_object_set_new(v, "weightType", json_string("variable"));
    json_object_del(v, "weight");
    ck_assert_int_eq(import(&s, ADMIN, "default", "development", d, &r), 400);
    resp_free(&r);
    ck_assert_int_eq(get_status(&s, P "/features/odd"), 404);
    json_decref(d);
}
END_TEST

START_TEST(unknown_strategies_named)
{
    json_t *d = doc();
    json_t *list = json_object_get(d, "featureStrategies");
    struct resp r;

    json_object_set_new(json_array_get(list, 1), "name", json_string("nope1"));
    json_object_set_new(json_array_get(list, 2), "name", json_string("nope2"));
    ck_assert_int_eq(import(&s, ADMIN, "default", "development", d, &r), 400);
    ck_assert_ptr_nonnull(strstr(jstr(r.json, "message"), "\"nope1\""));
    ck_assert_ptr_nonnull(strstr(jstr(r.json, "message"), "\"nope2\""));
    resp_free(&r);
    ck_assert_int_eq(get_status(&s, P "/features/odd"), 404);
    json_decref(d);
}
END_TEST

START_TEST(flag_of_other_project)
{
    json_t *d = doc();
    struct resp r;

    ck_assert_int_eq(req_j(&s, "POST", "/api/admin/projects", ADMIN, NULL,
                           "{s:s, s:s}", "id", "p2", "name", "P2"),
                     201);
    req_j(&s, "POST", "/api/admin/projects/p2/environments", ADMIN, NULL,
          "{s:s}", "environment", "development");
    ck_assert_int_eq(req_j(&s, "POST", P "/features", ADMIN, NULL, "{s:s}",
                           "name", "parent"),
                     201);
    ck_assert_int_eq(import(&s, ADMIN, "p2", "development", d, &r), 409);
    ck_assert_ptr_nonnull(strstr(jstr(r.json, "message"), "\"default\""));
    resp_free(&r);
    ck_assert_int_eq(get_status(&s, "/api/admin/projects/p2/features/odd"),
                     404);
    json_decref(d);
}
END_TEST

START_TEST(protected_environment)
{
    json_t *d = doc();
    struct resp r;

    protect_env(&s, "default", "production");
    ck_assert_int_eq(import(&s, ADMIN, "default", "production", d, &r), 403);
    ck_assert_ptr_nonnull(strstr(jstr(r.json, "message"), "change-requests"));
    resp_free(&r);
    ck_assert_int_eq(get_status(&s, P "/features/odd"), 404);
    /*
     * Dependencies reach every environment, so a document with them is
     * refused in any environment of the project, and changes nothing.
     */
    ck_assert_int_eq(import(&s, ADMIN, "default", "development", d, &r), 403);
    ck_assert_ptr_nonnull(strstr(jstr(r.json, "message"), "production"));
    resp_free(&r);
    ck_assert_int_eq(get_status(&s, P "/features/odd"), 404);
    ck_assert_int_eq(get_status(&s, P "/features/child"), 404);
    /* Without them, other environments import as usual. */
    json_object_del(d, "dependencies");
    ck_assert_int_eq(import(&s, ADMIN, "default", "development", d, NULL), 200);
    ck_assert_int_eq(get_status(&s, P "/features/odd"), 200);
    json_decref(d);
}
END_TEST

START_TEST(protected_dependencies_of_existing_flags)
{
    json_t *d =
        json_pack("{s:[{s:s}, {s:s}], s:[{s:s, s:[{s:s}]}]}", "features",
                  "name", "parent", "name", "child", "dependencies", "feature",
                  "child", "dependencies", "feature", "parent");
    struct resp r;

    json_object_del(d, "dependencies");
    ck_assert_int_eq(import(&s, ADMIN, "default", "development", d, NULL), 200);
    json_decref(d);
    d = json_pack("{s:[{s:s}, {s:s}], s:[{s:s, s:[{s:s}]}]}", "features",
                  "name", "parent", "name", "child", "dependencies", "feature",
                  "child", "dependencies", "feature", "parent");
    protect_env(&s, "default", "production");
    ck_assert_int_eq(import(&s, editor, "default", "development", d, &r), 403);
    resp_free(&r);
    ck_assert_int_eq(req(&s, "GET", P "/features/child", ADMIN, NULL, &r), 200);
    ck_assert_int_eq(json_array_size(jget(r.json, "dependencies")), 0);
    resp_free(&r);
    json_decref(d);
}
END_TEST

START_TEST(roles)
{
    json_t *d = doc();
    struct resp r;

    ck_assert_int_eq(import(&s, viewer, "default", "development", d, &r), 403);
    resp_free(&r);
    ck_assert_int_eq(get_status(&s, P "/features/odd"), 404);
    ck_assert_int_eq(import(&s, NULL, "default", "development", d, NULL), 401);
    /* Creating context fields needs the Admin role, by import too. */
    ck_assert_int_eq(import(&s, editor, "default", "development", d, &r), 403);
    ck_assert_ptr_nonnull(strstr(jstr(r.json, "message"), "\"region\""));
    resp_free(&r);
    ck_assert_int_eq(get_status(&s, P "/features/odd"), 404);
    ck_assert_int_eq(get_status(&s, "/api/admin/context/region"), 404);
    ck_assert_int_eq(req_j(&s, "POST", "/api/admin/context", ADMIN, NULL,
                           "{s:s}", "name", "region"),
                     201);
    ck_assert_int_eq(import(&s, editor, "default", "development", d, NULL),
                     200);
    /* Viewers may export. */
    ck_assert_int_eq(req_j(&s, "POST", B "/export", viewer, &r, "{s:s, s:s}",
                           "project", "default", "environment", "development"),
                     200);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "features")), 3);
    resp_free(&r);
    json_decref(d);
}
END_TEST

START_TEST(request_checks)
{
    json_t *d = doc();
    struct resp r;

    ck_assert_int_eq(req_j(&s, "POST", B "/import", ADMIN, &r, "{s:s, s:s}",
                           "project", "default", "environment", "development"),
                     400);
    ck_assert_str_eq(jstr(r.json, "details[0].path"), "/body/data");
    resp_free(&r);
    ck_assert_int_eq(req_j(&s, "POST", B "/import", ADMIN, &r,
                           "{s:i, s:s, s:O}", "project", 3, "environment",
                           "development", "data", d),
                     400);
    ck_assert_str_eq(jstr(r.json, "details[0].path"), "/body/project");
    resp_free(&r);
    ck_assert_int_eq(import(&s, ADMIN, "nope", "development", d, NULL), 404);
    ck_assert_int_eq(import(&s, ADMIN, "default", "nope", d, NULL), 404);
    ck_assert_int_eq(req_j(&s, "POST", B "/import", ADMIN, &r,
                           "{s:s, s:s, s:{s:i}}", "project", "default",
                           "environment", "development", "data", "features", 1),
                     400);
    ck_assert_str_eq(jstr(r.json, "details[0].message"),
                     "`/body/data/features` must be an array");
    resp_free(&r);

    /* A strategy of a flag the document does not hold. */
    json_object_set_new(
        json_array_get(json_object_get(d, "featureStrategies"), 2),
        "featureName", json_string("ghost"));
    ck_assert_int_eq(import(&s, ADMIN, "default", "development", d, &r), 400);
    ck_assert_ptr_nonnull(
        strstr(jstr(r.json, "message"), "featureStrategies/2/featureName"));
    resp_free(&r);

    ck_assert_int_eq(req_j(&s, "POST", B "/export", ADMIN, &r, "{s:s}",
                           "environment", "development"),
                     400);
    resp_free(&r);
    ck_assert_int_eq(req_j(&s, "POST", B "/export", ADMIN, &r, "{s:s}",
                           "project", "default"),
                     400);
    ck_assert_str_eq(jstr(r.json, "details[0].path"), "/body/environment");
    resp_free(&r);
    ck_assert_int_eq(req_j(&s, "POST", B "/export", ADMIN, NULL, "{s:s, s:s}",
                           "project", "default", "environment", "nope"),
                     404);
    ck_assert_int_eq(req_j(&s, "POST", B "/export", ADMIN, NULL, "{s:[s], s:s}",
                           "features", "ghost", "environment", "development"),
                     404);
    json_decref(d);
}
END_TEST

START_TEST(export_by_tag)
{
    json_t *d = doc();
    struct resp r;

    ck_assert_int_eq(import(&s, ADMIN, "default", "development", d, NULL), 200);
    ck_assert_int_eq(req_j(&s, "POST", B "/export", ADMIN, &r, "{s:s, s:s}",
                           "tag", "simple:alpha", "environment", "development"),
                     200);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "features")), 1);
    ck_assert_str_eq(jstr(r.json, "features[0].name"), "odd");
    ck_assert_str_eq(jstr(r.json, "tagTypes[0].name"), "simple");
    resp_free(&r);
    ck_assert_int_eq(req_j(&s, "POST", B "/export", ADMIN, &r, "{s:s, s:s}",
                           "tag", "simple:zzz", "environment", "development"),
                     200);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "features")), 0);
    resp_free(&r);
    json_decref(d);
}
END_TEST

START_TEST(import_is_audited)
{
    json_t *d = doc();
    struct resp r;

    /* An Editor imports; the context field it uses exists. */
    ck_assert_int_eq(req_j(&s, "POST", "/api/admin/context", ADMIN, NULL,
                           "{s:s}", "name", "region"),
                     201);
    ck_assert_int_eq(import(&s, editor, "default", "development", d, NULL),
                     200);
    ck_assert_int_eq(
        req(&s, "GET", "/api/admin/events?feature=odd", ADMIN, NULL, &r), 200);
    ck_assert_ptr_nonnull(strstr(r.body, "feature-created"));
    ck_assert_ptr_nonnull(strstr(r.body, "feature-strategy-add"));
    ck_assert_ptr_nonnull(strstr(r.body, "feature-environment-enabled"));
    ck_assert_ptr_nonnull(strstr(r.body, "\"ed\""));
    resp_free(&r);
    json_decref(d);
}
END_TEST

START_TEST(operators_in_strategy_writes)
{
    const char *path = P "/features/f/environments/development/strategies";
    struct resp r;

    ck_assert_int_eq(
        req_j(&s, "POST", P "/features", ADMIN, NULL, "{s:s}", "name", "f"),
        201);
    ck_assert_int_eq(req(&s, "POST", path, editor,
                         "{\"name\":\"default\",\"constraints\":["
                         "{\"contextName\":\"email\",\"operator\":\"REGEX\","
                         "\"value\":\"(unclosed\"},"
                         "{\"contextName\":\"remoteAddress\",\"operator\":"
                         "\"IN_CIDR\",\"values\":[\"10.0.0.0/8\",\"::1\"]},"
                         "{\"contextName\":\"v\",\"operator\":\"SEMVER_GTE\","
                         "\"value\":\"v1.0.0\"},"
                         "{\"contextName\":\"v\",\"operator\":\"SEMVER_LTE\","
                         "\"value\":\"2.0.0-rc.1\"}]}",
                         &r),
                     200);
    ck_assert_str_eq(jstr(r.json, "constraints[0].value"), "(unclosed");
    ck_assert_str_eq(jstr(r.json, "constraints[1].operator"), "IN_CIDR");
    resp_free(&r);
    ck_assert_int_eq(req(&s, "POST", path, editor,
                         "{\"name\":\"default\",\"constraints\":["
                         "{\"contextName\":\"email\",\"operator\":\"REGEX\"}]}",
                         &r),
                     400);
    ck_assert_str_eq(jstr(r.json, "details[0].path"),
                     "/body/constraints/0/value");
    resp_free(&r);
    ck_assert_int_eq(req(&s, "POST", path, editor,
                         "{\"name\":\"default\",\"constraints\":["
                         "{\"contextName\":\"v\",\"operator\":\"SEMVER_LTE\","
                         "\"value\":\"two\"}]}",
                         &r),
                     400);
    resp_free(&r);
    ck_assert_int_eq(req(&s, "POST", path, editor,
                         "{\"name\":\"default\",\"constraints\":["
                         "{\"contextName\":\"v\",\"operator\":"
                         "\"NOT_A_VALID_OPERATOR\",\"values\":[]}]}",
                         &r),
                     400);
    ck_assert_str_eq(jstr(r.json, "details[0].path"),
                     "/body/constraints/0/operator");
    resp_free(&r);
    ck_assert_int_eq(req(&s, "GET", path, ADMIN, NULL, &r), 200);
    ck_assert_int_eq(json_array_size(r.json), 1);
    resp_free(&r);
}
END_TEST

static Suite *suite(void)
{
    Suite *su = suite_create("import");
    TCase *tc = tcase_create("features-batch");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, round_trip_between_servers);
    tcase_add_test(tc, import_updates_and_replaces);
    tcase_add_test(tc, all_or_nothing);
    tcase_add_test(tc, bad_variant_refused);
    tcase_add_test(tc, unknown_strategies_named);
    tcase_add_test(tc, flag_of_other_project);
    tcase_add_test(tc, protected_environment);
    tcase_add_test(tc, protected_dependencies_of_existing_flags);
    tcase_add_test(tc, roles);
    tcase_add_test(tc, request_checks);
    tcase_add_test(tc, export_by_tag);
    tcase_add_test(tc, import_is_audited);
    tcase_add_test(tc, operators_in_strategy_writes);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    return test_run(suite());
}
