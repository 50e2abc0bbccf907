/*
 * Fuzz target: times from the input parsed by vx_time_parse. A time it
 * accepts within years 0000-9999, written back by vx_time_iso, must parse
 * to the same instant.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "util.h"

/* Milliseconds from the epoch to 0000-01-01 and to 10000-01-01. */
#define YEAR_0_MS (-62167219200000LL)
#define YEAR_10000_MS 253402300800000LL

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1), iso[64];
    int64_t ms = 0, back = 0;

    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    if (vx_time_parse(s, &ms) == 0 && ms >= YEAR_0_MS && ms < YEAR_10000_MS) {
        vx_time_iso(ms, iso, sizeof(iso));
        if (vx_time_parse(iso, &back) != 0 || back != ms)
            abort();
    }
    free(s);
    return 0;
}
