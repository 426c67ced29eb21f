#include <stdint.h>
#include "kernel/kblk_check.h"

kerr_t kblk_check(const kblk_req_t *r, const kblk_info_t *info,
                  uint64_t *bytes)
{
    uint64_t total = 0;
    if (r->work.op == KOP_BLK_FLUSH) {
        *bytes = 0;
        return r->nsegs == 0 ? KERR_OK : KERR_INVALID;
    }
    if (r->work.op != KOP_BLK_READ && r->work.op != KOP_BLK_WRITE)
        return KERR_INVALID;
    if (r->nsegs == 0 || r->nsegs > KBLK_MAX_SEGS || !r->segs)
        return KERR_INVALID;
    for (uint32_t i = 0; i < r->nsegs; i++) {
        const kseg_t *s = &r->segs[i];
        if (!s->buf || ((uintptr_t)s->buf & (KBLK_ALIGN - 1)) ||
            s->len == 0 || s->len % info->sector_size)
            return KERR_INVALID;
        total += s->len;
    }
    uint64_t nsec = total / info->sector_size;
    if (r->sector > info->sectors || nsec > info->sectors - r->sector)
        return KERR_INVALID;
    if (r->work.op == KOP_BLK_WRITE && info->read_only)
        return KERR_READ_ONLY;
    *bytes = total;
    return KERR_OK;
}
