/*
 * Filling in struct vx_err.
 */
#include "vx_err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int vx_err_set(struct vx_err *err, int code, const char *path, const char *fmt,
               ...)
{
    va_list ap;

    if (!err)
        return code;
    err->code = code;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    snprintf(err->path, sizeof(err->path), "%s", path ? path : "");
    return code;
}

void vx_err_clear(struct vx_err *err)
{
    memset(err, 0, sizeof(*err));
}
