/* mote x64: the IDT, exception reports and interrupt dispatch.
 *
 * The kernel runs with interrupts disabled except inside platform_wait's
 * `sti; hlt`, so a handler never interrupts tick code: it acknowledges,
 * records (virtio_irq) and returns. A CPU exception is always fatal: it
 * keeps the frame for platform_panic_dump and calls kpanic. */
#include <stddef.h>
#include "kernel/platform.h"
#include "mote/printk.h"
#include "x64.h"

typedef struct idt_entry {
    uint16_t off_lo, sel;
    uint8_t ist, type;
    uint16_t off_mid;
    uint32_t off_hi, zero;
} idt_entry_t;

extern const char x64_stubs[], x64_stub_spurious[];
static idt_entry_t idt[256] __attribute__((aligned(16)));
static const x64_frame_t *fault_frame;

static void idt_set(unsigned v, const void *fn)
{
    uintptr_t a = (uintptr_t)fn;
    idt[v] = (idt_entry_t){ .off_lo = (uint16_t)a, .sel = 0x08, .type = 0x8e,
                            .off_mid = (uint16_t)(a >> 16),
                            .off_hi = (uint32_t)(a >> 32) };
}

void x64_idt_init(void)
{
    for (unsigned v = 0; v < X86_VEC_LINE0 + X86_NLINES; v++)
        idt_set(v, x64_stubs + 16 * v);
    idt_set(X86_VEC_SPURIOUS, x64_stub_spurious);
    struct __attribute__((packed)) { uint16_t lim; uint64_t base; } p = {
        sizeof idt - 1, (uint64_t)(uintptr_t)idt
    };
    __asm__ volatile("lidt %0" ::"m"(p));
}

static void fault(x64_frame_t *f)
{
    uint64_t cr2;
    __asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
    fault_frame = f;
    const char *name = x86_exception_name((unsigned)f->vector);
    kpanic("CPU exception %lu (%s) error=%#lx rip=%#lx cr2=%#lx",
           (unsigned long)f->vector, name, (unsigned long)f->error,
           (unsigned long)f->rip, (unsigned long)cr2);
}

void x64_trap(x64_frame_t *f)
{
    uint64_t v = f->vector;
    if (v < 32)
        fault(f);
    x86_interrupt((unsigned)v);
}

void platform_panic_dump(void)
{
    const x64_frame_t *f = fault_frame;
    if (!f)
        return;
    printk(KLOG_ERR, "rax=%016lx rbx=%016lx rcx=%016lx rdx=%016lx",
           f->rax, f->rbx, f->rcx, f->rdx);
    printk(KLOG_ERR, "rsi=%016lx rdi=%016lx rbp=%016lx rsp=%016lx",
           f->rsi, f->rdi, f->rbp, f->rsp);
    printk(KLOG_ERR, "r8 =%016lx r9 =%016lx r10=%016lx r11=%016lx",
           f->r8, f->r9, f->r10, f->r11);
    printk(KLOG_ERR, "r12=%016lx r13=%016lx r14=%016lx r15=%016lx",
           f->r12, f->r13, f->r14, f->r15);
    printk(KLOG_ERR, "rip=%016lx cs=%04lx rflags=%08lx ss=%04lx",
           f->rip, f->cs, f->rflags, f->ss);
}
