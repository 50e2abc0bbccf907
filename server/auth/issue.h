/*
 * Issuing tokens: the one path by which the admin API, the command line
 * and start-up settings create a token, so every token gets the same
 * checks and an audit event.
 */
#ifndef VX_AUTH_ISSUE_H
#define VX_AUTH_ISSUE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "auth/auth.h"
#include "store/store.h"

/* The longest secret a token may have; secret_out holds one more. */
#define VX_SECRET_MAX 255

struct vx_token_request {
    enum vx_token_type type;
    const char *name;        /* shown in lists; required */
    const char *environment; /* client and frontend tokens */
    json_t *projects;        /* array of names or ["*"]; NULL means all */
    int64_t user_id;         /* whose token it is */
    const char *expires_at;  /* ISO time or NULL */
    const char *secret;      /* use this secret instead of a new one */
};

/*
 * Create the token inside the caller's write transaction: check the
 * environment and projects exist, make (or check) the secret, store its
 * hash and record an audit event. The secret is written to secret_out
 * (at least 300 bytes) and is not kept anywhere. *out, when out is not
 * NULL, gets the token as the API lists it plus its "secret" (caller
 * owns).
 */
int vx_token_issue(struct vx_store *st, const struct vx_actor *who,
                   const struct vx_token_request *r, char *secret_out,
                   size_t len, json_t **out, struct vx_err *err);

#endif
