/*
 * Usage metrics: what SDKs report, counted in memory and written to the
 * store in batches.
 *
 * SDKs report every minute or so how often each flag was checked (yes,
 * no, and per variant) and announce themselves at start-up. Answering
 * such a report must not cost a database write, so reports only add to
 * counters held here, keyed by (hour, environment, application, flag),
 * and to a list of the application instances seen. A flush thread writes
 * everything accumulated to SQLite in one transaction every few seconds,
 * adding to the hourly rows already there, and once more at shutdown.
 *
 * One mutex guards the counters; a second one serialises flushes, so
 * that when vx_metrics_flush() returns, every report accepted before the
 * call is in the store. Lock order: flush lock, counter lock, store lock
 * (the counter lock is never held while the store is used).
 */
#ifndef VX_METRICS_H
#define VX_METRICS_H

#include <stdint.h>

#include <jansson.h>

#include "vx_err.h"

struct vx_store;
struct vx_metrics;

/* Who sent a report: one instance of an application. */
struct vx_metrics_client {
    const char *app_name;    /* required */
    const char *instance_id; /* NULL: "default" */
    const char *environment; /* the token's environment; required */
    const char *sdk_version; /* may be NULL */
    json_t *strategies;      /* array of names, borrowed; NULL if unknown */
    const char *started;     /* ISO time; may be NULL */
    int64_t interval;        /* ms between reports; -1 if unknown */
    const char *remote_addr; /* caller's IP; may be NULL */
};

/*
 * A new, empty counter set writing to st (borrowed; it must outlive the
 * metrics) every flush_seconds once started. Caller frees with
 * vx_metrics_free().
 */
struct vx_metrics *vx_metrics_new(struct vx_store *st, int flush_seconds);

/* Stop the thread if running (flushing once more) and free everything. */
void vx_metrics_free(struct vx_metrics *m);

/* Start the flush thread. Returns 0 or VX_EINTERNAL. */
int vx_metrics_start(struct vx_metrics *m);

/*
 * Stop the flush thread and flush what is left. Call after HTTP has
 * stopped and before the store is closed. Safe to call twice.
 */
void vx_metrics_stop(struct vx_metrics *m);

/*
 * Note that an instance of an application announced itself (register)
 * at now_ms. Strings and strategies are copied.
 */
void vx_metrics_register(struct vx_metrics *m,
                         const struct vx_metrics_client *c, int64_t now_ms);

/*
 * Add one metrics report: toggles is the bucket's {flag: {yes, no,
 * variants: {name: n}}} object, already checked (counts are
 * non-negative integers; anything else counts as 0). Counts go to the
 * hour of start_ms. The instance is noted as seen at now_ms (sdk_version,
 * strategies, started and interval of c are kept only when given).
 * toggles is borrowed.
 */
void vx_metrics_add(struct vx_metrics *m, const struct vx_metrics_client *c,
                    int64_t start_ms, json_t *toggles, int64_t now_ms);

/*
 * Write everything accumulated to the store in one transaction. On
 * failure what was taken is put back, to be written by the next flush.
 * Returns 0 or the store's error code (err filled).
 */
int vx_metrics_flush(struct vx_metrics *m, struct vx_err *err);

/*
 * For the operator: *pending gets the new keys held since the last
 * flush, *dropped the keys refused for want of room since the start.
 */
void vx_metrics_pending(struct vx_metrics *m, size_t *pending,
                        uint64_t *dropped);

/* Start of the hour that ms falls in, in ms since the epoch. */
int64_t vx_metrics_hour(int64_t ms);

#endif
