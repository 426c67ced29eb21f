/* kvd: a key-value server over UDP port 7000, persisted on block device 0.
 *
 * Start-up opens the store (formatting a blank device), binds the socket
 * and starts KVD_SLOTS slots. Each slot is a state machine (mote/ksm.h)
 * that serves one datagram at a time, top to bottom: receive, parse, look
 * the id up among recent ones, run the request, reply, and loop.
 *
 * Writes are grouped: PUT and DEL go into the one open write transaction;
 * when the last of them has been applied and no commit is running, the
 * transaction is committed, and only when that commit is durable does
 * every request in it get its reply. Writes that arrive while a commit is
 * running wait for the next one, so under load many writes share one
 * commit (two flushes). Reads see the last commit.
 */
#include "apps/kvd/kvd.h"
#include "lib/kstring.h"
#include "mote/ksm.h"
#include "mote/kv.h"
#include "mote/mote.h"

#define KVD_SLOTS       64
#define KVD_CACHE_PAGES 512
#define KVD_MEM         (4u << 20)

typedef struct slot {
    ksm_t sm;
    net_udp_req_t rx, tx;
    kv_req_t kq;
    kvd_cmd_t cmd;
    kvd_seen_t *seen;
    struct slot *next; /* in the batch or deferred list */
    kerr_t wres;       /* result of its put/del */
    uint32_t outlen;   /* reply to send */
    char in[KVD_MAX_MSG];
    char out[KVD_MAX_MSG];
    _Alignas(8) uint8_t val[KVD_MAX_MSG];
} slot_t;

typedef struct slist {
    slot_t *head, *tail;
} slist_t;

static struct {
    kv_store_t kv;
    kv_config_t cfg;
    kv_req_t openq, commitq;
    kv_txn_t txn;
    int txn_open, committing, pending;
    slist_t batch, deferred;
    net_udp_sock_t sock;
    uint64_t commits, writes;
} d;

static slot_t slots[KVD_SLOTS];
static _Alignas(4096) uint8_t kvd_mem[KVD_MEM];

static kerr_t apply(slot_t *s);

static void push(slist_t *l, slot_t *s)
{
    s->next = NULL;
    if (l->tail)
        l->tail->next = s;
    else
        l->head = s;
    l->tail = s;
}

/* Reply "<id> <text>" (id "-" if there was none) and remember it. */
static void reply(slot_t *s, const char *text, const void *tail, uint32_t tlen)
{
    const kvd_cmd_t *c = &s->cmd;
    int n = c->id ? ksnprintf(s->out, sizeof s->out, "%.*s %s", (int)c->idlen,
                              c->id, text)
                  : ksnprintf(s->out, sizeof s->out, "- %s", text);
    uint32_t len =
        (uint32_t)n < sizeof s->out ? (uint32_t)n : sizeof s->out - 1;
    if (tail && len + tlen <= sizeof s->out) {
        memcpy(s->out + len, tail, tlen);
        len += tlen;
    }
    kvd_seen_done(s->seen, s->out, len);
    s->outlen = len;
}

static void reply_err(slot_t *s, const char *why)
{
    char t[96];
    ksnprintf(t, sizeof t, "ERR %s", why);
    reply(s, t, NULL, 0);
}

static void get_reply(slot_t *s, kerr_t res)
{
    if (res == KERR_OK) {
        s->val[0] = ' ';
        reply(s, "OK", s->val, s->kq.vlen + 1);
    } else if (res == KERR_NOT_FOUND) {
        reply(s, "NOTFOUND", NULL, 0);
    } else {
        reply_err(s, res == KERR_TOO_BIG ? "value too big" : kerr_str(res));
    }
}

/* "<id> OK k1=v1 k2=v2 ...": as many records as fit one datagram. */
static void scan_reply(slot_t *s, kerr_t res)
{
    if (res != KERR_OK && res != KERR_TOO_BIG) {
        reply_err(s, kerr_str(res));
        return;
    }
    static char text[KVD_MAX_MSG];
    uint32_t off = 0, len = 0, kl, vl;
    const uint8_t *k, *v;
    uint32_t room = KVD_MAX_MSG - s->cmd.idlen - 4;
    while (kv_scan_rec(s->val, s->kq.used, &off, &k, &kl, &v, &vl) == KERR_OK &&
           len + kl + vl + 2 <= room) {
        text[len++] = ' ';
        memcpy(text + len, k, kl);
        len += kl;
        text[len++] = '=';
        memcpy(text + len, v, vl);
        len += vl;
    }
    reply(s, "OK", text, len);
}

/* The read request for the slot's GET or SCAN. */
static kwork_t *kv_read(slot_t *s)
{
    kop_t op = s->cmd.op == KVD_GET ? KOP_KV_GET : KOP_KV_SCAN;
    kv_req_init(&s->kq, op, &d.kv, NULL, NULL);
    s->kq.key = s->cmd.key;
    s->kq.klen = s->cmd.klen;
    s->kq.buf = op == KOP_KV_GET ? s->val + 1 : s->val;
    s->kq.cap = op == KOP_KV_GET ? sizeof s->val - 1 : sizeof s->val;
    s->kq.count = s->cmd.count;
    return &s->kq.work;
}

/* The reply to a put or delete once its commit ended with (res). */
static void write_reply(slot_t *s, kerr_t res)
{
    if (res != KERR_OK) {
        kvd_seen_forget(s->seen);
        s->seen = NULL;
        reply_err(s, "commit failed");
    } else if (s->wres == KERR_OK) {
        reply(s, "OK", NULL, 0);
    } else if (s->wres == KERR_NOT_FOUND) {
        reply(s, "NOTFOUND", NULL, 0);
    } else {
        reply_err(s, kerr_str(s->wres));
    }
}

static void commit_done(kwork_t *w)
{
    kerr_t res = w->result;
    d.committing = 0;
    d.txn_open = 0;
    d.commits++;
    for (slot_t *s = d.batch.head, *n; s; s = n) {
        n = s->next;
        ksm_resume(&s->sm, res);     /* each writer replies itself */
    }
    d.batch.head = d.batch.tail = NULL;
    slot_t *s = d.deferred.head;
    d.deferred.head = d.deferred.tail = NULL;
    for (slot_t *n; s; s = n) {
        n = s->next;
        kerr_t err = apply(s);
        if (err) {                   /* no transaction: answer now */
            s->wres = err;
            ksm_resume(&s->sm, KERR_OK);
        }
    }
}

static void maybe_commit(void)
{
    if (d.pending || !d.txn_open || d.committing || !d.batch.head)
        return;
    kv_req_init(&d.commitq, KOP_KV_COMMIT, &d.kv, commit_done, NULL);
    d.commitq.txn = &d.txn;
    d.committing = 1;
    if (ksubmit(&d.commitq.work) != KERR_OK) {
        d.commitq.work.result = KERR_IO;
        commit_done(&d.commitq.work);
    }
}

static void write_done(kwork_t *w)
{
    slot_t *s = w->ctx;
    s->wres = w->result;
    d.pending--;
    maybe_commit();
}

/* Put or delete inside the open write txn (opening it if needed), or
 * queued for the next one while a commit runs. KERR_OK: the slot waits
 * (KSM_WAIT) for its commit; else the transaction could not begin. */
static kerr_t apply(slot_t *s)
{
    if (d.committing) {
        push(&d.deferred, s);
        return KERR_OK;
    }
    if (!d.txn_open) {
        kerr_t err = kv_begin(&d.kv, &d.txn, 1);
        if (err)
            return err;
        d.txn_open = 1;
    }
    int put = s->cmd.op == KVD_PUT;
    kv_req_init(&s->kq, put ? KOP_KV_PUT : KOP_KV_DEL, &d.kv, write_done, s);
    s->kq.txn = &d.txn;
    s->kq.key = s->cmd.key;
    s->kq.klen = s->cmd.klen;
    s->kq.val = s->cmd.val;
    s->kq.vlen = s->cmd.vlen;
    push(&d.batch, s);
    d.pending++;
    d.writes++;
    if (ksubmit(&s->kq.work) != KERR_OK) {
        s->kq.work.result = KERR_INVALID;
        write_done(&s->kq.work);
    }
    return KERR_OK;
}

/* Parse the datagram and check the id among recent ones. Returns 1 if
 * the request must run, 0 if it is answered already (s->outlen set from
 * the cache) and -1 if a copy of it is running (no answer from here). */
static int admit(slot_t *s, uint32_t len)
{
    const char *cached;
    uint32_t clen;
    kvd_parse(s->in, len, &s->cmd);
    s->seen = NULL;
    if (!s->cmd.id)
        return 1;
    int st = kvd_seen_lookup(s->cmd.id, s->cmd.idlen, &s->seen, &cached, &clen);
    if (st == KVD_SEEN_DONE) {
        memcpy(s->out, cached, clen);
        s->outlen = clen;
        return 0;
    }
    return st == KVD_SEEN_PENDING ? -1 : 1;
}

/* One slot: receive, serve, reply, forever. */
static void slot_run(ksm_t *m)
{
    slot_t *s = KCONTAINER_OF(m, slot_t, sm);
    KSM_BEGIN(m);
    for (;;) {
        KSM_AWAIT(m, &s->rx.work);
        if (m->refused) {
            printk(KLOG_ERR, "kvd: cannot arm receive: %s", kerr_str(m->err));
            KSM_EXIT(m, m->err);
        }
        if (m->err == KERR_CANCELLED)
            KSM_EXIT(m, m->err);
        if (m->err == KERR_TOO_BIG) {
            s->cmd = (kvd_cmd_t){0};
            s->seen = NULL;
            reply_err(s, "datagram too long");
        } else if (m->err || admit(s, s->rx.done) < 0) {
            continue;   /* a receive error, or the first copy will answer */
        } else if (s->outlen == 0 && (s->cmd.op == KVD_GET || s->cmd.op == KVD_SCAN)) {
            KSM_AWAIT_UNTIL(m, kv_read(s), ktime_now() + 10 * KTIME_S);
            if (m->refused)
                reply_err(s, kerr_str(m->err));
            else if (s->cmd.op == KVD_GET)
                get_reply(s, m->err);
            else
                scan_reply(s, m->err);
        } else if (s->outlen == 0 && (s->cmd.op == KVD_PUT || s->cmd.op == KVD_DEL)) {
            m->err = apply(s);  /* s->wres: the put's result, later */
            if (m->err == KERR_OK) {
                KSM_WAIT(m);    /* commit_done (or a failed begin) wakes us */
            } else {
                s->wres = m->err;
                m->err = KERR_OK;
            }
            write_reply(s, m->err);
        } else if (s->outlen == 0) {
            reply_err(s, s->cmd.err);
        }
        s->tx.len = s->outlen;
        s->tx.peer = s->rx.peer;
        s->outlen = 0;
        KSM_AWAIT(m, &s->tx.work); /* whatever the result: receive again */
    }
    KSM_END(m);
}

static void start_server(void)
{
    kerr_t err = net_udp_open(&d.sock, KVD_PORT);
    if (err) {
        printk(KLOG_ERR, "kvd: cannot open udp port %d: %s", KVD_PORT,
               kerr_str(err));
        kshutdown(1);
        return;
    }
    for (int i = 0; i < KVD_SLOTS; i++) {
        slot_t *s = &slots[i];
        net_udp_req_init(&s->rx, KOP_UDP_RECV, &d.sock, s->in, sizeof s->in,
                         NULL, NULL);
        net_udp_req_init(&s->tx, KOP_UDP_SEND, &d.sock, s->out, 0, NULL, NULL);
        ksm_start(&s->sm, slot_run, NULL);
    }
    kv_stats_t st;
    kv_stats(&d.kv, &st);
    printk(KLOG_INFO,
           "kvd: ready on udp port %d: %llu keys, txid %llu; try: "
           "echo '1 PUT a b' | nc -u -w1 127.0.0.1 %lu",
           KVD_PORT, (unsigned long long)st.nkeys, (unsigned long long)st.txid,
           kargs_get_ulong("hostport", KVD_PORT));
}

static void open_done(kwork_t *w)
{
    if (w->result != KERR_OK) {
        printk(KLOG_ERR, "kvd: cannot open the store on device 0: %s",
               kerr_str(w->result));
        kshutdown(1);
        return;
    }
    start_server();
}

void app_main(void)
{
    kblk_info_t info;
    printk(KLOG_INFO, "mote kvd: starting");
    if (kblk_info(0, &info) != KERR_OK) {
        printk(KLOG_ERR, "kvd: no block device 0");
        kshutdown(1);
        return;
    }
    d.cfg = (kv_config_t){.dev = 0, .cache_pages = KVD_CACHE_PAGES};
    size_t need = kv_mem_size(&d.cfg, info.sectors * info.sector_size / 4096);
    if (need <= sizeof kvd_mem) {
        d.cfg.mem = kvd_mem;
        d.cfg.mem_size = sizeof kvd_mem;
    } /* else kv_open takes it with kmem_alloc */
    kv_req_init(&d.openq, KOP_KV_OPEN, &d.kv, open_done, NULL);
    d.openq.cfg = &d.cfg;
    kerr_t err = ksubmit(&d.openq.work);
    if (err) {
        printk(KLOG_ERR, "kvd: kv open: %s", kerr_str(err));
        kshutdown(1);
    }
}
