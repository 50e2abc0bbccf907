/*
 * /api/admin/tag-types: the kinds of tags flags may carry. Any role
 * reads; creating and changing one needs the Editor role (who tags
 * flags), deleting one the Admin role.
 */
#include "handlers/handlers.h"

#include <stdio.h>

#include "app.h"
#include "handlers/common.h"
#include "ops/tag_types.h"
#include "store/tag_types.h"

/* GET /api/admin/tag-types */
static void on_list(struct vx_req *req, struct vx_reply *rep)
{
    vx_reply_list(req, rep, vx_store_tag_types_list, 1, "tagTypes");
}

/* {version, tagType}: the tag type :name (a vx_read_fn). */
static int load_one(struct vx_store *st, struct vx_req *req, json_t **out,
                    struct vx_err *err)
{
    json_t *t = NULL;
    int rc = vx_store_tag_type_get(st, vx_req_param(req, "name"), &t, err);

    if (rc == VX_OK)
        *out = json_pack("{s:i, s:o}", "version", 1, "tagType", t);
    return rc;
}

/* GET /api/admin/tag-types/:name */
static void on_get(struct vx_req *req, struct vx_reply *rep)
{
    vx_reply_read(req, rep, load_one);
}

/* POST /api/admin/tag-types */
static void on_create(struct vx_req *req, struct vx_reply *rep)
{
    struct vx_store *st = req->app->store;
    struct vx_actor who = vx_req_actor(req);
    struct vx_err err = {0};
    json_t *body = NULL, *t = NULL;
    char where[128];
    int rc;

    if (vx_req_json(req, rep, 0, &body))
        return;
    rc = vx_store_begin(st, &err);
    if (rc == VX_OK) {
        rc = vx_op_tag_type_create(st, &who, body, &t, &err);
        rc = vx_store_finish(st, rc, &err);
    }
    if (rc == VX_OK) {
        snprintf(where, sizeof(where), "tag-types/%s",
                 json_string_value(json_object_get(t, "name")));
        vx_reply_header(rep, "Location", where);
    }
    vx_reply_result(rep, rc, &err, 201, t);
    json_decref(body);
}

/* PUT /api/admin/tag-types/:name {description?, icon?} */
static void on_update(struct vx_req *req, struct vx_reply *rep)
{
    struct vx_store *st = req->app->store;
    struct vx_actor who = vx_req_actor(req);
    struct vx_err err = {0};
    json_t *body = NULL, *t = NULL;
    int rc;

    if (vx_req_json(req, rep, 0, &body))
        return;
    rc = vx_store_begin(st, &err);
    if (rc == VX_OK) {
        rc = vx_op_tag_type_update(st, &who, vx_req_param(req, "name"), body,
                                   &t, &err);
        rc = vx_store_finish(st, rc, &err);
    }
    vx_reply_result(rep, rc, &err, 200, t);
    json_decref(body);
}

/* DELETE /api/admin/tag-types/:name */
static void on_delete(struct vx_req *req, struct vx_reply *rep)
{
    struct vx_store *st = req->app->store;
    struct vx_actor who = vx_req_actor(req);
    struct vx_err err = {0};
    int rc = vx_store_begin(st, &err);

    if (rc == VX_OK) {
        rc = vx_op_tag_type_delete(st, &who, vx_req_param(req, "name"), &err);
        rc = vx_store_finish(st, rc, &err);
    }
    vx_reply_result(rep, rc, &err, 200, NULL);
}

/*
 * POST /api/admin/tag-types/validate {name, ...}: 200 {valid, tagType}
 * when the body could create a tag type, 400 or 409 (name taken) else.
 */
static void on_validate(struct vx_req *req, struct vx_reply *rep)
{
    struct vx_store *st = req->app->store;
    struct vx_err err = {0};
    const char *name, *desc, *icon;
    json_t *body = NULL, *t = NULL;
    int yes = 0;
    int rc;

    if (vx_req_json(req, rep, 0, &body))
        return;
    rc = vx_op_tag_type_read(body, 1, &name, &desc, &icon, &err);
    if (rc == VX_OK && (rc = vx_store_read(st, &err)) == VX_OK) {
        rc = vx_store_tag_type_exists(st, name, &yes, &err);
        vx_store_done(st);
    }
    if (rc == VX_OK && yes)
        rc = vx_err_set(&err, VX_ECONFLICT, "/body/name",
                        "There's already a tag type by the name \"%s\"", name);
    if (rc == VX_OK)
        t = json_pack("{s:b, s:{s:s, s:s, s:s?}}", "valid", 1, "tagType",
                      "name", name, "description", desc ? desc : "", "icon",
                      icon);
    vx_reply_result(rep, rc, &err, 200, t);
    json_decref(body);
}

#define TT "/api/admin/tag-types"

const struct vx_route vx_routes_tag_types[] = {
    {"GET", TT, VX_ACCESS_ADMIN, VX_ROLE_VIEWER, on_list},
    {"POST", TT, VX_ACCESS_ADMIN, VX_ROLE_EDITOR, on_create},
    {"POST", TT "/validate", VX_ACCESS_ADMIN, VX_ROLE_VIEWER, on_validate},
    {"GET", TT "/:name", VX_ACCESS_ADMIN, VX_ROLE_VIEWER, on_get},
    {"PUT", TT "/:name", VX_ACCESS_ADMIN, VX_ROLE_EDITOR, on_update},
    {"DELETE", TT "/:name", VX_ACCESS_ADMIN, VX_ROLE_ADMIN, on_delete},
    {NULL, NULL, 0, 0, NULL},
};
