/*
 * What the SDKs of one environment see: every flag of every project that
 * has the environment, in the shape of Unleash's client API. The
 * snapshot module (snapshot/snapshot.h) builds its answers from it.
 * See store.h for the locking rules; objects returned are owned by the
 * caller.
 */
#ifndef VX_STORE_CLIENT_STATE_H
#define VX_STORE_CLIENT_STATE_H

#include <stdint.h>

#include <jansson.h>

#include "vx_err.h"

struct vx_store;

/*
 * The client view of environment, built inside the caller's read
 * bracket, into *out (caller owns):
 *
 *     {"version":2,
 *      "features":[{name, type, description, enabled, stale,
 *                   impressionData, project, strategies[], variants[],
 *                   dependencies[]?}],
 *      "segments":[{id, name, constraints[]}],
 *      "tags":{"<flag>":["<type>:<value>", …]}}
 *
 * Features are sorted by name and exclude archived flags and projects
 * without the environment; `enabled` is false when the flag has no row
 * for the environment. Strategies leave out disabled ones, come in sort
 * order, and carry name, constraints, parameters (values as strings),
 * variants and, when they use any, segments (ids). Constraints always
 * have contextName, operator, values[], inverted and caseInsensitive,
 * and value when one is set. `dependencies` is there only for flags with
 * parents. `segments` holds the segments that the strategies use.
 * `tags` is not part of the wire shape: it is there for the tag filter
 * and holds only flags that have tags.
 */
int vx_store_client_state(struct vx_store *st, const char *environment,
                          json_t **out, struct vx_err *err);

/* The id of the newest audit event, 0 when there is none. */
int vx_store_last_event_id(struct vx_store *st, int64_t *out,
                           struct vx_err *err);

#endif
