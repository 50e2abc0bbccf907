/*
 * Normalising variant weights when variants are saved, as Unleash does:
 * variants of weightType "fix" keep their weight, and what is left of
 * 1000 is split evenly over the "variable" ones, the units that do not
 * divide going to the first of them. Evaluation then only sums weights.
 */
#ifndef VX_VARIANTS_H
#define VX_VARIANTS_H

#include <jansson.h>

#include "vx_err.h"

/* The total of all variant weights after normalising. */
#define VX_VARIANT_TOTAL_WEIGHT 1000

/*
 * Normalise the JSON array of variant objects in place (borrowed; its
 * members are changed). A missing weightType becomes "variable". An empty
 * array is left as it is: a flag may have no variants. Returns VX_EINVAL,
 * with a message and the place in err, when a variant is not an object
 * with a name, a fix weight is not an integer 0..1000, the fix weights
 * sum to more than 1000, or no variant is variable; the array may then
 * be partly changed.
 */
int vx_variants_normalise(json_t *variants, struct vx_err *err);

#endif
