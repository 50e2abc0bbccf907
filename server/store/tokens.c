/*
 * The api_tokens table.
 */
#include "store/tokens.h"

#include "auth/auth.h"
#include "store/sql.h"
#include "store/store.h"

/* Columns of a token as the admin API shows it. */
#define TOKEN_COLUMNS                                                          \
    "t.id, t.token_name AS tokenName, t.display, t.type,"                      \
    " t.environment, t.projects AS \"projects$json\","                         \
    " t.user_id AS userId, u.username AS username,"                            \
    " t.expires_at AS expiresAt, t.created_at AS createdAt,"                   \
    " t.seen_at AS seenAt"

int vx_store_token_insert(struct vx_store *st, const struct vx_token_row *t,
                          int64_t *id, struct vx_err *err)
{
    char now[32];
    json_t *all = t->projects ? NULL : json_pack("[s]", "*");
    int rc;

    vx_sql_now(now);
    rc = vx_sql_run(st, err,
                    "INSERT INTO api_tokens (secret_hash, display,"
                    " token_name, type, environment, projects, user_id,"
                    " expires_at, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    "hssssjiss", t->hash, (size_t)VX_HASH_LEN, t->display,
                    t->name, t->type, t->environment,
                    t->projects ? t->projects : all, t->user_id, t->expires_at,
                    now);
    json_decref(all);
    if (rc == VX_ECONFLICT)
        return vx_err_set(err, rc, NULL, "that token already exists");
    if (rc == VX_OK)
        *id = vx_sql_last_id(st);
    return rc;
}

int vx_store_tokens_all(struct vx_store *st, json_t **out, struct vx_err *err)
{
    return vx_sql_rows(st, err, out,
                       "SELECT t.id, hex(t.secret_hash) AS hash, t.type,"
                       " t.environment, t.projects AS \"projects$json\","
                       " t.user_id AS userId, u.username AS username,"
                       " u.role AS role, t.expires_at AS expiresAt"
                       " FROM api_tokens t JOIN users u ON u.id = t.user_id"
                       " WHERE u.deleted_at IS NULL",
                       "");
}

int vx_store_tokens_list(struct vx_store *st, const char *type, int64_t user_id,
                         json_t **out, struct vx_err *err)
{
    return vx_sql_rows(st, err, out,
                       "SELECT " TOKEN_COLUMNS
                       " FROM api_tokens t LEFT JOIN users u"
                       " ON u.id = t.user_id"
                       " WHERE (?1 IS NULL OR t.type = ?1)"
                       " AND (?2 <= 0 OR t.user_id = ?2)"
                       " ORDER BY t.id",
                       "si", type, user_id);
}

int vx_store_token_get(struct vx_store *st, int64_t id, json_t **out,
                       struct vx_err *err)
{
    int rc = vx_sql_row(st, err, out,
                        "SELECT " TOKEN_COLUMNS
                        " FROM api_tokens t LEFT JOIN users u"
                        " ON u.id = t.user_id WHERE t.id = ?",
                        "i", id);

    if (rc == VX_ENOTFOUND)
        vx_err_set(err, rc, NULL, "no token with id %lld", (long long)id);
    return rc;
}

int vx_store_token_find(struct vx_store *st, const unsigned char *hash,
                        int64_t *id, struct vx_err *err)
{
    int rc = vx_sql_int(st, err, id,
                        "SELECT id FROM api_tokens WHERE secret_hash = ?", "h",
                        hash, (size_t)VX_HASH_LEN);

    if (rc == VX_ENOTFOUND)
        vx_err_set(err, rc, NULL, "no such token");
    return rc;
}

int vx_store_token_delete(struct vx_store *st, int64_t id, struct vx_err *err)
{
    int rc =
        vx_sql_run(st, err, "DELETE FROM api_tokens WHERE id = ?", "i", id);

    if (rc == VX_OK && vx_sql_changes(st) == 0)
        rc = vx_err_set(err, VX_ENOTFOUND, NULL, "no token with id %lld",
                        (long long)id);
    return rc;
}

int vx_store_token_set_expiry(struct vx_store *st, int64_t id,
                              const char *expires_at, struct vx_err *err)
{
    int rc =
        vx_sql_run(st, err, "UPDATE api_tokens SET expires_at = ? WHERE id = ?",
                   "si", expires_at, id);

    if (rc == VX_OK && vx_sql_changes(st) == 0)
        rc = vx_err_set(err, VX_ENOTFOUND, NULL, "no token with id %lld",
                        (long long)id);
    return rc;
}
