/*
 * The API contract stays complete: every route of every table the
 * router serves (vx_route_tables) must be described in api/openapi.yaml,
 * its path (":param" written "{param}") under "paths" and its method
 * under the path. The file is read from $VEXIL_OPENAPI, or
 * api/openapi.yaml from the working directory (the repository root).
 */
#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handlers/handlers.h"
#include "http/router.h"
#include "util.h"
#include "../testing.h"

/* The text of the contract; caller frees. */
static char *read_contract(void)
{
    const char *path = getenv("VEXIL_OPENAPI");
    struct vx_buf b = {0};
    char chunk[4096];
    size_t n;
    FILE *f;

    f = fopen(path ? path : "api/openapi.yaml", "r");
    ck_assert_msg(f != NULL, "cannot open api/openapi.yaml");
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        vx_buf_add(&b, chunk, n);
    fclose(f);
    vx_buf_adds(&b, "");
    return b.buf;
}

/* pattern with ":name" segments written "{name}", into out. */
static void openapi_path(const char *pattern, char *out, size_t size)
{
    size_t o = 0;

    for (const char *p = pattern; *p && o + 3 < size; p++) {
        if (*p == ':' && (p == pattern || p[-1] == '/')) {
            out[o++] = '{';
            while (p[1] && p[1] != '/' && o + 2 < size)
                out[o++] = *++p;
            out[o++] = '}';
        } else {
            out[o++] = *p;
        }
    }
    out[o] = '\0';
}

/*
 * True when text has the line "  <path>:" (a key under paths) followed,
 * before the next key at that depth, by a line "    <method>:".
 */
static int documented(const char *text, const char *path, const char *method)
{
    char key[300], verb[16];
    const char *at = text, *line;
    size_t i;

    snprintf(key, sizeof(key), "\n  %s:", path);
    for (i = 0; method[i] && i + 1 < sizeof(verb); i++)
        verb[i] = (char)tolower((unsigned char)method[i]);
    verb[i] = '\0';
    while ((at = strstr(at, key)) != NULL) {
        at += strlen(key);
        if (*at != '\n' && *at != ' ')
            continue; /* a longer path with the same start */
        for (line = strchr(at, '\n'); line; line = strchr(line + 1, '\n')) {
            const char *l = line + 1;

            if (l[0] == ' ' && l[1] == ' ' && l[2] != ' ')
                break; /* the next path */
            if (l[0] != ' ' && l[0] != '\n' && l[0] != '#')
                break; /* the next top-level key */
            if (!strncmp(l, "    ", 4) && !strncmp(l + 4, verb, i) &&
                l[4 + i] == ':')
                return 1;
        }
        return 0;
    }
    return 0;
}

START_TEST(every_route_documented)
{
    char *text = read_contract();
    char path[300];
    int missing = 0;

    for (size_t t = 0; vx_route_tables[t]; t++) {
        for (const struct vx_route *r = vx_route_tables[t]; r->method; r++) {
            openapi_path(r->pattern, path, sizeof(path));
            if (documented(text, path, r->method))
                continue;
            fprintf(stderr, "not in api/openapi.yaml: %s %s\n", r->method,
                    path);
            missing++;
        }
    }
    free(text);
    ck_assert_msg(missing == 0, "%d routes are not in api/openapi.yaml",
                  missing);
}
END_TEST

START_TEST(path_conversion)
{
    char out[128];

    openapi_path("/api/admin/projects/:projectId/features/:featureName", out,
                 sizeof(out));
    ck_assert_str_eq(out, "/api/admin/projects/{projectId}/features/"
                          "{featureName}");
    ck_assert(documented("paths:\n  /a/{x}:\n    get:\n      summary: s\n"
                         "  /b:\n    post:\n",
                         "/a/{x}", "GET"));
    ck_assert(!documented("paths:\n  /a/{x}:\n    get:\n  /b:\n"
                          "    post:\n",
                          "/a/{x}", "POST"));
    ck_assert(!documented("paths:\n  /a/{x}/y:\n    get:\n", "/a/{x}", "GET"));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("openapi");
    TCase *tc = tcase_create("contract");

    tcase_add_test(tc, path_conversion);
    tcase_add_test(tc, every_route_documented);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run(suite());
}
