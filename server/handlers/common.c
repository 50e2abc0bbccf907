/*
 * Helpers of common.h.
 */
#include "handlers/common.h"

#include "app.h"
#include "store/projects.h"
#include "store/segments.h"

struct vx_actor vx_req_actor(const struct vx_req *req)
{
    struct vx_actor a = {req->who.user_id, req->who.user};

    return a;
}

int vx_guard_env(struct vx_store *st, const char *project,
                 const char *environment, struct vx_err *err)
{
    int protected = 0;
    int rc = vx_store_env_protected(st, project, environment, &protected, err);

    if (rc || !protected)
        return rc;
    return vx_err_set(err, VX_EFORBIDDEN, NULL,
                      "environment \"%s\" of project \"%s\" is protected by "
                      "change requests: add this change to a change "
                      "request with POST /api/admin/projects/%s/"
                      "environments/%s/change-requests",
                      environment, project, project, environment);
}

int vx_guard_project(struct vx_store *st, const char *project,
                     struct vx_err *err)
{
    json_t *p = NULL, *e;
    size_t i;
    int rc = vx_store_project_get(st, project, &p, err);

    json_array_foreach (json_object_get(p, "environments"), i, e) {
        if (rc)
            break;
        rc = vx_guard_env(st, project,
                          json_string_value(json_object_get(e, "environment")),
                          err);
    }
    json_decref(p);
    return rc;
}

void vx_reply_result(struct vx_reply *rep, int rc, const struct vx_err *err,
                     int status, json_t *body)
{
    if (rc) {
        json_decref(body);
        vx_reply_err(rep, err);
        return;
    }
    vx_reply_json(rep, status, body);
}

int vx_guard_segment(struct vx_store *st, int64_t id, struct vx_err *err)
{
    json_t *use = NULL;
    int rc = vx_store_segment_protected_use(st, id, &use, err);
    const char *project, *env;

    if (rc || !use)
        return rc;
    project = json_string_value(json_object_get(use, "project"));
    env = json_string_value(json_object_get(use, "environment"));
    rc = vx_err_set(err, VX_EFORBIDDEN, NULL,
                    "segment %lld is used in environment \"%s\" of project "
                    "\"%s\", which change requests protect: change it with a "
                    "change request, POST /api/admin/projects/%s/"
                    "environments/%s/change-requests",
                    (long long)id, env, project, project, env);
    json_decref(use);
    return rc;
}

/* What the read of a reply_read() runs, and with what. */
struct read_how {
    int (*run)(struct vx_store *st, struct vx_req *req,
               const struct read_how *how, json_t **out, struct vx_err *err);
    vx_read_fn *read; /* for run_read() */
    vx_list_fn *list; /* for run_list() */
    vx_get_fn *get;   /* for run_get() */
    int version;      /* of a list; none when not above 0 */
    const char *key;  /* of a list, or the path parameter of a get */
};

/*
 * Run how inside a read bracket on the store of req and reply 200 with
 * what it found, or with its error.
 */
static void reply_read(struct vx_req *req, struct vx_reply *rep,
                       const struct read_how *how)
{
    struct vx_store *st = req->app->store;
    struct vx_err err = {0};
    json_t *out = NULL;
    int rc = vx_store_read(st, &err);

    if (rc == VX_OK) {
        rc = how->run(st, req, how, &out, &err);
        vx_store_done(st);
    }
    vx_reply_result(rep, rc, &err, 200, out);
}

/* The run of vx_reply_read(): its vx_read_fn. */
static int run_read(struct vx_store *st, struct vx_req *req,
                    const struct read_how *how, json_t **out,
                    struct vx_err *err)
{
    return how->read(st, req, out, err);
}

void vx_reply_read(struct vx_req *req, struct vx_reply *rep, vx_read_fn *fn)
{
    struct read_how how = {run_read, fn, NULL, NULL, 0, NULL};

    reply_read(req, rep, &how);
}

/* The run of vx_reply_list(): the list, wrapped as how says. */
static int run_list(struct vx_store *st, struct vx_req *req,
                    const struct read_how *how, json_t **out,
                    struct vx_err *err)
{
    json_t *list = NULL;
    int rc = how->list(st, &list, err);

    (void)req;
    if (rc || !how->key)
        *out = list;
    else if (how->version > 0)
        *out = json_pack("{s:i, s:o}", "version", how->version, how->key, list);
    else
        *out = json_pack("{s:o}", how->key, list);
    return rc;
}

void vx_reply_list(struct vx_req *req, struct vx_reply *rep, vx_list_fn *fn,
                   int version, const char *key)
{
    struct read_how how = {run_list, NULL, fn, NULL, version, key};

    reply_read(req, rep, &how);
}

/* The run of vx_reply_get(): the entity the path parameter names. */
static int run_get(struct vx_store *st, struct vx_req *req,
                   const struct read_how *how, json_t **out, struct vx_err *err)
{
    return how->get(st, vx_req_param(req, how->key), out, err);
}

void vx_reply_get(struct vx_req *req, struct vx_reply *rep, vx_get_fn *fn,
                  const char *param)
{
    struct read_how how = {run_get, NULL, NULL, fn, 0, param};

    reply_read(req, rep, &how);
}
