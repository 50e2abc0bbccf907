/*
 * Allocation policy.
 *
 * Vexil does not try to limp on after the C library runs out of memory:
 * a daemon that cannot allocate a few hundred bytes cannot answer
 * requests meaningfully either. Every allocation goes through these
 * wrappers, which abort with a message on failure, so callers never test
 * for NULL. Memory from vx_malloc() and friends is released with free().
 * Objects with a lifetime of their own have _new/_free pairs that say
 * who owns what.
 */
#ifndef VX_ALLOC_H
#define VX_ALLOC_H

#include <stddef.h>

void *vx_malloc(size_t n);
void *vx_calloc(size_t count, size_t size);
void *vx_realloc(void *p, size_t n);
char *vx_strdup(const char *s);
char *vx_strndup(const char *s, size_t n);

#endif
