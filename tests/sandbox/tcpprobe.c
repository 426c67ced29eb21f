/* Sandbox TCP refusals, from the inside (tests/http/sbx_tcp_test.py): each
 * call must fail with a specific error and touch nothing. Prints
 * "CHECK <name> <result>"; completions print "DONE <token> <result>
 * <value>". The driver connects to port 9401 and sends "hi". */
#include "mote.h"
#include <stdio.h>

static char buf[64], line[96];
static uint32_t peer[2];
static int32_t conn;

static void check(const char *name, int32_t got)
{
    snprintf(line, sizeof line, "CHECK %s %d", name, (int)got);
    mote_print(line);
}

void mote_start(void)
{
    int32_t noacc = mote_handle("noacc"), ro = mote_handle("ro"),
            u = mote_handle("u");
    check("accept_without_right", mote_tcp_accept(1, noacc, 0));
    check("accept_forged_handle", mote_tcp_accept(1, 0x7777, 0));
    check("accept_on_udp_handle", mote_tcp_accept(1, u, 0));
    check("accept_bad_peer_pointer",
          mote_tcp_accept(1, ro, (void *)0xfffffff0));
    check("recv_on_listener", mote_tcp_recv(1, ro, buf, 8));
    check("send_on_listener", mote_tcp_send(1, ro, buf, 8));
    check("accept_ok", mote_tcp_accept(10, ro, peer));
    mote_print("listening");
}

void mote_complete(int64_t token, int32_t result, int32_t value)
{
    snprintf(line, sizeof line, "DONE %d %d %d", (int)token, (int)result,
             (int)value);
    mote_print(line);
    if (token == 10) { /* accepted: a connection that may only receive */
        conn = value;
        check("peer_is_loopback", peer[0] == 0x7f000001);
        check("send_without_right", mote_tcp_send(2, conn, "x", 1));
        check("shutdown_without_right", mote_tcp_shutdown(2, conn));
        check("dup_without_right", mote_handle_dup(conn, MOTE_RECEIVE));
        check("recv_bad_pointer",
              mote_tcp_recv(2, conn, (void *)0x7ffffff0, 64));
        check("recv_zero_cap", mote_tcp_recv(2, conn, buf, 0));
        check("accept_on_conn", mote_tcp_accept(2, conn, 0));
        check("recv_ok", mote_tcp_recv(11, conn, buf, sizeof buf));
    } else if (token == 11) {
        check("got_hi", value == 2 && buf[0] == 'h' && buf[1] == 'i');
        check("close_conn", mote_handle_close(conn));
        check("recv_after_close", mote_tcp_recv(2, conn, buf, 8));
        mote_exit(0);
    }
}
