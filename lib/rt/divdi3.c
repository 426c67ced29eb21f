/* 64-bit division for 32-bit targets (rv32, arm32, x32), which clang lowers
 * to calls to these libgcc/compiler-rt names. Our own small version: the
 * kernel divides 64-bit values only off the hot path (time formatting,
 * calibration), so plain shift-and-subtract is enough. Linked only by the
 * 32-bit platforms (LIB_RT_SRCS). */
#include <stdint.h>

uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem);
uint64_t __udivdi3(uint64_t n, uint64_t d);
uint64_t __umoddi3(uint64_t n, uint64_t d);
int64_t __divdi3(int64_t n, int64_t d);
int64_t __moddi3(int64_t n, int64_t d);

uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem)
{
    if (d == 0) /* as hardware would fault; never reached by our code */
        __builtin_trap();
    uint64_t q = 0, r = 0;
    if (n < d) {
        r = n;
    } else if ((d >> 32) == 0 && (n >> 32) == 0) {
        q = (uint32_t)n / (uint32_t)d; /* one native 32-bit division */
        r = (uint32_t)n % (uint32_t)d;
    } else {
        int shift = __builtin_clzll(d) - __builtin_clzll(n);
        d <<= shift;
        r = n;
        for (int i = 0; i <= shift; i++) {
            q <<= 1;
            if (r >= d) {
                r -= d;
                q |= 1;
            }
            d >>= 1;
        }
    }
    if (rem)
        *rem = r;
    return q;
}

uint64_t __udivdi3(uint64_t n, uint64_t d)
{
    return __udivmoddi4(n, d, 0);
}

uint64_t __umoddi3(uint64_t n, uint64_t d)
{
    uint64_t r;
    __udivmoddi4(n, d, &r);
    return r;
}

static uint64_t mag(int64_t v)
{
    return v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
}

int64_t __divdi3(int64_t n, int64_t d)
{
    uint64_t q = __udivmoddi4(mag(n), mag(d), 0);
    return (n < 0) != (d < 0) ? (int64_t)(0 - q) : (int64_t)q;
}

int64_t __moddi3(int64_t n, int64_t d)
{
    uint64_t r;
    __udivmoddi4(mag(n), mag(d), &r);
    return n < 0 ? (int64_t)(0 - r) : (int64_t)r;
}
