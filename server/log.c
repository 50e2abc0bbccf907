/*
 * The logfmt writer. The only state is the level, set before any thread
 * starts and read without a lock afterwards.
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

static enum vx_log_level log_level = VX_LOG_INFO;

static const char *const level_names[] = {"error", "warn", "info", "debug"};

int vx_log_parse_level(const char *name)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(name, level_names[i]) == 0)
            return i;
    return -1;
}

void vx_log_set_level(enum vx_log_level level)
{
    log_level = level;
}

int vx_log_enabled(enum vx_log_level level)
{
    return level <= log_level;
}

void vx_log(enum vx_log_level level, const char *msg, const char *fmt, ...)
{
    char line[2048];
    char ts[32];
    size_t n;
    va_list ap;

    if (!vx_log_enabled(level))
        return;
    vx_time_iso(vx_time_now_ms(), ts, sizeof(ts));
    n = (size_t)snprintf(line, sizeof(line), "ts=%s level=%s msg=\"%s\"", ts,
                         level_names[level], msg);
    if (fmt && n < sizeof(line) - 2) {
        line[n++] = ' ';
        va_start(ap, fmt);
        vsnprintf(line + n, sizeof(line) - n, fmt, ap);
        va_end(ap);
    }
    n = strlen(line);
    if (n > sizeof(line) - 2)
        n = sizeof(line) - 2;
    line[n] = '\n';
    line[n + 1] = '\0';
    fputs(line, stderr);
}
