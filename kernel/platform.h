/* mote: the platform contract.
 *
 * Everything a platform (platform/<name>/) supplies, and nothing more. A
 * porter reads this file, implements each numbered section, and passes the
 * checklist in docs/porting.md. Portable code calls only these functions;
 * the platform calls back into the kernel only through kmain(), kcomplete()
 * and the registration functions of kernel/kservice.h and kernel/kmem.h.
 */
#ifndef MOTE_PLATFORM_H
#define MOTE_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* 1. Boot. Early boot sets up a stack, zeroes BSS, enables the FPU where
 * the compiler may use it, and calls kmain() with the kernel command line
 * ("key=value key=value", possibly empty, never NULL). kmain never returns. */
_Noreturn void kmain(const char *cmdline);

/* 2. Debug output: write (n) bytes to the console, synchronously. Any
 * context, including panic with interrupts off. */
void platform_console_write(const char *s, size_t n);

/* 3. Monotonic clock in nanoseconds since boot. Any context. */
uint64_t platform_now_ns(void);

/* 4. Wait. Halt until an interrupt (or any event platform_poll would find)
 * or until platform_now_ns() >= (deadline_ns); UINT64_MAX means no deadline.
 * Must not sleep through an event that arrived after the last
 * platform_poll() (arm the wake-up, re-check, then halt atomically, e.g.
 * `sti; hlt` or wfi with interrupts masked). May return early. */
void platform_wait(uint64_t deadline_ns);

/* 5. Interrupts. Bare-metal handlers only acknowledge the device and record
 * what happened; drivers consume the record from tick with interrupts off
 * around the hand-over. Returns the previous state for restore. */
unsigned long platform_irq_save(void);
void platform_irq_restore(unsigned long flags);

/* 6. Memory. During platform_init the platform hands every free RAM range
 * to kmem_add() (kernel/kmem.h). Device-visible addresses: the physical
 * (bus) address of kernel memory at (p). All current platforms map memory
 * 1:1, but drivers must still go through this. */
uint64_t platform_dma_addr(const void *p);

/* 7. Devices. Discover devices and register a service (kernel/kservice.h)
 * for each request class the platform can serve: RNG, block, frames, and,
 * where the platform chooses to, UDP. Called once from kmain before the
 * application starts, with the loop's data structures ready. */
void platform_init(void);

/* 8. Completions. Called from tick: move whatever interrupts recorded into
 * kcomplete() calls. Never call kcomplete() from an interrupt handler. */
void platform_poll(void);

/* 9. Exit and panic. platform_exit ends the system: hosted exits the
 * process with (code); a VM powers off (QEMU exit device, PSCI, SBI...).
 * platform_panic_dump prints what the platform knows about the failing
 * context (registers of the trap frame if any); it may print nothing. */
_Noreturn void platform_exit(int code);
void platform_panic_dump(void);

/* 10. Wall clock (optional). Nanoseconds since the Unix epoch (UTC, leap
 * seconds not counted) now, read from the platform's real-time clock, or 0
 * if it has none or the one it has holds no valid time. The kernel calls
 * it once, from kmain after platform_init, and from then on advances that
 * reading by platform_now_ns() (kernel/kwall.c), so a clock with whole
 * seconds is good enough. It may take a few milliseconds (an RTC update
 * cycle to wait out). A platform without a wall clock need not define it:
 * the kernel's weak default returns 0. */
uint64_t platform_wallclock_ns(void);

#endif
