/*
 * The users table: people and service accounts.
 */
#include "store/users.h"

#include "store/sql.h"
#include "store/store.h"

/* rootRole is Unleash's numeric role id; rootRoleName its name. */
#define USER_COLUMNS                                                           \
    "id, username, email, name,"                                               \
    " CASE role WHEN 'Admin' THEN 1 WHEN 'Editor' THEN 2 ELSE 3 END"           \
    " AS rootRole, role AS rootRoleName,"                                      \
    " is_service AS \"isService$bool\", created_at AS createdAt"

/* The kind filter, bound as one integer ?: -1 any, 0 people, 1 services. */
#define KIND_WHERE " (?1 < 0 OR is_service = ?1)"

int vx_store_users_list(struct vx_store *st, enum vx_user_kind kind,
                        json_t **out, struct vx_err *err)
{
    return vx_sql_rows(st, err, out,
                       "SELECT " USER_COLUMNS " FROM users"
                       " WHERE deleted_at IS NULL AND" KIND_WHERE
                       " ORDER BY id",
                       "i", (int64_t)kind);
}

int vx_store_user_get(struct vx_store *st, int64_t id, enum vx_user_kind kind,
                      json_t **out, struct vx_err *err)
{
    int rc =
        vx_sql_row(st, err, out,
                   "SELECT " USER_COLUMNS " FROM users"
                   " WHERE deleted_at IS NULL AND" KIND_WHERE " AND id = ?2",
                   "ii", (int64_t)kind, id);

    if (rc == VX_ENOTFOUND)
        vx_err_set(err, rc, NULL, "there is no %s with id %lld",
                   kind == VX_USERS_SERVICE ? "service account" : "user",
                   (long long)id);
    return rc;
}

/*
 * VX_ECONFLICT naming the field when a live user other than self
 * already has this user name or email.
 */
static int check_taken(struct vx_store *st, int64_t self,
                       const struct vx_user_row *u, struct vx_err *err)
{
    int64_t other = 0;
    int rc = VX_ENOTFOUND;

    if (u->username)
        rc = vx_sql_int(st, err, &other,
                        "SELECT id FROM users WHERE username = ?"
                        " AND id <> ?",
                        "si", u->username, self);
    if (rc == VX_OK)
        return vx_err_set(err, VX_ECONFLICT, "/body/username",
                          "a user with the username \"%s\" already exists",
                          u->username);
    if (rc != VX_ENOTFOUND)
        return rc;
    rc = VX_ENOTFOUND;
    if (u->email)
        rc = vx_sql_int(st, err, &other,
                        "SELECT id FROM users WHERE email = ? AND id <> ?",
                        "si", u->email, self);
    if (rc == VX_OK)
        return vx_err_set(err, VX_ECONFLICT, "/body/email",
                          "a user with the email \"%s\" already exists",
                          u->email);
    return rc == VX_ENOTFOUND ? VX_OK : rc;
}

int vx_store_user_insert(struct vx_store *st, const struct vx_user_row *u,
                         int64_t *id, struct vx_err *err)
{
    char now[32];
    int rc = check_taken(st, 0, u, err);

    if (rc)
        return rc;
    vx_sql_now(now);
    rc = vx_sql_run(st, err,
                    "INSERT INTO users (username, email, name, role,"
                    " is_service, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                    "ssssbs", u->username, u->email, u->name ? u->name : "",
                    u->role, u->is_service, now);
    if (rc == VX_OK)
        *id = vx_sql_last_id(st);
    return rc;
}

int vx_store_user_update(struct vx_store *st, int64_t id,
                         const struct vx_user_row *u, struct vx_err *err)
{
    int rc = check_taken(st, id, u, err);

    if (rc)
        return rc;
    rc = vx_sql_run(st, err,
                    "UPDATE users SET username = coalesce(?, username),"
                    " email = coalesce(?, email), name = coalesce(?, name),"
                    " role = coalesce(?, role)"
                    " WHERE id = ? AND deleted_at IS NULL",
                    "ssssi", u->username, u->email, u->name, u->role, id);
    if (rc == VX_OK && vx_sql_changes(st) == 0)
        rc = vx_err_set(err, VX_ENOTFOUND, NULL,
                        "there is no user with id %lld", (long long)id);
    return rc;
}

int vx_store_user_delete(struct vx_store *st, int64_t id, int64_t *tokens,
                         struct vx_err *err)
{
    char now[32];
    int rc;

    vx_sql_now(now);
    rc = vx_sql_run(st, err,
                    "UPDATE users SET deleted_at = ?, username = NULL,"
                    " email = NULL WHERE id = ? AND deleted_at IS NULL",
                    "si", now, id);
    if (rc == VX_OK && vx_sql_changes(st) == 0)
        return vx_err_set(err, VX_ENOTFOUND, NULL,
                          "there is no user with id %lld", (long long)id);
    if (rc == VX_OK)
        rc = vx_sql_run(st, err, "DELETE FROM api_tokens WHERE user_id = ?",
                        "i", id);
    if (rc == VX_OK && tokens)
        *tokens = vx_sql_changes(st);
    return rc;
}
