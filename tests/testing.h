/*
 * What every test binary shares, unit and integration alike: running a
 * Check suite and making a temporary folder. Header-only: each test
 * binary has its own copy.
 */
#ifndef VX_TEST_TESTING_H
#define VX_TEST_TESTING_H

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

/*
 * Run every test of su (which the runner frees) and return the process
 * exit status: EXIT_SUCCESS when all passed.
 */
static inline int test_run(Suite *su)
{
    SRunner *sr = srunner_create(su);
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
