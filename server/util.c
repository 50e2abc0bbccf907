/*
 * Helpers of util.h.
 */
#include "util.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "vx_alloc.h"
#include "vx_err.h"

int64_t vx_time_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t vx_time_mono_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t vx_time_mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void vx_time_iso(int64_t ms, char *buf, size_t len)
{
    /* Round down, so that times before 1970 keep a positive fraction. */
    int64_t frac = ms % 1000;
    time_t secs = (time_t)(ms / 1000 - (frac < 0));
    struct tm tm;

    if (frac < 0)
        frac += 1000;
    gmtime_r(&secs, &tm);
    snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
             (int)frac);
}

/* Read exactly n digits at *p into *out and advance; -1 if not digits. */
static int take_digits(const char **p, int n, int *out)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return -1;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

/* Days in month mo (1-12) of year y, leap years included. */
static int days_in_month(int y, int mo)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return days[mo - 1] + (mo == 2 && leap);
}

int vx_time_parse(const char *s, int64_t *ms)
{
    struct tm tm = {0};
    int y, mo, d, h = 0, mi = 0, sec = 0, frac = 0, off = 0;
    const char *p = s;

    if (take_digits(&p, 4, &y) || *p++ != '-' || take_digits(&p, 2, &mo) ||
        *p++ != '-' || take_digits(&p, 2, &d))
        return VX_EINVAL;
    if (*p == 'T' || *p == 't' || *p == ' ') {
        p++;
        if (take_digits(&p, 2, &h) || *p++ != ':' || take_digits(&p, 2, &mi))
            return VX_EINVAL;
        if (*p == ':' && (p++, take_digits(&p, 2, &sec)))
            return VX_EINVAL;
        if (*p == '.') {
            int scale = 100;

            for (p++; isdigit((unsigned char)*p); p++, scale /= 10)
                frac += (*p - '0') * scale;
        }
        if (*p == 'Z' || *p == 'z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int sign = *p++ == '-' ? -1 : 1, oh, om;

            if (take_digits(&p, 2, &oh) || (*p == ':' && !*++p) ||
                take_digits(&p, 2, &om))
                return VX_EINVAL;
            if (oh > 23 || om > 59)
                return VX_EINVAL;
            off = sign * (oh * 60 + om);
        }
    }
    if (*p || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) ||
        h > 23 || mi > 59 || sec > 60)
        return VX_EINVAL;
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    *ms = ((int64_t)timegm(&tm) - (int64_t)off * 60) * 1000 + frac;
    return VX_OK;
}

void vx_uuid(char buf[37])
{
    unsigned char b[16];

    randombytes_buf(b, sizeof(b));
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(buf, 37,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
             "%02x%02x%02x%02x%02x%02x",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10],
             b[11], b[12], b[13], b[14], b[15]);
}

void vx_random_hex(char *out, size_t n)
{
    unsigned char *b = vx_malloc(n);

    randombytes_buf(b, n);
    sodium_bin2hex(out, 2 * n + 1, b, n);
    sodium_memzero(b, n);
    free(b);
}

int vx_name_ok(const char *name, size_t max)
{
    size_t n = strlen(name);

    if (n == 0 || n > max || !strcmp(name, ".") || !strcmp(name, ".."))
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];

        if (!isalnum(c) && c != '-' && c != '.' && c != '_' && c != '~')
            return 0;
    }
    return 1;
}

void vx_buf_add(struct vx_buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;

        while (cap < b->len + n + 1)
            cap *= 2;
        b->buf = vx_realloc(b->buf, cap);
        b->cap = cap;
    }
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = '\0';
}

void vx_buf_adds(struct vx_buf *b, const char *s)
{
    vx_buf_add(b, s, strlen(s));
}

void vx_buf_addf(struct vx_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    vx_buf_add(b, "", 0);
    if (b->len + (size_t)n + 1 > b->cap) {
        b->cap = b->len + (size_t)n + 1;
        b->buf = vx_realloc(b->buf, b->cap);
    }
    va_start(ap, fmt);
    vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}
