/*
 * Variant weight normalisation, see variants.h.
 */
#include "eval/variants.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Check variant i and add its fix weight to *fixed, or count it. */
static int check_variant(json_t *v, size_t i, json_int_t *fixed,
                         size_t *n_variable, struct vx_err *err)
{
    char path[32];
    json_t *type, *weight;

    snprintf(path, sizeof(path), "/%zu", i);
    if (!json_is_object(v) || !json_is_string(json_object_get(v, "name")))
        return vx_err_set(err, VX_EINVAL, path, "a variant needs a name");
    type = json_object_get(v, "weightType");
    if (!type || json_is_null(type))
        json_object_set_new(v, "weightType", json_string("variable"));
    else if (!json_is_string(type) ||
             (strcmp(json_string_value(type), "fix") &&
              strcmp(json_string_value(type), "variable")))
        return vx_err_set(err, VX_EINVAL, path,
                          "weightType must be \"variable\" or \"fix\"");

    if (strcmp(json_string_value(json_object_get(v, "weightType")), "fix")) {
        (*n_variable)++;
        return 0;
    }
    weight = json_object_get(v, "weight");
    if (!json_is_integer(weight) || json_integer_value(weight) < 0 ||
        json_integer_value(weight) > VX_VARIANT_TOTAL_WEIGHT)
        return vx_err_set(err, VX_EINVAL, path,
                          "a fix weight must be an integer from 0 to %d",
                          VX_VARIANT_TOTAL_WEIGHT);
    *fixed += json_integer_value(weight);
    return 0;
}

/* Check every variant, then share out what fix ones leave. */
int vx_variants_normalise(json_t *variants, struct vx_err *err)
{
    json_int_t fixed = 0, share, leftover;
    size_t n_variable = 0, i;
    bool first = true;
    json_t *v;
    int rc;

    if (!json_is_array(variants))
        return vx_err_set(err, VX_EINVAL, "", "variants must be an array");
    if (json_array_size(variants) == 0)
        return 0;
    json_array_foreach (variants, i, v) {
        if ((rc = check_variant(v, i, &fixed, &n_variable, err)))
            return rc;
    }
    if (n_variable == 0)
        return vx_err_set(err, VX_EINVAL, "",
                          "at least one variant must have weightType "
                          "\"variable\"");
    if (fixed > VX_VARIANT_TOTAL_WEIGHT)
        return vx_err_set(err, VX_EINVAL, "",
                          "fix weights add up to %lld, more than %d",
                          (long long)fixed, VX_VARIANT_TOTAL_WEIGHT);

    share = (VX_VARIANT_TOTAL_WEIGHT - fixed) / (json_int_t)n_variable;
    leftover = (VX_VARIANT_TOTAL_WEIGHT - fixed) % (json_int_t)n_variable;
    json_array_foreach (variants, i, v) {
        const char *type = json_string_value(json_object_get(v, "weightType"));

        if (!strcmp(type, "fix"))
            continue;
        json_object_set_new(v, "weight",
                            json_integer(share + (first ? leftover : 0)));
        first = false;
    }
    return 0;
}
