/*
 * Module-level validation: the rules that need every section decoded
 * (limits, constant expression types, segment targets, export names,
 * the start function). Function bodies are validated by compile.c.
 */
#include "module.h"

#define FAIL(msg) do { *why = (msg); return WASM_ERR_INVALID; } while (0)

bool wasm_functype_eq(const wasm_functype *a, const wasm_functype *b)
{
	return a->nparams == b->nparams && a->nresults == b->nresults &&
	       memcmp(a->types, b->types, a->nparams + a->nresults) == 0;
}

static bool wasm_is_ref(uint8_t t)
{
	return t == WASM_FUNCREF || t == WASM_EXTERNREF;
}

/* Type of a constant expression, or 0 if it names something invalid. */
static uint8_t wasm_constexpr_type(const wasm_module *m, const wasm_constexpr *e,
				   const char **why)
{
	if (e->op == 0x23) {
		if (e->value >= m->nglobal_imports) {
			*why = "unknown global";
			return 0;
		}
		if (m->globals[e->value].mut) {
			*why = "constant expression required";
			return 0;
		}
		return m->globals[e->value].type;
	}
	if (e->op == 0xd2 && e->value >= m->nfuncs) {
		*why = "unknown function";
		return 0;
	}
	return e->type;
}

static wasm_result wasm_check_const(const wasm_module *m, const wasm_constexpr *e,
				    uint8_t want, const char **why)
{
	uint8_t t = wasm_constexpr_type(m, e, why);
	if (!t)
		return WASM_ERR_INVALID;
	if (t != want)
		FAIL("type mismatch");
	return WASM_OK;
}

static wasm_result wasm_check_limits(const wasm_module *m, const char **why)
{
	for (uint32_t i = 0; i < m->ntables; i++)
		if (m->tables[i].lim.max != UINT32_MAX &&
		    m->tables[i].lim.min > m->tables[i].lim.max)
			FAIL("size minimum must not be greater than maximum");
	if (m->nmems > 1)
		FAIL("multiple memories");
	for (uint32_t i = 0; i < m->nmems; i++) {
		const wasm_limits_def *l = &m->mems[i];
		if (l->min > WASM_MAX_PAGES ||
		    (l->has_max && l->max > WASM_MAX_PAGES))
			FAIL("memory size must be at most 65536 pages (4GiB)");
		if (l->max != UINT32_MAX && l->min > l->max)
			FAIL("size minimum must not be greater than maximum");
	}
	return WASM_OK;
}

static wasm_result wasm_check_globals(const wasm_module *m, const char **why)
{
	for (uint32_t i = m->nglobal_imports; i < m->nglobals; i++) {
		const wasm_constexpr *e = &m->global_inits[i - m->nglobal_imports];
		wasm_result r = wasm_check_const(m, e, m->globals[i].type, why);
		if (r)
			return r;
	}
	return WASM_OK;
}

static bool wasm_name_eq(const wasm_export_def *a, const wasm_export_def *b)
{
	return a->name_len == b->name_len && memcmp(a->name, b->name, a->name_len) == 0;
}

static wasm_result wasm_check_exports(const wasm_module *m, const char **why)
{
	static const char *const unknown[4] = { "unknown function", "unknown table",
						"unknown memory", "unknown global" };
	for (uint32_t i = 0; i < m->nexports; i++) {
		const wasm_export_def *e = &m->exports[i];
		uint32_t n[4] = { m->nfuncs, m->ntables, m->nmems, m->nglobals };
		if (e->index >= n[e->kind])
			FAIL(unknown[e->kind]);
		/* quadratic, but export lists are short and this runs once */
		for (uint32_t k = 0; k < i; k++)
			if (wasm_name_eq(e, &m->exports[k]))
				FAIL("duplicate export name");
	}
	return WASM_OK;
}

static wasm_result wasm_check_elems(const wasm_module *m, const char **why)
{
	for (uint32_t i = 0; i < m->nelems; i++) {
		const wasm_elem_def *e = &m->elems[i];
		for (uint32_t k = 0; k < e->count; k++) {
			wasm_result r = wasm_check_const(m, &e->items[k], e->type, why);
			if (r)
				return r;
		}
		if (e->mode != WASM_SEG_ACTIVE)
			continue;
		if (e->table >= m->ntables)
			FAIL("unknown table");
		if (m->tables[e->table].elem != e->type)
			FAIL("type mismatch");
		wasm_result r = wasm_check_const(m, &e->offset, WASM_I32, why);
		if (r)
			return r;
	}
	return WASM_OK;
}

static wasm_result wasm_check_datas(const wasm_module *m, const char **why)
{
	for (uint32_t i = 0; i < m->ndatas; i++) {
		const wasm_data_def *d = &m->datas[i];
		if (d->mode != WASM_SEG_ACTIVE)
			continue;
		if (d->mem >= m->nmems)
			FAIL("unknown memory");
		wasm_result r = wasm_check_const(m, &d->offset, WASM_I32, why);
		if (r)
			return r;
	}
	return WASM_OK;
}

static wasm_result wasm_check_start(const wasm_module *m, const char **why)
{
	if (!m->has_start)
		return WASM_OK;
	if (m->start >= m->nfuncs)
		FAIL("unknown function");
	const wasm_functype *t = &m->types[m->func_types[m->start]];
	if (t->nparams || t->nresults)
		FAIL("start function");
	return WASM_OK;
}

wasm_result wasm_validate_module(const wasm_module *m, const char **why)
{
	wasm_result r;
	if ((r = wasm_check_limits(m, why)) || (r = wasm_check_globals(m, why)) ||
	    (r = wasm_check_exports(m, why)) || (r = wasm_check_elems(m, why)) ||
	    (r = wasm_check_datas(m, why)) || (r = wasm_check_start(m, why)))
		return r;
	(void)wasm_is_ref;
	return WASM_OK;
}
