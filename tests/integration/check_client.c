/*
 * The client API as server-side SDKs use it, over real HTTP: the shape
 * of the answer against Unleash's recorded one, ETags and 304, gzip,
 * token scopes and query filters, the two segment flavours, and the
 * 401/403 bodies. Flags are made through the admin API, so a write is
 * seen by the next poll at once.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "harness.h"
#include "../testing.h"

#define DEV_ALL "*:development.client-dev-all-0123456789abcdef"
#define DEV_DEFAULT "default:development.client-dev-default-0123456789"
#define PROD_ALL "*:production.client-prod-all-0123456789abcdef"
#define FRONTEND "default:development.frontend-0123456789abcdef"

#define P "/api/admin/projects/default/features"
#define DEV "/environments/development"
#define CF "/api/client/features"

static struct srv s;

static const char *const env[] = {
    "VEXIL_INIT_CLIENT_TOKENS=" DEV_ALL "," DEV_DEFAULT "," PROD_ALL,
    "VEXIL_INIT_FRONTEND_TOKENS=" FRONTEND,
    NULL,
};

/* Send an admin write and insist that it succeeds. */
static void admin(const char *method, const char *path, const char *body)
{
    struct resp r;
    long status = req(&s, method, path, ADMIN, body, &r);

    ck_assert_msg(status >= 200 && status < 300, "%s %s: %ld %s", method, path,
                  status, r.body);
    resp_free(&r);
}

/*
 * Flags: alpha (default, on in development: a constrained rollout with
 * a segment and variants, and a disabled strategy), beta (default, on
 * in production, tagged), web-one (project web), gone (archived) and
 * child (depends on alpha).
 */
static void seed(void)
{
    admin("POST", "/api/admin/projects", "{\"id\":\"web\",\"name\":\"Web\"}");
    admin("POST", "/api/admin/segments",
          "{\"name\":\"beta-users\",\"constraints\":[{\"contextName\":"
          "\"userId\",\"operator\":\"IN\",\"values\":[\"7\",\"8\"]}]}");
    admin("POST", P,
          "{\"name\":\"alpha\",\"type\":\"experiment\","
          "\"description\":\"the first\"}");
    admin("POST", P "/alpha" DEV "/strategies",
          "{\"name\":\"flexibleRollout\",\"title\":\"half\","
          "\"parameters\":{\"rollout\":\"50\",\"stickiness\":\"default\","
          "\"groupId\":\"alpha\"},\"constraints\":[{\"contextName\":"
          "\"appVersion\",\"operator\":\"SEMVER_GT\",\"value\":\"1.2.0\"}],"
          "\"variants\":[{\"name\":\"blue\",\"weight\":1000,\"weightType\":"
          "\"variable\",\"stickiness\":\"default\",\"payload\":{\"type\":"
          "\"string\",\"value\":\"b\"}}],\"segments\":[1]}");
    admin("POST", P "/alpha" DEV "/strategies",
          "{\"name\":\"userWithId\",\"disabled\":true,"
          "\"parameters\":{\"userIds\":\"1\"}}");
    admin("POST", P "/alpha" DEV "/on", NULL);
    admin("POST", P, "{\"name\":\"beta\"}");
    admin("POST", P "/beta/environments/production/on", NULL);
    admin("POST", "/api/admin/features/beta/tags",
          "{\"type\":\"simple\",\"value\":\"blue\"}");
    admin("POST", "/api/admin/projects/web/features", "{\"name\":\"web-one\"}");
    admin("POST", "/api/admin/projects/web/features/web-one" DEV "/on", NULL);
    admin("POST", P, "{\"name\":\"gone\"}");
    admin("POST", P "/gone" DEV "/on", NULL);
    admin("DELETE", P "/gone", NULL);
    admin("POST", P, "{\"name\":\"child\"}");
    admin("POST", P "/child/dependencies",
          "{\"feature\":\"alpha\",\"enabled\":true}");
}

static void setup(void)
{
    srv_start(&s, env);
    seed();
}

static void teardown(void)
{
    srv_cleanup(&s);
}

/* GET path with token and extra headers (NULL-terminated, may be NULL). */
static long get(const char *path, const char *token, const char *const *headers,
                struct resp *r)
{
    return req_h(&s, "GET", path, token, NULL, headers, r);
}

/* The feature called name in an answer, or NULL. */
static json_t *feature(json_t *root, const char *name)
{
    json_t *f;
    size_t i;

    json_array_foreach (json_object_get(root, "features"), i, f)
        if (!strcmp(json_string_value(json_object_get(f, "name")), name))
            return f;
    return NULL;
}

/* The feature names of an answer, comma-separated. */
static const char *names(json_t *root)
{
    static char buf[512];
    json_t *f;
    size_t i;

    buf[0] = '\0';
    json_array_foreach (json_object_get(root, "features"), i, f) {
        if (i)
            strncat(buf, ",", sizeof(buf) - strlen(buf) - 1);
        strncat(buf, json_string_value(json_object_get(f, "name")),
                sizeof(buf) - strlen(buf) - 1);
    }
    return buf;
}

/* Fail unless every key of obj is one of allowed (space-separated). */
static void only_keys(json_t *obj, const char *allowed)
{
    const char *key;
    json_t *v;

    json_object_foreach (obj, key, v) {
        char pad[80];

        snprintf(pad, sizeof(pad), " %s ", key);
        ck_assert_msg(strstr(allowed, pad) != NULL, "unexpected key %s", key);
    }
}

/* The names of the features seen by token with the query string qs. */
static const char *seen(const char *token, const char *qs)
{
    static char out[512];
    char path[256];
    struct resp r;

    snprintf(path, sizeof(path), CF "%s", qs);
    ck_assert_int_eq(get(path, token, NULL, &r), 200);
    snprintf(out, sizeof(out), "%s", names(r.json));
    resp_free(&r);
    return out;
}

START_TEST(answer_has_the_reference_shape)
{
    const char *const hdr[] = {"Unleash-Client-Spec: 5.2.2", NULL};
    struct resp r;
    json_t *f, *st, *c, *v;

    ck_assert_int_eq(get(CF, DEV_ALL, hdr, &r), 200);
    ck_assert_str_eq(resp_header(&r, "Content-Type"),
                     "application/json; charset=utf-8");
    ck_assert_str_eq(resp_header(&r, "Vary"), "Accept-Encoding");
    only_keys(r.json, " version features segments query meta ");
    ck_assert_int_eq(jint(r.json, "version"), 2);
    f = feature(r.json, "alpha");
    ck_assert_ptr_nonnull(f);
    only_keys(f, " name type description enabled stale impressionData "
                 "project strategies variants ");
    ck_assert_str_eq(jstr(f, "type"), "experiment");
    ck_assert_str_eq(jstr(f, "description"), "the first");
    ck_assert_str_eq(jstr(f, "project"), "default");
    ck_assert(json_is_true(jget(f, "enabled")));
    ck_assert(json_is_false(jget(f, "stale")));
    ck_assert(json_is_false(jget(f, "impressionData")));
    ck_assert(json_is_array(jget(f, "variants")));
    /* The disabled strategy is left out. */
    ck_assert_uint_eq(json_array_size(jget(f, "strategies")), 1);
    st = jget(f, "strategies[0]");
    only_keys(st, " name constraints parameters variants segments ");
    ck_assert_str_eq(jstr(st, "name"), "flexibleRollout");
    ck_assert_str_eq(jstr(st, "parameters.rollout"), "50");
    ck_assert_int_eq(jint(st, "segments[0]"), 1);
    ck_assert_str_eq(jstr(st, "variants[0].name"), "blue");
    ck_assert_int_eq(jint(st, "variants[0].weight"), 1000);
    c = jget(st, "constraints[0]");
    only_keys(c, " contextName operator values value inverted "
                 "caseInsensitive ");
    ck_assert(json_is_array(jget(c, "values")));
    ck_assert_str_eq(jstr(c, "value"), "1.2.0");
    ck_assert_str_eq(jstr(c, "operator"), "SEMVER_GT");
    ck_assert(json_is_false(jget(c, "inverted")));
    v = jget(r.json, "segments[0]");
    only_keys(v, " id name constraints ");
    ck_assert_str_eq(jstr(v, "name"), "beta-users");
    ck_assert(json_is_array(jget(v, "constraints[0].values")));
    ck_assert_str_eq(jstr(r.json, "query.environment"), "development");
    ck_assert(json_is_false(jget(r.json, "query.inlineSegmentConstraints")));
    ck_assert(json_is_integer(jget(r.json, "meta.revisionId")));
    ck_assert_str_eq(jstr(r.json, "meta.etag"), resp_header(&r, "ETag"));
    ck_assert(json_is_string(jget(r.json, "meta.queryHash")));
    resp_free(&r);
}
END_TEST

START_TEST(archived_flags_are_absent_and_dependencies_present)
{
    struct resp r;

    ck_assert_int_eq(get(CF, DEV_ALL, NULL, &r), 200);
    ck_assert_str_eq(names(r.json), "alpha,beta,child,web-one");
    ck_assert_str_eq(jstr(feature(r.json, "child"), "dependencies[0].feature"),
                     "alpha");
    ck_assert(json_is_true(
        jget(feature(r.json, "child"), "dependencies[0].enabled")));
    ck_assert_ptr_null(jget(feature(r.json, "alpha"), "dependencies"));
    resp_free(&r);
}
END_TEST

START_TEST(environment_of_the_token_decides_enabled)
{
    struct resp r;

    ck_assert_int_eq(get(CF, PROD_ALL, NULL, &r), 200);
    ck_assert(json_is_false(jget(feature(r.json, "alpha"), "enabled")));
    ck_assert_uint_eq(
        json_array_size(jget(feature(r.json, "alpha"), "strategies")), 0);
    ck_assert(json_is_true(jget(feature(r.json, "beta"), "enabled")));
    ck_assert_str_eq(jstr(r.json, "query.environment"), "production");
    resp_free(&r);
    ck_assert_int_eq(get(CF, DEV_ALL, NULL, &r), 200);
    ck_assert(json_is_false(jget(feature(r.json, "beta"), "enabled")));
    resp_free(&r);
}
END_TEST

START_TEST(etag_gives_304_until_a_write)
{
    char etag[128], inm[160];
    const char *const hdr[] = {inm, NULL};
    struct resp r;

    ck_assert_int_eq(get(CF, DEV_ALL, NULL, &r), 200);
    snprintf(etag, sizeof(etag), "%s", resp_header(&r, "ETag"));
    ck_assert_int_eq(etag[0], '"');
    ck_assert_int_eq(etag[strlen(etag) - 1], '"');
    resp_free(&r);

    snprintf(inm, sizeof(inm), "If-None-Match: %s", etag);
    ck_assert_int_eq(get(CF, DEV_ALL, hdr, &r), 304);
    ck_assert_str_eq(r.body, "");
    ck_assert_str_eq(resp_header(&r, "ETag"), etag);
    resp_free(&r);

    /* A list of tags, or a weak form of ours, matches as well. */
    snprintf(inm, sizeof(inm), "If-None-Match: \"other\", W/%s", etag);
    ck_assert_int_eq(get(CF, DEV_ALL, hdr, &r), 304);
    resp_free(&r);
    snprintf(inm, sizeof(inm), "If-None-Match: \"other\"");
    ck_assert_int_eq(get(CF, DEV_ALL, hdr, &r), 200);
    resp_free(&r);

    snprintf(inm, sizeof(inm), "If-None-Match: %s", etag);
    admin("POST", P "/alpha" DEV "/off", NULL);
    ck_assert_int_eq(get(CF, DEV_ALL, hdr, &r), 200);
    ck_assert_str_ne(resp_header(&r, "ETag"), etag);
    ck_assert(json_is_false(jget(feature(r.json, "alpha"), "enabled")));
    resp_free(&r);
}
END_TEST

START_TEST(write_elsewhere_keeps_the_etag)
{
    char etag[128];
    struct resp r;

    ck_assert_int_eq(get(CF, DEV_ALL, NULL, &r), 200);
    snprintf(etag, sizeof(etag), "%s", resp_header(&r, "ETag"));
    resp_free(&r);
    /* Turning beta on in production changes nothing in development. */
    admin("POST", P "/beta/environments/production/off", NULL);
    ck_assert_int_eq(get(CF, DEV_ALL, NULL, &r), 200);
    ck_assert_str_eq(resp_header(&r, "ETag"), etag);
    resp_free(&r);
}
END_TEST

START_TEST(gzip_round_trip)
{
    const char *const hdr[] = {"Accept-Encoding: gzip, deflate", NULL};
    const char *const refused[] = {"Accept-Encoding: br, gzip;q=0", NULL};
    struct resp plain, gz;
    z_stream zs = {0};
    char *out;
    size_t n;

    ck_assert_int_eq(get(CF, DEV_ALL, NULL, &plain), 200);
    ck_assert_ptr_null(resp_header(&plain, "Content-Encoding"));
    ck_assert_int_eq(get(CF, DEV_ALL, hdr, &gz), 200);
    ck_assert_str_eq(resp_header(&gz, "Content-Encoding"), "gzip");
    ck_assert_str_eq(resp_header(&gz, "ETag"), resp_header(&plain, "ETag"));
    n = strtoul(resp_header(&gz, "Content-Length"), NULL, 10);
    out = calloc(1, strlen(plain.body) + 16);
    ck_assert_int_eq(inflateInit2(&zs, 15 + 16), Z_OK);
    zs.next_in = (Bytef *)gz.body;
    zs.avail_in = (uInt)n;
    zs.next_out = (Bytef *)out;
    zs.avail_out = (uInt)strlen(plain.body) + 16;
    ck_assert_int_eq(inflate(&zs, Z_FINISH), Z_STREAM_END);
    inflateEnd(&zs);
    ck_assert_str_eq(out, plain.body);
    ck_assert_uint_lt(n, strlen(plain.body));
    free(out);
    resp_free(&plain);
    resp_free(&gz);
    ck_assert_int_eq(get(CF, DEV_ALL, refused, &gz), 200);
    ck_assert_ptr_null(resp_header(&gz, "Content-Encoding"));
    ck_assert_ptr_nonnull(gz.json);
    resp_free(&gz);
}
END_TEST

START_TEST(project_token_sees_only_its_projects)
{
    struct resp r;

    ck_assert_str_eq(seen(DEV_DEFAULT, ""), "alpha,beta,child");
    ck_assert_str_eq(seen(DEV_DEFAULT, "?project=web"), "");
    ck_assert_str_eq(seen(DEV_DEFAULT, "?project=web&project=default"),
                     "alpha,beta,child");
    ck_assert_str_eq(seen(DEV_ALL, "?project=web"), "web-one");
    ck_assert_str_eq(seen(DEV_ALL, "?project=web&project=default"),
                     "alpha,beta,child,web-one");
    ck_assert_int_eq(get(CF, DEV_DEFAULT, NULL, &r), 200);
    ck_assert_str_eq(jstr(r.json, "query.project[0]"), "default");
    resp_free(&r);
    ck_assert_int_eq(get(CF "/web-one", DEV_DEFAULT, NULL, &r), 404);
    resp_free(&r);
}
END_TEST

START_TEST(name_prefix_and_tag_filters)
{
    struct resp r;

    ck_assert_str_eq(seen(DEV_ALL, "?namePrefix=al"), "alpha");
    ck_assert_str_eq(seen(DEV_ALL, "?namePrefix=zzz"), "");
    ck_assert_str_eq(seen(DEV_ALL, "?tag=simple:blue"), "beta");
    ck_assert_str_eq(seen(DEV_ALL, "?tag=simple:red"), "");
    ck_assert_str_eq(seen(DEV_ALL, "?tag=simple:red&tag=simple:blue"), "beta");
    ck_assert_str_eq(seen(DEV_ALL, "?tag=simple:blue&namePrefix=al"), "");
    ck_assert_int_eq(
        get(CF "?namePrefix=al&tag=simple:blue", DEV_ALL, NULL, &r), 200);
    ck_assert_str_eq(jstr(r.json, "query.namePrefix"), "al");
    ck_assert_str_eq(jstr(r.json, "query.tag[0][0]"), "simple");
    ck_assert_str_eq(jstr(r.json, "query.tag[0][1]"), "blue");
    resp_free(&r);
    /* A tag added later is seen by the next filtered poll. */
    admin("POST", "/api/admin/features/alpha/tags",
          "{\"type\":\"simple\",\"value\":\"blue\"}");
    ck_assert_str_eq(seen(DEV_ALL, "?tag=simple:blue"), "alpha,beta");
}
END_TEST

START_TEST(segments_inline_or_top_level_by_spec_header)
{
    const char *const old[] = {"Unleash-Client-Spec: 4.1.9", NULL};
    const char *const new[] = {"Unleash-Client-Spec: 4.2.0", NULL};
    const char *const ten[] = {"Unleash-Client-Spec: 10.0.0", NULL};
    struct resp r;
    json_t *st;

    ck_assert_int_eq(get(CF, DEV_ALL, old, &r), 200);
    ck_assert_ptr_null(jget(r.json, "segments"));
    st = jget(feature(r.json, "alpha"), "strategies[0]");
    ck_assert_ptr_null(jget(st, "segments"));
    ck_assert_uint_eq(json_array_size(jget(st, "constraints")), 2);
    ck_assert_str_eq(jstr(st, "constraints[1].contextName"), "userId");
    ck_assert(json_is_true(jget(r.json, "query.inlineSegmentConstraints")));
    resp_free(&r);

    ck_assert_int_eq(get(CF, DEV_ALL, NULL, &r), 200);
    ck_assert_ptr_null(jget(r.json, "segments"));
    resp_free(&r);

    ck_assert_int_eq(get(CF, DEV_ALL, new, &r), 200);
    ck_assert_int_eq(jint(r.json, "segments[0].id"), 1);
    st = jget(feature(r.json, "alpha"), "strategies[0]");
    ck_assert_uint_eq(json_array_size(jget(st, "constraints")), 1);
    resp_free(&r);

    ck_assert_int_eq(get(CF, DEV_ALL, ten, &r), 200);
    ck_assert_int_eq(jint(r.json, "segments[0].id"), 1);
    resp_free(&r);
}
END_TEST

START_TEST(single_feature)
{
    char inm[160];
    const char *const hdr[] = {inm, NULL};
    struct resp r;

    ck_assert_int_eq(get(CF "/alpha", DEV_ALL, NULL, &r), 200);
    ck_assert_str_eq(jstr(r.json, "name"), "alpha");
    ck_assert(json_is_true(jget(r.json, "enabled")));
    ck_assert_ptr_null(jget(r.json, "strategies[0].id"));
    ck_assert_uint_eq(
        json_array_size(jget(r.json, "strategies[0].constraints")), 2);
    snprintf(inm, sizeof(inm), "If-None-Match: %s", resp_header(&r, "ETag"));
    resp_free(&r);
    ck_assert_int_eq(get(CF "/alpha", DEV_ALL, hdr, &r), 304);
    resp_free(&r);
    ck_assert_int_eq(get(CF "/gone", DEV_ALL, NULL, &r), 404);
    resp_free(&r);
    ck_assert_int_eq(get(CF "/nothing", DEV_ALL, NULL, &r), 404);
    ck_assert_ptr_nonnull(jstr(r.json, "message"));
    resp_free(&r);
}
END_TEST

START_TEST(unauthorised_and_forbidden_bodies_match_unleash)
{
    static const char missing[] =
        "This endpoint requires an API token. Please add an authorization "
        "header to your request with a valid token";
    static const char wrong[] =
        "invalid token: expected a different token type for this endpoint";
    struct resp r;

    ck_assert_int_eq(get(CF, NULL, NULL, &r), 401);
    ck_assert_str_eq(jstr(r.json, "message"), missing);
    ck_assert_uint_eq(json_object_size(r.json), 1);
    resp_free(&r);
    ck_assert_int_eq(get(CF, "default:development.not-a-real-token", NULL, &r),
                     401);
    ck_assert_str_eq(jstr(r.json, "message"), missing);
    resp_free(&r);
    ck_assert_int_eq(get(CF, FRONTEND, NULL, &r), 403);
    ck_assert_str_eq(jstr(r.json, "message"), wrong);
    ck_assert_uint_eq(json_object_size(r.json), 1);
    resp_free(&r);
    ck_assert_int_eq(get(CF, ADMIN, NULL, &r), 403);
    ck_assert_str_eq(jstr(r.json, "message"), wrong);
    resp_free(&r);
    ck_assert_int_eq(get(CF "/alpha", FRONTEND, NULL, &r), 403);
    resp_free(&r);
}
END_TEST

/* HEAD is GET without the body: same status and headers, as Unleash. */
START_TEST(head_answers_like_get_without_a_body)
{
    char etag[128], length[32];
    struct resp r;

    ck_assert_int_eq(get(CF, DEV_ALL, NULL, &r), 200);
    snprintf(etag, sizeof(etag), "%s", resp_header(&r, "ETag"));
    snprintf(length, sizeof(length), "%zu", strlen(r.body));
    resp_free(&r);
    ck_assert_int_eq(req(&s, "HEAD", CF, DEV_ALL, NULL, &r), 200);
    ck_assert_str_eq(resp_header(&r, "ETag"), etag);
    ck_assert_str_eq(resp_header(&r, "Content-Length"), length);
    ck_assert_str_eq(r.body, "");
    resp_free(&r);
    ck_assert_int_eq(req(&s, "HEAD", CF, NULL, NULL, NULL), 401);
    ck_assert_int_eq(req(&s, "HEAD", "/health", NULL, NULL, NULL), 200);
}
END_TEST

START_TEST(snapshots_survive_a_restart)
{
    char etag[128];
    struct resp r;

    ck_assert_int_eq(get(CF, DEV_ALL, NULL, &r), 200);
    snprintf(etag, sizeof(etag), "%s", resp_header(&r, "ETag"));
    resp_free(&r);
    ck_assert_int_eq(srv_stop(&s), 0);
    srv_restart(&s, env);
    ck_assert_str_eq(seen(DEV_ALL, ""), "alpha,beta,child,web-one");
    ck_assert_int_eq(get(CF, DEV_ALL, NULL, &r), 200);
    ck_assert_str_eq(resp_header(&r, "ETag"), etag);
    resp_free(&r);
}
END_TEST

START_TEST(new_environment_is_served_at_once)
{
    char token[300];
    struct resp r;

    admin("POST", "/api/admin/environments",
          "{\"name\":\"staging\",\"type\":\"test\"}");
    ck_assert_int_eq(req(&s, "POST", "/api/admin/api-tokens", ADMIN,
                         "{\"tokenName\":\"stage\",\"type\":\"client\","
                         "\"environment\":\"staging\"}",
                         &r),
                     201);
    snprintf(token, sizeof(token), "%s", jstr(r.json, "secret"));
    resp_free(&r);
    ck_assert_str_eq(seen(token, ""), "alpha,beta,child,web-one");
    ck_assert_int_eq(get(CF, token, NULL, &r), 200);
    ck_assert(json_is_false(jget(feature(r.json, "alpha"), "enabled")));
    ck_assert_str_eq(jstr(r.json, "query.environment"), "staging");
    resp_free(&r);
    admin("POST", P "/alpha/environments/staging/on", NULL);
    ck_assert_int_eq(get(CF, token, NULL, &r), 200);
    ck_assert(json_is_true(jget(feature(r.json, "alpha"), "enabled")));
    resp_free(&r);
}
END_TEST

static Suite *suite(void)
{
    Suite *su = suite_create("client");
    TCase *tc = tcase_create("client");

    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, answer_has_the_reference_shape);
    tcase_add_test(tc, archived_flags_are_absent_and_dependencies_present);
    tcase_add_test(tc, environment_of_the_token_decides_enabled);
    tcase_add_test(tc, head_answers_like_get_without_a_body);
    tcase_add_test(tc, etag_gives_304_until_a_write);
    tcase_add_test(tc, write_elsewhere_keeps_the_etag);
    tcase_add_test(tc, gzip_round_trip);
    tcase_add_test(tc, project_token_sees_only_its_projects);
    tcase_add_test(tc, name_prefix_and_tag_filters);
    tcase_add_test(tc, segments_inline_or_top_level_by_spec_header);
    tcase_add_test(tc, single_feature);
    tcase_add_test(tc, unauthorised_and_forbidden_bodies_match_unleash);
    tcase_add_test(tc, snapshots_survive_a_restart);
    tcase_add_test(tc, new_environment_is_served_at_once);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    return test_run(suite());
}
