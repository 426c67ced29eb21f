/*
 * The interpreter: one loop over the code form built by compile.c.
 *
 * Registers: pc (next code word), sp (next free value slot), fp (slot of
 * local 0 of the running function), ci (instance owning the running code,
 * for its globals, tables and memory), and the cached memory base/size.
 * Calls do not recurse in C: a wasm call pushes a wasm_frame on the
 * instance's frame stack and jumps. Only host functions run on the C
 * stack, and a host that calls back into wasm starts a nested invocation
 * bounded by the same frame limit.
 *
 * Dispatch is threaded: every handler ends in its own indirect jump
 * through a label table indexed by the opcode (clang/gcc computed goto),
 * which predicts far better than one shared switch jump; define
 * WASM_SWITCH_DISPATCH for a portable switch instead.
 *
 * Fuel lives in a register while running. OP_FUEL (function entry, loop
 * head) charges its operand; calls and loop back-edges charge on the
 * callee's/loop's behalf and skip that OP_FUEL, unless the tank is empty:
 * then the OP_FUEL runs and saves pc/sp/fp/function in the instance, so
 * wasm_resume re-enters exactly there.
 *
 * Memory bounds: every access computes the 64-bit effective address
 * (u32 address + u32 offset, which cannot overflow) and compares its end
 * against the current size; there are no guard pages to lean on.
 */
#include "float.h"
#include "module.h"
#include "ops.h"

#if !defined(WASM_SWITCH_DISPATCH) && (defined(__clang__) || defined(__GNUC__))
#define WASM_THREADED 1
#else
#define WASM_THREADED 0
#endif

#if WASM_THREADED
#pragma clang diagnostic ignored "-Wgnu-label-as-value"
#pragma GCC diagnostic ignored "-Wpedantic"
#define CASE(name) L_##name:
#define NEXT() goto *labels[*pc++]
#else
#define CASE(name) case OP_##name:
#define NEXT() goto dispatch
#endif

#define TRAP(code) do { trap = (code); goto trapped; } while (0)

#define LOAD_MEM() do { \
	wasm_memory *m0_ = ci->mems && ci->module->nmems ? ci->mems[0] : NULL; \
	mem = m0_ ? m0_->data : NULL; \
	memsize = m0_ ? m0_->size : 0; \
} while (0)

/* Effective address of an access of (n) bytes, or trap. */
#define EA(n) \
	uint64_t ea = (uint64_t)sp[-1].u32 + pc[0]; \
	pc++; \
	if (ea + (n) > memsize) \
		TRAP(WASM_TRAP_MEMORY_OOB)
#define SEA(n) \
	uint64_t ea = (uint64_t)sp[-2].u32 + pc[0]; \
	pc++; \
	if (ea + (n) > memsize) \
		TRAP(WASM_TRAP_MEMORY_OOB)

#define BINOP(field, expr) do { sp[-2].field = (expr); sp--; } while (0)
#define A (sp[-2])
#define B (sp[-1])

static inline uint32_t wasm_rotl32(uint32_t x, uint32_t n)
{
	n &= 31;
	return n ? (x << n) | (x >> (32 - n)) : x;
}

static inline uint64_t wasm_rotl64(uint64_t x, uint64_t n)
{
	n &= 63;
	return n ? (x << n) | (x >> (64 - n)) : x;
}

static inline uint16_t wasm_ld16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static inline uint32_t wasm_ld32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static inline uint64_t wasm_ld64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

/* Call a host function with the (np) params at (args); the results
 * replace them. Scratch wasm_val arrays go above (top). */
static wasm_trap wasm_host_call(wasm_instance *inst, wasm_instance *caller,
				wasm_func *f, wasm_slot *args, wasm_slot *top)
{
	const wasm_functype *t = f->type;
	size_t need = ((size_t)t->nparams + t->nresults) * sizeof(wasm_val);
	if ((size_t)((uint8_t *)inst->stack_end - (uint8_t *)top) < need + 16)
		return WASM_TRAP_STACK_EXHAUSTED;
	wasm_val *av = (wasm_val *)(void *)top;
	wasm_val *rv = av + t->nparams;
	for (uint32_t i = 0; i < t->nparams; i++) {
		av[i].type = (wasm_valtype)t->types[i];
		av[i].of.i64 = 0;
		if (t->types[i] == WASM_FUNCREF || t->types[i] == WASM_EXTERNREF)
			av[i].of.ref = args[i].ref;
		else
			av[i].of.i64 = args[i].u64;
	}
	for (uint32_t i = 0; i < t->nresults; i++) {
		rv[i].type = (wasm_valtype)t->types[t->nparams + i];
		rv[i].of.i64 = 0;
	}
	wasm_slot *saved = inst->top;
	inst->top = (wasm_slot *)(void *)(rv + t->nresults);
	wasm_trap tr = f->host(caller, av, rv, f->user);
	inst->top = saved;
	if (tr != WASM_TRAP_NONE)
		return tr;
	for (uint32_t i = 0; i < t->nresults; i++) {
		uint8_t ty = t->types[t->nparams + i];
		if (ty == WASM_FUNCREF || ty == WASM_EXTERNREF) {
			args[i].u64 = 0;
			args[i].ref = rv[i].of.ref;
		} else if (ty == WASM_I32 || ty == WASM_F32) {
			args[i].u64 = rv[i].of.i32;
		} else {
			args[i].u64 = rv[i].of.i64;
		}
	}
	return WASM_TRAP_NONE;
}

static bool wasm_sig_ok(const wasm_functype *a, const wasm_functype *b)
{
	return a == b || wasm_functype_eq(a, b);
}

/*
 * Run from (pc, sp, fp) in function (cur) until the invocation whose
 * bottom frame is at (base_frame) returns, traps or runs out of fuel.
 */
static wasm_result wasm_run(wasm_instance *inst, const uint32_t *pc,
			    wasm_slot *sp, wasm_slot *fp, wasm_func *cur,
			    uint32_t base_frame)
{
#if WASM_THREADED
	static const void *const labels[WASM_NOPS] = {
#define WASM_OP_LABEL(name, num) [num] = &&L_##name,
#define WASM_INT_LABEL(n, a, r, e) [OP_##n##_LL] = &&L_##n##_LL, \
		[OP_##n##_LC] = &&L_##n##_LC, [OP_##n##_C] = &&L_##n##_C, \
		[OP_##n##_L] = &&L_##n##_L, [OP_##n##_LLS] = &&L_##n##_LLS, \
		[OP_##n##_LCS] = &&L_##n##_LCS,
#define WASM_F_LABEL(n, a, r, e) [OP_##n##_LL] = &&L_##n##_LL, \
		[OP_##n##_L] = &&L_##n##_L, [OP_##n##_LLS] = &&L_##n##_LLS,
		WASM_OPS(WASM_OP_LABEL)
		WASM_BINOPS_I32(WASM_INT_LABEL)
		WASM_BINOPS_I64(WASM_INT_LABEL)
		WASM_BINOPS_F(WASM_F_LABEL)
		[OP_LOCAL_GET_LOAD32] = &&L_LOCAL_GET_LOAD32,
		[OP_LOCAL_GET_LOAD64] = &&L_LOCAL_GET_LOAD64,
		[OP_LOCAL_SET_GET] = &&L_LOCAL_SET_GET,
		[OP_LOCAL_COPY] = &&L_LOCAL_COPY,
		[OP_BR_IF_LOOP] = &&L_BR_IF_LOOP,
		[OP_BR_LOOP] = &&L_BR_LOOP,
		[OP_LOAD32_ADD_LC] = &&L_LOAD32_ADD_LC,
		[OP_LOAD32_ADD_LL] = &&L_LOAD32_ADD_LL,
		[OP_LOAD64_ADD_LC] = &&L_LOAD64_ADD_LC,
		[OP_LOAD64_ADD_LL] = &&L_LOAD64_ADD_LL,
		[OP_LOAD8U_ADD_LC] = &&L_LOAD8U_ADD_LC,
		[OP_LOAD8U_ADD_LL] = &&L_LOAD8U_ADD_LL,
		[OP_I32_ADD_LCT] = &&L_I32_ADD_LCT,
		[OP_I32_ADD_LLT] = &&L_I32_ADD_LLT,
#undef WASM_OP_LABEL
#undef WASM_INT_LABEL
#undef WASM_F_LABEL
	};
#endif
	wasm_instance *ci = cur->inst;
	uint8_t *mem;
	uint64_t memsize;
	uint64_t fuel = inst->fuel;
	wasm_trap trap = WASM_TRAP_NONE;
	wasm_frame *frames = inst->frames;
	uint32_t max_frames = inst->limits.max_call_depth;
	wasm_func *callee;
	const uint32_t *cbase = cur->code->code; /* branch targets are offsets */
	LOAD_MEM();

#if WASM_THREADED
	NEXT();
#else
dispatch:
	switch (*pc++) {
#endif

	CASE(UNREACHABLE) TRAP(WASM_TRAP_UNREACHABLE);
	CASE(FUEL) {
		if (fuel == 0) {
			/* suspend here; resuming re-executes this op */
			inst->s_pc = pc - 1;
			inst->s_sp = sp;
			inst->s_fp = fp;
			inst->s_func = cur;
			inst->fuel = 0;
			return WASM_OUT_OF_FUEL;
		}
		fuel = fuel > pc[0] ? fuel - pc[0] : 0;
		pc++;
		NEXT();
	}
	CASE(BR) pc = cbase + pc[0]; NEXT();
	CASE(BR_ADJ) {
		uint32_t arity = pc[2];
		wasm_slot *dst = fp + pc[1];
		for (uint32_t i = 0; i < arity; i++)
			dst[i] = (sp - arity)[i];
		sp = dst + arity;
		pc = cbase + pc[0];
		NEXT();
	}
	CASE(BR_IF) {
		sp--;
		if (sp->u32)
			pc = cbase + pc[0];
		else
			pc++;
		NEXT();
	}
	CASE(BR_IF_ADJ) {
		sp--;
		if (!sp->u32) {
			pc += 3;
			NEXT();
		}
		uint32_t arity = pc[2];
		wasm_slot *dst = fp + pc[1];
		for (uint32_t i = 0; i < arity; i++)
			dst[i] = (sp - arity)[i];
		sp = dst + arity;
		pc = cbase + pc[0];
		NEXT();
	}
	CASE(BR_UNLESS) {
		sp--;
		if (!sp->u32)
			pc = cbase + pc[0];
		else
			pc++;
		NEXT();
	}
	CASE(BR_TABLE) {
		uint32_t arity = pc[0], n = pc[1];
		uint32_t i = (--sp)->u32;
		if (i > n)
			i = n;
		const uint32_t *e = pc + 2 + 2 * i;
		if (e[1] == UINT32_MAX) {
			pc = pc + 2 + 2 * (n + 1); /* unused */
			for (uint32_t k = 0; k < arity; k++)
				fp[k] = (sp - arity)[k];
			sp = fp + arity;
			goto do_return;
		}
		wasm_slot *dst = fp + e[1];
		for (uint32_t k = 0; k < arity; k++)
			dst[k] = (sp - arity)[k];
		sp = dst + arity;
		pc = cbase + e[0];
		NEXT();
	}
	CASE(RETURN) {
		uint32_t n = pc[0];
		for (uint32_t k = 0; k < n; k++)
			fp[k] = (sp - n)[k];
		sp = fp + n;
	do_return:
		{
			wasm_frame *f = &frames[--inst->nframes];
			if (!f->ret_pc) {
				inst->fuel = fuel;
				inst->s_sp = sp;
				return WASM_OK;
			}
			pc = f->ret_pc;
			fp = f->fp;
			if (f->func->inst != ci) {
				ci = f->func->inst;
				LOAD_MEM();
			}
			cur = f->func;
			cbase = cur->code->code;
		}
		NEXT();
	}
	CASE(CALL) {
		callee = ci->funcs[pc[0]];
		pc++;
		goto do_call;
	}
	CASE(CALL_INDIRECT) {
		wasm_table *t = ci->tables[pc[1]];
		uint32_t i = (--sp)->u32;
		if (i >= t->size)
			TRAP(WASM_TRAP_UNDEFINED_ELEM);
		callee = t->elems[i];
		if (!callee)
			TRAP(WASM_TRAP_UNINIT_ELEM);
		if (!wasm_sig_ok(callee->type, &ci->module->types[pc[0]]))
			TRAP(WASM_TRAP_SIG_MISMATCH);
		pc += 2;
	do_call:
		if (callee->host) {
			uint32_t np = callee->type->nparams;
			inst->fuel = fuel;
			trap = wasm_host_call(inst, ci, callee, sp - np, sp);
			fuel = inst->fuel;
			if (trap != WASM_TRAP_NONE)
				goto trapped;
			sp = sp - np + callee->type->nresults;
			LOAD_MEM();
			NEXT();
		}
		{
			const wasm_code *code = callee->code;
			wasm_slot *nfp = sp - callee->type->nparams;
			if (inst->nframes >= max_frames ||
			    (size_t)(inst->stack_end - nfp) <
				    (size_t)code->nlocals + code->max_stack + 8)
				TRAP(WASM_TRAP_STACK_EXHAUSTED);
			wasm_frame *f = &frames[inst->nframes++];
			f->ret_pc = pc;
			f->fp = fp;
			f->func = cur;
			fp = nfp;
			sp = fp + callee->type->nparams;
			for (uint32_t k = callee->type->nparams; k < code->nlocals; k++)
				(sp++)->u64 = 0;
			/* charge the entry OP_FUEL here and skip it, unless the
			 * tank is empty: then run it, and it suspends */
			cbase = code->code;
			pc = cbase;
			if (fuel) {
				fuel = fuel > cbase[1] ? fuel - cbase[1] : 0;
				pc += 2;
			}
			cur = callee;
			if (callee->inst != ci) {
				ci = callee->inst;
				LOAD_MEM();
			}
		}
		NEXT();
	}

	CASE(DROP) sp--; NEXT();
	CASE(SELECT) {
		sp -= 2;
		if (!sp[1].u32)
			sp[-1] = sp[0];
		NEXT();
	}
	CASE(LOCAL_GET) *sp++ = fp[*pc++]; NEXT();
	CASE(LOCAL_SET) fp[*pc++] = *--sp; NEXT();
	CASE(LOCAL_TEE) fp[*pc++] = sp[-1]; NEXT();
	CASE(GLOBAL_GET) *sp++ = ci->globals[*pc++]->val; NEXT();
	CASE(GLOBAL_SET) ci->globals[*pc++]->val = *--sp; NEXT();
	CASE(TABLE_GET) {
		wasm_table *t = ci->tables[*pc++];
		uint32_t i = sp[-1].u32;
		if (i >= t->size)
			TRAP(WASM_TRAP_TABLE_OOB);
		sp[-1].u64 = 0;
		sp[-1].ref = t->elems[i];
		NEXT();
	}
	CASE(TABLE_SET) {
		wasm_table *t = ci->tables[*pc++];
		uint32_t i = sp[-2].u32;
		if (i >= t->size)
			TRAP(WASM_TRAP_TABLE_OOB);
		t->elems[i] = sp[-1].ref;
		sp -= 2;
		NEXT();
	}

	CASE(I32_LOAD) { EA(4); sp[-1].u32 = wasm_ld32(mem + ea); NEXT(); }
	CASE(I64_LOAD) { EA(8); sp[-1].u64 = wasm_ld64(mem + ea); NEXT(); }
	CASE(F32_LOAD) { EA(4); sp[-1].u32 = wasm_ld32(mem + ea); NEXT(); }
	CASE(F64_LOAD) { EA(8); sp[-1].u64 = wasm_ld64(mem + ea); NEXT(); }
	CASE(I32_LOAD8_S) { EA(1); sp[-1].s32 = (int8_t)mem[ea]; NEXT(); }
	CASE(I32_LOAD8_U) { EA(1); sp[-1].u32 = mem[ea]; NEXT(); }
	CASE(I32_LOAD16_S) { EA(2); sp[-1].s32 = (int16_t)wasm_ld16(mem + ea); NEXT(); }
	CASE(I32_LOAD16_U) { EA(2); sp[-1].u32 = wasm_ld16(mem + ea); NEXT(); }
	CASE(I64_LOAD8_S) { EA(1); sp[-1].s64 = (int8_t)mem[ea]; NEXT(); }
	CASE(I64_LOAD8_U) { EA(1); sp[-1].u64 = mem[ea]; NEXT(); }
	CASE(I64_LOAD16_S) { EA(2); sp[-1].s64 = (int16_t)wasm_ld16(mem + ea); NEXT(); }
	CASE(I64_LOAD16_U) { EA(2); sp[-1].u64 = wasm_ld16(mem + ea); NEXT(); }
	CASE(I64_LOAD32_S) { EA(4); sp[-1].s64 = (int32_t)wasm_ld32(mem + ea); NEXT(); }
	CASE(I64_LOAD32_U) { EA(4); sp[-1].u64 = wasm_ld32(mem + ea); NEXT(); }
	CASE(I32_STORE) { SEA(4); memcpy(mem + ea, &sp[-1].u32, 4); sp -= 2; NEXT(); }
	CASE(I64_STORE) { SEA(8); memcpy(mem + ea, &sp[-1].u64, 8); sp -= 2; NEXT(); }
	CASE(F32_STORE) { SEA(4); memcpy(mem + ea, &sp[-1].u32, 4); sp -= 2; NEXT(); }
	CASE(F64_STORE) { SEA(8); memcpy(mem + ea, &sp[-1].u64, 8); sp -= 2; NEXT(); }
	CASE(I32_STORE8) { SEA(1); mem[ea] = (uint8_t)sp[-1].u32; sp -= 2; NEXT(); }
	CASE(I32_STORE16) { SEA(2); uint16_t v = (uint16_t)sp[-1].u32; memcpy(mem + ea, &v, 2); sp -= 2; NEXT(); }
	CASE(I64_STORE8) { SEA(1); mem[ea] = (uint8_t)sp[-1].u32; sp -= 2; NEXT(); }
	CASE(I64_STORE16) { SEA(2); uint16_t v = (uint16_t)sp[-1].u32; memcpy(mem + ea, &v, 2); sp -= 2; NEXT(); }
	CASE(I64_STORE32) { SEA(4); memcpy(mem + ea, &sp[-1].u32, 4); sp -= 2; NEXT(); }
	CASE(MEMORY_SIZE) { sp->u64 = 0; (sp++)->u32 = (uint32_t)(memsize / WASM_PAGE); NEXT(); }
	CASE(MEMORY_GROW) {
		int64_t r = wasm_memory_grow(ci->mems[0], sp[-1].u32);
		sp[-1].s32 = (int32_t)r;
		LOAD_MEM();
		NEXT();
	}
	CASE(CONST32) { sp->u64 = 0; (sp++)->u32 = *pc++; NEXT(); }
	CASE(CONST64) { (sp++)->u64 = (uint64_t)pc[0] | (uint64_t)pc[1] << 32; pc += 2; NEXT(); }

	CASE(I32_EQZ) sp[-1].u32 = sp[-1].u32 == 0; NEXT();
	CASE(I32_EQ) BINOP(u32, A.u32 == B.u32); NEXT();
	CASE(I32_NE) BINOP(u32, A.u32 != B.u32); NEXT();
	CASE(I32_LT_S) BINOP(u32, A.s32 < B.s32); NEXT();
	CASE(I32_LT_U) BINOP(u32, A.u32 < B.u32); NEXT();
	CASE(I32_GT_S) BINOP(u32, A.s32 > B.s32); NEXT();
	CASE(I32_GT_U) BINOP(u32, A.u32 > B.u32); NEXT();
	CASE(I32_LE_S) BINOP(u32, A.s32 <= B.s32); NEXT();
	CASE(I32_LE_U) BINOP(u32, A.u32 <= B.u32); NEXT();
	CASE(I32_GE_S) BINOP(u32, A.s32 >= B.s32); NEXT();
	CASE(I32_GE_U) BINOP(u32, A.u32 >= B.u32); NEXT();
	CASE(I64_EQZ) sp[-1].u32 = sp[-1].u64 == 0; NEXT();
	CASE(I64_EQ) BINOP(u32, A.u64 == B.u64); NEXT();
	CASE(I64_NE) BINOP(u32, A.u64 != B.u64); NEXT();
	CASE(I64_LT_S) BINOP(u32, A.s64 < B.s64); NEXT();
	CASE(I64_LT_U) BINOP(u32, A.u64 < B.u64); NEXT();
	CASE(I64_GT_S) BINOP(u32, A.s64 > B.s64); NEXT();
	CASE(I64_GT_U) BINOP(u32, A.u64 > B.u64); NEXT();
	CASE(I64_LE_S) BINOP(u32, A.s64 <= B.s64); NEXT();
	CASE(I64_LE_U) BINOP(u32, A.u64 <= B.u64); NEXT();
	CASE(I64_GE_S) BINOP(u32, A.s64 >= B.s64); NEXT();
	CASE(I64_GE_U) BINOP(u32, A.u64 >= B.u64); NEXT();
	CASE(F32_EQ) BINOP(u32, A.f32 == B.f32); NEXT();
	CASE(F32_NE) BINOP(u32, A.f32 != B.f32); NEXT();
	CASE(F32_LT) BINOP(u32, A.f32 < B.f32); NEXT();
	CASE(F32_GT) BINOP(u32, A.f32 > B.f32); NEXT();
	CASE(F32_LE) BINOP(u32, A.f32 <= B.f32); NEXT();
	CASE(F32_GE) BINOP(u32, A.f32 >= B.f32); NEXT();
	CASE(F64_EQ) BINOP(u32, A.f64 == B.f64); NEXT();
	CASE(F64_NE) BINOP(u32, A.f64 != B.f64); NEXT();
	CASE(F64_LT) BINOP(u32, A.f64 < B.f64); NEXT();
	CASE(F64_GT) BINOP(u32, A.f64 > B.f64); NEXT();
	CASE(F64_LE) BINOP(u32, A.f64 <= B.f64); NEXT();
	CASE(F64_GE) BINOP(u32, A.f64 >= B.f64); NEXT();

	CASE(I32_CLZ) sp[-1].u32 = sp[-1].u32 ? (uint32_t)__builtin_clz(sp[-1].u32) : 32; NEXT();
	CASE(I32_CTZ) sp[-1].u32 = sp[-1].u32 ? (uint32_t)__builtin_ctz(sp[-1].u32) : 32; NEXT();
	CASE(I32_POPCNT) sp[-1].u32 = (uint32_t)__builtin_popcount(sp[-1].u32); NEXT();
	CASE(I32_ADD) BINOP(u32, A.u32 + B.u32); NEXT();
	CASE(I32_SUB) BINOP(u32, A.u32 - B.u32); NEXT();
	CASE(I32_MUL) BINOP(u32, A.u32 * B.u32); NEXT();
	CASE(I32_DIV_S) {
		if (B.u32 == 0)
			TRAP(WASM_TRAP_DIV_ZERO);
		if (A.s32 == INT32_MIN && B.s32 == -1)
			TRAP(WASM_TRAP_INT_OVERFLOW);
		BINOP(s32, A.s32 / B.s32);
		NEXT();
	}
	CASE(I32_DIV_U) {
		if (B.u32 == 0)
			TRAP(WASM_TRAP_DIV_ZERO);
		BINOP(u32, A.u32 / B.u32);
		NEXT();
	}
	CASE(I32_REM_S) {
		if (B.u32 == 0)
			TRAP(WASM_TRAP_DIV_ZERO);
		BINOP(s32, B.s32 == -1 ? 0 : A.s32 % B.s32);
		NEXT();
	}
	CASE(I32_REM_U) {
		if (B.u32 == 0)
			TRAP(WASM_TRAP_DIV_ZERO);
		BINOP(u32, A.u32 % B.u32);
		NEXT();
	}
	CASE(I32_AND) BINOP(u32, A.u32 & B.u32); NEXT();
	CASE(I32_OR) BINOP(u32, A.u32 | B.u32); NEXT();
	CASE(I32_XOR) BINOP(u32, A.u32 ^ B.u32); NEXT();
	CASE(I32_SHL) BINOP(u32, A.u32 << (B.u32 & 31)); NEXT();
	CASE(I32_SHR_S) BINOP(s32, A.s32 >> (B.u32 & 31)); NEXT();
	CASE(I32_SHR_U) BINOP(u32, A.u32 >> (B.u32 & 31)); NEXT();
	CASE(I32_ROTL) BINOP(u32, wasm_rotl32(A.u32, B.u32)); NEXT();
	CASE(I32_ROTR) BINOP(u32, wasm_rotl32(A.u32, 32 - (B.u32 & 31))); NEXT();

	CASE(I64_CLZ) sp[-1].u64 = sp[-1].u64 ? (uint64_t)__builtin_clzll(sp[-1].u64) : 64; NEXT();
	CASE(I64_CTZ) sp[-1].u64 = sp[-1].u64 ? (uint64_t)__builtin_ctzll(sp[-1].u64) : 64; NEXT();
	CASE(I64_POPCNT) sp[-1].u64 = (uint64_t)__builtin_popcountll(sp[-1].u64); NEXT();
	CASE(I64_ADD) BINOP(u64, A.u64 + B.u64); NEXT();
	CASE(I64_SUB) BINOP(u64, A.u64 - B.u64); NEXT();
	CASE(I64_MUL) BINOP(u64, A.u64 * B.u64); NEXT();
	CASE(I64_DIV_S) {
		if (B.u64 == 0)
			TRAP(WASM_TRAP_DIV_ZERO);
		if (A.s64 == INT64_MIN && B.s64 == -1)
			TRAP(WASM_TRAP_INT_OVERFLOW);
		BINOP(s64, A.s64 / B.s64);
		NEXT();
	}
	CASE(I64_DIV_U) {
		if (B.u64 == 0)
			TRAP(WASM_TRAP_DIV_ZERO);
		BINOP(u64, A.u64 / B.u64);
		NEXT();
	}
	CASE(I64_REM_S) {
		if (B.u64 == 0)
			TRAP(WASM_TRAP_DIV_ZERO);
		BINOP(s64, B.s64 == -1 ? 0 : A.s64 % B.s64);
		NEXT();
	}
	CASE(I64_REM_U) {
		if (B.u64 == 0)
			TRAP(WASM_TRAP_DIV_ZERO);
		BINOP(u64, A.u64 % B.u64);
		NEXT();
	}
	CASE(I64_AND) BINOP(u64, A.u64 & B.u64); NEXT();
	CASE(I64_OR) BINOP(u64, A.u64 | B.u64); NEXT();
	CASE(I64_XOR) BINOP(u64, A.u64 ^ B.u64); NEXT();
	CASE(I64_SHL) BINOP(u64, A.u64 << (B.u64 & 63)); NEXT();
	CASE(I64_SHR_S) BINOP(s64, A.s64 >> (B.u64 & 63)); NEXT();
	CASE(I64_SHR_U) BINOP(u64, A.u64 >> (B.u64 & 63)); NEXT();
	CASE(I64_ROTL) BINOP(u64, wasm_rotl64(A.u64, B.u64)); NEXT();
	CASE(I64_ROTR) BINOP(u64, wasm_rotl64(A.u64, 64 - (B.u64 & 63))); NEXT();

	CASE(F32_ABS) sp[-1].u32 &= 0x7fffffffu; NEXT();
	CASE(F32_NEG) sp[-1].u32 ^= 0x80000000u; NEXT();
	CASE(F32_CEIL) sp[-1].f32 = wasm_f32_ceil(sp[-1].f32); NEXT();
	CASE(F32_FLOOR) sp[-1].f32 = wasm_f32_floor(sp[-1].f32); NEXT();
	CASE(F32_TRUNC) sp[-1].f32 = wasm_f32_trunc(sp[-1].f32); NEXT();
	CASE(F32_NEAREST) sp[-1].f32 = wasm_f32_nearest(sp[-1].f32); NEXT();
	CASE(F32_SQRT) sp[-1].f32 = __builtin_sqrtf(sp[-1].f32); NEXT();
	CASE(F32_ADD) BINOP(f32, A.f32 + B.f32); NEXT();
	CASE(F32_SUB) BINOP(f32, A.f32 - B.f32); NEXT();
	CASE(F32_MUL) BINOP(f32, A.f32 * B.f32); NEXT();
	CASE(F32_DIV) BINOP(f32, A.f32 / B.f32); NEXT();
	CASE(F32_MIN) BINOP(f32, wasm_f32_min(A.f32, B.f32)); NEXT();
	CASE(F32_MAX) BINOP(f32, wasm_f32_max(A.f32, B.f32)); NEXT();
	CASE(F32_COPYSIGN) BINOP(u32, (A.u32 & 0x7fffffffu) | (B.u32 & 0x80000000u)); NEXT();
	CASE(F64_ABS) sp[-1].u64 &= 0x7fffffffffffffffull; NEXT();
	CASE(F64_NEG) sp[-1].u64 ^= 0x8000000000000000ull; NEXT();
	CASE(F64_CEIL) sp[-1].f64 = wasm_f64_ceil(sp[-1].f64); NEXT();
	CASE(F64_FLOOR) sp[-1].f64 = wasm_f64_floor(sp[-1].f64); NEXT();
	CASE(F64_TRUNC) sp[-1].f64 = wasm_f64_trunc(sp[-1].f64); NEXT();
	CASE(F64_NEAREST) sp[-1].f64 = wasm_f64_nearest(sp[-1].f64); NEXT();
	CASE(F64_SQRT) sp[-1].f64 = __builtin_sqrt(sp[-1].f64); NEXT();
	CASE(F64_ADD) BINOP(f64, A.f64 + B.f64); NEXT();
	CASE(F64_SUB) BINOP(f64, A.f64 - B.f64); NEXT();
	CASE(F64_MUL) BINOP(f64, A.f64 * B.f64); NEXT();
	CASE(F64_DIV) BINOP(f64, A.f64 / B.f64); NEXT();
	CASE(F64_MIN) BINOP(f64, wasm_f64_min(A.f64, B.f64)); NEXT();
	CASE(F64_MAX) BINOP(f64, wasm_f64_max(A.f64, B.f64)); NEXT();
	CASE(F64_COPYSIGN) BINOP(u64, (A.u64 & 0x7fffffffffffffffull) | (B.u64 & 0x8000000000000000ull)); NEXT();

	CASE(I32_WRAP_I64) NEXT(); /* never emitted */
	CASE(I32_TRUNC_F32_S) {
		float f = sp[-1].f32;
		if (f != f) TRAP(WASM_TRAP_BAD_CONVERSION);
		if (!(f >= -2147483648.0f && f < 2147483648.0f)) TRAP(WASM_TRAP_INT_OVERFLOW);
		sp[-1].s32 = (int32_t)f;
		NEXT();
	}
	CASE(I32_TRUNC_F32_U) {
		float f = sp[-1].f32;
		if (f != f) TRAP(WASM_TRAP_BAD_CONVERSION);
		if (!(f > -1.0f && f < 4294967296.0f)) TRAP(WASM_TRAP_INT_OVERFLOW);
		sp[-1].u32 = (uint32_t)f;
		NEXT();
	}
	CASE(I32_TRUNC_F64_S) {
		double f = sp[-1].f64;
		if (f != f) TRAP(WASM_TRAP_BAD_CONVERSION);
		if (!(f > -2147483649.0 && f < 2147483648.0)) TRAP(WASM_TRAP_INT_OVERFLOW);
		sp[-1].s32 = (int32_t)f;
		NEXT();
	}
	CASE(I32_TRUNC_F64_U) {
		double f = sp[-1].f64;
		if (f != f) TRAP(WASM_TRAP_BAD_CONVERSION);
		if (!(f > -1.0 && f < 4294967296.0)) TRAP(WASM_TRAP_INT_OVERFLOW);
		sp[-1].u32 = (uint32_t)f;
		NEXT();
	}
	CASE(I64_EXTEND_I32_S) sp[-1].s64 = sp[-1].s32; NEXT();
	CASE(I64_EXTEND_I32_U) sp[-1].u64 = sp[-1].u32; NEXT();
	CASE(I64_TRUNC_F32_S) {
		float f = sp[-1].f32;
		if (f != f) TRAP(WASM_TRAP_BAD_CONVERSION);
		if (!(f >= -9223372036854775808.0f && f < 9223372036854775808.0f)) TRAP(WASM_TRAP_INT_OVERFLOW);
		sp[-1].s64 = (int64_t)f;
		NEXT();
	}
	CASE(I64_TRUNC_F32_U) {
		float f = sp[-1].f32;
		if (f != f) TRAP(WASM_TRAP_BAD_CONVERSION);
		if (!(f > -1.0f && f < 18446744073709551616.0f)) TRAP(WASM_TRAP_INT_OVERFLOW);
		sp[-1].u64 = (uint64_t)f;
		NEXT();
	}
	CASE(I64_TRUNC_F64_S) {
		double f = sp[-1].f64;
		if (f != f) TRAP(WASM_TRAP_BAD_CONVERSION);
		if (!(f >= -9223372036854775808.0 && f < 9223372036854775808.0)) TRAP(WASM_TRAP_INT_OVERFLOW);
		sp[-1].s64 = (int64_t)f;
		NEXT();
	}
	CASE(I64_TRUNC_F64_U) {
		double f = sp[-1].f64;
		if (f != f) TRAP(WASM_TRAP_BAD_CONVERSION);
		if (!(f > -1.0 && f < 18446744073709551616.0)) TRAP(WASM_TRAP_INT_OVERFLOW);
		sp[-1].u64 = (uint64_t)f;
		NEXT();
	}
	CASE(F32_CONVERT_I32_S) sp[-1].f32 = (float)sp[-1].s32; NEXT();
	CASE(F32_CONVERT_I32_U) sp[-1].f32 = (float)sp[-1].u32; NEXT();
	CASE(F32_CONVERT_I64_S) sp[-1].f32 = (float)sp[-1].s64; NEXT();
	CASE(F32_CONVERT_I64_U) sp[-1].f32 = (float)sp[-1].u64; NEXT();
	CASE(F32_DEMOTE_F64) sp[-1].f32 = (float)sp[-1].f64; NEXT();
	CASE(F64_CONVERT_I32_S) sp[-1].f64 = (double)sp[-1].s32; NEXT();
	CASE(F64_CONVERT_I32_U) sp[-1].f64 = (double)sp[-1].u32; NEXT();
	CASE(F64_CONVERT_I64_S) sp[-1].f64 = (double)sp[-1].s64; NEXT();
	CASE(F64_CONVERT_I64_U) sp[-1].f64 = (double)sp[-1].u64; NEXT();
	CASE(F64_PROMOTE_F32) sp[-1].f64 = (double)sp[-1].f32; NEXT();
	CASE(I32_REINTERPRET_F32) NEXT(); /* never emitted */
	CASE(I64_REINTERPRET_F64) NEXT();
	CASE(F32_REINTERPRET_I32) NEXT();
	CASE(F64_REINTERPRET_I64) NEXT();
	CASE(I32_EXTEND8_S) sp[-1].s32 = (int8_t)sp[-1].u32; NEXT();
	CASE(I32_EXTEND16_S) sp[-1].s32 = (int16_t)sp[-1].u32; NEXT();
	CASE(I64_EXTEND8_S) sp[-1].s64 = (int8_t)sp[-1].u64; NEXT();
	CASE(I64_EXTEND16_S) sp[-1].s64 = (int16_t)sp[-1].u64; NEXT();
	CASE(I64_EXTEND32_S) sp[-1].s64 = (int32_t)sp[-1].u64; NEXT();

	CASE(TRUNC_SAT_I32_F32_S) sp[-1].s32 = wasm_sat_i32_s(sp[-1].f32); NEXT();
	CASE(TRUNC_SAT_I32_F32_U) sp[-1].u32 = wasm_sat_i32_u(sp[-1].f32); NEXT();
	CASE(TRUNC_SAT_I32_F64_S) sp[-1].s32 = wasm_sat_i32_s(sp[-1].f64); NEXT();
	CASE(TRUNC_SAT_I32_F64_U) sp[-1].u32 = wasm_sat_i32_u(sp[-1].f64); NEXT();
	CASE(TRUNC_SAT_I64_F32_S) sp[-1].s64 = wasm_sat_i64_s(sp[-1].f32); NEXT();
	CASE(TRUNC_SAT_I64_F32_U) sp[-1].u64 = wasm_sat_i64_u(sp[-1].f32); NEXT();
	CASE(TRUNC_SAT_I64_F64_S) sp[-1].s64 = wasm_sat_i64_s(sp[-1].f64); NEXT();
	CASE(TRUNC_SAT_I64_F64_U) sp[-1].u64 = wasm_sat_i64_u(sp[-1].f64); NEXT();

	CASE(MEMORY_INIT) {
		const wasm_data_def *d = &ci->module->datas[pc[0]];
		uint64_t len = ci->data_dropped[pc[0]] ? 0 : d->len;
		uint64_t dst = sp[-3].u32, src = sp[-2].u32, n = sp[-1].u32;
		pc++;
		sp -= 3;
		if (src + n > len || dst + n > memsize)
			TRAP(WASM_TRAP_MEMORY_OOB);
		if (n)
			memcpy(mem + dst, d->bytes + src, n);
		NEXT();
	}
	CASE(DATA_DROP) ci->data_dropped[*pc++] = 1; NEXT();
	CASE(MEMORY_COPY) {
		uint64_t dst = sp[-3].u32, src = sp[-2].u32, n = sp[-1].u32;
		sp -= 3;
		if (src + n > memsize || dst + n > memsize)
			TRAP(WASM_TRAP_MEMORY_OOB);
		if (n)
			memmove(mem + dst, mem + src, n);
		NEXT();
	}
	CASE(MEMORY_FILL) {
		uint64_t dst = sp[-3].u32, n = sp[-1].u32;
		uint8_t v = (uint8_t)sp[-2].u32;
		sp -= 3;
		if (dst + n > memsize)
			TRAP(WASM_TRAP_MEMORY_OOB);
		if (n)
			memset(mem + dst, v, n);
		NEXT();
	}
	CASE(TABLE_INIT) {
		const wasm_elem_def *e = &ci->module->elems[pc[0]];
		wasm_table *t = ci->tables[pc[1]];
		uint64_t len = ci->elem_dropped[pc[0]] ? 0 : e->count;
		uint64_t dst = sp[-3].u32, src = sp[-2].u32, n = sp[-1].u32;
		pc += 2;
		sp -= 3;
		if (src + n > len || dst + n > t->size)
			TRAP(WASM_TRAP_TABLE_OOB);
		for (uint64_t k = 0; k < n; k++)
			t->elems[dst + k] = wasm_elem_value(ci, &e->items[src + k]);
		NEXT();
	}
	CASE(ELEM_DROP) ci->elem_dropped[*pc++] = 1; NEXT();
	CASE(TABLE_COPY) {
		wasm_table *td = ci->tables[pc[0]], *ts = ci->tables[pc[1]];
		uint64_t dst = sp[-3].u32, src = sp[-2].u32, n = sp[-1].u32;
		pc += 2;
		sp -= 3;
		if (src + n > ts->size || dst + n > td->size)
			TRAP(WASM_TRAP_TABLE_OOB);
		if (n)
			memmove(td->elems + dst, ts->elems + src, (size_t)n * sizeof(void *));
		NEXT();
	}
	CASE(TABLE_GROW) {
		wasm_table *t = ci->tables[*pc++];
		int64_t r = wasm_table_grow(t, sp[-1].u32, sp[-2].ref);
		sp--;
		sp[-1].u64 = 0;
		sp[-1].s32 = (int32_t)r;
		NEXT();
	}
	CASE(TABLE_SIZE) { sp->u64 = 0; (sp++)->u32 = ci->tables[*pc++]->size; NEXT(); }
	CASE(TABLE_FILL) {
		wasm_table *t = ci->tables[*pc++];
		uint64_t dst = sp[-3].u32, n = sp[-1].u32;
		void *v = sp[-2].ref;
		sp -= 3;
		if (dst + n > t->size)
			TRAP(WASM_TRAP_TABLE_OOB);
		for (uint64_t k = 0; k < n; k++)
			t->elems[dst + k] = v;
		NEXT();
	}
	CASE(REF_IS_NULL) { void *r = sp[-1].ref; sp[-1].u64 = r == NULL; NEXT(); }
	CASE(REF_FUNC) { sp->u64 = 0; (sp++)->ref = ci->funcs[*pc++]; NEXT(); }

	/* superinstructions (see ops.h); T is the operand type, K turns a
	 * 32-bit immediate word into it */
#define WASM_GEN_LL(n, af, rf, expr) \
	CASE(n##_LL) { \
		__typeof__(fp->af) x = fp[pc[0]].af, y = fp[pc[1]].af; \
		pc += 2; \
		(sp++)->rf = (expr); \
		NEXT(); \
	} \
	CASE(n##_L) { \
		__typeof__(fp->af) x = sp[-1].af, y = fp[*pc++].af; \
		sp[-1].rf = (expr); \
		NEXT(); \
	} \
	CASE(n##_LLS) { \
		__typeof__(fp->af) x = fp[pc[0]].af, y = fp[pc[1]].af; \
		wasm_slot *d_ = &fp[pc[2]]; \
		pc += 3; \
		d_->rf = (expr); \
		NEXT(); \
	}
#define WASM_GEN_INT(n, af, rf, expr, K) \
	WASM_GEN_LL(n, af, rf, expr) \
	CASE(n##_LC) { \
		__typeof__(fp->af) x = fp[pc[0]].af, y = (__typeof__(fp->af))K(pc[1]); \
		pc += 2; \
		(sp++)->rf = (expr); \
		NEXT(); \
	} \
	CASE(n##_C) { \
		__typeof__(fp->af) x = sp[-1].af, y = (__typeof__(fp->af))K(*pc++); \
		sp[-1].rf = (expr); \
		NEXT(); \
	} \
	CASE(n##_LCS) { \
		__typeof__(fp->af) x = fp[pc[0]].af, y = (__typeof__(fp->af))K(pc[1]); \
		wasm_slot *d_ = &fp[pc[2]]; \
		pc += 3; \
		d_->rf = (expr); \
		NEXT(); \
	}
#define WASM_K32(w) (w)
#define WASM_K64(w) ((int64_t)(int32_t)(w))
#define WASM_GEN_I32(n, af, rf, expr) WASM_GEN_INT(n, af, rf, expr, WASM_K32)
#define WASM_GEN_I64(n, af, rf, expr) WASM_GEN_INT(n, af, rf, expr, WASM_K64)
	WASM_BINOPS_I32(WASM_GEN_I32)
	WASM_BINOPS_I64(WASM_GEN_I64)
	WASM_BINOPS_F(WASM_GEN_LL)
#undef WASM_GEN_LL
#undef WASM_GEN_INT
#undef WASM_GEN_I32
#undef WASM_GEN_I64
	CASE(LOCAL_GET_LOAD32) {
		uint64_t ea = (uint64_t)fp[pc[0]].u32 + pc[1];
		pc += 2;
		if (ea + 4 > memsize)
			TRAP(WASM_TRAP_MEMORY_OOB);
		(sp++)->u32 = wasm_ld32(mem + ea);
		NEXT();
	}
	CASE(LOCAL_GET_LOAD64) {
		uint64_t ea = (uint64_t)fp[pc[0]].u32 + pc[1];
		pc += 2;
		if (ea + 8 > memsize)
			TRAP(WASM_TRAP_MEMORY_OOB);
		(sp++)->u64 = wasm_ld64(mem + ea);
		NEXT();
	}
	/* address = u32 sum of a local and a constant or another local */
#define WASM_LOAD_ADD(name, y, n, load) \
	CASE(name) { \
		uint64_t ea = (uint64_t)(uint32_t)(fp[pc[0]].u32 + (y)) + pc[2]; \
		pc += 3; \
		if (ea + (n) > memsize) \
			TRAP(WASM_TRAP_MEMORY_OOB); \
		load; \
		NEXT(); \
	}
	WASM_LOAD_ADD(LOAD32_ADD_LC, pc[1], 4, (sp++)->u32 = wasm_ld32(mem + ea))
	WASM_LOAD_ADD(LOAD32_ADD_LL, fp[pc[1]].u32, 4, (sp++)->u32 = wasm_ld32(mem + ea))
	WASM_LOAD_ADD(LOAD64_ADD_LC, pc[1], 8, (sp++)->u64 = wasm_ld64(mem + ea))
	WASM_LOAD_ADD(LOAD64_ADD_LL, fp[pc[1]].u32, 8, (sp++)->u64 = wasm_ld64(mem + ea))
	WASM_LOAD_ADD(LOAD8U_ADD_LC, pc[1], 1, (sp++)->u32 = mem[ea])
	WASM_LOAD_ADD(LOAD8U_ADD_LL, fp[pc[1]].u32, 1, (sp++)->u32 = mem[ea])
#undef WASM_LOAD_ADD
	CASE(I32_ADD_LCT) {
		uint32_t v = fp[pc[0]].u32 + pc[1];
		fp[pc[2]].u32 = v;
		(sp++)->u32 = v;
		pc += 3;
		NEXT();
	}
	CASE(I32_ADD_LLT) {
		uint32_t v = fp[pc[0]].u32 + fp[pc[1]].u32;
		fp[pc[2]].u32 = v;
		(sp++)->u32 = v;
		pc += 3;
		NEXT();
	}
	CASE(LOCAL_SET_GET) {
		fp[pc[0]] = sp[-1];
		sp[-1] = fp[pc[1]];
		pc += 2;
		NEXT();
	}
	CASE(LOCAL_COPY) {
		fp[pc[1]] = fp[pc[0]];
		pc += 2;
		NEXT();
	}
	CASE(BR_IF_LOOP) {
		if (!(--sp)->u32) {
			pc++;
			NEXT();
		}
		goto loop_back;
	}
	CASE(BR_LOOP) {
	loop_back:
		{
			const uint32_t *head = cbase + pc[0]; /* the loop's OP_FUEL */
			if (fuel == 0) {
				pc = head;
				NEXT(); /* OP_FUEL suspends */
			}
			fuel = fuel > head[1] ? fuel - head[1] : 0;
			pc = head + 2;
		}
		NEXT();
	}

#if !WASM_THREADED
	default:
		TRAP(WASM_TRAP_UNREACHABLE);
	}
#endif

trapped:
	inst->trap = trap;
	inst->fuel = fuel;
	inst->nframes = base_frame;
	return WASM_TRAP;
}

wasm_result wasm_exec(wasm_instance *inst, wasm_func *f, wasm_slot *base)
{
	const wasm_code *code = f->code;
	uint32_t base_frame = inst->nframes;
	if (inst->nframes >= inst->limits.max_call_depth ||
	    (size_t)(inst->stack_end - base) < (size_t)code->nlocals + code->max_stack + 8) {
		inst->trap = WASM_TRAP_STACK_EXHAUSTED;
		return WASM_TRAP;
	}
	wasm_frame *fr = &inst->frames[inst->nframes++];
	fr->ret_pc = NULL;
	fr->fp = NULL;
	fr->func = NULL;
	wasm_slot *sp = base + f->type->nparams;
	for (uint32_t k = f->type->nparams; k < code->nlocals; k++)
		(sp++)->u64 = 0;
	return wasm_run(inst, code->code, sp, base, f, base_frame);
}

wasm_result wasm_exec_resume(wasm_instance *inst)
{
	return wasm_run(inst, inst->s_pc, inst->s_sp, inst->s_fp, inst->s_func, 0);
}
