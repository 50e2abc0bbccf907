/*
 * Building flag sets from client API JSON: what is kept, what is
 * pre-computed, what is refused, and the lookups.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include "model/model.h"

/* Build a flag set from JSON text; fails the test if it does not build. */
static struct vx_flagset *build(const char *text)
{
    json_error_t jerr;
    json_t *root = json_loads(text, 0, &jerr);
    struct vx_flagset *fs = NULL;
    struct vx_err err = {0};
    int rc;

    ck_assert_msg(root != NULL, "bad test JSON: %s", jerr.text);
    rc = vx_flagset_from_json(root, &fs, &err);
    json_decref(root);
    ck_assert_msg(rc == 0, "does not build: %s at %s", err.msg, err.path);
    return fs;
}

/* Try to build; return the error code and fill err. */
static int build_err(const char *text, struct vx_err *err)
{
    json_t *root = json_loads(text, 0, NULL);
    struct vx_flagset *fs = (struct vx_flagset *)1;
    int rc;

    ck_assert_ptr_nonnull(root);
    rc = vx_flagset_from_json(root, &fs, err);
    json_decref(root);
    ck_assert_ptr_null(fs);
    return rc;
}

START_TEST(feature_fields)
{
    struct vx_flagset *fs = build(
        "{\"version\":2,\"features\":[{\"name\":\"f1\",\"type\":\"release\","
        "\"project\":\"web\",\"enabled\":true,\"stale\":true,"
        "\"impressionData\":true,\"strategies\":[],\"variants\":[]},"
        "{\"name\":\"f2\",\"enabled\":false}]}");
    const struct vx_feature *f = vx_flagset_feature(fs, "f1");

    ck_assert_uint_eq(fs->n_features, 2);
    ck_assert_ptr_nonnull(f);
    ck_assert_str_eq(f->type, "release");
    ck_assert_str_eq(f->project, "web");
    ck_assert(f->enabled && f->stale && f->impression_data);
    f = vx_flagset_feature(fs, "f2");
    ck_assert(!f->enabled && !f->stale && !f->impression_data);
    ck_assert_ptr_null(f->type);
    ck_assert_uint_eq(f->n_strategies, 0);
    ck_assert_ptr_null(vx_flagset_feature(fs, "f3"));
    ck_assert_ptr_null(vx_flagset_feature(fs, ""));
    vx_flagset_free(fs);
}
END_TEST

START_TEST(lookup_many_and_duplicates)
{
    json_t *root = json_pack("{s:[]}", "features");
    json_t *features = json_object_get(root, "features");
    struct vx_flagset *fs;
    char name[32];

    for (int i = 0; i < 200; i++) {
        snprintf(name, sizeof(name), "flag-%03d", (i * 37) % 200);
        json_array_append_new(
            features, json_pack("{s:s,s:b}", "name", name, "enabled", i % 2));
    }
    json_array_append_new(features,
                          json_pack("{s:s,s:b,s:s}", "name", "flag-007",
                                    "enabled", 1, "type", "later"));
    ck_assert_int_eq(vx_flagset_from_json(root, &fs, NULL), 0);
    for (int i = 0; i < 200; i++) {
        snprintf(name, sizeof(name), "flag-%03d", i);
        ck_assert_ptr_nonnull(vx_flagset_feature(fs, name));
        ck_assert_str_eq(vx_flagset_feature(fs, name)->name, name);
    }
    /* The later of two features with one name wins, as in the SDKs. */
    ck_assert_str_eq(vx_flagset_feature(fs, "flag-007")->type, "later");
    vx_flagset_free(fs);
    json_decref(root);
}
END_TEST

START_TEST(parameters_become_strings)
{
    struct vx_flagset *fs =
        build("{\"features\":[{\"name\":\"f\",\"enabled\":true,\"strategies\":"
              "[{\"name\":\"flexibleRollout\",\"parameters\":{\"rollout\":50,"
              "\"groupId\":\"g\",\"stickiness\":\"userId\",\"ratio\":0.25,"
              "\"big\":1e21,\"flag\":true,\"none\":null}}]}]}");
    const struct vx_strategy *s = &vx_flagset_feature(fs, "f")->strategies[0];

    ck_assert_int_eq(s->kind, VX_STRATEGY_FLEXIBLE_ROLLOUT);
    ck_assert_str_eq(vx_strategy_param(s, "rollout"), "50");
    ck_assert_str_eq(vx_strategy_param(s, "ratio"), "0.25");
    ck_assert_str_eq(vx_strategy_param(s, "big"), "1e+21");
    ck_assert_str_eq(vx_strategy_param(s, "flag"), "true");
    ck_assert_ptr_null(vx_strategy_param(s, "none"));
    ck_assert(s->percent_ok);
    ck_assert(s->percent == 50);
    ck_assert_str_eq(s->group_id, "g");
    ck_assert_str_eq(s->stickiness, "userId");
    vx_flagset_free(fs);
}
END_TEST

START_TEST(strategy_kinds_and_lists)
{
    struct vx_flagset *fs =
        build("{\"features\":[{\"name\":\"f\",\"enabled\":true,\"strategies\":["
              "{\"name\":\"userWithId\",\"parameters\":{\"userIds\":"
              "\"a, b ,c\"}},"
              "{\"name\":\"remoteAddress\",\"parameters\":{\"IPs\":"
              "\"10.0.0.0/8, 2001:db8::1,bad\"}},"
              "{\"name\":\"applicationHostname\",\"parameters\":{\"hostNames\":"
              "\"Web-1,WEB-2\"}},"
              "{\"name\":\"gradualRolloutRandom\",\"parameters\":"
              "{\"percentage\":\"30\"}},"
              "{\"name\":\"myCustom\"}]}]}");
    const struct vx_feature *f = vx_flagset_feature(fs, "f");
    const struct vx_strategy *s = f->strategies;

    ck_assert_int_eq(s[0].kind, VX_STRATEGY_USER_WITH_ID);
    ck_assert_uint_eq(s[0].n_list, 3);
    ck_assert_str_eq(s[0].list[0], "a");
    ck_assert_str_eq(s[0].list[1], "b");
    ck_assert_str_eq(s[0].list[2], "c");
    ck_assert_int_eq(s[1].kind, VX_STRATEGY_REMOTE_ADDRESS);
    ck_assert_int_eq(s[1].ranges[0].family, 4);
    ck_assert_int_eq(s[1].ranges[0].prefix, 8);
    ck_assert_int_eq(s[1].ranges[1].family, 0); /* IPv4 only */
    ck_assert_int_eq(s[1].ranges[2].family, 0);
    ck_assert_str_eq(s[2].list[0], "web-1");
    ck_assert_str_eq(s[2].list[1], "web-2");
    ck_assert_int_eq(s[3].kind, VX_STRATEGY_GRADUAL_RANDOM);
    ck_assert(s[3].percent_ok && s[3].percent == 30);
    ck_assert_int_eq(s[4].kind, VX_STRATEGY_UNKNOWN);
    ck_assert_str_eq(s[4].name, "myCustom");
    vx_flagset_free(fs);
}
END_TEST

START_TEST(constraints_precompiled)
{
    struct vx_flagset *fs = build(
        "{\"features\":[{\"name\":\"f\",\"enabled\":true,\"strategies\":"
        "[{\"name\":\"default\",\"constraints\":["
        "{\"contextName\":\"a\",\"operator\":\"IN\",\"values\":"
        "[\" x \",\"\",\"y\",5]},"
        "{\"contextName\":\"a\",\"operator\":\"NUM_GT\",\"value\":\"4.5\"},"
        "{\"contextName\":\"a\",\"operator\":\"NUM_LT\",\"value\":7},"
        "{\"contextName\":\"a\",\"operator\":\"DATE_AFTER\",\"value\":"
        "\"2024-01-01T00:00:00.000Z\"},"
        "{\"contextName\":\"a\",\"operator\":\"SEMVER_GT\",\"value\":"
        "\"1.2.3-rc.1\",\"inverted\":true},"
        "{\"contextName\":\"a\",\"operator\":\"STR_CONTAINS\",\"values\":"
        "[\"AbC\"],\"caseInsensitive\":true},"
        "{\"contextName\":\"a\",\"operator\":\"REGEX\",\"value\":\"^a\\\\d\"},"
        "{\"contextName\":\"a\",\"operator\":\"IN_CIDR\",\"values\":"
        "[\"10.1.0.0/16\"]},"
        "{\"contextName\":\"a\",\"operator\":\"FANCY\"}]}]}]}");
    const struct vx_constraint *c =
        vx_flagset_feature(fs, "f")->strategies[0].constraints;

    ck_assert_int_eq(c[0].op, VX_OP_IN);
    ck_assert_uint_eq(c[0].n_values, 4);
    ck_assert_str_eq(c[0].values[3], "5");
    ck_assert_uint_eq(c[0].n_clean, 3);
    ck_assert_str_eq(c[0].clean[0], "x");
    ck_assert_str_eq(c[0].clean[1], "y");
    ck_assert(c[1].num_ok && c[1].num == 4.5);
    ck_assert(c[2].num_ok && c[2].num == 7);
    ck_assert(c[3].date_ok && c[3].date_ms == 1704067200000LL);
    ck_assert(c[4].semver_ok && c[4].inverted);
    ck_assert_uint_eq(c[4].semver.patch, 3);
    ck_assert_str_eq(c[4].semver.pre, "rc.1");
    ck_assert_str_eq(c[5].clean[0], "abc");
    ck_assert(c[5].case_insensitive);
    ck_assert_ptr_nonnull(c[6].regex);
    ck_assert_int_eq(c[7].ranges[0].prefix, 16);
    ck_assert_int_eq(c[8].op, VX_OP_UNKNOWN);
    ck_assert_str_eq(c[8].operator_name, "FANCY");
    ck_assert_uint_eq(c[8].n_values, 0);
    vx_flagset_free(fs);
}
END_TEST

START_TEST(variants_and_payloads)
{
    struct vx_flagset *fs =
        build("{\"features\":[{\"name\":\"f\",\"enabled\":true,\"variants\":["
              "{\"name\":\"a\",\"weight\":600,\"weightType\":\"variable\","
              "\"stickiness\":\"custom\",\"payload\":{\"type\":\"json\","
              "\"value\":\"{\\\"k\\\":1}\"},\"overrides\":[{\"contextName\":"
              "\"userId\",\"values\":[\"u1\",\"u2\"]}]},"
              "{\"name\":\"b\",\"weight\":400,\"payload\":{\"type\":\"number\","
              "\"value\":42}},{\"name\":\"c\",\"weight\":0}]}]}");
    const struct vx_feature *f = vx_flagset_feature(fs, "f");

    ck_assert_uint_eq(f->n_variants, 3);
    ck_assert(f->variants[0].weight == 600);
    ck_assert_str_eq(f->variants[0].weight_type, "variable");
    ck_assert_str_eq(f->variants[0].stickiness, "custom");
    ck_assert_str_eq(f->variants[0].payload_type, "json");
    ck_assert_str_eq(f->variants[0].payload_value, "{\"k\":1}");
    ck_assert_uint_eq(f->variants[0].n_overrides, 1);
    ck_assert_str_eq(f->variants[0].overrides[0].context_name, "userId");
    ck_assert_str_eq(f->variants[0].overrides[0].values[1], "u2");
    ck_assert_str_eq(f->variants[1].payload_value, "42");
    ck_assert_ptr_null(f->variants[2].payload_type);
    ck_assert_ptr_null(f->variants[2].stickiness);
    vx_flagset_free(fs);
}
END_TEST

START_TEST(segments_and_dependencies_resolve)
{
    struct vx_flagset *fs = build(
        "{\"features\":[{\"name\":\"child\",\"enabled\":true,"
        "\"strategies\":[{\"name\":\"default\",\"segments\":[7,8]}],"
        "\"dependencies\":[{\"feature\":\"parent\"},{\"feature\":\"gone\","
        "\"enabled\":false},{\"feature\":\"parent\",\"variants\":"
        "[\"v1\"]}]},{\"name\":\"parent\",\"enabled\":true}],"
        "\"segments\":[{\"id\":8,\"name\":\"s8\",\"constraints\":["
        "{\"contextName\":\"x\",\"operator\":\"IN\",\"values\":[\"1\"]}]},"
        "{\"id\":3,\"constraints\":[]}]}");
    const struct vx_feature *child = vx_flagset_feature(fs, "child");
    const struct vx_strategy *s = &child->strategies[0];

    ck_assert_uint_eq(s->n_segments, 2);
    ck_assert_ptr_null(s->segments[0]);
    ck_assert_ptr_eq(s->segments[1], vx_flagset_segment(fs, 8));
    ck_assert_str_eq(vx_flagset_segment(fs, 8)->name, "s8");
    ck_assert_uint_eq(vx_flagset_segment(fs, 8)->n_constraints, 1);
    ck_assert_ptr_nonnull(vx_flagset_segment(fs, 3));
    ck_assert_ptr_null(vx_flagset_segment(fs, 4));

    ck_assert_uint_eq(child->n_dependencies, 3);
    ck_assert(child->dependencies[0].enabled);
    ck_assert_ptr_eq(child->dependencies[0].parent,
                     vx_flagset_feature(fs, "parent"));
    ck_assert(!child->dependencies[1].enabled);
    ck_assert_ptr_null(child->dependencies[1].parent);
    ck_assert_uint_eq(child->dependencies[2].n_variants, 1);
    ck_assert_str_eq(child->dependencies[2].variants[0], "v1");
    vx_flagset_free(fs);
}
END_TEST

START_TEST(malformed_documents_refused)
{
    struct vx_err err = {0};

    ck_assert_int_eq(build_err("[]", &err), VX_EINVAL);
    ck_assert_int_eq(build_err("{\"features\":{}}", &err), VX_EINVAL);
    ck_assert_int_eq(build_err("{\"features\":[{\"enabled\":true}]}", &err),
                     VX_EINVAL);
    ck_assert_str_eq(err.path, "/features/0");
    ck_assert_int_eq(
        build_err("{\"features\":[{\"name\":\"a\"},{\"name\":\"b\","
                  "\"strategies\":[{\"name\":\"default\"},"
                  "{\"name\":\"default\",\"constraints\":[{\"operator\":"
                  "\"IN\"}]}]}]}",
                  &err),
        VX_EINVAL);
    ck_assert_str_eq(err.path, "/features/1/strategies/1/constraints/0");
    ck_assert_ptr_nonnull(strstr(err.msg, "contextName"));
    ck_assert_int_eq(
        build_err("{\"features\":[{\"name\":\"a\",\"strategies\":3}]}", &err),
        VX_EINVAL);
    ck_assert_int_eq(
        build_err("{\"features\":[],\"segments\":[{\"id\":\"x\"}]}", &err),
        VX_EINVAL);
    ck_assert_str_eq(err.path, "/segments/0");
    ck_assert_int_eq(
        build_err("{\"features\":[{\"name\":\"a\",\"strategies\":[{\"name\":"
                  "\"default\",\"segments\":[\"1\"]}]}]}",
                  &err),
        VX_EINVAL);
}
END_TEST

START_TEST(empty_document_builds)
{
    struct vx_flagset *fs = build("{}");

    ck_assert_uint_eq(fs->n_features, 0);
    ck_assert_ptr_null(vx_flagset_feature(fs, "x"));
    ck_assert_ptr_null(vx_flagset_segment(fs, 1));
    vx_flagset_free(fs);
    vx_flagset_free(NULL);
}
END_TEST

START_TEST(scalar_strings)
{
    json_t *v;
    char *s;

    v = json_real(0.1 + 0.2);
    s = vx_json_scalar_str(v);
    ck_assert_str_eq(s, "0.30000000000000004");
    free(s);
    json_decref(v);
    v = json_real(1e-7);
    s = vx_json_scalar_str(v);
    ck_assert_str_eq(s, "1e-7");
    free(s);
    json_decref(v);
    v = json_integer(-12);
    s = vx_json_scalar_str(v);
    ck_assert_str_eq(s, "-12");
    free(s);
    json_decref(v);
    v = json_object();
    ck_assert_ptr_null(vx_json_scalar_str(v));
    json_decref(v);
    ck_assert_ptr_null(vx_json_scalar_str(json_null()));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("model");
    TCase *tc = tcase_create("flagset");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, feature_fields);
    tcase_add_test(tc, lookup_many_and_duplicates);
    tcase_add_test(tc, parameters_become_strings);
    tcase_add_test(tc, strategy_kinds_and_lists);
    tcase_add_test(tc, constraints_precompiled);
    tcase_add_test(tc, variants_and_payloads);
    tcase_add_test(tc, segments_and_dependencies_resolve);
    tcase_add_test(tc, malformed_documents_refused);
    tcase_add_test(tc, empty_document_builds);
    tcase_add_test(tc, scalar_strings);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
