/*
 * A fresh temporary folder for one test, shared by the unit and the
 * integration tests. Header-only: each test binary has its own copy.
 */
#ifndef VX_TEST_TEMPDIR_H
#define VX_TEST_TEMPDIR_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Make a new folder named /tmp/<prefix> plus six random characters and
 * put its path in buf (len bytes). Fails the test if it cannot.
 */
static inline void test_tempdir(char *buf, size_t len, const char *prefix)
{
    int n = snprintf(buf, len, "/tmp/%s", prefix);

    ck_assert(n > 0 && (size_t)n + 7 <= len);
    memset(buf + n, 'X', 6); /* mkdtemp's template */
    buf[n + 6] = '\0';
    ck_assert_ptr_nonnull(mkdtemp(buf));
}

#endif
