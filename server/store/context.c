/*
 * The context_fields table.
 */
#include "store/context.h"

#include <string.h>

#include "store/sql.h"
#include "store/store.h"

#define CONTEXT_COLUMNS                                                        \
    "name, description, stickiness AS \"stickiness$bool\","                    \
    " sort_order AS sortOrder, legal_values AS \"legalValues$json\","          \
    " created_at AS createdAt"

static const char *const builtin[] = {
    "environment",   "userId",      "appName", "sessionId",
    "remoteAddress", "currentTime", NULL};

int vx_context_builtin(const char *name)
{
    for (int i = 0; builtin[i]; i++)
        if (!strcmp(builtin[i], name))
            return 1;
    return 0;
}

int vx_store_context_list(struct vx_store *st, json_t **out, struct vx_err *err)
{
    return vx_sql_rows(st, err, out,
                       "SELECT " CONTEXT_COLUMNS " FROM context_fields"
                       " ORDER BY sort_order, name",
                       "");
}

/* The documented not-found error for field name. */
static int missing(const char *name, struct vx_err *err)
{
    return vx_err_set(err, VX_ENOTFOUND, NULL,
                      "There's no context field named \"%s\".", name);
}

int vx_store_context_get(struct vx_store *st, const char *name, json_t **out,
                         struct vx_err *err)
{
    int rc = vx_sql_row(st, err, out,
                        "SELECT " CONTEXT_COLUMNS " FROM context_fields"
                        " WHERE name = ?",
                        "s", name);

    return rc == VX_ENOTFOUND ? missing(name, err) : rc;
}

int vx_store_context_insert(struct vx_store *st, const char *name,
                            const struct vx_context_row *c, struct vx_err *err)
{
    json_t *none = json_array();
    char now[32];
    int rc;

    vx_sql_now(now);
    rc = vx_sql_run(st, err,
                    "INSERT INTO context_fields (name, description,"
                    " stickiness, sort_order, legal_values, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    "ssbijs", name, c->description ? c->description : "",
                    c->stickiness > 0, c->sort_order < 0 ? 10 : c->sort_order,
                    c->legal_values ? c->legal_values : none, now);
    json_decref(none);
    if (rc == VX_ECONFLICT)
        return vx_err_set(err, rc, "/body/name",
                          "A context field named \"%s\" already exists", name);
    return rc;
}

int vx_store_context_update(struct vx_store *st, const char *name,
                            const struct vx_context_row *c, struct vx_err *err)
{
    int rc = vx_sql_run(st, err,
                        "UPDATE context_fields SET"
                        " description = coalesce(?1, description),"
                        " stickiness = CASE WHEN ?2 < 0 THEN stickiness"
                        " ELSE ?2 END,"
                        " sort_order = CASE WHEN ?3 < 0 THEN sort_order"
                        " ELSE ?3 END,"
                        " legal_values = coalesce(?4, legal_values)"
                        " WHERE name = ?5",
                        "siijs", c->description, (int64_t)c->stickiness,
                        c->sort_order, c->legal_values, name);

    if (rc == VX_OK && vx_sql_changes(st) == 0)
        return missing(name, err);
    return rc;
}

int vx_store_context_delete(struct vx_store *st, const char *name,
                            struct vx_err *err)
{
    int rc = vx_sql_run(st, err, "DELETE FROM context_fields WHERE name = ?",
                        "s", name);

    if (rc == VX_OK && vx_sql_changes(st) == 0)
        return missing(name, err);
    return rc;
}
