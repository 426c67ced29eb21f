/*
 * The four libc functions the runtime uses. The kernel's lib/ provides
 * them freestanding; the host libc provides them in tests. Declared here
 * so wasm/ includes only freestanding headers.
 */
#ifndef WASM_LIBC_H
#define WASM_LIBC_H

#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

/*
 * The interpreter reads and writes guest memory with fixed-size memcpy
 * (4 bytes for i32.load, ...): the portable way to do an unaligned access.
 * The kernel builds with -ffreestanding, which implies -fno-builtin, so
 * each of those would be a real call to memcpy (the C library's on hosted,
 * lib/mem.c's byte loop on bare metal): that made the in-kernel sandbox
 * 1.4x slower than the same runtime built hosted. The builtins let the
 * compiler inline constant sizes as plain moves and still call the
 * functions above for variable sizes (memory.copy and friends).
 * tests/wasm/inline_check.sh guards this.
 */
#define memcpy(d, s, n) __builtin_memcpy(d, s, n)
#define memmove(d, s, n) __builtin_memmove(d, s, n)
#define memset(d, c, n) __builtin_memset(d, c, n)

#endif
