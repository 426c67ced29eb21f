/* X25519 over GF(2^255 - 19), RFC 7748 (see x25519.h). The field
 * arithmetic comes from x25519_fe64.h where the compiler has 128-bit
 * products (64-bit targets) and from x25519_fe32.h elsewhere (or with
 * X25519_FIELD32 defined: the unit tests check both on the host). Both
 * define the same static fe_* functions; the ladder below is shared. */
#include "crypto/x25519.h"
#include "crypto/ct.h"
#include "lib/kstring.h"

#if defined(__SIZEOF_INT128__) && !defined(X25519_FIELD32)
#include "crypto/x25519_fe64.h"
#else
#include "crypto/x25519_fe32.h"
#endif

/* z^(p-2) = z^-1: the usual 254 squarings and 11 multiplications. */
static void fe_invert(fe out, const fe z)
{
    fe t0, t1, t2, t3;
    fe_sq(t0, z);                                   /* 2 */
    fe_sq(t1, t0); fe_sq(t1, t1);                   /* 8 */
    fe_mul(t1, z, t1);                              /* 9 */
    fe_mul(t0, t0, t1);                             /* 11 */
    fe_sq(t2, t0);                                  /* 22 */
    fe_mul(t1, t1, t2);                             /* 2^5 - 1 */
    fe_sq(t2, t1);
    for (int i = 1; i < 5; i++) fe_sq(t2, t2);
    fe_mul(t1, t2, t1);                             /* 2^10 - 1 */
    fe_sq(t2, t1);
    for (int i = 1; i < 10; i++) fe_sq(t2, t2);
    fe_mul(t2, t2, t1);                             /* 2^20 - 1 */
    fe_sq(t3, t2);
    for (int i = 1; i < 20; i++) fe_sq(t3, t3);
    fe_mul(t2, t3, t2);                             /* 2^40 - 1 */
    for (int i = 0; i < 10; i++) fe_sq(t2, t2);
    fe_mul(t1, t2, t1);                             /* 2^50 - 1 */
    fe_sq(t2, t1);
    for (int i = 1; i < 50; i++) fe_sq(t2, t2);
    fe_mul(t2, t2, t1);                             /* 2^100 - 1 */
    fe_sq(t3, t2);
    for (int i = 1; i < 100; i++) fe_sq(t3, t3);
    fe_mul(t2, t3, t2);                             /* 2^200 - 1 */
    for (int i = 0; i < 50; i++) fe_sq(t2, t2);
    fe_mul(t1, t2, t1);                             /* 2^250 - 1 */
    for (int i = 0; i < 5; i++) fe_sq(t1, t1);      /* 2^255 - 32 */
    fe_mul(out, t1, t0);                            /* 2^255 - 21 */
    crypto_wipe(t0, sizeof t0);
    crypto_wipe(t1, sizeof t1);
    crypto_wipe(t2, sizeof t2);
    crypto_wipe(t3, sizeof t3);
}

void x25519_clamp(uint8_t k[X25519_LEN])
{
    k[0] &= 248;
    k[31] &= 127;
    k[31] |= 64;
}

typedef struct ladder {
    fe x1, x2, z2, x3, z3, a, aa, b, bb, e, c, d, da, cb;
    uint8_t k[32];
} ladder_t;

/* RFC 7748 section 5's ladder, step for step. */
static void ladder_step(ladder_t *l)
{
    fe_add(l->a, l->x2, l->z2);
    fe_sq(l->aa, l->a);
    fe_sub(l->b, l->x2, l->z2);
    fe_sq(l->bb, l->b);
    fe_sub(l->e, l->aa, l->bb);
    fe_add(l->c, l->x3, l->z3);
    fe_sub(l->d, l->x3, l->z3);
    fe_mul(l->da, l->d, l->a);
    fe_mul(l->cb, l->c, l->b);
    fe_add(l->x3, l->da, l->cb);
    fe_sq(l->x3, l->x3);
    fe_sub(l->z3, l->da, l->cb);
    fe_sq(l->z3, l->z3);
    fe_mul(l->z3, l->x1, l->z3);
    fe_mul(l->x2, l->aa, l->bb);
    fe_mul_small(l->z2, l->e, 121665);
    fe_add(l->z2, l->aa, l->z2);
    fe_mul(l->z2, l->e, l->z2);
}

int x25519(uint8_t out[X25519_LEN], const uint8_t scalar[X25519_LEN],
           const uint8_t point[X25519_LEN])
{
    ladder_t l;
    memcpy(l.k, scalar, 32);
    x25519_clamp(l.k);
    fe_frombytes(l.x1, point);
    fe_set(l.x2, 1);
    fe_set(l.z2, 0);
    fe_copy(l.x3, l.x1);
    fe_set(l.z3, 1);
    uint32_t swap = 0;
    for (int t = 254; t >= 0; t--) {
        uint32_t kt = (uint32_t)(l.k[t >> 3] >> (t & 7)) & 1;
        swap ^= kt;
        fe_cswap(l.x2, l.x3, swap);
        fe_cswap(l.z2, l.z3, swap);
        swap = kt;
        ladder_step(&l);
    }
    fe_cswap(l.x2, l.x3, swap);
    fe_cswap(l.z2, l.z3, swap);
    fe_invert(l.z2, l.z2);
    fe_mul(l.x2, l.x2, l.z2);
    fe_tobytes(out, l.x2);
    crypto_wipe(&l, sizeof l);
    return crypto_ct_is_zero(out, 32) ? -1 : 0;
}

void x25519_base(uint8_t out[X25519_LEN], const uint8_t scalar[X25519_LEN])
{
    static const uint8_t nine[32] = {9};
    x25519(out, scalar, nine);
}
