/*
 * libFuzzer target for the wasm runtime: module bytes go through decode
 * and validation; modules that load are instantiated against stub imports
 * of the requested types and every exported function is called with zero
 * arguments under a small fuel budget (resumed once, then abandoned), so
 * a guest that loops forever still returns. Memory, call depth and stack
 * limits are small to keep each input fast.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mote/wasm.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void *fz_realloc(void *user, void *p, size_t old, size_t n)
{
	(void)user;
	(void)old;
	if (n == 0) {
		free(p);
		return NULL;
	}
	return realloc(p, n);
}

static const wasm_allocator FZ_ALLOC = { fz_realloc, NULL };

typedef struct stubs {
	wasm_func *funcs[64];
	wasm_table *tables[8];
	wasm_memory *mems[4];
	wasm_global *globals[64];
	int nf, nt, nm, ng;
} stubs;

static wasm_trap fz_host(wasm_instance *c, const wasm_val *a, wasm_val *r, void *u)
{
	(void)c; (void)a; (void)r; (void)u;
	return WASM_TRAP_NONE;
}

static bool fz_resolve(void *user, const wasm_import *imp, wasm_extern *out)
{
	stubs *s = user;
	out->kind = imp->kind;
	switch (imp->kind) {
	case WASM_EXTERN_FUNC: {
		if (s->nf >= 64)
			return false;
		wasm_valtype p[64], r[64];
		if (imp->nparams > 64 || imp->nresults > 64)
			return false;
		for (uint32_t i = 0; i < imp->nparams; i++)
			p[i] = (wasm_valtype)imp->types[i];
		for (uint32_t i = 0; i < imp->nresults; i++)
			r[i] = (wasm_valtype)imp->types[imp->nparams + i];
		out->of.func = s->funcs[s->nf++] = wasm_func_new(&FZ_ALLOC, p, imp->nparams, r,
								  imp->nresults, fz_host, NULL);
		return out->of.func != NULL;
	}
	case WASM_EXTERN_TABLE:
		if (s->nt >= 8 || imp->min > 1000)
			return false;
		out->of.table = s->tables[s->nt++] =
			wasm_table_new(&FZ_ALLOC, imp->valtype, imp->min, imp->max);
		return out->of.table != NULL;
	case WASM_EXTERN_MEMORY:
		if (s->nm >= 4 || imp->min > 16)
			return false;
		out->of.memory = s->mems[s->nm++] = wasm_memory_new(&FZ_ALLOC, imp->min, imp->max);
		return out->of.memory != NULL;
	case WASM_EXTERN_GLOBAL: {
		if (s->ng >= 64)
			return false;
		wasm_val v;
		memset(&v, 0, sizeof(v));
		v.type = imp->valtype;
		out->of.global = s->globals[s->ng++] = wasm_global_new(&FZ_ALLOC, v, imp->mut);
		return out->of.global != NULL;
	}
	}
	return false;
}

static void fz_free_stubs(stubs *s)
{
	for (int i = 0; i < s->nf; i++) wasm_func_free(s->funcs[i]);
	for (int i = 0; i < s->nt; i++) wasm_table_free(s->tables[i]);
	for (int i = 0; i < s->nm; i++) wasm_memory_free(s->mems[i]);
	for (int i = 0; i < s->ng; i++) wasm_global_free(s->globals[i]);
}

static void fz_call(wasm_instance *inst, wasm_func *f)
{
	uint32_t np, nr;
	const uint8_t *types;
	wasm_val args[64], res[64];
	wasm_func_type(f, &np, &nr, &types);
	if (np > 64 || nr > 64)
		return;
	for (uint32_t i = 0; i < np; i++) {
		memset(&args[i], 0, sizeof(args[i]));
		args[i].type = (wasm_valtype)types[i];
	}
	wasm_set_fuel(inst, 20000);
	wasm_result r = wasm_call_func(inst, f, args, np, res, nr);
	if (r == WASM_OUT_OF_FUEL) {
		wasm_set_fuel(inst, 5000);
		r = wasm_resume(inst, res, nr);
		if (r == WASM_OUT_OF_FUEL)
			wasm_abandon(inst);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	wasm_module *m;
	if (wasm_module_load(&m, data, size, &FZ_ALLOC, NULL) != WASM_OK)
		return 0;
	stubs s;
	memset(&s, 0, sizeof(s));
	wasm_limits lim = { 16, 10000, 200, 16384, 20000 };
	wasm_instance *inst;
	wasm_instantiate(&inst, m, &FZ_ALLOC, &lim, fz_resolve, &s, NULL);
	if (inst) {
		uint32_t n = wasm_module_export_count(m);
		for (uint32_t i = 0; i < n && i < 32; i++) {
			const char *name;
			size_t len;
			wasm_extern_kind kind;
			wasm_extern ex;
			wasm_module_export_info(m, i, &name, &len, &kind);
			if (kind == WASM_EXTERN_FUNC &&
			    wasm_instance_export(inst, name, len, &ex) == WASM_OK)
				fz_call(inst, ex.of.func);
		}
	}
	wasm_instance_free(inst);
	fz_free_stubs(&s);
	wasm_module_free(m);
	return 0;
}
