/*
 * JSON Patch. Each operation works on a deep copy of the document, so a
 * patch that fails half-way leaves the caller's document as it was.
 */
#include "jsonpatch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vx_alloc.h"

/*
 * Split pointer into its parent container in doc and the last token
 * (unescaped, caller frees). *parent is NULL if the path does not lead
 * to a container.
 */
static int resolve_parent(json_t *doc, const char *pointer, json_t **parent,
                          char **last)
{
    const char *p = pointer;
    json_t *cur = doc;

    *parent = NULL;
    *last = NULL;
    if (*p != '/')
        return VX_EINVAL;
    while (*p == '/') {
        const char *end = strchr(p + 1, '/');
        size_t n = end ? (size_t)(end - p - 1) : strlen(p + 1);
        char *tok = vx_malloc(n + 1);
        size_t j = 0;

        for (size_t i = 0; i < n; i++) {
            if (p[1 + i] == '~' && i + 1 < n && p[2 + i] == '1')
                tok[j++] = '/', i++;
            else if (p[1 + i] == '~' && i + 1 < n && p[2 + i] == '0')
                tok[j++] = '~', i++;
            else
                tok[j++] = p[1 + i];
        }
        tok[j] = '\0';
        if (!end) {
            *parent = cur;
            *last = tok;
            return VX_OK;
        }
        if (json_is_object(cur)) {
            cur = json_object_get(cur, tok);
        } else if (json_is_array(cur)) {
            char *e;
            unsigned long idx;

            errno = 0;
            idx = strtoul(tok, &e, 10);
            cur = (*tok && !*e && !errno) ? json_array_get(cur, idx) : NULL;
        } else {
            cur = NULL;
        }
        free(tok);
        if (!cur)
            return VX_EINVAL;
        p = end;
    }
    return VX_EINVAL;
}

/* Array index of tok in arr; "-" means the end when allow_end. */
static int array_index(json_t *arr, const char *tok, int allow_end, size_t *idx)
{
    char *e;
    unsigned long v;

    if (allow_end && !strcmp(tok, "-")) {
        *idx = json_array_size(arr);
        return VX_OK;
    }
    errno = 0;
    v = strtoul(tok, &e, 10);
    if (!*tok || *e || errno)
        return VX_EINVAL;
    if (allow_end ? v > json_array_size(arr) : v >= json_array_size(arr))
        return VX_EINVAL;
    *idx = v;
    return VX_OK;
}

/* The value at pointer (borrowed), or NULL. */
static json_t *get_at(json_t *doc, const char *pointer)
{
    json_t *parent;
    char *last;
    json_t *v = NULL;
    size_t idx;

    if (!strcmp(pointer, ""))
        return doc;
    if (resolve_parent(doc, pointer, &parent, &last) == VX_OK) {
        if (json_is_object(parent))
            v = json_object_get(parent, last);
        else if (json_is_array(parent) &&
                 array_index(parent, last, 0, &idx) == VX_OK)
            v = json_array_get(parent, idx);
    }
    free(last);
    return v;
}

/* Remove the value at pointer; *removed gets it (caller owns) if asked. */
static int remove_at(json_t *doc, const char *pointer, json_t **removed)
{
    json_t *parent;
    char *last;
    size_t idx;
    int rc = resolve_parent(doc, pointer, &parent, &last);

    if (rc == VX_OK && json_is_object(parent) &&
        json_object_get(parent, last)) {
        if (removed)
            *removed = json_incref(json_object_get(parent, last));
        json_object_del(parent, last);
    } else if (rc == VX_OK && json_is_array(parent) &&
               array_index(parent, last, 0, &idx) == VX_OK) {
        if (removed)
            *removed = json_incref(json_array_get(parent, idx));
        json_array_remove(parent, idx);
    } else {
        rc = VX_EINVAL;
    }
    free(last);
    return rc;
}

/* Add value (stolen) at pointer, RFC 6902 "add" rules. */
static int add_at(json_t *doc, const char *pointer, json_t *value)
{
    json_t *parent;
    char *last;
    size_t idx;
    int rc = resolve_parent(doc, pointer, &parent, &last);

    if (rc == VX_OK && json_is_object(parent)) {
        json_object_set_new(parent, last, value);
        value = NULL;
    } else if (rc == VX_OK && json_is_array(parent) &&
               array_index(parent, last, 1, &idx) == VX_OK) {
        json_array_insert_new(parent, idx, value);
        value = NULL;
    } else {
        rc = VX_EINVAL;
    }
    json_decref(value);
    free(last);
    return rc;
}

/* Apply one operation to doc in place. */
static int apply_one(json_t *doc, json_t *op, size_t i, struct vx_err *err)
{
    const char *name = json_string_value(json_object_get(op, "op"));
    const char *path = json_string_value(json_object_get(op, "path"));
    const char *from = json_string_value(json_object_get(op, "from"));
    json_t *value = json_object_get(op, "value"), *moved = NULL;
    int rc = VX_EINVAL;

    if (!name || !path)
        return vx_err_set(err, VX_EINVAL, "/body",
                          "patch operation %zu needs \"op\" and \"path\"", i);
    if (!strcmp(name, "add") && value) {
        rc = add_at(doc, path, json_deep_copy(value));
    } else if (!strcmp(name, "remove")) {
        rc = remove_at(doc, path, NULL);
    } else if (!strcmp(name, "replace") && value) {
        rc = remove_at(doc, path, NULL);
        if (rc == VX_OK)
            rc = add_at(doc, path, json_deep_copy(value));
    } else if ((!strcmp(name, "move") || !strcmp(name, "copy")) && from) {
        moved = get_at(doc, from);
        if (moved && name[0] == 'm')
            rc = remove_at(doc, from, &moved);
        else if (moved)
            rc = (moved = json_deep_copy(moved)) ? VX_OK : VX_EINVAL;
        if (rc == VX_OK)
            rc = add_at(doc, path, moved);
    } else if (!strcmp(name, "test") && value) {
        rc = json_equal(get_at(doc, path), value) ? VX_OK : VX_EINVAL;
    }
    if (rc)
        return vx_err_set(err, VX_EINVAL, "/body",
                          "patch operation %zu (\"%s\" at \"%s\") cannot "
                          "be applied",
                          i, name, path);
    return VX_OK;
}

int vx_json_patch(json_t *doc, json_t *patch, json_t **out, struct vx_err *err)
{
    json_t *copy, *op;
    size_t i;

    *out = NULL;
    if (!json_is_array(patch))
        return vx_err_set(err, VX_EINVAL, "/body",
                          "a PATCH body must be a JSON Patch array of "
                          "operations");
    copy = json_deep_copy(doc);
    json_array_foreach (patch, i, op) {
        int rc = json_is_object(op)
                     ? apply_one(copy, op, i, err)
                     : vx_err_set(err, VX_EINVAL, "/body",
                                  "patch operation %zu is not an object", i);

        if (rc) {
            json_decref(copy);
            return rc;
        }
    }
    *out = copy;
    return VX_OK;
}
