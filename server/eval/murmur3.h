/*
 * MurmurHash3, x86 32-bit flavour, and the bucket helpers that Unleash
 * uses for gradual rollouts and variant stickiness.
 *
 * Unleash hashes the text "<groupId>:<id>". The JavaScript SDK, whose
 * answers Vexil's frontend API must reproduce, hashes a JavaScript
 * string: it takes the low byte of each UTF-16 code unit, not the UTF-8
 * bytes. For ASCII the two are the same; for any other character they
 * differ (é is U+00E9, hashed as the one byte 0xE9; 😀 is two surrogates,
 * hashed as 0x3D 0x00). vx_bucket() therefore converts UTF-8 to UTF-16
 * code units first and hashes their low bytes. murmur3_x86_32() itself
 * hashes raw bytes, as the reference implementation does.
 *
 * Everything here is stateless and thread-safe; no function allocates
 * memory that the caller must free.
 */
#ifndef VX_MURMUR3_H
#define VX_MURMUR3_H

#include <stddef.h>
#include <stdint.h>

/* Seeds and divisors that Unleash uses. */
#define VX_ROLLOUT_SEED 0
#define VX_VARIANT_SEED 86028157

/* MurmurHash3 x86 32-bit of the n bytes at key. */
uint32_t murmur3_x86_32(const void *key, size_t n, uint32_t seed);

/*
 * MurmurHash3 x86 32-bit of the UTF-8 string s as the JavaScript SDK
 * computes it: the low byte of each UTF-16 code unit of s. Bytes that are
 * not valid UTF-8 count as U+FFFD, as they would after JSON decoding.
 */
uint32_t murmur3_x86_32_js(const char *s, size_t n, uint32_t seed);

/*
 * The Unleash bucket of id in group_id: murmur3("<group_id>:<id>", seed)
 * % n + 1, hashed as murmur3_x86_32_js() does, so 1..n. n must not be 0.
 */
uint32_t vx_bucket(const char *group_id, const char *id, uint32_t seed,
                   uint32_t n);

/* The same bucket, hashing the UTF-8 bytes (what some other SDKs do). */
uint32_t vx_bucket_utf8(const char *group_id, const char *id, uint32_t seed,
                        uint32_t n);

#endif
