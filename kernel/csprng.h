/* mote: the CSPRNG's kernel-side controls (the public half is krng.h).
 *
 * Design: a ChaCha20 key is the whole state. Output comes from a buffer of
 * keystream blocks; every refill spends the first 32 bytes of fresh
 * keystream on the next key ("fast key erasure"), and every byte handed out
 * is wiped from the buffer, so a later memory disclosure reveals nothing
 * about earlier output. Seeds from the platform RNG are mixed in by keying
 * ChaCha20 with (old key XOR seed); a reseed is requested at start-up and
 * then every KCSPRNG_RESEED_NS.
 */
#ifndef MOTE_CSPRNG_H
#define MOTE_CSPRNG_H

#include <stddef.h>
#include <stdint.h>

#define KCSPRNG_RESEED_NS (300ull * 1000000000ull)

/* Ask the platform RNG for the first seed, and arm periodic reseeding. */
void kcsprng_start(void);

/* Mix (len) bytes of (seed) into the state; marks the generator ready. */
void kcsprng_mix(const void *seed, size_t len);

/* No RNG device: seed from clock jitter, loudly. Better than refusing to
 * run, never as good as a device: the log says so. */
void kcsprng_seed_fallback(void);

/* Forget all state (unit tests only). */
void kcsprng_reset_for_test(void);

/* Seeds mixed in so far (tests, diagnostics). */
uint32_t kcsprng_reseeds(void);

#endif
