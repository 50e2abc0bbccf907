/*
 * The statement helpers of sql.h. Statements are prepared for each call
 * and finalised before returning: the admin API is not a hot path, and
 * keeping no cache keeps the store's state to the connection alone.
 */
#include "store/sql.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Bind the arguments described by spec to stmt. */
static int bind_args(sqlite3_stmt *stmt, const char *spec, va_list ap)
{
    int rc = SQLITE_OK;

    for (int i = 1; spec && *spec && rc == SQLITE_OK; spec++, i++) {
        switch (*spec) {
        case 's': {
            const char *s = va_arg(ap, const char *);

            rc = s ? sqlite3_bind_text(stmt, i, s, -1, SQLITE_TRANSIENT)
                   : sqlite3_bind_null(stmt, i);
            break;
        }
        case 'i':
            rc = sqlite3_bind_int64(stmt, i, va_arg(ap, int64_t));
            break;
        case 'b':
            rc = sqlite3_bind_int(stmt, i, va_arg(ap, int) ? 1 : 0);
            break;
        case 'j': {
            json_t *j = va_arg(ap, json_t *);
            char *text =
                j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;

            rc = text ? sqlite3_bind_text(stmt, i, text, -1, free)
                      : sqlite3_bind_null(stmt, i);
            break;
        }
        case 'h': {
            const void *p = va_arg(ap, const void *);
            size_t n = va_arg(ap, size_t);

            rc = sqlite3_bind_blob(stmt, i, p, (int)n, SQLITE_TRANSIENT);
            break;
        }
        default:
            rc = SQLITE_MISUSE;
        }
    }
    return rc;
}

/* Prepare sql and bind; on failure fill err and return VX_EDB. */
static int prepare(struct vx_store *st, struct vx_err *err, sqlite3_stmt **stmt,
                   const char *sql, const char *spec, va_list ap)
{
    sqlite3 *db = vx_store_db(st);

    if (sqlite3_prepare_v2(db, sql, -1, stmt, NULL) != SQLITE_OK)
        return vx_err_set(err, VX_EDB, NULL, "database error: %s",
                          sqlite3_errmsg(db));
    if (bind_args(*stmt, spec, ap) != SQLITE_OK) {
        vx_err_set(err, VX_EDB, NULL, "database error: %s", sqlite3_errmsg(db));
        sqlite3_finalize(*stmt);
        *stmt = NULL;
        return VX_EDB;
    }
    return VX_OK;
}

/* Map a failed step to an error: constraint failures are conflicts. */
static int step_error(struct vx_store *st, struct vx_err *err, int rc)
{
    sqlite3 *db = vx_store_db(st);

    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        return vx_err_set(err, VX_ECONFLICT, NULL, "conflict: %s",
                          sqlite3_errmsg(db));
    return vx_err_set(err, VX_EDB, NULL, "database error: %s",
                      sqlite3_errmsg(db));
}

int vx_sql_run(struct vx_store *st, struct vx_err *err, const char *sql,
               const char *spec, ...)
{
    sqlite3_stmt *stmt = NULL;
    va_list ap;
    int rc;

    va_start(ap, spec);
    rc = prepare(st, err, &stmt, sql, spec, ap);
    va_end(ap);
    if (rc)
        return rc;
    rc = sqlite3_step(stmt);
    rc = (rc == SQLITE_DONE || rc == SQLITE_ROW) ? VX_OK
                                                 : step_error(st, err, rc);
    sqlite3_finalize(stmt);
    return rc;
}

int64_t vx_sql_changes(struct vx_store *st)
{
    return sqlite3_changes64(vx_store_db(st));
}

int64_t vx_sql_last_id(struct vx_store *st)
{
    return sqlite3_last_insert_rowid(vx_store_db(st));
}

/* The value of column i of the current row, as JSON. */
static json_t *column_json(sqlite3_stmt *stmt, int i, const char *suffix)
{
    const char *text;

    switch (sqlite3_column_type(stmt, i)) {
    case SQLITE_NULL:
        return json_null();
    case SQLITE_INTEGER:
        if (suffix && !strcmp(suffix, "$bool"))
            return json_boolean(sqlite3_column_int64(stmt, i));
        return json_integer(sqlite3_column_int64(stmt, i));
    case SQLITE_FLOAT:
        return json_real(sqlite3_column_double(stmt, i));
    default:
        text = (const char *)sqlite3_column_text(stmt, i);
        if (suffix && !strcmp(suffix, "$json")) {
            json_t *v = json_loads(text, JSON_DECODE_ANY, NULL);

            return v ? v : json_null();
        }
        return json_string(text);
    }
}

/* The current row of stmt as an object. */
static json_t *row_object(sqlite3_stmt *stmt)
{
    json_t *row = json_object();
    int n = sqlite3_column_count(stmt);

    for (int i = 0; i < n; i++) {
        const char *name = sqlite3_column_name(stmt, i);
        const char *dollar = strchr(name, '$');
        size_t len = dollar ? (size_t)(dollar - name) : strlen(name);

        json_object_setn_new_nocheck(row, name, len,
                                     column_json(stmt, i, dollar));
    }
    return row;
}

/* Step stmt to the end, collecting up to max rows (0: all) into out. */
static int collect(struct vx_store *st, struct vx_err *err, sqlite3_stmt *stmt,
                   json_t *out, size_t max)
{
    int rc;

    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        json_array_append_new(out, row_object(stmt));
        if (max && json_array_size(out) >= max)
            return VX_OK;
    }
    return rc == SQLITE_DONE ? VX_OK : step_error(st, err, rc);
}

int vx_sql_rows(struct vx_store *st, struct vx_err *err, json_t **out,
                const char *sql, const char *spec, ...)
{
    sqlite3_stmt *stmt = NULL;
    va_list ap;
    int rc;

    *out = NULL;
    va_start(ap, spec);
    rc = prepare(st, err, &stmt, sql, spec, ap);
    va_end(ap);
    if (rc)
        return rc;
    *out = json_array();
    rc = collect(st, err, stmt, *out, 0);
    sqlite3_finalize(stmt);
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

int vx_sql_row(struct vx_store *st, struct vx_err *err, json_t **out,
               const char *sql, const char *spec, ...)
{
    sqlite3_stmt *stmt = NULL;
    json_t *rows = json_array();
    va_list ap;
    int rc;

    *out = NULL;
    va_start(ap, spec);
    rc = prepare(st, err, &stmt, sql, spec, ap);
    va_end(ap);
    if (rc == VX_OK)
        rc = collect(st, err, stmt, rows, 1);
    sqlite3_finalize(stmt);
    if (rc == VX_OK && json_array_size(rows) == 0)
        rc = VX_ENOTFOUND;
    if (rc == VX_OK)
        *out = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    return rc;
}

int vx_sql_int(struct vx_store *st, struct vx_err *err, int64_t *out,
               const char *sql, const char *spec, ...)
{
    sqlite3_stmt *stmt = NULL;
    va_list ap;
    int rc;

    va_start(ap, spec);
    rc = prepare(st, err, &stmt, sql, spec, ap);
    va_end(ap);
    if (rc)
        return rc;
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        *out = sqlite3_column_int64(stmt, 0);
        rc = VX_OK;
    } else {
        rc = rc == SQLITE_DONE ? VX_ENOTFOUND : step_error(st, err, rc);
    }
    sqlite3_finalize(stmt);
    return rc;
}

void vx_sql_now(char buf[32])
{
    vx_time_iso(vx_time_now_ms(), buf, 32);
}
