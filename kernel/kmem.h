/* mote: boot-time memory.
 *
 * The platform reports free RAM here (kmem_add, during platform_init).
 * Drivers (virtqueues, receive buffers) take what they keep for the
 * kernel's whole life with kmem_alloc at probe time: until the allocator
 * (include/mote/kalloc.h) starts, that is a bump allocator over the ranges.
 * On the first kmalloc the allocator takes over whatever is left
 * (kmem_handover); kmem_alloc is then served by it, still zeroed and never
 * freed. Memory with a shorter life uses kmalloc/kfree.
 */
#ifndef MOTE_KMEM_H
#define MOTE_KMEM_H

#include <stddef.h>
#include <stdint.h>

/* Add free RAM [base, base+size) (platform_init only). */
void kmem_add(uintptr_t base, size_t size);

/* (size) zeroed bytes aligned to (align) (a power of two), or NULL when no
 * memory is left. */
void *kmem_alloc(size_t size, size_t align);

/* Forget every range and the hand-over (unit tests only, between test
 * cases, with kalloc_global_reset). */
void kmem_reset(void);

/* Bytes still free, summed over all ranges (0 after the hand-over). */
size_t kmem_free_bytes(void);

/* The allocator's take-over: (claim) receives every unused range, and
 * from then on kmem_alloc calls (alloc). */
void kmem_handover(void (*claim)(uintptr_t base, size_t size),
                   void *(*alloc)(size_t size, size_t align));

#endif
