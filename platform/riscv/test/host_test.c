/* mote riscv: host tests of the platform's pure code (mk/riscv.mk):
 * the tick/nanosecond conversions (timebase.c) against a 128-bit
 * reference, the ISA-string reader (isa.c), and the 16550 driver
 * (platform/shared/uart16550.c) on a fake register backend. Ends with
 * "N passed, N failed". */
#include <stdio.h>
#include <string.h>
#include "platform/riscv/riscv.h"
#include "platform/riscv/timebase.h"
#include "platform/shared/uart16550.h"

__extension__ typedef unsigned __int128 u128;

static int passed, failed;

static void check(const char *name, int ok, const char *why)
{
    if (ok) {
        passed++;
        printf("PASS %s\n", name);
    } else {
        failed++;
        printf("FAIL %s: %s\n", name, why);
    }
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void) /* xorshift64* */
{
    rng_state ^= rng_state >> 12, rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static const uint64_t freqs[] = {10000000, 1000000, 32768, 1000000000, 24000000,
                                 1, 3, 999999937, 62500000, 19200000};

/* timebase_ns is exactly floor(d * 1e9 / freq), for d up to 2^58 ticks
 * (centuries at 1 GHz). */
static void test_ns_exact(void)
{
    char why[160] = "";
    for (size_t i = 0; i < sizeof freqs / sizeof freqs[0]; i++) {
        timebase_t tb;
        timebase_init(&tb, freqs[i], rnd());
        for (int k = 0; k < 100000 && !*why; k++) {
            uint64_t d = rnd() >> (6 + rnd() % 58);
            uint64_t want = (uint64_t)((u128)d * 1000000000u / freqs[i]);
            uint64_t got = timebase_ns(&tb, tb.boot + d);
            if (got != want)
                snprintf(why, sizeof why, "%llu Hz, d=%llu: %llu != %llu",
                         (unsigned long long)freqs[i], (unsigned long long)d,
                         (unsigned long long)got, (unsigned long long)want);
        }
    }
    check("timebase_ns is floor(d * 1e9 / freq)", !*why, why);
}

/* The wake-up contract: timebase_ticks(ns) is the first counter value at
 * which the clock reads >= ns: not one tick early (an early wake-up) nor
 * late. Uptimes up to ten years. */
static void test_ticks_roundtrip(void)
{
    char why[160] = "";
    for (size_t i = 0; i < sizeof freqs / sizeof freqs[0]; i++) {
        timebase_t tb;
        timebase_init(&tb, freqs[i], rnd() >> 8);
        for (int k = 0; k < 100000 && !*why; k++) {
            uint64_t ns = rnd() % (3650ull * 86400 * 1000000000u);
            if (k & 1)
                ns = timebase_ns(&tb, tb.boot + (rnd() >> 20)); /* on a tick */
            uint64_t t = timebase_ticks(&tb, ns);
            if (timebase_ns(&tb, t) < ns || (t > tb.boot && timebase_ns(&tb, t - 1) >= ns))
                snprintf(why, sizeof why, "%llu Hz, ns=%llu: tick %llu reads %llu",
                         (unsigned long long)freqs[i], (unsigned long long)ns,
                         (unsigned long long)(t - tb.boot),
                         (unsigned long long)timebase_ns(&tb, t));
        }
    }
    check("timebase_ticks is the first tick reaching the deadline", !*why, why);
}

static void test_ticks_far(void)
{
    timebase_t tb;
    timebase_init(&tb, 10000000, UINT64_MAX - 1000);
    int ok = timebase_ticks(&tb, UINT64_MAX) == UINT64_MAX &&
             timebase_ticks(&tb, UINT64_MAX - 1) == UINT64_MAX &&
             timebase_ticks(&tb, 1000000) == UINT64_MAX; /* past the counter's end */
    timebase_init(&tb, 1000000000, 0);
    ok = ok && timebase_ticks(&tb, UINT64_MAX) == UINT64_MAX;
    check("timebase_ticks saturates instead of wrapping", ok, "wrapped");
}

static void test_isa(void)
{
    const char *isa = "rv64imafdch_zicsr_zifencei_zihintpause_zba_sstc";
    int ok = riscv_isa_has(isa, "sstc") && riscv_isa_has(isa, "zicsr") &&
             riscv_isa_has(isa, "zba") && !riscv_isa_has(isa, "zb") &&
             !riscv_isa_has(isa, "sst") && !riscv_isa_has(isa, "rv64imafdch") &&
             !riscv_isa_has("rv64imafdc", "sstc") && !riscv_isa_has(NULL, "sstc") &&
             !riscv_isa_has("rv32i_sstcx", "sstc") && riscv_isa_has("rv32i_sstc_", "sstc");
    check("riscv_isa_has finds whole multi-letter extensions only", ok, "mismatch");
}

/* --- a fake 16550 behind the register seam --- */
static uint8_t regs[8], dlab_lo, dlab_hi;
static char tx[64];
static size_t ntx;
static int busy_polls; /* LSR reads that report "not empty" */
static int present = 1;

uint8_t uart16550_in(unsigned reg)
{
    if (!present)
        return 0xff;
    if (reg == 5)
        return busy_polls > 0 ? (busy_polls--, 0x00) : 0x60;
    return regs[reg & 7];
}

void uart16550_out(unsigned reg, uint8_t v)
{
    if (reg == 0 && (regs[3] & 0x80))
        dlab_lo = v;
    else if (reg == 1 && (regs[3] & 0x80))
        dlab_hi = v;
    else if (reg == 0 && ntx < sizeof tx)
        tx[ntx++] = (char)v;
    else
        regs[reg & 7] = v;
}

static void test_uart(void)
{
    uart16550_init(3686400); /* QEMU virt's clock-frequency: divisor 2 */
    check("uart16550_init sets 115200 8N1, FIFOs, no interrupts",
          dlab_lo == 2 && dlab_hi == 0 && regs[3] == 0x03 && regs[2] == 0x07 &&
              regs[1] == 0,
          "wrong register values");
    dlab_lo = 0x55;
    uart16550_init(0);
    check("uart16550_init(0) keeps the divisor", dlab_lo == 0x55, "divisor written");
    busy_polls = 1000;
    uart16550_write("a\nb", 3);
    check("uart16550_write: LF as CR LF, waits for THRE",
          ntx == 4 && !memcmp(tx, "a\r\nb", 4) && busy_polls == 0, "bad output");
    present = 0;
    uart16550_write("x", 1); /* must return: reads 0xff, THRE "set" */
    check("uart16550_write: no device does not hang", 1, "");
}

int main(void)
{
    test_ns_exact();
    test_ticks_roundtrip();
    test_ticks_far();
    test_isa();
    test_uart();
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
