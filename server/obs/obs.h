/*
 * Operator metrics: the process-wide registry behind
 * GET /internal-backstage/prometheus, and the writer of the Prometheus
 * text exposition format (version 0.0.4).
 *
 * This module owns the HTTP series: requests answered by method, matched
 * route pattern and status; their durations as a histogram per route
 * family (admin, client, frontend, internal, unmatched); requests in
 * flight; and the process's start time and version. The other series
 * (snapshots, tokens, usage metrics) belong to their modules and are
 * written by the handler with vx_obs_head() and vx_obs_label().
 *
 * Counting is lock-free and allocates nothing: fixed arrays of C11
 * atomics indexed by the route's position in vx_route_tables, a small
 * fixed set of methods and of statuses, and the duration bucket. Label
 * values are only route patterns, never request paths, so the number of
 * series is bounded by the route tables.
 */
#ifndef VX_OBS_H
#define VX_OBS_H

#include <stdint.h>

#include "util.h"

/* Routes the registry has room for; more are counted as unmatched. */
#define VX_OBS_MAX_ROUTES 256

/* Note the process's start time (wall clock, ms since the epoch). */
void vx_obs_init(int64_t start_ms);

/* A request has arrived: one more in flight. */
void vx_obs_begin(void);

/*
 * A request begun with vx_obs_begin() is over. route is the position of
 * the matched route in the joined tables (see vx_route()), or -1 when
 * none matched; method is the request's; status what was sent (0 when
 * nothing was); micros how long it took.
 */
void vx_obs_end(int route, const char *method, int status, int64_t micros);

/*
 * Append the HTTP series, the start time and the build information to
 * b, each with its HELP and TYPE lines.
 */
void vx_obs_write(struct vx_buf *b);

/* Append the "# HELP" and "# TYPE" lines of a metric to b. */
void vx_obs_head(struct vx_buf *b, const char *name, const char *type,
                 const char *help);

/*
 * Append value to b escaped as a label value (backslash, double quote
 * and newline escaped), without the surrounding quotes.
 */
void vx_obs_label(struct vx_buf *b, const char *value);

#endif
