/* See fuzz_rand.h. */
#include "tests/fuzz/fuzz_rand.h"

static uint64_t state = 1;

uint64_t test_rand(void)
{
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint64_t test_seed(void)
{
    return 1;
}

void fuzz_rand_reset(void)
{
    state = 1;
}
