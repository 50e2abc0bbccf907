/*
 * Reading fields of a request body with the checks every handler needs.
 * Each getter looks up key in obj; a missing key is an error only when
 * required, a present key of the wrong type always is. Errors name the
 * field as "/body/<key>" (or prefix + key) so the user sees which one.
 *
 * Strings returned point into obj and live as long as it does.
 */
#ifndef VX_VALIDATE_H
#define VX_VALIDATE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "vx_err.h"

enum { VX_OPTIONAL = 0, VX_REQUIRED = 1 };

/* A string of at most max characters (0: no limit); *out NULL if absent. */
int vx_v_string(json_t *obj, const char *key, int required, size_t max,
                const char **out, struct vx_err *err);

/* A URL-safe name of 1..max characters (see vx_name_ok()). */
int vx_v_name(json_t *obj, const char *key, int required, size_t max,
              const char **out, struct vx_err *err);

/* A boolean; *out keeps its value when absent. */
int vx_v_bool(json_t *obj, const char *key, int required, int *out,
              struct vx_err *err);

/* An integer within [min, max]; *out keeps its value when absent. */
int vx_v_int(json_t *obj, const char *key, int required, int64_t min,
             int64_t max, int64_t *out, struct vx_err *err);

/* An array (borrowed); *out NULL when absent. */
int vx_v_array(json_t *obj, const char *key, int required, json_t **out,
               struct vx_err *err);

/* An object (borrowed); *out NULL when absent. */
int vx_v_object(json_t *obj, const char *key, int required, json_t **out,
                struct vx_err *err);

/* One of the NULL-terminated choices; *out NULL when absent. */
int vx_v_enum(json_t *obj, const char *key, int required,
              const char *const *choices, const char **out, struct vx_err *err);

/* Name a path parameter as invalid unless it is a URL-safe name. */
int vx_v_param_name(const char *value, const char *what, struct vx_err *err);

/*
 * An ISO 8601 time (see vx_time_parse()), rewritten into buf (at least
 * 32 bytes) in the one form the store keeps, "2026-12-03T17:00:00.000Z";
 * *out points to buf, or is NULL when the key is absent.
 */
int vx_v_time(json_t *obj, const char *key, int required, char *buf,
              const char **out, struct vx_err *err);

/*
 * A numeric path parameter (a positive integer id) into *out; otherwise
 * VX_ENOTFOUND naming what was looked for.
 */
int vx_v_param_id(const char *value, const char *what, int64_t *out,
                  struct vx_err *err);

#endif
