/*
 * The Unleash client specification, run through Vexil's evaluation
 * engine: every `tests[]` case (is the toggle on) and `variantTests[]`
 * case (which variant) of every file listed in specifications/index.json
 * of the npm package @unleash/client-specification, installed under
 * tests/compat/node_modules by `make unit` (VX_SPEC_DIR overrides where).
 *
 * One Check test per specification file; it prints every failing case
 * with its file and description, then fails if there was any.
 *
 * Files 19 and 20 give their state as delta API events rather than a
 * client API document; fold_events() below replays them into one, since
 * the delta API is a transport and Vexil evaluates the folded state.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include "eval/eval.h"
#include "model/model.h"

#define DEFAULT_SPEC_DIR                                                       \
    "tests/compat/node_modules/@unleash/client-specification/specifications"

static json_t *spec_index;

/* The directory holding index.json. */
static const char *spec_dir(void)
{
    const char *dir = getenv("VX_SPEC_DIR");

    return dir && *dir ? dir : DEFAULT_SPEC_DIR;
}

/* Load dir/name as JSON, or NULL with a message. */
static json_t *load_json(const char *name)
{
    char path[512];
    json_error_t error;
    json_t *root;

    snprintf(path, sizeof(path), "%s/%s", spec_dir(), name);
    root = json_load_file(path, 0, &error);
    if (!root)
        fprintf(stderr, "%s: %s (line %d)\n", path, error.text, error.line);
    return root;
}

/* Remove the member of array arr whose key equals value. */
static void remove_by(json_t *arr, const char *key, json_t *value)
{
    for (size_t i = 0; i < json_array_size(arr); i++) {
        if (json_equal(json_object_get(json_array_get(arr, i), key), value)) {
            json_array_remove(arr, i);
            return;
        }
    }
}

/* Replace the member of arr with the same key as item, or append it. */
static void upsert_by(json_t *arr, const char *key, json_t *item)
{
    remove_by(arr, key, json_object_get(item, key));
    json_array_append(arr, item);
}

/*
 * Replay delta API events (hydration, feature-updated, feature-removed,
 * segment-updated, segment-removed) into a client API document. Returns
 * a new reference.
 */
static json_t *fold_events(json_t *events)
{
    json_t *doc =
        json_pack("{s:i, s:[], s:[]}", "version", 2, "features", "segments");
    json_t *features = json_object_get(doc, "features");
    json_t *segments = json_object_get(doc, "segments");
    json_t *e;
    size_t i;

    json_array_foreach (events, i, e) {
        const char *type = json_string_value(json_object_get(e, "type"));

        if (!type)
            continue;
        if (!strcmp(type, "hydration")) {
            json_array_clear(features);
            json_array_clear(segments);
            json_array_extend(features, json_object_get(e, "features"));
            json_array_extend(segments, json_object_get(e, "segments"));
        } else if (!strcmp(type, "feature-updated")) {
            upsert_by(features, "name", json_object_get(e, "feature"));
        } else if (!strcmp(type, "feature-removed")) {
            remove_by(features, "name", json_object_get(e, "featureName"));
        } else if (!strcmp(type, "segment-updated")) {
            upsert_by(segments, "id", json_object_get(e, "segment"));
        } else if (!strcmp(type, "segment-removed")) {
            remove_by(segments, "id", json_object_get(e, "segmentId"));
        }
    }
    return doc;
}

/* Build the flag set of a specification's state. */
static struct vx_flagset *build_state(json_t *spec, const char *file)
{
    json_t *state = json_object_get(spec, "state"), *doc;
    struct vx_flagset *fs = NULL;
    struct vx_err err = {0};

    if (json_object_get(state, "events"))
        doc = fold_events(json_object_get(state, "events"));
    else
        doc = json_incref(state);
    if (vx_flagset_from_json(doc, &fs, &err))
        fprintf(stderr, "%s: state: %s at %s\n", file, err.msg, err.path);
    json_decref(doc);
    return fs;
}

/* Build the context of a test case; false (and a message) on error. */
static bool build_context(json_t *t, struct vx_context *ctx)
{
    json_t *c = json_object_get(t, "context");
    struct vx_err err = {0};

    vx_context_init(ctx);
    if (!c)
        return true;
    if (vx_context_from_json(ctx, c, &err)) {
        fprintf(stderr, "context: %s\n", err.msg);
        return false;
    }
    return true;
}

/* Run one `tests[]` case; 1 when it fails. */
static int run_enabled_case(const struct vx_flagset *fs, json_t *t,
                            const char *file)
{
    const char *toggle = json_string_value(json_object_get(t, "toggleName"));
    const char *desc = json_string_value(json_object_get(t, "description"));
    bool want = json_is_true(json_object_get(t, "expectedResult")), got;
    struct vx_context ctx;

    if (!build_context(t, &ctx))
        return 1;
    got = vx_eval_enabled(fs, toggle, &ctx);
    vx_context_release(&ctx);
    if (got == want)
        return 0;
    printf("FAIL %s: %s: %s expected %s, got %s\n", file, desc, toggle,
           want ? "on" : "off", got ? "on" : "off");
    fflush(stdout);
    return 1;
}

/* True when the variant result r matches the expected object want. */
static bool variant_matches(const struct vx_variant_result *r, json_t *want)
{
    json_t *payload = json_object_get(want, "payload");
    json_t *fe = json_object_get(want, "feature_enabled");
    const char *name = json_string_value(json_object_get(want, "name"));

    if (!name || strcmp(name, r->name) ||
        json_is_true(json_object_get(want, "enabled")) != r->enabled)
        return false;
    if (fe && json_is_true(fe) != r->feature_enabled)
        return false;
    if (!payload)
        return r->payload_type == NULL;
    return r->payload_type && r->payload_value &&
           !strcmp(r->payload_type,
                   json_string_value(json_object_get(payload, "type"))) &&
           !strcmp(r->payload_value,
                   json_string_value(json_object_get(payload, "value")));
}

/* Run one `variantTests[]` case; 1 when it fails. */
static int run_variant_case(const struct vx_flagset *fs, json_t *t,
                            const char *file)
{
    const char *toggle = json_string_value(json_object_get(t, "toggleName"));
    const char *desc = json_string_value(json_object_get(t, "description"));
    json_t *want = json_object_get(t, "expectedResult");
    struct vx_variant_result r;
    struct vx_context ctx;
    char *wanted;

    if (!build_context(t, &ctx))
        return 1;
    vx_eval_variant(fs, toggle, &ctx, &r);
    vx_context_release(&ctx);
    if (variant_matches(&r, want))
        return 0;
    wanted = json_dumps(want, JSON_COMPACT);
    printf("FAIL %s: %s: %s expected %s, got name=%s enabled=%d "
           "feature_enabled=%d payload=%s:%s\n",
           file, desc, toggle, wanted, r.name, r.enabled, r.feature_enabled,
           r.payload_type ? r.payload_type : "-",
           r.payload_value ? r.payload_value : "-");
    free(wanted);
    fflush(stdout);
    return 1;
}

START_TEST(spec_file)
{
    const char *file = json_string_value(json_array_get(spec_index, _i));
    json_t *spec = load_json(file), *t;
    struct vx_flagset *fs;
    int failed = 0, total = 0;
    size_t i;

    ck_assert_msg(spec != NULL, "cannot read %s", file);
    fs = build_state(spec, file);
    ck_assert_msg(fs != NULL, "%s: state does not build", file);

    json_array_foreach (json_object_get(spec, "tests"), i, t) {
        failed += run_enabled_case(fs, t, file);
        total++;
    }
    json_array_foreach (json_object_get(spec, "variantTests"), i, t) {
        failed += run_variant_case(fs, t, file);
        total++;
    }
    vx_flagset_free(fs);
    json_decref(spec);
    ck_assert_msg(failed == 0, "%s: %d of %d cases fail", file, failed, total);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("spec");
    TCase *tc = tcase_create("client-specification");
    SRunner *sr;
    int failed;

    spec_index = load_json("index.json");
    if (!spec_index || !json_array_size(spec_index)) {
        fprintf(stderr, "no specifications: run `make unit` or set "
                        "VX_SPEC_DIR\n");
        return 1;
    }
    tcase_add_loop_test(tc, spec_file, 0, (int)json_array_size(spec_index));
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    json_decref(spec_index);
    return failed ? 1 : 0;
}
