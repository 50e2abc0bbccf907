/*
 * MurmurHash3 x86 32-bit: reference vectors of the algorithm, Unleash's
 * check vectors, and the JavaScript SDK's UTF-16 low-byte hashing of
 * non-ASCII text (expected values computed with the murmurhash3js
 * package that the Node SDK uses).
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "eval/murmur3.h"

/* The raw-byte hash of a C string. */
static uint32_t h(const char *s, uint32_t seed)
{
    return murmur3_x86_32(s, strlen(s), seed);
}

START_TEST(reference_vectors)
{
    ck_assert_uint_eq(h("", 0), 0);
    ck_assert_uint_eq(h("", 1), 0x514e28b7);
    ck_assert_uint_eq(h("", 0xffffffff), 0x81f16f39);
    ck_assert_uint_eq(murmur3_x86_32("\0\0\0\0", 4, 0), 0x2362f9de);
    ck_assert_uint_eq(h("aaaa", 0x9747b28c), 0x5a97808a);
    ck_assert_uint_eq(h("aaa", 0x9747b28c), 0x283e0130);
    ck_assert_uint_eq(h("aa", 0x9747b28c), 0x5d211726);
    ck_assert_uint_eq(h("a", 0x9747b28c), 0x7fa09ea6);
    ck_assert_uint_eq(h("Hello, world!", 0x9747b28c), 0x24884cba);
    ck_assert_uint_eq(
        h("The quick brown fox jumps over the lazy dog", 0x9747b28c),
        0x2fa826cd);
}
END_TEST

START_TEST(unleash_vectors)
{
    ck_assert_uint_eq(h("a:b", 0), 2722392131u);
    ck_assert_uint_eq(h("Feature.flexibleRollout.10:174", 0), 3067997709u);
    ck_assert_uint_eq(
        vx_bucket("Feature.flexibleRollout.10", "174", VX_ROLLOUT_SEED, 100),
        10);
    ck_assert_uint_eq(vx_bucket("a", "b", VX_ROLLOUT_SEED, 100), 32);
    ck_assert_uint_eq(vx_bucket("gr", "123", VX_ROLLOUT_SEED, 100), 95);
    ck_assert_uint_eq(vx_bucket("gr", "123", VX_VARIANT_SEED, 1000), 534);
}
END_TEST

START_TEST(js_hash_of_ascii_is_byte_hash)
{
    const char *s = "Feature.flexibleRollout.10:174";

    ck_assert_uint_eq(murmur3_x86_32_js(s, strlen(s), 0), h(s, 0));
    ck_assert_uint_eq(vx_bucket("x", "y", 7, 100),
                      vx_bucket_utf8("x", "y", 7, 100));
}
END_TEST

START_TEST(js_hash_of_non_ascii)
{
    /* U+00E9: one UTF-16 unit, hashed as its low byte 0xE9. */
    ck_assert_uint_eq(murmur3_x86_32_js("group:\xc3\xa9", 8, 0), 1986466207u);
    ck_assert_uint_eq(murmur3_x86_32("group:\xe9", 7, 0), 1986466207u);
    /* Three-byte UTF-8, one unit each. */
    ck_assert_uint_eq(
        murmur3_x86_32_js("g:\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 11, 0),
        3530189662u);
    /* U+1F600 is a surrogate pair: two units, two bytes. */
    ck_assert_uint_eq(murmur3_x86_32_js("g:\xf0\x9f\x98\x80", 6, 0),
                      2868637875u);
    ck_assert_uint_eq(
        vx_bucket("x", "\xc3\xb1\x61nd\xc3\xba-123", VX_ROLLOUT_SEED, 100), 1);
    ck_assert_uint_eq(
        vx_bucket("g", "\xf0\x9f\x98\x80", VX_VARIANT_SEED, 0xffffffffu),
        2084327704u % 0xffffffffu + 1);
    /* The UTF-8 variant hashes other bytes, so it differs. */
    ck_assert_uint_ne(murmur3_x86_32("group:\xc3\xa9", 8, 0), 1986466207u);
}
END_TEST

START_TEST(js_hash_of_invalid_utf8_uses_replacement)
{
    /* A stray continuation byte decodes as U+FFFD: low byte 0xFD. */
    ck_assert_uint_eq(murmur3_x86_32_js("a\x80", 2, 0),
                      murmur3_x86_32("a\xfd", 2, 0));
    /* Overlong encodings are refused the same way, byte by byte. */
    ck_assert_uint_eq(murmur3_x86_32_js("\xc0\xaf", 2, 0),
                      murmur3_x86_32("\xfd\xfd", 2, 0));
}
END_TEST

START_TEST(long_keys)
{
    char key[1000];

    memset(key, 'k', sizeof(key));
    key[sizeof(key) - 1] = '\0';
    ck_assert_uint_eq(murmur3_x86_32_js(key, strlen(key), 3), h(key, 3));
    ck_assert_uint_eq(vx_bucket(key, key, 3, 100),
                      vx_bucket_utf8(key, key, 3, 100));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("murmur3");
    TCase *tc = tcase_create("hash");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, reference_vectors);
    tcase_add_test(tc, unleash_vectors);
    tcase_add_test(tc, js_hash_of_ascii_is_byte_hash);
    tcase_add_test(tc, js_hash_of_non_ascii);
    tcase_add_test(tc, js_hash_of_invalid_utf8_uses_replacement);
    tcase_add_test(tc, long_keys);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
