/*
 * The REGEX constraint operator. Unleash defines its patterns in RE2
 * syntax; Vexil translates the commonly used part of that syntax into a
 * POSIX extended expression for the C library's regcomp():
 *
 *   \d \D \w \W \s \S, \b \B, escaped punctuation, \n \t \r \f \v;
 *   (?:…), (?P<name>…), (?<name>…); the flags i, m, s and U in (?flags)
 *   or (?flags:…), which apply to the whole pattern; lazy quantifiers
 *   (*? +? ?? {n,m}?), which match the same texts when only "does it
 *   match" is asked; bracket expressions with [:class:] and escapes.
 *
 * Patterns RE2 refuses (look-around, back-references) are refused, and
 * so are RE2 features not translated (\p{…}, \Q…\E, \A, \z, \x…): a
 * refused pattern never matches, as in the SDKs.
 *
 * NEEDSWORK: RE2 matches Unicode code points, glibc in the C locale
 * matches bytes, so `.` or `[^a]` against a non-ASCII character and
 * case folding beyond ASCII differ; a flag group in the middle of a
 * pattern affects all of it. A small RE2-compatible matcher would close
 * both gaps.
 *
 * A compiled vx_regex is immutable; regexec() on it is thread-safe.
 */
#ifndef VX_REGEX_H
#define VX_REGEX_H

#include <regex.h>
#include <stdbool.h>

/*
 * Compile the RE2 pattern; icase adds case-insensitive matching. Returns
 * a new regex_t the caller frees with vx_regex_free(), or NULL when the
 * pattern is refused or invalid.
 */
regex_t *vx_regex_compile(const char *pattern, bool icase);

/* True when re matches somewhere in s. */
bool vx_regex_match(const regex_t *re, const char *s);

/* Free a regex from vx_regex_compile(); NULL is ignored. */
void vx_regex_free(regex_t *re);

/*
 * Translate the RE2 pattern into POSIX extended syntax. Returns a new
 * string the caller frees, and the regcomp() flags in *cflags, or NULL
 * when the pattern uses something refused. Exposed for tests.
 */
char *vx_regex_translate(const char *pattern, int *cflags);

#endif
