/* Request initialisers and device information for the device classes.
 * The checks that need device geometry live in the services; these only
 * fill in the struct. */
#include "kernel/kservice.h"
#include "lib/kstring.h"
#include "mote/kblk.h"
#include "mote/knet.h"
#include "mote/krng.h"

void krng_req_init(krng_req_t *r, void *buf, uint32_t len, kwork_fn callback,
                   void *ctx)
{
    kwork_init(&r->work, KOP_RNG_READ, callback, ctx);
    r->buf = buf;
    r->len = len;
}

void kblk_req_init(kblk_req_t *r, kop_t op, uint32_t dev, uint64_t sector,
                   const kseg_t *segs, uint32_t nsegs, kwork_fn callback,
                   void *ctx)
{
    kwork_init(&r->work, op, callback, ctx);
    r->dev = dev;
    r->sector = sector;
    r->segs = segs;
    r->nsegs = nsegs;
}

void knet_req_init(knet_req_t *r, kop_t op, uint32_t dev, void *buf,
                   uint32_t len, kwork_fn callback, void *ctx)
{
    kwork_init(&r->work, op, callback, ctx);
    r->dev = dev;
    r->buf = buf;
    r->len = len;
    r->done = 0;
}

static kerr_t info(unsigned cls, uint32_t dev, void *out)
{
    const kservice_t *svc = kservice_get(cls);
    if (!svc || !svc->info)
        return KERR_NO_DEVICE;
    return svc->info(dev, out);
}

kerr_t kblk_info(uint32_t dev, kblk_info_t *out)
{
    return info(KOP_CLASS_BLK, dev, out);
}

kerr_t knet_info(uint32_t dev, knet_info_t *out)
{
    return info(KOP_CLASS_NET, dev, out);
}
