/*
 * /api/admin/environments: the environments every project can use.
 */
#include "handlers/handlers.h"

#include "app.h"
#include "handlers/common.h"
#include "validate.h"
#include "store/environments.h"

static const char *const env_types[] = {"development", "test", "preproduction",
                                        "production", NULL};

/* GET /api/admin/environments */
static void on_list(struct vx_req *req, struct vx_reply *rep)
{
    vx_reply_list(req, rep, vx_store_envs_list, 1, "environments");
}

/* GET /api/admin/environments/:name */
static void on_get(struct vx_req *req, struct vx_reply *rep)
{
    vx_reply_get(req, rep, vx_store_env_get, "name");
}

static void on_create(struct vx_req *req, struct vx_reply *rep)
{
    struct vx_store *st = req->app->store;
    struct vx_actor who = vx_req_actor(req);
    struct vx_err err = {0};
    json_t *body = NULL, *env = NULL;
    const char *name = NULL, *type = NULL;
    int enabled = 1;
    int64_t sort = 10;
    int rc;

    if (vx_req_json(req, rep, 0, &body))
        return;
    rc = vx_v_name(body, "name", VX_REQUIRED, 100, &name, &err);
    if (rc == VX_OK)
        rc = vx_v_enum(body, "type", VX_REQUIRED, env_types, &type, &err);
    if (rc == VX_OK)
        rc = vx_v_bool(body, "enabled", VX_OPTIONAL, &enabled, &err);
    if (rc == VX_OK)
        rc = vx_v_int(body, "sortOrder", VX_OPTIONAL, 0, 1000000, &sort, &err);
    if (rc == VX_OK)
        rc = vx_store_begin(st, &err);
    if (rc)
        goto out;
    rc = vx_store_env_insert(st, name, type, enabled, sort, &err);
    if (rc == VX_OK) {
        vx_store_touch_flags(st); /* SDKs of the new environment */
        rc = vx_store_env_get(st, name, &env, &err);
    }
    if (rc == VX_OK)
        rc = vx_store_event(st, &who, "environment-created", NULL, NULL, name,
                            NULL, env, &err);
    rc = vx_store_finish(st, rc, &err);
out:
    vx_reply_result(rep, rc, &err, 201, env);
    json_decref(body);
}

static void on_update(struct vx_req *req, struct vx_reply *rep)
{
    struct vx_store *st = req->app->store;
    struct vx_actor who = vx_req_actor(req);
    const char *name = vx_req_param(req, "name");
    struct vx_err err = {0};
    json_t *body = NULL, *pre = NULL, *env = NULL;
    const char *type = NULL;
    int64_t sort = -1;
    int rc;

    if (vx_req_json(req, rep, 0, &body))
        return;
    rc = vx_v_enum(body, "type", VX_OPTIONAL, env_types, &type, &err);
    if (rc == VX_OK)
        rc = vx_v_int(body, "sortOrder", VX_OPTIONAL, 0, 1000000, &sort, &err);
    if (rc == VX_OK)
        rc = vx_store_begin(st, &err);
    if (rc)
        goto out;
    rc = vx_store_env_get(st, name, &pre, &err);
    if (rc == VX_OK)
        rc = vx_store_env_update(st, name, type, sort, &err);
    if (rc == VX_OK)
        rc = vx_store_env_get(st, name, &env, &err);
    if (rc == VX_OK)
        rc = vx_store_event(st, &who, "environment-updated", NULL, NULL, name,
                            pre, env, &err);
    rc = vx_store_finish(st, rc, &err);
out:
    vx_reply_result(rep, rc, &err, 200, env);
    json_decref(pre);
    json_decref(body);
}

/* Delete, or turn on or off (what < 0, 1, 0). */
static void change(struct vx_req *req, struct vx_reply *rep, int what)
{
    struct vx_store *st = req->app->store;
    struct vx_actor who = vx_req_actor(req);
    const char *name = vx_req_param(req, "name");
    struct vx_err err = {0};
    json_t *pre = NULL;
    int rc = vx_store_begin(st, &err);

    if (rc)
        goto out;
    rc = vx_store_env_get(st, name, &pre, &err);
    if (rc == VX_OK)
        rc = what < 0 ? vx_store_env_delete(st, name, &err)
                      : vx_store_env_set_enabled(st, name, what, &err);
    if (rc == VX_OK) {
        vx_store_touch_flags(st);
        rc = vx_store_event(st, &who,
                            what < 0    ? "environment-deleted"
                            : what == 1 ? "environment-enabled"
                                        : "environment-disabled",
                            NULL, NULL, name, pre, NULL, &err);
    }
    rc = vx_store_finish(st, rc, &err);
out:
    vx_reply_result(rep, rc, &err, what < 0 ? 200 : 204, NULL);
    json_decref(pre);
}

static void on_delete(struct vx_req *req, struct vx_reply *rep)
{
    change(req, rep, -1);
}

static void on_on(struct vx_req *req, struct vx_reply *rep)
{
    change(req, rep, 1);
}

static void on_off(struct vx_req *req, struct vx_reply *rep)
{
    change(req, rep, 0);
}

#define E "/api/admin/environments"

const struct vx_route vx_routes_environments[] = {
    {"GET", E, VX_ACCESS_ADMIN, VX_ROLE_VIEWER, on_list},
    {"POST", E, VX_ACCESS_ADMIN, VX_ROLE_ADMIN, on_create},
    {"GET", E "/:name", VX_ACCESS_ADMIN, VX_ROLE_VIEWER, on_get},
    {"PUT", E "/:name", VX_ACCESS_ADMIN, VX_ROLE_ADMIN, on_update},
    {"DELETE", E "/:name", VX_ACCESS_ADMIN, VX_ROLE_ADMIN, on_delete},
    {"POST", E "/:name/on", VX_ACCESS_ADMIN, VX_ROLE_ADMIN, on_on},
    {"POST", E "/:name/off", VX_ACCESS_ADMIN, VX_ROLE_ADMIN, on_off},
    {NULL, NULL, 0, 0, NULL},
};
