/* The fake platform's randomness for the stack fuzzers (net, tcp, wg):
 * a splitmix64 stream that each input restarts, so a crash replays from
 * its input alone. */
#ifndef TESTS_FUZZ_RAND_H
#define TESTS_FUZZ_RAND_H

#include <stdint.h>

uint64_t test_rand(void);
uint64_t test_seed(void);

/* Restart the stream (at the top of each LLVMFuzzerTestOneInput). */
void fuzz_rand_reset(void);

#endif
