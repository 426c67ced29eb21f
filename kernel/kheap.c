/* Pairing heap of work items by deadline; see kheap.h. */
#include "kernel/kheap.h"

static void unlink_all(kwork_t *w)
{
    w->heap_child = w->heap_sibling = w->heap_parent = NULL;
}

/* Meld two roots (each with no sibling and no parent). */
static kwork_t *meld(kwork_t *a, kwork_t *b)
{
    if (!a)
        return b;
    if (!b)
        return a;
    if (b->deadline < a->deadline) {
        kwork_t *t = a;
        a = b;
        b = t;
    }
    b->heap_sibling = a->heap_child;
    if (a->heap_child)
        a->heap_child->heap_parent = b;
    b->heap_parent = a;
    a->heap_child = b;
    return a;
}

/* The standard two-pass merge of a child list into one tree: pair up left
 * to right, then meld the pairs right to left. The first pass builds its
 * results as a stack through heap_sibling, so the second pass pops them in
 * right-to-left order for free. */
static kwork_t *merge_pairs(kwork_t *first)
{
    kwork_t *stack = NULL;
    while (first) {
        kwork_t *a = first, *b = a->heap_sibling;
        first = b ? b->heap_sibling : NULL;
        a->heap_sibling = a->heap_parent = NULL;
        if (b)
            b->heap_sibling = b->heap_parent = NULL;
        kwork_t *m = meld(a, b);
        m->heap_sibling = stack;
        stack = m;
    }
    kwork_t *root = NULL;
    while (stack) {
        kwork_t *next = stack->heap_sibling;
        stack->heap_sibling = NULL;
        root = meld(root, stack);
        stack = next;
    }
    return root;
}

void kheap_insert(kheap_t *h, kwork_t *w)
{
    unlink_all(w);
    h->root = meld(h->root, w);
    h->count++;
}

void kheap_remove(kheap_t *h, kwork_t *w)
{
    kwork_t *sub = merge_pairs(w->heap_child);
    if (w == h->root) {
        h->root = sub;
    } else {
        kwork_t *prev = w->heap_parent;
        if (prev->heap_child == w)
            prev->heap_child = w->heap_sibling;
        else
            prev->heap_sibling = w->heap_sibling;
        if (w->heap_sibling)
            w->heap_sibling->heap_parent = prev;
        h->root = meld(h->root, sub);
    }
    if (h->root)
        h->root->heap_parent = NULL;
    unlink_all(w);
    h->count--;
}
