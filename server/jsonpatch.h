/*
 * JSON Patch (RFC 6902) on jansson values, for the admin API's PATCH
 * endpoints: add, remove, replace, move, copy and test, with JSON
 * Pointer (RFC 6901) paths.
 */
#ifndef VX_JSONPATCH_H
#define VX_JSONPATCH_H

#include <jansson.h>

#include "vx_err.h"

/*
 * Apply the operations of patch (an array) to a copy of doc. On success
 * *out is the patched document (caller owns) and doc is untouched; on
 * failure VX_EINVAL with a message naming the operation.
 */
int vx_json_patch(json_t *doc, json_t *patch, json_t **out, struct vx_err *err);

#endif
