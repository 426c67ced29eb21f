/* mote: the deadline heap (kernel-internal).
 *
 * Every live work item with a deadline sits in one pairing heap keyed by
 * that deadline. The links are intrusive (kwork_t's heap_* fields), so
 * there is no capacity and no allocation: insert O(1), remove-min and
 * removal of any node O(log n) amortised. Items with equal deadlines come
 * out in no promised order.
 *
 * Pointers: heap_child is the leftmost child, heap_sibling the next one to
 * the right, heap_parent the node to the left: the parent for a leftmost
 * child, the left sibling otherwise (the classic "prev" link, which is what
 * makes unlinking an arbitrary node O(1) before the re-merge).
 */
#ifndef MOTE_KHEAP_H
#define MOTE_KHEAP_H

#include "mote/kwork.h"

typedef struct kheap {
    kwork_t *root;
    uint32_t count;
} kheap_t;

void kheap_insert(kheap_t *h, kwork_t *w);
void kheap_remove(kheap_t *h, kwork_t *w);

/* The earliest item, or NULL. O(1). */
static inline kwork_t *kheap_min(const kheap_t *h)
{
    return h->root;
}

#endif
