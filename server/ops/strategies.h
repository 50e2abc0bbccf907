/*
 * Changes to what a flag does in an environment: its rollout
 * strategies, its variants, its parent dependencies, and the segments
 * strategies share. Each operation checks its input against the store,
 * applies the change, records the audit event, bumps the version of
 * every flag it changes and marks the transaction as changing what SDKs
 * see. None of them checks change-request protection: callers do that
 * (the admin handlers refuse protected environments, change requests
 * apply here once approved).
 *
 * Every operation runs inside a write transaction the caller opened with
 * vx_store_begin() and ends with vx_store_finish(), so a caller may
 * group several operations in one transaction, or run one only to
 * validate it and roll it back. On failure the transaction holds
 * partial changes and must be rolled back.
 *
 * Objects passed in are borrowed; objects returned in *out are owned by
 * the caller and are set only on success.
 */
#ifndef VX_OPS_STRATEGIES_H
#define VX_OPS_STRATEGIES_H

#include <stdint.h>

#include <jansson.h>

#include "store/store.h"
#include "vx_err.h"

/*
 * How an operation treats what it is given, where callers differ. The
 * admin API uses the defaults (all zero).
 */
struct vx_write_opts {
    /*
     * Store variant weights exactly as given instead of normalising
     * them to a total of 1000: imports use it so that flags moved from
     * another server, or exported and imported again, assign every user
     * the same variant as before. Each variant then needs a weight.
     */
    int keep_weights;
};

/*
 * VX_OK when environment is enabled in project and feature is a flag of
 * project that is not archived; VX_ENOTFOUND naming what is missing.
 */
int vx_op_flag_env_check(struct vx_store *st, const char *project,
                         const char *feature, const char *environment,
                         struct vx_err *err);

/*
 * Check an array of variants and build its stored form in *out: each
 * variant as {name, weight, weightType, stickiness, payload?,
 * overrides[]} (overrides only when with_overrides, as flag variants
 * have them and strategy variants do not), names unique, weights
 * normalised to a total of 1000. path ("/body") prefixes error places.
 * in may be NULL (no variants). No store access.
 */
int vx_op_variants_check(json_t *in, int with_overrides, const char *path,
                         json_t **out, struct vx_err *err);

/* vx_op_variants_check() with options (opts->keep_weights). */
int vx_op_variants_check_opts(json_t *in, int with_overrides,
                              const struct vx_write_opts *opts,
                              const char *path, json_t **out,
                              struct vx_err *err);

/*
 * Add a strategy to feature in environment from body {name, title?,
 * disabled?, parameters?, constraints?, segments?, variants?,
 * sortOrder?}; *out is the stored strategy.
 */
int vx_op_strategy_add(struct vx_store *st, const struct vx_actor *who,
                       const char *project, const char *feature,
                       const char *env, json_t *body, json_t **out,
                       struct vx_err *err);

/* vx_op_strategy_add() with options (opts->keep_weights). */
int vx_op_strategy_add_opts(struct vx_store *st, const struct vx_actor *who,
                            const char *project, const char *feature,
                            const char *env, json_t *body,
                            const struct vx_write_opts *opts, json_t **out,
                            struct vx_err *err);

/*
 * Replace strategy id with body (same fields as for add; a missing
 * sortOrder keeps the old one); *out is the stored strategy.
 */
int vx_op_strategy_update(struct vx_store *st, const struct vx_actor *who,
                          const char *project, const char *feature,
                          const char *env, const char *id, json_t *body,
                          json_t **out, struct vx_err *err);

/* Delete strategy id. */
int vx_op_strategy_delete(struct vx_store *st, const struct vx_actor *who,
                          const char *project, const char *feature,
                          const char *env, const char *id, struct vx_err *err);

/* Set sort orders from order, an array of {id, sortOrder}. */
int vx_op_strategy_reorder(struct vx_store *st, const struct vx_actor *who,
                           const char *project, const char *feature,
                           const char *env, json_t *order, struct vx_err *err);

/*
 * Replace the variants of feature in environment with the array
 * variants; *out is the stored, normalised array.
 */
int vx_op_variants_set(struct vx_store *st, const struct vx_actor *who,
                       const char *project, const char *feature,
                       const char *env, json_t *variants, json_t **out,
                       struct vx_err *err);

/* vx_op_variants_set() with options (opts->keep_weights). */
int vx_op_variants_set_opts(struct vx_store *st, const struct vx_actor *who,
                            const char *project, const char *feature,
                            const char *env, json_t *variants,
                            const struct vx_write_opts *opts, json_t **out,
                            struct vx_err *err);

/*
 * Make child depend on a parent flag of the same project, from body
 * {feature, enabled?, variants?}; replaces an existing dependency on
 * the same parent. Dependencies are one level deep: a flag with parents
 * cannot be a parent, a parent cannot get parents (VX_ECONFLICT).
 */
int vx_op_dependency_add(struct vx_store *st, const struct vx_actor *who,
                         const char *project, const char *child, json_t *body,
                         struct vx_err *err);

/*
 * Remove child's dependency on parent, or all of them when parent is
 * NULL. Removing a dependency that does not exist changes nothing and
 * succeeds.
 */
int vx_op_dependency_delete(struct vx_store *st, const struct vx_actor *who,
                            const char *project, const char *child,
                            const char *parent, struct vx_err *err);

/*
 * Set the strategy that flags of project get when turned on in env with
 * no strategy (body as for vx_op_strategy_add; NULL goes back to the
 * built-in 100 % flexibleRollout). A groupId left out stays out, so each
 * flag gets its own name. *out, when out is not NULL, is the stored
 * strategy or NULL (caller owns).
 */
int vx_op_default_strategy_set(struct vx_store *st, const struct vx_actor *who,
                               const char *project, const char *env,
                               json_t *body, json_t **out, struct vx_err *err);

/*
 * Create a segment from body {name, description?, project?,
 * constraints[]}; *out is the stored segment.
 */
int vx_op_segment_create(struct vx_store *st, const struct vx_actor *who,
                         json_t *body, json_t **out, struct vx_err *err);

/* Replace segment id with body (as for create); *out is the result. */
int vx_op_segment_update(struct vx_store *st, const struct vx_actor *who,
                         int64_t id, json_t *body, json_t **out,
                         struct vx_err *err);

/* Delete segment id; VX_ECONFLICT naming the flags that still use it. */
int vx_op_segment_delete(struct vx_store *st, const struct vx_actor *who,
                         int64_t id, struct vx_err *err);

#endif
