/*
 * Feature flags in the admin API: P/features (P being
 * /api/admin/projects/:projectId), toggles per environment, the
 * archive, tags, name validation and the list of flag types. Each
 * handler reads and checks the request, opens the store bracket, runs
 * the operations of ops/features.h and replies.
 */
#include "handlers/handlers.h"

#include <string.h>

#include "app.h"
#include "handlers/common.h"
#include "validate.h"
#include "jsonpatch.h"
#include "ops/features.h"
#include "store/features.h"
#include "store/projects.h"
#include "util.h"

#define TAG_MAX 50

/*
 * {version, features}: the live flags of the path's project, or with
 * archived set the archived ones (of all projects when the path has
 * none). A vx_read_fn's body.
 */
static int load_flags(struct vx_store *st, struct vx_req *req, int archived,
                      json_t **out, struct vx_err *err)
{
    const char *project = vx_req_param(req, "projectId");
    json_t *list = NULL;
    int rc = VX_OK;

    if (project || !archived)
        rc = vx_store_project_exists(st, project, err);
    if (rc == VX_OK)
        rc = archived ? vx_store_features_archived(st, project, &list, err)
                      : vx_store_features_list(st, project, &list, err);
    if (rc == VX_OK)
        *out = json_pack("{s:i, s:o}", "version", 2, "features", list);
    return rc;
}

/* The project's live flags (a vx_read_fn). */
static int load_list(struct vx_store *st, struct vx_req *req, json_t **out,
                     struct vx_err *err)
{
    return load_flags(st, req, 0, out, err);
}

/* GET P/features: the project's live flags. */
static void on_list(struct vx_req *req, struct vx_reply *rep)
{
    vx_reply_read(req, rep, load_list);
}

/*
 * Check the shape of one tag object; where names it in errors
 * ("/body/tags/0"). Whether its type exists is checked when it is
 * stored (vx_op_feature_tag, vx_op_feature_create).
 */
static int check_tag(json_t *tag, const char *where, struct vx_err *err)
{
    const char *type = json_string_value(json_object_get(tag, "type"));
    json_t *value = json_object_get(tag, "value");
    char path[96];

    if (!json_is_object(tag))
        return vx_err_set(err, VX_EINVAL, where,
                          "`%s` must be an object with type and value", where);
    snprintf(path, sizeof(path), "%s/type", where);
    if (!type || !vx_name_ok(type, TAG_MAX))
        return vx_err_set(err, VX_EINVAL, path,
                          "`%s` must be a URL-friendly string of 1 to %d "
                          "characters",
                          path, TAG_MAX);
    snprintf(path, sizeof(path), "%s/value", where);
    if (!json_is_string(value) || json_string_length(value) < 1 ||
        json_string_length(value) > TAG_MAX)
        return vx_err_set(err, VX_EINVAL, path,
                          "`%s` must be a string of 1 to %d characters", path,
                          TAG_MAX);
    return VX_OK;
}

/* A flag name from body[key], with Unleash's messages when it is bad. */
static int read_name(json_t *body, const char *key, const char **name,
                     struct vx_err *err)
{
    int rc = vx_v_name(body, key, VX_REQUIRED, 100, name, err);

    /* Unleash names the field in the message only, not as a path. */
    if (rc && *name && strstr(err->msg, "URL friendly"))
        err->path[0] = '\0';
    return rc;
}

/* Read and check the body of a new flag. */
static int read_new_flag(json_t *body, const char **name, const char **type,
                         const char **desc, int *impression, json_t **tags,
                         struct vx_err *err)
{
    char where[64];
    json_t *tag;
    size_t i;
    int rc = read_name(body, "name", name, err);

    if (rc == VX_OK)
        rc = vx_v_string(body, "type", VX_OPTIONAL, 100, type, err);
    if (rc == VX_OK && *type && !vx_feature_type_ok(*type))
        rc = vx_err_set(err, VX_EINVAL, "/body/type",
                        "\"%s\" is not a flag type; see GET "
                        "/api/admin/feature-types",
                        *type);
    if (rc == VX_OK)
        rc = vx_v_string(body, "description", VX_OPTIONAL, 0, desc, err);
    if (rc == VX_OK)
        rc = vx_v_bool(body, "impressionData", VX_OPTIONAL, impression, err);
    if (rc == VX_OK)
        rc = vx_v_array(body, "tags", VX_OPTIONAL, tags, err);
    json_array_foreach (*tags, i, tag) {
        if (rc)
            break;
        snprintf(where, sizeof(where), "/body/tags/%zu", i);
        rc = check_tag(tag, where, err);
    }
    return rc;
}

/* POST P/features: a new flag. */
static void on_create(struct vx_req *req, struct vx_reply *rep)
{
    struct vx_store *st = req->app->store;
    struct vx_actor who = vx_req_actor(req);
    struct vx_err err = {0};
    json_t *body = NULL, *tags = NULL, *flag = NULL;
    const char *name = NULL, *type = NULL, *desc = NULL;
    int impression = 0, rc;

    if (vx_req_json(req, rep, 0, &body))
        return;
    rc = read_new_flag(body, &name, &type, &desc, &impression, &tags, &err);
    if (rc == VX_OK)
        rc = vx_store_begin(st, &err);
    if (rc)
        goto out;
    rc = vx_op_feature_create(st, &who, vx_req_param(req, "projectId"), name,
                              type ? type : "release", desc, impression, tags,
                              &flag, &err);
    rc = vx_store_finish(st, rc, &err);
out:
    vx_reply_result(rep, rc, &err, 201, rc ? NULL : json_incref(flag));
    json_decref(flag);
    json_decref(body);
}

/* The flag :featureName of the path's project, in full (a vx_read_fn). */
static int load_one(struct vx_store *st, struct vx_req *req, json_t **out,
                    struct vx_err *err)
{
    return vx_op_feature_get(st, vx_req_param(req, "projectId"),
                             vx_req_param(req, "featureName"), out, err);
}

/* GET P/features/:featureName: one flag, in full. */
static void on_get(struct vx_req *req, struct vx_reply *rep)
{
    vx_reply_read(req, rep, load_one);
}

/*
 * Overlay the fields present in obj on edit (which points into obj or
 * the flag it was filled from). A name other than the flag's is
 * refused.
 */
static int read_edit(json_t *obj, const char *feature,
                     struct vx_feature_edit *edit, struct vx_err *err)
{
    const char *name = NULL, *type = NULL, *desc = NULL;
    int rc = vx_v_string(obj, "name", VX_OPTIONAL, 0, &name, err);

    if (rc == VX_OK && name && strcmp(name, feature))
        rc = vx_err_set(err, VX_EINVAL, "/body/name",
                        "the name of a flag cannot change: \"%s\" is not "
                        "\"%s\"",
                        name, feature);
    if (rc == VX_OK)
        rc = vx_v_string(obj, "type", VX_OPTIONAL, 100, &type, err);
    if (rc == VX_OK)
        rc = vx_v_string(obj, "description", VX_OPTIONAL, 0, &desc, err);
    if (rc == VX_OK)
        rc = vx_v_bool(obj, "stale", VX_OPTIONAL, &edit->stale, err);
    if (rc == VX_OK)
        rc = vx_v_bool(obj, "impressionData", VX_OPTIONAL,
                       &edit->impression_data, err);
    if (type)
        edit->type = type;
    if (desc)
        edit->description = desc;
    return rc;
}

/* Fill edit with the current values of flag (borrowed strings). */
static void edit_from(json_t *flag, struct vx_feature_edit *edit)
{
    edit->type = json_string_value(json_object_get(flag, "type"));
    edit->description = json_string_value(json_object_get(flag, "description"));
    edit->stale = json_is_true(json_object_get(flag, "stale"));
    edit->impression_data =
        json_is_true(json_object_get(flag, "impressionData"));
}

/* PUT P/features/:featureName: replace editable fields. */
static void on_update(struct vx_req *req, struct vx_reply *rep)
{
    struct vx_store *st = req->app->store;
    struct vx_actor who = vx_req_actor(req);
    const char *project = vx_req_param(req, "projectId");
    const char *feature = vx_req_param(req, "featureName");
    struct vx_feature_edit edit = {0};
    struct vx_err err = {0};
    json_t *body = NULL, *pre = NULL, *flag = NULL;
    int rc;

    if (vx_req_json(req, rep, 0, &body))
        return;
    rc = vx_store_begin(st, &err);
    if (rc)
        goto out;
    rc = vx_op_feature_get(st, project, feature, &pre, &err);
    if (rc == VX_OK) {
        edit_from(pre, &edit);
        rc = read_edit(body, feature, &edit, &err);
    }
    if (rc == VX_OK)
        rc = vx_op_feature_update(st, &who, project, feature, &edit, &flag,
                                  &err);
    rc = vx_store_finish(st, rc, &err);
out:
    vx_reply_result(rep, rc, &err, 200, rc ? NULL : json_incref(flag));
    json_decref(flag);
    json_decref(pre);
    json_decref(body);
}

/* The fields of flag a JSON Patch may touch, as a new object. */
static json_t *patchable(json_t *flag)
{
    static const char *const keys[] = {"name",  "type",           "description",
                                       "stale", "impressionData", NULL};
    json_t *doc = json_object();

    for (int i = 0; keys[i]; i++)
        json_object_set(doc, keys[i], json_object_get(flag, keys[i]));
    return doc;
}

/* Refuse a patched document that gained or lost fields. */
static int check_patched(json_t *doc, struct vx_err *err)
{
    static const char *const keys[] = {"name",  "type",           "description",
                                       "stale", "impressionData", NULL};
    const char *key;
    json_t *v;

    json_object_foreach (doc, key, v) {
        int known = 0;

        for (int i = 0; keys[i]; i++)
            known |= !strcmp(key, keys[i]);
        if (!known)
            return vx_err_set(err, VX_EINVAL, "/body",
                              "the patch may change only name, type, "
                              "description, stale and impressionData, "
                              "not \"%s\"",
                              key);
    }
    for (int i = 0; keys[i]; i++)
        if (json_is_null(json_object_get(doc, keys[i])) ||
            !json_object_get(doc, keys[i]))
            return vx_err_set(err, VX_EINVAL, "/body",
                              "the patch may not remove \"%s\"", keys[i]);
    return VX_OK;
}

/* Parse the body as a JSON array (a patch); a 400 reply if it is not. */
static int read_patch(struct vx_req *req, struct vx_reply *rep, json_t **out)
{
    json_error_t jerr;

    *out = json_loadb(req->body ? req->body : "", req->body_len, 0, &jerr);
    if (json_is_array(*out))
        return VX_OK;
    if (*out)
        vx_reply_error(rep, VX_EINVAL, "/body",
                       "the body must be a JSON Patch: an array of "
                       "operations");
    else
        vx_reply_error(rep, VX_EINVAL, "/body",
                       "the body is not valid JSON: %s at line %d column "
                       "%d",
                       jerr.text, jerr.line, jerr.column);
    json_decref(*out);
    *out = NULL;
    return VX_EINVAL;
}

/* PATCH P/features/:featureName: a JSON Patch of those fields. */
static void on_patch(struct vx_req *req, struct vx_reply *rep)
{
    struct vx_store *st = req->app->store;
    struct vx_actor who = vx_req_actor(req);
    const char *project = vx_req_param(req, "projectId");
    const char *feature = vx_req_param(req, "featureName");
    struct vx_feature_edit edit = {0};
    struct vx_err err = {0};
    json_t *patch = NULL, *pre = NULL, *doc = NULL, *patched = NULL;
    json_t *flag = NULL;
    int rc;

    if (read_patch(req, rep, &patch))
        return;
    rc = vx_store_begin(st, &err);
    if (rc)
        goto out;
    rc = vx_op_feature_get(st, project, feature, &pre, &err);
    if (rc == VX_OK) {
        doc = patchable(pre);
        rc = vx_json_patch(doc, patch, &patched, &err);
    }
    if (rc == VX_OK)
        rc = check_patched(patched, &err);
    if (rc == VX_OK) {
        edit_from(pre, &edit);
        rc = read_edit(patched, feature, &edit, &err);
    }
    if (rc == VX_OK)
        rc = vx_op_feature_update(st, &who, project, feature, &edit, &flag,
                                  &err);
    rc = vx_store_finish(st, rc, &err);
out:
    vx_reply_result(rep, rc, &err, 200, rc ? NULL : json_incref(flag));
    json_decref(flag);
    json_decref(patched);
    json_decref(doc);
    json_decref(pre);
    json_decref(patch);
}

/* Refuse when the flag is on in a change-request-protected environment. */
static int guard_envs_on(struct vx_store *st, const char *project,
                         const char *feature, struct vx_err *err)
{
    json_t *envs = NULL, *env;
    size_t i;
    int rc = vx_store_feature_envs_on(st, feature, &envs, err);

    json_array_foreach (envs, i, env) {
        if (rc)
            break;
        rc = vx_guard_env(st, project, json_string_value(env), err);
    }
    json_decref(envs);
    return rc;
}

/* DELETE P/features/:featureName: archive the flag. */
static void on_archive(struct vx_req *req, struct vx_reply *rep)
{
    struct vx_store *st = req->app->store;
    struct vx_actor who = vx_req_actor(req);
    const char *project = vx_req_param(req, "projectId");
    const char *feature = vx_req_param(req, "featureName");
    struct vx_err err = {0};
    json_t *flag = NULL;
    int rc = vx_store_begin(st, &err);

    if (rc)
        goto out;
    rc = vx_op_feature_get(st, project, feature, &flag, &err);
    if (rc == VX_OK)
        rc = guard_envs_on(st, project, feature, &err);
    if (rc == VX_OK)
        rc = vx_op_feature_archive(st, &who, project, feature, &err);
    rc = vx_store_finish(st, rc, &err);
out:
    vx_reply_result(rep, rc, &err, 202, NULL);
    json_decref(flag);
}

/* Clone: a new flag named in the body, copied from the path's. */
static void on_clone(struct vx_req *req, struct vx_reply *rep)
{
    struct vx_store *st = req->app->store;
    struct vx_actor who = vx_req_actor(req);
    struct vx_err err = {0};
    json_t *body = NULL, *flag = NULL;
    const char *name = NULL;
    int replace = 1, rc;

    if (vx_req_json(req, rep, 0, &body))
        return;
    rc = read_name(body, "name", &name, &err);
    if (rc == VX_OK)
        rc = vx_v_bool(body, "replaceGroupId", VX_OPTIONAL, &replace, &err);
    if (rc == VX_OK)
        rc = vx_store_begin(st, &err);
    if (rc)
        goto out;
    rc = vx_op_feature_clone(st, &who, vx_req_param(req, "projectId"),
                             vx_req_param(req, "featureName"), name, replace,
                             &flag, &err);
    rc = vx_store_finish(st, rc, &err);
out:
    vx_reply_result(rep, rc, &err, 201, rc ? NULL : json_incref(flag));
    json_decref(flag);
    json_decref(body);
}

/* Turn the path's flag on or off in the path's environment. */
static void toggle(struct vx_req *req, struct vx_reply *rep, int enabled)
{
    struct vx_store *st = req->app->store;
    struct vx_actor who = vx_req_actor(req);
    const char *project = vx_req_param(req, "projectId");
    const char *feature = vx_req_param(req, "featureName");
    const char *env = vx_req_param(req, "environment");
    struct vx_err err = {0};
    json_t *flag = NULL;
    int rc = vx_store_begin(st, &err);

    if (rc)
        goto out;
    rc = vx_op_feature_get(st, project, feature, &flag, &err);
    if (rc == VX_OK)
        rc = vx_store_project_env_check(st, project, env, &err);
    if (rc == VX_OK)
        rc = vx_guard_env(st, project, env, &err);
    if (rc == VX_OK)
        rc = vx_op_feature_toggle(st, &who, project, feature, env, enabled,
                                  &err);
    json_decref(flag);
    flag = NULL;
    if (rc == VX_OK)
        rc = vx_op_feature_get(st, project, feature, &flag, &err);
    rc = vx_store_finish(st, rc, &err);
out:
    vx_reply_result(rep, rc, &err, 200, rc ? NULL : json_incref(flag));
    json_decref(flag);
}

/* POST .../environments/:environment/on. */
static void on_toggle_on(struct vx_req *req, struct vx_reply *rep)
{
    toggle(req, rep, 1);
}

/* POST .../environments/:environment/off. */
static void on_toggle_off(struct vx_req *req, struct vx_reply *rep)
{
    toggle(req, rep, 0);
}

/* The archived flags (a vx_read_fn). */
static int load_archived(struct vx_store *st, struct vx_req *req, json_t **out,
                         struct vx_err *err)
{
    return load_flags(st, req, 1, out, err);
}

/* Archived flags of the path's project, or of all when it has none. */
static void on_archived(struct vx_req *req, struct vx_reply *rep)
{
    vx_reply_read(req, rep, load_archived);
}

/* Revive (what 1) or delete for good (what 0) an archived flag. */
static void archive_change(struct vx_req *req, struct vx_reply *rep, int revive)
{
    struct vx_store *st = req->app->store;
    struct vx_actor who = vx_req_actor(req);
    const char *feature = vx_req_param(req, "featureName");
    struct vx_err err = {0};
    int rc = vx_store_begin(st, &err);

    if (rc)
        goto out;
    rc = revive ? vx_op_feature_revive(st, &who, feature, &err)
                : vx_op_feature_delete(st, &who, feature, &err);
    rc = vx_store_finish(st, rc, &err);
out:
    vx_reply_result(rep, rc, &err, 200, NULL);
}

/* POST /api/admin/archive/revive/:featureName. */
static void on_revive(struct vx_req *req, struct vx_reply *rep)
{
    archive_change(req, rep, 1);
}

/* DELETE /api/admin/archive/:featureName: delete for good. */
static void on_delete(struct vx_req *req, struct vx_reply *rep)
{
    archive_change(req, rep, 0);
}

/* 200 when a name is valid and free, 409 when taken, 400 when bad. */
static void on_validate(struct vx_req *req, struct vx_reply *rep)
{
    struct vx_store *st = req->app->store;
    struct vx_err err = {0};
    json_t *body = NULL, *row = NULL;
    const char *name = NULL;
    int rc;

    if (vx_req_json(req, rep, 0, &body))
        return;
    rc = read_name(body, "name", &name, &err);
    if (rc == VX_OK)
        rc = vx_store_read(st, &err);
    if (rc)
        goto out;
    rc = vx_store_feature_row(st, name, &row, &err);
    vx_store_done(st);
    if (rc == VX_OK)
        rc = vx_err_set(&err, VX_ECONFLICT, NULL,
                        "A flag with that name already exists");
    else if (rc == VX_ENOTFOUND)
        rc = VX_OK;
out:
    vx_reply_result(rep, rc, &err, 200, NULL);
    json_decref(row);
    json_decref(body);
}

/* {version, tags}: the tags of flag :featureName (a vx_read_fn). */
static int load_tags(struct vx_store *st, struct vx_req *req, json_t **out,
                     struct vx_err *err)
{
    const char *feature = vx_req_param(req, "featureName");
    json_t *row = NULL, *tags = NULL;
    int rc = vx_store_feature_row(st, feature, &row, err);

    if (rc == VX_ENOTFOUND)
        rc = vx_err_set(err, rc, NULL, "There's no feature named \"%s\".",
                        feature);
    if (rc == VX_OK)
        rc = vx_store_feature_tags(st, feature, &tags, err);
    if (rc == VX_OK)
        *out = json_pack("{s:i, s:o}", "version", 1, "tags", tags);
    json_decref(row);
    return rc;
}

/* GET /api/admin/features/:featureName/tags. */
static void on_tags(struct vx_req *req, struct vx_reply *rep)
{
    vx_reply_read(req, rep, load_tags);
}

/* Tag (add 1) or untag the path's flag. */
static void tag_change(struct vx_req *req, struct vx_reply *rep,
                       const char *type, const char *value, int add)
{
    struct vx_store *st = req->app->store;
    struct vx_actor who = vx_req_actor(req);
    struct vx_err err = {0};
    int rc = vx_store_begin(st, &err);

    if (rc == VX_OK) {
        rc = vx_op_feature_tag(st, &who, vx_req_param(req, "featureName"), type,
                               value, add, &err);
        rc = vx_store_finish(st, rc, &err);
    }
    vx_reply_result(rep, rc, &err, add ? 201 : 200,
                    add && rc == VX_OK
                        ? json_pack("{s:s, s:s}", "type", type, "value", value)
                        : NULL);
}

/* POST /api/admin/features/:featureName/tags. */
static void on_tag_add(struct vx_req *req, struct vx_reply *rep)
{
    struct vx_err err = {0};
    json_t *body = NULL;

    if (vx_req_json(req, rep, 0, &body))
        return;
    if (check_tag(body, "/body", &err))
        vx_reply_err(rep, &err);
    else
        tag_change(req, rep, json_string_value(json_object_get(body, "type")),
                   json_string_value(json_object_get(body, "value")), 1);
    json_decref(body);
}

/* DELETE .../tags/:type/:value. */
static void on_tag_remove(struct vx_req *req, struct vx_reply *rep)
{
    tag_change(req, rep, vx_req_param(req, "type"), vx_req_param(req, "value"),
               0);
}

/* GET /api/admin/feature-types. */
static void on_types(struct vx_req *req, struct vx_reply *rep)
{
    (void)req;
    vx_reply_json(
        rep, 200,
        json_pack("{s:i, s:o}", "version", 1, "types", vx_feature_types()));
}

#define P "/api/admin/projects/:projectId/features"
#define F P "/:featureName"
#define A "/api/admin/archive"
#define T "/api/admin/features/:featureName/tags"

const struct vx_route vx_routes_features[] = {
    {"GET", P, VX_ACCESS_ADMIN, VX_ROLE_VIEWER, on_list},
    {"POST", P, VX_ACCESS_ADMIN, VX_ROLE_EDITOR, on_create},
    {"GET", F, VX_ACCESS_ADMIN, VX_ROLE_VIEWER, on_get},
    {"PUT", F, VX_ACCESS_ADMIN, VX_ROLE_EDITOR, on_update},
    {"PATCH", F, VX_ACCESS_ADMIN, VX_ROLE_EDITOR, on_patch},
    {"DELETE", F, VX_ACCESS_ADMIN, VX_ROLE_EDITOR, on_archive},
    {"POST", F "/clone", VX_ACCESS_ADMIN, VX_ROLE_EDITOR, on_clone},
    {"POST", F "/environments/:environment/on", VX_ACCESS_ADMIN, VX_ROLE_EDITOR,
     on_toggle_on},
    {"POST", F "/environments/:environment/off", VX_ACCESS_ADMIN,
     VX_ROLE_EDITOR, on_toggle_off},
    {"GET", A "/features", VX_ACCESS_ADMIN, VX_ROLE_VIEWER, on_archived},
    {"GET", A "/features/:projectId", VX_ACCESS_ADMIN, VX_ROLE_VIEWER,
     on_archived},
    {"POST", A "/revive/:featureName", VX_ACCESS_ADMIN, VX_ROLE_EDITOR,
     on_revive},
    {"DELETE", A "/:featureName", VX_ACCESS_ADMIN, VX_ROLE_EDITOR, on_delete},
    {"POST", "/api/admin/features/validate", VX_ACCESS_ADMIN, VX_ROLE_VIEWER,
     on_validate},
    {"GET", T, VX_ACCESS_ADMIN, VX_ROLE_VIEWER, on_tags},
    {"POST", T, VX_ACCESS_ADMIN, VX_ROLE_EDITOR, on_tag_add},
    {"DELETE", T "/:type/:value", VX_ACCESS_ADMIN, VX_ROLE_EDITOR,
     on_tag_remove},
    {"GET", "/api/admin/feature-types", VX_ACCESS_ADMIN, VX_ROLE_VIEWER,
     on_types},
    {NULL, NULL, 0, 0, NULL},
};
