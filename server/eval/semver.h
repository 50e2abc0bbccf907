/*
 * Semantic versions (semver.org 2.0.0) as the SEMVER_* constraint
 * operators need them: strict parsing, as the npm `semver` package does
 * it, and precedence comparison with pre-release identifiers.
 */
#ifndef VX_SEMVER_H
#define VX_SEMVER_H

#include <stdbool.h>
#include <stdint.h>

struct vx_semver {
    uint64_t major, minor, patch;
    char *pre; /* "rc.1" without the '-', or NULL; owned */
};

/*
 * Parse s into v. Surrounding white space is ignored; a leading 'v' is
 * accepted only when allow_v is true. Numbers have no leading zeros and
 * stay below 2^53, build metadata ("+sha.1") is checked and dropped.
 * Returns false, leaving v zeroed, if s is not a version. Release the
 * parsed value with vx_semver_release().
 */
bool vx_semver_parse(const char *s, bool allow_v, struct vx_semver *v);

/* Free what v holds and zero it. */
void vx_semver_release(struct vx_semver *v);

/* Precedence: negative, 0 or positive as a <, = or > b. */
int vx_semver_cmp(const struct vx_semver *a, const struct vx_semver *b);

#endif
