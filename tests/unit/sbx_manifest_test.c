/* The sandbox manifest parser: a full example, defaults, and errors. */
#include <string.h>

#include "mote/kcap.h"
#include "sandbox/manifest.h"
#include "tests/unit/test.h"

static sbx_manifest_t m;
static char err[128];

static kerr_t parse(const char *text)
{
    static char buf[4096];
    strcpy(buf, text);
    err[0] = 0;
    return sbx_manifest_parse(&m, buf, err, sizeof err);
}

TEST(full_example)
{
    CHECK_EQ(parse("# two instances\n"
                   "channel kvchan\n"
                   "instance front   # the UDP side\n"
                   "  module front.wasm\n"
                   "  memory 4\n"
                   "  fuel 5000\n"
                   "  grant udp 7000 send,receive as net\n"
                   "  grant chan kvchan.a send,receive,transfer\n"
                   "instance back\n"
                   "  module back.wasm\n"
                   "  args -v data\n"
                   "  env MODE=fast\n"
                   "  grant kv users/ read,write as db\n"
                   "  grant blk 2048 1024 read\n"
                   "  grant chan kvchan.b all\n"
                   "  grant timer read\n"),
             KERR_OK);
    CHECK_EQ(m.ninst, 2);
    CHECK_EQ(m.nchan, 1);
    CHECK(!strcmp(m.chan[0], "kvchan"));
    sbx_instance_cfg_t *f = &m.inst[0], *b = &m.inst[1];
    CHECK(!strcmp(f->name, "front") && !strcmp(f->module, "front.wasm"));
    CHECK_EQ(f->memory_pages, 4);
    CHECK_EQ(f->fuel, 5000);
    CHECK_EQ(f->slots, 16);
    CHECK_EQ(f->ngrants, 2);
    CHECK_EQ(f->grants[0].kind, SBX_GRANT_UDP);
    CHECK_EQ(f->grants[0].a, 7000);
    CHECK_EQ(f->grants[0].rights, KCAP_SEND | KCAP_RECEIVE);
    CHECK(!strcmp(f->grants[0].name, "net"));
    CHECK(!strcmp(f->grants[1].target, "kvchan.a"));
    CHECK(!strcmp(f->grants[1].name, "chan"));
    CHECK_EQ(b->nargs, 2);
    CHECK(!strcmp(b->args[1], "data"));
    CHECK(!strcmp(b->env[0], "MODE=fast"));
    CHECK_EQ(b->memory_pages, 16);
    CHECK_EQ(b->fuel, 10000000);
    CHECK(!strcmp(b->grants[0].target, "users/"));
    CHECK(!strcmp(b->grants[0].name, "db"));
    CHECK_EQ(b->grants[1].a, 2048);
    CHECK_EQ(b->grants[1].b, 1024);
    CHECK_EQ(b->grants[2].rights, KCAP_ALL);
    CHECK_EQ(b->grants[3].kind, SBX_GRANT_TIMER);
}

TEST(tcp_grant)
{
    CHECK_EQ(parse("instance web\n"
                   "  module httpd.wasm\n"
                   "  grant tcp 8080 accept,send,receive as web\n"
                   "  grant tcp 9000 accept\n"),
             KERR_OK);
    sbx_instance_cfg_t *w = &m.inst[0];
    CHECK_EQ(w->ngrants, 2);
    CHECK_EQ(w->grants[0].kind, SBX_GRANT_TCP);
    CHECK_EQ(w->grants[0].a, 8080);
    CHECK_EQ(w->grants[0].rights, KCAP_ACCEPT | KCAP_SEND | KCAP_RECEIVE);
    CHECK(!strcmp(w->grants[0].name, "web"));
    CHECK_EQ(w->grants[1].rights, KCAP_ACCEPT);
    CHECK(!strcmp(w->grants[1].name, "tcp"));
    CHECK_EQ(parse("instance a\n module a\n grant tcp 0 accept\n"), KERR_INVALID);
    CHECK(strstr(err, "tcp port out of range"));
    CHECK_EQ(parse("instance a\n module a\n grant tcp 65536 accept\n"), KERR_INVALID);
    CHECK_EQ(parse("instance a\n module a\n grant tcp 80\n"), KERR_INVALID);
}

TEST(memory_auto)
{
    CHECK_EQ(parse("instance a\n module a.wasm\n memory auto\n"), KERR_OK);
    CHECK_EQ(m.inst[0].memory_pages, SBX_MEMORY_AUTO);
    CHECK_EQ(parse("instance a\n module a.wasm\n memory 0\n"), KERR_INVALID);
    CHECK_EQ(parse("instance a\n module a.wasm\n memory automatic\n"), KERR_INVALID);
}

TEST(errors_name_the_line)
{
    CHECK_EQ(parse("instance a\n module a.wasm\n grant udp 70000 send\n"), KERR_INVALID);
    CHECK(strstr(err, "line 3") && strstr(err, "port"));
    CHECK_EQ(parse("instance a\n module a.wasm\n grant udp 7 fly\n"), KERR_INVALID);
    CHECK(strstr(err, "unknown right"));
    CHECK_EQ(parse("module a.wasm\n"), KERR_INVALID);
    CHECK(strstr(err, "outside an instance"));
    CHECK_EQ(parse("instance a\n"), KERR_INVALID);
    CHECK(strstr(err, "no module"));
    CHECK_EQ(parse("instance a\n module a\n grant chan nope.a send\n"), KERR_INVALID);
    CHECK(strstr(err, "undeclared channel"));
    CHECK_EQ(parse("channel c\ninstance a\n module a\n grant chan c.z send\n"), KERR_INVALID);
    CHECK_EQ(parse("instance a\n module a\n memory 0\n"), KERR_INVALID);
    CHECK_EQ(parse("instance a\n module a\n fuel 12x\n"), KERR_INVALID);
    CHECK_EQ(parse("instance a\n module a\n grant blk 1 send\n"), KERR_INVALID);
    CHECK_EQ(parse("instance a\n module a\n bogus 1\n"), KERR_INVALID);
    CHECK_EQ(parse(""), KERR_INVALID);
    CHECK_EQ(parse("instance a\n module a\n fuel 99999999999999999999999\n"), KERR_INVALID);
}

TEST(random_garbage_never_crashes)
{
    static const char alphabet[] = "instancemodulegrantudpchanblkkvtimer.a.b 0123456789,#\n\t as";
    for (int i = 0; i < 3000; i++) {
        char text[300];
        size_t n = test_rand() % (sizeof text - 1);
        for (size_t j = 0; j < n; j++)
            text[j] = alphabet[test_rand() % (sizeof alphabet - 1)];
        text[n] = 0;
        kerr_t e = parse(text);
        CHECK(e == KERR_OK || e == KERR_INVALID);
        if (e == KERR_OK)
            CHECK(m.ninst > 0 && m.inst[0].module);
    }
}
