/*
 * Fuzz target: a JSON Patch (RFC 6902) from the input applied to a fixed
 * flag document. Whatever the patch, vx_json_patch must not crash or
 * leak, and must leave the document it was given unchanged.
 */
#include <stdlib.h>

#include <jansson.h>

#include "fuzz.h"
#include "jsonpatch.h"

/* The flag a PATCH of /features/:name would start from. */
static const char doc_text[] =
    "{\"name\":\"checkout\",\"type\":\"release\",\"description\":\"new\","
    "\"stale\":false,\"archived\":false,\"impressionData\":false,"
    "\"tags\":[{\"type\":\"simple\",\"value\":\"web\"}],"
    "\"variants\":[{\"name\":\"a\",\"weight\":500,\"payload\":"
    "{\"type\":\"json\",\"value\":\"{}\"}},{\"name\":\"b\",\"weight\":500}],"
    "\"strategies\":[{\"name\":\"flexibleRollout\",\"parameters\":"
    "{\"rollout\":\"50\",\"stickiness\":\"default\",\"groupId\":\"g\"},"
    "\"constraints\":[{\"contextName\":\"userId\",\"operator\":\"IN\","
    "\"values\":[\"1\",\"2\"]}]}],\"a/b\":{\"~c\":[1,2,3]},\"\":0}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *doc = json_loads(doc_text, 0, NULL);
    json_t *copy = json_deep_copy(doc);
    json_t *patch = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
    json_t *out = NULL;
    struct vx_err err = {0};

    if (!doc || !copy)
        abort();
    if (patch && vx_json_patch(doc, patch, &out, &err) == VX_OK && !out)
        abort();
    if (!json_equal(doc, copy))
        abort();
    json_decref(out);
    json_decref(patch);
    json_decref(copy);
    json_decref(doc);
    return 0;
}
