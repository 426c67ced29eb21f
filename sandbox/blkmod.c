/* Modules on the block device: a manifest line "module blk:FIRST:BYTES"
 * names BYTES bytes starting at sector FIRST of block device 0 (write one
 * there with dd; docs/sandbox.md). They are read once, into boot memory,
 * before any instance starts; the image does not embed them. */
#include "kernel/kmem.h"
#include "lib/kstring.h"
#include "mote/kblk.h"
#include "mote/printk.h"
#include "sandbox/inst.h"

#define MAX_MODULE (16u << 20)

typedef struct blkmod {
    kblk_req_t req;
    kseg_t seg;
    sbx_blob_t blob;
    kerr_t err;
} blkmod_t;

static blkmod_t mods[SBX_MAX_INSTANCES];
static uint32_t nmods, pending;
static void (*loaded)(void);

/* "blk:FIRST:BYTES" -> first, bytes; false if (name) is not one. */
static bool parse(const char *name, uint64_t *first, uint64_t *bytes)
{
    if (strncmp(name, "blk:", 4))
        return false;
    const char *p = name + 4;
    uint64_t v[2] = {0, 0};
    for (int i = 0; i < 2; i++) {
        if (*p < '0' || *p > '9')
            return false;
        while (*p >= '0' && *p <= '9')
            v[i] = v[i] * 10 + (uint64_t)(*p++ - '0');
        if (*p++ != (i == 0 ? ':' : 0))
            return false;
    }
    *first = v[0];
    *bytes = v[1];
    return true;
}

static void read_done(kwork_t *w)
{
    blkmod_t *m = w->ctx;
    m->err = w->result;
    if (w->result)
        printk(KLOG_ERR, "sbx: cannot read module %s: %s", m->blob.name, kerr_str(w->result));
    if (--pending == 0)
        loaded();
}

static kerr_t start_read(blkmod_t *m, uint64_t first, uint64_t bytes)
{
    kblk_info_t info;
    if (kblk_info(0, &info))
        return KERR_NO_DEVICE;
    if (bytes == 0 || bytes > MAX_MODULE)
        return KERR_INVALID;
    uint64_t rounded = (bytes + info.sector_size - 1) / info.sector_size * info.sector_size;
    uint8_t *buf = kmem_alloc((size_t)rounded, KBLK_ALIGN);
    if (!buf)
        return KERR_NOMEM;
    m->blob.data = buf;
    m->blob.len = (uint32_t)bytes;
    m->seg = (kseg_t){buf, (uint32_t)rounded};
    kblk_req_init(&m->req, KOP_BLK_READ, 0, first, &m->seg, 1, read_done, m);
    m->req.work.deadline = ktime_now() + 30 * KTIME_S;
    return ksubmit(&m->req.work);
}

void sbx_blkmods_load(const sbx_manifest_t *man, void (*done)(void))
{
    loaded = done;
    nmods = pending = 0;
    for (uint32_t i = 0; i < man->ninst; i++) {
        uint64_t first, bytes;
        if (!parse(man->inst[i].module, &first, &bytes))
            continue;
        blkmod_t *m = &mods[nmods++];
        memset(m, 0, sizeof *m);
        m->blob.name = man->inst[i].module;
        m->err = start_read(m, first, bytes);
        if (m->err)
            printk(KLOG_ERR, "sbx: module %s: %s", m->blob.name, kerr_str(m->err));
        else
            pending++;
    }
    if (pending == 0)
        done();
}

const sbx_blob_t *sbx_blkmod_find(const char *name)
{
    for (uint32_t i = 0; i < nmods; i++)
        if (!strcmp(mods[i].blob.name, name) && mods[i].err == KERR_OK)
            return &mods[i].blob;
    return NULL;
}
