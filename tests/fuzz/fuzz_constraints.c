/*
 * Fuzz target: constraints from the input checked by
 * vx_constraints_check. An accepted array comes back in its stored form,
 * which must itself be accepted and stored unchanged.
 */
#include <stdlib.h>

#include <jansson.h>

#include "fuzz.h"
#include "ops/constraints.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *in = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
    json_t *out = NULL, *again = NULL;
    struct vx_err err = {0};

    if (!in)
        return 0;
    if (vx_constraints_check(in, "/body/constraints", &out, &err) == VX_OK) {
        if (!json_is_array(out))
            abort();
        if (vx_constraints_check(out, "/body/constraints", &again, &err) !=
                VX_OK ||
            !json_equal(out, again))
            abort();
    }
    json_decref(again);
    json_decref(out);
    json_decref(in);
    return 0;
}
