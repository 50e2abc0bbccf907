/*
 * Context fields: the names SDKs put in an evaluation context that
 * constraints and stickiness may use, with optional legal values. Six
 * are built in and cannot be deleted. See store.h for the locking
 * rules. Objects returned are owned by the caller.
 */
#ifndef VX_STORE_CONTEXT_H
#define VX_STORE_CONTEXT_H

#include <stdint.h>

#include <jansson.h>

#include "vx_err.h"

struct vx_store;

/* The fields of an insert or update. */
struct vx_context_row {
    const char *description; /* NULL keeps (or leaves empty) */
    int stickiness;          /* < 0 keeps (or means false) */
    int64_t sort_order;      /* < 0 keeps (or means 10) */
    json_t *legal_values;    /* borrowed; NULL keeps (or means []) */
};

/* True when name is one of the built-in fields. */
int vx_context_builtin(const char *name);

/*
 * Every field by sort order, as objects with name, description,
 * stickiness, sortOrder, legalValues, createdAt.
 */
int vx_store_context_list(struct vx_store *st, json_t **out,
                          struct vx_err *err);

/* One field; VX_ENOTFOUND (with a message) if absent. */
int vx_store_context_get(struct vx_store *st, const char *name, json_t **out,
                         struct vx_err *err);

/* Insert; an existing name is VX_ECONFLICT. */
int vx_store_context_insert(struct vx_store *st, const char *name,
                            const struct vx_context_row *c, struct vx_err *err);

/* Update the given fields; VX_ENOTFOUND if absent. */
int vx_store_context_update(struct vx_store *st, const char *name,
                            const struct vx_context_row *c, struct vx_err *err);

/* Delete; VX_ENOTFOUND if absent. Built-ins are the caller's check. */
int vx_store_context_delete(struct vx_store *st, const char *name,
                            struct vx_err *err);

#endif
