/*
 * wasm_module_load: the one entry point from bytes to a validated module.
 */
#include "module.h"

wasm_result wasm_module_load(wasm_module **out, const uint8_t *bytes, size_t len,
			     const wasm_allocator *alloc, const char **why)
{
	const char *dummy;
	if (!why)
		why = &dummy;
	*out = NULL;
	wasm_module *m = wasm_xalloc(alloc, sizeof(*m));
	if (!m) {
		*why = "out of memory";
		return WASM_ERR_NOMEM;
	}
	m->alloc = *alloc;
	wasm_result r = wasm_decode(m, bytes, len, why);
	if (r == WASM_OK)
		r = wasm_validate_module(m, why);
	if (r != WASM_OK) {
		wasm_module_free(m);
		return r;
	}
	*out = m;
	return WASM_OK;
}

uint32_t wasm_module_export_count(const wasm_module *m)
{
	return m->nexports;
}

bool wasm_module_memory_limits(const wasm_module *m, uint32_t *min, uint32_t *max)
{
	if (m->nmems == 0)
		return false;
	*min = m->mems[0].min;
	*max = m->mems[0].has_max ? m->mems[0].max : UINT32_MAX;
	return true;
}

bool wasm_module_export_info(const wasm_module *m, uint32_t i, const char **name,
			     size_t *len, wasm_extern_kind *kind)
{
	if (i >= m->nexports)
		return false;
	*name = m->exports[i].name;
	*len = m->exports[i].name_len;
	*kind = (wasm_extern_kind)m->exports[i].kind;
	return true;
}
