/*
 * The change-request scheduler: a thread that wakes every second and
 * applies the Scheduled change requests whose time has come, each in
 * its own transaction, as the user who scheduled it. A request that can
 * no longer apply becomes Conflicted with the reason, and an audit
 * event says so. Schedules live in the database, so they survive a
 * restart.
 */
#ifndef VX_CR_SCHEDULER_H
#define VX_CR_SCHEDULER_H

struct vx_store;
struct vx_cr_scheduler;

/*
 * Start the thread on st, which must outlive it. Returns NULL (after
 * logging why) when the thread cannot start. Stop with
 * vx_cr_scheduler_stop().
 */
struct vx_cr_scheduler *vx_cr_scheduler_start(struct vx_store *st);

/* Ask the thread to stop, wait for it and free sch (NULL is fine). */
void vx_cr_scheduler_stop(struct vx_cr_scheduler *sch);

/*
 * Apply every request due now; the thread's body, callable on its own.
 * Returns the number of requests it handled.
 */
int vx_cr_scheduler_run_due(struct vx_store *st);

#endif
