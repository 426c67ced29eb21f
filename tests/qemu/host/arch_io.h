/* arch_io.h for host-side tests of portable driver code (virtq_test.c):
 * the barriers become compiler fences, MMIO is never reached. */
#ifndef MOTE_HOST_ARCH_IO_H
#define MOTE_HOST_ARCH_IO_H

static inline void arch_mb(void) { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
static inline void arch_rmb(void) { __atomic_thread_fence(__ATOMIC_ACQUIRE); }
static inline void arch_wmb(void) { __atomic_thread_fence(__ATOMIC_RELEASE); }

#endif
