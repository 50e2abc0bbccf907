/*
 * The scheduler thread of cr_scheduler.h. Its state (the stop flag) is
 * guarded by the scheduler's own mutex; everything it does to the
 * database goes through the store's brackets.
 */
#include "cr_scheduler.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "log.h"
#include "ops/change_requests.h"
#include "store/change_requests.h"
#include "store/store.h"
#include "util.h"
#include "vx_alloc.h"

struct vx_cr_scheduler {
    struct vx_store *st;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    int stop; /* under lock */
};

/* Apply request id (Scheduled and due) as the user who scheduled it. */
static void apply_one(struct vx_store *st, int64_t id)
{
    struct vx_err err = {0};
    struct vx_actor who = {0, NULL};
    json_t *row = NULL;
    char *name = NULL;
    int conflict = 0;
    int rc = vx_store_begin(st, &err);

    if (rc)
        goto out;
    rc = vx_store_cr_row(st, NULL, id, &row, &err);
    if (rc == VX_OK) {
        who.user_id = json_integer_value(json_object_get(row, "scheduledById"));
        rc = vx_store_cr_user_name(st, who.user_id, &name, &err);
    }
    who.name = name;
    if (rc == VX_OK)
        rc = vx_op_cr_apply(st, &who, id, &conflict, &err);
    rc = vx_store_finish(st, rc, &err);
out:
    if (rc)
        vx_log_error("scheduled change request failed", "id=%lld error=\"%s\"",
                     (long long)id, err.msg);
    else if (conflict)
        vx_log_warn("scheduled change request conflicted",
                    "id=%lld reason=\"%s\"", (long long)id, err.msg);
    else
        vx_log_info("scheduled change request applied", "id=%lld",
                    (long long)id);
    json_decref(row);
    free(name);
}

int vx_cr_scheduler_run_due(struct vx_store *st)
{
    struct vx_err err = {0};
    json_t *ids = NULL, *id;
    char now[32];
    size_t i;
    int rc = vx_store_read(st, &err);

    vx_time_iso(vx_time_now_ms(), now, sizeof(now));
    if (rc == VX_OK) {
        rc = vx_store_cr_due(st, now, &ids, &err);
        vx_store_done(st);
    }
    if (rc) {
        vx_log_error("cannot read scheduled change requests", "error=\"%s\"",
                     err.msg);
        return 0;
    }
    json_array_foreach (ids, i, id) {
        apply_one(st, json_integer_value(id));
    }
    i = json_array_size(ids);
    json_decref(ids);
    return (int)i;
}

/* The thread: run what is due, then sleep a second or until stopped. */
static void *on_thread(void *arg)
{
    struct vx_cr_scheduler *sch = arg;
    struct timespec until;

    pthread_mutex_lock(&sch->lock);
    while (!sch->stop) {
        pthread_mutex_unlock(&sch->lock);
        vx_cr_scheduler_run_due(sch->st);
        pthread_mutex_lock(&sch->lock);
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += 1;
        while (!sch->stop && pthread_cond_timedwait(&sch->wake, &sch->lock,
                                                    &until) != ETIMEDOUT)
            ;
    }
    pthread_mutex_unlock(&sch->lock);
    return NULL;
}

struct vx_cr_scheduler *vx_cr_scheduler_start(struct vx_store *st)
{
    struct vx_cr_scheduler *sch = vx_calloc(1, sizeof(*sch));
    pthread_condattr_t attr;

    sch->st = st;
    pthread_mutex_init(&sch->lock, NULL);
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&sch->wake, &attr);
    pthread_condattr_destroy(&attr);
    if (pthread_create(&sch->thread, NULL, on_thread, sch)) {
        vx_log_error("cannot start the change-request scheduler", NULL);
        pthread_cond_destroy(&sch->wake);
        pthread_mutex_destroy(&sch->lock);
        free(sch);
        return NULL;
    }
    return sch;
}

void vx_cr_scheduler_stop(struct vx_cr_scheduler *sch)
{
    if (!sch)
        return;
    pthread_mutex_lock(&sch->lock);
    sch->stop = 1;
    pthread_cond_signal(&sch->wake);
    pthread_mutex_unlock(&sch->lock);
    pthread_join(sch->thread, NULL);
    pthread_cond_destroy(&sch->wake);
    pthread_mutex_destroy(&sch->lock);
    free(sch);
}
