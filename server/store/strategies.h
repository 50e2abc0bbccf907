/*
 * Rollout strategies of a flag in one environment, the flag's variants
 * in that environment, and the dependencies between flags. See store.h
 * for the locking rules: every function here runs inside a store
 * bracket. Objects returned are owned by the caller; objects passed in
 * are borrowed.
 *
 * A strategy comes back in its API shape: {id, name, title, disabled,
 * parameters{}, constraints[], variants[], segments[ids], sortOrder}.
 */
#ifndef VX_STORE_STRATEGIES_H
#define VX_STORE_STRATEGIES_H

#include <stdint.h>

#include <jansson.h>

#include "vx_err.h"

struct vx_store;

/* *yes = whether a strategy called name is defined (built-in or custom). */
int vx_store_strategy_defined(struct vx_store *st, const char *name,
                              int *yes, struct vx_err *err);

/*
 * The flag called name as {name, project, archived}; VX_ENOTFOUND (err
 * untouched) when there is none.
 */
int vx_store_strategy_flag_get(struct vx_store *st, const char *name,
                               json_t **out, struct vx_err *err);

/* Add one to the version of flag name (see features.version). */
int vx_store_strategy_flag_bump(struct vx_store *st, const char *name,
                                struct vx_err *err);

/* Strategies of feature in environment, in sort order. */
int vx_store_strategies_list(struct vx_store *st, const char *feature,
                             const char *environment, json_t **out,
                             struct vx_err *err);

/* One strategy; VX_ENOTFOUND with a message if it is not there. */
int vx_store_strategy_get(struct vx_store *st, const char *feature,
                          const char *environment, const char *id,
                          json_t **out, struct vx_err *err);

/* One more than the highest sort order in use (0 when none). */
int vx_store_strategy_next_order(struct vx_store *st, const char *feature,
                                 const char *environment, int64_t *out,
                                 struct vx_err *err);

/*
 * Insert strategy s, an object in the API shape with every field set
 * (id included, title may be null), and its segment links.
 */
int vx_store_strategy_insert(struct vx_store *st, const char *feature,
                             const char *environment, json_t *s,
                             struct vx_err *err);

/* Replace every field and segment link of the strategy s.id with s's. */
int vx_store_strategy_update(struct vx_store *st, json_t *s,
                             struct vx_err *err);

/* Delete a strategy with its segment links. */
int vx_store_strategy_delete(struct vx_store *st, const char *id,
                             struct vx_err *err);

/* Set the sort order of strategy id of feature in environment. */
int vx_store_strategy_set_order(struct vx_store *st, const char *feature,
                                const char *environment, const char *id,
                                int64_t sort_order, struct vx_err *err);

/* The variants of feature in environment, an array ([] when unset). */
int vx_store_fenv_variants_get(struct vx_store *st, const char *feature,
                               const char *environment, json_t **out,
                               struct vx_err *err);

/* Store variants (an array) for feature in environment. */
int vx_store_fenv_variants_set(struct vx_store *st, const char *feature,
                               const char *environment, json_t *variants,
                               struct vx_err *err);

/* The parents of child: [{feature, enabled, variants[]}], by name. */
int vx_store_deps_parents(struct vx_store *st, const char *child,
                          json_t **out, struct vx_err *err);

/* *n = how many flags depend on parent. */
int vx_store_deps_children_count(struct vx_store *st, const char *parent,
                                 int64_t *n, struct vx_err *err);

/* Add or replace the dependency of child on parent. */
int vx_store_dep_upsert(struct vx_store *st, const char *child,
                        const char *parent, int enabled, json_t *variants,
                        struct vx_err *err);

/* Remove child's dependency on parent, or all of them (parent NULL). */
int vx_store_dep_delete(struct vx_store *st, const char *child,
                        const char *parent, struct vx_err *err);

#endif
