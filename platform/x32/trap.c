/* mote x32: the IDT and exception reports; other vectors go to the shared
 * x86 dispatch. */
#include "kernel/platform.h"
#include "mote/printk.h"
#include "x32.h"
#include "x86.h"

typedef struct idt_entry {
    uint16_t off_lo, sel;
    uint8_t zero, type;
    uint16_t off_hi;
} idt_entry_t;

extern const char x32_stubs[], x32_stub_spurious[];
static idt_entry_t idt[256] __attribute__((aligned(8)));
static const x32_frame_t *fault_frame;

static void idt_set(unsigned v, const void *fn)
{
    uintptr_t a = (uintptr_t)fn;
    idt[v] = (idt_entry_t){.off_lo = (uint16_t)a, .sel = 0x08, .type = 0x8e,
                           .off_hi = (uint16_t)(a >> 16)};
}

void x32_idt_init(void)
{
    for (unsigned v = 0; v < X86_VEC_LINE0 + X86_NLINES; v++)
        idt_set(v, x32_stubs + 16 * v);
    idt_set(X86_VEC_SPURIOUS, x32_stub_spurious);
    struct __attribute__((packed)) {
        uint16_t lim;
        uint32_t base;
    } p = {sizeof idt - 1, (uint32_t)(uintptr_t)idt};
    __asm__ volatile("lidt %0" ::"m"(p));
}

void x32_trap(x32_frame_t *f)
{
    if (f->vector >= 32) {
        x86_interrupt(f->vector);
        return;
    }
    uint32_t cr2;
    __asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
    fault_frame = f;
    kpanic("CPU exception %u (%s) error=%#x eip=%#x cr2=%#x", (unsigned)f->vector,
           x86_exception_name(f->vector), (unsigned)f->error, (unsigned)f->eip,
           (unsigned)cr2);
}

void platform_panic_dump(void)
{
    const x32_frame_t *f = fault_frame;
    if (!f)
        return;
    printk(KLOG_ERR, "eax=%08x ebx=%08x ecx=%08x edx=%08x", (unsigned)f->eax,
           (unsigned)f->ebx, (unsigned)f->ecx, (unsigned)f->edx);
    printk(KLOG_ERR, "esi=%08x edi=%08x ebp=%08x esp=%08x", (unsigned)f->esi,
           (unsigned)f->edi, (unsigned)f->ebp, (unsigned)(f->esp_at_pusha + 20));
    printk(KLOG_ERR, "eip=%08x cs=%04x eflags=%08x", (unsigned)f->eip,
           (unsigned)f->cs, (unsigned)f->eflags);
}
