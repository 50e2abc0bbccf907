/*
 * MurmurHash3 x86 32-bit (Austin Appleby's public-domain algorithm),
 * written from its description, and the Unleash bucket helpers on top.
 * See murmur3.h for the UTF-16 detail that the JavaScript SDK imposes.
 */
#include "eval/murmur3.h"

#include <stdlib.h>
#include <string.h>

#include "vx_alloc.h"

/* Rotate x left by r bits. */
static uint32_t rotl32(uint32_t x, int r)
{
    return (x << r) | (x >> (32 - r));
}

/* The final avalanche step of MurmurHash3. */
static uint32_t fmix32(uint32_t h)
{
    h ^= h >> 16;
    h *= 0x85ebca6b;
    h ^= h >> 13;
    h *= 0xc2b2ae35;
    h ^= h >> 16;
    return h;
}

/* Scramble one 32-bit block before it is mixed into the hash. */
static uint32_t scramble(uint32_t k)
{
    k *= 0xcc9e2d51;
    k = rotl32(k, 15);
    k *= 0x1b873593;
    return k;
}

/* Mix 4-byte blocks, then the tail, then the length. */
uint32_t murmur3_x86_32(const void *key, size_t n, uint32_t seed)
{
    const unsigned char *p = key;
    size_t nblocks = n / 4;
    uint32_t h = seed, k = 0;

    for (size_t i = 0; i < nblocks; i++, p += 4) {
        k = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
            (uint32_t)p[3] << 24;
        h ^= scramble(k);
        h = rotl32(h, 13);
        h = h * 5 + 0xe6546b64;
    }

    k = 0;
    switch (n & 3) {
    case 3:
        k ^= (uint32_t)p[2] << 16;
        /* fall through */
    case 2:
        k ^= (uint32_t)p[1] << 8;
        /* fall through */
    case 1:
        k ^= p[0];
        h ^= scramble(k);
    }

    h ^= (uint32_t)n;
    return fmix32(h);
}

/*
 * Decode one UTF-8 sequence at s (n bytes left) into *cp and return its
 * length; malformed, overlong or surrogate sequences give U+FFFD and
 * consume one byte.
 */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    uint32_t c = s[0], min;
    size_t len;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if ((c & 0xe0) == 0xc0) {
        len = 2, c &= 0x1f, min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
        len = 3, c &= 0x0f, min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
        len = 4, c &= 0x07, min = 0x10000;
    } else {
        goto bad;
    }
    if (len > n)
        goto bad;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            goto bad;
        c = c << 6 | (s[i] & 0x3f);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        goto bad;
    *cp = c;
    return len;

bad:
    *cp = 0xfffd;
    return 1;
}

/* Turn UTF-8 into UTF-16 low bytes, then hash those. */
uint32_t murmur3_x86_32_js(const char *s, size_t n, uint32_t seed)
{
    const unsigned char *p = (const unsigned char *)s;
    unsigned char stack[256] = {0}, *units = stack;
    size_t nu = 0;
    uint32_t h;

    /* At most one UTF-16 unit per input byte, so n bytes are enough. */
    if (n > sizeof(stack))
        units = vx_malloc(n);
    for (size_t i = 0; i < n;) {
        uint32_t cp;

        i += utf8_decode(p + i, n - i, &cp);
        if (cp < 0x10000) {
            units[nu++] = (unsigned char)(cp & 0xff);
        } else {
            cp -= 0x10000;
            units[nu++] = (unsigned char)((0xd800 | cp >> 10) & 0xff);
            units[nu++] = (unsigned char)((0xdc00 | (cp & 0x3ff)) & 0xff);
        }
    }
    h = murmur3_x86_32(units, nu, seed);
    if (units != stack)
        free(units);
    return h;
}

/* Hash "<group_id>:<id>" with the given hash function, bucket it. */
static uint32_t bucket_with(uint32_t (*hash)(const char *, size_t, uint32_t),
                            const char *group_id, const char *id, uint32_t seed,
                            uint32_t n)
{
    size_t ng = strlen(group_id), ni = strlen(id), len = ng + 1 + ni;
    char stack[256], *key = stack;
    uint32_t h;

    if (len > sizeof(stack))
        key = vx_malloc(len);
    memcpy(key, group_id, ng);
    key[ng] = ':';
    memcpy(key + ng + 1, id, ni);
    h = hash(key, len, seed);
    if (key != stack)
        free(key);
    return h % n + 1;
}

/* murmur3_x86_32() with the signature bucket_with() expects. */
static uint32_t hash_utf8(const char *s, size_t n, uint32_t seed)
{
    return murmur3_x86_32(s, n, seed);
}

/* Bucket of "<group_id>:<id>" hashed as JavaScript does. */
uint32_t vx_bucket(const char *group_id, const char *id, uint32_t seed,
                   uint32_t n)
{
    return bucket_with(murmur3_x86_32_js, group_id, id, seed, n);
}

/* Bucket of "<group_id>:<id>" hashed as UTF-8 bytes. */
uint32_t vx_bucket_utf8(const char *group_id, const char *id, uint32_t seed,
                        uint32_t n)
{
    return bucket_with(hash_utf8, group_id, id, seed, n);
}
