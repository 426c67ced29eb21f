/* The boot trace (kernel/kboot.c): one line, when the last phase ends. */
#include <string.h>

#include "kernel/kboot.h"
#include "tests/unit/fake_platform.h"
#include "tests/unit/test.h"

TEST(off_by_default)
{
    kboot_mark("platform");
    kboot_mark("app");
    kboot_done();
    CHECK(strstr(fake_console(), "boot:") == NULL);
}

TEST(one_line_with_each_phase)
{
    fake_boot("boot_trace=1");
    fake_now = 3000000;          /* the clock counts from 0 (fake_boot: 1 ms) */
    kboot_mark("platform");
    fake_now += 250000;
    kboot_mark("app");
    kboot_done();
    CHECK(strstr(fake_console(),
                 "boot: platform 3.000 ms, app 0.250 ms; ready at 3.250 ms\n") != NULL);
    kboot_mark("late");          /* after the line: ignored, no second line */
    kboot_done();
    CHECK(strstr(fake_console(), "late") == NULL);
}

TEST(waits_for_an_expected_layer_phase)
{
    fake_boot("boot_trace=1");
    kboot_expect();              /* e.g. DHCP started by a kinit hook */
    fake_now = 2000000;
    kboot_mark("app");
    kboot_done();                /* kstart's: the layer is still pending */
    CHECK(strstr(fake_console(), "boot:") == NULL);
    fake_now = 12000000;
    kboot_mark("net");
    kboot_done();
    CHECK(strstr(fake_console(), "boot: app 2.000 ms, net 10.000 ms; ready at 12.000 ms")
          != NULL);
}
