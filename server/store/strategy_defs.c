/*
 * The strategies table.
 */
#include "store/strategy_defs.h"

#include <stdint.h>

#include "store/sql.h"
#include "store/store.h"

#define DEF_COLUMNS                                                            \
    "name, coalesce(title, name) AS displayName, description,"                 \
    " NOT built_in AS \"editable$bool\","                                      \
    " deprecated AS \"deprecated$bool\","                                      \
    " parameters AS \"parameters$json\""

int vx_store_strategy_defs_list(struct vx_store *st, json_t **out,
                                struct vx_err *err)
{
    return vx_sql_rows(st, err, out,
                       "SELECT " DEF_COLUMNS " FROM strategies"
                       " ORDER BY sort_order, name",
                       "");
}

/* The documented not-found error for strategy name. */
static int missing(const char *name, struct vx_err *err)
{
    return vx_err_set(err, VX_ENOTFOUND, NULL,
                      "There's no strategy named \"%s\".", name);
}

int vx_store_strategy_def_get(struct vx_store *st, const char *name,
                              json_t **out, struct vx_err *err)
{
    int rc = vx_sql_row(st, err, out,
                        "SELECT " DEF_COLUMNS " FROM strategies"
                        " WHERE name = ?",
                        "s", name);

    return rc == VX_ENOTFOUND ? missing(name, err) : rc;
}

int vx_store_strategy_def_insert(struct vx_store *st, const char *name,
                                 const char *title, const char *description,
                                 json_t *parameters, struct vx_err *err)
{
    json_t *none = json_array();
    char now[32];
    int rc;

    vx_sql_now(now);
    rc = vx_sql_run(st, err,
                    "INSERT INTO strategies (name, title, description,"
                    " parameters, built_in, created_at)"
                    " VALUES (?, ?, ?, ?, 0, ?)",
                    "sssjs", name, title, description ? description : "",
                    parameters ? parameters : none, now);
    json_decref(none);
    if (rc == VX_ECONFLICT)
        return vx_err_set(err, rc, "/body/name",
                          "A strategy named \"%s\" already exists", name);
    return rc;
}

/* VX_ENOTFOUND if name is absent, VX_EINVAL if it is built in. */
static int check_custom(struct vx_store *st, const char *name, const char *what,
                        struct vx_err *err)
{
    int64_t built_in = 0;
    int rc =
        vx_sql_int(st, err, &built_in,
                   "SELECT built_in FROM strategies WHERE name = ?", "s", name);

    if (rc == VX_ENOTFOUND)
        return missing(name, err);
    if (rc == VX_OK && built_in)
        return vx_err_set(err, VX_EINVAL, NULL,
                          "the built-in strategy \"%s\" cannot be %s", name,
                          what);
    return rc;
}

int vx_store_strategy_def_update(struct vx_store *st, const char *name,
                                 const char *title, const char *description,
                                 json_t *parameters, struct vx_err *err)
{
    int rc = check_custom(st, name, "changed", err);

    if (rc)
        return rc;
    return vx_sql_run(st, err,
                      "UPDATE strategies SET title = coalesce(?, title),"
                      " description = coalesce(?, description),"
                      " parameters = coalesce(?, parameters)"
                      " WHERE name = ?",
                      "ssjs", title, description, parameters, name);
}

int vx_store_strategy_def_deprecate(struct vx_store *st, const char *name,
                                    int deprecated, struct vx_err *err)
{
    int rc = vx_sql_run(st, err,
                        "UPDATE strategies SET deprecated = ? WHERE name = ?",
                        "bs", deprecated, name);

    if (rc == VX_OK && vx_sql_changes(st) == 0)
        return missing(name, err);
    return rc;
}

int vx_store_strategy_def_delete(struct vx_store *st, const char *name,
                                 struct vx_err *err)
{
    int64_t uses = 0;
    int rc = check_custom(st, name, "deleted", err);

    if (rc == VX_OK)
        rc = vx_sql_int(st, err, &uses,
                        "SELECT count(*) FROM feature_strategies"
                        " WHERE name = ?",
                        "s", name);
    if (rc == VX_OK && uses > 0)
        return vx_err_set(err, VX_EINVAL, NULL,
                          "the strategy \"%s\" is used by %lld flag "
                          "strategies; remove them first",
                          name, (long long)uses);
    if (rc == VX_OK)
        rc = vx_sql_run(st, err, "DELETE FROM strategies WHERE name = ?", "s",
                        name);
    return rc;
}
