/* mote: the wall clock from an FDT-listed RTC (fdt_rtc.h).
 *
 * Both kinds are a free-running counter of Unix time that QEMU starts at
 * the host's clock (-rtc base=utc, the default); we only read them.
 *   PL031 (ARM DDI 0224): RTCDR at 0x000 counts seconds. Like every
 *     PrimeCell it identifies itself in the last 32 bytes of its window:
 *     part number 0x031, cell id B105F00D; a window that says otherwise is
 *     not trusted.
 *   goldfish RTC (Android emulator, QEMU hw/rtc/goldfish_rtc.c): TIME_LOW
 *     at 0x00 and TIME_HIGH at 0x04 count nanoseconds; reading TIME_LOW
 *     latches TIME_HIGH, so low then high is one consistent value. */
#include "platform/shared/fdt_rtc.h"
#include "arch_io.h"
#include "mote/ktime.h"
#include "mote/printk.h"

#define PL031_DR           0x000
#define PL031_PERIPH_ID0   0xfe0 /* then ID1..3, CELL_ID0..3, 4 bytes apart */
#define GOLDFISH_TIME_LOW  0x00
#define GOLDFISH_TIME_HIGH 0x04

static uint64_t pl031_read(uintptr_t base)
{
    uint32_t periph = 0, cell = 0; /* one byte per 32-bit register */
    for (unsigned i = 0; i < 4; i++) {
        periph |= (mmio_read32(base + PL031_PERIPH_ID0 + 4 * i) & 0xff)
                  << (8 * i);
        cell |= (mmio_read32(base + PL031_PERIPH_ID0 + 16 + 4 * i) & 0xff)
                << (8 * i);
    }
    if ((periph & 0xfff) != 0x031 || cell != 0xb105f00du)
        return 0;
    return (uint64_t)mmio_read32(base + PL031_DR) * KTIME_S;
}

static uint64_t goldfish_read(uintptr_t base)
{
    uint32_t lo = mmio_read32(base + GOLDFISH_TIME_LOW);
    return (uint64_t)mmio_read32(base + GOLDFISH_TIME_HIGH) << 32 | lo;
}

static const struct {
    const char *compatible;
    uint64_t window; /* bytes the reader touches */
    uint64_t (*read)(uintptr_t base);
} kinds[] = {
    {"arm,pl031", 0x1000, pl031_read},
    {"google,goldfish-rtc", 8, goldfish_read},
};

uint64_t fdt_rtc_wallclock(const fdt_t *f, uint64_t limit)
{
    for (unsigned k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        int n = fdt_find_compatible(f, FDT_NONE, kinds[k].compatible);
        uint64_t base, size;
        if (n == FDT_NONE)
            continue;
        if (fdt_reg(f, n, 0, &base, &size) || size < kinds[k].window ||
            base >= limit || limit - base < kinds[k].window ||
            base > UINTPTR_MAX) {
            printk(KLOG_WARN, "rtc: %s with no usable window",
                   kinds[k].compatible);
            continue;
        }
        uint64_t ns = kinds[k].read((uintptr_t)base);
        if (!ns)
            printk(KLOG_WARN, "rtc: %s at %#llx reads no time",
                   kinds[k].compatible, (unsigned long long)base);
        return ns;
    }
    printk(KLOG_INFO, "rtc: none in the device tree");
    return 0;
}
