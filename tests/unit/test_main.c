/* Runs every TEST in the binary; see test.h. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tests/unit/fake_platform.h"
#include "tests/unit/test.h"

int test_failed;
static uint64_t seed, state;

extern const test_case_t __start_mote_tests[], __stop_mote_tests[];

uint64_t test_seed(void)
{
    return seed;
}

uint64_t test_rand(void) /* splitmix64 */
{
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

int main(int argc, char **argv)
{
    const char *env = getenv("MOTE_SEED");
    seed = env ? strtoull(env, NULL, 0) : (uint64_t)time(NULL);
    const char *prog = argc ? argv[0] : "unit";
    printf("%s: seed %llu (replay with MOTE_SEED=%llu)\n", prog,
           (unsigned long long)seed, (unsigned long long)seed);
    int ok = 0, bad = 0;
    for (const test_case_t *t = __start_mote_tests; t < __stop_mote_tests; t++) {
        if (argc > 1 && strcmp(argv[1], t->name) != 0)
            continue;
        state = seed;
        test_failed = 0;
        fake_boot(NULL);
        t->fn();
        if (test_failed) {
            printf("FAIL %s (MOTE_SEED=%llu)\n", t->name, (unsigned long long)seed);
            bad++;
        } else {
            printf("PASS %s\n", t->name);
            ok++;
        }
    }
    printf("%d passed, %d failed\n", ok, bad);
    return bad ? 1 : 0;
}
