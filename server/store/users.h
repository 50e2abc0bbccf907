/*
 * Users and service accounts in the store. A service account is a user
 * with is_service set; it signs in only with tokens. Deleting a user is
 * a soft delete: the row stays (so the audit log keeps its meaning), its
 * user name and email are freed for reuse and its tokens are removed.
 * See store.h for the locking rules. Objects returned are owned by the
 * caller.
 */
#ifndef VX_STORE_USERS_H
#define VX_STORE_USERS_H

#include <stdint.h>

#include <jansson.h>

#include "vx_err.h"

struct vx_store;

/* Which users a call sees. */
enum vx_user_kind {
    VX_USERS_ANY = -1,
    VX_USERS_HUMAN = 0,
    VX_USERS_SERVICE = 1,
};

/* The fields of an insert or update; NULL keeps (or leaves empty). */
struct vx_user_row {
    const char *username;
    const char *email;
    const char *name;
    const char *role; /* "Admin", "Editor", "Viewer" */
    int is_service;   /* insert only */
};

/*
 * Live users of kind, by id, as objects with id, username, email, name,
 * rootRole (1 Admin, 2 Editor, 3 Viewer, as Unleash numbers them),
 * rootRoleName, isService, createdAt.
 */
int vx_store_users_list(struct vx_store *st, enum vx_user_kind kind,
                        json_t **out, struct vx_err *err);

/* One live user of kind; VX_ENOTFOUND (with a message) if none. */
int vx_store_user_get(struct vx_store *st, int64_t id, enum vx_user_kind kind,
                      json_t **out, struct vx_err *err);

/*
 * Insert a user; *id gets its id. A user name or email already taken
 * by a live user is VX_ECONFLICT naming the field.
 */
int vx_store_user_insert(struct vx_store *st, const struct vx_user_row *u,
                         int64_t *id, struct vx_err *err);

/*
 * Update the non-NULL fields of a live user (is_service is ignored).
 * VX_ENOTFOUND if absent, VX_ECONFLICT for a taken name or email.
 */
int vx_store_user_update(struct vx_store *st, int64_t id,
                         const struct vx_user_row *u, struct vx_err *err);

/*
 * Soft-delete a live user and delete every token they own; *tokens,
 * when not NULL, gets how many tokens went. VX_ENOTFOUND if absent.
 */
int vx_store_user_delete(struct vx_store *st, int64_t id, int64_t *tokens,
                         struct vx_err *err);

#endif
