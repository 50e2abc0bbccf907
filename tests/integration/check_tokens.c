/*
 * API tokens: creating each type with its scope, the checks on what is
 * sent, expiry, deletion by id or secret, and that a secret is shown
 * only once.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static struct srv s;

static void setup(void)
{
    srv_start(&s, NULL);
}

static void teardown(void)
{
    srv_cleanup(&s);
}

/* Count of API tokens listed. */
static size_t token_count(void)
{
    struct resp r;
    size_t n;

    ck_assert_int_eq(req(&s, "GET", "/api/admin/api-tokens", ADMIN, NULL, &r),
                     200);
    n = json_array_size(jget(r.json, "tokens"));
    resp_free(&r);
    return n;
}

/* Create a token from a json_pack format; 201 expected; caller frees. */
static char *make_token(struct resp *r, const char *fmt, const char *a,
                        const char *b, const char *c)
{
    ck_assert_int_eq(req_j(&s, "POST", "/api/admin/api-tokens", ADMIN, r, fmt,
                           "tokenName", a, "type", b, "environment", c),
                     201);
    ck_assert_ptr_nonnull(jstr(r->json, "secret"));
    return strdup(jstr(r->json, "secret"));
}

/* A POST that must fail with status, naming path; nothing is created. */
static void refused(long status, const char *path, const char *body)
{
    struct resp r;
    size_t before = token_count();

    ck_assert_int_eq(req(&s, "POST", "/api/admin/api-tokens", ADMIN, body, &r),
                     status);
    if (path)
        ck_assert_str_eq(jstr(r.json, "details[0].path"), path);
    resp_free(&r);
    ck_assert_uint_eq(token_count(), before);
}

START_TEST(client_tokens_carry_their_scope)
{
    struct resp r;
    char *sec;

    sec = make_token(&r, "{s:s, s:s, s:s}", "all", "client", "development");
    ck_assert_int_eq(strncmp(sec, "*:development.", 14), 0);
    ck_assert_str_eq(jstr(r.json, "project"), "*");
    ck_assert_str_eq(jstr(r.json, "type"), "client");
    ck_assert_str_eq(jstr(r.json, "tokenName"), "all");
    resp_free(&r);
    free(sec);

    ck_assert_int_eq(req_j(&s, "POST", "/api/admin/projects", ADMIN, NULL,
                           "{s:s, s:s}", "id", "shop", "name", "Shop"),
                     201);
    ck_assert_int_eq(req_j(&s, "POST", "/api/admin/api-tokens", ADMIN, &r,
                           "{s:s, s:s, s:s, s:s}", "username", "one", "type",
                           "backend", "environment", "production", "project",
                           "shop"),
                     201);
    ck_assert_int_eq(strncmp(jstr(r.json, "secret"), "shop:production.", 16),
                     0);
    ck_assert_str_eq(jstr(r.json, "tokenName"), "one");
    resp_free(&r);
    ck_assert_int_eq(req_j(&s, "POST", "/api/admin/api-tokens", ADMIN, &r,
                           "{s:s, s:s, s:s, s:[s, s]}", "tokenName", "two",
                           "type", "frontend", "environment", "development",
                           "projects", "shop", "default"),
                     201);
    ck_assert_int_eq(strncmp(jstr(r.json, "secret"), "[]:development.", 15), 0);
    ck_assert_str_eq(jstr(r.json, "project"), "[]");
    ck_assert_uint_eq(json_array_size(jget(r.json, "projects")), 2);
    resp_free(&r);

    /* Listed without secrets, with a display prefix. */
    req(&s, "GET", "/api/admin/api-tokens", ADMIN, NULL, &r);
    ck_assert_uint_eq(json_array_size(jget(r.json, "tokens")), 4);
    ck_assert_ptr_null(strstr(r.body, "secret"));
    ck_assert_int_eq(
        strncmp(jstr(r.json, "tokens[3].display"), "[]:development.", 15), 0);
    resp_free(&r);

    /* A client token is no key to the admin API. */
    sec = make_token(&r, "{s:s, s:s, s:s}", "c", "client", "development");
    resp_free(&r);
    ck_assert_int_eq(req(&s, "GET", "/api/admin/projects", sec, NULL, NULL),
                     403);
    free(sec);
}
END_TEST

START_TEST(bad_token_requests_are_refused)
{
    refused(400, "/body/tokenName",
            "{\"type\":\"client\","
            "\"environment\":\"development\"}");
    refused(400, "/body/type", "{\"tokenName\":\"t\"}");
    refused(400, "/body/type", "{\"tokenName\":\"t\",\"type\":\"root\"}");
    refused(400, "/body/type", "{\"tokenName\":\"t\",\"type\":\"personal\"}");
    refused(400, "/body/environment",
            "{\"tokenName\":\"t\","
            "\"type\":\"client\"}");
    refused(400, "/body/environment",
            "{\"tokenName\":\"t\",\"type\":\"frontend\","
            "\"environment\":\"nowhere\"}");
    refused(400, "/body/projects",
            "{\"tokenName\":\"t\",\"type\":\"client\","
            "\"environment\":\"development\",\"projects\":[\"nope\"]}");
    refused(400, "/body/projects",
            "{\"tokenName\":\"t\",\"type\":\"client\","
            "\"environment\":\"development\",\"projects\":\"default\"}");
    refused(400, "/body/expiresAt",
            "{\"tokenName\":\"t\",\"type\":\"admin\","
            "\"expiresAt\":\"tomorrow\"}");
    refused(400, "/body/tokenName", "{\"tokenName\":7,\"type\":\"admin\"}");
    refused(400, NULL, "[1,2]");
}
END_TEST

START_TEST(admin_token_acts_as_its_maker)
{
    struct resp r;
    char path[64], *user_tok, *adm;
    long long uid;

    ck_assert_int_eq(req_j(&s, "POST", "/api/admin/user-admin", ADMIN, &r,
                           "{s:s, s:s}", "username", "maker", "rootRole",
                           "Admin"),
                     201);
    uid = jint(r.json, "id");
    resp_free(&r);
    snprintf(path, sizeof(path), "/api/admin/user-admin/%lld/tokens", uid);
    req_j(&s, "POST", path, ADMIN, &r, "{}");
    user_tok = strdup(jstr(r.json, "secret"));
    resp_free(&r);

    ck_assert_int_eq(req_j(&s, "POST", "/api/admin/api-tokens", user_tok, &r,
                           "{s:s, s:s}", "tokenName", "ops", "type", "admin"),
                     201);
    adm = strdup(jstr(r.json, "secret"));
    ck_assert_int_eq(strncmp(adm, "*:*.", 4), 0);
    ck_assert_int_eq(jint(r.json, "userId"), uid);
    resp_free(&r);
    ck_assert_int_eq(req(&s, "GET", "/api/admin/user", adm, NULL, &r), 200);
    ck_assert_str_eq(jstr(r.json, "user.username"), "maker");
    resp_free(&r);

    /* Demoting the maker demotes the token. */
    snprintf(path, sizeof(path), "/api/admin/user-admin/%lld", uid);
    ck_assert_int_eq(
        req_j(&s, "PUT", path, ADMIN, NULL, "{s:s}", "rootRole", "Viewer"),
        200);
    ck_assert_int_eq(req(&s, "GET", "/api/admin/api-tokens", adm, NULL, NULL),
                     403);
    ck_assert_int_eq(req(&s, "GET", "/api/admin/projects", adm, NULL, NULL),
                     200);
    free(adm);
    free(user_tok);
}
END_TEST

START_TEST(expiry_can_be_set_and_cleared)
{
    struct resp r;
    char path[64], *sec;
    long long id;

    sec = make_token(&r, "{s:s, s:s, s:s}", "e", "admin", "ignored");
    id = jint(r.json, "id");
    resp_free(&r);
    snprintf(path, sizeof(path), "/api/admin/api-tokens/%lld", id);
    ck_assert_int_eq(req(&s, "GET", "/api/admin/projects", sec, NULL, NULL),
                     200);

    req_j(&s, "PUT", path, ADMIN, &r, "{s:s}", "expiresAt", "soon");
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(jstr(r.json, "details[0].path"), "/body/expiresAt");
    resp_free(&r);
    req_j(&s, "PUT", path, ADMIN, &r, "{}");
    ck_assert_int_eq(r.status, 400);
    resp_free(&r);
    ck_assert_int_eq(req(&s, "GET", "/api/admin/projects", sec, NULL, NULL),
                     200);

    ck_assert_int_eq(req_j(&s, "PUT", path, ADMIN, &r, "{s:s}", "expiresAt",
                           "2000-01-01T00:00:00Z"),
                     200);
    ck_assert_str_eq(jstr(r.json, "expiresAt"), "2000-01-01T00:00:00.000Z");
    resp_free(&r);
    ck_assert_int_eq(req(&s, "GET", "/api/admin/projects", sec, NULL, NULL),
                     401);
    ck_assert_int_eq(req(&s, "GET", "/api/admin/user", sec, NULL, NULL), 401);

    ck_assert_int_eq(req(&s, "PUT", path, ADMIN, "{\"expiresAt\":null}", NULL),
                     200);
    ck_assert_int_eq(req(&s, "GET", "/api/admin/projects", sec, NULL, NULL),
                     200);
    ck_assert_int_eq(req_j(&s, "PUT", "/api/admin/api-tokens/999", ADMIN, NULL,
                           "{s:s}", "expiresAt", "2030-01-01"),
                     404);

    req(&s, "GET", "/api/admin/events?type=api-token-updated", ADMIN, NULL, &r);
    ck_assert_int_eq(jint(r.json, "totalEvents"), 2);
    ck_assert_ptr_null(strstr(r.body, strchr(sec, '.') + 1));
    resp_free(&r);
    free(sec);
}
END_TEST

START_TEST(delete_by_id_or_secret)
{
    struct resp r;
    char path[512], *a, *b;
    long long id;

    a = make_token(&r, "{s:s, s:s, s:s}", "a", "admin", "x");
    id = jint(r.json, "id");
    resp_free(&r);
    b = make_token(&r, "{s:s, s:s, s:s}", "b", "client", "development");
    resp_free(&r);
    ck_assert_uint_eq(token_count(), 3);

    snprintf(path, sizeof(path), "/api/admin/api-tokens/%lld", id);
    ck_assert_int_eq(req(&s, "DELETE", path, ADMIN, NULL, NULL), 200);
    ck_assert_int_eq(req(&s, "GET", "/api/admin/projects", a, NULL, NULL), 401);
    ck_assert_int_eq(req(&s, "DELETE", path, ADMIN, NULL, NULL), 404);

    snprintf(path, sizeof(path), "/api/admin/api-tokens/%s", b);
    ck_assert_int_eq(req(&s, "DELETE", path, ADMIN, NULL, NULL), 200);
    ck_assert_int_eq(req(&s, "DELETE", path, ADMIN, NULL, NULL), 404);
    ck_assert_uint_eq(token_count(), 1);

    req(&s, "GET", "/api/admin/events?type=api-token-deleted", ADMIN, NULL, &r);
    ck_assert_int_eq(jint(r.json, "totalEvents"), 2);
    ck_assert_str_eq(jstr(r.json, "events[0].preData.tokenName"), "b");
    ck_assert_ptr_null(strstr(r.body, strchr(b, '.') + 1));
    resp_free(&r);
    ck_assert_int_eq(srv_log_count(&s, strchr(b, '.') + 1), 0);

    /* Personal tokens are not reachable through the API-token path. */
    req_j(&s, "POST", "/api/admin/user/tokens", ADMIN, &r, "{s:s}",
          "description", "p");
    snprintf(path, sizeof(path), "/api/admin/api-tokens/%lld",
             jint(r.json, "id"));
    resp_free(&r);
    ck_assert_int_eq(req(&s, "DELETE", path, ADMIN, NULL, NULL), 404);
    ck_assert_uint_eq(token_count(), 1);
    free(a);
    free(b);
}
END_TEST

static Suite *tokens_suite(void)
{
    Suite *su = suite_create("tokens");
    TCase *tc = tcase_create("tokens");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, client_tokens_carry_their_scope);
    tcase_add_test(tc, bad_token_requests_are_refused);
    tcase_add_test(tc, admin_token_acts_as_its_maker);
    tcase_add_test(tc, expiry_can_be_set_and_cleared);
    tcase_add_test(tc, delete_by_id_or_secret);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    SRunner *sr = srunner_create(tokens_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
