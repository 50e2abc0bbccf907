/*
 * /api/admin/strategies: the activation strategies flags may use. The
 * built-in ones are read-only; custom ones are defined here by name and
 * parameter list, and SDKs that implement a strategy of that name
 * evaluate it. Any role reads; writing needs the Admin role.
 */
#include "handlers/handlers.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "handlers/common.h"
#include "validate.h"
#include "store/strategy_defs.h"

static const char *const param_types[] = {"string", "percentage", "list",
                                          "number", "boolean",    NULL};

/*
 * Check one parameter definition p (index i) and append it, with every
 * field filled in, to out.
 */
static int read_param(json_t *p, size_t i, json_t *out, struct vx_err *err)
{
    const char *name = NULL, *type = NULL, *desc = NULL;
    int required = 0;
    char path[96];
    int rc;

    snprintf(path, sizeof(path), "/body/parameters/%zu", i);
    if (!json_is_object(p))
        return vx_err_set(err, VX_EINVAL, path,
                          "each parameter must be an object with a `name` "
                          "and a `type`");
    rc = vx_v_string(p, "name", VX_REQUIRED, 100, &name, err);
    if (rc == VX_OK && !*name)
        rc = vx_err_set(err, VX_EINVAL, NULL, "`name` must not be empty");
    if (rc == VX_OK)
        rc = vx_v_enum(p, "type", VX_REQUIRED, param_types, &type, err);
    if (rc == VX_OK)
        rc = vx_v_string(p, "description", VX_OPTIONAL, 1000, &desc, err);
    if (rc == VX_OK)
        rc = vx_v_bool(p, "required", VX_OPTIONAL, &required, err);
    if (rc) {
        snprintf(err->path, sizeof(err->path), "%s", path);
        return rc;
    }
    json_array_append_new(
        out, json_pack("{s:s, s:s, s:s, s:b}", "name", name, "type", type,
                       "description", desc ? desc : "", "required", required));
    return VX_OK;
}

/*
 * Read a strategy definition body. *params gets a new array (NULL when
 * the body has none); caller frees.
 */
static int read_def(json_t *body, const char **title, const char **desc,
                    json_t **params, struct vx_err *err)
{
    json_t *arr = NULL, *p;
    size_t i;
    int rc;

    *params = NULL;
    rc = vx_v_string(body, "displayName", VX_OPTIONAL, 100, title, err);
    if (rc == VX_OK && !*title)
        rc = vx_v_string(body, "title", VX_OPTIONAL, 100, title, err);
    if (rc == VX_OK)
        rc = vx_v_string(body, "description", VX_OPTIONAL, 1000, desc, err);
    if (rc == VX_OK)
        rc = vx_v_array(body, "parameters", VX_OPTIONAL, &arr, err);
    if (rc || !arr)
        return rc;
    *params = json_array();
    json_array_foreach (arr, i, p) {
        rc = read_param(p, i, *params, err);
        if (rc)
            break;
    }
    if (rc) {
        json_decref(*params);
        *params = NULL;
    }
    return rc;
}

/* GET /api/admin/strategies */
static void on_list(struct vx_req *req, struct vx_reply *rep)
{
    vx_reply_list(req, rep, vx_store_strategy_defs_list, 1, "strategies");
}

/* GET /api/admin/strategies/:name */
static void on_get(struct vx_req *req, struct vx_reply *rep)
{
    vx_reply_get(req, rep, vx_store_strategy_def_get, "name");
}

/* POST /api/admin/strategies */
static void on_create(struct vx_req *req, struct vx_reply *rep)
{
    struct vx_store *st = req->app->store;
    struct vx_actor who = vx_req_actor(req);
    struct vx_err err = {0};
    json_t *body = NULL, *params = NULL, *def = NULL;
    const char *name = NULL, *title = NULL, *desc = NULL;
    int rc;

    if (vx_req_json(req, rep, 0, &body))
        return;
    rc = vx_v_name(body, "name", VX_REQUIRED, 100, &name, &err);
    if (rc == VX_OK)
        rc = read_def(body, &title, &desc, &params, &err);
    if (rc == VX_OK)
        rc = vx_store_begin(st, &err);
    if (rc)
        goto out;
    rc = vx_store_strategy_def_insert(st, name, title, desc, params, &err);
    if (rc == VX_OK)
        rc = vx_store_strategy_def_get(st, name, &def, &err);
    if (rc == VX_OK)
        rc = vx_store_event(st, &who, "strategy-created", NULL, NULL, NULL,
                            NULL, def, &err);
    rc = vx_store_finish(st, rc, &err);
out:
    vx_reply_result(rep, rc, &err, 201, def);
    json_decref(params);
    json_decref(body);
}

/* PUT /api/admin/strategies/:name */
static void on_update(struct vx_req *req, struct vx_reply *rep)
{
    struct vx_store *st = req->app->store;
    struct vx_actor who = vx_req_actor(req);
    const char *name = vx_req_param(req, "name");
    struct vx_err err = {0};
    json_t *body = NULL, *params = NULL, *pre = NULL, *def = NULL;
    const char *title = NULL, *desc = NULL;
    int rc;

    if (vx_req_json(req, rep, 0, &body))
        return;
    rc = read_def(body, &title, &desc, &params, &err);
    if (rc == VX_OK)
        rc = vx_store_begin(st, &err);
    if (rc)
        goto out;
    rc = vx_store_strategy_def_get(st, name, &pre, &err);
    if (rc == VX_OK)
        rc = vx_store_strategy_def_update(st, name, title, desc, params, &err);
    if (rc == VX_OK)
        rc = vx_store_strategy_def_get(st, name, &def, &err);
    if (rc == VX_OK)
        rc = vx_store_event(st, &who, "strategy-updated", NULL, NULL, NULL, pre,
                            def, &err);
    rc = vx_store_finish(st, rc, &err);
out:
    vx_reply_result(rep, rc, &err, 200, def);
    json_decref(params);
    json_decref(pre);
    json_decref(body);
}

/* Deprecate (1), reactivate (0) or delete (-1) strategy :name. */
static void change(struct vx_req *req, struct vx_reply *rep, int what)
{
    struct vx_store *st = req->app->store;
    struct vx_actor who = vx_req_actor(req);
    const char *name = vx_req_param(req, "name");
    struct vx_err err = {0};
    json_t *pre = NULL, *def = NULL;
    int rc = vx_store_begin(st, &err);

    if (rc)
        goto out;
    rc = vx_store_strategy_def_get(st, name, &pre, &err);
    if (rc == VX_OK && what == 1 && !strcmp(name, "default"))
        rc = vx_err_set(&err, VX_EINVAL, NULL,
                        "the default strategy cannot be deprecated");
    if (rc == VX_OK)
        rc = what < 0 ? vx_store_strategy_def_delete(st, name, &err)
                      : vx_store_strategy_def_deprecate(st, name, what, &err);
    if (rc == VX_OK && what >= 0)
        rc = vx_store_strategy_def_get(st, name, &def, &err);
    if (rc == VX_OK)
        rc = vx_store_event(st, &who,
                            what < 0    ? "strategy-deleted"
                            : what == 1 ? "strategy-deprecated"
                                        : "strategy-reactivated",
                            NULL, NULL, NULL, pre, def, &err);
    rc = vx_store_finish(st, rc, &err);
out:
    vx_reply_result(rep, rc, &err, 200, NULL);
    json_decref(pre);
    json_decref(def);
}

/* POST /api/admin/strategies/:name/deprecate */
static void on_deprecate(struct vx_req *req, struct vx_reply *rep)
{
    change(req, rep, 1);
}

/* POST /api/admin/strategies/:name/reactivate */
static void on_reactivate(struct vx_req *req, struct vx_reply *rep)
{
    change(req, rep, 0);
}

/* DELETE /api/admin/strategies/:name */
static void on_delete(struct vx_req *req, struct vx_reply *rep)
{
    change(req, rep, -1);
}

#define D "/api/admin/strategies"

const struct vx_route vx_routes_strategy_defs[] = {
    {"GET", D, VX_ACCESS_ADMIN, VX_ROLE_VIEWER, on_list},
    {"POST", D, VX_ACCESS_ADMIN, VX_ROLE_ADMIN, on_create},
    {"GET", D "/:name", VX_ACCESS_ADMIN, VX_ROLE_VIEWER, on_get},
    {"PUT", D "/:name", VX_ACCESS_ADMIN, VX_ROLE_ADMIN, on_update},
    {"DELETE", D "/:name", VX_ACCESS_ADMIN, VX_ROLE_ADMIN, on_delete},
    {"POST", D "/:name/deprecate", VX_ACCESS_ADMIN, VX_ROLE_ADMIN,
     on_deprecate},
    {"POST", D "/:name/reactivate", VX_ACCESS_ADMIN, VX_ROLE_ADMIN,
     on_reactivate},
    {NULL, NULL, 0, 0, NULL},
};
