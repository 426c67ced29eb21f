/* Constant-time compare and secure wipe (see ct.h). */
#include "crypto/ct.h"

void crypto_wipe(void *p, size_t len)
{
    volatile uint8_t *v = p;
    for (size_t i = 0; i < len; i++)
        v[i] = 0;
    /* The barrier tells the compiler the zeros may be read afterwards. */
    __asm__ __volatile__("" : : "r"(p) : "memory");
}

int crypto_ct_eq(const void *a, const void *b, size_t len)
{
    const uint8_t *x = a, *y = b;
    uint32_t d = 0;
    for (size_t i = 0; i < len; i++)
        d |= (uint32_t)(x[i] ^ y[i]);
    /* d in 0..255: (d - 1) >> 8 is 1 only for d == 0, without a branch. */
    return (int)(((d - 1) >> 8) & 1);
}

int crypto_ct_is_zero(const void *p, size_t len)
{
    const uint8_t *x = p;
    uint32_t d = 0;
    for (size_t i = 0; i < len; i++)
        d |= x[i];
    return (int)(((d - 1) >> 8) & 1);
}
