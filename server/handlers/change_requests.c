/*
 * /api/admin/projects/:projectId/…/change-requests: the settings that
 * protect an environment, and the requests that change a protected one.
 * The rules live in ops/change_requests.c; this file reads requests and
 * shapes replies.
 */
#include "handlers/handlers.h"

#include <string.h>

#include "app.h"
#include "handlers/common.h"
#include "validate.h"
#include "ops/change_requests.h"
#include "store/change_requests.h"
#include "store/projects.h"

/* The change-request settings of the path's project (a vx_read_fn). */
static int load_config(struct vx_store *st, struct vx_req *req, json_t **out,
                       struct vx_err *err)
{
    const char *project = vx_req_param(req, "projectId");
    int rc = vx_store_project_exists(st, project, err);

    if (rc == VX_OK)
        rc = vx_store_cr_config_list(st, project, out, err);
    return rc;
}

/* GET P/change-requests/config */
static void on_config_get(struct vx_req *req, struct vx_reply *rep)
{
    vx_reply_read(req, rep, load_config);
}

/* Settings as the audit log shows them: {changeRequestsEnabled, …}. */
static json_t *config_of(int enabled, int64_t approvals)
{
    return json_pack("{s:b, s:I}", "changeRequestsEnabled", enabled,
                     "requiredApprovals", (json_int_t)approvals);
}

static void on_config_put(struct vx_req *req, struct vx_reply *rep)
{
    struct vx_store *st = req->app->store;
    struct vx_actor who = vx_req_actor(req);
    const char *project = vx_req_param(req, "projectId");
    const char *env = vx_req_param(req, "environment");
    struct vx_err err = {0};
    json_t *body = NULL, *pre = NULL, *post = NULL;
    int enabled = 0, was = 0;
    int64_t approvals = 0, had = 1;
    int rc;

    if (vx_req_json(req, rep, 0, &body))
        return;
    rc = vx_v_bool(body, "changeRequestsEnabled", VX_REQUIRED, &enabled, &err);
    if (rc == VX_OK)
        rc = vx_v_int(body, "requiredApprovals", VX_OPTIONAL, 1, 10, &approvals,
                      &err);
    if (rc == VX_OK)
        rc = vx_store_begin(st, &err);
    if (rc)
        goto out;
    rc = vx_store_project_env_check(st, project, env, &err);
    if (rc == VX_OK)
        rc = vx_store_cr_config_get(st, project, env, &was, &had, &err);
    if (rc == VX_OK) {
        approvals = approvals ? approvals : had;
        pre = config_of(was, had);
        post = config_of(enabled, approvals);
        rc = vx_store_cr_config_set(st, project, env, enabled, approvals, &err);
    }
    if (rc == VX_OK)
        rc = vx_store_event(st, &who, "change-request-configuration-updated",
                            project, NULL, env, pre, post, &err);
    rc = vx_store_finish(st, rc, &err);
out:
    vx_reply_result(rep, rc, &err, 204, NULL);
    json_decref(pre);
    json_decref(post);
    json_decref(body);
}

/* Parse the body as one change (an object) or several (an array). */
static int read_changes(struct vx_req *req, struct vx_reply *rep, json_t **out)
{
    json_error_t jerr;

    *out =
        req->body_len ? json_loadb(req->body, req->body_len, 0, &jerr) : NULL;
    if (!*out) {
        vx_reply_error(rep, VX_EINVAL, "/body",
                       "the body must be a change {feature, action, "
                       "payload} or an array of them");
        return VX_EINVAL;
    }
    if (json_is_object(*out))
        *out = json_pack("[o]", *out);
    if (!json_is_array(*out)) {
        json_decref(*out);
        *out = NULL;
        vx_reply_error(rep, VX_EINVAL, "/body",
                       "the body must be a change {feature, action, "
                       "payload} or an array of them");
        return VX_EINVAL;
    }
    return VX_OK;
}

static void on_add(struct vx_req *req, struct vx_reply *rep)
{
    struct vx_store *st = req->app->store;
    struct vx_actor who = vx_req_actor(req);
    const char *project = vx_req_param(req, "projectId");
    const char *env = vx_req_param(req, "environment");
    struct vx_err err = {0};
    json_t *changes = NULL, *cr = NULL;
    int64_t id = 0;
    int rc;

    if (read_changes(req, rep, &changes))
        return;
    rc = vx_store_begin(st, &err);
    if (rc)
        goto out;
    rc = vx_op_cr_add(st, &who, project, env, changes, &id, &err);
    if (rc == VX_OK)
        rc = vx_store_cr_get(st, project, id, &cr, &err);
    rc = vx_store_finish(st, rc, &err);
out:
    vx_reply_result(rep, rc, &err, 200, cr);
    json_decref(changes);
}

/* Reply with the requests of the path's project matching f. */
static void list(struct vx_req *req, struct vx_reply *rep,
                 struct vx_cr_filter *f)
{
    struct vx_store *st = req->app->store;
    struct vx_err err = {0};
    json_t *out = NULL;
    int rc = vx_store_read(st, &err);

    f->project = vx_req_param(req, "projectId");
    if (rc == VX_OK) {
        rc = vx_store_project_exists(st, f->project, &err);
        if (rc == VX_OK)
            rc = vx_store_cr_list(st, f, &out, &err);
        vx_store_done(st);
    }
    vx_reply_result(rep, rc, &err, 200, out);
}

static void on_list(struct vx_req *req, struct vx_reply *rep)
{
    struct vx_cr_filter f = {0};

    f.state = vx_req_query(req, "state");
    f.feature = vx_req_query(req, "feature");
    list(req, rep, &f);
}

static void on_pending(struct vx_req *req, struct vx_reply *rep)
{
    struct vx_cr_filter f = {0};

    f.pending = 1;
    list(req, rep, &f);
}

/* The change request :id of the path's project (a vx_read_fn). */
static int load_one(struct vx_store *st, struct vx_req *req, json_t **out,
                    struct vx_err *err)
{
    int64_t id = 0;
    int rc = vx_v_param_id(vx_req_param(req, "id"), "change request", &id, err);

    if (rc == VX_OK)
        rc = vx_store_cr_get(st, vx_req_param(req, "projectId"), id, out, err);
    return rc;
}

/* GET P/change-requests/:id */
static void on_get(struct vx_req *req, struct vx_reply *rep)
{
    vx_reply_read(req, rep, load_one);
}

static const char *const states[] = {"In review", "Approved", "Rejected",
                                     "Cancelled", "Applied",  "Scheduled",
                                     NULL};

/* Read the body of a state change into m; times go into at. */
static int read_move(json_t *body, struct vx_cr_move *m, char at[32],
                     struct vx_err *err)
{
    int rc = vx_v_enum(body, "state", VX_REQUIRED, states, &m->state, err);

    if (rc == VX_OK)
        rc = vx_v_string(body, "comment", VX_OPTIONAL, 10000, &m->comment, err);
    if (rc == VX_OK)
        rc = vx_v_time(body, "scheduledAt", VX_OPTIONAL, at, &m->scheduled_at,
                       err);
    return rc;
}

static void on_state(struct vx_req *req, struct vx_reply *rep)
{
    struct vx_store *st = req->app->store;
    struct vx_actor who = vx_req_actor(req);
    const char *project = vx_req_param(req, "projectId");
    struct vx_cr_move m = {0};
    struct vx_err err = {0}, why = {0};
    json_t *body = NULL, *cr = NULL;
    int64_t id = 0;
    int conflict = 0;
    char at[32];
    int rc;

    if (vx_req_json(req, rep, 0, &body))
        return;
    rc = vx_v_param_id(vx_req_param(req, "id"), "change request", &id, &err);
    if (rc == VX_OK)
        rc = read_move(body, &m, at, &err);
    if (rc == VX_OK)
        rc = vx_store_begin(st, &err);
    if (rc)
        goto out;
    rc = vx_op_cr_move(st, &who, project, id, &m, &conflict, &why);
    if (rc == VX_OK && !conflict)
        rc = vx_store_cr_get(st, project, id, &cr, &why);
    rc = vx_store_finish(st, rc, &why);
    err = why;
    if (rc == VX_OK && conflict)
        rc = VX_ECONFLICT;
out:
    vx_reply_result(rep, rc, &err, 200, cr);
    json_decref(body);
}

static void on_comment(struct vx_req *req, struct vx_reply *rep)
{
    struct vx_store *st = req->app->store;
    struct vx_actor who = vx_req_actor(req);
    const char *project = vx_req_param(req, "projectId");
    struct vx_err err = {0};
    json_t *body = NULL, *cr = NULL, *out = NULL;
    const char *text = NULL;
    int64_t id = 0, comment_id = 0;
    int rc;

    if (vx_req_json(req, rep, 0, &body))
        return;
    rc = vx_v_param_id(vx_req_param(req, "id"), "change request", &id, &err);
    if (rc == VX_OK)
        rc = vx_v_string(body, "text", VX_REQUIRED, 10000, &text, &err);
    if (rc == VX_OK && !*text)
        rc = vx_err_set(&err, VX_EINVAL, "/body/text",
                        "`/body/text` must not be empty");
    if (rc == VX_OK)
        rc = vx_store_begin(st, &err);
    if (rc)
        goto out;
    rc = vx_op_cr_comment(st, &who, project, id, text, &comment_id, &err);
    if (rc == VX_OK)
        rc = vx_store_cr_get(st, project, id, &cr, &err);
    rc = vx_store_finish(st, rc, &err);
    if (rc == VX_OK) {
        json_t *list = json_object_get(cr, "comments");

        out = json_incref(json_array_get(list, json_array_size(list) - 1));
    }
out:
    vx_reply_result(rep, rc, &err, 201, out);
    json_decref(cr);
    json_decref(body);
}

#define P "/api/admin/projects/:projectId"
#define CR P "/change-requests"

const struct vx_route vx_routes_change_requests[] = {
    {"GET", CR "/config", VX_ACCESS_ADMIN, VX_ROLE_VIEWER, on_config_get},
    {"PUT", P "/environments/:environment/change-requests/config",
     VX_ACCESS_ADMIN, VX_ROLE_ADMIN, on_config_put},
    {"POST", P "/environments/:environment/change-requests", VX_ACCESS_ADMIN,
     VX_ROLE_EDITOR, on_add},
    {"GET", CR, VX_ACCESS_ADMIN, VX_ROLE_VIEWER, on_list},
    {"GET", CR "/pending", VX_ACCESS_ADMIN, VX_ROLE_VIEWER, on_pending},
    {"GET", CR "/:id", VX_ACCESS_ADMIN, VX_ROLE_VIEWER, on_get},
    {"PUT", CR "/:id/state", VX_ACCESS_ADMIN, VX_ROLE_EDITOR, on_state},
    {"POST", CR "/:id/comments", VX_ACCESS_ADMIN, VX_ROLE_EDITOR, on_comment},
    {NULL, NULL, 0, 0, NULL},
};
