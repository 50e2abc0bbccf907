/*
 * JSON Patch as the admin PATCH endpoints apply it.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "jsonpatch.h"

/* Patch doc_text with patch_text; return the result as compact text. */
static char *patched(const char *doc_text, const char *patch_text, int *rc)
{
    json_t *doc = json_loads(doc_text, 0, NULL);
    json_t *patch = json_loads(patch_text, 0, NULL);
    json_t *out = NULL;
    struct vx_err err = {0};
    char *text = NULL;

    *rc = vx_json_patch(doc, patch, &out, &err);
    if (out)
        text = json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(doc);
    json_decref(patch);
    json_decref(out);
    return text;
}

START_TEST(replace_add_remove)
{
    int rc;
    char *t = patched("{\"a\":1,\"b\":[1,2],\"c\":{\"d\":\"x\"}}",
                      "[{\"op\":\"replace\",\"path\":\"/a\",\"value\":2},"
                      "{\"op\":\"add\",\"path\":\"/b/-\",\"value\":3},"
                      "{\"op\":\"add\",\"path\":\"/b/0\",\"value\":0},"
                      "{\"op\":\"remove\",\"path\":\"/c/d\"}]",
                      &rc);

    ck_assert_int_eq(rc, 0);
    ck_assert_str_eq(t, "{\"a\":2,\"b\":[0,1,2,3],\"c\":{}}");
    free(t);
}
END_TEST

START_TEST(move_copy_test_and_escapes)
{
    int rc;
    char *t = patched("{\"a/b\":1,\"m~n\":2}",
                      "[{\"op\":\"test\",\"path\":\"/a~1b\",\"value\":1},"
                      "{\"op\":\"copy\",\"from\":\"/a~1b\",\"path\":\"/c\"},"
                      "{\"op\":\"move\",\"from\":\"/m~0n\",\"path\":\"/d\"}]",
                      &rc);

    ck_assert_int_eq(rc, 0);
    ck_assert_str_eq(t, "{\"a/b\":1,\"c\":1,\"d\":2}");
    free(t);
}
END_TEST

START_TEST(failure_leaves_nothing_half_done)
{
    int rc;
    char *t = patched("{\"a\":1}",
                      "[{\"op\":\"replace\",\"path\":\"/a\",\"value\":5},"
                      "{\"op\":\"remove\",\"path\":\"/missing\"}]",
                      &rc);

    ck_assert_int_eq(rc, VX_EINVAL);
    ck_assert_ptr_null(t);
    t = patched("{\"a\":1}", "{\"op\":\"add\"}", &rc);
    ck_assert_int_eq(rc, VX_EINVAL);
    t = patched("{\"a\":[1]}",
                "[{\"op\":\"replace\",\"path\":\"/a/5\",\"value\":1}]", &rc);
    ck_assert_int_eq(rc, VX_EINVAL);
    t = patched("{\"a\":1}", "[{\"op\":\"test\",\"path\":\"/a\",\"value\":2}]",
                &rc);
    ck_assert_int_eq(rc, VX_EINVAL);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("jsonpatch");
    TCase *tc = tcase_create("ops");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, replace_add_remove);
    tcase_add_test(tc, move_copy_test_and_escapes);
    tcase_add_test(tc, failure_leaves_nothing_half_done);
    suite_add_tcase(su, tc);
    sr = srunner_create(su);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
