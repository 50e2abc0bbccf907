/*
 * The flag operations of features.h. Each runs inside the caller's
 * store bracket and holds no state of its own.
 */
#include "ops/features.h"

#include <stdio.h>
#include <string.h>

#include "ops/strategies.h"
#include "ops/tag_types.h"
#include "store/features.h"
#include "store/projects.h"

/* The flag types and their expected lifetime in days (0: none). */
static const struct {
    const char *id, *name, *description;
    int lifetime_days;
} feature_types[] = {
    {"release", "Release",
     "Ships unfinished work dark and turns it on when it is ready.", 40},
    {"experiment", "Experiment",
     "Splits users between versions of a feature to compare them.", 40},
    {"operational", "Operational",
     "Controls a technical change during its rollout.", 7},
    {"kill-switch", "Kill switch",
     "Turns off a part of the system quickly when it misbehaves.", 0},
    {"permission", "Permission",
     "Grants a feature to some users only, for as long as needed.", 0},
};

#define NTYPES (sizeof(feature_types) / sizeof(feature_types[0]))

json_t *vx_feature_types(void)
{
    json_t *out = json_array();

    for (size_t i = 0; i < NTYPES; i++) {
        int days = feature_types[i].lifetime_days;

        json_array_append_new(
            out, json_pack("{s:s, s:s, s:s, s:o}", "id", feature_types[i].id,
                           "name", feature_types[i].name, "description",
                           feature_types[i].description, "lifetimeDays",
                           days ? json_integer(days) : json_null()));
    }
    return out;
}

int vx_feature_type_ok(const char *type)
{
    for (size_t i = 0; type && i < NTYPES; i++)
        if (!strcmp(type, feature_types[i].id))
            return 1;
    return 0;
}

/* The 404 of a flag that project does not hold. */
static int no_such_flag(const char *project, const char *feature,
                        struct vx_err *err)
{
    return vx_err_set(err, VX_ENOTFOUND, NULL,
                      "There's no feature named \"%s\" in project \"%s\".",
                      feature, project);
}

/*
 * The row of feature into *row (caller owns) when project holds it;
 * when live, archived flags are refused with VX_EINVAL.
 */
static int find(struct vx_store *st, const char *project, const char *feature,
                int live, json_t **row, struct vx_err *err)
{
    const char *in;
    int rc = vx_store_feature_row(st, feature, row, err);

    if (rc == VX_ENOTFOUND)
        return no_such_flag(project, feature, err);
    if (rc)
        return rc;
    in = json_string_value(json_object_get(*row, "project"));
    if (!in || strcmp(in, project))
        rc = no_such_flag(project, feature, err);
    else if (live && json_is_true(json_object_get(*row, "archived")))
        rc = vx_err_set(err, VX_EINVAL, NULL,
                        "flag \"%s\" is archived: revive it with POST "
                        "/api/admin/archive/revive/%s before changing it",
                        feature, feature);
    if (rc) {
        json_decref(*row);
        *row = NULL;
    }
    return rc;
}

int vx_op_feature_get(struct vx_store *st, const char *project,
                      const char *feature, json_t **out, struct vx_err *err)
{
    json_t *row = NULL;
    int rc = find(st, project, feature, 0, &row, err);

    json_decref(row);
    *out = NULL;
    return rc ? rc : vx_store_feature_full(st, feature, out, err);
}

int vx_op_feature_create(struct vx_store *st, const struct vx_actor *who,
                         const char *project, const char *name,
                         const char *type, const char *description,
                         int impression_data, json_t *tags, json_t **out,
                         struct vx_err *err)
{
    json_t *tag;
    size_t i;
    int rc = vx_store_project_exists(st, project, err);

    *out = NULL;
    if (rc == VX_OK)
        rc = vx_store_feature_insert(st, project, name, type, description,
                                     impression_data, who->user_id, err);
    json_array_foreach (tags, i, tag) {
        const char *kind = json_string_value(json_object_get(tag, "type"));
        char where[64];

        if (rc)
            break;
        snprintf(where, sizeof(where), "/body/tags/%zu/type", i);
        rc = vx_op_tag_type_require(st, kind, where, err);
        if (rc == VX_OK)
            rc = vx_store_feature_tag_add(
                st, name, kind,
                json_string_value(json_object_get(tag, "value")), err);
        /* The same tag twice in one request is one tag. */
        if (rc == VX_ECONFLICT)
            rc = VX_OK;
    }
    if (rc == VX_OK)
        rc = vx_store_feature_full(st, name, out, err);
    if (rc == VX_OK)
        rc = vx_store_event(st, who, "feature-created", project, name, NULL,
                            NULL, *out, err);
    if (rc == VX_OK)
        vx_store_touch_flags(st);
    return rc;
}

int vx_op_feature_update(struct vx_store *st, const struct vx_actor *who,
                         const char *project, const char *feature,
                         const struct vx_feature_edit *edit, json_t **out,
                         struct vx_err *err)
{
    json_t *row = NULL, *pre = NULL, *post = NULL;
    int rc = find(st, project, feature, 1, &row, err);

    if (rc == VX_OK && !vx_feature_type_ok(edit->type))
        rc = vx_err_set(err, VX_EINVAL, "/body/type",
                        "\"%s\" is not a flag type; see GET "
                        "/api/admin/feature-types",
                        edit->type ? edit->type : "");
    if (rc == VX_OK)
        rc = vx_store_feature_full(st, feature, &pre, err);
    if (rc == VX_OK)
        rc = vx_store_feature_update(st, feature, edit->type,
                                     edit->description ? edit->description : "",
                                     edit->stale, edit->impression_data, err);
    if (rc == VX_OK)
        rc = vx_store_feature_full(st, feature, &post, err);
    if (rc == VX_OK)
        rc = vx_store_event(st, who, "feature-updated", project, feature, NULL,
                            pre, post, err);
    if (rc == VX_OK)
        vx_store_touch_flags(st);
    if (rc == VX_OK && out)
        *out = json_incref(post);
    json_decref(row);
    json_decref(pre);
    json_decref(post);
    return rc;
}

/*
 * Give the flag a strategy in env unless it has one there: the
 * project's default strategy for env, or the built-in 100 % rollout.
 */
static int ensure_strategy(struct vx_store *st, const struct vx_actor *who,
                           const char *project, const char *feature,
                           const char *env, int *changed, struct vx_err *err)
{
    json_t *strategy = NULL, *template = NULL;
    int64_t n = 0;
    int rc = vx_store_feature_strategy_count(st, feature, env, &n, err);

    if (rc || n > 0)
        return rc;
    rc = vx_store_project_env_default_get(st, project, env, &template, err);
    if (rc == VX_OK && template) {
        /* The project's own default, checked and recorded as any add. */
        rc = vx_op_strategy_add(st, who, project, feature, env, template,
                                &strategy, err);
        *changed = 1;
        json_decref(template);
        json_decref(strategy);
        return rc;
    }
    if (rc)
        return rc;
    rc = vx_store_feature_strategy_default(st, feature, env, &strategy, err);
    if (rc == VX_OK)
        rc = vx_store_event(st, who, "feature-strategy-add", project, feature,
                            env, NULL, strategy, err);
    *changed = 1;
    json_decref(strategy);
    return rc;
}

int vx_op_feature_toggle(struct vx_store *st, const struct vx_actor *who,
                         const char *project, const char *feature,
                         const char *env, int enabled, struct vx_err *err)
{
    json_t *row = NULL, *pre = NULL, *post = NULL;
    int was = 0, changed = 0;
    int rc = find(st, project, feature, 1, &row, err);

    if (rc == VX_OK)
        rc = vx_store_project_env_check(st, project, env, err);
    if (rc == VX_OK)
        rc = vx_store_feature_env_enabled(st, feature, env, &was, err);
    if (rc == VX_OK)
        rc = vx_store_feature_full(st, feature, &pre, err);
    if (rc == VX_OK && enabled)
        rc = ensure_strategy(st, who, project, feature, env, &changed, err);
    if (rc == VX_OK && was != enabled) {
        changed = 1;
        rc = vx_store_feature_env_set(st, feature, env, enabled, err);
        if (rc == VX_OK)
            rc = vx_store_feature_full(st, feature, &post, err);
        if (rc == VX_OK)
            rc = vx_store_event(st, who,
                                enabled ? "feature-environment-enabled"
                                        : "feature-environment-disabled",
                                project, feature, env, pre, post, err);
    }
    if (rc == VX_OK && changed) {
        rc = vx_store_feature_bump(st, feature, err);
        vx_store_touch_flags(st);
    }
    json_decref(row);
    json_decref(pre);
    json_decref(post);
    return rc;
}

int vx_op_feature_archive(struct vx_store *st, const struct vx_actor *who,
                          const char *project, const char *feature,
                          struct vx_err *err)
{
    json_t *row = NULL, *pre = NULL, *children = NULL, *post = NULL;
    int rc = find(st, project, feature, 0, &row, err);

    if (rc == VX_OK && json_is_true(json_object_get(row, "archived")))
        rc = vx_err_set(err, VX_EINVAL, NULL, "flag \"%s\" is already archived",
                        feature);
    if (rc == VX_OK)
        rc = vx_store_feature_children(st, feature, &children, err);
    if (rc == VX_OK && json_array_size(children) > 0)
        rc =
            vx_err_set(err, VX_EINVAL, NULL,
                       "flag \"%s\" cannot be archived while other flags "
                       "depend on it (first: \"%s\"); remove their "
                       "dependencies first",
                       feature, json_string_value(json_array_get(children, 0)));
    if (rc == VX_OK)
        rc = vx_store_feature_full(st, feature, &pre, err);
    if (rc == VX_OK)
        rc = vx_store_feature_set_archived(st, feature, 1, err);
    if (rc == VX_OK)
        rc = vx_store_feature_row(st, feature, &post, err);
    if (rc == VX_OK)
        rc = vx_store_event(st, who, "feature-archived", project, feature, NULL,
                            pre, post, err);
    if (rc == VX_OK)
        vx_store_touch_flags(st);
    json_decref(row);
    json_decref(pre);
    json_decref(post);
    json_decref(children);
    return rc;
}

/*
 * The row of an archived (archived true) or any flag, by name alone,
 * with Unleash's wording for an unknown one.
 */
static int find_any(struct vx_store *st, const char *feature, json_t **row,
                    struct vx_err *err)
{
    int rc = vx_store_feature_row(st, feature, row, err);

    if (rc == VX_ENOTFOUND)
        rc = vx_err_set(err, rc, NULL, "There's no feature named \"%s\".",
                        feature);
    return rc;
}

int vx_op_feature_revive(struct vx_store *st, const struct vx_actor *who,
                         const char *feature, struct vx_err *err)
{
    json_t *row = NULL, *post = NULL;
    int rc = find_any(st, feature, &row, err);

    if (rc == VX_OK && !json_is_true(json_object_get(row, "archived")))
        rc = vx_err_set(err, VX_EINVAL, NULL, "flag \"%s\" is not archived",
                        feature);
    if (rc == VX_OK)
        rc = vx_store_feature_set_archived(st, feature, 0, err);
    if (rc == VX_OK)
        rc = vx_store_feature_envs_off(st, feature, err);
    if (rc == VX_OK)
        rc = vx_store_feature_full(st, feature, &post, err);
    if (rc == VX_OK)
        rc = vx_store_event(st, who, "feature-revived",
                            json_string_value(json_object_get(row, "project")),
                            feature, NULL, row, post, err);
    if (rc == VX_OK)
        vx_store_touch_flags(st);
    json_decref(row);
    json_decref(post);
    return rc;
}

int vx_op_feature_delete(struct vx_store *st, const struct vx_actor *who,
                         const char *feature, struct vx_err *err)
{
    json_t *row = NULL, *pre = NULL;
    int rc = find_any(st, feature, &row, err);

    if (rc == VX_OK && !json_is_true(json_object_get(row, "archived")))
        rc = vx_err_set(err, VX_ECONFLICT, NULL,
                        "flag \"%s\" is not archived: archive it first "
                        "(DELETE /api/admin/projects/%s/features/%s), then "
                        "delete it",
                        feature,
                        json_string_value(json_object_get(row, "project")),
                        feature);
    if (rc == VX_OK)
        rc = vx_store_feature_full(st, feature, &pre, err);
    if (rc == VX_OK)
        rc = vx_store_feature_delete(st, feature, err);
    if (rc == VX_OK)
        rc = vx_store_event(st, who, "feature-deleted",
                            json_string_value(json_object_get(row, "project")),
                            feature, NULL, pre, NULL, err);
    if (rc == VX_OK)
        vx_store_touch_flags(st);
    json_decref(row);
    json_decref(pre);
    return rc;
}

int vx_op_feature_clone(struct vx_store *st, const struct vx_actor *who,
                        const char *project, const char *feature,
                        const char *name, int replace_group, json_t **out,
                        struct vx_err *err)
{
    json_t *row = NULL, *data = NULL;
    int rc = find(st, project, feature, 0, &row, err);

    /* A clone starts off where change requests protect the environment:
     * turning it on there is a change someone else must approve. */
    *out = NULL;
    if (rc == VX_OK)
        rc = vx_store_feature_insert(
            st, project, name, json_string_value(json_object_get(row, "type")),
            json_string_value(json_object_get(row, "description")),
            json_is_true(json_object_get(row, "impressionData")), who->user_id,
            err);
    if (rc == VX_OK)
        rc = vx_store_feature_copy(st, feature, name, replace_group, err);
    if (rc == VX_OK)
        rc = vx_store_feature_off_where_protected(st, project, name, err);
    if (rc == VX_OK)
        rc = vx_store_feature_full(st, name, out, err);
    if (rc == VX_OK) {
        data = json_pack("{s:s, s:O}", "cloneOf", feature, "feature", *out);
        rc = vx_store_event(st, who, "feature-cloned", project, name, NULL,
                            NULL, data, err);
    }
    if (rc == VX_OK)
        vx_store_touch_flags(st);
    json_decref(row);
    json_decref(data);
    return rc;
}

int vx_op_feature_tag(struct vx_store *st, const struct vx_actor *who,
                      const char *feature, const char *type, const char *value,
                      int add, struct vx_err *err)
{
    json_t *row = NULL,
           *tag = json_pack("{s:s, s:s}", "type", type, "value", value);
    int rc = find_any(st, feature, &row, err);

    if (rc == VX_OK && add)
        rc = vx_op_tag_type_require(st, type, "/body/type", err);
    if (rc == VX_OK)
        rc = add ? vx_store_feature_tag_add(st, feature, type, value, err)
                 : vx_store_feature_tag_remove(st, feature, type, value, err);
    if (rc == VX_OK)
        rc = vx_store_feature_bump(st, feature, err);
    if (rc == VX_OK)
        rc = vx_store_event(
            st, who, add ? "feature-tagged" : "feature-untagged",
            json_string_value(json_object_get(row, "project")), feature, NULL,
            add ? NULL : tag, add ? tag : NULL, err);
    if (rc == VX_OK)
        vx_store_touch_flags(st);
    json_decref(row);
    json_decref(tag);
    return rc;
}
