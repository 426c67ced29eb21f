/* mote guest API: what a sandboxed module imports from module "mote".
 *
 * Compile with Debian's clang and wasi-libc as a reactor:
 *   clang --target=wasm32-wasi -O2 -mexec-model=reactor \
 *         -Wl,--export=mote_start -Wl,--export=mote_complete app.c -o app.wasm
 * (tools/embed.py does this for NAME.c beside a manifest).
 *
 * The module exports
 *   void mote_start(void);                     called once after loading
 *   void mote_complete(int64_t token, int32_t result, int32_t value);
 * and runs only inside them. Asynchronous calls take a token of the
 * guest's choosing and return 0 (MOTE_OK) if accepted, else an error; the
 * outcome arrives later as mote_complete(token, result, value). Results and
 * errors are mote's kerr_t codes (include/mote/kerr.h). Handles name the
 * objects the manifest granted: mote_handle("name") finds one.
 */
#ifndef MOTE_GUEST_H
#define MOTE_GUEST_H

#include <stdint.h>
#include <string.h>

#define MOTE_IMPORT(name) __attribute__((import_module("mote"), import_name(name)))

enum {
    MOTE_OK = 0, MOTE_INVALID = 1, MOTE_BUSY = 2, MOTE_TIMEOUT = 3,
    MOTE_CANCELLED = 4, MOTE_NO_DEVICE = 5, MOTE_IO = 6, MOTE_NOMEM = 7,
    MOTE_READ_ONLY = 8, MOTE_NOT_FOUND = 9, MOTE_AGAIN = 10, MOTE_CORRUPT = 11,
    MOTE_TOO_BIG = 12, MOTE_UNREACHABLE = 13, MOTE_DENIED = 14,
    MOTE_REFUSED = 15, MOTE_RESET = 16, MOTE_CLOSED = 17,
};

/* Rights (for mote_handle_dup). */
enum { MOTE_READ = 1, MOTE_WRITE = 2, MOTE_SEND = 4, MOTE_RECEIVE = 8,
       MOTE_DUPLICATE = 16, MOTE_TRANSFER = 32, MOTE_ACCEPT = 64 };

MOTE_IMPORT("print") void mote_print_n(const char *s, int32_t len);
MOTE_IMPORT("now") int64_t mote_now(void);
MOTE_IMPORT("exit") void mote_exit(int32_t code);
MOTE_IMPORT("handle") int32_t mote_handle_n(const char *name, int32_t len);
MOTE_IMPORT("handle_dup") int32_t mote_handle_dup(int32_t h, int32_t rights);
MOTE_IMPORT("handle_close") int32_t mote_handle_close(int32_t h);
MOTE_IMPORT("cancel") int32_t mote_cancel(int64_t token);
MOTE_IMPORT("timer") int32_t mote_timer(int64_t token, int32_t h, int64_t delay_ns);
MOTE_IMPORT("random") int32_t mote_random(int64_t token, void *buf, int32_t len);
/* peer: {uint32_t ip, uint32_t port} written on completion (may be NULL). */
MOTE_IMPORT("udp_send") int32_t mote_udp_send(int64_t token, int32_t h, const void *buf,
                                              int32_t len, uint32_t ip, int32_t port);
MOTE_IMPORT("udp_recv") int32_t mote_udp_recv(int64_t token, int32_t h, void *buf,
                                              int32_t cap, void *peer);
/* hs: handles to transfer (each needs MOTE_TRANSFER). hs_out on receive:
 * int32_t[5] = {count, h0, h1, h2, h3}. */
MOTE_IMPORT("chan_send") int32_t mote_chan_send(int64_t token, int32_t h, const void *buf,
                                                int32_t len, const int32_t *hs, int32_t nh);
MOTE_IMPORT("chan_recv") int32_t mote_chan_recv(int64_t token, int32_t h, void *buf,
                                                int32_t cap, int32_t *hs_out);
MOTE_IMPORT("blk_read") int32_t mote_blk_read(int64_t token, int32_t h, int64_t sector,
                                              void *buf, int32_t len);
MOTE_IMPORT("blk_write") int32_t mote_blk_write(int64_t token, int32_t h, int64_t sector,
                                                const void *buf, int32_t len);
MOTE_IMPORT("blk_flush") int32_t mote_blk_flush(int64_t token, int32_t h);

/* KV namespace (grant kv PREFIX): keys <= 255 bytes minus the prefix,
 * values <= 3840 bytes through this interface. get: value = value length
 * (KERR_TOO_BIG and the length needed if vcap is short). scan: records from
 * (start) on, packed as u16 klen | u32 vlen | key | value (little-endian),
 * value = records stored. Writes join the sandbox's write transaction;
 * kv_commit makes them durable and completes once they are. */
MOTE_IMPORT("kv_get") int32_t mote_kv_get(int64_t token, int32_t h, const void *key,
                                          int32_t klen, void *val, int32_t vcap);
MOTE_IMPORT("kv_put") int32_t mote_kv_put(int64_t token, int32_t h, const void *key,
                                          int32_t klen, const void *val, int32_t vlen);
MOTE_IMPORT("kv_del") int32_t mote_kv_del(int64_t token, int32_t h, const void *key,
                                          int32_t klen);
MOTE_IMPORT("kv_scan") int32_t mote_kv_scan(int64_t token, int32_t h, const void *start,
                                            int32_t slen, void *buf, int32_t cap,
                                            int32_t count);
MOTE_IMPORT("kv_commit") int32_t mote_kv_commit(int64_t token, int32_t h);

/* TCP (grant tcp PORT): accept on a listener needs MOTE_ACCEPT; value = the
 * new connection's handle, which has the listener handle's send, receive,
 * dup and transfer rights; peer {uint32_t ip, uint32_t port} is written on
 * completion (may be NULL). send (MOTE_SEND, len <= 4096): value = bytes
 * taken, also when it ends early. recv (MOTE_RECEIVE, at most 4096 bytes
 * per call): value = bytes; MOTE_CLOSED once the peer's data is all read.
 * shutdown (MOTE_SEND): our FIN, after queued data. mote_handle_close()
 * closes the connection when no other handle names it. */
MOTE_IMPORT("tcp_accept") int32_t mote_tcp_accept(int64_t token, int32_t listener,
                                                  void *peer);
MOTE_IMPORT("tcp_send") int32_t mote_tcp_send(int64_t token, int32_t h, const void *buf,
                                              int32_t len);
MOTE_IMPORT("tcp_recv") int32_t mote_tcp_recv(int64_t token, int32_t h, void *buf,
                                              int32_t cap);
MOTE_IMPORT("tcp_shutdown") int32_t mote_tcp_shutdown(int64_t token, int32_t h);

static inline void mote_print(const char *s)
{
    mote_print_n(s, (int32_t)strlen(s));
}

static inline int32_t mote_handle(const char *name)
{
    return mote_handle_n(name, (int32_t)strlen(name));
}

#endif
