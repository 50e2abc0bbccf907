/*
 * The frontend API over HTTP: what browsers and mobile SDKs get from
 * GET and POST /api/frontend for a context, which flags a token may
 * see, the token errors of the reference, ETag revalidation, bad
 * bodies, CORS for allowed and refused origins, the client address
 * behind trusted proxies, and GET /api/frontend/features/:featureName.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define FE_ALL "*:development.frontend-all-secret-0123456789"
#define FE_DEFAULT "default:development.frontend-default-secret-0123"
#define CLIENT "*:development.client-secret-0123456789abcdef"

#define FLAGS "/api/admin/projects/%s/features"

static struct srv s;

static const char *const tokens_env[] = {
    "VEXIL_INIT_FRONTEND_TOKENS=" FE_ALL "," FE_DEFAULT,
    "VEXIL_INIT_CLIENT_TOKENS=" CLIENT,
    NULL,
};

static void setup(void)
{
    srv_start(&s, tokens_env);
}

static void teardown(void)
{
    srv_cleanup(&s);
}

/*
 * Create the flag name in project with the strategy strategy (JSON
 * text, or NULL for none) in development; with on, switch it on there.
 * The strategy goes first, since switching on a flag without one adds
 * a default strategy that is on for everyone.
 */
static void flag(const char *project, const char *name, const char *strategy,
                 int on)
{
    char path[256];
    struct resp r;

    snprintf(path, sizeof(path), FLAGS, project);
    ck_assert_int_eq(
        req_j(&s, "POST", path, ADMIN, NULL, "{s:s}", "name", name), 201);
    snprintf(path, sizeof(path),
             FLAGS "/%s/environments/development/strategies", project, name);
    if (strategy) {
        ck_assert_msg(req(&s, "POST", path, ADMIN, strategy, &r) == 200, "%s",
                      r.body);
        resp_free(&r);
    }
    snprintf(path, sizeof(path), FLAGS "/%s/environments/development/on",
             project, name);
    if (on)
        ck_assert_int_eq(req(&s, "POST", path, ADMIN, NULL, NULL), 200);
}

/* GET /api/frontend with query (may be ""), as token. */
static long fe_get(const char *query, const char *token, struct resp *r)
{
    char path[1024];

    snprintf(path, sizeof(path), "/api/frontend%s%s", *query ? "?" : "", query);
    return req(&s, "GET", path, token, NULL, r);
}

/* The toggle called name in an answer, or NULL when it is not listed. */
static json_t *toggle(json_t *answer, const char *name)
{
    json_t *list = json_object_get(answer, "toggles"), *t;
    size_t i;

    json_array_foreach (list, i, t)
        if (!strcmp(json_string_value(json_object_get(t, "name")), name))
            return t;
    return NULL;
}

/* True when GET with query lists the flag name. */
static int listed(const char *query, const char *name)
{
    struct resp r;
    int found;

    ck_assert_int_eq(fe_get(query, FE_ALL, &r), 200);
    found = toggle(r.json, name) != NULL;
    resp_free(&r);
    return found;
}

START_TEST(answer_has_the_reference_shape)
{
    struct resp r;
    json_t *t, *v;

    flag("default", "plain", NULL, 1);
    flag("default", "with-variant",
         "{\"name\":\"default\",\"variants\":[{\"name\":\"blue\","
         "\"weight\":1000,\"weightType\":\"variable\",\"stickiness\":"
         "\"default\",\"payload\":{\"type\":\"json\",\"value\":"
         "\"{\\\"a\\\":1}\"}}]}",
         1);

    ck_assert_int_eq(fe_get("userId=123", FE_ALL, &r), 200);
    ck_assert_str_eq(resp_header(&r, "Content-Type"),
                     "application/json; charset=utf-8");
    ck_assert_int_eq(json_array_size(jget(r.json, "toggles")), 2);

    t = toggle(r.json, "plain");
    ck_assert_ptr_nonnull(t);
    ck_assert_int_eq(json_object_size(t), 4);
    ck_assert(json_is_true(json_object_get(t, "enabled")));
    ck_assert(json_is_false(json_object_get(t, "impressionData")));
    v = json_object_get(t, "variant");
    ck_assert_str_eq(json_string_value(json_object_get(v, "name")), "disabled");
    ck_assert(json_is_false(json_object_get(v, "enabled")));
    ck_assert(json_is_true(json_object_get(v, "feature_enabled")));
    ck_assert(json_is_true(json_object_get(v, "featureEnabled")));
    ck_assert_ptr_null(json_object_get(v, "payload"));

    v = json_object_get(toggle(r.json, "with-variant"), "variant");
    ck_assert_str_eq(json_string_value(json_object_get(v, "name")), "blue");
    ck_assert(json_is_true(json_object_get(v, "enabled")));
    ck_assert_str_eq(jstr(v, "payload.type"), "json");
    ck_assert_str_eq(jstr(v, "payload.value"), "{\"a\":1}");
    resp_free(&r);
}
END_TEST

START_TEST(only_flags_that_are_on_are_listed)
{
    flag("default", "off-flag", "{\"name\":\"default\"}", 0);
    flag("default", "for-42",
         "{\"name\":\"userWithId\",\"parameters\":{\"userIds\":\"42\"}}", 1);

    ck_assert(listed("userId=42", "for-42"));
    ck_assert(!listed("userId=7", "for-42"));
    ck_assert(!listed("", "for-42"));
    ck_assert(!listed("userId=42", "off-flag"));
}
END_TEST

START_TEST(empty_flag_set_gives_empty_list)
{
    struct resp r;

    ck_assert_int_eq(fe_get("userId=123", FE_ALL, &r), 200);
    ck_assert_str_eq(r.body, "{\"toggles\":[]}");
    resp_free(&r);
}
END_TEST

/* A flag on only for country NO and a user id starting with "u". */
static void country_flag(void)
{
    flag("default", "norway",
         "{\"name\":\"flexibleRollout\",\"parameters\":{\"rollout\":"
         "\"100\",\"stickiness\":\"default\",\"groupId\":\"norway\"},"
         "\"constraints\":[{\"contextName\":\"country\",\"operator\":"
         "\"IN\",\"values\":[\"NO\"]},{\"contextName\":\"userId\","
         "\"operator\":\"STR_STARTS_WITH\",\"values\":[\"u\"]}]}",
         1);
}

START_TEST(query_fields_become_properties)
{
    country_flag();

    ck_assert(listed("userId=u1&country=NO", "norway"));
    ck_assert(listed("userId=u1&properties%5Bcountry%5D=NO", "norway"));
    ck_assert(listed("userId=u1&properties[country]=NO", "norway"));
    ck_assert(!listed("userId=u1&country=SE", "norway"));
    ck_assert(!listed("userId=x1&country=NO", "norway"));
    /* An explicit property wins over a plain key of the same name. */
    ck_assert(listed("userId=u1&country=SE&properties[country]=NO", "norway"));
}
END_TEST

START_TEST(get_and_post_agree_for_the_same_context)
{
    struct resp g, p;
    static const char *const ctxs[][2] = {
        {"userId=u1&country=NO",
         "{\"context\":{\"userId\":\"u1\",\"properties\":"
         "{\"country\":\"NO\"}}}"},
        {"userId=u1&country=SE",
         "{\"context\":{\"userId\":\"u1\",\"properties\":"
         "{\"country\":\"SE\"}}}"},
        {"userId=u1&properties[country]=NO",
         "{\"context\":{\"userId\":\"u1\",\"country\":\"NO\"}}"},
    };

    country_flag();
    flag("default", "always", NULL, 1);
    for (size_t i = 0; i < sizeof(ctxs) / sizeof(ctxs[0]); i++) {
        ck_assert_int_eq(fe_get(ctxs[i][0], FE_ALL, &g), 200);
        ck_assert_int_eq(
            req(&s, "POST", "/api/frontend", FE_ALL, ctxs[i][1], &p), 200);
        ck_assert_str_eq(g.body, p.body);
        ck_assert_str_eq(resp_header(&g, "ETag"), resp_header(&p, "ETag"));
        ck_assert_int_eq(toggle(g.json, "norway") != NULL, i != 1);
        resp_free(&g);
        resp_free(&p);
    }
}
END_TEST

START_TEST(post_without_context_is_an_empty_context)
{
    struct resp r;

    flag("default", "always", NULL, 1);
    ck_assert_int_eq(req(&s, "POST", "/api/frontend", FE_ALL, "{}", &r), 200);
    ck_assert_ptr_nonnull(toggle(r.json, "always"));
    resp_free(&r);
    ck_assert_int_eq(
        req(&s, "POST", "/api/frontend", FE_ALL, "{\"context\":null}", &r),
        200);
    ck_assert_ptr_nonnull(toggle(r.json, "always"));
    resp_free(&r);
}
END_TEST

START_TEST(remote_address_defaults_to_the_caller)
{
    struct resp r;

    flag("default", "local",
         "{\"name\":\"remoteAddress\",\"parameters\":{\"IPs\":"
         "\"127.0.0.1\"}}",
         1);

    ck_assert(listed("", "local"));
    ck_assert(!listed("remoteAddress=10.1.2.3", "local"));
    ck_assert_int_eq(
        req(&s, "POST", "/api/frontend", FE_ALL, "{\"context\":{}}", &r), 200);
    ck_assert_ptr_nonnull(toggle(r.json, "local"));
    resp_free(&r);
    ck_assert_int_eq(req(&s, "POST", "/api/frontend", FE_ALL,
                         "{\"context\":{\"remoteAddress\":\"10.1.2.3\"}}", &r),
                     200);
    ck_assert_ptr_null(toggle(r.json, "local"));
    resp_free(&r);
}
END_TEST

START_TEST(environment_defaults_as_in_the_sdks)
{
    flag("default", "env-default",
         "{\"name\":\"default\",\"constraints\":[{\"contextName\":"
         "\"environment\",\"operator\":\"IN\",\"values\":"
         "[\"default\"]}]}",
         1);

    ck_assert(listed("", "env-default"));
    ck_assert(!listed("environment=production", "env-default"));
}
END_TEST

START_TEST(child_that_needs_its_parent_off_is_on_when_it_is)
{
    struct resp r;

    flag("default", "parent", NULL, 0);
    flag("default", "child", NULL, 1);
    ck_assert_int_eq(
        req(&s, "POST",
            "/api/admin/projects/default/features/child/dependencies", ADMIN,
            "{\"feature\":\"parent\",\"enabled\":false}", &r),
        200);
    resp_free(&r);

    ck_assert(listed("", "child"));
    ck_assert(!listed("", "parent"));
    ck_assert_int_eq(req(&s, "POST",
                         "/api/admin/projects/default/features/parent/"
                         "environments/development/on",
                         ADMIN, NULL, NULL),
                     200);
    ck_assert(!listed("", "child"));
    ck_assert(listed("", "parent"));
}
END_TEST

START_TEST(project_token_sees_only_its_projects)
{
    struct resp r;

    ck_assert_int_eq(req_j(&s, "POST", "/api/admin/projects", ADMIN, NULL,
                           "{s:s, s:s}", "id", "other", "name", "Other"),
                     201);
    flag("default", "in-default", NULL, 1);
    flag("other", "in-other", NULL, 1);

    ck_assert_int_eq(fe_get("", FE_DEFAULT, &r), 200);
    ck_assert_ptr_nonnull(toggle(r.json, "in-default"));
    ck_assert_ptr_null(toggle(r.json, "in-other"));
    resp_free(&r);
    ck_assert_int_eq(fe_get("", FE_ALL, &r), 200);
    ck_assert_ptr_nonnull(toggle(r.json, "in-default"));
    ck_assert_ptr_nonnull(toggle(r.json, "in-other"));
    resp_free(&r);
}
END_TEST

START_TEST(other_tokens_get_the_reference_errors)
{
    struct resp r;

    ck_assert_int_eq(fe_get("userId=123", CLIENT, &r), 403);
    ck_assert_str_eq(r.body, "{\"message\":\"invalid token: expected a "
                             "different token type for this endpoint\"}");
    resp_free(&r);
    ck_assert_int_eq(fe_get("userId=123", ADMIN, &r), 403);
    resp_free(&r);
    ck_assert_int_eq(fe_get("userId=123", NULL, &r), 401);
    ck_assert_str_eq(r.body,
                     "{\"message\":\"This endpoint requires an API token. "
                     "Please add an authorization header to your request "
                     "with a valid token\"}");
    resp_free(&r);
    ck_assert_int_eq(fe_get("", "*:development.not-a-known-token-000", &r),
                     401);
    resp_free(&r);
    ck_assert_int_eq(req(&s, "POST", "/api/frontend", CLIENT, "{}", &r), 403);
    resp_free(&r);
    /* And the frontend token is no good on the client API. */
    ck_assert_int_eq(req(&s, "GET", "/api/client/features", FE_ALL, NULL, &r),
                     403);
    resp_free(&r);
}
END_TEST

START_TEST(etag_revalidates_to_304)
{
    struct resp r;
    char tag[128], inm[160], weak[160];
    const char *h1[] = {inm, NULL}, *h2[] = {weak, NULL};

    flag("default", "f", NULL, 1);
    ck_assert_int_eq(fe_get("userId=1", FE_ALL, &r), 200);
    snprintf(tag, sizeof(tag), "%s", resp_header(&r, "ETag"));
    resp_free(&r);
    ck_assert_int_eq(tag[0], '"');
    ck_assert_int_eq(tag[strlen(tag) - 1], '"');
    snprintf(inm, sizeof(inm), "If-None-Match: %s", tag);
    snprintf(weak, sizeof(weak), "If-None-Match: \"x\", W/%s", tag);

    ck_assert_int_eq(
        req_h(&s, "GET", "/api/frontend?userId=1", FE_ALL, NULL, h1, &r), 304);
    ck_assert_str_eq(r.body, "");
    ck_assert_str_eq(resp_header(&r, "ETag"), tag);
    resp_free(&r);
    ck_assert_int_eq(
        req_h(&s, "GET", "/api/frontend?userId=1", FE_ALL, NULL, h2, &r), 304);
    resp_free(&r);
    ck_assert_int_eq(req_h(&s, "POST", "/api/frontend", FE_ALL,
                           "{\"context\":{\"userId\":\"1\"}}", h1, &r),
                     304);
    resp_free(&r);

    /* A change to the flags changes the answer and its tag. */
    ck_assert_int_eq(req(&s, "POST",
                         "/api/admin/projects/default/features/f/"
                         "environments/development/off",
                         ADMIN, NULL, NULL),
                     200);
    ck_assert_int_eq(
        req_h(&s, "GET", "/api/frontend?userId=1", FE_ALL, NULL, h1, &r), 200);
    ck_assert_str_ne(resp_header(&r, "ETag"), tag);
    ck_assert_ptr_null(toggle(r.json, "f"));
    resp_free(&r);
}
END_TEST

/* POST body; expect 400 naming path in the documented error shape. */
static void bad_body(const char *body, const char *path)
{
    struct resp r;

    ck_assert_msg(req(&s, "POST", "/api/frontend", FE_ALL, body, &r) == 400,
                  "%s -> %ld", body, r.status);
    ck_assert_str_eq(jstr(r.json, "name"), "BadDataError");
    ck_assert_ptr_nonnull(jstr(r.json, "message"));
    ck_assert_str_eq(jstr(r.json, "details[0].path"), path);
    resp_free(&r);
}

START_TEST(bad_post_bodies_are_400)
{
    struct resp r;

    bad_body("{not json", "/body");
    bad_body("[1,2]", "/body");
    bad_body("{\"context\":\"userId=1\"}", "/context");
    bad_body("{\"context\":[]}", "/context");
    bad_body("{\"context\":{\"properties\":[1]}}", "/context/properties");
    bad_body("{\"context\":{\"userId\":{\"id\":1}}}", "/context/userId");
    bad_body("{\"context\":{\"properties\":{\"tier\":[\"a\"]}}}",
             "/context/properties/tier");

    ck_assert_int_eq(req_h(&s, "POST", "/api/frontend", FE_ALL, "userId=1",
                           (const char *[]){"Content-Type: text/plain", NULL},
                           &r),
                     415);
    resp_free(&r);
    /* Numbers and booleans are written as text, as JavaScript would. */
    ck_assert_int_eq(req(&s, "POST", "/api/frontend", FE_ALL,
                         "{\"context\":{\"userId\":42,\"properties\":"
                         "{\"beta\":true,\"gone\":null}}}",
                         &r),
                     200);
    resp_free(&r);
}
END_TEST

/* A request to path with an Origin header; r gets the answer. */
static long with_origin(struct srv *srv, const char *method, const char *path,
                        const char *token, const char *origin, struct resp *r)
{
    char h[256];
    const char *hs[] = {h, NULL};

    snprintf(h, sizeof(h), "Origin: %s", origin);
    return req_h(srv, method, path, token, NULL, hs, r);
}

START_TEST(any_origin_by_default)
{
    struct resp r;

    ck_assert_int_eq(with_origin(&s, "GET", "/api/frontend", FE_ALL,
                                 "https://shop.example", &r),
                     200);
    ck_assert_str_eq(resp_header(&r, "Access-Control-Allow-Origin"), "*");
    ck_assert_str_eq(resp_header(&r, "Access-Control-Expose-Headers"), "ETag");
    ck_assert_str_eq(resp_header(&r, "Vary"), "Origin");
    resp_free(&r);

    /* Auth errors carry them too, so the page can read the status. */
    ck_assert_int_eq(with_origin(&s, "GET", "/api/frontend", NULL,
                                 "https://shop.example", &r),
                     401);
    ck_assert_str_eq(resp_header(&r, "Access-Control-Allow-Origin"), "*");
    resp_free(&r);
    ck_assert_int_eq(with_origin(&s, "GET", "/api/frontend", CLIENT,
                                 "https://shop.example", &r),
                     403);
    ck_assert_str_eq(resp_header(&r, "Access-Control-Allow-Origin"), "*");
    resp_free(&r);

    /* Other APIs never send CORS headers. */
    ck_assert_int_eq(with_origin(&s, "GET", "/api/client/features", CLIENT,
                                 "https://shop.example", &r),
                     200);
    ck_assert_ptr_null(resp_header(&r, "Access-Control-Allow-Origin"));
    resp_free(&r);
    ck_assert_int_eq(with_origin(&s, "GET", "/api/admin/projects", ADMIN,
                                 "https://shop.example", &r),
                     200);
    ck_assert_ptr_null(resp_header(&r, "Access-Control-Allow-Origin"));
    resp_free(&r);
}
END_TEST

START_TEST(listed_origins_only)
{
    struct srv t;
    struct resp r;
    const char *env[] = {
        "VEXIL_INIT_FRONTEND_TOKENS=" FE_ALL,
        "VEXIL_FRONTEND_ORIGINS=https://app.example, https://b.example/",
        NULL,
    };

    srv_start(&t, env);
    ck_assert_int_eq(with_origin(&t, "GET", "/api/frontend", FE_ALL,
                                 "https://app.example", &r),
                     200);
    ck_assert_str_eq(resp_header(&r, "Access-Control-Allow-Origin"),
                     "https://app.example");
    ck_assert_str_eq(resp_header(&r, "Vary"), "Origin");
    ck_assert_str_eq(resp_header(&r, "Access-Control-Expose-Headers"), "ETag");
    resp_free(&r);
    ck_assert_int_eq(with_origin(&t, "GET", "/api/frontend", FE_ALL,
                                 "https://b.example", &r),
                     200);
    ck_assert_str_eq(resp_header(&r, "Access-Control-Allow-Origin"),
                     "https://b.example");
    resp_free(&r);

    /* A refused origin gets the answer without CORS headers: the
     * browser keeps it from the page. */
    ck_assert_int_eq(with_origin(&t, "GET", "/api/frontend", FE_ALL,
                                 "https://evil.example", &r),
                     200);
    ck_assert_ptr_null(resp_header(&r, "Access-Control-Allow-Origin"));
    ck_assert_ptr_null(resp_header(&r, "Access-Control-Expose-Headers"));
    resp_free(&r);
    ck_assert_int_eq(with_origin(&t, "OPTIONS", "/api/frontend", NULL,
                                 "https://evil.example", &r),
                     204);
    ck_assert_ptr_null(resp_header(&r, "Access-Control-Allow-Origin"));
    ck_assert_ptr_null(resp_header(&r, "Access-Control-Allow-Methods"));
    resp_free(&r);
    srv_cleanup(&t);
}
END_TEST

START_TEST(preflight_answers_without_a_token)
{
    struct resp r;
    const char *h[] = {"Origin: https://shop.example",
                       "Access-Control-Request-Method: POST",
                       "Access-Control-Request-Headers: authorization, "
                       "content-type, x-custom",
                       NULL};
    const char *allow;

    ck_assert_int_eq(req_h(&s, "OPTIONS", "/api/frontend", NULL, NULL, h, &r),
                     204);
    ck_assert_str_eq(r.body, "");
    ck_assert_str_eq(resp_header(&r, "Access-Control-Allow-Origin"), "*");
    ck_assert_str_eq(resp_header(&r, "Access-Control-Allow-Methods"),
                     "GET, POST");
    ck_assert_ptr_nonnull(resp_header(&r, "Access-Control-Max-Age"));
    allow = resp_header(&r, "Access-Control-Allow-Headers");
    ck_assert_ptr_nonnull(allow);
    static const char *const want[] = {"Authorization", "Content-Type",
                                       "If-None-Match", "Unleash-AppName",
                                       "Unleash-SDK",   "Unleash-Connection-Id",
                                       "x-custom"};
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
        ck_assert_msg(strstr(allow, want[i]), "%s lacks %s", allow, want[i]);
    resp_free(&r);

    ck_assert_int_eq(
        req_h(&s, "OPTIONS", "/api/frontend/client/metrics", NULL, NULL, h, &r),
        204);
    ck_assert_str_eq(resp_header(&r, "Access-Control-Allow-Origin"), "*");
    resp_free(&r);
    /* Elsewhere OPTIONS is not a route. */
    ck_assert_int_eq(
        req_h(&s, "OPTIONS", "/api/admin/projects", NULL, NULL, h, &r), 405);
    ck_assert_ptr_null(resp_header(&r, "Access-Control-Allow-Origin"));
    resp_free(&r);
}
END_TEST

/* ---- trusted proxies ------------------------------------------------ */

/* Restart the suite's server with VEXIL_TRUSTED_PROXIES=proxies. */
static void restart_trusting(const char *proxies)
{
    char setting[256];
    const char *env[] = {tokens_env[0], tokens_env[1], setting, NULL};

    snprintf(setting, sizeof(setting), "VEXIL_TRUSTED_PROXIES=%s", proxies);
    srv_cleanup(&s);
    srv_start(&s, env);
}

/* A flag on only for remoteAddress ips (comma-separated). */
static void flag_for_ips(const char *name, const char *ips)
{
    char strategy[256];

    snprintf(strategy, sizeof(strategy),
             "{\"name\":\"remoteAddress\",\"parameters\":{\"IPs\":\"%s\"}}",
             ips);
    flag("default", name, strategy, 1);
}

/* True when GET /api/frontend with the extra headers h lists name. */
static int listed_h(const char *const *h, const char *name)
{
    struct resp r;
    int found;

    ck_assert_int_eq(req_h(&s, "GET", "/api/frontend", FE_ALL, NULL, h, &r),
                     200);
    found = toggle(r.json, name) != NULL;
    resp_free(&r);
    return found;
}

START_TEST(forwarded_for_is_ignored_by_default)
{
    const char *const h[] = {"X-Forwarded-For: 203.0.113.7", NULL};

    flag_for_ips("far", "203.0.113.7");
    flag_for_ips("near", "127.0.0.1");

    ck_assert(!listed_h(h, "far"));
    ck_assert(listed_h(h, "near"));
}
END_TEST

START_TEST(trusted_proxy_forwards_the_client_address)
{
    const char *const one[] = {"X-Forwarded-For: 203.0.113.7", NULL};
    const char *const spoofed[] = {"X-Forwarded-For: 10.0.0.9, 203.0.113.7",
                                   NULL};
    const char *const two_headers[] = {"X-Forwarded-For: 10.0.0.9",
                                       "X-Forwarded-For: 203.0.113.7", NULL};
    const char *const garbage[] = {"X-Forwarded-For: not-an-address", NULL};
    const char *const with_port[] = {"X-Forwarded-For: 203.0.113.7:51234",
                                     NULL};
    const char *const v6_port[] = {"X-Forwarded-For: [2001:db8::7]:443", NULL};
    struct resp r;

    restart_trusting("127.0.0.1");
    flag_for_ips("far", "203.0.113.7");
    flag_for_ips("spoof", "10.0.0.9");
    flag_for_ips("near", "127.0.0.1");

    ck_assert(listed_h(one, "far"));
    ck_assert(!listed_h(one, "near"));

    /* The browser may put anything left of what our proxy appended. */
    ck_assert(listed_h(spoofed, "far"));
    ck_assert(!listed_h(spoofed, "spoof"));
    ck_assert(listed_h(two_headers, "far"));
    ck_assert(!listed_h(two_headers, "spoof"));

    /* Some proxies write the client's port too. */
    ck_assert(listed_h(with_port, "far"));
    flag_for_ips("far6", "2001:db8::7");
    ck_assert(listed_h(v6_port, "far6"));
    ck_assert(!listed_h(v6_port, "near"));

    /* No usable header: the proxy itself. */
    ck_assert(listed_h(NULL, "near"));
    ck_assert(listed_h(garbage, "near"));
    ck_assert(!listed_h(garbage, "far"));

    /* A remoteAddress in the context still wins. */
    ck_assert_int_eq(req_h(&s, "GET", "/api/frontend?remoteAddress=10.0.0.9",
                           FE_ALL, NULL, one, &r),
                     200);
    ck_assert_ptr_nonnull(toggle(r.json, "spoof"));
    ck_assert_ptr_null(toggle(r.json, "far"));
    resp_free(&r);
}
END_TEST

START_TEST(trusted_ranges_are_walked_from_the_right)
{
    const char *const chain[] = {
        "X-Forwarded-For: 10.0.0.9, 203.0.113.7, 10.1.2.3, 10.4.5.6", NULL};
    const char *const all_trusted[] = {"X-Forwarded-For: 10.1.2.3, 10.4.5.6",
                                       NULL};

    restart_trusting(" 127.0.0.0/8 , 10.0.0.0/8,2001:db8::/32");
    flag_for_ips("far", "203.0.113.7");
    flag_for_ips("inner", "10.1.2.3");

    ck_assert(listed_h(chain, "far"));
    ck_assert(!listed_h(chain, "inner"));
    /* Every hop trusted: the furthest one is the client. */
    ck_assert(listed_h(all_trusted, "inner"));
}
END_TEST

START_TEST(bad_trusted_proxies_refuse_to_start)
{
    static const char *const bad[] = {"10.0.0.0/33", "127.0.0.1,", "localhost",
                                      "10.0.0.1, ,10.0.0.2"};
    static const char *const shown[] = {"'10.0.0.0/33'", "''", "'localhost'",
                                        "' '"};

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct srv t;
        char setting[128];
        const char *env[] = {setting, NULL};

        snprintf(setting, sizeof(setting), "VEXIL_TRUSTED_PROXIES=%s", bad[i]);
        ck_assert_int_ne(srv_start_fails(&t, env), 0);
        ck_assert_msg(srv_log_count(&t, "VEXIL_TRUSTED_PROXIES") == 1,
                      "no message for %s", bad[i]);
        ck_assert_msg(srv_log_count(&t, shown[i]) == 1, "%s not named",
                      shown[i]);
        srv_cleanup(&t);
    }
}
END_TEST

/* ---- one flag ----------------------------------------------------- */

/* GET /api/frontend/features/name?query as token. */
static long fe_feature(const char *name, const char *query, const char *token,
                       struct resp *r)
{
    char path[512];

    snprintf(path, sizeof(path), "/api/frontend/features/%s%s%s", name,
             *query ? "?" : "", query);
    return req(&s, "GET", path, token, NULL, r);
}

START_TEST(one_flag_that_is_on_has_the_toggle_shape)
{
    struct resp r, list;

    flag("default", "with-variant",
         "{\"name\":\"default\",\"variants\":[{\"name\":\"blue\","
         "\"weight\":1000,\"weightType\":\"variable\",\"stickiness\":"
         "\"default\",\"payload\":{\"type\":\"string\",\"value\":"
         "\"b\"}}]}",
         1);

    ck_assert_int_eq(fe_feature("with-variant", "userId=1", FE_ALL, &r), 200);
    ck_assert_int_eq(json_object_size(r.json), 4);
    ck_assert_str_eq(jstr(r.json, "name"), "with-variant");
    ck_assert(json_is_true(jget(r.json, "enabled")));
    ck_assert(json_is_false(jget(r.json, "impressionData")));
    ck_assert_str_eq(jstr(r.json, "variant.name"), "blue");
    ck_assert(json_is_true(jget(r.json, "variant.enabled")));
    ck_assert_str_eq(jstr(r.json, "variant.payload.value"), "b");
    ck_assert(json_is_true(jget(r.json, "variant.featureEnabled")));
    ck_assert_str_eq(resp_header(&r, "Cache-Control"), "no-cache");

    /* The same object the list gives for that context. */
    ck_assert_int_eq(fe_get("userId=1", FE_ALL, &list), 200);
    ck_assert(json_equal(r.json, toggle(list.json, "with-variant")));
    resp_free(&list);
    resp_free(&r);
}
END_TEST

START_TEST(one_flag_off_unknown_or_hidden_is_404)
{
    struct resp r;

    ck_assert_int_eq(req_j(&s, "POST", "/api/admin/projects", ADMIN, NULL,
                           "{s:s, s:s}", "id", "other", "name", "Other"),
                     201);
    flag("default", "off", NULL, 0);
    flag("other", "in-other", NULL, 1);
    flag("default", "for-42",
         "{\"name\":\"userWithId\",\"parameters\":{\"userIds\":\"42\"}}", 1);

    ck_assert_int_eq(fe_feature("off", "", FE_ALL, &r), 404);
    ck_assert_str_eq(jstr(r.json, "name"), "NotFoundError");
    ck_assert_ptr_nonnull(jstr(r.json, "message"));
    resp_free(&r);
    ck_assert_int_eq(fe_feature("no-such-flag", "", FE_ALL, &r), 404);
    ck_assert_str_eq(jstr(r.json, "name"), "NotFoundError");
    resp_free(&r);

    /* Outside the token's projects it is as if it did not exist. */
    ck_assert_int_eq(fe_feature("in-other", "", FE_DEFAULT, &r), 404);
    resp_free(&r);
    ck_assert_int_eq(fe_feature("in-other", "", FE_ALL, &r), 200);
    resp_free(&r);

    /* The context comes from the query string. */
    ck_assert_int_eq(fe_feature("for-42", "userId=42", FE_ALL, &r), 200);
    resp_free(&r);
    ck_assert_int_eq(fe_feature("for-42", "userId=7", FE_ALL, &r), 404);
    resp_free(&r);
    ck_assert_int_eq(fe_feature("for-42", "", FE_ALL, &r), 404);
    resp_free(&r);
}
END_TEST

START_TEST(one_flag_takes_frontend_tokens_and_cors)
{
    struct resp r;
    const char *h[] = {"Origin: https://shop.example",
                       "Access-Control-Request-Method: GET", NULL};

    flag("default", "plain", NULL, 1);

    ck_assert_int_eq(fe_feature("plain", "", NULL, &r), 401);
    resp_free(&r);
    ck_assert_int_eq(fe_feature("plain", "", CLIENT, &r), 403);
    resp_free(&r);
    ck_assert_int_eq(fe_feature("plain", "", ADMIN, &r), 403);
    resp_free(&r);

    ck_assert_int_eq(with_origin(&s, "GET", "/api/frontend/features/plain",
                                 FE_ALL, "https://shop.example", &r),
                     200);
    ck_assert_str_eq(resp_header(&r, "Access-Control-Allow-Origin"), "*");
    resp_free(&r);
    ck_assert_int_eq(with_origin(&s, "GET", "/api/frontend/features/nope",
                                 FE_ALL, "https://shop.example", &r),
                     404);
    ck_assert_str_eq(resp_header(&r, "Access-Control-Allow-Origin"), "*");
    resp_free(&r);
    ck_assert_int_eq(
        req_h(&s, "OPTIONS", "/api/frontend/features/plain", NULL, NULL, h, &r),
        204);
    ck_assert_str_eq(resp_header(&r, "Access-Control-Allow-Origin"), "*");
    ck_assert_ptr_nonnull(resp_header(&r, "Access-Control-Allow-Methods"));
    resp_free(&r);
}
END_TEST

START_TEST(one_flag_sees_the_forwarded_address)
{
    const char *const h[] = {"X-Forwarded-For: 10.0.0.9, 203.0.113.7", NULL};
    struct resp r;

    restart_trusting("127.0.0.1");
    flag_for_ips("far", "203.0.113.7");

    ck_assert_int_eq(
        req_h(&s, "GET", "/api/frontend/features/far", FE_ALL, NULL, h, &r),
        200);
    resp_free(&r);
    ck_assert_int_eq(fe_feature("far", "", FE_ALL, &r), 404);
    resp_free(&r);
}
END_TEST

static Suite *frontend_suite(void)
{
    Suite *su = suite_create("frontend");
    TCase *tc = tcase_create("api");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, answer_has_the_reference_shape);
    tcase_add_test(tc, only_flags_that_are_on_are_listed);
    tcase_add_test(tc, empty_flag_set_gives_empty_list);
    tcase_add_test(tc, query_fields_become_properties);
    tcase_add_test(tc, get_and_post_agree_for_the_same_context);
    tcase_add_test(tc, post_without_context_is_an_empty_context);
    tcase_add_test(tc, remote_address_defaults_to_the_caller);
    tcase_add_test(tc, environment_defaults_as_in_the_sdks);
    tcase_add_test(tc, child_that_needs_its_parent_off_is_on_when_it_is);
    tcase_add_test(tc, project_token_sees_only_its_projects);
    tcase_add_test(tc, other_tokens_get_the_reference_errors);
    tcase_add_test(tc, etag_revalidates_to_304);
    tcase_add_test(tc, bad_post_bodies_are_400);
    tcase_add_test(tc, any_origin_by_default);
    tcase_add_test(tc, listed_origins_only);
    tcase_add_test(tc, preflight_answers_without_a_token);
    tcase_add_test(tc, forwarded_for_is_ignored_by_default);
    tcase_add_test(tc, trusted_proxy_forwards_the_client_address);
    tcase_add_test(tc, trusted_ranges_are_walked_from_the_right);
    tcase_add_test(tc, bad_trusted_proxies_refuse_to_start);
    tcase_add_test(tc, one_flag_that_is_on_has_the_toggle_shape);
    tcase_add_test(tc, one_flag_off_unknown_or_hidden_is_404);
    tcase_add_test(tc, one_flag_takes_frontend_tokens_and_cors);
    tcase_add_test(tc, one_flag_sees_the_forwarded_address);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    SRunner *sr = srunner_create(frontend_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
