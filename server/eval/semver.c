/*
 * Semantic version parsing and precedence, see semver.h.
 */
#include "eval/semver.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "vx_alloc.h"

#define SEMVER_MAX_LENGTH 256
#define SEMVER_MAX_NUMBER 9007199254740991ULL /* 2^53 - 1 */

/* Read a numeric identifier (0 or no leading zero) at *p into *out. */
static bool take_number(const char **p, uint64_t *out)
{
    const char *s = *p;
    uint64_t v = 0;

    if (!isdigit((unsigned char)*s))
        return false;
    if (*s == '0' && isdigit((unsigned char)s[1]))
        return false;
    for (; isdigit((unsigned char)*s); s++) {
        v = v * 10 + (uint64_t)(*s - '0');
        if (v > SEMVER_MAX_NUMBER)
            return false;
    }
    *p = s;
    *out = v;
    return true;
}

/*
 * Check one dot-separated identifier list at *p, stopping at stop or
 * the end; numeric identifiers must have no leading zero when strict_num.
 */
static bool take_idents(const char **p, const char *stop, bool strict_num)
{
    const char *s = *p;

    for (;;) {
        const char *start = s;
        bool all_digits = true;

        for (; isalnum((unsigned char)*s) || *s == '-'; s++)
            if (!isdigit((unsigned char)*s))
                all_digits = false;
        if (s == start)
            return false;
        if (strict_num && all_digits && *start == '0' && s - start > 1)
            return false;
        if (*s != '.')
            break;
        s++;
    }
    if (*s && !strchr(stop, *s))
        return false;
    *p = s;
    return true;
}

/* Trim, take major.minor.patch, then -pre and +build. */
bool vx_semver_parse(const char *s, bool allow_v, struct vx_semver *v)
{
    const char *p, *end, *pre = NULL;
    size_t n;

    memset(v, 0, sizeof(*v));
    if (!s || strlen(s) > SEMVER_MAX_LENGTH)
        return false;
    while (isspace((unsigned char)*s))
        s++;
    n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    end = s + n;
    p = s;
    if (*p == 'v' && allow_v)
        p++;
    if (!take_number(&p, &v->major) || *p++ != '.' ||
        !take_number(&p, &v->minor) || *p++ != '.' ||
        !take_number(&p, &v->patch))
        return false;
    if (p < end && *p == '-') {
        pre = ++p;
        if (!take_idents(&p, "+ \t\n\r\f\v", true))
            return false;
        v->pre = vx_strndup(pre, (size_t)(p - pre));
    }
    if (p < end && *p == '+') {
        p++;
        if (!take_idents(&p, " \t\n\r\f\v", false))
            goto bad;
    }
    if (p != end)
        goto bad;
    return true;

bad:
    vx_semver_release(v);
    return false;
}

/* Free the pre-release text. */
void vx_semver_release(struct vx_semver *v)
{
    free(v->pre);
    memset(v, 0, sizeof(*v));
}

/* Compare two numbers. */
static int cmp_u64(uint64_t a, uint64_t b)
{
    return a < b ? -1 : a > b;
}

/*
 * Compare one pre-release identifier [a, a+na) with [b, b+nb): numbers
 * numerically and below words, words in ASCII order.
 */
static int cmp_ident(const char *a, size_t na, const char *b, size_t nb)
{
    bool an = true, bn = true;
    int c;

    for (size_t i = 0; i < na; i++)
        an = an && isdigit((unsigned char)a[i]);
    for (size_t i = 0; i < nb; i++)
        bn = bn && isdigit((unsigned char)b[i]);
    if (an && bn) {
        /* No leading zeros, so a longer number is a larger one. */
        if (na != nb)
            return na < nb ? -1 : 1;
        return memcmp(a, b, na);
    }
    if (an != bn)
        return an ? -1 : 1;
    c = memcmp(a, b, na < nb ? na : nb);
    if (c)
        return c;
    return cmp_u64(na, nb);
}

/* Compare numbers, then pre-release identifiers one by one. */
int vx_semver_cmp(const struct vx_semver *a, const struct vx_semver *b)
{
    const char *pa, *pb;
    int c;

    if ((c = cmp_u64(a->major, b->major)) ||
        (c = cmp_u64(a->minor, b->minor)) || (c = cmp_u64(a->patch, b->patch)))
        return c;
    if (!a->pre || !b->pre)
        return a->pre ? -1 : b->pre ? 1 : 0;

    pa = a->pre, pb = b->pre;
    for (;;) {
        size_t na = strcspn(pa, "."), nb = strcspn(pb, ".");

        if ((c = cmp_ident(pa, na, pb, nb)))
            return c;
        pa += na, pb += nb;
        if (!*pa || !*pb)
            return *pa ? 1 : *pb ? -1 : 0;
        pa++, pb++;
    }
}
