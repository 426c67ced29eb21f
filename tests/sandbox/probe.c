/* The sandbox's negative tests, from the inside: every call here must be
 * refused with a specific error and touch nothing. Prints one line per
 * check, "CHECK <name> <result>", which tests/sandbox/run.py compares with
 * the expected codes; then a few positive requests whose completions print
 * "DONE <token> <result> <value>". */
#include "mote.h"
#include <stdio.h>

static char buf[64];
static char line[96];

static void check(const char *name, int32_t got)
{
    snprintf(line, sizeof line, "CHECK %s %d", name, (int)got);
    mote_print(line);
}

void mote_start(void)
{
    int32_t rx = mote_handle("rx"), ch = mote_handle("ch"), clk = mote_handle("clk"),
            disk = mote_handle("disk");
    check("lookup_missing", mote_handle("nope"));
    check("forged_handle", mote_udp_send(1, 0x7777, buf, 1, 0x7f000001, 9));
    check("zero_handle", mote_udp_send(1, 0, buf, 1, 0x7f000001, 9));
    check("negative_handle", mote_udp_send(1, -5, buf, 1, 0x7f000001, 9));
    check("missing_right_send", mote_udp_send(1, rx, buf, 1, 0x7f000001, 9));
    check("wrong_kind", mote_timer(1, rx, 1000));
    check("bad_pointer", mote_udp_recv(1, rx, (void *)0x7ffffff0, 64, 0));
    check("bad_peer_pointer", mote_udp_recv(1, rx, buf, 8, (void *)0xfffffff0));
    check("oversize_udp", mote_udp_send(1, mote_handle("tx"), buf, 5000, 0x7f000001, 9));
    check("oversize_random", mote_random(1, (void *)0, 8192));
    check("dup_more_rights", mote_handle_dup(rx, MOTE_RECEIVE | MOTE_SEND));
    int32_t d = mote_handle_dup(clk, MOTE_READ);
    check("dup_without_dup_right", mote_handle_dup(d, MOTE_READ));
    check("dup_ok_positive", d > 0);
    check("close_dup", mote_handle_close(d));
    check("use_closed", mote_timer(1, d, 1000));
    check("close_twice", mote_handle_close(d));
    int32_t hs[1] = {rx};
    check("transfer_without_right", mote_chan_send(1, ch, buf, 1, hs, 1));
    check("too_many_handles", mote_chan_send(1, ch, buf, 1, hs, 9));
    check("blk_write_read_only", mote_blk_write(1, disk, 0, buf, 512));
    check("blk_read_past_region", mote_blk_read(1, disk, 8, buf, 512));
    check("blk_read_unaligned_len", mote_blk_read(1, disk, 0, buf, 100));
    /* Positive: these complete later through mote_complete. */
    check("timer_ok", mote_timer(100, clk, 1000000));
    check("random_ok", mote_random(101, buf, 32));
    static char sector[512];
    check("blk_read_ok", mote_blk_read(102, disk, 7, sector, 512));
    check("cancel_missing", mote_cancel(999));
    check("recv_then_cancel", mote_udp_recv(103, rx, buf, sizeof buf, 0));
    check("cancel_ok", mote_cancel(103));
}

void mote_complete(int64_t token, int32_t result, int32_t value)
{
    static int done;
    snprintf(line, sizeof line, "DONE %d %d %d", (int)token, (int)result, (int)value);
    mote_print(line);
    if (++done == 4) /* timer, random, block read, cancelled receive */
        mote_exit(0);
}
