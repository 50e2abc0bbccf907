/*
 * Helpers of common.h.
 */
#include "handlers/common.h"

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
