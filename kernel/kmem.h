/* mote: boot-time memory.
 *
 * The kernel never allocates on a request path. Drivers (virtqueues, receive
 * buffers) and subsystems sized at start-up (Wasm instances) take memory once
 * with kmem_alloc and keep it. It is a bump allocator over the ranges the
 * platform reported: nothing is ever freed.
 */
#ifndef MOTE_KMEM_H
#define MOTE_KMEM_H

#include <stddef.h>
#include <stdint.h>

/* Add free RAM [base, base+size) (platform_init only). */
void kmem_add(uintptr_t base, size_t size);

/* (size) zeroed bytes aligned to (align) (a power of two), or NULL when no
 * range has room. */
void *kmem_alloc(size_t size, size_t align);

/* As kmem_alloc, but not zeroed: for a large arena whose users initialise
 * what they take (the Wasm sandbox's). On hosted the platform's RAM is then
 * committed only as the arena is used. */
void *kmem_alloc_raw(size_t size, size_t align);

/* Forget every range (unit tests only, between test cases). */
void kmem_reset(void);

/* Bytes still free, summed over all ranges. */
size_t kmem_free_bytes(void);
/* The largest single allocation that could succeed now (align 64). */
size_t kmem_largest_free(void);

#endif
