/* mote unit tests: a tiny framework.
 *
 *   TEST(name) { CHECK(x == 1); CHECK_EQ(a, b); }
 *
 * Each tests/unit/<file>.c becomes one binary (linked with the fake
 * platform) that runs its tests in order, prints PASS/FAIL per test and
 * ends with "N passed, N failed". Randomised tests draw from test_rand(),
 * seeded from MOTE_SEED or the clock; the seed is printed first, so any
 * failing run replays exactly with MOTE_SEED=<seed>.
 */
#ifndef MOTE_TEST_H
#define MOTE_TEST_H

#include <stdint.h>
#include <stdio.h>

typedef struct test_case {
    const char *name;
    void (*fn)(void);
} test_case_t;

#define TEST(name)                                                         \
    static void test_##name(void);                                         \
    static const test_case_t tcase_##name                                  \
        __attribute__((used, section("mote_tests"), aligned(sizeof(void *)))) = \
            {#name, test_##name};                                          \
    static void test_##name(void)

extern int test_failed; /* set by CHECK in the current test */

#define CHECK(cond)                                                        \
    do {                                                                   \
        if (!(cond)) {                                                     \
            printf("    %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__,    \
                   #cond);                                                 \
            test_failed = 1;                                               \
        }                                                                  \
    } while (0)

#define CHECK_EQ(a, b)                                                     \
    do {                                                                   \
        long long a_ = (long long)(a), b_ = (long long)(b);                \
        if (a_ != b_) {                                                    \
            printf("    %s:%d: %s == %s failed: %lld != %lld\n", __FILE__, \
                   __LINE__, #a, #b, a_, b_);                              \
            test_failed = 1;                                               \
        }                                                                  \
    } while (0)

/* Deterministic pseudo-random numbers from the run's seed. */
uint64_t test_rand(void);
uint64_t test_seed(void);

#endif
