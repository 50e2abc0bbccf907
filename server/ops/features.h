/*
 * Operations on feature flags, independent of HTTP: each checks its
 * input against the database, applies the change, records the audit
 * event, bumps the flag's version and marks the SDK view as touched.
 * Handlers and change requests call them inside an open write
 * transaction (vx_store_begin) and commit or roll back by the result.
 *
 * None of them checks change-request protection of environments:
 * callers do (vx_guard_env), since applying an approved change request
 * must pass where a direct change is refused.
 *
 * Errors come back as negative VX_E* codes with err filled in for the
 * user: VX_ENOTFOUND for an unknown project, flag or environment (a
 * flag of another project than the one named counts as unknown),
 * VX_EINVAL for an operation the flag's state does not allow,
 * VX_ECONFLICT for a name already taken.
 */
#ifndef VX_OPS_FEATURES_H
#define VX_OPS_FEATURES_H

#include <jansson.h>

#include "store/store.h"
#include "vx_err.h"

/* The editable fields of a flag, for vx_op_feature_update(). */
struct vx_feature_edit {
    const char *type; /* one of vx_feature_type_ok() */
    const char *description;
    int stale;
    int impression_data;
};

/* A flag's type list as GET /api/admin/feature-types shows it (new). */
json_t *vx_feature_types(void);

/* True when type names a known flag type. */
int vx_feature_type_ok(const char *type);

/*
 * The flag as GET P/features/:f returns it, archived flags included.
 * Caller owns *out. Needs a read or write bracket.
 */
int vx_op_feature_get(struct vx_store *st, const char *project,
                      const char *feature, json_t **out, struct vx_err *err);

/*
 * Create a flag in project, with tags (an array of {type, value}
 * already validated; may be NULL; each type must exist, else VX_EINVAL
 * at /body/tags/<i>/type). *out (caller owns) is the new flag.
 */
int vx_op_feature_create(struct vx_store *st, const struct vx_actor *who,
                         const char *project, const char *name,
                         const char *type, const char *description,
                         int impression_data, json_t *tags, json_t **out,
                         struct vx_err *err);

/*
 * Replace the editable fields of a live flag. *out (caller owns, may be
 * NULL) is the flag afterwards.
 */
int vx_op_feature_update(struct vx_store *st, const struct vx_actor *who,
                         const char *project, const char *feature,
                         const struct vx_feature_edit *edit, json_t **out,
                         struct vx_err *err);

/*
 * Turn a live flag on or off in env, which must be enabled in project.
 * Turning on a flag with no strategy in env adds a flexibleRollout
 * strategy at 100 %. Setting the state it already has changes nothing
 * and records nothing.
 */
int vx_op_feature_toggle(struct vx_store *st, const struct vx_actor *who,
                         const char *project, const char *feature,
                         const char *env, int enabled, struct vx_err *err);

/*
 * Archive a live flag. Refused (VX_EINVAL) while live flags depend on
 * it. Callers guard each environment the flag is on in first
 * (vx_store_feature_envs_on).
 */
int vx_op_feature_archive(struct vx_store *st, const struct vx_actor *who,
                          const char *project, const char *feature,
                          struct vx_err *err);

/* Bring an archived flag back, off in every environment. */
int vx_op_feature_revive(struct vx_store *st, const struct vx_actor *who,
                         const char *feature, struct vx_err *err);

/*
 * Delete an archived flag for good; a live one is VX_ECONFLICT (archive
 * it first).
 */
int vx_op_feature_delete(struct vx_store *st, const struct vx_actor *who,
                         const char *feature, struct vx_err *err);

/*
 * Make flag name in project a copy of feature: type, description,
 * impression data, tags, per-environment state, variants and strategies
 * (new ids, segments kept; groupId set to name when replace_group).
 * Dependencies are not copied. *out (caller owns) is the new flag.
 */
int vx_op_feature_clone(struct vx_store *st, const struct vx_actor *who,
                        const char *project, const char *feature,
                        const char *name, int replace_group, json_t **out,
                        struct vx_err *err);

/*
 * Add (add true) or remove a tag of a flag, in any project. Adding one
 * of a tag type that does not exist is VX_EINVAL at /body/type.
 */
int vx_op_feature_tag(struct vx_store *st, const struct vx_actor *who,
                      const char *feature, const char *type, const char *value,
                      int add, struct vx_err *err);

#endif
