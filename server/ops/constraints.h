/*
 * Checking the constraints a user sends with a strategy or a segment,
 * before they are stored: the shape of each one, a known operator, and
 * an operand that the operator can read (a number, a date or a semantic
 * version); and, with the store, values against the legal values of
 * their context field.
 */
#ifndef VX_OPS_CONSTRAINTS_H
#define VX_OPS_CONSTRAINTS_H

#include <jansson.h>

#include "vx_err.h"

/*
 * Check the array in (borrowed; NULL means none) and build its stored
 * form in *out (caller owns): each constraint as {contextName, operator,
 * values[], value?, inverted, caseInsensitive}, numbers given as values
 * turned into strings. Errors are VX_EINVAL naming the place as
 * "<path>/<index>/<field>" (path is like "/body/constraints").
 */
int vx_constraints_check(json_t *in, const char *path, json_t **out,
                         struct vx_err *err);

struct vx_store;

/*
 * Check the stored form of constraints (from vx_constraints_check())
 * against the context fields: where a constraint's context field has
 * legal values, every value it names must be one of them, as Unleash
 * requires. Context names that are no context field are allowed (any
 * property of the context can be used). Call inside a store bracket.
 */
int vx_constraints_legal(struct vx_store *st, json_t *constraints,
                         const char *path, struct vx_err *err);

/*
 * A JSON string or number as the string that gets stored, into *out
 * (caller frees); NULL and VX_EINVAL for any other type.
 */
int vx_constraint_string(json_t *v, char **out);

#endif
