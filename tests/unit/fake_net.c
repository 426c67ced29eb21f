/* The fake platform's frame device; see fake_platform.h. */
#include <stdlib.h>
#include <string.h>

#include "tests/unit/fake_internal.h"
#include "tests/unit/fake_platform.h"

#define SENT_KEEP 256
#define BACKLOG 64

static struct {
    bool attached;
    knet_info_t info;
    kwork_t *armed[256];
    int narmed;
    uint8_t backlog[BACKLOG][KNET_MAX_FRAME];
    uint32_t backlog_len[BACKLOG];
    int nbacklog;
    uint8_t sent[SENT_KEEP][KNET_MAX_FRAME];
    uint32_t sent_len[SENT_KEEP];
    int nsent;
} n;

static const kservice_t net_service;

void fake_net_reset(void)
{
    memset(&n, 0, sizeof n);
}

void fake_net_attach(const uint8_t mac[6])
{
    fake_net_reset();
    n.attached = true;
    memcpy(n.info.mac, mac, 6);
    n.info.link_up = 1;
    n.info.mtu = 1500;
    kservice_register(KOP_CLASS_NET, &net_service);
}

static void finish_later(kwork_t *w)
{
    fake_deliver_later(w, KERR_OK);
}

static void deliver(kwork_t *w, const void *frame, uint32_t len)
{
    knet_req_t *r = KCONTAINER_OF(w, knet_req_t, work);
    r->done = len < r->len ? len : r->len;
    memcpy(r->buf, frame, r->done);
    finish_later(w);
}

void fake_net_inject(const void *frame, uint32_t len)
{
    if (len > KNET_MAX_FRAME)
        len = KNET_MAX_FRAME;
    if (n.narmed) {
        kwork_t *w = n.armed[0];
        memmove(n.armed, n.armed + 1, (size_t)--n.narmed * sizeof n.armed[0]);
        deliver(w, frame, len);
    } else if (n.nbacklog < BACKLOG) {
        memcpy(n.backlog[n.nbacklog], frame, len);
        n.backlog_len[n.nbacklog++] = len;
    } else {
        n.info.rx_dropped++;
    }
}

int fake_net_sent_count(void)
{
    return n.nsent;
}

const uint8_t *fake_net_sent(int i, uint32_t *len)
{
    if (i < 0 || i >= n.nsent)
        return NULL;
    *len = n.sent_len[i];
    return n.sent[i];
}

void fake_net_clear_sent(void)
{
    n.nsent = 0;
}

static kerr_t net_submit(kwork_t *w)
{
    knet_req_t *r = KCONTAINER_OF(w, knet_req_t, work);
    if (!n.attached || r->dev != 0)
        return KERR_NO_DEVICE;
    if (w->op == KOP_NET_SEND) {
        if (r->len < 14 || r->len > KNET_MAX_FRAME)
            return KERR_INVALID;
        if (n.nsent == SENT_KEEP) { /* keep the newest */
            memmove(n.sent, n.sent + 1, sizeof n.sent - sizeof n.sent[0]);
            memmove(n.sent_len, n.sent_len + 1, sizeof n.sent_len - sizeof n.sent_len[0]);
            n.nsent--;
        }
        memcpy(n.sent[n.nsent], r->buf, r->len);
        n.sent_len[n.nsent++] = r->len;
        finish_later(w);
        return KERR_OK;
    }
    if (w->op != KOP_NET_RECV)
        return KERR_INVALID;
    if (n.nbacklog) {
        deliver(w, n.backlog[0], n.backlog_len[0]);
        memmove(n.backlog, n.backlog + 1, (size_t)(n.nbacklog - 1) * sizeof n.backlog[0]);
        memmove(n.backlog_len, n.backlog_len + 1, (size_t)(n.nbacklog - 1) * sizeof n.backlog_len[0]);
        n.nbacklog--;
        return KERR_OK;
    }
    n.armed[n.narmed++] = w;
    return KERR_OK;
}

static bool net_cancel(kwork_t *w)
{
    for (int i = 0; i < n.narmed; i++) {
        if (n.armed[i] == w) {
            memmove(n.armed + i, n.armed + i + 1, (size_t)(--n.narmed - i) * sizeof n.armed[0]);
            return true;
        }
    }
    return false;
}

static kerr_t net_info(uint32_t dev, void *out)
{
    if (!n.attached || dev != 0)
        return KERR_NO_DEVICE;
    *(knet_info_t *)out = n.info;
    return KERR_OK;
}

static const kservice_t net_service = {
    .name = "fake-net",
    .submit = net_submit,
    .cancel = net_cancel,
    .info = net_info,
};
