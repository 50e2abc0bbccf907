/*
 * Small helpers shared by every module: time stamps, identifiers, name
 * rules and a checked string builder. Stateless and thread-safe.
 */
#ifndef VX_UTIL_H
#define VX_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Milliseconds since the Unix epoch, wall clock. */
int64_t vx_time_now_ms(void);

/* Monotonic milliseconds, for durations. */
int64_t vx_time_mono_ms(void);

/* Monotonic microseconds, for short durations. */
int64_t vx_time_mono_us(void);

/* Format ms as "2026-12-03T17:00:00.123Z" into buf (at least 25 bytes). */
void vx_time_iso(int64_t ms, char *buf, size_t len);

/*
 * Parse an ISO 8601 / RFC 3339 time ("2026-12-03", "…T17:00:00Z",
 * "…T17:00:00.123+01:00") into ms since the epoch. 0 on success,
 * VX_EINVAL if s is not such a time.
 */
int vx_time_parse(const char *s, int64_t *ms);

/* Write a random version 4 UUID, 36 characters and a NUL, into buf. */
void vx_uuid(char buf[37]);

/* Write n random bytes as 2n lower-case hex digits and a NUL into out. */
void vx_random_hex(char *out, size_t n);

/*
 * True when name is 1..max characters of A-Z a-z 0-9 - . _ ~ : the
 * URL-safe names Unleash accepts, and not "." or "..".
 */
int vx_name_ok(const char *name, size_t max);

/* Checked, growable string. Zero-initialise; release with free(s.buf). */
struct vx_buf {
    char *buf;
    size_t len;
    size_t cap;
};

void vx_buf_add(struct vx_buf *b, const char *s, size_t n);
void vx_buf_adds(struct vx_buf *b, const char *s);
void vx_buf_addf(struct vx_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
