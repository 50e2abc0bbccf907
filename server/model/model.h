/*
 * The in-memory form of one compiled flag set: every feature of one
 * environment with its strategies, constraints, variants and parent
 * dependencies, and the segments they refer to. It is built from the
 * JSON of Unleash's client API (`{"version":2,"features":[…],
 * "segments":[…]}`), which is also the `state` of the client
 * specification files.
 *
 * Building does all the work that does not depend on a context once:
 * numbers, dates, versions, IP ranges and patterns in constraints are
 * parsed, comma lists in strategy parameters are split, segment ids and
 * parent names are resolved to pointers, and features are indexed by
 * name. A built flag set is immutable, so any number of threads may read
 * and evaluate it at once without locks; it is freed by whoever built
 * it, after the last reader is done.
 */
#ifndef VX_MODEL_H
#define VX_MODEL_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "eval/ipaddr.h"
#include "eval/semver.h"
#include "vx_err.h"

enum vx_op {
    VX_OP_UNKNOWN, /* anything else: the constraint is never satisfied */
    VX_OP_IN,
    VX_OP_NOT_IN,
    VX_OP_STR_STARTS_WITH,
    VX_OP_STR_ENDS_WITH,
    VX_OP_STR_CONTAINS,
    VX_OP_NUM_EQ,
    VX_OP_NUM_GT,
    VX_OP_NUM_GTE,
    VX_OP_NUM_LT,
    VX_OP_NUM_LTE,
    VX_OP_DATE_AFTER,
    VX_OP_DATE_BEFORE,
    VX_OP_SEMVER_EQ,
    VX_OP_SEMVER_GT,
    VX_OP_SEMVER_LT,
    VX_OP_SEMVER_GTE,
    VX_OP_SEMVER_LTE,
    VX_OP_REGEX,
    VX_OP_IN_CIDR,
};

struct vx_constraint {
    char *context_name;
    char *operator_name; /* as received */
    enum vx_op op;
    char **values; /* as received, numbers written as strings */
    size_t n_values;
    char *value; /* the single operand, or NULL */
    bool inverted;
    bool case_insensitive;

    /* Compiled once when the flag set is built. */
    char **clean; /* values without "" and surrounding spaces,
                     lower-cased for case-insensitive STR_ */
    size_t n_clean;
    bool num_ok; /* value is a number (NUM_) */
    double num;
    bool date_ok; /* value is a time (DATE_) */
    int64_t date_ms;
    bool semver_ok; /* value is a version (SEMVER_) */
    struct vx_semver semver;
    regex_t *regex;             /* REGEX, NULL when refused or invalid */
    struct vx_ip_range *ranges; /* IN_CIDR, one per clean value */
};

struct vx_override {
    char *context_name;
    char **values;
    size_t n_values;
};

struct vx_variant {
    char *name;
    double weight;       /* 0..1000 */
    char *weight_type;   /* "variable", "fix", or NULL */
    char *stickiness;    /* NULL when absent */
    char *payload_type;  /* NULL when there is no payload */
    char *payload_value; /* as a string; non-strings as JSON text */
    struct vx_override *overrides;
    size_t n_overrides;
};

struct vx_segment {
    int64_t id;
    char *name;
    struct vx_constraint *constraints;
    size_t n_constraints;
};

enum vx_strategy_kind {
    VX_STRATEGY_UNKNOWN, /* never on */
    VX_STRATEGY_DEFAULT,
    VX_STRATEGY_FLEXIBLE_ROLLOUT,
    VX_STRATEGY_USER_WITH_ID,
    VX_STRATEGY_REMOTE_ADDRESS,
    VX_STRATEGY_APPLICATION_HOSTNAME,
    VX_STRATEGY_GRADUAL_USER_ID,
    VX_STRATEGY_GRADUAL_SESSION_ID,
    VX_STRATEGY_GRADUAL_RANDOM,
};

struct vx_param {
    char *name;
    char *value;
};

struct vx_strategy {
    char *name;
    enum vx_strategy_kind kind;
    struct vx_param *params;
    size_t n_params;
    struct vx_constraint *constraints;
    size_t n_constraints;
    int64_t *segment_ids;
    size_t n_segments;
    struct vx_variant *variants;
    size_t n_variants;

    /* Compiled once when the flag set is built. */
    const struct vx_segment **segments; /* NULL for an unknown id */
    const char *group_id;               /* parameter groupId or NULL */
    const char *stickiness;             /* parameter stickiness or NULL */
    bool percent_ok;                    /* rollout / percentage is a number */
    double percent;
    char **list; /* userIds, IPs or hostNames, split */
    size_t n_list;
    struct vx_ip_range *ranges; /* remoteAddress: IPv4 parse of list */
};

struct vx_dependency {
    char *feature;
    bool enabled; /* false: the parent must be off */
    char **variants;
    size_t n_variants;
    const struct vx_feature *parent; /* NULL when not in the flag set */
};

struct vx_feature {
    char *name;
    char *type;    /* NULL when absent */
    char *project; /* NULL when absent */
    bool enabled;
    bool stale;
    bool impression_data;
    struct vx_strategy *strategies;
    size_t n_strategies;
    struct vx_variant *variants;
    size_t n_variants;
    struct vx_dependency *dependencies;
    size_t n_dependencies;
};

struct vx_flagset {
    struct vx_feature *features; /* in the order received */
    size_t n_features;
    struct vx_segment *segments;
    size_t n_segments;

    /* Indexes for the lookups below. */
    const struct vx_feature **by_name;
    const struct vx_segment **by_id;
};

/*
 * Build a flag set from the client API JSON in root (borrowed, not
 * changed). On success *out is a new flag set that the caller frees with
 * vx_flagset_free(). On a malformed document returns VX_EINVAL with the
 * place in err->path ("/features/3/strategies"), and *out is NULL.
 * Unknown strategy names and operators are not errors: they are kept
 * and never match, as in the SDKs.
 */
int vx_flagset_from_json(json_t *root, struct vx_flagset **out,
                         struct vx_err *err);

/* Free fs and everything in it; NULL is ignored. */
void vx_flagset_free(struct vx_flagset *fs);

/*
 * The feature called name, or NULL. When the document named a feature
 * twice, the later one is found, as in the SDKs. The pointer is valid as
 * long as fs.
 */
const struct vx_feature *vx_flagset_feature(const struct vx_flagset *fs,
                                            const char *name);

/* The segment with this id, or NULL; valid as long as fs. */
const struct vx_segment *vx_flagset_segment(const struct vx_flagset *fs,
                                            int64_t id);

/* The value of the strategy parameter name, or NULL. */
const char *vx_strategy_param(const struct vx_strategy *s, const char *name);

/*
 * A JSON scalar as JavaScript's String() writes it: strings as they are,
 * numbers as "1" or "0.5", true and false. Returns a new string the
 * caller frees, or NULL for null, objects and arrays.
 */
char *vx_json_scalar_str(json_t *v);

#endif
