/*
 * The field getters of validate.h.
 */
#include "validate.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Fetch key; report it missing when required. */
static int get(json_t *obj, const char *key, int required, json_t **v,
               struct vx_err *err)
{
    char path[96];

    *v = json_object_get(obj, key);
    if (json_is_null(*v))
        *v = NULL;
    if (!*v && required) {
        snprintf(path, sizeof(path), "/body/%s", key);
        return vx_err_set(err, VX_EINVAL, path,
                          "The `%s` property is required. It was not "
                          "present on the data you sent.",
                          path);
    }
    return VX_OK;
}

/* Report key as having the wrong type. */
static int wrong_type(const char *key, const char *want, struct vx_err *err)
{
    char path[96];

    snprintf(path, sizeof(path), "/body/%s", key);
    return vx_err_set(err, VX_EINVAL, path, "`%s` must be %s", path, want);
}

int vx_v_string(json_t *obj, const char *key, int required, size_t max,
                const char **out, struct vx_err *err)
{
    json_t *v;
    int rc = get(obj, key, required, &v, err);
    char path[96];

    *out = NULL;
    if (rc || !v)
        return rc;
    if (!json_is_string(v))
        return wrong_type(key, "a string", err);
    if (max && json_string_length(v) > max) {
        snprintf(path, sizeof(path), "/body/%s", key);
        return vx_err_set(err, VX_EINVAL, path,
                          "`%s` must be at most %zu characters long, and "
                          "is %zu",
                          path, max, json_string_length(v));
    }
    *out = json_string_value(v);
    return VX_OK;
}

int vx_v_name(json_t *obj, const char *key, int required, size_t max,
              const char **out, struct vx_err *err)
{
    int rc = vx_v_string(obj, key, required, max, out, err);
    char path[96];

    if (rc || !*out)
        return rc;
    if (!vx_name_ok(*out, max)) {
        snprintf(path, sizeof(path), "/body/%s", key);
        return vx_err_set(err, VX_EINVAL, path,
                          "\"%s\" must be URL friendly. You provided "
                          "\"%s\".",
                          key, *out);
    }
    return VX_OK;
}

int vx_v_bool(json_t *obj, const char *key, int required, int *out,
              struct vx_err *err)
{
    json_t *v;
    int rc = get(obj, key, required, &v, err);

    if (rc || !v)
        return rc;
    if (!json_is_boolean(v))
        return wrong_type(key, "a boolean", err);
    *out = json_is_true(v);
    return VX_OK;
}

int vx_v_int(json_t *obj, const char *key, int required, int64_t min,
             int64_t max, int64_t *out, struct vx_err *err)
{
    json_t *v;
    int rc = get(obj, key, required, &v, err);
    char path[96];

    if (rc || !v)
        return rc;
    if (!json_is_integer(v))
        return wrong_type(key, "an integer", err);
    if (json_integer_value(v) < min || json_integer_value(v) > max) {
        snprintf(path, sizeof(path), "/body/%s", key);
        return vx_err_set(err, VX_EINVAL, path,
                          "`%s` must be between %lld and %lld", path,
                          (long long)min, (long long)max);
    }
    *out = json_integer_value(v);
    return VX_OK;
}

int vx_v_array(json_t *obj, const char *key, int required, json_t **out,
               struct vx_err *err)
{
    int rc = get(obj, key, required, out, err);

    if (rc || !*out)
        return rc;
    if (!json_is_array(*out)) {
        *out = NULL;
        return wrong_type(key, "an array", err);
    }
    return VX_OK;
}

int vx_v_object(json_t *obj, const char *key, int required, json_t **out,
                struct vx_err *err)
{
    int rc = get(obj, key, required, out, err);

    if (rc || !*out)
        return rc;
    if (!json_is_object(*out)) {
        *out = NULL;
        return wrong_type(key, "an object", err);
    }
    return VX_OK;
}

int vx_v_enum(json_t *obj, const char *key, int required,
              const char *const *choices, const char **out, struct vx_err *err)
{
    int rc = vx_v_string(obj, key, required, 0, out, err);
    char path[96], list[256] = "";
    size_t used = 0;

    if (rc || !*out)
        return rc;
    for (int i = 0; choices[i]; i++) {
        if (!strcmp(choices[i], *out))
            return VX_OK;
        if (used < sizeof(list))
            used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s",
                                     i ? ", " : "", choices[i]);
    }
    snprintf(path, sizeof(path), "/body/%s", key);
    return vx_err_set(err, VX_EINVAL, path,
                      "`%s` must be one of %s; got \"%s\"", path, list, *out);
}

int vx_v_param_name(const char *value, const char *what, struct vx_err *err)
{
    if (value && vx_name_ok(value, 100))
        return VX_OK;
    return vx_err_set(err, VX_EINVAL, NULL, "\"%s\" is not a valid %s name",
                      value ? value : "", what);
}

int vx_v_time(json_t *obj, const char *key, int required, char *buf,
              const char **out, struct vx_err *err)
{
    int rc = vx_v_string(obj, key, required, 64, out, err);
    int64_t ms;
    char path[96];

    if (rc || !*out)
        return rc;
    if (vx_time_parse(*out, &ms)) {
        snprintf(path, sizeof(path), "/body/%s", key);
        *out = NULL;
        return vx_err_set(err, VX_EINVAL, path,
                          "`%s` must be an ISO 8601 date-time such as "
                          "\"2030-01-31T12:00:00Z\"",
                          path);
    }
    vx_time_iso(ms, buf, 32);
    *out = buf;
    return VX_OK;
}

int vx_v_param_id(const char *value, const char *what, int64_t *out,
                  struct vx_err *err)
{
    char *end = NULL;
    long long id;

    errno = 0;
    id = value && *value >= '0' && *value <= '9' ? strtoll(value, &end, 10) : 0;
    if (errno || id <= 0 || !end || *end)
        return vx_err_set(err, VX_ENOTFOUND, NULL,
                          "there is no %s with id \"%s\"", what,
                          value ? value : "");
    *out = id;
    return VX_OK;
}
