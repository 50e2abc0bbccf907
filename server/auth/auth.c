/*
 * Token hashing, secret formats and the in-memory token cache. The
 * cache is a sorted array of entries keyed by secret hash; a reload
 * builds a new array and swaps it in under the write lock.
 */
#include "auth/auth.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "store/store.h"
#include "store/tokens.h"
#include "util.h"
#include "vx_alloc.h"

struct entry {
    unsigned char hash[VX_HASH_LEN];
    int64_t token_id, user_id;
    enum vx_token_type type;
    enum vx_role role;
    int64_t expires_ms; /* 0: never */
    char user[128];
    char environment[VX_NAME_MAX + 1];
    json_t *projects;
};

struct vx_auth {
    pthread_rwlock_t lock;
    struct entry *entries;
    size_t count;
};

static const char *const type_names[] = {NULL, "client", "frontend", "admin",
                                         "personal"};
static const char *const role_names[] = {NULL, "Viewer", "Editor", "Admin"};

enum vx_token_type vx_token_type_parse(const char *name)
{
    for (int i = 1; i <= VX_TOKEN_PERSONAL; i++)
        if (name && !strcasecmp(name, type_names[i]))
            return (enum vx_token_type)i;
    /* Unleash calls client tokens "backend" in newer versions. */
    if (name && !strcasecmp(name, "backend"))
        return VX_TOKEN_CLIENT;
    return 0;
}

const char *vx_token_type_name(enum vx_token_type type)
{
    return type >= 1 && type <= VX_TOKEN_PERSONAL ? type_names[type] : NULL;
}

enum vx_role vx_role_parse(const char *name)
{
    for (int i = 1; i <= VX_ROLE_ADMIN; i++)
        if (name && !strcasecmp(name, role_names[i]))
            return (enum vx_role)i;
    return VX_ROLE_NONE;
}

const char *vx_role_name(enum vx_role role)
{
    return role >= 1 && role <= VX_ROLE_ADMIN ? role_names[role] : NULL;
}

void vx_token_hash(const char *secret, unsigned char out[VX_HASH_LEN])
{
    crypto_generichash(out, VX_HASH_LEN, (const unsigned char *)secret,
                       strlen(secret), NULL, 0);
}

void vx_token_secret_new(enum vx_token_type type, const char *environment,
                         json_t *projects, char *out, size_t len)
{
    char hex[65];
    const char *project = "*";

    vx_random_hex(hex, 32);
    if (json_array_size(projects) > 1)
        project = "[]";
    else if (json_array_size(projects) == 1)
        project = json_string_value(json_array_get(projects, 0));
    switch (type) {
    case VX_TOKEN_ADMIN:
        snprintf(out, len, "*:*.%s", hex);
        break;
    case VX_TOKEN_PERSONAL:
        snprintf(out, len, "user:%s", hex);
        break;
    default:
        snprintf(out, len, "%s:%s.%s", project, environment, hex);
    }
    sodium_memzero(hex, sizeof(hex));
}

int vx_token_secret_parse(enum vx_token_type type, const char *secret,
                          char **project_out, char **env_out,
                          struct vx_err *err)
{
    const char *colon = strchr(secret, ':');
    const char *dot = colon ? strchr(colon, '.') : NULL;

    *project_out = *env_out = NULL;
    if (type == VX_TOKEN_PERSONAL) {
        if (strncmp(secret, "user:", 5) || strlen(secret) < 5 + 16)
            goto bad;
        return VX_OK;
    }
    if (!colon || !dot || colon == secret || dot == colon + 1 ||
        strlen(dot + 1) < 16)
        goto bad;
    *project_out = vx_strndup(secret, (size_t)(colon - secret));
    *env_out = vx_strndup(colon + 1, (size_t)(dot - colon - 1));
    if (type == VX_TOKEN_ADMIN &&
        (strcmp(*project_out, "*") || strcmp(*env_out, "*"))) {
        free(*project_out);
        free(*env_out);
        *project_out = *env_out = NULL;
        goto bad;
    }
    return VX_OK;
bad:
    return vx_err_set(err, VX_EINVAL, NULL,
                      "a %s token must look like %s and have at least 16 "
                      "random characters",
                      vx_token_type_name(type),
                      type == VX_TOKEN_ADMIN      ? "*:*.<random>"
                      : type == VX_TOKEN_PERSONAL ? "user:<random>"
                                                  : "<project>:<env>.<random>");
}

void vx_token_display(const char *secret, char *out, size_t len)
{
    const char *dot = strchr(secret, '.');
    const char *colon = strchr(secret, ':');
    const char *rnd = dot ? dot + 1 : colon ? colon + 1 : secret;

    snprintf(out, len, "%.*s%.6s...", (int)(rnd - secret), secret, rnd);
}

struct vx_auth *vx_auth_new(void)
{
    struct vx_auth *auth = vx_calloc(1, sizeof(*auth));

    pthread_rwlock_init(&auth->lock, NULL);
    return auth;
}

/* Free an entry table of n entries. */
static void free_entries(struct entry *e, size_t n)
{
    for (size_t i = 0; i < n; i++)
        json_decref(e[i].projects);
    if (e)
        sodium_memzero(e, n * sizeof(*e));
    free(e);
}

void vx_auth_free(struct vx_auth *auth)
{
    if (!auth)
        return;
    free_entries(auth->entries, auth->count);
    pthread_rwlock_destroy(&auth->lock);
    free(auth);
}

static int cmp_entry(const void *a, const void *b)
{
    return memcmp(((const struct entry *)a)->hash,
                  ((const struct entry *)b)->hash, VX_HASH_LEN);
}

/* Fill e from one row of vx_store_tokens_all(). */
static void entry_from_row(struct entry *e, json_t *row)
{
    const char *hex = json_string_value(json_object_get(row, "hash"));
    const char *env = json_string_value(json_object_get(row, "environment"));
    const char *exp = json_string_value(json_object_get(row, "expiresAt"));
    const char *user = json_string_value(json_object_get(row, "username"));

    sodium_hex2bin(e->hash, VX_HASH_LEN, hex, strlen(hex), NULL, NULL, NULL);
    e->token_id = json_integer_value(json_object_get(row, "id"));
    e->user_id = json_integer_value(json_object_get(row, "userId"));
    e->type =
        vx_token_type_parse(json_string_value(json_object_get(row, "type")));
    e->role = vx_role_parse(json_string_value(json_object_get(row, "role")));
    snprintf(e->user, sizeof(e->user), "%s", user ? user : "");
    snprintf(e->environment, sizeof(e->environment), "%s", env ? env : "");
    if (!exp || vx_time_parse(exp, &e->expires_ms))
        e->expires_ms = 0;
    e->projects = json_incref(json_object_get(row, "projects"));
    if (!json_is_array(e->projects)) {
        json_decref(e->projects);
        e->projects = json_pack("[s]", "*");
    }
}

int vx_auth_reload(struct vx_auth *auth, struct vx_store *st,
                   struct vx_err *err)
{
    json_t *rows = NULL;
    struct entry *e, *old;
    size_t n, old_n;
    int rc = vx_store_read(st, err);

    if (rc)
        return rc;
    rc = vx_store_tokens_all(st, &rows, err);
    vx_store_done(st);
    if (rc)
        return rc;
    n = json_array_size(rows);
    e = vx_calloc(n ? n : 1, sizeof(*e));
    for (size_t i = 0; i < n; i++)
        entry_from_row(&e[i], json_array_get(rows, i));
    json_decref(rows);
    qsort(e, n, sizeof(*e), cmp_entry);

    pthread_rwlock_wrlock(&auth->lock);
    old = auth->entries;
    old_n = auth->count;
    auth->entries = e;
    auth->count = n;
    pthread_rwlock_unlock(&auth->lock);
    free_entries(old, old_n);
    return VX_OK;
}

size_t vx_auth_count(struct vx_auth *auth)
{
    size_t n;

    pthread_rwlock_rdlock(&auth->lock);
    n = auth->count;
    pthread_rwlock_unlock(&auth->lock);
    return n;
}

int vx_auth_lookup(struct vx_auth *auth, const char *secret,
                   struct vx_principal *who)
{
    struct entry key = {0}, *e;
    int rc = VX_EUNAUTH;

    memset(who, 0, sizeof(*who));
    if (!secret)
        return VX_EUNAUTH;
    if (!strncasecmp(secret, "Bearer ", 7))
        secret += 7;
    vx_token_hash(secret, key.hash);

    pthread_rwlock_rdlock(&auth->lock);
    /* Before the first reload there is no table to search. */
    e = auth->count
            ? bsearch(&key, auth->entries, auth->count, sizeof(*e), cmp_entry)
            : NULL;
    if (e && sodium_memcmp(e->hash, key.hash, VX_HASH_LEN) == 0 &&
        (!e->expires_ms || e->expires_ms > vx_time_now_ms())) {
        who->type = e->type;
        who->token_id = e->token_id;
        who->user_id = e->user_id;
        who->role = e->role;
        memcpy(who->user, e->user, sizeof(who->user));
        memcpy(who->environment, e->environment, sizeof(who->environment));
        who->projects = json_deep_copy(e->projects);
        rc = VX_OK;
    }
    pthread_rwlock_unlock(&auth->lock);
    sodium_memzero(&key, sizeof(key));
    return rc;
}

void vx_principal_release(struct vx_principal *who)
{
    json_decref(who->projects);
    who->projects = NULL;
}

int vx_principal_has_project(const struct vx_principal *who,
                             const char *project)
{
    size_t i;
    json_t *p;

    json_array_foreach (who->projects, i, p) {
        const char *name = json_string_value(p);

        if (name && (!strcmp(name, "*") || !strcmp(name, project)))
            return 1;
    }
    return 0;
}
