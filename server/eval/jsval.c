/*
 * JavaScript's Number() and String() for numbers, see jsval.h.
 */
#include "eval/jsval.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vx_alloc.h"

/* The value of the digit c in base 2..16, or -1. */
static int digit_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Parse the non-empty digits of [p, end) in base; false if not digits. */
static bool parse_radix(const char *p, const char *end, int base, double *out)
{
    double v = 0;

    if (p == end)
        return false;
    for (; p < end; p++) {
        int d = digit_value((unsigned char)*p);

        if (d < 0 || d >= base)
            return false;
        v = v * base + d;
    }
    *out = v;
    return true;
}

/* True when [p, end) is a JavaScript decimal literal, sign allowed. */
static bool decimal_ok(const char *p, const char *end)
{
    size_t int_digits = 0, frac_digits = 0;

    if (p < end && (*p == '+' || *p == '-'))
        p++;
    for (; p < end && isdigit((unsigned char)*p); p++)
        int_digits++;
    if (p < end && *p == '.')
        for (p++; p < end && isdigit((unsigned char)*p); p++)
            frac_digits++;
    if (int_digits + frac_digits == 0)
        return false;
    if (p < end && (*p == 'e' || *p == 'E')) {
        size_t exp_digits = 0;

        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        for (; p < end && isdigit((unsigned char)*p); p++)
            exp_digits++;
        if (exp_digits == 0)
            return false;
    }
    return p == end;
}

/* Trim, then read a radix literal, Infinity or a decimal. */
bool vx_js_number(const char *s, double *out)
{
    const char *end;
    char buf[128], *copy;
    size_t n;

    if (!s)
        return false;
    while (isspace((unsigned char)*s))
        s++;
    end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1]))
        end--;
    n = (size_t)(end - s);
    if (n == 0) {
        *out = 0;
        return true;
    }
    if (n > 2 && s[0] == '0' && strchr("xXoObB", s[1])) {
        int base = tolower((unsigned char)s[1]) == 'x'   ? 16
                   : tolower((unsigned char)s[1]) == 'o' ? 8
                                                         : 2;

        return parse_radix(s + 2, end, base, out);
    }
    if (*s == '+' || *s == '-') {
        if (n == 9 && !strncmp(s + 1, "Infinity", 8)) {
            *out = *s == '-' ? -INFINITY : INFINITY;
            return true;
        }
    } else if (n == 8 && !strncmp(s, "Infinity", 8)) {
        *out = INFINITY;
        return true;
    }
    if (!decimal_ok(s, end))
        return false;

    copy = n < sizeof(buf) ? buf : vx_malloc(n + 1);
    memcpy(copy, s, n);
    copy[n] = '\0';
    *out = strtod(copy, NULL);
    if (copy != buf)
        free(copy);
    return true;
}

/*
 * Write d in JavaScript's Number::toString layout, given its shortest
 * round-trip digits and decimal exponent n (value = 0.digits * 10^n).
 */
static void js_layout(bool neg, const char *digits, int n, char *buf,
                      size_t len)
{
    int k = (int)strlen(digits);
    const char *sign = neg ? "-" : "";

    if (k <= n && n <= 21) {
        snprintf(buf, len, "%s%s%.*s", sign, digits, n - k,
                 "000000000000000000000");
    } else if (0 < n && n <= 21) {
        snprintf(buf, len, "%s%.*s.%s", sign, n, digits, digits + n);
    } else if (-6 < n && n <= 0) {
        snprintf(buf, len, "%s0.%.*s%s", sign, -n, "000000", digits);
    } else {
        char e = n - 1 < 0 ? '-' : '+';
        int x = abs(n - 1);

        if (k == 1)
            snprintf(buf, len, "%s%se%c%d", sign, digits, e, x);
        else
            snprintf(buf, len, "%s%c.%se%c%d", sign, digits[0], digits + 1, e,
                     x);
    }
}

/* Find the shortest round-trip digits, lay them out as JS does. */
char *vx_js_number_str(double d, char *buf, size_t len)
{
    char tmp[40], digits[24];
    int prec, exp10 = 0, nd = 0;

    if (isnan(d)) {
        snprintf(buf, len, "NaN");
        return buf;
    }
    if (isinf(d)) {
        snprintf(buf, len, "%sInfinity", d < 0 ? "-" : "");
        return buf;
    }
    if (d == 0) {
        snprintf(buf, len, "0");
        return buf;
    }

    /* The fewest significant digits that read back as d. */
    for (prec = 1; prec <= 17; prec++) {
        snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, fabs(d));
        if (strtod(tmp, NULL) == fabs(d))
            break;
    }
    for (const char *p = tmp; *p && *p != 'e'; p++)
        if (isdigit((unsigned char)*p))
            digits[nd++] = *p;
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    digits[nd] = '\0';
    exp10 = atoi(strchr(tmp, 'e') + 1);
    js_layout(d < 0, digits, exp10 + 1, buf, len);
    return buf;
}
