/*
 * Allocation helpers. Module data (types, names, compiled code) is
 * allocated in blocks chained from the module, so wasm_module_free
 * releases everything in one walk and decode errors need no cleanup code.
 */
#include "module.h"

struct wasm_block {
	struct wasm_block *next;
	size_t size;
	uint64_t pad; /* keep the payload 16-byte aligned */
};

void *wasm_xalloc(const wasm_allocator *a, size_t size)
{
	void *p = a->realloc(a->user, NULL, 0, size ? size : 1);
	if (p)
		memset(p, 0, size);
	return p;
}

void *wasm_xrealloc(const wasm_allocator *a, void *p, size_t old, size_t size)
{
	return a->realloc(a->user, p, old, size ? size : 1);
}

void wasm_xfree(const wasm_allocator *a, void *p, size_t size)
{
	if (p)
		a->realloc(a->user, p, size ? size : 1, 0);
}

/* Zeroed, freed with the module. */
void *wasm_mod_alloc(wasm_module *m, size_t size)
{
	size_t total = sizeof(struct wasm_block) + size;
	if (total < size)
		return NULL;
	struct wasm_block *b = wasm_xalloc(&m->alloc, total);
	if (!b)
		return NULL;
	b->size = total;
	b->next = m->blocks;
	m->blocks = b;
	return b + 1;
}

void wasm_module_free(wasm_module *m)
{
	if (!m)
		return;
	wasm_allocator a = m->alloc;
	struct wasm_block *b = m->blocks;
	while (b) {
		struct wasm_block *next = b->next;
		wasm_xfree(&a, b, b->size);
		b = next;
	}
	wasm_xfree(&a, m, sizeof(*m));
}

/* Arena: blocks are 16-byte aligned; only the last block can shrink,
 * grow in place or be reclaimed. */
static void *wasm_arena_realloc(void *user, void *ptr, size_t old, size_t size)
{
	wasm_arena *ar = user;
	size_t off = ptr ? (size_t)((uint8_t *)ptr - ar->base) : 0;
	bool last = ptr && off == ar->last;
	if (size == 0) {
		if (last)
			ar->used = ar->last;
		return NULL;
	}
	size_t need = (size + 15) & ~(size_t)15;
	if (need < size)
		return NULL;
	if (last && need <= ar->size - off) {
		ar->used = off + need;
		return ptr;
	}
	size_t start = (ar->used + 15) & ~(size_t)15;
	if (start > ar->size || need > ar->size - start)
		return NULL;
	void *p = ar->base + start;
	if (ptr)
		memcpy(p, ptr, old < size ? old : size);
	ar->last = start;
	ar->used = start + need;
	return p;
}

void wasm_arena_init(wasm_arena *arena, void *buf, size_t size)
{
	uintptr_t b = (uintptr_t)buf;
	uintptr_t aligned = (b + 15) & ~(uintptr_t)15;
	size_t skip = (size_t)(aligned - b);
	arena->base = (uint8_t *)buf + skip;
	arena->size = size > skip ? size - skip : 0;
	arena->used = 0;
	arena->last = (size_t)-1;
}

wasm_allocator wasm_arena_allocator(wasm_arena *arena)
{
	wasm_allocator a = { wasm_arena_realloc, arena };
	return a;
}
