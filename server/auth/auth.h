/*
 * Tokens and principals.
 *
 * A token on the wire is Unleash's: "<project>:<environment>.<hex>" for
 * client and frontend tokens ("*" for every project, "[]" for a list),
 * "*:*.<hex>" for admin tokens and "user:<hex>" for personal and
 * service-account tokens. Only a BLAKE2b hash of the whole string is
 * stored. Every token belongs to a user and acts with that user's role.
 *
 * The auth cache holds every live token in memory, so checking a token
 * runs no SQL. It is rebuilt from the store after each change to tokens
 * or users (vx_auth_reload) and guarded by a read-write lock: lookups
 * take it shared, a reload swaps the table under it exclusively.
 */
#ifndef VX_AUTH_H
#define VX_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "vx_err.h"

struct vx_store;
struct vx_auth;

enum vx_token_type {
    VX_TOKEN_CLIENT = 1,
    VX_TOKEN_FRONTEND,
    VX_TOKEN_ADMIN,
    VX_TOKEN_PERSONAL, /* personal and service-account tokens */
};

enum vx_role {
    VX_ROLE_NONE = 0,
    VX_ROLE_VIEWER,
    VX_ROLE_EDITOR,
    VX_ROLE_ADMIN,
};

#define VX_HASH_LEN 32
#define VX_NAME_MAX 100

/* Who is calling: copied out of the cache for one request. */
struct vx_principal {
    enum vx_token_type type;
    int64_t token_id;
    int64_t user_id;
    enum vx_role role;
    char user[128];                    /* user name, for the audit log */
    char environment[VX_NAME_MAX + 1]; /* client and frontend tokens */
    json_t *projects; /* array of names, ["*"] for all; owned */
};

/* "client" → VX_TOKEN_CLIENT and back; 0 / NULL when unknown. */
enum vx_token_type vx_token_type_parse(const char *name);
const char *vx_token_type_name(enum vx_token_type type);

/* "Admin", "Editor", "Viewer" (any case) → role; VX_ROLE_NONE if not. */
enum vx_role vx_role_parse(const char *name);
const char *vx_role_name(enum vx_role role);

/* BLAKE2b-256 of the secret string. */
void vx_token_hash(const char *secret, unsigned char out[VX_HASH_LEN]);

/*
 * Make a new secret for a token of this type into out (at least 300
 * bytes). environment and projects (an array of names) matter for
 * client and frontend tokens only.
 */
void vx_token_secret_new(enum vx_token_type type, const char *environment,
                         json_t *projects, char *out, size_t len);

/*
 * Check that a secret given by an operator (VEXIL_INIT_*_TOKENS) has the
 * wire format of its type, and read its environment and project.
 * *project_out and *env_out are allocated; caller frees.
 */
int vx_token_secret_parse(enum vx_token_type type, const char *secret,
                          char **project_out, char **env_out,
                          struct vx_err *err);

/* The non-secret part of a secret, to show in lists: "*:dev.ab12…". */
void vx_token_display(const char *secret, char *out, size_t len);

struct vx_auth *vx_auth_new(void);
void vx_auth_free(struct vx_auth *auth);

/*
 * Reload the cache from the store. Takes the store's read bracket
 * itself, so never call it while holding one.
 */
int vx_auth_reload(struct vx_auth *auth, struct vx_store *st,
                   struct vx_err *err);

/* How many tokens the cache holds. */
size_t vx_auth_count(struct vx_auth *auth);

/*
 * Find the token whose secret is given (a leading "Bearer " is
 * skipped). On success fills *who (release with
 * vx_principal_release()); VX_EUNAUTH when unknown or expired.
 */
int vx_auth_lookup(struct vx_auth *auth, const char *secret,
                   struct vx_principal *who);

void vx_principal_release(struct vx_principal *who);

/* True when the principal may see project (its list, or "*"). */
int vx_principal_has_project(const struct vx_principal *who,
                             const char *project);

#endif
