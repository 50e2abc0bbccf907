/*
 * The counters of metrics.h and their flush thread.
 *
 * What is pending lives in three jansson objects, all guarded by
 * m->lock:
 *
 *     counts     {hour: {env: {app: {flag: {yes, no, variants: {v: n}}}}}}
 *     instances  {app: {env: {instanceId: {appName, environment, ...}}}}
 *     seen       {env: {flag: "ISO time of the last report counting it"}}
 *
 * A flush swaps them for empty ones under the lock, then writes what it
 * took with the lock released, so reports never wait for the disk. If
 * the write fails, what was taken is merged back.
 *
 * Between two flushes at most PENDING_MAX new keys (instances, flags of
 * an application and hour, variant names) are taken in; reports past
 * that still add to keys already held, and what is dropped is counted
 * and logged at the next flush. That bounds the memory a leaked client
 * or frontend token can fill with invented names.
 *
 * NEEDSWORK: the tables keep 48 hours of whatever each flush wrote, so
 * invented names still add rows, at most PENDING_MAX a flush; a limit
 * per token and hour would bound the tables too.
 */
#include "metrics/metrics.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "store/client_metrics.h"
#include "store/store.h"
#include "util.h"
#include "vx_alloc.h"

#define HOUR_MS 3600000LL
#define KEEP_HOURS 48
/* Counts stay exact as JavaScript numbers and never overflow a sum. */
#define COUNT_MAX 9007199254740991LL
/* New keys taken in between two flushes; see the top of this file. */
#define PENDING_MAX 50000

struct vx_metrics {
    struct vx_store *store; /* borrowed */
    int flush_seconds;

    pthread_mutex_t lock; /* guards counts, instances, seen */
    json_t *counts;
    json_t *instances;
    json_t *seen;
    size_t keys;    /* new keys since the last flush */
    size_t dropped; /* reports' keys refused since the last flush */

    /* Keys refused since the start, for the operator metrics. */
    uint64_t dropped_total;

    pthread_mutex_t flush_lock; /* one flush at a time */

    pthread_mutex_t stop_lock; /* guards stopping, with stop_cond */
    pthread_cond_t stop_cond;
    int stopping;
    int running;
    pthread_t thread;
};

/* What one flush takes out of memory. */
struct batch {
    json_t *counts, *instances, *seen;
};

void vx_metrics_pending(struct vx_metrics *m, size_t *pending,
                        uint64_t *dropped)
{
    pthread_mutex_lock(&m->lock);
    *pending = m->keys;
    *dropped = m->dropped_total;
    pthread_mutex_unlock(&m->lock);
}

/* Round ms down to the start of its hour. */
int64_t vx_metrics_hour(int64_t ms)
{
    int64_t r = ms % HOUR_MS;

    return ms - (r < 0 ? r + HOUR_MS : r);
}

/* The object at key of parent, created empty when absent. Borrowed. */
static json_t *child(json_t *parent, const char *key)
{
    json_t *o = json_object_get(parent, key);

    if (!json_is_object(o)) {
        o = json_object();
        json_object_set_new(parent, key, o);
    }
    return o;
}

/* Add n to the integer at key of obj, saturating at COUNT_MAX. */
static void add_count(json_t *obj, const char *key, int64_t n)
{
    int64_t have = json_integer_value(json_object_get(obj, key));

    if (n <= 0 && json_object_get(obj, key))
        return;
    n = n < 0 ? 0 : n;
    have = have > COUNT_MAX - n ? COUNT_MAX : have + n;
    json_object_set_new(obj, key, json_integer(have));
}

/* A count as a non-negative integer; anything else is 0. */
static int64_t count_of(json_t *v)
{
    int64_t n = json_is_integer(v) ? json_integer_value(v) : 0;

    return n < 0 ? 0 : n > COUNT_MAX ? COUNT_MAX : n;
}

/*
 * Whether key of obj may be written: it exists, or m (when not NULL)
 * still has room for a new key. Call with m->lock held.
 */
static int room(struct vx_metrics *m, json_t *obj, const char *key)
{
    if (!m || json_object_get(obj, key))
        return 1;
    if (m->keys >= PENDING_MAX) {
        m->dropped++;
        m->dropped_total++;
        return 0;
    }
    m->keys++;
    return 1;
}

/*
 * Add one flag's {yes, no, variants} to counts. New keys are checked
 * against m's room when m is not NULL; false when the flag had none.
 */
static int add_toggle(struct vx_metrics *m, json_t *counts, const char *hour,
                      const char *env, const char *app, const char *flag,
                      json_t *t)
{
    json_t *flags = child(child(child(counts, hour), env), app);
    json_t *c, *vars, *n;
    const char *name;

    if (!room(m, flags, flag))
        return 0;
    c = child(flags, flag);
    vars = child(c, "variants");
    add_count(c, "yes", count_of(json_object_get(t, "yes")));
    add_count(c, "no", count_of(json_object_get(t, "no")));
    json_object_foreach (json_object_get(t, "variants"), name, n)
        if (room(m, vars, name))
            add_count(vars, name, count_of(n));
    return 1;
}

/* Keep the later of two ISO times at key of obj. */
static void keep_latest(json_t *obj, const char *key, json_t *when)
{
    const char *have = json_string_value(json_object_get(obj, key));
    const char *w = json_string_value(when);

    if (w && (!have || strcmp(have, w) < 0))
        json_object_set(obj, key, when);
}

/*
 * The pending record of c's instance, created when absent; its lastSeen
 * becomes now. Call with m->lock held. Borrowed.
 */
static json_t *note_instance(struct vx_metrics *m,
                             const struct vx_metrics_client *c, const char *now)
{
    const char *id = c->instance_id ? c->instance_id : "default";
    json_t *envs = child(child(m->instances, c->app_name), c->environment);
    json_t *inst = json_object_get(envs, id);

    if (!room(m, envs, id))
        return NULL;
    if (!inst) {
        inst = json_pack("{s:s, s:s, s:s}", "appName", c->app_name,
                         "environment", c->environment, "instanceId", id);
        json_object_set_new(envs, id, inst);
    }
    json_object_set_new(inst, "lastSeen", json_string(now));
    if (c->sdk_version)
        json_object_set_new(inst, "sdkVersion", json_string(c->sdk_version));
    if (c->strategies)
        json_object_set_new(inst, "strategies", json_deep_copy(c->strategies));
    if (c->started)
        json_object_set_new(inst, "started", json_string(c->started));
    if (c->interval >= 0)
        json_object_set_new(inst, "interval", json_integer(c->interval));
    if (c->remote_addr && *c->remote_addr)
        json_object_set_new(inst, "clientIp", json_string(c->remote_addr));
    return inst;
}

/* Note a registering instance; see metrics.h. */
void vx_metrics_register(struct vx_metrics *m,
                         const struct vx_metrics_client *c, int64_t now_ms)
{
    char now[32];

    vx_time_iso(now_ms, now, sizeof(now));
    pthread_mutex_lock(&m->lock);
    note_instance(m, c, now);
    pthread_mutex_unlock(&m->lock);
}

/* Add one checked report to the counters; see metrics.h. */
void vx_metrics_add(struct vx_metrics *m, const struct vx_metrics_client *c,
                    int64_t start_ms, json_t *toggles, int64_t now_ms)
{
    char now[32], hour[32];
    json_t *t, *when;
    const char *flag;

    vx_time_iso(now_ms, now, sizeof(now));
    /* A clock ahead of ours must not make counts for hours to come. */
    vx_time_iso(vx_metrics_hour(start_ms < now_ms ? start_ms : now_ms), hour,
                sizeof(hour));
    when = json_string(now);
    pthread_mutex_lock(&m->lock);
    note_instance(m, c, now);
    json_object_foreach (toggles, flag, t) {
        int64_t used = count_of(json_object_get(t, "yes")) +
                       count_of(json_object_get(t, "no"));

        if (add_toggle(m, m->counts, hour, c->environment, c->app_name, flag,
                       t) &&
            used > 0)
            keep_latest(child(m->seen, c->environment), flag, when);
    }
    pthread_mutex_unlock(&m->lock);
    json_decref(when);
}

/* Write the counts of one (hour, env, app) to the store. */
static int write_flags(struct vx_store *st, const char *hour, const char *env,
                       const char *app, json_t *flags, struct vx_err *err)
{
    const char *flag, *name;
    json_t *c, *n;
    int rc = VX_OK;

    json_object_foreach (flags, flag, c) {
        rc = vx_store_metrics_add(st, hour, env, flag, app,
                                  json_integer_value(json_object_get(c, "yes")),
                                  json_integer_value(json_object_get(c, "no")),
                                  err);
        json_object_foreach (json_object_get(c, "variants"), name, n) {
            if (rc)
                break;
            rc = vx_store_metrics_variant_add(st, hour, env, flag, app, name,
                                              json_integer_value(n), err);
        }
        if (rc)
            break;
    }
    return rc;
}

/* Write every count of a batch. */
static int write_counts(struct vx_store *st, json_t *counts, struct vx_err *err)
{
    const char *hour, *env, *app;
    json_t *envs, *apps, *flags;
    int rc = VX_OK;

    json_object_foreach (counts, hour, envs) {
        json_object_foreach (envs, env, apps) {
            json_object_foreach (apps, app, flags) {
                rc = write_flags(st, hour, env, app, flags, err);
                if (rc)
                    return rc;
            }
        }
    }
    return rc;
}

/* Write every instance and last-seen time of b. */
static int write_seen(struct vx_store *st, const struct batch *b,
                      struct vx_err *err)
{
    const char *app, *env, *id, *flag;
    json_t *envs, *ids, *inst, *flags, *when;
    int rc = VX_OK;

    json_object_foreach (b->instances, app, envs) {
        json_object_foreach (envs, env, ids) {
            json_object_foreach (ids, id, inst) {
                rc = vx_store_instance_seen(st, inst, err);
                if (rc)
                    return rc;
            }
        }
    }
    json_object_foreach (b->seen, env, flags) {
        json_object_foreach (flags, flag, when) {
            rc =
                vx_store_flag_seen(st, flag, env, json_string_value(when), err);
            if (rc)
                return rc;
        }
    }
    return rc;
}

/*
 * Write b in one transaction, and drop counts older than we keep. Not
 * an audit event and not a change SDKs see: no vx_store_event(), no
 * vx_store_touch_flags().
 */
static int write_batch(struct vx_store *st, const struct batch *b,
                       struct vx_err *err)
{
    char oldest[32];
    int rc;

    vx_time_iso(vx_metrics_hour(vx_time_now_ms()) - KEEP_HOURS * HOUR_MS,
                oldest, sizeof(oldest));
    rc = vx_store_begin(st, err);
    if (rc)
        return rc;
    rc = write_counts(st, b->counts, err);
    if (rc == VX_OK)
        rc = write_seen(st, b, err);
    if (rc == VX_OK)
        rc = vx_store_metrics_prune(st, oldest, err);
    return vx_store_finish(st, rc, err);
}

/* Put what a failed flush took back into m. Call with m->lock held. */
static void merge_back(struct vx_metrics *m, const struct batch *b)
{
    const char *hour, *env, *app, *flag, *id;
    json_t *envs, *apps, *flags, *c, *ids, *inst, *when;

    json_object_foreach (b->counts, hour, envs)
        json_object_foreach (envs, env, apps)
            json_object_foreach (apps, app, flags)
                json_object_foreach (flags, flag, c)
                    add_toggle(NULL, m->counts, hour, env, app, flag, c);
    json_object_foreach (b->instances, app, envs) {
        json_object_foreach (envs, env, ids) {
            json_object_foreach (ids, id, inst) {
                json_t *have = child(child(child(m->instances, app), env), id);

                /* Fields seen since are newer; keep them. */
                json_object_update_missing(have, inst);
            }
        }
    }
    json_object_foreach (b->seen, env, flags)
        json_object_foreach (flags, flag, when)
            keep_latest(child(m->seen, env), flag, when);
}

/* Take what is pending and write it in one transaction. */
int vx_metrics_flush(struct vx_metrics *m, struct vx_err *err)
{
    struct batch b;
    size_t dropped;
    int rc = VX_OK;

    pthread_mutex_lock(&m->flush_lock);
    pthread_mutex_lock(&m->lock);
    b.counts = m->counts;
    b.instances = m->instances;
    b.seen = m->seen;
    m->counts = json_object();
    m->instances = json_object();
    m->seen = json_object();
    dropped = m->dropped;
    m->keys = 0;
    m->dropped = 0;
    pthread_mutex_unlock(&m->lock);
    if (dropped)
        vx_log_warn("metrics dropped",
                    "keys=%zu reason=\"more new names than %d between two "
                    "flushes\"",
                    dropped, PENDING_MAX);

    if (json_object_size(b.counts) || json_object_size(b.instances) ||
        json_object_size(b.seen))
        rc = write_batch(m->store, &b, err);
    if (rc) {
        pthread_mutex_lock(&m->lock);
        merge_back(m, &b);
        pthread_mutex_unlock(&m->lock);
    }
    pthread_mutex_unlock(&m->flush_lock);
    json_decref(b.counts);
    json_decref(b.instances);
    json_decref(b.seen);
    return rc;
}

/* Flush, logging a failure; the counts wait for the next try. */
static void flush_logged(struct vx_metrics *m)
{
    struct vx_err err = {0};

    if (vx_metrics_flush(m, &err))
        vx_log_error("cannot write usage metrics", "error=\"%s\"", err.msg);
}

/* The flush thread: flush every flush_seconds until told to stop. */
static void *on_flush_thread(void *arg)
{
    struct vx_metrics *m = arg;
    struct timespec until;

    pthread_mutex_lock(&m->stop_lock);
    while (!m->stopping) {
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += m->flush_seconds;
        while (!m->stopping &&
               pthread_cond_timedwait(&m->stop_cond, &m->stop_lock, &until) !=
                   ETIMEDOUT)
            ;
        if (m->stopping)
            break;
        pthread_mutex_unlock(&m->stop_lock);
        flush_logged(m);
        pthread_mutex_lock(&m->stop_lock);
    }
    pthread_mutex_unlock(&m->stop_lock);
    return NULL;
}

/* Make empty counters; the thread starts with vx_metrics_start(). */
struct vx_metrics *vx_metrics_new(struct vx_store *st, int flush_seconds)
{
    struct vx_metrics *m = vx_calloc(1, sizeof(*m));
    pthread_condattr_t attr;

    m->store = st;
    m->flush_seconds = flush_seconds > 0 ? flush_seconds : 5;
    m->counts = json_object();
    m->instances = json_object();
    m->seen = json_object();
    pthread_mutex_init(&m->lock, NULL);
    pthread_mutex_init(&m->flush_lock, NULL);
    pthread_mutex_init(&m->stop_lock, NULL);
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&m->stop_cond, &attr);
    pthread_condattr_destroy(&attr);
    return m;
}

/* Start the flush thread. */
int vx_metrics_start(struct vx_metrics *m)
{
    if (pthread_create(&m->thread, NULL, on_flush_thread, m)) {
        vx_log_error("cannot start the metrics thread", NULL);
        return VX_EINTERNAL;
    }
    m->running = 1;
    return VX_OK;
}

/* Stop the flush thread, then flush what is left. */
void vx_metrics_stop(struct vx_metrics *m)
{
    if (!m)
        return;
    if (m->running) {
        pthread_mutex_lock(&m->stop_lock);
        m->stopping = 1;
        pthread_cond_signal(&m->stop_cond);
        pthread_mutex_unlock(&m->stop_lock);
        pthread_join(m->thread, NULL);
        m->running = 0;
    }
    flush_logged(m);
}

/* Stop, flush and free the counters. */
void vx_metrics_free(struct vx_metrics *m)
{
    if (!m)
        return;
    vx_metrics_stop(m);
    json_decref(m->counts);
    json_decref(m->instances);
    json_decref(m->seen);
    pthread_mutex_destroy(&m->lock);
    pthread_mutex_destroy(&m->flush_lock);
    pthread_mutex_destroy(&m->stop_lock);
    pthread_cond_destroy(&m->stop_cond);
    free(m);
}
