/* Hosted RNG: getrandom(2). It never blocks once the host has booted, so
 * requests complete inside submit (the callback still waits for tick). */
#include <errno.h>
#include <sys/random.h>

#include "kernel/kservice.h"
#include "mote/krng.h"
#include "platform/hosted/hosted.h"

static kerr_t rng_submit(kwork_t *w)
{
    if (w->op != KOP_RNG_READ)
        return KERR_INVALID;
    krng_req_t *r = KCONTAINER_OF(w, krng_req_t, work);
    if (r->len && !r->buf)
        return KERR_INVALID;
    uint8_t *p = r->buf;
    uint32_t left = r->len;
    while (left) {
        ssize_t n = getrandom(p, left, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            kcomplete(w, KERR_IO);
            return KERR_OK;
        }
        p += n;
        left -= (uint32_t)n;
    }
    kcomplete(w, KERR_OK);
    return KERR_OK;
}

static const kservice_t rng_service = {
    .name = "hosted-rng",
    .submit = rng_submit,
};

void hosted_rng_init(void)
{
    kservice_register(KOP_CLASS_RNG, &rng_service);
}
