/*
 * Statement helpers private to the store. Each takes the SQL text and a
 * binding spec, one character per '?' in order:
 *
 *     s  const char *   (NULL binds NULL)
 *     i  int64_t
 *     b  int, stored as 0 or 1
 *     j  json_t *, stored as compact JSON text (NULL binds NULL)
 *     h  const void *, size_t: a blob
 *
 * Result rows become JSON objects keyed by column name. A column alias
 * ending in "$bool" turns 0/1 into false/true, one ending in "$json"
 * parses the text as JSON; the suffix is dropped from the key.
 */
#ifndef VX_STORE_SQL_H
#define VX_STORE_SQL_H

#include <stdint.h>

#include <jansson.h>
#include <sqlite3.h>

#include "vx_err.h"

struct vx_store;

/* The connection, for the store's own modules. */
sqlite3 *vx_store_db(struct vx_store *st);

/* Run a statement that returns no rows. Returns 0 or a VX_E* code. */
int vx_sql_run(struct vx_store *st, struct vx_err *err, const char *sql,
               const char *spec, ...);

/* Rows changed by the last vx_sql_run(). */
int64_t vx_sql_changes(struct vx_store *st);

/* Rowid of the last insert. */
int64_t vx_sql_last_id(struct vx_store *st);

/* All rows as an array of objects; caller owns *out. */
int vx_sql_rows(struct vx_store *st, struct vx_err *err, json_t **out,
                const char *sql, const char *spec, ...);

/*
 * The first row as an object in *out (caller owns), or VX_ENOTFOUND
 * with *out NULL and err untouched when there is none.
 */
int vx_sql_row(struct vx_store *st, struct vx_err *err, json_t **out,
               const char *sql, const char *spec, ...);

/*
 * The first column of the first row as an integer in *out; VX_ENOTFOUND
 * when there is no row.
 */
int vx_sql_int(struct vx_store *st, struct vx_err *err, int64_t *out,
               const char *sql, const char *spec, ...);

/* Current time as the ISO text every created_at column holds. */
void vx_sql_now(char buf[32]);

#endif
