/*
 * Conversions between text and numbers exactly as JavaScript does them,
 * because Unleash's evaluation rules are defined by its JavaScript SDK:
 * a constraint `NUM_GT 5` compares Number(contextValue) with Number(5),
 * and a number in a context or parameter takes part as String(number).
 * Stateless and thread-safe.
 */
#ifndef VX_JSVAL_H
#define VX_JSVAL_H

#include <stdbool.h>
#include <stddef.h>

/*
 * JavaScript's Number(s): surrounding white space is ignored, "" is 0,
 * "0x1f", "0o17", "0b11", "Infinity" and decimal literals are accepted.
 * Returns false (NaN) for anything else or a NULL s.
 */
bool vx_js_number(const char *s, double *out);

/*
 * JavaScript's String(d) written into buf: "1", "0.5", "1e+21", "NaN".
 * 32 bytes are always enough. Returns buf.
 */
char *vx_js_number_str(double d, char *buf, size_t len);

#endif
