/*
 * Unit tests of server/auth/auth.c: token type and role names, secret
 * formats and their display form, hash stability, and the token cache
 * (lookup, the Bearer prefix, expiry, deleted users) over a store on a
 * temporary file.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "auth/auth.h"
#include "auth/issue.h"
#include "store/store.h"
#include "store/users.h"
#include "../testing.h"

START_TEST(type_and_role_names)
{
    ck_assert_int_eq(vx_token_type_parse("client"), VX_TOKEN_CLIENT);
    ck_assert_int_eq(vx_token_type_parse("backend"), VX_TOKEN_CLIENT);
    ck_assert_int_eq(vx_token_type_parse("FRONTEND"), VX_TOKEN_FRONTEND);
    ck_assert_int_eq(vx_token_type_parse("admin"), VX_TOKEN_ADMIN);
    ck_assert_int_eq(vx_token_type_parse("personal"), VX_TOKEN_PERSONAL);
    ck_assert_int_eq(vx_token_type_parse("root"), 0);
    ck_assert_int_eq(vx_token_type_parse(NULL), 0);
    ck_assert_str_eq(vx_token_type_name(VX_TOKEN_FRONTEND), "frontend");
    ck_assert_ptr_null(vx_token_type_name(0));

    ck_assert_int_eq(vx_role_parse("admin"), VX_ROLE_ADMIN);
    ck_assert_int_eq(vx_role_parse("Editor"), VX_ROLE_EDITOR);
    ck_assert_int_eq(vx_role_parse("VIEWER"), VX_ROLE_VIEWER);
    ck_assert_int_eq(vx_role_parse("Owner"), VX_ROLE_NONE);
    ck_assert_int_eq(vx_role_parse(NULL), VX_ROLE_NONE);
    ck_assert_str_eq(vx_role_name(VX_ROLE_EDITOR), "Editor");
    ck_assert(VX_ROLE_VIEWER < VX_ROLE_EDITOR);
    ck_assert(VX_ROLE_EDITOR < VX_ROLE_ADMIN);
}
END_TEST

START_TEST(new_secrets_have_the_wire_format)
{
    json_t *one = json_pack("[s]", "shop"), *two = json_pack("[s,s]", "a", "b");
    char a[300], b[300];

    vx_token_secret_new(VX_TOKEN_ADMIN, NULL, NULL, a, sizeof(a));
    ck_assert_int_eq(strncmp(a, "*:*.", 4), 0);
    ck_assert_uint_eq(strlen(a), 4 + 64);
    vx_token_secret_new(VX_TOKEN_PERSONAL, NULL, NULL, a, sizeof(a));
    ck_assert_int_eq(strncmp(a, "user:", 5), 0);
    vx_token_secret_new(VX_TOKEN_CLIENT, "production", one, a, sizeof(a));
    ck_assert_int_eq(strncmp(a, "shop:production.", 16), 0);
    vx_token_secret_new(VX_TOKEN_FRONTEND, "dev", two, a, sizeof(a));
    ck_assert_int_eq(strncmp(a, "[]:dev.", 7), 0);
    vx_token_secret_new(VX_TOKEN_CLIENT, "dev", NULL, b, sizeof(b));
    ck_assert_int_eq(strncmp(b, "*:dev.", 6), 0);
    /* Random parts differ. */
    vx_token_secret_new(VX_TOKEN_CLIENT, "dev", NULL, a, sizeof(a));
    ck_assert_str_ne(a, b);
    json_decref(one);
    json_decref(two);
}
END_TEST

START_TEST(given_secrets_are_parsed)
{
    char *p = NULL, *e = NULL;
    struct vx_err err = {0};

    ck_assert_int_eq(vx_token_secret_parse(VX_TOKEN_CLIENT,
                                           "shop:prod.0123456789abcdef", &p, &e,
                                           &err),
                     VX_OK);
    ck_assert_str_eq(p, "shop");
    ck_assert_str_eq(e, "prod");
    free(p);
    free(e);
    ck_assert_int_eq(
        vx_token_secret_parse(VX_TOKEN_CLIENT, "shop:prod.short", &p, &e, &err),
        VX_EINVAL);
    ck_assert_int_eq(vx_token_secret_parse(VX_TOKEN_CLIENT,
                                           "no-colon.0123456789abcdef", &p, &e,
                                           &err),
                     VX_EINVAL);
    ck_assert_int_eq(vx_token_secret_parse(VX_TOKEN_ADMIN,
                                           "shop:*.0123456789abcdef", &p, &e,
                                           &err),
                     VX_EINVAL);
    ck_assert_ptr_null(p);
    ck_assert_ptr_null(e);
    ck_assert_int_eq(vx_token_secret_parse(
                         VX_TOKEN_ADMIN, "*:*.0123456789abcdef", &p, &e, &err),
                     VX_OK);
    free(p);
    free(e);
    ck_assert_int_eq(vx_token_secret_parse(VX_TOKEN_PERSONAL,
                                           "user:0123456789abcdef", &p, &e,
                                           &err),
                     VX_OK);
    ck_assert_int_eq(vx_token_secret_parse(VX_TOKEN_PERSONAL,
                                           "*:*.0123456789abcdef", &p, &e,
                                           &err),
                     VX_EINVAL);
}
END_TEST

START_TEST(display_keeps_only_a_prefix)
{
    char out[160];

    vx_token_display("shop:prod.abcdef0123456789", out, sizeof(out));
    ck_assert_str_eq(out, "shop:prod.abcdef...");
    vx_token_display("user:abcdef0123456789", out, sizeof(out));
    ck_assert_str_eq(out, "user:abcdef...");
    vx_token_display("*:*.ab", out, sizeof(out));
    ck_assert_str_eq(out, "*:*.ab...");
}
END_TEST

START_TEST(hash_is_stable_blake2b)
{
    unsigned char h[VX_HASH_LEN], h2[VX_HASH_LEN];
    char hex[2 * VX_HASH_LEN + 1];

    vx_token_hash("*:*.abc", h);
    sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
    ck_assert_str_eq(hex, "466ac29aef8bf3766860bad8358124da"
                          "9666fd0fc94b032f6d6714f8bfa9dd6e");
    vx_token_hash("*:*.abd", h2);
    ck_assert(memcmp(h, h2, sizeof(h)) != 0);
}
END_TEST

/* A store on a new temporary file, and its path in dir. */
static struct vx_store *open_temp(char *dir, size_t len)
{
    struct vx_store *st = NULL;
    struct vx_err err = {0};
    char path[300];

    test_tempdir(dir, len, "vexil-unit-");
    snprintf(path, sizeof(path), "%s/vexil.db", dir);
    ck_assert_msg(vx_store_open(path, &st, &err) == VX_OK, "%s", err.msg);
    return st;
}

/* Remove the temporary folder of open_temp(). */
static void remove_temp(const char *dir)
{
    char path[300];

    snprintf(path, sizeof(path), "%s/vexil.db", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/vexil.db-wal", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/vexil.db-shm", dir);
    unlink(path);
    rmdir(dir);
}

/* Issue a token in its own transaction; the secret goes to out. */
static void issue(struct vx_store *st, struct vx_token_request *r, char *out)
{
    struct vx_actor who = {1, "test"};
    struct vx_err err = {0};
    int rc = vx_store_begin(st, &err);

    ck_assert_int_eq(rc, VX_OK);
    rc = vx_token_issue(st, &who, r, out, 300, NULL, &err);
    ck_assert_msg(vx_store_finish(st, rc, &err) == VX_OK, "%s", err.msg);
}

START_TEST(cache_lookup_honours_bearer_expiry_and_users)
{
    struct vx_auth *auth = vx_auth_new();
    struct vx_principal who;
    struct vx_token_request r = {0};
    struct vx_user_row u = {"eve", NULL, "Eve", "Editor", 0};
    struct vx_err err = {0};
    char dir[64], admin[300], client[300], old[300], eve[300], bearer[320];
    struct vx_store *st = open_temp(dir, sizeof(dir));
    int64_t eve_id = 0;

    r.type = VX_TOKEN_ADMIN;
    r.name = "a";
    r.user_id = 1;
    issue(st, &r, admin);
    r.type = VX_TOKEN_CLIENT;
    r.environment = "development";
    issue(st, &r, client);
    r.type = VX_TOKEN_ADMIN;
    r.expires_at = "2001-01-01T00:00:00.000Z";
    issue(st, &r, old);
    ck_assert_int_eq(vx_store_begin(st, &err), VX_OK);
    ck_assert_int_eq(vx_store_user_insert(st, &u, &eve_id, &err), VX_OK);
    ck_assert_int_eq(vx_store_finish(st, VX_OK, &err), VX_OK);
    r.type = VX_TOKEN_PERSONAL;
    r.expires_at = "2999-01-01T00:00:00.000Z";
    r.user_id = eve_id;
    issue(st, &r, eve);

    /* Nothing is known before the first reload. */
    ck_assert_int_eq(vx_auth_lookup(auth, admin, &who), VX_EUNAUTH);
    ck_assert_int_eq(vx_auth_reload(auth, st, &err), VX_OK);

    ck_assert_int_eq(vx_auth_lookup(auth, admin, &who), VX_OK);
    ck_assert_int_eq(who.type, VX_TOKEN_ADMIN);
    ck_assert_int_eq(who.role, VX_ROLE_ADMIN);
    ck_assert_str_eq(who.user, "admin");
    vx_principal_release(&who);
    snprintf(bearer, sizeof(bearer), "Bearer %s", admin);
    ck_assert_int_eq(vx_auth_lookup(auth, bearer, &who), VX_OK);
    vx_principal_release(&who);

    ck_assert_int_eq(vx_auth_lookup(auth, client, &who), VX_OK);
    ck_assert_int_eq(who.type, VX_TOKEN_CLIENT);
    ck_assert_str_eq(who.environment, "development");
    ck_assert(vx_principal_has_project(&who, "any"));
    vx_principal_release(&who);

    ck_assert_int_eq(vx_auth_lookup(auth, old, &who), VX_EUNAUTH);
    ck_assert_int_eq(vx_auth_lookup(auth, NULL, &who), VX_EUNAUTH);
    ck_assert_int_eq(vx_auth_lookup(auth, "*:*.nothing", &who), VX_EUNAUTH);

    ck_assert_int_eq(vx_auth_lookup(auth, eve, &who), VX_OK);
    ck_assert_int_eq(who.type, VX_TOKEN_PERSONAL);
    ck_assert_int_eq(who.role, VX_ROLE_EDITOR);
    ck_assert_int_eq(who.user_id, eve_id);
    ck_assert_str_eq(who.user, "eve");
    vx_principal_release(&who);

    /* A deleted user's tokens are gone after the reload. */
    ck_assert_int_eq(vx_store_begin(st, &err), VX_OK);
    ck_assert_int_eq(vx_store_user_delete(st, eve_id, NULL, &err), VX_OK);
    ck_assert_int_eq(vx_store_finish(st, VX_OK, &err), VX_OK);
    ck_assert_int_eq(vx_auth_reload(auth, st, &err), VX_OK);
    ck_assert_int_eq(vx_auth_lookup(auth, eve, &who), VX_EUNAUTH);
    ck_assert_int_eq(vx_auth_lookup(auth, admin, &who), VX_OK);
    vx_principal_release(&who);

    vx_auth_free(auth);
    vx_store_close(st);
    remove_temp(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("auth");
    TCase *tc = tcase_create("auth");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, type_and_role_names);
    tcase_add_test(tc, new_secrets_have_the_wire_format);
    tcase_add_test(tc, given_secrets_are_parsed);
    tcase_add_test(tc, display_keeps_only_a_prefix);
    tcase_add_test(tc, hash_is_stable_blake2b);
    tcase_add_test(tc, cache_lookup_honours_bearer_expiry_and_users);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
