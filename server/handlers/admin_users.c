/*
 * /api/admin/user-admin, /api/admin/user and /api/admin/service-account:
 * people and service accounts, their root roles, and who is calling.
 * Every change reloads the token cache after its commit, so a deleted
 * user's tokens stop working and a new role applies at once.
 */
#include "handlers/handlers.h"

#include <string.h>

#include "app.h"
#include "handlers/common.h"
#include "validate.h"
#include "log.h"
#include "store/users.h"

/* The id of the built-in admin user, which keeps its role forever. */
#define BUILTIN_ADMIN 1

/* The root roles as Unleash numbers them, for list replies. */
static json_t *root_roles(void)
{
    return json_pack("[{s:i, s:s}, {s:i, s:s}, {s:i, s:s}]", "id", 1, "name",
                     "Admin", "id", 2, "name", "Editor", "id", 3, "name",
                     "Viewer");
}

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
 * Read rootRole: "Admin", "Editor", "Viewer" (any case) or Unleash's
 * role ids 1, 2, 3. *out stays NULL when absent.
 */
static int read_role(json_t *body, int required, const char **out,
                     struct vx_err *err)
{
    static const char *const by_id[] = {NULL, "Admin", "Editor", "Viewer"};
    json_t *v = json_object_get(body, "rootRole");
    enum vx_role role;

    *out = NULL;
    if (json_is_integer(v) && json_integer_value(v) >= 1 &&
        json_integer_value(v) <= 3) {
        *out = by_id[json_integer_value(v)];
        return VX_OK;
    }
    if ((!v || json_is_null(v)) && !required)
        return VX_OK;
    role = vx_role_parse(json_string_value(v));
    if (role == VX_ROLE_NONE)
        return vx_err_set(err, VX_EINVAL, "/body/rootRole",
                          "`/body/rootRole` must be one of Admin, Editor, "
                          "Viewer (or the role ids 1, 2, 3)");
    *out = vx_role_name(role);
    return VX_OK;
}

/* Read a user body; what must be there depends on creating and kind. */
static int read_user(json_t *body, int creating, int service,
                     struct vx_user_row *u, struct vx_err *err)
{
    int rc;

    rc = vx_v_string(body, "username", creating && service, 100, &u->username,
                     err);
    if (rc == VX_OK)
        rc = vx_v_string(body, "email", VX_OPTIONAL, 200, &u->email, err);
    if (rc == VX_OK)
        rc = vx_v_string(body, "name", VX_OPTIONAL, 200, &u->name, err);
    if (rc == VX_OK)
        rc = read_role(body, creating, &u->role, err);
    if (rc)
        return rc;
    if (u->username && !*u->username)
        return vx_err_set(err, VX_EINVAL, "/body/username",
                          "`/body/username` must not be empty");
    if (u->email && !strchr(u->email, '@'))
        return vx_err_set(err, VX_EINVAL, "/body/email",
                          "`/body/email` must be an email address; got "
                          "\"%s\"",
                          u->email);
    if (creating && !u->username && !u->email)
        return vx_err_set(err, VX_EINVAL, "/body/username",
                          "a user needs a `username` or an `email`");
    u->is_service = service;
    return VX_OK;
}

/* Reply with the live users of kind under key, with the root roles. */
static void list_users(struct vx_req *req, struct vx_reply *rep,
                       enum vx_user_kind kind, const char *key)
{
    struct vx_err err = {0};
    json_t *list = NULL;
    int rc = vx_store_read(req->app->store, &err);

    if (rc == VX_OK) {
        rc = vx_store_users_list(req->app->store, kind, &list, &err);
        vx_store_done(req->app->store);
    }
    vx_reply_result(
        rep, rc, &err, 200,
        rc ? NULL
           : json_pack("{s:o, s:o}", key, list, "rootRoles", root_roles()));
}

/* Reply with one live user of kind, by the :id parameter. */
static void get_user(struct vx_req *req, struct vx_reply *rep,
                     enum vx_user_kind kind)
{
    struct vx_err err = {0};
    json_t *u = NULL;
    int64_t id = 0;
    int rc = vx_v_param_id(vx_req_param(req, "id"), "user", &id, &err);

    if (rc == VX_OK)
        rc = vx_store_read(req->app->store, &err);
    if (rc == VX_OK) {
        rc = vx_store_user_get(req->app->store, id, kind, &u, &err);
        vx_store_done(req->app->store);
    }
    vx_reply_result(rep, rc, &err, 200, u);
}

/* Create a person (kind human) or a service account. */
static void create_user(struct vx_req *req, struct vx_reply *rep,
                        enum vx_user_kind kind)
{
    struct vx_store *st = req->app->store;
    struct vx_actor who = vx_req_actor(req);
    struct vx_user_row u = {0};
    struct vx_err err = {0};
    json_t *body = NULL, *user = NULL;
    int64_t id = 0;
    int rc;

    if (vx_req_json(req, rep, 0, &body))
        return;
    rc = read_user(body, 1, kind == VX_USERS_SERVICE, &u, &err);
    if (rc == VX_OK)
        rc = vx_store_begin(st, &err);
    if (rc)
        goto out;
    rc = vx_store_user_insert(st, &u, &id, &err);
    if (rc == VX_OK)
        rc = vx_store_user_get(st, id, kind, &user, &err);
    if (rc == VX_OK)
        rc = vx_store_event(st, &who,
                            kind == VX_USERS_SERVICE ? "service-account-created"
                                                     : "user-created",
                            NULL, NULL, NULL, NULL, user, &err);
    rc = vx_store_finish(st, rc, &err);
out:
    vx_reply_result(rep, rc, &err, 201, user);
    json_decref(body);
}

/* Update a person or a service account by the :id parameter. */
static void update_user(struct vx_req *req, struct vx_reply *rep,
                        enum vx_user_kind kind)
{
    struct vx_store *st = req->app->store;
    struct vx_actor who = vx_req_actor(req);
    struct vx_user_row u = {0};
    struct vx_err err = {0};
    json_t *body = NULL, *pre = NULL, *user = NULL;
    int64_t id = 0;
    int rc = vx_v_param_id(vx_req_param(req, "id"), "user", &id, &err);

    if (rc) {
        vx_reply_err(rep, &err);
        return;
    }
    if (vx_req_json(req, rep, 0, &body))
        return;
    rc = read_user(body, 0, kind == VX_USERS_SERVICE, &u, &err);
    if (rc == VX_OK && id == BUILTIN_ADMIN && u.role && strcmp(u.role, "Admin"))
        rc = vx_err_set(&err, VX_EINVAL, "/body/rootRole",
                        "the built-in admin user keeps the Admin role");
    if (rc == VX_OK)
        rc = vx_store_begin(st, &err);
    if (rc)
        goto out;
    rc = vx_store_user_get(st, id, kind, &pre, &err);
    if (rc == VX_OK)
        rc = vx_store_user_update(st, id, &u, &err);
    if (rc == VX_OK)
        rc = vx_store_user_get(st, id, kind, &user, &err);
    if (rc == VX_OK)
        rc = vx_store_event(st, &who,
                            kind == VX_USERS_SERVICE ? "service-account-updated"
                                                     : "user-updated",
                            NULL, NULL, NULL, pre, user, &err);
    rc = vx_store_finish(st, rc, &err);
    if (rc == VX_OK)
        reload_auth(req);
out:
    vx_reply_result(rep, rc, &err, 200, user);
    json_decref(pre);
    json_decref(body);
}

/* Soft-delete a person or a service account and drop their tokens. */
static void delete_user(struct vx_req *req, struct vx_reply *rep,
                        enum vx_user_kind kind)
{
    struct vx_store *st = req->app->store;
    struct vx_actor who = vx_req_actor(req);
    struct vx_err err = {0};
    json_t *pre = NULL, *data = NULL;
    int64_t id = 0, tokens = 0;
    int rc = vx_v_param_id(vx_req_param(req, "id"), "user", &id, &err);

    if (rc == VX_OK && id == BUILTIN_ADMIN)
        rc = vx_err_set(&err, VX_EINVAL, NULL,
                        "the built-in admin user cannot be deleted");
    if (rc == VX_OK)
        rc = vx_store_begin(st, &err);
    if (rc)
        goto out;
    rc = vx_store_user_get(st, id, kind, &pre, &err);
    if (rc == VX_OK)
        rc = vx_store_user_delete(st, id, &tokens, &err);
    if (rc == VX_OK) {
        data = json_pack("{s:I, s:I}", "id", (json_int_t)id, "tokensDeleted",
                         (json_int_t)tokens);
        rc = vx_store_event(st, &who,
                            kind == VX_USERS_SERVICE ? "service-account-deleted"
                                                     : "user-deleted",
                            NULL, NULL, NULL, pre, data, &err);
    }
    rc = vx_store_finish(st, rc, &err);
    if (rc == VX_OK)
        reload_auth(req);
out:
    vx_reply_result(rep, rc, &err, 200, NULL);
    json_decref(pre);
    json_decref(data);
}

/* GET /api/admin/user-admin */
static void on_users(struct vx_req *req, struct vx_reply *rep)
{
    list_users(req, rep, VX_USERS_HUMAN, "users");
}

/* GET /api/admin/user-admin/:id */
static void on_user(struct vx_req *req, struct vx_reply *rep)
{
    get_user(req, rep, VX_USERS_HUMAN);
}

/* POST /api/admin/user-admin */
static void on_user_create(struct vx_req *req, struct vx_reply *rep)
{
    create_user(req, rep, VX_USERS_HUMAN);
}

/* PUT /api/admin/user-admin/:id */
static void on_user_update(struct vx_req *req, struct vx_reply *rep)
{
    update_user(req, rep, VX_USERS_HUMAN);
}

/* DELETE /api/admin/user-admin/:id */
static void on_user_delete(struct vx_req *req, struct vx_reply *rep)
{
    delete_user(req, rep, VX_USERS_HUMAN);
}

/* GET /api/admin/service-account */
static void on_services(struct vx_req *req, struct vx_reply *rep)
{
    list_users(req, rep, VX_USERS_SERVICE, "serviceAccounts");
}

/* GET /api/admin/service-account/:id */
static void on_service(struct vx_req *req, struct vx_reply *rep)
{
    get_user(req, rep, VX_USERS_SERVICE);
}

/* POST /api/admin/service-account */
static void on_service_create(struct vx_req *req, struct vx_reply *rep)
{
    create_user(req, rep, VX_USERS_SERVICE);
}

/* PUT /api/admin/service-account/:id */
static void on_service_update(struct vx_req *req, struct vx_reply *rep)
{
    update_user(req, rep, VX_USERS_SERVICE);
}

/* DELETE /api/admin/service-account/:id */
static void on_service_delete(struct vx_req *req, struct vx_reply *rep)
{
    delete_user(req, rep, VX_USERS_SERVICE);
}

/* {user}: the user behind the calling token (a vx_read_fn). */
static int load_me(struct vx_store *st, struct vx_req *req, json_t **out,
                   struct vx_err *err)
{
    json_t *u = NULL;
    int rc = vx_store_user_get(st, req->who.user_id, VX_USERS_ANY, &u, err);

    if (rc == VX_OK)
        *out = json_pack("{s:o}", "user", u);
    return rc;
}

/* GET /api/admin/user: the user behind the calling token. */
static void on_whoami(struct vx_req *req, struct vx_reply *rep)
{
    vx_reply_read(req, rep, load_me);
}

#define U "/api/admin/user-admin"
#define S "/api/admin/service-account"

const struct vx_route vx_routes_users[] = {
    {"GET", "/api/admin/user", VX_ACCESS_ADMIN, VX_ROLE_VIEWER, on_whoami},
    {"GET", U, VX_ACCESS_ADMIN, VX_ROLE_ADMIN, on_users},
    {"POST", U, VX_ACCESS_ADMIN, VX_ROLE_ADMIN, on_user_create},
    {"GET", U "/:id", VX_ACCESS_ADMIN, VX_ROLE_ADMIN, on_user},
    {"PUT", U "/:id", VX_ACCESS_ADMIN, VX_ROLE_ADMIN, on_user_update},
    {"DELETE", U "/:id", VX_ACCESS_ADMIN, VX_ROLE_ADMIN, on_user_delete},
    {"GET", S, VX_ACCESS_ADMIN, VX_ROLE_ADMIN, on_services},
    {"POST", S, VX_ACCESS_ADMIN, VX_ROLE_ADMIN, on_service_create},
    {"GET", S "/:id", VX_ACCESS_ADMIN, VX_ROLE_ADMIN, on_service},
    {"PUT", S "/:id", VX_ACCESS_ADMIN, VX_ROLE_ADMIN, on_service_update},
    {"DELETE", S "/:id", VX_ACCESS_ADMIN, VX_ROLE_ADMIN, on_service_delete},
    {NULL, NULL, 0, 0, NULL},
};
