/*
 * Snapshots: what the SDKs of each environment see, built once after
 * every change and then only read. A snapshot holds, for one
 * environment, the compiled flag set (for evaluation), one serialised
 * chunk of JSON per flag and per segment, and the finished answers of
 * the client API for the common request (every project, no filter) in
 * both segment flavours, with their gzip and ETag. Filtered answers are
 * put together from the chunks, by concatenation, and a few are kept.
 *
 * The set of snapshots (struct vx_snapshots) maps environment names to
 * their current snapshot. A reader takes a reference under a mutex held
 * only for the lookup; a rebuild makes new snapshots without holding it
 * and swaps the table in one step, so readers never wait for a build.
 * Snapshots and answers are reference counted with atomics: whatever is
 * in use stays alive until its last reference is dropped.
 *
 * Nothing here runs SQL or serialises JSON while answering a request,
 * except for the first time a filtered answer is asked for.
 */
#ifndef VX_SNAPSHOT_H
#define VX_SNAPSHOT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "vx_err.h"

struct vx_store;
struct vx_flagset;
struct vx_snapshots;
struct vx_snapshot;

/*
 * One finished answer: the body, its gzip (or NULL) and its ETag, a
 * quoted strong tag. Read-only once made; kept alive by references.
 */
struct vx_answer {
    atomic_int refs;
    char *body;
    size_t len;
    char *gz; /* gzip of body, or NULL */
    size_t gz_len;
    char etag[48];
};

/* What a client asked for, once the token's limits are applied. */
struct vx_client_query {
    bool inline_segments;    /* old SDKs: segment constraints inlined */
    json_t *projects;        /* names (borrowed), or NULL for all */
    const char *name_prefix; /* or NULL */
    json_t *tags;            /* "type:value" strings (borrowed), or NULL */
};

/*
 * A set with no snapshot yet, reading from st (borrowed, must outlive
 * it). Free with vx_snapshots_free(); call vx_snapshots_rebuild() to
 * fill it.
 */
struct vx_snapshots *vx_snapshots_new(struct vx_store *st);

/* Drop the set's references; snapshots in use live on until released. */
void vx_snapshots_free(struct vx_snapshots *ss);

/*
 * Read every environment's client view from the store (taking its read
 * bracket, so never call it holding one), build a snapshot of each and
 * swap them in. An environment whose view has not changed keeps its
 * snapshot, revision and ETags. Rebuilds are serialised.
 */
int vx_snapshots_rebuild(struct vx_snapshots *ss, struct vx_err *err);

/*
 * The store's change hook: vx_snapshots_rebuild(arg), logging a
 * failure (the old snapshots stay in place).
 */
void vx_snapshots_on_change(void *arg);

/*
 * A new reference to the current snapshot of environment, or NULL when
 * there is no such environment. Release with vx_snapshot_release().
 */
struct vx_snapshot *vx_snapshots_get(struct vx_snapshots *ss,
                                     const char *environment);

/*
 * New references to every current snapshot, in a new array put in *out;
 * returns how many. The caller releases each and frees the array.
 */
size_t vx_snapshots_list(struct vx_snapshots *ss, struct vx_snapshot ***out);

/* What rebuilds have done since the set was made, for the operator. */
struct vx_snapshots_stats {
    uint64_t rebuilds;   /* finished */
    uint64_t failures;   /* failed; the previous snapshots stayed */
    uint64_t rebuild_us; /* time the finished ones took, summed */
};

/* Read the rebuild counters into *out. */
void vx_snapshots_stats(struct vx_snapshots *ss,
                        struct vx_snapshots_stats *out);

/* Drop a reference; the last one frees the snapshot. NULL is ignored. */
void vx_snapshot_release(struct vx_snapshot *snap);

/* The revision: the newest audit event when the content last changed. */
int64_t vx_snapshot_revision(const struct vx_snapshot *snap);

/* How many flags the snapshot serves. */
size_t vx_snapshot_flag_count(const struct vx_snapshot *snap);

/* The environment's name; valid as long as snap. */
const char *vx_snapshot_environment(const struct vx_snapshot *snap);

/*
 * The compiled flag set, valid as long as snap; read-only, for any
 * number of threads. NULL only if the stored flags could not be
 * compiled (logged when the snapshot was built).
 */
const struct vx_flagset *vx_snapshot_flagset(const struct vx_snapshot *snap);

/*
 * The client API answer to q: {"version":2,"features":[…],
 * "segments"?:[…],"query":{…},"meta":{…}}. *out is a new reference,
 * valid after snap is released; release it with vx_answer_release().
 */
void vx_snapshot_answer(struct vx_snapshot *snap,
                        const struct vx_client_query *q,
                        struct vx_answer **out);

/*
 * The answer for the single flag name, in the segment flavour asked
 * for, when projects (NULL for all) has its project: *out is a new
 * reference (no gzip). VX_ENOTFOUND otherwise.
 */
int vx_snapshot_feature(struct vx_snapshot *snap, const char *name,
                        bool inline_segments, json_t *projects,
                        struct vx_answer **out);

/*
 * Drop a reference to an answer (a struct vx_answer *, typed void * to
 * serve as a reply's free_fn). NULL is ignored.
 */
void vx_answer_release(void *answer);

#endif
