/* httpd: the KV store behind /kv (docs/http.md, docs/kv.md).
 *
 * Reads go straight to the store and see the last commit. Writes are
 * grouped as in apps/kvd: every PUT or DELETE goes into the one open write
 * transaction; when the last write applied has completed and no commit is
 * running, the transaction is committed, and only once that commit is
 * durable does each of its requests get its answer (200, or 404 for a
 * DELETE of a missing key; 500 if the commit failed). Writes arriving while
 * a commit runs wait for the next one, so under load many share a commit.
 */
#include "apps/httpd/httpd.h"
#include "lib/kstring.h"

#define KVOPS_CACHE_PAGES 512
#define KVOPS_MEM         (4u << 20)
#define SCAN_JSON_CAP     8704 /* JSON from the out body area's start */
#define SCAN_REC_OFF      (HTTPD_HDR_ROOM + SCAN_JSON_CAP)

int httpd_store_ready;

typedef struct slist {
    hslot_t *head, *tail;
} slist_t;

static struct {
    kv_store_t kv;
    kv_config_t cfg;
    kv_req_t openq, commitq;
    kv_txn_t txn;
    int txn_open, committing, pending;
    slist_t batch, deferred;
    void (*ready)(void);
} k;

static _Alignas(4096) uint8_t kv_mem[KVOPS_MEM];

static void apply(hslot_t *s);

static void push(slist_t *l, hslot_t *s)
{
    s->next = NULL;
    if (l->tail)
        l->tail->next = s;
    else
        l->head = s;
    l->tail = s;
}

/* The slot may have been closed meanwhile: then only let it go. */
static int gone(hslot_t *s)
{
    s->inflight--;
    if (s->state == C_CLOSING) {
        if (!s->inflight) {
            s->state = C_FREE;
            httpd_slot_released(s);
        }
        return 1;
    }
    return 0;
}

static void plain(hslot_t *s, int status, const char *msg)
{
    conn_respond(s, status, "text/plain", msg, (uint32_t)strlen(msg), "");
}

static void get_done(kwork_t *w)
{
    hslot_t *s = w->ctx;
    if (gone(s))
        return;
    if (w->result == KERR_OK)
        conn_respond(s, 200, "application/octet-stream",
                     s->out + HTTPD_HDR_ROOM, s->kq.vlen, "");
    else if (w->result == KERR_NOT_FOUND)
        plain(s, 404, "not found\n");
    else
        plain(s, 500, kerr_str(w->result));
}

static void submit(hslot_t *s)
{
    s->inflight++;
    kerr_t err = ksubmit(&s->kq.work);
    if (err) {
        s->kq.work.result = err;
        s->inflight--;
        plain(s, 500, kerr_str(err));
    }
}

void kvops_get(hslot_t *s)
{
    kv_req_init(&s->kq, KOP_KV_GET, &k.kv, get_done, s);
    s->kq.key = s->key;
    s->kq.klen = s->klen;
    s->kq.buf = s->out + HTTPD_HDR_ROOM;
    s->kq.cap = HTTPD_MAX_BODY;
    s->kq.work.deadline = ktime_now() + 10 * KTIME_S;
    submit(s);
}

/* JSON string of (p, n): bytes outside printable ASCII as \u00XX. */
static uint32_t json_str(char *o, uint32_t cap, const uint8_t *p, uint32_t n)
{
    static const char hex[] = "0123456789abcdef";
    uint32_t j = 0;
    if (cap < 2)
        return 0;
    o[j++] = '"';
    for (uint32_t i = 0; i < n; i++) {
        uint8_t c = p[i];
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
            if (j + 2 > cap)
                return 0;
            o[j++] = (char)c;
        } else {
            if (j + 7 > cap)
                return 0;
            memcpy(o + j, "\\u00", 4);
            o[j + 4] = hex[c >> 4];
            o[j + 5] = hex[c & 15];
            j += 6;
        }
    }
    if (j + 1 > cap)
        return 0;
    o[j++] = '"';
    return j;
}

/* {"items":[{"key":"a","value":"v"},...],"truncated":false} */
static void scan_done(kwork_t *w)
{
    hslot_t *s = w->ctx;
    if (gone(s))
        return;
    if (w->result != KERR_OK && w->result != KERR_TOO_BIG) {
        plain(s, 500, kerr_str(w->result));
        return;
    }
    char *o = s->out + HTTPD_HDR_ROOM;
    uint32_t off = 0, roff = 0, kl, vl, n = 0, cap = SCAN_JSON_CAP - 32;
    const uint8_t *kp, *vp;
    int truncated = w->result == KERR_TOO_BIG;
    memcpy(o, "{\"items\":[", 10);
    off = 10;
    while (kv_scan_rec(s->out + SCAN_REC_OFF, s->kq.used, &roff, &kp, &kl, &vp,
                       &vl) == KERR_OK) {
        uint32_t start = off;
        const char *pre = n ? ",{\"key\":" : "{\"key\":";
        uint32_t pl = (uint32_t)strlen(pre), a, b;
        if (off + pl >= cap ||
            !(a = json_str(o + off + pl, cap - off - pl, kp, kl)) ||
            off + pl + a + 9 >= cap ||
            !(b = json_str(o + off + pl + a + 9, cap - off - pl - a - 9, vp,
                           vl)) ||
            off + pl + a + 9 + b + 1 >= cap) {
            off = start;
            truncated = 1;
            break;
        }
        memcpy(o + off, pre, pl);
        off += pl + a;
        memcpy(o + off, ",\"value\":", 9);
        off += 9 + b;
        o[off++] = '}';
        n++;
    }
    int m = ksnprintf(o + off, SCAN_JSON_CAP - off, "],\"truncated\":%s}\n",
                      truncated ? "true" : "false");
    off += (uint32_t)m;
    conn_respond(s, 200, "application/json", o, off, "");
}

void kvops_scan(hslot_t *s, const char *start, uint32_t slen, uint32_t count)
{
    memcpy(s->key, start, slen);
    kv_req_init(&s->kq, KOP_KV_SCAN, &k.kv, scan_done, s);
    s->kq.key = s->key;
    s->kq.klen = slen;
    s->kq.buf = s->out + SCAN_REC_OFF;
    s->kq.cap = HTTPD_OUT_CAP - SCAN_REC_OFF;
    s->kq.count = count;
    s->kq.work.deadline = ktime_now() + 10 * KTIME_S;
    submit(s);
}

/* ---- writes ------------------------------------------------------------ */

static void answer_write(hslot_t *s, kerr_t commit)
{
    if (gone(s))
        return;
    if (commit != KERR_OK)
        plain(s, 500, "commit failed\n");
    else if (s->wres == KERR_OK)
        plain(s, 200, "OK\n");
    else if (s->wres == KERR_NOT_FOUND)
        plain(s, 404, "not found\n");
    else if (s->wres == KERR_INVALID)
        plain(s, 400, "bad key or value\n");
    else
        plain(s, 500, kerr_str(s->wres));
}

static void commit_done(kwork_t *w)
{
    kerr_t res = w->result;
    k.committing = 0;
    k.txn_open = 0;
    httpd_stats.commits++;
    hslot_t *s = k.batch.head;
    k.batch.head = k.batch.tail = NULL;
    for (hslot_t *n; s; s = n) {
        n = s->next;
        answer_write(s, res);
    }
    s = k.deferred.head;
    k.deferred.head = k.deferred.tail = NULL;
    for (hslot_t *n; s; s = n) {
        n = s->next;
        s->inflight--; /* apply() counts it again */
        apply(s);
    }
}

static void maybe_commit(void)
{
    if (k.pending || !k.txn_open || k.committing || !k.batch.head)
        return;
    kv_req_init(&k.commitq, KOP_KV_COMMIT, &k.kv, commit_done, NULL);
    k.commitq.txn = &k.txn;
    k.committing = 1;
    if (ksubmit(&k.commitq.work) != KERR_OK) {
        k.commitq.work.result = KERR_IO;
        commit_done(&k.commitq.work);
    }
}

static void write_done(kwork_t *w)
{
    hslot_t *s = w->ctx;
    s->wres = w->result;
    k.pending--;
    maybe_commit();
}

static void apply(hslot_t *s)
{
    s->inflight++; /* until answer_write */
    if (k.committing) {
        push(&k.deferred, s);
        return;
    }
    if (!k.txn_open) {
        kerr_t err = kv_begin(&k.kv, &k.txn, 1);
        if (err) {
            s->wres = err;
            answer_write(s, KERR_OK);
            return;
        }
        k.txn_open = 1;
    }
    int del = s->req.method == HTTP_M_DELETE;
    kv_req_init(&s->kq, del ? KOP_KV_DEL : KOP_KV_PUT, &k.kv, write_done, s);
    s->kq.txn = &k.txn;
    s->kq.key = s->key;
    s->kq.klen = s->klen;
    s->kq.val = s->body;
    s->kq.vlen = s->body_len;
    push(&k.batch, s);
    k.pending++;
    if (del)
        httpd_stats.deletes++;
    else
        httpd_stats.puts++;
    if (ksubmit(&s->kq.work) != KERR_OK) {
        s->kq.work.result = KERR_INVALID;
        write_done(&s->kq.work);
    }
}

void kvops_write(hslot_t *s, int del)
{
    (void)del; /* the method says which */
    apply(s);
}

/* ---- start-up ------------------------------------------------------------ */

static void open_done(kwork_t *w)
{
    if (w->result != KERR_OK) {
        printk(KLOG_ERR,
               "httpd: cannot open the store on device 0: %s; /kv answers 503",
               kerr_str(w->result));
    } else {
        kv_stats_t st;
        kv_stats(&k.kv, &st);
        httpd_store_ready = 1;
        printk(KLOG_INFO, "httpd: store open: %llu keys, txid %llu",
               (unsigned long long)st.nkeys, (unsigned long long)st.txid);
    }
    k.ready();
}

void kvops_start(void (*ready)(void))
{
    kblk_info_t info;
    k.ready = ready;
    if (kblk_info(0, &info) != KERR_OK) {
        printk(KLOG_WARN, "httpd: no block device 0; /kv answers 503");
        ready();
        return;
    }
    k.cfg = (kv_config_t){.dev = 0, .cache_pages = KVOPS_CACHE_PAGES};
    size_t need = kv_mem_size(&k.cfg, info.sectors * info.sector_size / 4096);
    if (need <= sizeof kv_mem) {
        k.cfg.mem = kv_mem;
        k.cfg.mem_size = sizeof kv_mem;
    }
    kv_req_init(&k.openq, KOP_KV_OPEN, &k.kv, open_done, NULL);
    k.openq.cfg = &k.cfg;
    kerr_t err = ksubmit(&k.openq.work);
    if (err) {
        printk(KLOG_ERR, "httpd: kv open: %s", kerr_str(err));
        ready();
    }
}
