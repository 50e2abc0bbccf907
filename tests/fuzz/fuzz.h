/*
 * What every libFuzzer target here defines: one run on one input.
 */
#ifndef VX_FUZZ_H
#define VX_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* Run the code under test on data; always returns 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
