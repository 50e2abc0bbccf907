/*
 * Fuzz target: a client API flag set from the input, compiled with
 * vx_flagset_from_json and, when it is accepted, every flag evaluated
 * (on or off, and its variant) for fixed contexts.
 */
#include <stdlib.h>

#include <jansson.h>

#include "eval/eval.h"
#include "fuzz.h"
#include "model/model.h"

/* A context with every standard field and a few properties. */
static void full_context(struct vx_context *ctx)
{
    vx_context_init(ctx);
    vx_context_set(ctx, "userId", "42");
    vx_context_set(ctx, "sessionId", "s-1");
    vx_context_set(ctx, "remoteAddress", "192.168.1.7");
    vx_context_set(ctx, "environment", "production");
    vx_context_set(ctx, "appName", "web");
    vx_context_set(ctx, "currentTime", "2026-06-01T12:00:00.000Z");
    vx_context_set(ctx, "country", "NO");
    vx_context_set(ctx, "version", "1.2.3-beta.1");
    vx_context_set(ctx, "age", "33.5");
}

/* Evaluate every feature of fs for ctx, twice as a caller would. */
static void eval_all(const struct vx_flagset *fs, const struct vx_context *ctx)
{
    for (size_t i = 0; i < fs->n_features; i++) {
        const struct vx_feature *f = &fs->features[i];
        struct vx_variant_result v;

        (void)vx_eval_feature_enabled(fs, f, ctx);
        vx_eval_feature_variant(fs, f, ctx, &v);
        if (!v.name)
            abort();
        (void)vx_eval_enabled(fs, f->name, ctx);
    }
    (void)vx_eval_enabled(fs, "no-such-flag", ctx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *root = json_loadb((const char *)data, size, 0, NULL);
    struct vx_flagset *fs = NULL;
    struct vx_context full, empty;
    struct vx_err err = {0};

    if (!root)
        return 0;
    if (vx_flagset_from_json(root, &fs, &err) == VX_OK) {
        full_context(&full);
        vx_context_init(&empty);
        eval_all(fs, &full);
        eval_all(fs, &empty);
        vx_context_release(&full);
        vx_context_release(&empty);
    } else if (fs) {
        abort();
    }
    vx_flagset_free(fs);
    json_decref(root);
    return 0;
}
