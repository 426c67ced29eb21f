/* KV block I/O: the store's own block requests, preallocated in its
 * memory. One page read at a time (the engine runs one request at a time
 * and waits for each missing page), up to wr_slots (<= KV_WR_SLOTS,
 * kv_config_t.write_slots) writes of up to
 * KBLK_MAX_SEGS contiguous pages each, and one flush.
 *
 * Writes go through a queue: a spill (or the commit) sorts the dirty
 * frames by page number and hands the whole list over; each write slot
 * takes the next run of contiguous pages (one multi-segment request) and,
 * when it completes, takes the run after that. So every page of a commit
 * is in flight or queued at once, the device always has KV_WR_SLOTS
 * requests to work on, and the engine runs again only when the queue is
 * empty and nothing is in flight. An I/O error stops the queue and is
 * remembered in io_err for the step to see.
 */
#include "lib/kstring.h"
#include "store/kv_int.h"

static void issue_run(kv_store_t *kv, uint32_t slot);

static void io_done(kwork_t *w)
{
    kv_store_t *kv = w->ctx;
    kv_priv_t *p = kv_p(kv);
    kblk_req_t *r = KCONTAINER_OF(w, kblk_req_t, work);
    kerr_t res = w->result;
    if (r == &p->ld) {
        if (p->ld_frame != KV_NONE)
            kv_load_done(kv, p->ld_frame, res);
        else if (res != KERR_OK)
            p->io_err = res;
    } else if (r != &p->fl) {
        uint32_t slot = (uint32_t)(r - p->wr);
        uint32_t *wf = &p->wr_frames[slot * KBLK_MAX_SEGS];
        for (uint32_t i = 0; i < r->nsegs; i++)
            kv_frame_clean(kv, wf[i]);
        if (res != KERR_OK)
            p->io_err = res;
        else if (p->wq_pos < p->wq_n && !p->io_err) {
            p->st.write_chained++;
            issue_run(kv, slot); /* before io_pending drops: no re-run */
        }
    } else if (res != KERR_OK) {
        p->io_err = res;
    }
    if (--p->io_pending == 0)
        kv_run(kv);
}

/* Submit (r); if the device refuses it, record the error as if it had
 * completed with it (the engine re-runs the step when nothing is in
 * flight, and the step sees the error). Returns the refusal. */
static kerr_t submit(kv_store_t *kv, kblk_req_t *r)
{
    kv_priv_t *p = kv_p(kv);
    p->io_pending++;
    kerr_t e = ksubmit(&r->work);
    if (e != KERR_OK) {
        p->io_pending--;
        p->io_err = e == KERR_READ_ONLY ? KERR_READ_ONLY : KERR_IO;
    }
    return e;
}

static void issue_read(kv_store_t *kv, uint32_t pgno, uint8_t *buf,
                       uint32_t frame)
{
    kv_priv_t *p = kv_p(kv);
    p->ld_seg = (kseg_t){buf, KV_PG};
    p->ld_frame = frame;
    kblk_req_init(&p->ld, KOP_BLK_READ, kv->dev,
                  (uint64_t)pgno << kv->sector_shift, &p->ld_seg, 1, io_done,
                  kv);
    p->st.page_reads++;
    if (submit(kv, &p->ld) != KERR_OK && frame != KV_NONE) {
        /* The fetch will report KERR_IO from the frame, not io_err. */
        kv_load_done(kv, frame, KERR_IO);
        p->io_err = KERR_OK;
    }
}

void kv_io_read(kv_store_t *kv, uint32_t pgno, uint8_t *buf, uint32_t frame)
{
    issue_read(kv, pgno, buf, frame);
}

static uint32_t pgno_of(kv_store_t *kv, uint32_t f)
{
    return kv_p(kv)->fpg[f];
}

static void sift(kv_store_t *kv, uint32_t *f, uint32_t i, uint32_t n)
{
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= n)
            return;
        if (c + 1 < n && pgno_of(kv, f[c + 1]) > pgno_of(kv, f[c]))
            c++;
        if (pgno_of(kv, f[i]) >= pgno_of(kv, f[c]))
            return;
        uint32_t t = f[i];
        f[i] = f[c];
        f[c] = t;
        i = c;
    }
}

/* Heapsort (n) frame numbers by page number: O(n log n), no memory. */
void kv_sort_frames(kv_store_t *kv, uint32_t *f, uint32_t n)
{
    for (uint32_t i = n / 2; i-- > 0;)
        sift(kv, f, i, n);
    for (uint32_t e = n; e-- > 1;) {
        uint32_t t = f[0];
        f[0] = f[e];
        f[e] = t;
        sift(kv, f, 0, e);
    }
}

/* Seal and write the next run of queued frames (contiguous page numbers,
 * up to KBLK_MAX_SEGS) with write slot (slot). Issued frames go WRITING,
 * then CLEAN on completion. */
static void issue_run(kv_store_t *kv, uint32_t slot)
{
    kv_priv_t *p = kv_p(kv);
    kblk_req_t *r = &p->wr[slot];
    kseg_t *seg = p->wr_seg[slot];
    uint32_t *wf = &p->wr_frames[slot * KBLK_MAX_SEGS];
    uint32_t pg0 = pgno_of(kv, p->wq[p->wq_pos]), k = 0;
    while (p->wq_pos < p->wq_n && k < KBLK_MAX_SEGS &&
           pgno_of(kv, p->wq[p->wq_pos]) == pg0 + k) {
        uint32_t f = p->wq[p->wq_pos++];
        kv_page_seal(kv_fdata(kv, f));
        kv_frame_writing(kv, f);
        wf[k] = f;
        seg[k++] = (kseg_t){kv_fdata(kv, f), KV_PG};
    }
    kblk_req_init(r, KOP_BLK_WRITE, kv->dev, (uint64_t)pg0 << kv->sector_shift,
                  seg, k, io_done, kv);
    p->st.page_writes += k;
    p->st.write_reqs++;
    p->st.bytes_written += (uint64_t)k * KV_PG;
    if (submit(kv, r) != KERR_OK) {
        for (uint32_t j = 0; j < k; j++)
            kv_frame_clean(kv, wf[j]);
        p->wq_pos = p->wq_n; /* the step sees io_err: stop here */
    }
}

/* Queue frames (frames)[0..n), sorted by page number, for writing and
 * start one run in every write slot; completions issue the rest. The
 * array must stay untouched until nothing is in flight. */
void kv_io_write(kv_store_t *kv, uint32_t *frames, uint32_t n)
{
    kv_priv_t *p = kv_p(kv);
    p->wq = frames;
    p->wq_n = n;
    p->wq_pos = 0;
    for (uint32_t slot = 0; slot < p->wr_slots && p->wq_pos < p->wq_n; slot++)
        issue_run(kv, slot);
}

/* Write (len) bytes of (buf) at page (pgno): the meta page. */
void kv_io_write_buf(kv_store_t *kv, uint32_t pgno, uint8_t *buf, uint32_t len)
{
    kv_priv_t *p = kv_p(kv);
    p->ld_seg = (kseg_t){buf, len};
    p->ld_frame = KV_NONE;
    kblk_req_init(&p->ld, KOP_BLK_WRITE, kv->dev,
                  (uint64_t)pgno << kv->sector_shift, &p->ld_seg, 1, io_done,
                  kv);
    p->st.page_writes++;
    p->st.bytes_written += len;
    submit(kv, &p->ld);
}

void kv_io_flush(kv_store_t *kv)
{
    kv_priv_t *p = kv_p(kv);
    kblk_req_init(&p->fl, KOP_BLK_FLUSH, kv->dev, 0, NULL, 0, io_done, kv);
    p->st.flushes++;
    submit(kv, &p->fl);
}

/* Write every dirty frame that is not pinned: KV_WAIT if any was issued,
 * KERR_NOMEM if there was none. The
 * commit uses it, and so does a request that is short of cache frames:
 * writing dirty pages early is safe because no meta reaches them yet; if
 * the txn changes one again it is simply written again. */
int kv_spill(kv_store_t *kv)
{
    kv_priv_t *p = kv_p(kv);
    uint32_t n = 0;
    for (uint32_t f = p->ldirty.head; f != KV_NONE; f = p->fr[f].next)
        if (!(p->fbits[f] & KV_FB_PIN))
            p->sortbuf[n++] = f;
    if (n == 0)
        return KERR_NOMEM;
    kv_sort_frames(kv, p->sortbuf, n);
    kv_io_write(kv, p->sortbuf, n);
    return KV_WAIT;
}
