/*
 * /api/admin/context: the context fields constraints and stickiness can
 * use. Any role reads them; Editors may update a field (its legal
 * values change as often as flags do); creating and deleting one needs
 * the Admin role. The six built-in fields cannot be deleted.
 */
#include "handlers/handlers.h"

#include <string.h>

#include "app.h"
#include "handlers/common.h"
#include "validate.h"
#include "store/context.h"

/* The most legal values one field may list. */
#define LEGAL_MAX 10000

/*
 * Check legalValues: an array of {value, description?} (or of strings)
 * with distinct values. *out gets a new array of {value, description}.
 */
static int read_legal(json_t *arr, json_t **out, struct vx_err *err)
{
    json_t *seen = json_object(), *v;
    size_t i;
    int rc = VX_OK;

    *out = json_array();
    if (json_array_size(arr) > LEGAL_MAX)
        rc = vx_err_set(err, VX_EINVAL, "/body/legalValues",
                        "a context field may have at most %d legal values",
                        LEGAL_MAX);
    json_array_foreach (arr, i, v) {
        const char *val = NULL, *desc = "";
        char path[96];

        if (rc)
            break;
        snprintf(path, sizeof(path), "/body/legalValues/%zu", i);
        if (json_is_string(v)) {
            val = json_string_value(v);
        } else if (json_is_object(v)) {
            rc = vx_v_string(v, "value", VX_REQUIRED, 100, &val, err);
            if (rc == VX_OK)
                rc = vx_v_string(v, "description", VX_OPTIONAL, 1000, &desc,
                                 err);
            if (rc) {
                snprintf(err->path, sizeof(err->path), "%s", path);
                break;
            }
            desc = desc ? desc : "";
        }
        if (!val || !*val || json_object_get(seen, val))
            rc = vx_err_set(err, VX_EINVAL, path,
                            "each legal value must be a non-empty, "
                            "distinct `value`");
        else
            json_object_set_new(seen, val, json_true());
        if (rc == VX_OK)
            json_array_append_new(*out, json_pack("{s:s, s:s}", "value", val,
                                                  "description", desc));
    }
    json_decref(seen);
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

/* Read a context field body into c (legal_values is new, caller owns). */
static int read_field(json_t *body, struct vx_context_row *c,
                      struct vx_err *err)
{
    json_t *legal = NULL;
    int sticky = -1;
    int rc;

    rc = vx_v_string(body, "description", VX_OPTIONAL, 1000, &c->description,
                     err);
    if (rc == VX_OK)
        rc = vx_v_bool(body, "stickiness", VX_OPTIONAL, &sticky, err);
    if (rc == VX_OK)
        rc = vx_v_int(body, "sortOrder", VX_OPTIONAL, 0, 1000000,
                      &c->sort_order, err);
    if (rc == VX_OK)
        rc = vx_v_array(body, "legalValues", VX_OPTIONAL, &legal, err);
    if (rc == VX_OK && legal)
        rc = read_legal(legal, &c->legal_values, err);
    c->stickiness = sticky;
    return rc;
}

/* GET /api/admin/context */
static void on_list(struct vx_req *req, struct vx_reply *rep)
{
    vx_reply_list(req, rep, vx_store_context_list, 0, NULL);
}

/* GET /api/admin/context/:name */
static void on_get(struct vx_req *req, struct vx_reply *rep)
{
    vx_reply_get(req, rep, vx_store_context_get, "name");
}

/* POST /api/admin/context */
static void on_create(struct vx_req *req, struct vx_reply *rep)
{
    struct vx_store *st = req->app->store;
    struct vx_actor who = vx_req_actor(req);
    struct vx_context_row c = {NULL, -1, -1, NULL};
    struct vx_err err = {0};
    json_t *body = NULL, *field = NULL;
    const char *name = NULL;
    int rc;

    if (vx_req_json(req, rep, 0, &body))
        return;
    rc = vx_v_name(body, "name", VX_REQUIRED, 100, &name, &err);
    if (rc == VX_OK)
        rc = read_field(body, &c, &err);
    if (rc == VX_OK)
        rc = vx_store_begin(st, &err);
    if (rc)
        goto out;
    rc = vx_store_context_insert(st, name, &c, &err);
    if (rc == VX_OK)
        rc = vx_store_context_get(st, name, &field, &err);
    if (rc == VX_OK)
        rc = vx_store_event(st, &who, "context-field-created", NULL, NULL, NULL,
                            NULL, field, &err);
    rc = vx_store_finish(st, rc, &err);
out:
    vx_reply_result(rep, rc, &err, 201, field);
    json_decref(c.legal_values);
    json_decref(body);
}

/* PUT /api/admin/context/:name */
static void on_update(struct vx_req *req, struct vx_reply *rep)
{
    struct vx_store *st = req->app->store;
    struct vx_actor who = vx_req_actor(req);
    const char *name = vx_req_param(req, "name");
    struct vx_context_row c = {NULL, -1, -1, NULL};
    struct vx_err err = {0};
    json_t *body = NULL, *pre = NULL, *field = NULL;
    int rc;

    if (vx_req_json(req, rep, 0, &body))
        return;
    rc = read_field(body, &c, &err);
    if (rc == VX_OK)
        rc = vx_store_begin(st, &err);
    if (rc)
        goto out;
    rc = vx_store_context_get(st, name, &pre, &err);
    if (rc == VX_OK)
        rc = vx_store_context_update(st, name, &c, &err);
    if (rc == VX_OK)
        rc = vx_store_context_get(st, name, &field, &err);
    if (rc == VX_OK)
        rc = vx_store_event(st, &who, "context-field-updated", NULL, NULL, NULL,
                            pre, field, &err);
    rc = vx_store_finish(st, rc, &err);
out:
    vx_reply_result(rep, rc, &err, 200, field);
    json_decref(c.legal_values);
    json_decref(pre);
    json_decref(body);
}

/*
 * DELETE /api/admin/context/:name
 *
 * NEEDSWORK: constraints and stickiness settings that name the field
 * are left as they are; they then refer to a field nobody defines.
 * Refusing the delete while the field is in use would be safer.
 */
static void on_delete(struct vx_req *req, struct vx_reply *rep)
{
    struct vx_store *st = req->app->store;
    struct vx_actor who = vx_req_actor(req);
    const char *name = vx_req_param(req, "name");
    struct vx_err err = {0};
    json_t *pre = NULL;
    int rc = vx_store_begin(st, &err);

    if (rc)
        goto out;
    rc = vx_store_context_get(st, name, &pre, &err);
    if (rc == VX_OK && vx_context_builtin(name))
        rc = vx_err_set(&err, VX_EINVAL, NULL,
                        "the built-in context field \"%s\" cannot be "
                        "deleted",
                        name);
    if (rc == VX_OK)
        rc = vx_store_context_delete(st, name, &err);
    if (rc == VX_OK)
        rc = vx_store_event(st, &who, "context-field-deleted", NULL, NULL, NULL,
                            pre, NULL, &err);
    rc = vx_store_finish(st, rc, &err);
out:
    vx_reply_result(rep, rc, &err, 200, NULL);
    json_decref(pre);
}

#define C "/api/admin/context"

const struct vx_route vx_routes_context[] = {
    {"GET", C, VX_ACCESS_ADMIN, VX_ROLE_VIEWER, on_list},
    {"POST", C, VX_ACCESS_ADMIN, VX_ROLE_ADMIN, on_create},
    {"GET", C "/:name", VX_ACCESS_ADMIN, VX_ROLE_VIEWER, on_get},
    {"PUT", C "/:name", VX_ACCESS_ADMIN, VX_ROLE_EDITOR, on_update},
    {"DELETE", C "/:name", VX_ACCESS_ADMIN, VX_ROLE_ADMIN, on_delete},
    {NULL, NULL, 0, 0, NULL},
};
