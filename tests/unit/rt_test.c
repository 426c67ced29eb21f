/* lib/rt's 64-bit division against the host's native division. */
#include <stdint.h>

#include "tests/unit/test.h"

uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem);
int64_t __divdi3(int64_t n, int64_t d);
int64_t __moddi3(int64_t n, int64_t d);

static uint64_t pick(void)
{
    uint64_t v = test_rand();
    switch (test_rand() % 4) {
    case 0: return v >> (test_rand() % 64);
    case 1: return v & 0xffffffffu;
    case 2: return v | (1ull << 63);
    default: return v;
    }
}

TEST(unsigned_matches_native)
{
    for (int i = 0; i < 200000; i++) {
        uint64_t n = pick(), d = pick();
        if (!d)
            continue;
        uint64_t r, q = __udivmoddi4(n, d, &r);
        if (q != n / d || r != n % d) {
            printf("    %llu / %llu\n", (unsigned long long)n, (unsigned long long)d);
            CHECK(0);
            return;
        }
    }
}

TEST(signed_matches_native)
{
    for (int i = 0; i < 200000; i++) {
        int64_t n = (int64_t)pick(), d = (int64_t)pick();
        if (!d || (n == INT64_MIN && d == -1))
            continue;
        if (__divdi3(n, d) != n / d || __moddi3(n, d) != n % d) {
            printf("    %lld / %lld\n", (long long)n, (long long)d);
            CHECK(0);
            return;
        }
    }
}
