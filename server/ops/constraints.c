/*
 * Constraint checks of constraints.h. The operators and the operand
 * rules are those of the Unleash admin API, so a constraint it accepts
 * is accepted here and one it refuses is refused with the same message.
 */
#include "ops/constraints.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval/jsval.h"
#include "eval/semver.h"
#include "model/model.h"
#include "store/context.h"
#include "util.h"
#include "vx_alloc.h"

/* Which operand an operator reads from `value`. */
enum operand { OPND_LIST, OPND_NUM, OPND_DATE, OPND_SEMVER, OPND_REGEX };

static const struct {
    const char *name;
    enum operand operand;
} operators[] = {
    {"IN", OPND_LIST},
    {"NOT_IN", OPND_LIST},
    {"STR_STARTS_WITH", OPND_LIST},
    {"STR_ENDS_WITH", OPND_LIST},
    {"STR_CONTAINS", OPND_LIST},
    {"NUM_EQ", OPND_NUM},
    {"NUM_GT", OPND_NUM},
    {"NUM_GTE", OPND_NUM},
    {"NUM_LT", OPND_NUM},
    {"NUM_LTE", OPND_NUM},
    {"DATE_AFTER", OPND_DATE},
    {"DATE_BEFORE", OPND_DATE},
    {"SEMVER_EQ", OPND_SEMVER},
    {"SEMVER_GT", OPND_SEMVER},
    {"SEMVER_LT", OPND_SEMVER},
    {"SEMVER_GTE", OPND_SEMVER},
    {"SEMVER_LTE", OPND_SEMVER},
    {"IN_CIDR", OPND_LIST},
    {"REGEX", OPND_REGEX},
};

#define N_OPERATORS (sizeof(operators) / sizeof(operators[0]))

int vx_constraint_string(json_t *v, char **out)
{
    *out = NULL;
    if (!json_is_string(v) && !json_is_number(v))
        return VX_EINVAL;
    *out = vx_json_scalar_str(v);
    return VX_OK;
}

/* The operator named op, or -1. */
static int find_operator(const char *op)
{
    for (size_t i = 0; i < N_OPERATORS; i++)
        if (!strcmp(operators[i].name, op))
            return (int)i;
    return -1;
}

/* Check that value suits the operand kind; messages as Unleash words them. */
static int check_operand(enum operand kind, const char *value,
                         struct vx_err *err)
{
    struct vx_semver v;
    int64_t ms;
    double d;

    switch (kind) {
    case OPND_NUM:
        if (value[0] && vx_js_number(value, &d))
            return VX_OK;
        return vx_err_set(err, VX_EINVAL, NULL,
                          "the provided value is not a valid number. The "
                          "value provided was: %s",
                          value);
    case OPND_DATE:
        if (vx_time_parse(value, &ms) == VX_OK)
            return VX_OK;
        return vx_err_set(err, VX_EINVAL, NULL,
                          "the provided value is not a valid date. The "
                          "value provided was: %s",
                          value);
    case OPND_SEMVER:
        /* A leading "v" is accepted, as Unleash's semver check does. */
        if (vx_semver_parse(value, true, &v)) {
            vx_semver_release(&v);
            return VX_OK;
        }
        return vx_err_set(err, VX_EINVAL, NULL,
                          "the provided value is not a valid semver format. "
                          "The value provided was: %s",
                          value);
    case OPND_LIST:
    case OPND_REGEX:
        /*
         * A pattern that does not compile is stored as given: SDKs
         * evaluate it as false, as the client specification requires.
         */
        break;
    }
    return VX_OK;
}

/* Check values (borrowed, may be NULL) into a new array of strings. */
static int check_values(json_t *values, const char *where, json_t **out,
                        struct vx_err *err)
{
    size_t i;
    json_t *v;

    *out = json_array();
    if (!values)
        return VX_OK;
    if (!json_is_array(values))
        return vx_err_set(err, VX_EINVAL, where,
                          "`%s` must be an array of strings", where);
    json_array_foreach (values, i, v) {
        char *s = NULL;

        if (vx_constraint_string(v, &s))
            return vx_err_set(err, VX_EINVAL, where,
                              "`%s` must be an array of strings; item %zu "
                              "is not a string",
                              where, i);
        json_array_append_new(*out, json_string(s));
        free(s);
    }
    return VX_OK;
}

/* Read an optional boolean field of c into *out (default false). */
static int check_flag(json_t *c, const char *key, const char *base, int *out,
                      struct vx_err *err)
{
    json_t *v = json_object_get(c, key);
    char where[128];

    *out = 0;
    if (!v || json_is_null(v))
        return VX_OK;
    if (!json_is_boolean(v)) {
        snprintf(where, sizeof(where), "%s/%s", base, key);
        return vx_err_set(err, VX_EINVAL, where, "`%s` must be a boolean",
                          where);
    }
    *out = json_is_true(v);
    return VX_OK;
}

/* Check one constraint c at base ("/body/constraints/3") into *out. */
static int check_one(json_t *c, const char *base, json_t **out,
                     struct vx_err *err)
{
    json_t *name = json_object_get(c, "contextName");
    json_t *op = json_object_get(c, "operator");
    json_t *value = json_object_get(c, "value"), *values = NULL;
    char where[128], *val = NULL;
    int inverted = 0, ci = 0, k, rc;

    *out = NULL;
    if (!json_is_object(c))
        return vx_err_set(err, VX_EINVAL, base, "`%s` must be an object", base);
    snprintf(where, sizeof(where), "%s/contextName", base);
    if (!json_is_string(name) || json_string_length(name) == 0)
        return vx_err_set(err, VX_EINVAL, where,
                          "`%s` is required and must be a non-empty string",
                          where);
    snprintf(where, sizeof(where), "%s/operator", base);
    if (!json_is_string(op))
        return vx_err_set(err, VX_EINVAL, where,
                          "`%s` is required and must be a string", where);
    k = find_operator(json_string_value(op));
    if (k < 0)
        return vx_err_set(err, VX_EINVAL, where,
                          "`%s` must be one of IN, NOT_IN, STR_STARTS_WITH, "
                          "STR_ENDS_WITH, STR_CONTAINS, NUM_EQ, NUM_GT, "
                          "NUM_GTE, NUM_LT, NUM_LTE, DATE_AFTER, "
                          "DATE_BEFORE, SEMVER_EQ, SEMVER_GT, SEMVER_LT, "
                          "SEMVER_GTE, SEMVER_LTE, IN_CIDR, REGEX; got "
                          "\"%s\"",
                          where, json_string_value(op));

    snprintf(where, sizeof(where), "%s/values", base);
    rc = check_values(json_object_get(c, "values"), where, &values, err);
    if (rc == VX_OK)
        rc = check_flag(c, "inverted", base, &inverted, err);
    if (rc == VX_OK)
        rc = check_flag(c, "caseInsensitive", base, &ci, err);
    if (rc)
        goto out;

    snprintf(where, sizeof(where), "%s/value", base);
    if (value && !json_is_null(value) && vx_constraint_string(value, &val)) {
        rc = vx_err_set(err, VX_EINVAL, where, "`%s` must be a string", where);
        goto out;
    }
    if (operators[k].operand != OPND_LIST && !val) {
        rc =
            vx_err_set(err, VX_EINVAL, where, "`%s` is required by operator %s",
                       where, operators[k].name);
        goto out;
    }
    if (val && (rc = check_operand(operators[k].operand, val, err)))
        goto out;

    *out = json_pack("{s:O, s:s, s:O, s:b, s:b}", "contextName", name,
                     "operator", operators[k].name, "values", values,
                     "inverted", inverted, "caseInsensitive", ci);
    if (val)
        json_object_set_new(*out, "value", json_string(val));
out:
    free(val);
    json_decref(values);
    return rc;
}

int vx_constraints_check(json_t *in, const char *path, json_t **out,
                         struct vx_err *err)
{
    char base[112];
    size_t i;
    json_t *c;

    *out = NULL;
    if (in && !json_is_null(in) && !json_is_array(in))
        return vx_err_set(err, VX_EINVAL, path, "`%s` must be an array", path);
    *out = json_array();
    if (!json_is_array(in))
        return VX_OK;
    json_array_foreach (in, i, c) {
        json_t *one = NULL;
        int rc;

        snprintf(base, sizeof(base), "%s/%zu", path, i);
        rc = check_one(c, base, &one, err);
        if (rc) {
            json_decref(*out);
            *out = NULL;
            return rc;
        }
        json_array_append_new(*out, one);
    }
    return VX_OK;
}

/* True when value is the value of one entry of legal ([{value, …}]). */
static int is_legal(json_t *legal, const char *value)
{
    size_t i;
    json_t *l;

    json_array_foreach (legal, i, l) {
        const char *v = json_string_value(json_object_get(l, "value"));

        if (v && !strcmp(v, value))
            return 1;
    }
    return 0;
}

/* Refuse value (at where) unless legal; name the field and its values. */
static int check_legal(json_t *legal, const char *field, const char *value,
                       const char *where, struct vx_err *err)
{
    struct vx_buf list = {0};
    size_t i;
    json_t *l;
    int rc;

    if (is_legal(legal, value))
        return VX_OK;
    json_array_foreach (legal, i, l)
        vx_buf_addf(&list, "%s\"%s\"", i ? ", " : "",
                    json_string_value(json_object_get(l, "value")));
    rc = vx_err_set(err, VX_EINVAL, where,
                    "\"%s\" is not a legal value of context field \"%s\"; "
                    "its legal values are %s",
                    value, field, list.buf ? list.buf : "none");
    free(list.buf);
    return rc;
}

/* Check the values of constraint c (number i) against its field. */
static int legal_one(struct vx_store *st, json_t *c, size_t i, const char *path,
                     struct vx_err *err)
{
    const char *field = json_string_value(json_object_get(c, "contextName"));
    const char *value = json_string_value(json_object_get(c, "value"));
    json_t *def = NULL, *legal, *v;
    char where[160];
    size_t j;
    int rc = vx_store_context_get(st, field, &def, NULL);

    if (rc == VX_ENOTFOUND)
        return VX_OK;
    if (rc)
        return vx_err_set(err, rc, NULL, "cannot read context field \"%s\"",
                          field);
    legal = json_object_get(def, "legalValues");
    if (json_array_size(legal) > 0) {
        json_array_foreach (json_object_get(c, "values"), j, v) {
            snprintf(where, sizeof(where), "%s/%zu/values/%zu", path, i, j);
            rc = check_legal(legal, field, json_string_value(v), where, err);
            if (rc)
                break;
        }
        snprintf(where, sizeof(where), "%s/%zu/value", path, i);
        if (rc == VX_OK && value && value[0])
            rc = check_legal(legal, field, value, where, err);
    }
    json_decref(def);
    return rc;
}

int vx_constraints_legal(struct vx_store *st, json_t *constraints,
                         const char *path, struct vx_err *err)
{
    size_t i;
    json_t *c;

    json_array_foreach (constraints, i, c) {
        int rc = legal_one(st, c, i, path, err);

        if (rc)
            return rc;
    }
    return VX_OK;
}
