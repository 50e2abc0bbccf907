/*
 * Evaluation of a compiled flag set (model/model.h) for one context:
 * is a feature on, and which variant does the context get. This is what
 * the frontend API answers and what every Unleash SDK does locally, so
 * the rules follow Unleash's (docs/api-contract.md, "Evaluation rules")
 * and, where those are silent, the Node SDK.
 *
 * Evaluation never allocates on the flag set and never changes it, so
 * any number of threads may evaluate one flag set at once. A context is
 * owned by its caller and used by one thread at a time. Results point
 * into the flag set and stay valid as long as it does.
 *
 * Random stickiness draws from libsodium's generator; everything else
 * is a pure function of the flag set, the context and, for DATE_
 * operators without a currentTime, the clock.
 */
#ifndef VX_EVAL_H
#define VX_EVAL_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "model/model.h"
#include "vx_err.h"

struct vx_prop {
    char *name;
    char *value;
};

/*
 * Who is asking. Every string is owned by the context, NULL when not
 * given. current_time is kept as text ("2026-12-03T17:00:00Z"), as the
 * SDKs receive it; NULL means now.
 */
struct vx_context {
    char *user_id;
    char *session_id;
    char *remote_address;
    char *environment;
    char *app_name;
    char *current_time;
    struct vx_prop *props;
    size_t n_props;
    size_t cap_props;
};

/* Make ctx empty. */
void vx_context_init(struct vx_context *ctx);

/* Free everything ctx holds and make it empty again. */
void vx_context_release(struct vx_context *ctx);

/*
 * Set the field name to a copy of value (NULL unsets it): one of the
 * standard fields userId, sessionId, remoteAddress, environment,
 * appName, currentTime, or else a property.
 */
void vx_context_set(struct vx_context *ctx, const char *name,
                    const char *value);

/* Set the property name to a copy of value, even for standard names. */
void vx_context_set_property(struct vx_context *ctx, const char *name,
                             const char *value);

/*
 * Fill ctx from a JSON context object (borrowed): standard fields and
 * other top-level scalars, and the members of "properties". Numbers and
 * booleans become text as JavaScript writes them, nulls are left out.
 * Returns VX_EINVAL if obj or its properties is not an object.
 */
int vx_context_from_json(struct vx_context *ctx, json_t *obj,
                         struct vx_err *err);

/*
 * The value of the context field name: the standard fields first, then
 * the properties. NULL when absent. Borrowed from ctx.
 */
const char *vx_context_get(const struct vx_context *ctx, const char *name);

/* The answer to "which variant": borrowed from the flag set. */
struct vx_variant_result {
    const char *name;          /* "disabled" when there is none */
    bool enabled;              /* a real variant was chosen */
    bool feature_enabled;      /* the feature itself is on */
    const char *payload_type;  /* NULL when there is no payload */
    const char *payload_value; /* NULL when there is no payload */
};

/* Whether the feature called name is on for ctx; false when unknown. */
bool vx_eval_enabled(const struct vx_flagset *fs, const char *name,
                     const struct vx_context *ctx);

/*
 * The variant of the feature called name for ctx, with whether the
 * feature is on. An unknown feature gives "disabled", not enabled.
 */
void vx_eval_variant(const struct vx_flagset *fs, const char *name,
                     const struct vx_context *ctx,
                     struct vx_variant_result *out);

/* vx_eval_enabled() for a feature already looked up in fs. */
bool vx_eval_feature_enabled(const struct vx_flagset *fs,
                             const struct vx_feature *f,
                             const struct vx_context *ctx);

/*
 * vx_eval_variant() for a feature already looked up in fs. With random
 * stickiness two calls may disagree, so a caller that needs both "is it
 * on" and "which variant" takes both from out->feature_enabled and out.
 */
void vx_eval_feature_variant(const struct vx_flagset *fs,
                             const struct vx_feature *f,
                             const struct vx_context *ctx,
                             struct vx_variant_result *out);

/*
 * Whether the single constraint c holds for ctx (inverted included).
 * Exposed for tests and for the admin API's constraint playground.
 */
bool vx_eval_constraint(const struct vx_constraint *c,
                        const struct vx_context *ctx);

/*
 * The host name the applicationHostname strategy compares with: the
 * environment variable HOSTNAME, else gethostname(), lower-cased; read
 * once per process.
 */
const char *vx_eval_hostname(void);

#endif
