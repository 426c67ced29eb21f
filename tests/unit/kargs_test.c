/* Boot arguments. */
#include <stdio.h>
#include <string.h>

#include "kernel/kargs.h"
#include "mote/kapp.h"
#include "tests/unit/test.h"

TEST(parse_words)
{
    kargs_parse("  drive=disk.img  port=8888 verbose ip=10.0.2.15/24 port=9 ");
    CHECK(strcmp(kargs_get("drive"), "disk.img") == 0);
    CHECK(strcmp(kargs_get("verbose"), "") == 0);
    CHECK(strcmp(kargs_get("ip"), "10.0.2.15/24") == 0);
    CHECK_EQ(kargs_get_ulong("port", 1), 9); /* the last one wins */
    CHECK(kargs_get("missing") == NULL);
    CHECK_EQ(kargs_get_ulong("missing", 77), 77);
    CHECK_EQ(kargs_get_ulong("drive", 77), 77); /* not a number */
    kargs_parse("");
    CHECK(kargs_get("drive") == NULL);
}

TEST(value_with_equals)
{
    kargs_parse("k=a=b");
    CHECK(strcmp(kargs_get("k"), "a=b") == 0);
}

TEST(overlong_line_is_cut_not_overrun)
{
    static char line[3 * KARGS_MAX_LEN];
    memset(line, 'a', sizeof line - 1);
    memcpy(line, "x=1 ", 4);
    kargs_parse(line);
    CHECK(strcmp(kargs_get("x"), "1") == 0);
}

TEST(too_many_words)
{
    char line[1000] = "";
    for (int i = 0; i < KARGS_MAX + 10; i++) {
        char w[16];
        snprintf(w, sizeof w, "k%d=%d ", i, i);
        strcat(line, w);
    }
    kargs_parse(line);
    CHECK_EQ(kargs_get_ulong("k0", 99), 0);
    CHECK_EQ(kargs_get_ulong("k31", 99), 31);
    CHECK_EQ(kargs_get_ulong("k32", 99), 99);
}
