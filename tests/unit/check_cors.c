/*
 * Which paths get CORS headers and which origins the frontend-origins
 * setting lets in.
 */
#include <check.h>
#include <stdlib.h>

#include "http/cors.h"

START_TEST(only_frontend_paths)
{
    ck_assert(vx_cors_path("/api/frontend"));
    ck_assert(vx_cors_path("/api/frontend/"));
    ck_assert(vx_cors_path("/api/frontend/client/metrics"));
    ck_assert(!vx_cors_path("/api/frontendx"));
    ck_assert(!vx_cors_path("/api/client/features"));
    ck_assert(!vx_cors_path("/api/admin/projects"));
    ck_assert(!vx_cors_path("/"));
    ck_assert(!vx_cors_path(NULL));
}
END_TEST

START_TEST(star_allows_every_origin)
{
    ck_assert(vx_cors_origin_allowed("*", "https://a.example"));
    ck_assert(vx_cors_origin_allowed(" * ", "http://localhost:3000"));
    ck_assert(vx_cors_origin_allowed("https://a.example, *", "null"));
    ck_assert(!vx_cors_origin_allowed("*", NULL));
    ck_assert(!vx_cors_origin_allowed("*", ""));
}
END_TEST

START_TEST(list_allows_exactly_its_origins)
{
    const char *list = "https://a.example , https://b.example/,"
                       "http://localhost:3000";

    ck_assert(vx_cors_origin_allowed(list, "https://a.example"));
    ck_assert(vx_cors_origin_allowed(list, "https://b.example"));
    ck_assert(vx_cors_origin_allowed(list, "HTTPS://A.EXAMPLE"));
    ck_assert(vx_cors_origin_allowed(list, "http://localhost:3000"));
    ck_assert(!vx_cors_origin_allowed(list, "http://a.example"));
    ck_assert(!vx_cors_origin_allowed(list, "https://a.example.evil"));
    ck_assert(!vx_cors_origin_allowed(list, "https://a.exampl"));
    ck_assert(!vx_cors_origin_allowed(list, "http://localhost:30000"));
    ck_assert(!vx_cors_origin_allowed(list, "*"));
}
END_TEST

START_TEST(empty_setting_allows_none)
{
    ck_assert(!vx_cors_origin_allowed("", "https://a.example"));
    ck_assert(!vx_cors_origin_allowed(" , ", "https://a.example"));
    ck_assert(!vx_cors_origin_allowed(NULL, "https://a.example"));
}
END_TEST

static Suite *cors_suite(void)
{
    Suite *su = suite_create("cors");
    TCase *tc = tcase_create("origins");

    tcase_add_test(tc, only_frontend_paths);
    tcase_add_test(tc, star_allows_every_origin);
    tcase_add_test(tc, list_allows_exactly_its_origins);
    tcase_add_test(tc, empty_setting_allows_none);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    SRunner *sr = srunner_create(cors_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
