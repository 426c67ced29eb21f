/*
 * Host-made functions and globals, and conversions between the public
 * wasm_val and the internal 8-byte slot.
 */
#include "module.h"

wasm_func *wasm_func_new(const wasm_allocator *a, const wasm_valtype *params,
			 uint32_t nparams, const wasm_valtype *results,
			 uint32_t nresults, wasm_host_fn fn, void *user)
{
	size_t n = (size_t)nparams + nresults;
	wasm_func *f = wasm_xalloc(a, sizeof(*f) + n + 1);
	if (!f)
		return NULL;
	uint8_t *types = (uint8_t *)(f + 1);
	for (uint32_t i = 0; i < nparams; i++)
		types[i] = (uint8_t)params[i];
	for (uint32_t i = 0; i < nresults; i++)
		types[nparams + i] = (uint8_t)results[i];
	f->own_type.nparams = nparams;
	f->own_type.nresults = nresults;
	f->own_type.types = types;
	f->type = &f->own_type;
	f->host = fn;
	f->user = user;
	f->alloc = *a;
	return f;
}

void wasm_func_free(wasm_func *f)
{
	if (!f)
		return;
	wasm_allocator a = f->alloc;
	wasm_xfree(&a, f, sizeof(*f) + f->own_type.nparams + f->own_type.nresults + 1);
}

void wasm_func_type(const wasm_func *f, uint32_t *np, uint32_t *nr,
		    const uint8_t **types)
{
	*np = f->type->nparams;
	*nr = f->type->nresults;
	*types = f->type->types;
}

wasm_global *wasm_global_new(const wasm_allocator *a, wasm_val init, bool mut)
{
	wasm_global *g = wasm_xalloc(a, sizeof(*g));
	if (!g)
		return NULL;
	g->alloc = *a;
	g->type = (uint8_t)init.type;
	g->mut = mut;
	g->val = wasm_slot_from_val(&init);
	return g;
}

void wasm_global_free(wasm_global *g)
{
	if (!g)
		return;
	wasm_allocator a = g->alloc;
	wasm_xfree(&a, g, sizeof(*g));
}

wasm_val wasm_global_get(const wasm_global *g)
{
	return wasm_val_from_slot(g->val, g->type);
}

wasm_slot wasm_slot_from_val(const wasm_val *v)
{
	wasm_slot s;
	s.u64 = 0;
	switch (v->type) {
	case WASM_I32: case WASM_F32: s.u64 = v->of.i32; break;
	case WASM_I64: case WASM_F64: s.u64 = v->of.i64; break;
	case WASM_FUNCREF: s.ref = v->of.func; break;
	case WASM_EXTERNREF: s.ref = v->of.ref; break;
	}
	return s;
}

wasm_val wasm_val_from_slot(wasm_slot s, uint8_t type)
{
	wasm_val v;
	v.type = (wasm_valtype)type;
	v.of.i64 = 0;
	switch (type) {
	case WASM_I32: case WASM_F32: v.of.i32 = s.u32; break;
	case WASM_I64: case WASM_F64: v.of.i64 = s.u64; break;
	case WASM_FUNCREF: v.of.func = s.ref; break;
	default: v.of.ref = s.ref; break;
	}
	return v;
}
