/*
 * /api/admin/features-batch: export flags of one environment as a
 * document, and import such a document into a project and environment,
 * in Unleash's format. The work is done by ops/transfer.h; these
 * handlers read the request and open the store bracket.
 */
#include "handlers/handlers.h"

#include <stdlib.h>

#include "app.h"
#include "handlers/common.h"
#include "validate.h"
#include "ops/transfer.h"
#include "store/context.h"
#include "util.h"

/* Check the optional features list of an export body. */
static int read_names(json_t *body, json_t **out, struct vx_err *err)
{
    size_t i;
    json_t *n;
    int rc = vx_v_array(body, "features", VX_OPTIONAL, out, err);

    json_array_foreach (*out, i, n) {
        if (rc)
            break;
        if (!json_is_string(n))
            rc = vx_err_set(err, VX_EINVAL, "/body/features",
                            "`/body/features` must be an array of flag "
                            "names");
    }
    return rc;
}

static void on_export(struct vx_req *req, struct vx_reply *rep)
{
    struct vx_store *st = req->app->store;
    struct vx_export_query q = {0};
    struct vx_err err = {0};
    json_t *body = NULL, *doc = NULL;
    int rc;

    if (vx_req_json(req, rep, 0, &body))
        return;
    rc = read_names(body, &q.features, &err);
    if (rc == VX_OK)
        rc = vx_v_string(body, "tag", VX_OPTIONAL, 101, &q.tag, &err);
    if (rc == VX_OK)
        rc = vx_v_string(body, "project", VX_OPTIONAL, 100, &q.project, &err);
    if (rc == VX_OK)
        rc = vx_v_string(body, "environment", VX_REQUIRED, 100, &q.environment,
                         &err);
    if (rc == VX_OK && (rc = vx_store_read(st, &err)) == VX_OK) {
        rc = vx_op_export(st, &q, &doc, &err);
        vx_store_done(st);
    }
    vx_reply_result(rep, rc, &err, 200, doc);
    json_decref(body);
}

/*
 * Refuse (403) an import by a principal below the Admin role that would
 * create context fields: creating them directly needs that role.
 */
static int guard_context(struct vx_store *st, const struct vx_req *req,
                         json_t *data, struct vx_err *err)
{
    struct vx_buf missing = {0};
    json_t *f, *field = NULL;
    size_t i;
    int rc = VX_OK;

    if (req->who.role >= VX_ROLE_ADMIN)
        return VX_OK;
    json_array_foreach (json_object_get(data, "contextFields"), i, f) {
        const char *name = json_string_value(json_object_get(f, "name"));

        if (!name)
            continue; /* the import itself names the bad entry */
        rc = vx_store_context_get(st, name, &field, err);
        json_decref(field);
        field = NULL;
        if (rc == VX_ENOTFOUND) {
            vx_buf_addf(&missing, "%s\"%s\"", missing.buf ? ", " : "", name);
            rc = VX_OK;
        }
        if (rc)
            break;
    }
    if (rc == VX_OK && missing.buf)
        rc = vx_err_set(err, VX_EFORBIDDEN, NULL,
                        "the document creates the context fields %s, "
                        "which needs the Admin role; ask an admin to "
                        "create them first",
                        missing.buf);
    free(missing.buf);
    return rc;
}

static void on_import(struct vx_req *req, struct vx_reply *rep)
{
    struct vx_store *st = req->app->store;
    struct vx_actor who = vx_req_actor(req);
    struct vx_err err = {0};
    const char *project = NULL, *env = NULL;
    json_t *body = NULL, *data = NULL;
    int rc;

    if (vx_req_json(req, rep, 0, &body))
        return;
    rc = vx_v_string(body, "project", VX_REQUIRED, 100, &project, &err);
    if (rc == VX_OK)
        rc = vx_v_string(body, "environment", VX_REQUIRED, 100, &env, &err);
    if (rc == VX_OK)
        rc = vx_v_object(body, "data", VX_REQUIRED, &data, &err);
    if (rc == VX_OK)
        rc = vx_store_begin(st, &err);
    if (rc)
        goto out;
    rc = vx_guard_env(st, project, env, &err);
    /* Dependencies reach every environment, protected ones included. */
    if (rc == VX_OK && json_array_size(json_object_get(data, "dependencies")))
        rc = vx_guard_project(st, project, &err);
    if (rc == VX_OK)
        rc = guard_context(st, req, data, &err);
    if (rc == VX_OK)
        rc = vx_op_import(st, &who, project, env, data, &err);
    rc = vx_store_finish(st, rc, &err);
out:
    vx_reply_result(rep, rc, &err, 200, NULL);
    json_decref(body);
}

#define B "/api/admin/features-batch"

const struct vx_route vx_routes_import[] = {
    {"POST", B "/export", VX_ACCESS_ADMIN, VX_ROLE_VIEWER, on_export},
    {"POST", B "/import", VX_ACCESS_ADMIN, VX_ROLE_EDITOR, on_import},
    {NULL, NULL, 0, 0, NULL},
};
