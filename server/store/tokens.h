/*
 * API tokens and personal tokens in the store. See store.h for the
 * locking rules; see auth.h for the token formats.
 */
#ifndef VX_STORE_TOKENS_H
#define VX_STORE_TOKENS_H

#include <stdint.h>

#include <jansson.h>

#include "vx_err.h"

struct vx_store;

struct vx_token_row {
    const unsigned char *hash; /* VX_HASH_LEN bytes */
    const char *display;
    const char *name;
    const char *type;        /* "client", "frontend", "admin", "personal" */
    const char *environment; /* NULL for admin and personal */
    json_t *projects;        /* borrowed; NULL means ["*"] */
    int64_t user_id;
    const char *expires_at; /* ISO time or NULL */
};

/* Insert a token; *id gets its id. Duplicate secrets are VX_ECONFLICT. */
int vx_store_token_insert(struct vx_store *st, const struct vx_token_row *t,
                          int64_t *id, struct vx_err *err);

/*
 * Every token with its user's name and role, for the auth cache:
 * objects with id, hash (hex), type, environment, projects, userId,
 * username, role, expiresAt. Tokens of deleted users are left out.
 */
int vx_store_tokens_all(struct vx_store *st, json_t **out, struct vx_err *err);

/*
 * Tokens as the API shows them, without secrets. type filters by type
 * ("personal" lists user tokens); user_id > 0 narrows to one user's.
 */
int vx_store_tokens_list(struct vx_store *st, const char *type, int64_t user_id,
                         json_t **out, struct vx_err *err);

/* One token by id, as listed; VX_ENOTFOUND if absent. */
int vx_store_token_get(struct vx_store *st, int64_t id, json_t **out,
                       struct vx_err *err);

/* The id of the token with this secret hash; VX_ENOTFOUND if none. */
int vx_store_token_find(struct vx_store *st, const unsigned char *hash,
                        int64_t *id, struct vx_err *err);

/* Delete; VX_ENOTFOUND if absent. */
int vx_store_token_delete(struct vx_store *st, int64_t id, struct vx_err *err);

/* Set or clear (NULL) the expiry time; VX_ENOTFOUND if absent. */
int vx_store_token_set_expiry(struct vx_store *st, int64_t id,
                              const char *expires_at, struct vx_err *err);

#endif
