/*
 * Linear memories and tables: creation, growth, and the checked accessors
 * host code uses to reach guest memory. Sizes are kept in 64 bits so a
 * full 4 GiB memory is representable; growth is refused (memory.grow
 * returns -1) past the effective maximum, which is the smaller of the
 * declared maximum and the embedder's limit.
 */
#include "module.h"

wasm_memory *wasm_memory_make(const wasm_allocator *a, uint32_t min, uint32_t max)
{
	wasm_memory *m = wasm_xalloc(a, sizeof(*m));
	if (!m)
		return NULL;
	m->alloc = *a;
	m->max = max > WASM_MAX_PAGES ? WASM_MAX_PAGES : max;
	m->max_declared = max;
	if (min > m->max || wasm_memory_grow(m, min) < 0) {
		wasm_xfree(a, m, sizeof(*m));
		return NULL;
	}
	return m;
}

int64_t wasm_memory_grow(wasm_memory *m, uint32_t delta)
{
	uint32_t old = m->pages;
	if (delta == 0)
		return old;
	if (delta > m->max || old > m->max - delta)
		return -1;
	uint64_t bytes = (uint64_t)(old + delta) * WASM_PAGE;
	if (bytes > SIZE_MAX)
		return -1;
	uint8_t *d = wasm_xrealloc(&m->alloc, m->data, (size_t)m->size, (size_t)bytes);
	if (!d)
		return -1;
	memset(d + m->size, 0, (size_t)(bytes - m->size));
	m->data = d;
	m->size = bytes;
	m->pages = old + delta;
	return old;
}

wasm_memory *wasm_memory_new(const wasm_allocator *alloc, uint32_t min, uint32_t max)
{
	return wasm_memory_make(alloc, min, max);
}

void wasm_memory_free(wasm_memory *m)
{
	if (!m)
		return;
	wasm_allocator a = m->alloc;
	wasm_xfree(&a, m->data, (size_t)m->size);
	wasm_xfree(&a, m, sizeof(*m));
}

int64_t wasm_table_grow(wasm_table *t, uint32_t delta, void *init)
{
	uint32_t old = t->size;
	if (delta > t->max || old > t->max - delta)
		return -1;
	size_t n = (size_t)old + delta;
	if (n > SIZE_MAX / sizeof(void *))
		return -1;
	if (delta) {
		void **e = wasm_xrealloc(&t->alloc, t->elems, old * sizeof(void *),
					 n * sizeof(void *));
		if (!e)
			return -1;
		for (size_t i = old; i < n; i++)
			e[i] = init;
		t->elems = e;
		t->size = (uint32_t)n;
	}
	return old;
}

wasm_table *wasm_table_new(const wasm_allocator *a, wasm_valtype type,
			   uint32_t min, uint32_t max)
{
	wasm_table *t = wasm_xalloc(a, sizeof(*t));
	if (!t)
		return NULL;
	t->alloc = *a;
	t->type = (uint8_t)type;
	t->max = max;
	t->max_declared = max;
	if (min > max || wasm_table_grow(t, min, NULL) < 0) {
		wasm_xfree(a, t, sizeof(*t));
		return NULL;
	}
	return t;
}

void wasm_table_free(wasm_table *t)
{
	if (!t)
		return;
	wasm_allocator a = t->alloc;
	wasm_xfree(&a, t->elems, (size_t)t->size * sizeof(void *));
	wasm_xfree(&a, t, sizeof(*t));
}

static wasm_memory *wasm_mem0(const wasm_instance *inst)
{
	return inst && inst->module->nmems ? inst->mems[0] : NULL;
}

/* The one place host code touches guest memory: check the whole range
 * against the current size first. */
static uint8_t *wasm_mem_range(const wasm_instance *inst, uint64_t addr, size_t len)
{
	wasm_memory *m = wasm_mem0(inst);
	if (!m || addr > m->size || len > m->size - addr)
		return NULL;
	return m->data + addr;
}

bool wasm_mem_read(const wasm_instance *inst, uint64_t addr, void *dst, size_t len)
{
	uint8_t *p = wasm_mem_range(inst, addr, len);
	if (!p)
		return false;
	if (len)
		memcpy(dst, p, len);
	return true;
}

bool wasm_mem_write(wasm_instance *inst, uint64_t addr, const void *src, size_t len)
{
	uint8_t *p = wasm_mem_range(inst, addr, len);
	if (!p)
		return false;
	if (len)
		memcpy(p, src, len);
	return true;
}

uint64_t wasm_mem_size(const wasm_instance *inst)
{
	wasm_memory *m = wasm_mem0(inst);
	return m ? m->size : 0;
}
