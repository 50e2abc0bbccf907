/*
 * Moving flags between servers, projects and environments in Unleash's
 * features-batch format: an export document describes flags with their
 * strategies, variants, enabled state, tags, dependencies and the
 * segments, tag types and context fields they use, in one environment;
 * an import applies such a document to one project and environment.
 *
 * The document:
 *   {features: [{name, type, description, impressionData, stale,
 *                project}],
 *    featureStrategies: [{featureName, name, title?, parameters,
 *                         constraints, segments: [ids], variants,
 *                         sortOrder, disabled}],
 *    featureEnvironments: [{name, featureName, environment, enabled,
 *                           variants}],
 *    featureTags: [{featureName, tagType, tagValue}],
 *    segments: [{id, name, constraints}],
 *    tagTypes: [{name, description, icon}],
 *    contextFields: [{name, description, stickiness, legalValues}],
 *    dependencies: [{feature, dependencies: [{feature, enabled,
 *                                             variants}]}]}
 *
 * Both run inside the caller's store bracket (a read for export, one
 * write transaction for import, so that an import is all or nothing).
 */
#ifndef VX_OPS_TRANSFER_H
#define VX_OPS_TRANSFER_H

#include <jansson.h>

#include "store/store.h"
#include "vx_err.h"

/* Which flags an export takes; unset fields do not select. */
struct vx_export_query {
    json_t *features;        /* borrowed array of flag names, or NULL */
    const char *tag;         /* "type:value", or a value of any type */
    const char *project;     /* flags of this project */
    const char *environment; /* required: whose state is exported */
};

/*
 * The export document of the flags q selects (live flags only; flags
 * named in q->features must exist: VX_ENOTFOUND). At least one of
 * features, tag and project must be set (VX_EINVAL). Caller owns *out.
 */
int vx_op_export(struct vx_store *st, const struct vx_export_query *q,
                 json_t **out, struct vx_err *err);

/*
 * Apply the export document data (borrowed) to environment of project:
 * create the flags project lacks and update those it has (a flag of
 * another project is VX_ECONFLICT), replace each flag's strategies and
 * variants in environment with the document's, set its enabled state,
 * add its tags, replace its dependencies, and create the segments and
 * context fields that do not exist by name. Strategy segment ids refer
 * to the document's segments and are mapped to stored ones by name.
 *
 * Everything is validated as the admin API validates it, except that
 * variant weights are kept exactly as given (see vx_write_opts), so
 * that every user gets the same variant as on the source. Custom
 * strategies must be defined beforehand: VX_EINVAL naming those that
 * are not. Errors name the place as "/body/data/<list>/<index>/...".
 * Change-request protection is the caller's check. On error the
 * transaction holds partial changes and must be rolled back.
 */
int vx_op_import(struct vx_store *st, const struct vx_actor *who,
                 const char *project, const char *environment, json_t *data,
                 struct vx_err *err);

#endif
