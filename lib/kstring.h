/* mote: the C string and memory functions portable code may use.
 *
 * Freestanding C11 has no <string.h>, but clang emits calls to memcpy and
 * memset anyway, so every platform links them: lib/mem.c on bare metal, the
 * C library hosted. The prototypes match the C library's exactly, which is
 * what lets the hosted build use either.
 */
#ifndef MOTE_KSTRING_H
#define MOTE_KSTRING_H

#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

#endif
