/*
 * Usage metrics and the applications that report them: the tables of
 * db/migrations/0002_metrics.sql. The writers are called by the metrics
 * flush (server/metrics), inside one write transaction; they add to
 * what is there, never replace it. See store.h for the locking rules.
 * Objects returned are owned by the caller.
 *
 * Hours are ISO UTC texts of the hour's start ("2026-12-03T17:00:00.000Z"),
 * which sort as they compare.
 */
#ifndef VX_STORE_CLIENT_METRICS_H
#define VX_STORE_CLIENT_METRICS_H

#include <stdint.h>

#include <jansson.h>

#include "vx_err.h"

struct vx_store;

/* Add yes and no to the hourly row of (hour, env, flag, app). */
int vx_store_metrics_add(struct vx_store *st, const char *hour, const char *env,
                         const char *flag, const char *app, int64_t yes,
                         int64_t no, struct vx_err *err);

/* Add n to the hourly count of variant of (hour, env, flag, app). */
int vx_store_metrics_variant_add(struct vx_store *st, const char *hour,
                                 const char *env, const char *flag,
                                 const char *app, const char *variant,
                                 int64_t n, struct vx_err *err);

/*
 * Move the last_seen_at of flag in env forward to when (ISO), if the flag
 * exists there; a flag the server does not know is no error.
 */
int vx_store_flag_seen(struct vx_store *st, const char *flag, const char *env,
                       const char *when, struct vx_err *err);

/*
 * Record that an instance reported. inst is an object with appName,
 * environment, instanceId, lastSeen (required) and sdkVersion,
 * strategies, started, interval, clientIp (kept from before when absent).
 * The application row is created or updated with it.
 */
int vx_store_instance_seen(struct vx_store *st, json_t *inst,
                           struct vx_err *err);

/* Delete the counts of hours before hour. */
int vx_store_metrics_prune(struct vx_store *st, const char *hour,
                           struct vx_err *err);

/*
 * Every application: appName, strategies, createdAt, lastSeen,
 * environments, sdkVersions and instances [{instanceId, sdkVersion,
 * environment, clientIp, started, interval, lastSeen}], by name.
 */
int vx_store_apps_list(struct vx_store *st, json_t **out, struct vx_err *err);

/*
 * One application as in the list, plus seenToggles (the flags it
 * counted); VX_ENOTFOUND if it never reported.
 */
int vx_store_app_get(struct vx_store *st, const char *app, json_t **out,
                     struct vx_err *err);

/*
 * Counts of flag from hour since on, summed over applications per
 * environment and hour: [{environment, timestamp, yes, no, variants}].
 */
int vx_store_flag_usage(struct vx_store *st, const char *flag,
                        const char *since, json_t **out, struct vx_err *err);

/*
 * Counts of flag from hour since on, one row per hour, environment and
 * application: [{featureName, appName, environment, timestamp, yes, no,
 * variants}].
 */
int vx_store_flag_raw(struct vx_store *st, const char *flag, const char *since,
                      json_t **out, struct vx_err *err);

/* Names of the applications that ever counted flag, sorted. */
int vx_store_flag_apps(struct vx_store *st, const char *flag, json_t **out,
                       struct vx_err *err);

#endif
