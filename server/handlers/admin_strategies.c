/*
 * What a flag does in one environment, under
 * /api/admin/projects/:projectId/features/:featureName: its rollout
 * strategies and variants per environment, and its parent
 * dependencies. Handlers parse the request, refuse environments that
 * only change through change requests, and run the operation of
 * ops/strategies.h in one transaction.
 */
#include "handlers/handlers.h"

#include "app.h"
#include "handlers/common.h"
#include "jsonpatch.h"
#include "ops/strategies.h"
#include "store/projects.h"
#include "store/strategies.h"

/* The path parameters every route here has. */
struct where {
    const char *project, *feature, *env;
};

/* Read the path parameters of req. */
static struct where where_of(const struct vx_req *req)
{
    struct where w = {vx_req_param(req, "projectId"),
                      vx_req_param(req, "featureName"),
                      vx_req_param(req, "environment")};

    return w;
}

/*
 * Parse the body as any JSON value into *out (caller owns); 400 reply
 * and VX_EINVAL when it is missing or malformed.
 */
static int body_any(struct vx_req *req, struct vx_reply *rep, json_t **out)
{
    json_error_t jerr;

    *out = NULL;
    if (req->body_len == 0) {
        vx_reply_error(rep, VX_EINVAL, "/body",
                       "the request needs a JSON array as its body");
        return VX_EINVAL;
    }
    *out = json_loadb(req->body, req->body_len, 0, &jerr);
    if (!*out) {
        vx_reply_error(rep, VX_EINVAL, "/body",
                       "the body is not valid JSON: %s at line %d column "
                       "%d",
                       jerr.text, jerr.line, jerr.column);
        return VX_EINVAL;
    }
    return VX_OK;
}

/* ---- strategies ---- */

/* The strategies of the flag in the environment (a vx_read_fn). */
static int load_list(struct vx_store *st, struct vx_req *req, json_t **out,
                     struct vx_err *err)
{
    struct where w = where_of(req);
    int rc = vx_op_flag_env_check(st, w.project, w.feature, w.env, err);

    if (rc == VX_OK)
        rc = vx_store_strategies_list(st, w.feature, w.env, out, err);
    return rc;
}

/* GET …/environments/:environment/strategies */
static void on_list(struct vx_req *req, struct vx_reply *rep)
{
    vx_reply_read(req, rep, load_list);
}

/* The strategy :strategyId there (a vx_read_fn). */
static int load_one(struct vx_store *st, struct vx_req *req, json_t **out,
                    struct vx_err *err)
{
    struct where w = where_of(req);
    int rc = vx_op_flag_env_check(st, w.project, w.feature, w.env, err);

    if (rc == VX_OK)
        rc = vx_store_strategy_get(st, w.feature, w.env,
                                   vx_req_param(req, "strategyId"), out, err);
    return rc;
}

/* GET …/strategies/:strategyId */
static void on_get(struct vx_req *req, struct vx_reply *rep)
{
    vx_reply_read(req, rep, load_one);
}

/* The kinds of write on one environment. */
enum env_write {
    ADD_STRATEGY,
    PUT_STRATEGY,
    PATCH_STRATEGY,
    DELETE_STRATEGY,
    REORDER,
    PUT_VARIANTS,
    PATCH_VARIANTS,
};

/* Apply JSON Patch patch to strategy id and store the result. */
static int patch_strategy(struct vx_store *st, const struct vx_actor *who,
                          struct where w, const char *id, json_t *patch,
                          json_t **out, struct vx_err *err)
{
    json_t *cur = NULL, *next = NULL;
    int rc = vx_op_flag_env_check(st, w.project, w.feature, w.env, err);

    if (rc == VX_OK)
        rc = vx_store_strategy_get(st, w.feature, w.env, id, &cur, err);
    if (rc == VX_OK)
        rc = vx_json_patch(cur, patch, &next, err);
    if (rc == VX_OK)
        rc = vx_op_strategy_update(st, who, w.project, w.feature, w.env, id,
                                   next, out, err);
    json_decref(cur);
    json_decref(next);
    return rc;
}

/* Apply JSON Patch patch to the variants and store the result. */
static int patch_variants(struct vx_store *st, const struct vx_actor *who,
                          struct where w, json_t *patch, json_t **out,
                          struct vx_err *err)
{
    json_t *cur = NULL, *next = NULL;
    int rc = vx_op_flag_env_check(st, w.project, w.feature, w.env, err);

    if (rc == VX_OK)
        rc = vx_store_fenv_variants_get(st, w.feature, w.env, &cur, err);
    if (rc == VX_OK)
        rc = vx_json_patch(cur, patch, &next, err);
    if (rc == VX_OK)
        rc = vx_op_variants_set(st, who, w.project, w.feature, w.env, next, out,
                                err);
    json_decref(cur);
    json_decref(next);
    return rc;
}

/* Run one write of kind what with body (may be NULL) in a transaction. */
static int env_write_run(struct vx_store *st, const struct vx_actor *who,
                         struct where w, const char *id, enum env_write what,
                         json_t *body, json_t **out, struct vx_err *err)
{
    switch (what) {
    case ADD_STRATEGY:
        return vx_op_strategy_add(st, who, w.project, w.feature, w.env, body,
                                  out, err);
    case PUT_STRATEGY:
        return vx_op_strategy_update(st, who, w.project, w.feature, w.env, id,
                                     body, out, err);
    case PATCH_STRATEGY:
        return patch_strategy(st, who, w, id, body, out, err);
    case DELETE_STRATEGY:
        return vx_op_strategy_delete(st, who, w.project, w.feature, w.env, id,
                                     err);
    case REORDER:
        return vx_op_strategy_reorder(st, who, w.project, w.feature, w.env,
                                      body, err);
    case PUT_VARIANTS:
        return vx_op_variants_set(st, who, w.project, w.feature, w.env, body,
                                  out, err);
    case PATCH_VARIANTS:
        return patch_variants(st, who, w, body, out, err);
    }
    return vx_err_set(err, VX_EINTERNAL, NULL, "unknown write");
}

/*
 * Every write on one environment: parse the body (an object for
 * strategies, any JSON for patches, orders and variant lists), refuse
 * a protected environment, run the operation, reply.
 */
static void env_write(struct vx_req *req, struct vx_reply *rep,
                      enum env_write what)
{
    struct vx_store *st = req->app->store;
    struct vx_actor who = vx_req_actor(req);
    struct where w = where_of(req);
    const char *id = vx_req_param(req, "strategyId");
    struct vx_err err = {0};
    json_t *body = NULL, *out = NULL;
    int rc;

    if (what == ADD_STRATEGY || what == PUT_STRATEGY) {
        if (vx_req_json(req, rep, 0, &body))
            return;
    } else if (what != DELETE_STRATEGY && body_any(req, rep, &body)) {
        return;
    }
    rc = vx_store_begin(st, &err);
    if (rc)
        goto out;
    rc = vx_guard_env(st, w.project, w.env, &err);
    if (rc == VX_OK)
        rc = env_write_run(st, &who, w, id, what, body, &out, &err);
    rc = vx_store_finish(st, rc, &err);
    if (rc == VX_OK && (what == PUT_VARIANTS || what == PATCH_VARIANTS))
        out = json_pack("{s:i, s:o}", "version", 1, "variants", out);
out:
    vx_reply_result(rep, rc, &err, 200, out);
    json_decref(body);
}

static void on_add(struct vx_req *req, struct vx_reply *rep)
{
    env_write(req, rep, ADD_STRATEGY);
}

static void on_put(struct vx_req *req, struct vx_reply *rep)
{
    env_write(req, rep, PUT_STRATEGY);
}

static void on_patch(struct vx_req *req, struct vx_reply *rep)
{
    env_write(req, rep, PATCH_STRATEGY);
}

static void on_delete(struct vx_req *req, struct vx_reply *rep)
{
    env_write(req, rep, DELETE_STRATEGY);
}

static void on_reorder(struct vx_req *req, struct vx_reply *rep)
{
    env_write(req, rep, REORDER);
}

/* ---- variants ---- */

/* {version, variants} of the flag in the environment (a vx_read_fn). */
static int load_variants(struct vx_store *st, struct vx_req *req, json_t **out,
                         struct vx_err *err)
{
    struct where w = where_of(req);
    json_t *list = NULL;
    int rc = vx_op_flag_env_check(st, w.project, w.feature, w.env, err);

    if (rc == VX_OK)
        rc = vx_store_fenv_variants_get(st, w.feature, w.env, &list, err);
    if (rc == VX_OK)
        *out = json_pack("{s:i, s:o}", "version", 1, "variants", list);
    return rc;
}

/* GET …/environments/:environment/variants */
static void on_variants_get(struct vx_req *req, struct vx_reply *rep)
{
    vx_reply_read(req, rep, load_variants);
}

static void on_variants_put(struct vx_req *req, struct vx_reply *rep)
{
    env_write(req, rep, PUT_VARIANTS);
}

static void on_variants_patch(struct vx_req *req, struct vx_reply *rep)
{
    env_write(req, rep, PATCH_VARIANTS);
}

/* ---- dependencies ---- */

/*
 * Add a dependency (body given) or remove one or all (body NULL). Any
 * protected environment of the project refuses it: a parent decides
 * whether its child is on in every environment.
 *
 * NEEDSWORK: this also refuses children that are off in every protected
 * environment, where the change would be harmless; a finer rule needs
 * the child's state per environment.
 */
static void dep_write(struct vx_req *req, struct vx_reply *rep, json_t *body)
{
    struct vx_store *st = req->app->store;
    struct vx_actor who = vx_req_actor(req);
    struct where w = where_of(req);
    struct vx_err err = {0};
    int rc = vx_store_begin(st, &err);

    if (rc)
        goto out;
    rc = vx_guard_project(st, w.project, &err);
    if (rc == VX_OK)
        rc = body ? vx_op_dependency_add(st, &who, w.project, w.feature, body,
                                         &err)
                  : vx_op_dependency_delete(st, &who, w.project, w.feature,
                                            vx_req_param(req, "parent"), &err);
    rc = vx_store_finish(st, rc, &err);
out:
    vx_reply_result(rep, rc, &err, 200, NULL);
}

static void on_dep_add(struct vx_req *req, struct vx_reply *rep)
{
    json_t *body = NULL;

    if (vx_req_json(req, rep, 0, &body))
        return;
    dep_write(req, rep, body);
    json_decref(body);
}

static void on_dep_delete(struct vx_req *req, struct vx_reply *rep)
{
    dep_write(req, rep, NULL);
}

#define F "/api/admin/projects/:projectId/features/:featureName"
#define E F "/environments/:environment"

const struct vx_route vx_routes_strategies[] = {
    {"GET", E "/strategies", VX_ACCESS_ADMIN, VX_ROLE_VIEWER, on_list},
    {"POST", E "/strategies", VX_ACCESS_ADMIN, VX_ROLE_EDITOR, on_add},
    {"POST", E "/strategies/set-sort-order", VX_ACCESS_ADMIN, VX_ROLE_EDITOR,
     on_reorder},
    {"GET", E "/strategies/:strategyId", VX_ACCESS_ADMIN, VX_ROLE_VIEWER,
     on_get},
    {"PUT", E "/strategies/:strategyId", VX_ACCESS_ADMIN, VX_ROLE_EDITOR,
     on_put},
    {"PATCH", E "/strategies/:strategyId", VX_ACCESS_ADMIN, VX_ROLE_EDITOR,
     on_patch},
    {"DELETE", E "/strategies/:strategyId", VX_ACCESS_ADMIN, VX_ROLE_EDITOR,
     on_delete},
    {"GET", E "/variants", VX_ACCESS_ADMIN, VX_ROLE_VIEWER, on_variants_get},
    {"PUT", E "/variants", VX_ACCESS_ADMIN, VX_ROLE_EDITOR, on_variants_put},
    {"PATCH", E "/variants", VX_ACCESS_ADMIN, VX_ROLE_EDITOR,
     on_variants_patch},
    {"POST", F "/dependencies", VX_ACCESS_ADMIN, VX_ROLE_EDITOR, on_dep_add},
    {"DELETE", F "/dependencies", VX_ACCESS_ADMIN, VX_ROLE_EDITOR,
     on_dep_delete},
    {"DELETE", F "/dependencies/:parent", VX_ACCESS_ADMIN, VX_ROLE_EDITOR,
     on_dep_delete},
    {NULL, NULL, 0, 0, NULL},
};
