/*
 * Users, service accounts, personal tokens and the role matrix: what
 * each root role may do over HTTP, and that deleting, demoting and
 * expiring take effect at once.
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

/* Create a user with username and role; returns its id. */
static long long make_user(const char *username, const char *role)
{
    struct resp r;
    long long id;

    ck_assert_int_eq(req_j(&s, "POST", "/api/admin/user-admin", ADMIN, &r,
                           "{s:s, s:s}", "username", username, "rootRole",
                           role),
                     201);
    id = jint(r.json, "id");
    ck_assert_int_gt(id, 1);
    resp_free(&r);
    return id;
}

/* Issue a personal token for user id as the admin; caller frees. */
static char *token_for(long long id)
{
    struct resp r;
    char path[128];
    char *secret;

    snprintf(path, sizeof(path), "/api/admin/user-admin/%lld/tokens", id);
    ck_assert_int_eq(
        req_j(&s, "POST", path, ADMIN, &r, "{s:s}", "description", "test"),
        201);
    ck_assert_ptr_nonnull(jstr(r.json, "secret"));
    secret = strdup(jstr(r.json, "secret"));
    resp_free(&r);
    ck_assert_int_eq(strncmp(secret, "user:", 5), 0);
    return secret;
}

/* Status of a GET with token. */
static long get(const char *path, const char *token)
{
    return req(&s, "GET", path, token, NULL, NULL);
}

/* Count of users the admin sees. */
static size_t user_count(void)
{
    struct resp r;
    size_t n;

    ck_assert_int_eq(req(&s, "GET", "/api/admin/user-admin", ADMIN, NULL, &r),
                     200);
    n = json_array_size(jget(r.json, "users"));
    resp_free(&r);
    return n;
}

/* Assert a 403 naming the needed role. */
static void assert_forbidden(struct resp *r, const char *role)
{
    ck_assert_int_eq(r->status, 403);
    ck_assert_str_eq(jstr(r->json, "name"), "NoAccessError");
    ck_assert_ptr_nonnull(strstr(jstr(r->json, "message"), role));
    resp_free(r);
}

START_TEST(user_lifecycle)
{
    struct resp r;
    char path[64];
    long long id;

    ck_assert_int_eq(req_j(&s, "POST", "/api/admin/user-admin", ADMIN, &r,
                           "{s:s, s:s, s:s, s:s}", "username", "ada", "email",
                           "ada@example.com", "name", "Ada", "rootRole",
                           "Editor"),
                     201);
    id = jint(r.json, "id");
    ck_assert_int_eq(jint(r.json, "rootRole"), 2);
    ck_assert_str_eq(jstr(r.json, "rootRoleName"), "Editor");
    ck_assert_str_eq(jstr(r.json, "email"), "ada@example.com");
    ck_assert(json_is_false(jget(r.json, "isService")));
    resp_free(&r);
    ck_assert_uint_eq(user_count(), 2);

    snprintf(path, sizeof(path), "/api/admin/user-admin/%lld", id);
    ck_assert_int_eq(req_j(&s, "PUT", path, ADMIN, &r, "{s:s, s:i}", "name",
                           "Ada L.", "rootRole", 3),
                     200);
    ck_assert_str_eq(jstr(r.json, "name"), "Ada L.");
    ck_assert_int_eq(jint(r.json, "rootRole"), 3);
    ck_assert_str_eq(jstr(r.json, "rootRoleName"), "Viewer");
    ck_assert_str_eq(jstr(r.json, "username"), "ada");
    resp_free(&r);
    ck_assert_int_eq(req(&s, "GET", path, ADMIN, NULL, &r), 200);
    ck_assert_str_eq(jstr(r.json, "name"), "Ada L.");
    resp_free(&r);

    ck_assert_int_eq(req(&s, "DELETE", path, ADMIN, NULL, NULL), 200);
    ck_assert_int_eq(get(path, ADMIN), 404);
    ck_assert_int_eq(req(&s, "DELETE", path, ADMIN, NULL, NULL), 404);
    ck_assert_uint_eq(user_count(), 1);
    /* The name is free again once its user is gone. */
    make_user("ada", "Viewer");

    ck_assert_int_eq(get("/api/admin/events?type=user-updated", ADMIN), 200);
    req(&s, "GET", "/api/admin/events?type=user-updated", ADMIN, NULL, &r);
    ck_assert_str_eq(jstr(r.json, "events[0].preData.rootRoleName"), "Editor");
    ck_assert_str_eq(jstr(r.json, "events[0].data.rootRoleName"), "Viewer");
    ck_assert_str_eq(jstr(r.json, "events[0].createdBy"), "admin");
    resp_free(&r);
    req(&s, "GET", "/api/admin/events?type=user-deleted", ADMIN, NULL, &r);
    ck_assert_int_eq(jint(r.json, "totalEvents"), 1);
    ck_assert_str_eq(jstr(r.json, "events[0].preData.username"), "ada");
    resp_free(&r);
    /* The newest creation is the second "ada", a Viewer. */
    req(&s, "GET", "/api/admin/events?type=user-created", ADMIN, NULL, &r);
    ck_assert_str_eq(jstr(r.json, "events[0].data.username"), "ada");
    ck_assert_str_eq(jstr(r.json, "events[0].data.rootRoleName"), "Viewer");
    ck_assert_str_eq(jstr(r.json, "events[1].data.rootRoleName"), "Editor");
    resp_free(&r);
}
END_TEST

START_TEST(user_input_is_validated)
{
    struct resp r;

    req_j(&s, "POST", "/api/admin/user-admin", ADMIN, &r, "{s:s}", "rootRole",
          "Viewer");
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(jstr(r.json, "details[0].path"), "/body/username");
    resp_free(&r);
    req_j(&s, "POST", "/api/admin/user-admin", ADMIN, &r, "{s:s}", "username",
          "bob");
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(jstr(r.json, "details[0].path"), "/body/rootRole");
    resp_free(&r);
    req_j(&s, "POST", "/api/admin/user-admin", ADMIN, &r, "{s:s, s:s}",
          "username", "bob", "rootRole", "Boss");
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(jstr(r.json, "details[0].path"), "/body/rootRole");
    resp_free(&r);
    req_j(&s, "POST", "/api/admin/user-admin", ADMIN, &r, "{s:s, s:i}",
          "username", "bob", "rootRole", 7);
    ck_assert_int_eq(r.status, 400);
    resp_free(&r);
    req_j(&s, "POST", "/api/admin/user-admin", ADMIN, &r, "{s:i, s:s}",
          "username", 5, "rootRole", "Viewer");
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(jstr(r.json, "details[0].path"), "/body/username");
    resp_free(&r);
    req_j(&s, "POST", "/api/admin/user-admin", ADMIN, &r, "{s:s, s:s}", "email",
          "not-an-email", "rootRole", "Viewer");
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(jstr(r.json, "details[0].path"), "/body/email");
    resp_free(&r);
    ck_assert_uint_eq(user_count(), 1);

    /* Email alone is enough; duplicates of either are 409. */
    ck_assert_int_eq(req_j(&s, "POST", "/api/admin/user-admin", ADMIN, NULL,
                           "{s:s, s:i}", "email", "c@example.com", "rootRole",
                           2),
                     201);
    req_j(&s, "POST", "/api/admin/user-admin", ADMIN, &r, "{s:s, s:s}", "email",
          "c@example.com", "rootRole", "Viewer");
    ck_assert_int_eq(r.status, 409);
    ck_assert_str_eq(jstr(r.json, "details[0].path"), "/body/email");
    resp_free(&r);
    req_j(&s, "POST", "/api/admin/user-admin", ADMIN, &r, "{s:s, s:s}",
          "username", "admin", "rootRole", "Viewer");
    ck_assert_int_eq(r.status, 409);
    resp_free(&r);
    ck_assert_uint_eq(user_count(), 2);
}
END_TEST

START_TEST(unknown_users_are_404)
{
    ck_assert_int_eq(get("/api/admin/user-admin/999", ADMIN), 404);
    ck_assert_int_eq(get("/api/admin/user-admin/abc", ADMIN), 404);
    ck_assert_int_eq(req_j(&s, "PUT", "/api/admin/user-admin/999", ADMIN, NULL,
                           "{s:s}", "name", "x"),
                     404);
    ck_assert_int_eq(
        req(&s, "DELETE", "/api/admin/user-admin/999", ADMIN, NULL, NULL), 404);
    ck_assert_int_eq(req_j(&s, "POST", "/api/admin/user-admin/999/tokens",
                           ADMIN, NULL, "{}"),
                     404);
}
END_TEST

START_TEST(builtin_admin_cannot_be_deleted_or_demoted)
{
    struct resp r;

    ck_assert_int_eq(
        req(&s, "DELETE", "/api/admin/user-admin/1", ADMIN, NULL, NULL), 400);
    ck_assert_int_eq(req_j(&s, "PUT", "/api/admin/user-admin/1", ADMIN, &r,
                           "{s:s}", "rootRole", "Viewer"),
                     400);
    ck_assert_str_eq(jstr(r.json, "details[0].path"), "/body/rootRole");
    resp_free(&r);
    ck_assert_int_eq(req(&s, "GET", "/api/admin/user", ADMIN, NULL, &r), 200);
    ck_assert_int_eq(jint(r.json, "user.rootRole"), 1);
    ck_assert_str_eq(jstr(r.json, "user.rootRoleName"), "Admin");
    ck_assert_int_eq(jint(r.json, "user.id"), 1);
    ck_assert_str_eq(jstr(r.json, "user.username"), "admin");
    resp_free(&r);
    /* The admin API still works with the admin token. */
    ck_assert_int_eq(get("/api/admin/user-admin", ADMIN), 200);
}
END_TEST

START_TEST(whoami_answers_for_personal_tokens)
{
    long long id = make_user("vera", "Viewer");
    char *tok = token_for(id);
    struct resp r;

    ck_assert_int_eq(req(&s, "GET", "/api/admin/user", tok, NULL, &r), 200);
    ck_assert_int_eq(jint(r.json, "user.id"), id);
    ck_assert_str_eq(jstr(r.json, "user.username"), "vera");
    ck_assert_int_eq(jint(r.json, "user.rootRole"), 3);
    ck_assert_str_eq(jstr(r.json, "user.rootRoleName"), "Viewer");
    ck_assert(json_is_false(jget(r.json, "user.isService")));
    resp_free(&r);
    ck_assert_int_eq(get("/api/admin/user", NULL), 401);
    free(tok);
}
END_TEST

START_TEST(role_matrix)
{
    char *ed = token_for(make_user("eddie", "Editor"));
    char *vi = token_for(make_user("vic", "Viewer"));
    struct resp r;

    /* Viewer reads, and is refused every write with the role named. */
    ck_assert_int_eq(get("/api/admin/projects", vi), 200);
    ck_assert_int_eq(get("/api/admin/environments", vi), 200);
    ck_assert_int_eq(get("/api/admin/context", vi), 200);
    ck_assert_int_eq(get("/api/admin/strategies", vi), 200);
    ck_assert_int_eq(get("/api/admin/events", vi), 200);
    req_j(&s, "POST", "/api/admin/projects", vi, &r, "{s:s, s:s}", "id", "vp",
          "name", "V");
    assert_forbidden(&r, "Admin");
    req_j(&s, "POST", "/api/admin/environments", vi, &r, "{s:s, s:s}", "name",
          "ve", "type", "test");
    assert_forbidden(&r, "Admin");
    req_j(&s, "PUT", "/api/admin/context/userId", vi, &r, "{s:s}",
          "description", "v");
    assert_forbidden(&r, "Editor");
    req_j(&s, "POST", "/api/admin/api-tokens", vi, &r, "{s:s, s:s}",
          "tokenName", "v", "type", "admin");
    assert_forbidden(&r, "Admin");
    req(&s, "GET", "/api/admin/user-admin", vi, NULL, &r);
    assert_forbidden(&r, "Admin");
    ck_assert_int_eq(get("/api/admin/projects/vp", ADMIN), 404);

    /* Editor: context updates yes, users and tokens no. */
    ck_assert_int_eq(req_j(&s, "PUT", "/api/admin/context/userId", ed, NULL,
                           "{s:s}", "description", "edited"),
                     200);
    req_j(&s, "POST", "/api/admin/user-admin", ed, &r, "{s:s, s:s}", "username",
          "x", "rootRole", "Admin");
    assert_forbidden(&r, "Admin");
    req_j(&s, "POST", "/api/admin/api-tokens", ed, &r, "{s:s, s:s, s:s}",
          "tokenName", "e", "type", "client", "environment", "development");
    assert_forbidden(&r, "Admin");
    req_j(&s, "POST", "/api/admin/context", ed, &r, "{s:s}", "name", "ec");
    assert_forbidden(&r, "Admin");
    req_j(&s, "POST", "/api/admin/service-account", ed, &r, "{s:s, s:s}",
          "username", "bot", "rootRole", "Admin");
    assert_forbidden(&r, "Admin");
    ck_assert_uint_eq(user_count(), 3);

    /* Admin does all of it. */
    ck_assert_int_eq(req_j(&s, "POST", "/api/admin/projects", ADMIN, NULL,
                           "{s:s, s:s}", "id", "ap", "name", "A"),
                     201);
    ck_assert_int_eq(req_j(&s, "POST", "/api/admin/context", ADMIN, NULL,
                           "{s:s}", "name", "ac"),
                     201);
    ck_assert_int_eq(req_j(&s, "POST", "/api/admin/api-tokens", ADMIN, NULL,
                           "{s:s, s:s}", "tokenName", "a", "type", "admin"),
                     201);

    /* Every role may keep personal tokens. */
    ck_assert_int_eq(req_j(&s, "POST", "/api/admin/user/tokens", vi, &r,
                           "{s:s}", "description", "mine"),
                     201);
    ck_assert_int_eq(strncmp(jstr(r.json, "secret"), "user:", 5), 0);
    resp_free(&r);
    free(ed);
    free(vi);
}
END_TEST

START_TEST(deleted_user_token_is_401_at_once)
{
    long long id = make_user("gone", "Admin");
    char *tok = token_for(id);
    char path[64];

    ck_assert_int_eq(get("/api/admin/user-admin", tok), 200);
    snprintf(path, sizeof(path), "/api/admin/user-admin/%lld", id);
    ck_assert_int_eq(req(&s, "DELETE", path, ADMIN, NULL, NULL), 200);
    ck_assert_int_eq(get("/api/admin/projects", tok), 401);
    /* Still refused after a restart. */
    srv_stop(&s);
    srv_restart(&s, NULL);
    ck_assert_int_eq(get("/api/admin/projects", tok), 401);
    free(tok);
}
END_TEST

START_TEST(role_change_applies_at_once)
{
    long long id = make_user("dora", "Admin");
    char *tok = token_for(id);
    char path[64];
    struct resp r;

    ck_assert_int_eq(get("/api/admin/user-admin", tok), 200);
    snprintf(path, sizeof(path), "/api/admin/user-admin/%lld", id);
    ck_assert_int_eq(
        req_j(&s, "PUT", path, ADMIN, NULL, "{s:s}", "rootRole", "Viewer"),
        200);
    req(&s, "GET", "/api/admin/user-admin", tok, NULL, &r);
    assert_forbidden(&r, "Admin");
    ck_assert_int_eq(get("/api/admin/projects", tok), 200);
    ck_assert_int_eq(
        req_j(&s, "PUT", path, ADMIN, NULL, "{s:s}", "rootRole", "Editor"),
        200);
    ck_assert_int_eq(req_j(&s, "PUT", "/api/admin/context/userId", tok, NULL,
                           "{s:s}", "description", "x"),
                     200);
    free(tok);
}
END_TEST

START_TEST(personal_tokens_are_private)
{
    char *a = token_for(make_user("anna", "Viewer"));
    char *b = token_for(make_user("ben", "Admin"));
    struct resp r;
    char path[64], *secret;
    long long tid;

    ck_assert_int_eq(req_j(&s, "POST", "/api/admin/user/tokens", a, &r,
                           "{s:s, s:s}", "description", "laptop", "expiresAt",
                           "2099-01-01T00:00:00Z"),
                     201);
    tid = jint(r.json, "id");
    secret = strdup(jstr(r.json, "secret"));
    ck_assert_str_eq(jstr(r.json, "description"), "laptop");
    ck_assert_str_eq(jstr(r.json, "expiresAt"), "2099-01-01T00:00:00.000Z");
    resp_free(&r);

    /* Listed for its owner without secret, not for anyone else. */
    ck_assert_int_eq(req(&s, "GET", "/api/admin/user/tokens", a, NULL, &r),
                     200);
    ck_assert_uint_eq(json_array_size(jget(r.json, "pats")), 2);
    ck_assert_ptr_null(strstr(r.body, secret + 5));
    ck_assert_ptr_null(jget(r.json, "pats[0].secret"));
    ck_assert_ptr_nonnull(jstr(r.json, "pats[1].display"));
    resp_free(&r);
    req(&s, "GET", "/api/admin/user/tokens", b, NULL, &r);
    ck_assert_uint_eq(json_array_size(jget(r.json, "pats")), 1);
    resp_free(&r);

    /* Another user, even an Admin, cannot delete it here. */
    snprintf(path, sizeof(path), "/api/admin/user/tokens/%lld", tid);
    ck_assert_int_eq(req(&s, "DELETE", path, b, NULL, NULL), 404);
    ck_assert_int_eq(get("/api/admin/user", secret), 200);
    ck_assert_int_eq(req(&s, "DELETE", path, a, NULL, NULL), 200);
    ck_assert_int_eq(get("/api/admin/user", secret), 401);
    ck_assert_int_eq(req(&s, "DELETE", path, a, NULL, NULL), 404);
    ck_assert_int_eq(
        req(&s, "DELETE", "/api/admin/user/tokens/x", a, NULL, NULL), 404);

    req_j(&s, "POST", "/api/admin/user/tokens", a, &r, "{}");
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(jstr(r.json, "details[0].path"), "/body/description");
    resp_free(&r);
    req_j(&s, "POST", "/api/admin/user/tokens", a, &r, "{s:s, s:s}",
          "description", "d", "expiresAt", "next week");
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(jstr(r.json, "details[0].path"), "/body/expiresAt");
    resp_free(&r);
    free(secret);
    free(a);
    free(b);
}
END_TEST

START_TEST(expired_token_is_401)
{
    long long id = make_user("exp", "Admin");
    struct resp r;
    char path[64];

    snprintf(path, sizeof(path), "/api/admin/user-admin/%lld/tokens", id);
    ck_assert_int_eq(req_j(&s, "POST", path, ADMIN, &r, "{s:s}", "expiresAt",
                           "2001-01-01T00:00:00Z"),
                     201);
    ck_assert_int_eq(get("/api/admin/projects", jstr(r.json, "secret")), 401);
    ck_assert_int_eq(get("/api/admin/user", jstr(r.json, "secret")), 401);
    resp_free(&r);
}
END_TEST

START_TEST(secrets_never_shown_again)
{
    long long id = make_user("sam", "Editor");
    char *tok = token_for(id);
    struct resp r;
    char *client;

    ck_assert_int_eq(req_j(&s, "POST", "/api/admin/api-tokens", ADMIN, &r,
                           "{s:s, s:s, s:s}", "tokenName", "sdk", "type",
                           "client", "environment", "development"),
                     201);
    client = strdup(jstr(r.json, "secret"));
    resp_free(&r);

    req(&s, "GET", "/api/admin/api-tokens", ADMIN, NULL, &r);
    ck_assert_ptr_null(strstr(r.body, client));
    ck_assert_ptr_null(strstr(r.body, strchr(client, '.') + 1));
    ck_assert_ptr_null(strstr(r.body, "secret"));
    resp_free(&r);
    req(&s, "GET", "/api/admin/events?limit=1000", ADMIN, NULL, &r);
    ck_assert_int_ge(jint(r.json, "totalEvents"), 3);
    ck_assert_ptr_null(strstr(r.body, client));
    ck_assert_ptr_null(strstr(r.body, tok));
    ck_assert_ptr_null(strstr(r.body, tok + 5));
    ck_assert_ptr_null(strstr(r.body, "\"secret\""));
    resp_free(&r);

    /* Deleting by the whole secret keeps it out of the log too. */
    {
        char path[512];

        snprintf(path, sizeof(path), "/api/admin/api-tokens/%s", client);
        ck_assert_int_eq(req(&s, "DELETE", path, ADMIN, NULL, NULL), 200);
    }
    ck_assert_int_gt(srv_log_count(&s, "/api/admin/api-tokens"), 0);
    ck_assert_int_eq(srv_log_count(&s, strchr(client, '.') + 1), 0);
    ck_assert_int_eq(srv_log_count(&s, tok + 5), 0);
    ck_assert_int_eq(srv_log_count(&s, "test-admin-secret"), 0);
    free(client);
    free(tok);
}
END_TEST

START_TEST(service_accounts)
{
    struct resp r;
    char path[128], *secret;
    long long id, tid;

    req_j(&s, "POST", "/api/admin/service-account", ADMIN, &r, "{s:s}",
          "rootRole", "Editor");
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(jstr(r.json, "details[0].path"), "/body/username");
    resp_free(&r);
    ck_assert_int_eq(req_j(&s, "POST", "/api/admin/service-account", ADMIN, &r,
                           "{s:s, s:s, s:s}", "username", "ci", "name", "CI",
                           "rootRole", "Editor"),
                     201);
    id = jint(r.json, "id");
    ck_assert(json_is_true(jget(r.json, "isService")));
    resp_free(&r);

    /* Not a person: not among users, and 404 there. */
    ck_assert_uint_eq(user_count(), 1);
    snprintf(path, sizeof(path), "/api/admin/user-admin/%lld", id);
    ck_assert_int_eq(get(path, ADMIN), 404);
    req(&s, "GET", "/api/admin/service-account", ADMIN, NULL, &r);
    ck_assert_uint_eq(json_array_size(jget(r.json, "serviceAccounts")), 1);
    ck_assert_str_eq(jstr(r.json, "serviceAccounts[0].username"), "ci");
    resp_free(&r);

    snprintf(path, sizeof(path), "/api/admin/service-account/%lld/token", id);
    req_j(&s, "POST", path, ADMIN, &r, "{}");
    ck_assert_int_eq(r.status, 400);
    resp_free(&r);
    ck_assert_int_eq(
        req_j(&s, "POST", path, ADMIN, &r, "{s:s}", "description", "pipeline"),
        201);
    secret = strdup(jstr(r.json, "secret"));
    tid = jint(r.json, "id");
    resp_free(&r);
    ck_assert_int_eq(req(&s, "GET", "/api/admin/user", secret, NULL, &r), 200);
    ck_assert(json_is_true(jget(r.json, "user.isService")));
    resp_free(&r);
    ck_assert_int_eq(req_j(&s, "PUT", "/api/admin/context/userId", secret, NULL,
                           "{s:s}", "description", "by ci"),
                     200);
    req(&s, "GET", path, ADMIN, NULL, &r);
    ck_assert_uint_eq(json_array_size(jget(r.json, "tokens")), 1);
    ck_assert_str_eq(jstr(r.json, "tokens[0].description"), "pipeline");
    ck_assert_ptr_null(strstr(r.body, secret + 5));
    resp_free(&r);

    /* A token of another account is not reachable through this one. */
    ck_assert_int_eq(req(&s, "DELETE", "/api/admin/service-account/1/token/1",
                         ADMIN, NULL, NULL),
                     404);
    snprintf(path, sizeof(path), "/api/admin/service-account/%lld/token/%lld",
             id, tid);
    ck_assert_int_eq(req(&s, "DELETE", path, ADMIN, NULL, NULL), 200);
    ck_assert_int_eq(get("/api/admin/user", secret), 401);

    snprintf(path, sizeof(path), "/api/admin/service-account/%lld", id);
    ck_assert_int_eq(
        req_j(&s, "PUT", path, ADMIN, &r, "{s:s}", "rootRole", "Viewer"), 200);
    ck_assert_int_eq(jint(r.json, "rootRole"), 3);
    ck_assert_str_eq(jstr(r.json, "rootRoleName"), "Viewer");
    resp_free(&r);
    ck_assert_int_eq(req(&s, "DELETE", path, ADMIN, NULL, NULL), 200);
    ck_assert_int_eq(req(&s, "DELETE", path, ADMIN, NULL, NULL), 404);
    req(&s, "GET", "/api/admin/events?type=service-account-deleted", ADMIN,
        NULL, &r);
    ck_assert_int_eq(jint(r.json, "totalEvents"), 1);
    resp_free(&r);
    req(&s, "GET", "/api/admin/events?type=service-account-created", ADMIN,
        NULL, &r);
    ck_assert_int_eq(jint(r.json, "totalEvents"), 1);
    ck_assert_str_eq(jstr(r.json, "events[0].data.username"), "ci");
    resp_free(&r);
    req(&s, "GET", "/api/admin/events?type=service-account-updated", ADMIN,
        NULL, &r);
    ck_assert_int_eq(jint(r.json, "totalEvents"), 1);
    ck_assert_str_eq(jstr(r.json, "events[0].preData.rootRoleName"), "Editor");
    ck_assert_str_eq(jstr(r.json, "events[0].data.rootRoleName"), "Viewer");
    resp_free(&r);
    free(secret);
}
END_TEST

static Suite *users_suite(void)
{
    Suite *su = suite_create("users");
    TCase *tc = tcase_create("users");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, user_lifecycle);
    tcase_add_test(tc, user_input_is_validated);
    tcase_add_test(tc, unknown_users_are_404);
    tcase_add_test(tc, builtin_admin_cannot_be_deleted_or_demoted);
    tcase_add_test(tc, whoami_answers_for_personal_tokens);
    tcase_add_test(tc, role_matrix);
    tcase_add_test(tc, deleted_user_token_is_401_at_once);
    tcase_add_test(tc, role_change_applies_at_once);
    tcase_add_test(tc, personal_tokens_are_private);
    tcase_add_test(tc, expired_token_is_401);
    tcase_add_test(tc, secrets_never_shown_again);
    tcase_add_test(tc, service_accounts);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    SRunner *sr = srunner_create(users_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
