/*
 * /api/admin/segments: named lists of constraints that strategies of
 * any flag share by id. Writes run the operations of ops/strategies.h.
 */
#include "handlers/handlers.h"

#include <errno.h>
#include <stdlib.h>

#include "app.h"
#include "handlers/common.h"
#include "ops/strategies.h"
#include "store/segments.h"

/* The :id of req as a segment id; VX_ENOTFOUND if it is not one. */
static int id_of(const struct vx_req *req, int64_t *id, struct vx_err *err)
{
    const char *s = vx_req_param(req, "id");
    char *end = NULL;
    long long n;

    errno = 0;
    n = s ? strtoll(s, &end, 10) : 0;
    if (!s || !s[0] || *end || errno || n <= 0)
        return vx_err_set(err, VX_ENOTFOUND, NULL,
                          "there is no segment with id \"%s\"", s ? s : "");
    *id = n;
    return VX_OK;
}

/* GET /api/admin/segments */
static void on_list(struct vx_req *req, struct vx_reply *rep)
{
    vx_reply_list(req, rep, vx_store_segments_list, 0, "segments");
}

/* The segment :id (a vx_read_fn). */
static int load_one(struct vx_store *st, struct vx_req *req, json_t **out,
                    struct vx_err *err)
{
    int64_t id = 0;
    int rc = id_of(req, &id, err);

    if (rc == VX_OK)
        rc = vx_store_segment_get(st, id, out, err);
    return rc;
}

/* GET /api/admin/segments/:id */
static void on_get(struct vx_req *req, struct vx_reply *rep)
{
    vx_reply_read(req, rep, load_one);
}

/* The kinds of segment write. */
enum seg_write { CREATE, UPDATE, DELETE };

/* Run a segment write and reply: 201 with it, or 204. */
static void seg_write(struct vx_req *req, struct vx_reply *rep,
                      enum seg_write what)
{
    struct vx_store *st = req->app->store;
    struct vx_actor who = vx_req_actor(req);
    struct vx_err err = {0};
    json_t *body = NULL, *out = NULL;
    int64_t id = 0;
    int rc = what == CREATE ? VX_OK : id_of(req, &id, &err);

    if (rc == VX_OK && what != DELETE && vx_req_json(req, rep, 0, &body))
        return;
    if (rc == VX_OK)
        rc = vx_store_begin(st, &err);
    if (rc)
        goto out;
    if (what != CREATE)
        rc = vx_guard_segment(st, id, &err);
    if (rc == VX_OK && what == CREATE)
        rc = vx_op_segment_create(st, &who, body, &out, &err);
    else if (rc == VX_OK && what == UPDATE)
        rc = vx_op_segment_update(st, &who, id, body, &out, &err);
    else if (rc == VX_OK)
        rc = vx_op_segment_delete(st, &who, id, &err);
    rc = vx_store_finish(st, rc, &err);
out:
    if (what != CREATE) {
        json_decref(out);
        out = NULL;
    }
    vx_reply_result(rep, rc, &err, what == CREATE ? 201 : 204, out);
    json_decref(body);
}

static void on_create(struct vx_req *req, struct vx_reply *rep)
{
    seg_write(req, rep, CREATE);
}

static void on_update(struct vx_req *req, struct vx_reply *rep)
{
    seg_write(req, rep, UPDATE);
}

static void on_delete(struct vx_req *req, struct vx_reply *rep)
{
    seg_write(req, rep, DELETE);
}

#define S "/api/admin/segments"

const struct vx_route vx_routes_segments[] = {
    {"GET", S, VX_ACCESS_ADMIN, VX_ROLE_VIEWER, on_list},
    {"POST", S, VX_ACCESS_ADMIN, VX_ROLE_EDITOR, on_create},
    {"GET", S "/:id", VX_ACCESS_ADMIN, VX_ROLE_VIEWER, on_get},
    {"PUT", S "/:id", VX_ACCESS_ADMIN, VX_ROLE_EDITOR, on_update},
    {"DELETE", S "/:id", VX_ACCESS_ADMIN, VX_ROLE_EDITOR, on_delete},
    {NULL, NULL, 0, 0, NULL},
};
