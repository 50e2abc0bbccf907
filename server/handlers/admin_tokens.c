/*
 * Tokens: API tokens (/api/admin/api-tokens), the caller's personal
 * tokens (/api/admin/user/tokens), tokens an admin issues for a user
 * (/api/admin/user-admin/:id/tokens) and service-account tokens
 * (/api/admin/service-account/:id/token). A secret is in the reply that
 * creates it and nowhere else: lists show the non-secret "display"
 * prefix, audit events carry the listed form. Every change reloads the
 * token cache after its commit.
 */
#include "handlers/handlers.h"

#include <string.h>

#include <sodium.h>

#include "app.h"
#include "auth/issue.h"
#include "handlers/common.h"
#include "validate.h"
#include "log.h"
#include "store/tokens.h"
#include "store/users.h"

/* The owner of client and frontend tokens: the built-in admin user. */
#define SYSTEM_USER 1

/*
 * Reload the token cache after a committed change.
 *
 * NEEDSWORK: a failed reload is only logged; the change is committed but
 * the cache keeps the old tokens and roles until the next successful
 * reload. Retrying, or refusing requests until it succeeds, would close
 * that window.
 */
static void reload_auth(struct vx_req *req)
{
    struct vx_err err = {0};

    if (vx_auth_reload(req->app->auth, req->app->store, &err))
        vx_log_error("cannot reload tokens", "req=%s error=\"%s\"", req->id,
                     err.msg);
}

/*
 * Add Unleash's "project" field to an API token as listed: its one
 * project, or "[]" when it has several. Returns t.
 */
static json_t *api_view(json_t *t)
{
    json_t *projects = json_object_get(t, "projects");

    json_object_set_new(t, "project",
                        json_array_size(projects) == 1
                            ? json_incref(json_array_get(projects, 0))
                            : json_string("[]"));
    return t;
}

/*
 * A personal or service-account token as its owner sees it: new
 * object with id, description, display, userId, expiresAt, createdAt,
 * seenAt (and secret when t has one). Takes t.
 */
static json_t *pat_view(json_t *t)
{
    static const char *const keep[] = {"id",        "display",   "userId",
                                       "expiresAt", "createdAt", "seenAt",
                                       "secret",    NULL};
    json_t *v = json_object();

    json_object_set(v, "description", json_object_get(t, "tokenName"));
    for (int i = 0; keep[i]; i++)
        if (json_object_get(t, keep[i]))
            json_object_set(v, keep[i], json_object_get(t, keep[i]));
    json_decref(t);
    return v;
}

/* Replace each element of list by pat_view() of it. Returns list. */
static json_t *pat_list(json_t *list)
{
    size_t i;
    json_t *t;

    json_array_foreach (list, i, t)
        json_array_set_new(list, i, pat_view(json_incref(t)));
    return list;
}

/*
 * Find a token by a path parameter that is its numeric id or its whole
 * secret; *out gets it as listed. VX_ENOTFOUND if there is none.
 */
static int find_token(struct vx_store *st, const char *param, json_t **out,
                      struct vx_err *err)
{
    unsigned char hash[VX_HASH_LEN];
    int64_t id = 0;
    int rc;

    if (vx_v_param_id(param, "token", &id, NULL) != VX_OK) {
        vx_token_hash(param, hash);
        rc = vx_store_token_find(st, hash, &id, err);
        sodium_memzero(hash, sizeof(hash));
        if (rc)
            return rc;
    }
    return vx_store_token_get(st, id, out, err);
}

/* The type of a token as listed, as the enum. */
static enum vx_token_type type_of(json_t *t)
{
    return vx_token_type_parse(json_string_value(json_object_get(t, "type")));
}

/* The owner of a token as listed. */
static int64_t owner_of(json_t *t)
{
    return json_integer_value(json_object_get(t, "userId"));
}

/* {tokens}: every token that is not personal (a vx_read_fn). */
static int load_list(struct vx_store *st, struct vx_req *req, json_t **out,
                     struct vx_err *err)
{
    json_t *all = NULL, *list = json_array(), *t;
    size_t i;
    int rc = vx_store_tokens_list(st, NULL, 0, &all, err);

    (void)req;
    json_array_foreach (all, i, t)
        if (type_of(t) != VX_TOKEN_PERSONAL)
            json_array_append(list, api_view(t));
    json_decref(all);
    *out = json_pack("{s:o}", "tokens", list);
    return rc;
}

/* GET /api/admin/api-tokens: every token that is not personal. */
static void on_list(struct vx_req *req, struct vx_reply *rep)
{
    vx_reply_read(req, rep, load_list);
}

/* Read the scope of an API token: projects, or project, or all. */
static int read_projects(json_t *body, json_t **out, struct vx_err *err)
{
    const char *project = NULL;
    json_t *projects = NULL;
    int rc = vx_v_array(body, "projects", VX_OPTIONAL, &projects, err);

    if (rc == VX_OK)
        rc = vx_v_string(body, "project", VX_OPTIONAL, 100, &project, err);
    if (rc)
        return rc;
    if (projects && json_array_size(projects) > 0)
        *out = json_incref(projects);
    else if (project)
        *out = json_pack("[s]", project);
    else
        *out = json_pack("[s]", "*");
    return VX_OK;
}

/* Read the body of POST /api/admin/api-tokens into r. */
static int read_api_token(json_t *body, struct vx_token_request *r,
                          char *expires, struct vx_err *err)
{
    const char *type = NULL;
    int rc = vx_v_string(body, "tokenName", VX_OPTIONAL, 100, &r->name, err);

    if (rc == VX_OK && !r->name)
        rc = vx_v_string(body, "username", VX_OPTIONAL, 100, &r->name, err);
    if (rc == VX_OK && (!r->name || !*r->name))
        rc = vx_err_set(err, VX_EINVAL, "/body/tokenName",
                        "The `/body/tokenName` property is required. It "
                        "was not present on the data you sent.");
    if (rc == VX_OK)
        rc = vx_v_string(body, "type", VX_REQUIRED, 20, &type, err);
    if (rc == VX_OK) {
        r->type = vx_token_type_parse(type);
        if (r->type == 0 || r->type == VX_TOKEN_PERSONAL)
            rc = vx_err_set(err, VX_EINVAL, "/body/type",
                            "`/body/type` must be one of client, backend, "
                            "frontend, admin; got \"%s\"",
                            type);
    }
    if (rc == VX_OK)
        rc = vx_v_string(body, "environment", VX_OPTIONAL, 100, &r->environment,
                         err);
    if (rc == VX_OK)
        rc = vx_v_time(body, "expiresAt", VX_OPTIONAL, expires, &r->expires_at,
                       err);
    if (rc == VX_OK)
        rc = read_projects(body, &r->projects, err);
    return rc;
}

/* POST /api/admin/api-tokens */
static void on_create(struct vx_req *req, struct vx_reply *rep)
{
    struct vx_store *st = req->app->store;
    struct vx_actor who = vx_req_actor(req);
    struct vx_token_request r = {0};
    struct vx_err err = {0};
    json_t *body = NULL, *token = NULL;
    char expires[32], secret[300];
    int rc;

    if (vx_req_json(req, rep, 0, &body))
        return;
    rc = read_api_token(body, &r, expires, &err);
    /* An admin token acts as its maker; others belong to the system. */
    r.user_id = r.type == VX_TOKEN_ADMIN ? req->who.user_id : SYSTEM_USER;
    if (rc == VX_OK)
        rc = vx_store_begin(st, &err);
    if (rc)
        goto out;
    rc = vx_token_issue(st, &who, &r, secret, sizeof(secret), &token, &err);
    rc = vx_store_finish(st, rc, &err);
    sodium_memzero(secret, sizeof(secret));
    if (rc == VX_OK)
        reload_auth(req);
out:
    vx_reply_result(rep, rc, &err, 201, rc ? token : api_view(token));
    json_decref(r.projects);
    json_decref(body);
}

/* PUT /api/admin/api-tokens/:token {expiresAt} */
static void on_update(struct vx_req *req, struct vx_reply *rep)
{
    struct vx_store *st = req->app->store;
    struct vx_actor who = vx_req_actor(req);
    struct vx_err err = {0};
    json_t *body = NULL, *pre = NULL, *token = NULL;
    const char *expires = NULL;
    char buf[32];
    int rc;

    if (vx_req_json(req, rep, 0, &body))
        return;
    if (json_is_null(json_object_get(body, "expiresAt")))
        rc = VX_OK; /* null: never expires */
    else
        rc = vx_v_time(body, "expiresAt", VX_REQUIRED, buf, &expires, &err);
    if (rc == VX_OK)
        rc = vx_store_begin(st, &err);
    if (rc)
        goto out;
    rc = find_token(st, vx_req_param(req, "token"), &pre, &err);
    if (rc == VX_OK && type_of(pre) == VX_TOKEN_PERSONAL)
        rc = vx_err_set(&err, VX_ENOTFOUND, NULL, "no such API token");
    if (rc == VX_OK)
        rc = vx_store_token_set_expiry(
            st, json_integer_value(json_object_get(pre, "id")), expires, &err);
    if (rc == VX_OK)
        rc = vx_store_token_get(
            st, json_integer_value(json_object_get(pre, "id")), &token, &err);
    if (rc == VX_OK)
        rc = vx_store_event(
            st, &who, "api-token-updated", NULL, NULL,
            json_string_value(json_object_get(pre, "environment")), pre, token,
            &err);
    rc = vx_store_finish(st, rc, &err);
    if (rc == VX_OK)
        reload_auth(req);
out:
    vx_reply_result(rep, rc, &err, 200, rc ? token : api_view(token));
    json_decref(pre);
    json_decref(body);
}

/*
 * Delete the token found by find_token() from param when may(token,
 * req) allows it (else 404), with an audit event.
 */
static void delete_token(struct vx_req *req, struct vx_reply *rep,
                         const char *param,
                         int (*may)(json_t *t, const struct vx_req *req))
{
    struct vx_store *st = req->app->store;
    struct vx_actor who = vx_req_actor(req);
    struct vx_err err = {0};
    json_t *pre = NULL;
    int rc = vx_store_begin(st, &err);

    if (rc)
        goto out;
    rc = find_token(st, param, &pre, &err);
    if (rc == VX_OK && !may(pre, req))
        rc = vx_err_set(&err, VX_ENOTFOUND, NULL, "no such token");
    if (rc == VX_OK)
        rc = vx_store_token_delete(
            st, json_integer_value(json_object_get(pre, "id")), &err);
    if (rc == VX_OK)
        rc = vx_store_event(
            st, &who, "api-token-deleted", NULL, NULL,
            json_string_value(json_object_get(pre, "environment")), pre, NULL,
            &err);
    rc = vx_store_finish(st, rc, &err);
    if (rc == VX_OK)
        reload_auth(req);
out:
    vx_reply_result(rep, rc, &err, 200, NULL);
    json_decref(pre);
}

/* May delete through /api/admin/api-tokens: any API token. */
static int may_api(json_t *t, const struct vx_req *req)
{
    (void)req;
    return type_of(t) != VX_TOKEN_PERSONAL;
}

/* DELETE /api/admin/api-tokens/:token */
static void on_delete(struct vx_req *req, struct vx_reply *rep)
{
    delete_token(req, rep, vx_req_param(req, "token"), may_api);
}

/*
 * Issue a personal token for user id (of kind, which must exist and be
 * live) from a body {description, expiresAt?}, and reply 201 with it.
 */
static void issue_personal(struct vx_req *req, struct vx_reply *rep, int64_t id,
                           enum vx_user_kind kind, int need_description)
{
    struct vx_store *st = req->app->store;
    struct vx_actor who = vx_req_actor(req);
    struct vx_token_request r = {0};
    struct vx_err err = {0};
    json_t *body = NULL, *user = NULL, *token = NULL;
    char expires[32], secret[300];
    int rc;

    if (vx_req_json(req, rep, !need_description, &body))
        return;
    rc = vx_v_string(body, "description", need_description, 100, &r.name, &err);
    if (rc == VX_OK)
        rc = vx_v_time(body, "expiresAt", VX_OPTIONAL, expires, &r.expires_at,
                       &err);
    if (rc == VX_OK && !r.name)
        r.name = "personal token";
    r.type = VX_TOKEN_PERSONAL;
    r.user_id = id;
    if (rc == VX_OK)
        rc = vx_store_begin(st, &err);
    if (rc)
        goto out;
    rc = vx_store_user_get(st, id, kind, &user, &err);
    if (rc == VX_OK)
        rc = vx_token_issue(st, &who, &r, secret, sizeof(secret), &token, &err);
    rc = vx_store_finish(st, rc, &err);
    sodium_memzero(secret, sizeof(secret));
    if (rc == VX_OK)
        reload_auth(req);
out:
    vx_reply_result(rep, rc, &err, 201, rc ? token : pat_view(token));
    json_decref(user);
    json_decref(body);
}

/* Reply with the personal tokens of user id under key. */
static void list_personal(struct vx_req *req, struct vx_reply *rep, int64_t id,
                          enum vx_user_kind kind, const char *key)
{
    struct vx_store *st = req->app->store;
    struct vx_err err = {0};
    json_t *user = NULL, *list = NULL;
    int rc = vx_store_read(st, &err);

    if (rc == VX_OK) {
        rc = vx_store_user_get(st, id, kind, &user, &err);
        if (rc == VX_OK)
            rc = vx_store_tokens_list(st, "personal", id, &list, &err);
        vx_store_done(st);
    }
    vx_reply_result(rep, rc, &err, 200,
                    rc ? NULL : json_pack("{s:o}", key, pat_list(list)));
    json_decref(user);
}

/* GET /api/admin/user/tokens: the caller's own. */
static void on_my_list(struct vx_req *req, struct vx_reply *rep)
{
    list_personal(req, rep, req->who.user_id, VX_USERS_ANY, "pats");
}

/* POST /api/admin/user/tokens */
static void on_my_create(struct vx_req *req, struct vx_reply *rep)
{
    issue_personal(req, rep, req->who.user_id, VX_USERS_ANY, 1);
}

/* May delete through /api/admin/user/tokens: the caller's own. */
static int may_own(json_t *t, const struct vx_req *req)
{
    return type_of(t) == VX_TOKEN_PERSONAL && owner_of(t) == req->who.user_id;
}

/* DELETE /api/admin/user/tokens/:id */
static void on_my_delete(struct vx_req *req, struct vx_reply *rep)
{
    struct vx_err err = {0};
    int64_t id = 0;

    if (vx_v_param_id(vx_req_param(req, "id"), "token", &id, &err))
        vx_reply_err(rep, &err);
    else
        delete_token(req, rep, vx_req_param(req, "id"), may_own);
}

/* The :id path parameter as a user id, or a 404 reply. */
static int user_param(struct vx_req *req, struct vx_reply *rep, int64_t *id)
{
    struct vx_err err = {0};
    int rc = vx_v_param_id(vx_req_param(req, "id"), "user", id, &err);

    if (rc)
        vx_reply_err(rep, &err);
    return rc;
}

/* POST /api/admin/user-admin/:id/tokens */
static void on_user_create(struct vx_req *req, struct vx_reply *rep)
{
    int64_t id = 0;

    if (user_param(req, rep, &id) == VX_OK)
        issue_personal(req, rep, id, VX_USERS_HUMAN, 0);
}

/* GET /api/admin/service-account/:id/token */
static void on_sa_list(struct vx_req *req, struct vx_reply *rep)
{
    int64_t id = 0;

    if (user_param(req, rep, &id) == VX_OK)
        list_personal(req, rep, id, VX_USERS_SERVICE, "tokens");
}

/* POST /api/admin/service-account/:id/token */
static void on_sa_create(struct vx_req *req, struct vx_reply *rep)
{
    int64_t id = 0;

    if (user_param(req, rep, &id) == VX_OK)
        issue_personal(req, rep, id, VX_USERS_SERVICE, 1);
}

/* May delete through the service-account path: that account's own. */
static int may_sa(json_t *t, const struct vx_req *req)
{
    int64_t id = 0;

    vx_v_param_id(vx_req_param(req, "id"), "user", &id, NULL);
    return type_of(t) == VX_TOKEN_PERSONAL && owner_of(t) == id;
}

/* DELETE /api/admin/service-account/:id/token/:tokenId */
static void on_sa_delete(struct vx_req *req, struct vx_reply *rep)
{
    struct vx_err err = {0};
    int64_t id = 0;

    if (vx_v_param_id(vx_req_param(req, "tokenId"), "token", &id, &err))
        vx_reply_err(rep, &err);
    else
        delete_token(req, rep, vx_req_param(req, "tokenId"), may_sa);
}

#define A "/api/admin/api-tokens"
#define S "/api/admin/service-account/:id/token"

const struct vx_route vx_routes_tokens[] = {
    {"GET", A, VX_ACCESS_ADMIN, VX_ROLE_ADMIN, on_list},
    {"POST", A, VX_ACCESS_ADMIN, VX_ROLE_ADMIN, on_create},
    {"PUT", A "/:token", VX_ACCESS_ADMIN, VX_ROLE_ADMIN, on_update},
    {"DELETE", A "/:token", VX_ACCESS_ADMIN, VX_ROLE_ADMIN, on_delete},
    {"GET", "/api/admin/user/tokens", VX_ACCESS_ADMIN, VX_ROLE_VIEWER,
     on_my_list},
    {"POST", "/api/admin/user/tokens", VX_ACCESS_ADMIN, VX_ROLE_VIEWER,
     on_my_create},
    {"DELETE", "/api/admin/user/tokens/:id", VX_ACCESS_ADMIN, VX_ROLE_VIEWER,
     on_my_delete},
    {"POST", "/api/admin/user-admin/:id/tokens", VX_ACCESS_ADMIN, VX_ROLE_ADMIN,
     on_user_create},
    {"GET", S, VX_ACCESS_ADMIN, VX_ROLE_ADMIN, on_sa_list},
    {"POST", S, VX_ACCESS_ADMIN, VX_ROLE_ADMIN, on_sa_create},
    {"DELETE", S "/:tokenId", VX_ACCESS_ADMIN, VX_ROLE_ADMIN, on_sa_delete},
    {NULL, NULL, 0, 0, NULL},
};
