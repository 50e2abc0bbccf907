/*
 * The allocation wrappers of vx_alloc.h: abort on exhaustion.
 */
#include "vx_alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Report exhaustion and stop; nothing sensible can follow. */
static void die_oom(size_t n)
{
    fprintf(stderr, "level=error msg=\"out of memory\" bytes=%zu\n", n);
    abort();
}

void *vx_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (!p)
        die_oom(n);
    return p;
}

void *vx_calloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);

    if (!p)
        die_oom(count * size);
    return p;
}

void *vx_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);

    if (!q)
        die_oom(n);
    return q;
}

char *vx_strdup(const char *s)
{
    return vx_strndup(s, strlen(s));
}

char *vx_strndup(const char *s, size_t n)
{
    char *d = vx_malloc(n + 1);

    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}
