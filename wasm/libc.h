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

#endif
