/*
 * /api/admin/projects: projects and the environments enabled in each.
 */
#include "handlers/handlers.h"

#include <string.h>

#include "app.h"
#include "config.h"
#include "handlers/common.h"
#include "validate.h"
#include "ops/strategies.h"
#include "store/change_requests.h"
#include "store/projects.h"

/* GET /api/admin/projects */
static void on_list(struct vx_req *req, struct vx_reply *rep)
{
    vx_reply_list(req, rep, vx_store_projects_list, 1, "projects");
}

/* GET /api/admin/projects/:projectId */
static void on_get(struct vx_req *req, struct vx_reply *rep)
{
    vx_reply_get(req, rep, vx_store_project_get, "projectId");
}

/* Validate a project body; id only when creating. */
static int read_project(json_t *body, int creating, const char **id,
                        const char **name, const char **description,
                        struct vx_err *err)
{
    int rc = VX_OK;

    if (creating)
        rc = vx_v_name(body, "id", VX_REQUIRED, 100, id, err);
    if (rc == VX_OK)
        rc = vx_v_string(body, "name", creating, 100, name, err);
    if (rc == VX_OK)
        rc = vx_v_string(body, "description", VX_OPTIONAL, 1000, description,
                         err);
    if (rc == VX_OK && *name && !**name)
        rc = vx_err_set(err, VX_EINVAL, "/body/name",
                        "`/body/name` must not be empty");
    return rc;
}

static void on_create(struct vx_req *req, struct vx_reply *rep)
{
    struct vx_store *st = req->app->store;
    struct vx_actor who = vx_req_actor(req);
    struct vx_err err = {0};
    json_t *body = NULL, *p = NULL;
    const char *id = NULL, *name = NULL, *desc = NULL;
    int rc;

    if (vx_req_json(req, rep, 0, &body))
        return;
    rc = read_project(body, 1, &id, &name, &desc, &err);
    if (rc == VX_OK)
        rc = vx_store_begin(st, &err);
    if (rc)
        goto out;
    rc = vx_store_project_insert(st, id, name, desc, &err);
    if (rc == VX_OK && req->app->cfg->protect_production)
        rc = vx_store_cr_protect_production(st, id, &err);
    if (rc == VX_OK)
        rc = vx_store_project_get(st, id, &p, &err);
    if (rc == VX_OK)
        rc = vx_store_event(st, &who, "project-created", id, NULL, NULL, NULL,
                            p, &err);
    rc = vx_store_finish(st, rc, &err);
out:
    vx_reply_result(rep, rc, &err, 201, p);
    json_decref(body);
}

static void on_update(struct vx_req *req, struct vx_reply *rep)
{
    struct vx_store *st = req->app->store;
    struct vx_actor who = vx_req_actor(req);
    const char *id = vx_req_param(req, "projectId");
    struct vx_err err = {0};
    json_t *body = NULL, *pre = NULL, *p = NULL;
    const char *name = NULL, *desc = NULL, *unused = NULL;
    int rc;

    if (vx_req_json(req, rep, 0, &body))
        return;
    rc = read_project(body, 0, &unused, &name, &desc, &err);
    if (rc == VX_OK)
        rc = vx_store_begin(st, &err);
    if (rc)
        goto out;
    rc = vx_store_project_get(st, id, &pre, &err);
    if (rc == VX_OK)
        rc = vx_store_project_update(st, id, name, desc, &err);
    if (rc == VX_OK)
        rc = vx_store_project_get(st, id, &p, &err);
    if (rc == VX_OK)
        rc = vx_store_event(st, &who, "project-updated", id, NULL, NULL, pre, p,
                            &err);
    rc = vx_store_finish(st, rc, &err);
out:
    vx_reply_result(rep, rc, &err, 200, p);
    json_decref(pre);
    json_decref(body);
}

static void on_delete(struct vx_req *req, struct vx_reply *rep)
{
    struct vx_store *st = req->app->store;
    struct vx_actor who = vx_req_actor(req);
    const char *id = vx_req_param(req, "projectId");
    struct vx_err err = {0};
    json_t *pre = NULL;
    int rc = vx_store_begin(st, &err);

    if (rc)
        goto out;
    if (!strcmp(id, "default"))
        rc = vx_err_set(&err, VX_EINVAL, NULL,
                        "the default project cannot be deleted");
    if (rc == VX_OK)
        rc = vx_store_project_get(st, id, &pre, &err);
    if (rc == VX_OK)
        rc = vx_store_project_delete(st, id, &err);
    if (rc == VX_OK)
        rc = vx_store_event(st, &who, "project-deleted", id, NULL, NULL, pre,
                            NULL, &err);
    rc = vx_store_finish(st, rc, &err);
out:
    vx_reply_result(rep, rc, &err, 200, NULL);
    json_decref(pre);
}

/* Enable (POST, environment in the body) or disable (DELETE) one. */
static void set_env(struct vx_req *req, struct vx_reply *rep, const char *env,
                    int enabled)
{
    struct vx_store *st = req->app->store;
    struct vx_actor who = vx_req_actor(req);
    const char *project = vx_req_param(req, "projectId");
    struct vx_err err = {0};
    json_t *data = json_pack("{s:s}", "environment", env);
    int rc = vx_store_begin(st, &err);

    if (rc)
        goto out;
    rc = vx_store_project_env_set(st, project, env, enabled, &err);
    if (rc == VX_OK) {
        vx_store_touch_flags(st);
        rc = vx_store_event(st, &who,
                            enabled ? "project-environment-added"
                                    : "project-environment-removed",
                            project, NULL, env, NULL, data, &err);
    }
    rc = vx_store_finish(st, rc, &err);
out:
    vx_reply_result(rep, rc, &err, 200, NULL);
    json_decref(data);
}

static void on_env_add(struct vx_req *req, struct vx_reply *rep)
{
    struct vx_err err = {0};
    json_t *body = NULL;
    const char *env = NULL;

    if (vx_req_json(req, rep, 0, &body))
        return;
    if (vx_v_string(body, "environment", VX_REQUIRED, 100, &env, &err))
        vx_reply_err(rep, &err);
    else
        set_env(req, rep, env, 1);
    json_decref(body);
}

static void on_env_remove(struct vx_req *req, struct vx_reply *rep)
{
    set_env(req, rep, vx_req_param(req, "environment"), 0);
}

/* The strategy a flag turned on in an environment with none gets. */
static int read_default(struct vx_store *st, struct vx_req *req, json_t **out,
                        struct vx_err *err)
{
    int rc = vx_store_project_env_default_get(
        st, vx_req_param(req, "projectId"), vx_req_param(req, "environment"),
        out, err);

    if (rc == VX_OK && !*out)
        *out = json_pack("{s:s, s:{s:s, s:s}, s:[], s:[], s:[], s:b}", "name",
                         "flexibleRollout", "parameters", "rollout", "100",
                         "stickiness", "default", "constraints", "variants",
                         "segments", "builtIn", 1);
    return rc;
}

/* GET P/environments/:environment/default-strategy. */
static void on_default_get(struct vx_req *req, struct vx_reply *rep)
{
    vx_reply_read(req, rep, read_default);
}

/* Set (body) or clear (NULL) the default strategy of the environment. */
static void set_default(struct vx_req *req, struct vx_reply *rep, json_t *body)
{
    struct vx_store *st = req->app->store;
    struct vx_actor who = vx_req_actor(req);
    struct vx_err err = {0};
    json_t *out = NULL;
    int rc = vx_store_begin(st, &err);

    if (rc == VX_OK)
        rc = vx_store_finish(
            st,
            vx_op_default_strategy_set(st, &who, vx_req_param(req, "projectId"),
                                       vx_req_param(req, "environment"), body,
                                       &out, &err),
            &err);
    vx_reply_result(rep, rc, &err, 200, body ? out : NULL);
    if (!body)
        json_decref(out);
}

/* POST P/environments/:environment/default-strategy. */
static void on_default_set(struct vx_req *req, struct vx_reply *rep)
{
    json_t *body = NULL;

    if (vx_req_json(req, rep, 0, &body))
        return;
    set_default(req, rep, body);
    json_decref(body);
}

/* DELETE P/environments/:environment/default-strategy. */
static void on_default_clear(struct vx_req *req, struct vx_reply *rep)
{
    set_default(req, rep, NULL);
}

#define P "/api/admin/projects/:projectId"

const struct vx_route vx_routes_projects[] = {
    {"GET", "/api/admin/projects", VX_ACCESS_ADMIN, VX_ROLE_VIEWER, on_list},
    {"POST", "/api/admin/projects", VX_ACCESS_ADMIN, VX_ROLE_ADMIN, on_create},
    {"GET", P, VX_ACCESS_ADMIN, VX_ROLE_VIEWER, on_get},
    {"PUT", P, VX_ACCESS_ADMIN, VX_ROLE_ADMIN, on_update},
    {"DELETE", P, VX_ACCESS_ADMIN, VX_ROLE_ADMIN, on_delete},
    {"POST", P "/environments", VX_ACCESS_ADMIN, VX_ROLE_ADMIN, on_env_add},
    {"DELETE", P "/environments/:environment", VX_ACCESS_ADMIN, VX_ROLE_ADMIN,
     on_env_remove},
    {"GET", P "/environments/:environment/default-strategy", VX_ACCESS_ADMIN,
     VX_ROLE_VIEWER, on_default_get},
    {"POST", P "/environments/:environment/default-strategy", VX_ACCESS_ADMIN,
     VX_ROLE_ADMIN, on_default_set},
    {"DELETE", P "/environments/:environment/default-strategy", VX_ACCESS_ADMIN,
     VX_ROLE_ADMIN, on_default_clear},
    {NULL, NULL, 0, 0, NULL},
};
