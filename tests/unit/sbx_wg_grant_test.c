/* The sandbox's tunnel-only UDP grant, `grant udp wg:PORT RIGHTS`
 * (docs/sandbox.md, docs/wireguard.md): parsed into the flag objects.c
 * acts on, and refused when malformed. */
#include <string.h>

#include "sandbox/manifest.h"
#include "tests/unit/test.h"

static sbx_manifest_t m;
static char err[128];

static kerr_t parse(const char *text)
{
    static char buf[512];
    strcpy(buf, text);
    return sbx_manifest_parse(&m, buf, err, sizeof err);
}

TEST(tunnel_grant_parsed)
{
    CHECK_EQ(parse("instance a\n  module a.wasm\n  grant udp wg:7000 all as t\n"
                   "  grant udp 7001 send\n"), KERR_OK);
    CHECK_EQ(m.inst[0].ngrants, 2);
    CHECK_EQ(m.inst[0].grants[0].a, 7000);
    CHECK_EQ(m.inst[0].grants[0].b, 1);
    CHECK(strcmp(m.inst[0].grants[0].name, "t") == 0);
    CHECK_EQ(m.inst[0].grants[1].a, 7001);
    CHECK_EQ(m.inst[0].grants[1].b, 0);
}

TEST(tunnel_grant_refused)
{
    CHECK_EQ(parse("instance a\n  module a.wasm\n  grant udp wg:0 all\n"), KERR_INVALID);
    CHECK_EQ(parse("instance a\n  module a.wasm\n  grant udp wg:x all\n"), KERR_INVALID);
    CHECK_EQ(parse("instance a\n  module a.wasm\n  grant udp wg:70000 all\n"), KERR_INVALID);
    CHECK_EQ(parse("instance a\n  module a.wasm\n  grant udp wg: all\n"), KERR_INVALID);
}
