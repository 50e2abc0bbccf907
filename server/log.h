/*
 * Levelled logfmt lines on stderr:
 *
 *     ts=2026-12-03T17:00:00.123Z level=info msg="listening" port=4242
 *
 * The level is a process-wide setting made once at start-up. Lines are
 * written with one fputs() each, so lines from different threads do not
 * interleave. Never pass a token or secret to these functions.
 */
#ifndef VX_LOG_H
#define VX_LOG_H

enum vx_log_level {
    VX_LOG_ERROR,
    VX_LOG_WARN,
    VX_LOG_INFO,
    VX_LOG_DEBUG,
};

/* Parse "error", "warn", "info" or "debug"; -1 for anything else. */
int vx_log_parse_level(const char *name);

void vx_log_set_level(enum vx_log_level level);
int vx_log_enabled(enum vx_log_level level);

/*
 * Log msg at level; fmt, if not NULL, adds further key=value pairs
 * (already formatted by the caller, e.g. "port=%d").
 */
void vx_log(enum vx_log_level level, const char *msg, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define vx_log_error(msg, ...) vx_log(VX_LOG_ERROR, msg, __VA_ARGS__)
#define vx_log_warn(msg, ...) vx_log(VX_LOG_WARN, msg, __VA_ARGS__)
#define vx_log_info(msg, ...) vx_log(VX_LOG_INFO, msg, __VA_ARGS__)
#define vx_log_debug(msg, ...) vx_log(VX_LOG_DEBUG, msg, __VA_ARGS__)

#endif
