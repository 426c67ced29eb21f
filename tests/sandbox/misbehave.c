/* Instances that go wrong, one way each, chosen by the name of the handle
 * they were granted: "spin" loops forever (fuel), "trap" hits unreachable
 * after a timer, "oob" reads outside its memory, "badprint" hands the
 * console a bad pointer, "grow" exhausts its memory limit. */
#include "mote.h"
#include <stdlib.h>
#include <string.h>

static int32_t clk;

void mote_start(void)
{
    clk = mote_handle("clk");
    if (mote_handle("spin") > 0) {
        volatile unsigned n = 0;
        for (;;)
            n++;
    }
    if (mote_handle("oob") > 0) {
        volatile char *p = (char *)0x7ffffff0;
        mote_print(p[0] ? "oob: read something" : "oob: read zero");
    }
    if (mote_handle("badprint") > 0)
        mote_print_n((const char *)0x7ffffff0, 100);
    if (mote_handle("grow") > 0) {
        static char *volatile sink[64];
        for (int i = 0; i < 64; i++) {
            sink[i] = malloc(64 << 10);
            if (!sink[i]) {
                mote_print("grow: malloc failed cleanly at the memory limit");
                __builtin_trap();
            }
            memset(sink[i], 1, 64 << 10);
        }
    }
    mote_timer(1, clk, 5000000);
}

void mote_complete(int64_t token, int32_t result, int32_t value)
{
    (void)token, (void)result, (void)value;
    if (mote_handle("trap") > 0)
        __builtin_trap(); /* the unreachable instruction */
}
