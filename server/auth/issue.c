/*
 * Token issuing; see issue.h.
 */
#include "auth/issue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "store/environments.h"
#include "store/projects.h"
#include "store/tokens.h"

/* Check the scope of a client or frontend token. */
static int check_scope(struct vx_store *st, const struct vx_token_request *r,
                       struct vx_err *err)
{
    json_t *env = NULL, *p;
    size_t i;
    int rc;

    if (!r->environment || !*r->environment)
        return vx_err_set(err, VX_EINVAL, "/body/environment",
                          "a %s token needs an environment",
                          vx_token_type_name(r->type));
    rc = vx_store_env_get(st, r->environment, &env, err);
    json_decref(env);
    if (rc == VX_ENOTFOUND)
        return vx_err_set(err, VX_EINVAL, "/body/environment",
                          "There's no environment named \"%s\".",
                          r->environment);
    if (rc)
        return rc;
    json_array_foreach (r->projects, i, p) {
        const char *name = json_string_value(p);

        if (!name)
            return vx_err_set(err, VX_EINVAL, "/body/projects",
                              "projects must be a list of project ids");
        if (strcmp(name, "*") &&
            vx_store_project_exists(st, name, NULL) == VX_ENOTFOUND)
            return vx_err_set(err, VX_EINVAL, "/body/projects",
                              "There's no project named \"%s\".", name);
    }
    return VX_OK;
}

/* Check a given secret against the request's type and scope. */
static int check_given(const struct vx_token_request *r, struct vx_err *err)
{
    char *project = NULL, *env = NULL;
    int rc;

    /* The secret is copied into a buffer of the caller's; a longer one
     * would be cut, hashed short and never match again. */
    if (strlen(r->secret) > VX_SECRET_MAX)
        return vx_err_set(err, VX_EINVAL, NULL,
                          "a token secret may be at most %d characters",
                          VX_SECRET_MAX);
    rc = vx_token_secret_parse(r->type, r->secret, &project, &env, err);

    if (rc == VX_OK && env && r->environment && strcmp(env, r->environment) &&
        strcmp(env, "*"))
        rc = vx_err_set(err, VX_EINVAL, NULL,
                        "the token's environment part \"%s\" does not "
                        "match its environment \"%s\"",
                        env, r->environment);
    free(project);
    free(env);
    return rc;
}

int vx_token_issue(struct vx_store *st, const struct vx_actor *who,
                   const struct vx_token_request *r, char *secret_out,
                   size_t len, json_t **out, struct vx_err *err)
{
    int scoped = r->type == VX_TOKEN_CLIENT || r->type == VX_TOKEN_FRONTEND;
    json_t *all = json_pack("[s]", "*"), *projects = r->projects;
    json_t *data = NULL;
    unsigned char hash[VX_HASH_LEN];
    char display[160];
    struct vx_token_row row = {0};
    int64_t id = 0;
    int rc = VX_OK;

    if (!projects || json_array_size(projects) == 0 || !scoped)
        projects = all;
    if (scoped)
        rc = check_scope(st, r, err);
    if (rc == VX_OK && r->secret)
        rc = check_given(r, err);
    if (rc)
        goto out;
    /* check_given() refused secrets over VX_SECRET_MAX; a buffer too
     * small for the rest would store the hash of a cut secret. */
    if (r->secret && strlen(r->secret) >= len) {
        rc =
            vx_err_set(err, VX_EINVAL, NULL,
                       "a token secret may be at most %zu characters", len - 1);
        goto out;
    }
    if (r->secret)
        snprintf(secret_out, len, "%s", r->secret);
    else
        vx_token_secret_new(r->type, r->environment, projects, secret_out, len);
    vx_token_hash(secret_out, hash);
    vx_token_display(secret_out, display, sizeof(display));
    row.hash = hash;
    row.display = display;
    row.name = r->name;
    row.type = vx_token_type_name(r->type);
    row.environment = scoped ? r->environment : NULL;
    row.projects = projects;
    row.user_id = r->user_id;
    row.expires_at = r->expires_at;
    rc = vx_store_token_insert(st, &row, &id, err);
    if (rc == VX_OK)
        rc = vx_store_token_get(st, id, &data, err);
    if (rc == VX_OK)
        rc = vx_store_event(st, who, "api-token-created", NULL, NULL,
                            row.environment, NULL, data, err);
    if (rc == VX_OK && out) {
        *out = json_deep_copy(data);
        json_object_set_new(*out, "secret", json_string(secret_out));
    }
out:
    json_decref(data);
    if (rc)
        sodium_memzero(secret_out, len);
    json_decref(all);
    return rc;
}
