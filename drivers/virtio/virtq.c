/* mote: split virtqueue operations (see virtq.h for the ownership rules). */
#include "drivers/virtio/virtq.h"
#include "arch_io.h"
#include "kernel/kmem.h"
#include "kernel/platform.h"

#define PAGE 4096u

uint64_t virtq_avail_off(const virtq_t *vq)
{
    return 16u * vq->size;
}

uint64_t virtq_used_off(const virtq_t *vq)
{
    uint64_t end = virtq_avail_off(vq) + 6u + 2u * vq->size;
    return (end + PAGE - 1) & ~(uint64_t)(PAGE - 1);
}

virtq_t *virtq_alloc(uint16_t index, uint16_t size, bool event_idx)
{
    virtq_t *vq = kmem_alloc(sizeof *vq, 16);
    if (!vq)
        return NULL;
    vq->size = size;
    uint64_t total = virtq_used_off(vq) + 8u + 8u * size;
    char *mem = kmem_alloc((size_t)total, PAGE);
    vq->cookie = kmem_alloc(sizeof(void *) * size, sizeof(void *));
    if (!mem || !vq->cookie)
        return NULL;
    vq->index = index;
    vq->event_idx = event_idx;
    vq->desc = (virtq_desc_t *)(void *)mem;
    vq->avail = (volatile virtq_avail_t *)(void *)(mem + virtq_avail_off(vq));
    vq->used = (volatile virtq_used_t *)(void *)(mem + virtq_used_off(vq));
    for (uint16_t i = 0; i < size; i++)
        vq->desc[i].next = (uint16_t)(i + 1);
    vq->num_free = size;
    return vq;
}

bool virtq_add(virtq_t *vq, const virtq_buf_t *b, unsigned nout, unsigned nin,
               void *cookie)
{
    unsigned n = nout + nin;
    if (n == 0 || n > vq->num_free)
        return false;
    uint16_t head = vq->free_head, i = head, last = head;
    for (unsigned k = 0; k < n; k++) {
        virtq_desc_t *d = &vq->desc[i];
        d->addr = platform_dma_addr(b[k].p);
        d->len = b[k].len;
        d->flags = (uint16_t)((k >= nout ? VIRTQ_DESC_F_WRITE : 0) |
                              (k + 1 < n ? VIRTQ_DESC_F_NEXT : 0));
        last = i;
        i = d->next;
    }
    vq->free_head = vq->desc[last].next;
    vq->num_free = (uint16_t)(vq->num_free - n);
    vq->cookie[head] = cookie;
    vq->avail->ring[vq->avail_idx & (vq->size - 1)] = head;
    arch_wmb(); /* descriptors and ring entry before the index */
    vq->avail_idx++;
    vq->avail->idx = vq->avail_idx;
    return true;
}

bool virtq_kick_needed(virtq_t *vq)
{
    uint16_t old = vq->kicked_idx, now = vq->avail_idx;
    if (old == now)
        return false;
    vq->kicked_idx = now;
    arch_mb(); /* publish avail->idx before reading the device's wish */
    if (!vq->event_idx)
        return !(vq->used->flags & VIRTQ_USED_F_NO_NOTIFY);
    uint16_t ev = *(volatile uint16_t *)&vq->used->ring[vq->size]; /* avail_event */
    return (uint16_t)(now - ev - 1) < (uint16_t)(now - old);
}

void *virtq_get(virtq_t *vq, uint32_t *len)
{
    if (vq->last_used == vq->used->idx)
        return NULL;
    arch_rmb(); /* the index before the entry it covers */
    virtq_used_elem_t e = vq->used->ring[vq->last_used & (vq->size - 1)];
    vq->last_used++;
    if (e.id >= vq->size)
        return NULL; /* a broken device; never trust its ids */
    uint16_t head = (uint16_t)e.id, i = head, n = 1;
    while (vq->desc[i].flags & VIRTQ_DESC_F_NEXT) {
        i = vq->desc[i].next;
        n++;
    }
    vq->desc[i].next = vq->free_head;
    vq->free_head = head;
    vq->num_free = (uint16_t)(vq->num_free + n);
    if (len)
        *len = e.len;
    return vq->cookie[head];
}

bool virtq_rearm(virtq_t *vq)
{
    if (vq->event_idx)
        vq->avail->ring[vq->size] = vq->last_used; /* used_event */
    else
        vq->avail->flags = 0;
    arch_mb();
    return vq->last_used != vq->used->idx;
}

void virtq_quiet(virtq_t *vq)
{
    /* An event index just behind us is only crossed after 65535 more
     * entries: in practice, never. */
    if (vq->event_idx)
        vq->avail->ring[vq->size] = (uint16_t)(vq->last_used - 1);
    else
        vq->avail->flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
}
