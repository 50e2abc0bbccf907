/*
 * Feature flags: the features table and what the admin API reads of
 * the tables hung on it (per-environment state, strategies, segments,
 * dependencies, tags). See store.h for the locking rules: every call
 * runs inside vx_store_read() or vx_store_begin(). Objects returned are
 * owned by the caller.
 */
#ifndef VX_STORE_FEATURES_H
#define VX_STORE_FEATURES_H

#include <stdint.h>

#include <jansson.h>

#include "vx_err.h"

struct vx_store;

/*
 * The flag's own row: name, project, type, description, stale,
 * impressionData, createdAt, archived (bool), archivedAt, version.
 * VX_ENOTFOUND (err untouched) when no flag, archived or not, has that
 * name.
 */
int vx_store_feature_row(struct vx_store *st, const char *name, json_t **out,
                         struct vx_err *err);

/*
 * The flag as the admin API shows it: the row plus environments (those
 * enabled in the flag's project, each with strategies and variants),
 * variants, tags, dependencies and children. VX_ENOTFOUND as above.
 */
int vx_store_feature_full(struct vx_store *st, const char *name, json_t **out,
                          struct vx_err *err);

/*
 * The non-archived flags of project, by name, each with the summary of
 * every environment enabled in the project (list endpoint shape).
 */
int vx_store_features_list(struct vx_store *st, const char *project,
                           json_t **out, struct vx_err *err);

/* Archived flags of project, or of every project when it is NULL. */
int vx_store_features_archived(struct vx_store *st, const char *project,
                               json_t **out, struct vx_err *err);

/*
 * Insert a flag, off in every environment of its project. A name taken
 * by any flag, archived too: VX_ECONFLICT with Unleash's message.
 */
int vx_store_feature_insert(struct vx_store *st, const char *project,
                            const char *name, const char *type,
                            const char *description, int impression_data,
                            int64_t created_by, struct vx_err *err);

/* Replace the editable fields of a flag and bump its version. */
int vx_store_feature_update(struct vx_store *st, const char *name,
                            const char *type, const char *description,
                            int stale, int impression_data, struct vx_err *err);

/* Archive (archived true) or revive a flag, and bump its version. */
int vx_store_feature_set_archived(struct vx_store *st, const char *name,
                                  int archived, struct vx_err *err);

/* Delete a flag and everything under it, for good. */
int vx_store_feature_delete(struct vx_store *st, const char *name,
                            struct vx_err *err);

/*
 * Add one to the flag's version: every change to the flag or anything
 * under it calls this, so change requests can detect that it moved.
 */
int vx_store_feature_bump(struct vx_store *st, const char *name,
                          struct vx_err *err);

/* The flag's current version into *out; VX_ENOTFOUND if no such flag. */
int vx_store_feature_version(struct vx_store *st, const char *name,
                             int64_t *out, struct vx_err *err);

/* *out = whether the flag is on in environment (0 when no row). */
int vx_store_feature_env_enabled(struct vx_store *st, const char *name,
                                 const char *environment, int *out,
                                 struct vx_err *err);

/* Turn the flag on or off in environment, creating its row if needed. */
int vx_store_feature_env_set(struct vx_store *st, const char *name,
                             const char *environment, int enabled,
                             struct vx_err *err);

/* Turn the flag off in every environment. */
int vx_store_feature_envs_off(struct vx_store *st, const char *name,
                              struct vx_err *err);

/* Names of the environments the flag is on in, as a new array. */
int vx_store_feature_envs_on(struct vx_store *st, const char *name,
                             json_t **out, struct vx_err *err);

/* Number of strategies of the flag in environment into *out. */
int vx_store_feature_strategy_count(struct vx_store *st, const char *name,
                                    const char *environment, int64_t *out,
                                    struct vx_err *err);

/*
 * Add the strategy that makes a flag on for everyone in environment:
 * flexibleRollout at 100 %, sticky on "default", grouped by the flag's
 * name. *out (may be NULL) gets the new strategy as GET shows it.
 */
int vx_store_feature_strategy_default(struct vx_store *st, const char *name,
                                      const char *environment, json_t **out,
                                      struct vx_err *err);

/* Names of the non-archived flags that depend on name, as an array. */
int vx_store_feature_children(struct vx_store *st, const char *name,
                              json_t **out, struct vx_err *err);

/*
 * Turn flag off in every environment of project that change requests
 * protect.
 */
int vx_store_feature_off_where_protected(struct vx_store *st,
                                         const char *project, const char *flag,
                                         struct vx_err *err);

/*
 * Copy to the new flag to everything of from that lives per environment:
 * enabled state, flag variants, strategies (with new ids and their
 * segments). When replace_group, a strategy's groupId parameter becomes
 * the new flag's name. Tags are copied too; dependencies are not.
 */
int vx_store_feature_copy(struct vx_store *st, const char *from, const char *to,
                          int replace_group, struct vx_err *err);

/* The flag's tags as [{type, value}], by type then value. */
int vx_store_feature_tags(struct vx_store *st, const char *name, json_t **out,
                          struct vx_err *err);

/* Tag a flag; an existing identical tag: VX_ECONFLICT. */
int vx_store_feature_tag_add(struct vx_store *st, const char *name,
                             const char *type, const char *value,
                             struct vx_err *err);

/* Remove a tag; VX_ENOTFOUND when the flag does not carry it. */
int vx_store_feature_tag_remove(struct vx_store *st, const char *name,
                                const char *type, const char *value,
                                struct vx_err *err);

#endif
