/*
 * RE2 to POSIX extended translation and matching, see regex.h.
 */
#include "eval/regex.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "vx_alloc.h"

/* Pattern-wide flags found in (?flags) groups. */
struct flags {
    bool i, m, s;
};

/* The translation in progress. */
struct tr {
    const char *p;     /* next input character */
    struct flags f;    /* flags found so far */
    struct vx_buf out; /* POSIX text */
};

/* Append the bracket-expression text for class escape c, or NULL. */
static const char *class_body(int c)
{
    switch (c) {
    case 'd':
        return "0-9";
    case 'w':
        return "0-9A-Za-z_";
    case 's':
        return "\t\n\f\r ";
    default:
        return NULL;
    }
}

/* Read (?flags) or (?flags: at t->p (just after "(?"); -1 if not that. */
static int take_flags(struct tr *t)
{
    struct flags f = t->f;
    const char *p = t->p;

    for (; *p && strchr("imsU", *p); p++) {
        if (*p == 'i')
            f.i = true;
        else if (*p == 'm')
            f.m = true;
        else if (*p == 's')
            f.s = true;
    }
    if (p == t->p || (*p != ')' && *p != ':'))
        return -1;
    t->f = f;
    if (*p == ':')
        vx_buf_adds(&t->out, "(");
    t->p = p + 1;
    return 0;
}

/* Translate a group opening at t->p (just after '('). */
static int take_group(struct tr *t)
{
    if (*t->p != '?') {
        vx_buf_adds(&t->out, "(");
        return 0;
    }
    t->p++;
    if (*t->p == ':') {
        t->p++;
        vx_buf_adds(&t->out, "(");
        return 0;
    }
    if (*t->p == 'P' || (*t->p == '<' && isalpha((unsigned char)t->p[1]))) {
        const char *close = strchr(t->p, '>');

        if (!close)
            return -1;
        t->p = close + 1;
        vx_buf_adds(&t->out, "(");
        return 0;
    }
    return take_flags(t);
}

/* Translate a bracket expression at t->p (just after '['). */
static int take_bracket(struct tr *t)
{
    struct vx_buf body = {0};
    bool neg = false, rbracket = false, dash = false, caret = false;
    const char *p = t->p;
    int rc = -1;

    if (*p == '^')
        neg = true, p++;
    if (*p == ']')
        rbracket = true, p++;
    for (; *p && *p != ']'; p++) {
        if (*p == '[' && p[1] == ':') {
            const char *end = strstr(p + 2, ":]");

            if (!end)
                goto out;
            vx_buf_add(&body, p, (size_t)(end + 2 - p));
            p = end + 1;
        } else if (*p == '\\') {
            const char *cls = class_body(*++p);

            if (cls)
                vx_buf_adds(&body, cls);
            else if (*p == ']')
                rbracket = true;
            else if (*p == '-')
                dash = true;
            else if (*p == '^')
                caret = true;
            else if (*p == 'n' || *p == 't')
                vx_buf_add(&body, *p == 'n' ? "\n" : "\t", 1);
            else if (*p && ispunct((unsigned char)*p))
                vx_buf_add(&body, p, 1);
            else
                goto out;
        } else {
            vx_buf_add(&body, p, 1);
        }
    }
    if (*p != ']')
        goto out;

    vx_buf_adds(&t->out, neg ? "[^" : "[");
    if (rbracket)
        vx_buf_adds(&t->out, "]");
    if (body.len)
        vx_buf_add(&t->out, body.buf, body.len);
    if (caret)
        vx_buf_adds(&t->out, body.len || rbracket || neg ? "^" : "\\^");
    if (dash)
        vx_buf_adds(&t->out, "-");
    vx_buf_adds(&t->out, "]");
    t->p = p + 1;
    rc = 0;

out:
    free(body.buf);
    return rc;
}

/* Translate the escape at t->p (just after '\'). */
static int take_escape(struct tr *t)
{
    int c = (unsigned char)*t->p++;
    const char *cls = class_body(tolower(c));

    if (cls) {
        vx_buf_adds(&t->out, isupper(c) ? "[^" : "[");
        vx_buf_adds(&t->out, cls);
        vx_buf_adds(&t->out, "]");
    } else if (c == 'b' || c == 'B') {
        vx_buf_add(&t->out, c == 'b' ? "\\b" : "\\B", 2);
    } else if (c && strchr("ntrfv", c)) {
        vx_buf_add(&t->out, &"\n\t\r\f\v"[strchr("ntrfv", c) - "ntrfv"], 1);
    } else if (c && strchr(".[]()*+?{}|^$\\", c)) {
        char esc[2] = {'\\', (char)c};

        vx_buf_add(&t->out, esc, 2);
    } else if (c && ispunct(c)) {
        char lit = (char)c;

        vx_buf_add(&t->out, &lit, 1);
    } else {
        return -1;
    }
    return 0;
}

/* Run one translation pass over pattern with the flags known so far. */
static int translate_pass(const char *pattern, struct tr *t)
{
    t->p = pattern;
    t->out.len = 0;
    vx_buf_add(&t->out, "", 0);
    while (*t->p) {
        char c = *t->p++;
        int rc = 0;

        if (c == '\\')
            rc = take_escape(t);
        else if (c == '(')
            rc = take_group(t);
        else if (c == '[')
            rc = take_bracket(t);
        else if (c == '.' && t->f.s)
            vx_buf_adds(&t->out, t->f.m ? "(.|\n)" : ".");
        else if (c == '.')
            vx_buf_adds(&t->out, t->f.m ? "." : "[^\n]");
        else
            vx_buf_add(&t->out, &c, 1);
        if (rc)
            return -1;
        /* A lazy quantifier matches the same texts as a greedy one. */
        if (strchr("*+?}", c) && *t->p == '?')
            t->p++;
    }
    return 0;
}

/* Translate twice: the first pass only collects the flags. */
char *vx_regex_translate(const char *pattern, int *cflags)
{
    struct tr t = {0};

    /* The first pass finds the flags, the second uses them throughout. */
    if (translate_pass(pattern, &t) || translate_pass(pattern, &t)) {
        free(t.out.buf);
        return NULL;
    }
    *cflags = REG_EXTENDED | REG_NOSUB;
    if (t.f.i)
        *cflags |= REG_ICASE;
    if (t.f.m)
        *cflags |= REG_NEWLINE;
    return t.out.buf;
}

/* Translate, then regcomp() with the flags found. */
regex_t *vx_regex_compile(const char *pattern, bool icase)
{
    regex_t *re;
    int cflags;
    char *posix = pattern ? vx_regex_translate(pattern, &cflags) : NULL;

    if (!posix)
        return NULL;
    if (icase)
        cflags |= REG_ICASE;
    re = vx_malloc(sizeof(*re));
    if (regcomp(re, posix, cflags)) {
        free(re);
        re = NULL;
    }
    free(posix);
    return re;
}

/* Search s with regexec(); no captures are needed. */
bool vx_regex_match(const regex_t *re, const char *s)
{
    return regexec(re, s, 0, NULL, 0) == 0;
}

/* Release the compiled pattern and its holder. */
void vx_regex_free(regex_t *re)
{
    if (!re)
        return;
    regfree(re);
    free(re);
}
