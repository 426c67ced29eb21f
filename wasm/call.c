/*
 * Calling into an instance: argument checking, the outermost-call state
 * machine (running -> done | trapped | suspended), fuel and trap queries.
 *
 * Only the outermost call can be suspended for lack of fuel. A call made
 * by a host function back into wasm (nesting) that runs out of fuel is
 * turned into WASM_TRAP_OUT_OF_FUEL, because its C caller cannot be
 * suspended with it.
 */
#include "module.h"

static const char *const wasm_trap_msgs[] = {
	[WASM_TRAP_NONE] = "no trap",
	[WASM_TRAP_UNREACHABLE] = "unreachable",
	[WASM_TRAP_MEMORY_OOB] = "out of bounds memory access",
	[WASM_TRAP_TABLE_OOB] = "out of bounds table access",
	[WASM_TRAP_DIV_ZERO] = "integer divide by zero",
	[WASM_TRAP_INT_OVERFLOW] = "integer overflow",
	[WASM_TRAP_BAD_CONVERSION] = "invalid conversion to integer",
	[WASM_TRAP_UNDEFINED_ELEM] = "undefined element",
	[WASM_TRAP_UNINIT_ELEM] = "uninitialized element",
	[WASM_TRAP_SIG_MISMATCH] = "indirect call type mismatch",
	[WASM_TRAP_STACK_EXHAUSTED] = "call stack exhausted",
	[WASM_TRAP_HOST] = "host function failed",
	[WASM_TRAP_OUT_OF_FUEL] = "out of fuel",
};

const char *wasm_trap_message(wasm_trap t)
{
	if ((unsigned)t >= sizeof(wasm_trap_msgs) / sizeof(wasm_trap_msgs[0]))
		return "unknown trap";
	return wasm_trap_msgs[t];
}

wasm_trap wasm_trap_code(const wasm_instance *inst)
{
	return inst->trap;
}

void wasm_set_fuel(wasm_instance *inst, uint64_t fuel)
{
	inst->fuel = fuel;
}

uint64_t wasm_fuel(const wasm_instance *inst)
{
	return inst->fuel;
}

bool wasm_suspended(const wasm_instance *inst)
{
	return inst->suspended;
}

static bool wasm_args_ok(const wasm_functype *t, const wasm_val *args,
			 size_t nargs, size_t nresults)
{
	if (nargs != t->nparams || nresults != t->nresults)
		return false;
	for (size_t i = 0; i < nargs; i++)
		if ((uint8_t)args[i].type != t->types[i])
			return false;
	return true;
}

static wasm_result wasm_call_host(wasm_func *f, const wasm_val *args,
				  wasm_val *results, wasm_instance *inst)
{
	for (uint32_t i = 0; i < f->type->nresults; i++) {
		results[i].type = (wasm_valtype)f->type->types[f->type->nparams + i];
		results[i].of.i64 = 0;
	}
	wasm_trap t = f->host(NULL, args, results, f->user);
	if (t == WASM_TRAP_NONE)
		return WASM_OK;
	inst->trap = t;
	return WASM_TRAP;
}

/* Common tail of call and resume: collect results or record suspension. */
static wasm_result wasm_finish(wasm_instance *inst, wasm_result r, wasm_slot *base,
			       wasm_val *results, bool outer, uint32_t base_frame)
{
	inst->depth--;
	if (r == WASM_OUT_OF_FUEL) {
		if (outer) {
			inst->suspended = true;
			return r;
		}
		inst->nframes = base_frame;
		inst->trap = WASM_TRAP_OUT_OF_FUEL;
		return WASM_TRAP;
	}
	inst->suspended = false;
	if (r != WASM_OK)
		return r;
	const wasm_functype *t = inst->call_func->type;
	for (uint32_t i = 0; i < t->nresults; i++)
		results[i] = wasm_val_from_slot(base[i], t->types[t->nparams + i]);
	return WASM_OK;
}

wasm_result wasm_call_func(wasm_instance *inst, wasm_func *f, const wasm_val *args,
			   size_t nargs, wasm_val *results, size_t nresults)
{
	if (!f || !wasm_args_ok(f->type, args, nargs, nresults))
		return WASM_ERR_ARGS;
	if (inst->suspended)
		return WASM_ERR_STATE;
	if (f->host)
		return wasm_call_host(f, args, results, inst);
	bool outer = inst->depth == 0;
	wasm_slot *base = outer ? inst->stack : inst->top;
	if ((size_t)(inst->stack_end - base) < nargs + 8) {
		inst->trap = WASM_TRAP_STACK_EXHAUSTED;
		return WASM_TRAP;
	}
	for (size_t i = 0; i < nargs; i++)
		base[i] = wasm_slot_from_val(&args[i]);
	wasm_func *saved = inst->call_func;
	inst->call_func = f;
	uint32_t base_frame = inst->nframes;
	inst->depth++;
	wasm_result r = wasm_exec(inst, f, base);
	r = wasm_finish(inst, r, base, results, outer, base_frame);
	if (!outer)
		inst->call_func = saved;
	return r;
}

wasm_result wasm_call(wasm_instance *inst, const char *name, size_t name_len,
		      const wasm_val *args, size_t nargs, wasm_val *results, size_t nresults)
{
	wasm_extern ex;
	if (wasm_instance_export(inst, name, name_len, &ex) != WASM_OK ||
	    ex.kind != WASM_EXTERN_FUNC)
		return WASM_ERR_NOT_FOUND;
	return wasm_call_func(inst, ex.of.func, args, nargs, results, nresults);
}

wasm_result wasm_resume(wasm_instance *inst, wasm_val *results, size_t nresults)
{
	if (!inst->suspended || inst->depth)
		return WASM_ERR_STATE;
	if (nresults != inst->call_func->type->nresults)
		return WASM_ERR_ARGS;
	inst->depth++;
	wasm_result r = wasm_exec_resume(inst);
	return wasm_finish(inst, r, inst->stack, results, true, 0);
}

void wasm_abandon(wasm_instance *inst)
{
	if (!inst->suspended)
		return;
	inst->suspended = false;
	inst->nframes = 0;
}
