/*
 * Instantiation: resolve and type-check imports, create the module's own
 * functions, globals, tables and memories, then apply element and data
 * segments in order and run the start function.
 *
 * Failure after segments started being applied is a trap, not a link
 * error: writes already made to imported tables and memories stay, as the
 * spec requires, and those tables may now hold functions of this very
 * instance. So on WASM_TRAP the instance is still handed back, and must be
 * kept alive while anything may call into it.
 */
#include "module.h"

#define LINK_FAIL(msg) do { *why = (msg); return WASM_ERR_UNLINKABLE; } while (0)

static bool wasm_limits_match(uint32_t min, uint32_t max, const wasm_limits_def *want)
{
	if (min < want->min)
		return false;
	if (want->max == UINT32_MAX)
		return true;
	return max != UINT32_MAX && max <= want->max;
}

static wasm_result wasm_link_one(wasm_instance *inst, const wasm_import_def *im,
				 const wasm_extern *ex, uint32_t *n, const char **why)
{
	const wasm_module *m = inst->module;
	if (ex->kind != im->pub.kind)
		LINK_FAIL("incompatible import type");
	switch (im->pub.kind) {
	case WASM_EXTERN_FUNC:
		if (!wasm_functype_eq(ex->of.func->type, &m->types[im->of.type]))
			LINK_FAIL("incompatible import type");
		inst->funcs[n[0]++] = ex->of.func;
		break;
	case WASM_EXTERN_TABLE: {
		wasm_table *t = ex->of.table;
		if (t->type != im->of.table.elem ||
		    !wasm_limits_match(t->size, t->max_declared, &im->of.table.lim))
			LINK_FAIL("incompatible import type");
		inst->tables[n[1]++] = t;
		break;
	}
	case WASM_EXTERN_MEMORY: {
		wasm_memory *mem = ex->of.memory;
		if (!wasm_limits_match(mem->pages, mem->max_declared, &im->of.mem))
			LINK_FAIL("incompatible import type");
		inst->mems[n[2]++] = mem;
		break;
	}
	case WASM_EXTERN_GLOBAL: {
		wasm_global *g = ex->of.global;
		if (g->type != im->of.global.type || g->mut != im->of.global.mut)
			LINK_FAIL("incompatible import type");
		inst->globals[n[3]++] = g;
		break;
	}
	}
	return WASM_OK;
}

static wasm_result wasm_link(wasm_instance *inst, wasm_resolver resolve,
			     void *user, const char **why)
{
	const wasm_module *m = inst->module;
	uint32_t n[4] = { 0, 0, 0, 0 };
	for (uint32_t i = 0; i < m->nimports; i++) {
		const wasm_import_def *im = &m->imports[i];
		wasm_extern ex;
		memset(&ex, 0, sizeof(ex));
		if (!resolve || !resolve(user, &im->pub, &ex) || !ex.of.func)
			LINK_FAIL("unknown import");
		wasm_result r = wasm_link_one(inst, im, &ex, n, why);
		if (r)
			return r;
	}
	return WASM_OK;
}

/* Evaluate a constant expression in (inst): imports and functions are in
 * place by the time any constant expression runs. */
static wasm_slot wasm_const_eval(wasm_instance *inst, const wasm_constexpr *e)
{
	wasm_slot s;
	s.u64 = 0;
	switch (e->op) {
	case 0x23: s = inst->globals[e->value]->val; break;
	case 0xd2: s.ref = inst->funcs[e->value]; break;
	case 0xd0: break;
	default: s.u64 = e->value; break;
	}
	return s;
}

void *wasm_elem_value(wasm_instance *inst, const wasm_constexpr *e)
{
	return wasm_const_eval(inst, e).ref;
}

#define ALLOC(p, n) \
	do { \
		(p) = wasm_xalloc(&inst->alloc, ((size_t)(n) + 1) * sizeof(*(p))); \
		if (!(p)) \
			return WASM_ERR_NOMEM; \
	} while (0)

static wasm_result wasm_alloc_spaces(wasm_instance *inst)
{
	const wasm_module *m = inst->module;
	ALLOC(inst->funcs, m->nfuncs);
	ALLOC(inst->own_funcs, m->nfuncs - m->nfunc_imports);
	ALLOC(inst->tables, m->ntables);
	ALLOC(inst->mems, m->nmems);
	ALLOC(inst->globals, m->nglobals);
	ALLOC(inst->own_globals, m->nglobals - m->nglobal_imports);
	ALLOC(inst->elem_dropped, m->nelems);
	ALLOC(inst->data_dropped, m->ndatas);
	ALLOC(inst->frames, inst->limits.max_call_depth);
	ALLOC(inst->stack, inst->limits.stack_slots);
	inst->stack_end = inst->stack + inst->limits.stack_slots;
	return WASM_OK;
}

static wasm_result wasm_define(wasm_instance *inst, const char **why)
{
	const wasm_module *m = inst->module;
	for (uint32_t i = m->nfunc_imports; i < m->nfuncs; i++) {
		wasm_func *f = &inst->own_funcs[i - m->nfunc_imports];
		f->type = &m->types[m->func_types[i]];
		f->inst = inst;
		f->code = &m->codes[i - m->nfunc_imports];
		inst->funcs[i] = f;
	}
	for (uint32_t i = m->nglobal_imports; i < m->nglobals; i++) {
		wasm_global *g = &inst->own_globals[i - m->nglobal_imports];
		g->type = m->globals[i].type;
		g->mut = m->globals[i].mut;
		g->val = wasm_const_eval(inst, &m->global_inits[i - m->nglobal_imports]);
		inst->globals[i] = g;
	}
	for (uint32_t i = m->ntable_imports; i < m->ntables; i++) {
		const wasm_tabletype *tt = &m->tables[i];
		uint32_t max = tt->lim.max;
		if (max > inst->limits.max_table_elems)
			max = inst->limits.max_table_elems;
		inst->tables[i] = wasm_table_new(&inst->alloc, (wasm_valtype)tt->elem,
						 tt->lim.min, max);
		if (!inst->tables[i]) {
			*why = "table exceeds limits";
			return WASM_ERR_NOMEM;
		}
		inst->tables[i]->max_declared = tt->lim.max;
	}
	for (uint32_t i = m->nmem_imports; i < m->nmems; i++) {
		const wasm_limits_def *l = &m->mems[i];
		uint32_t max = l->max;
		if (max > inst->limits.max_memory_pages)
			max = inst->limits.max_memory_pages;
		inst->mems[i] = wasm_memory_make(&inst->alloc, l->min, max);
		if (!inst->mems[i]) {
			*why = "memory exceeds limits";
			return WASM_ERR_NOMEM;
		}
		inst->mems[i]->max_declared = l->max;
	}
	return WASM_OK;
}

static wasm_result wasm_apply_elems(wasm_instance *inst, const char **why)
{
	const wasm_module *m = inst->module;
	for (uint32_t i = 0; i < m->nelems; i++) {
		const wasm_elem_def *e = &m->elems[i];
		if (e->mode == WASM_SEG_PASSIVE)
			continue;
		inst->elem_dropped[i] = 1;
		if (e->mode != WASM_SEG_ACTIVE)
			continue;
		wasm_table *t = inst->tables[e->table];
		uint64_t off = wasm_const_eval(inst, &e->offset).u32;
		if (off + e->count > t->size) {
			inst->trap = WASM_TRAP_TABLE_OOB;
			*why = "out of bounds table access";
			return WASM_TRAP;
		}
		for (uint32_t k = 0; k < e->count; k++)
			t->elems[off + k] = wasm_elem_value(inst, &e->items[k]);
	}
	return WASM_OK;
}

static wasm_result wasm_apply_datas(wasm_instance *inst, const char **why)
{
	const wasm_module *m = inst->module;
	for (uint32_t i = 0; i < m->ndatas; i++) {
		const wasm_data_def *d = &m->datas[i];
		if (d->mode != WASM_SEG_ACTIVE)
			continue;
		inst->data_dropped[i] = 1;
		wasm_memory *mem = inst->mems[d->mem];
		uint64_t off = wasm_const_eval(inst, &d->offset).u32;
		if (off + d->len > mem->size) {
			inst->trap = WASM_TRAP_MEMORY_OOB;
			*why = "out of bounds memory access";
			return WASM_TRAP;
		}
		if (d->len)
			memcpy(mem->data + off, d->bytes, d->len);
	}
	return WASM_OK;
}

static void wasm_default_limits(wasm_limits *l, const wasm_limits *in)
{
	memset(l, 0, sizeof(*l));
	if (in)
		*l = *in;
	if (!l->max_memory_pages)
		l->max_memory_pages = 256;
	if (!l->max_table_elems)
		l->max_table_elems = 1u << 20;
	if (!l->max_call_depth)
		l->max_call_depth = 1000;
	if (!l->stack_slots)
		l->stack_slots = 64 * 1024;
}

static wasm_result wasm_setup(wasm_instance *inst, wasm_resolver resolve,
			      void *user, const char **why)
{
	wasm_result r = wasm_alloc_spaces(inst);
	if (r) {
		*why = "out of memory";
		return r;
	}
	if ((r = wasm_link(inst, resolve, user, why)) || (r = wasm_define(inst, why)))
		return r;
	if ((r = wasm_apply_elems(inst, why)) || (r = wasm_apply_datas(inst, why)))
		return r;
	const wasm_module *m = inst->module;
	if (m->has_start) {
		if (inst->limits.start_fuel)
			inst->fuel = inst->limits.start_fuel;
		r = wasm_call_func(inst, inst->funcs[m->start], NULL, 0, NULL, 0);
		inst->fuel = UINT64_MAX;
		if (r == WASM_OUT_OF_FUEL) {
			wasm_abandon(inst);
			inst->trap = WASM_TRAP_OUT_OF_FUEL;
		}
		if (r) {
			*why = wasm_trap_message(inst->trap);
			return WASM_TRAP;
		}
	}
	return WASM_OK;
}

wasm_result wasm_instantiate(wasm_instance **out, const wasm_module *m,
			     const wasm_allocator *alloc, const wasm_limits *limits,
			     wasm_resolver resolve, void *user, const char **why)
{
	const char *dummy;
	if (!why)
		why = &dummy;
	*out = NULL;
	wasm_instance *inst = wasm_xalloc(alloc, sizeof(*inst));
	if (!inst) {
		*why = "out of memory";
		return WASM_ERR_NOMEM;
	}
	inst->module = m;
	inst->alloc = *alloc;
	inst->fuel = UINT64_MAX;
	wasm_default_limits(&inst->limits, limits);
	wasm_result r = wasm_setup(inst, resolve, user, why);
	if (r == WASM_OK || r == WASM_TRAP) {
		*out = inst;
		return r;
	}
	wasm_instance_free(inst);
	return r;
}

#define FREE(p, n) wasm_xfree(&a, (p), ((size_t)(n) + 1) * sizeof(*(p)))

void wasm_instance_free(wasm_instance *inst)
{
	if (!inst)
		return;
	const wasm_module *m = inst->module;
	wasm_allocator a = inst->alloc;
	if (inst->tables)
		for (uint32_t i = m->ntable_imports; i < m->ntables; i++)
			wasm_table_free(inst->tables[i]);
	if (inst->mems)
		for (uint32_t i = m->nmem_imports; i < m->nmems; i++)
			wasm_memory_free(inst->mems[i]);
	FREE(inst->funcs, m->nfuncs);
	FREE(inst->own_funcs, m->nfuncs - m->nfunc_imports);
	FREE(inst->tables, m->ntables);
	FREE(inst->mems, m->nmems);
	FREE(inst->globals, m->nglobals);
	FREE(inst->own_globals, m->nglobals - m->nglobal_imports);
	FREE(inst->elem_dropped, m->nelems);
	FREE(inst->data_dropped, m->ndatas);
	FREE(inst->frames, inst->limits.max_call_depth);
	FREE(inst->stack, inst->limits.stack_slots);
	wasm_xfree(&a, inst, sizeof(*inst));
}

wasm_result wasm_instance_export(const wasm_instance *inst, const char *name,
				 size_t len, wasm_extern *out)
{
	const wasm_module *m = inst->module;
	for (uint32_t i = 0; i < m->nexports; i++) {
		const wasm_export_def *e = &m->exports[i];
		if (e->name_len != len || memcmp(e->name, name, len) != 0)
			continue;
		out->kind = (wasm_extern_kind)e->kind;
		switch (e->kind) {
		case WASM_EXTERN_FUNC: out->of.func = inst->funcs[e->index]; break;
		case WASM_EXTERN_TABLE: out->of.table = inst->tables[e->index]; break;
		case WASM_EXTERN_MEMORY: out->of.memory = inst->mems[e->index]; break;
		default: out->of.global = inst->globals[e->index]; break;
		}
		return WASM_OK;
	}
	return WASM_ERR_NOT_FOUND;
}
