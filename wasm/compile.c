/*
 * Function body validation and compilation, in one pass.
 *
 * The internal code form is a stack machine like wasm's own, but with
 * everything the interpreter would otherwise compute at run time resolved
 * here:
 *
 *  - Every word is a uint32_t; opcodes index a dispatch table (interp.c).
 *  - Structured control disappears: block/loop/end emit nothing, if emits
 *    a conditional jump, br/br_if/br_table carry absolute code offsets.
 *  - Because validation knows the exact operand height at every reachable
 *    instruction, a branch knows statically where its results must land
 *    (frame-relative slot) and how many there are. Branches that need no
 *    stack movement compile to a bare jump (OP_BR); the rest carry
 *    (height, arity) so the interpreter does one short copy.
 *  - Locals are frame slots (params first), so local.get is one load.
 *  - Unreachable code is validated but not emitted.
 *  - Fuel is charged by OP_FUEL at function entry and at every loop head,
 *    with the static number of instructions in that body as its cost.
 *
 * The operand type stack follows the validation algorithm of the spec's
 * appendix, with WASM_TYPE_ANY for values popped from a polymorphic stack.
 *
 * This file holds control flow and the driver; emit.c the type stack and
 * code buffer, compile_ops.c the other instructions, fuse.c the
 * superinstructions.
 */
#include "compile.h"

/* ---- control frames ---- */

static wasm_ctrl *wasm_cc_push_ctrl(wasm_cc *c, uint8_t kind, const uint8_t *params,
			       uint32_t np, const uint8_t *results, uint32_t nr)
{
	bool dead = c->nctrls && !wasm_cc_emitting(c);
	if (!wasm_cc_grow(c, (void **)&c->ctrls, &c->cap_ctrls, c->nctrls + 1, sizeof(wasm_ctrl)))
		return NULL;
	wasm_ctrl *t = &c->ctrls[c->nctrls++];
	memset(t, 0, sizeof(*t));
	t->kind = kind;
	t->dead = dead;
	t->params = params;
	t->nparams = np;
	t->results = results;
	t->nresults = nr;
	t->height = c->nvals;
	t->ins_start = c->ins;
	t->start_pc = c->ncode;
	wasm_cc_push_n(c, params, np);
	return t;
}

/* Read a block type; (params, np, results, nr) describe it. */
static void wasm_cc_blocktype(wasm_cc *c, const uint8_t **params, uint32_t *np,
			 const uint8_t **results, uint32_t *nr)
{
	*np = *nr = 0;
	*params = *results = wasm_valtypes;
	if (c->r->p < c->r->end && *c->r->p == 0x40) {
		c->r->p++;
		return;
	}
	for (unsigned i = 0; i < sizeof(wasm_valtypes); i++) {
		if (c->r->p < c->r->end && *c->r->p == wasm_valtypes[i]) {
			c->r->p++;
			*results = &wasm_valtypes[i];
			*nr = 1;
			return;
		}
	}
	int64_t idx = wasm_sleb(c->r, 33);
	if (c->r->err)
		return;
	if (idx < 0 || (uint64_t)idx >= c->m->ntypes) {
		wasm_cc_invalid(c, "unknown type");
		return;
	}
	const wasm_functype *ft = &c->m->types[idx];
	*params = ft->types;
	*np = ft->nparams;
	*results = ft->types + ft->nparams;
	*nr = ft->nresults;
}

static void wasm_cc_block(wasm_cc *c, uint8_t kind)
{
	const uint8_t *p, *rs;
	uint32_t np, nr;
	wasm_cc_blocktype(c, &p, &np, &rs, &nr);
	if (c->r->err)
		return;
	if (kind == K_IF)
		wasm_cc_pop_expect(c, WASM_I32);
	wasm_cc_pop_n(c, p, np);
	uint32_t else_fix = 0;
	if (kind == K_IF) {
		uint32_t op = OP_BR_UNLESS;
		if (wasm_cc_emitting(c) && c->nhist && c->hist[1].op == OP_I32_EQZ &&
		    c->hist[1].pos + 1 == c->ncode) {
			wasm_cc_unemit(c); /* i32.eqz; if: skip the then-arm on non-zero */
			op = OP_BR_IF;
		}
		wasm_cc_op(c, op);
		wasm_cc_emit_fixup(c, &else_fix);
	}
	wasm_ctrl *t = wasm_cc_push_ctrl(c, kind, p, np, rs, nr);
	if (!t)
		return;
	t->else_fix = else_fix;
	if (kind == K_LOOP) {
		wasm_cc_barrier(c);
		wasm_cc_op(c, OP_FUEL);
		wasm_cc_emit_fixup(c, &t->fuel_pos);
		t->start_pc = c->ncode - (wasm_cc_emitting(c) ? 2 : 0);
	}
}

/* Type stack must hold exactly the frame's results. */
static void wasm_cc_check_end(wasm_cc *c, wasm_ctrl *t)
{
	wasm_cc_pop_n(c, t->results, t->nresults);
	if (c->nvals != t->height)
		wasm_cc_invalid(c, "type mismatch");
}

static void wasm_cc_else(wasm_cc *c)
{
	wasm_ctrl *t = &c->ctrls[c->nctrls - 1];
	if (t->kind != K_IF) {
		wasm_cc_invalid(c, "else without if");
		return;
	}
	wasm_cc_check_end(c, t);
	wasm_cc_op(c, OP_BR);
	wasm_cc_emit_fixup(c, &t->fixups);
	if (!t->dead && !c->r->err)
		wasm_cc_patch(c, t->else_fix, c->ncode);
	t->else_fix = 0;
	t->kind = K_ELSE;
	t->unreachable = false;
	c->nvals = t->height;
	wasm_cc_push_n(c, t->params, t->nparams);
}

static void wasm_cc_end(wasm_cc *c)
{
	wasm_ctrl *t = &c->ctrls[c->nctrls - 1];
	wasm_cc_check_end(c, t);
	if (c->r->err)
		return;
	if (t->kind == K_IF) {
		/* no else: the implicit else passes params through as results */
		if (t->nparams != t->nresults ||
		    memcmp(t->params, t->results, t->nparams) != 0) {
			wasm_cc_invalid(c, "type mismatch");
			return;
		}
	}
	if (t->kind == K_FUNC) {
		wasm_cc_op(c, OP_RETURN);
		wasm_cc_emit(c, t->nresults);
	}
	if (!t->dead) {
		wasm_cc_patch(c, t->fixups, c->ncode);
		wasm_cc_patch(c, t->else_fix, c->ncode);
		wasm_cc_patch(c, t->fuel_pos, c->ins - t->ins_start + 1);
	}
	c->nctrls--;
	c->nvals = t->height;
	wasm_cc_push_n(c, t->results, t->nresults);
}

/* ---- branches ---- */

static wasm_ctrl *wasm_cc_label(wasm_cc *c, uint32_t depth)
{
	if (depth >= c->nctrls) {
		wasm_cc_invalid(c, "unknown label");
		return NULL;
	}
	return &c->ctrls[c->nctrls - 1 - depth];
}

static uint32_t wasm_cc_arity(const wasm_ctrl *t)
{
	return t->kind == K_LOOP ? t->nparams : t->nresults;
}

static const uint8_t *wasm_cc_label_types(const wasm_ctrl *t)
{
	return t->kind == K_LOOP ? t->params : t->results;
}

/* Emit the target of a branch to (t): a loop's head or a fixup. */
static void wasm_cc_target(wasm_cc *c, wasm_ctrl *t)
{
	if (t->kind == K_LOOP)
		wasm_cc_emit(c, t->start_pc);
	else
		wasm_cc_emit_fixup(c, &t->fixups);
}

/* Emit a branch to label (t) given the operand height now. Branches to
 * the function's own label are returns. */
static void wasm_cc_branch(wasm_cc *c, wasm_ctrl *t, uint8_t op_plain, uint8_t op_adj)
{
	uint32_t arity = wasm_cc_arity(t);
	if (t->kind == K_FUNC && op_plain == OP_BR) {
		wasm_cc_op(c, OP_RETURN);
		wasm_cc_emit(c, arity);
		return;
	}
	if (c->nvals - arity == t->height) {
		if (op_plain == OP_BR_IF && wasm_cc_emitting(c) && c->nhist &&
		    c->hist[1].op == OP_I32_EQZ && c->hist[1].pos + 1 == c->ncode) {
			wasm_cc_unemit(c); /* i32.eqz; br_if: branch on zero instead */
			op_plain = OP_BR_UNLESS;
		}
		if (t->kind == K_LOOP && !t->dead && (op_plain == OP_BR || op_plain == OP_BR_IF)) {
			/* back edge: charge the loop's fuel here, skip its OP_FUEL */
			wasm_cc_op(c, op_plain == OP_BR ? OP_BR_LOOP : OP_BR_IF_LOOP);
			wasm_cc_emit(c, t->start_pc);
			return;
		}
		wasm_cc_op(c, op_plain);
		wasm_cc_target(c, t);
		return;
	}
	wasm_cc_op(c, op_adj);
	wasm_cc_target(c, t);
	wasm_cc_emit(c, c->nlocals + t->height);
	wasm_cc_emit(c, arity);
}

static void wasm_cc_br(wasm_cc *c, bool cond)
{
	wasm_ctrl *t = wasm_cc_label(c, wasm_u32(c->r));
	if (!t)
		return;
	if (cond)
		wasm_cc_pop_expect(c, WASM_I32);
	uint32_t n = wasm_cc_arity(t);
	wasm_cc_pop_n(c, wasm_cc_label_types(t), n);
	if (t->kind == K_FUNC && cond && wasm_cc_emitting(c)) {
		/* br_if to the function label: skip a return when false */
		wasm_cc_push_n(c, wasm_cc_label_types(t), n);
		wasm_cc_op(c, OP_BR_UNLESS);
		uint32_t skip = 0;
		wasm_cc_emit_fixup(c, &skip);
		wasm_cc_op(c, OP_RETURN);
		wasm_cc_emit(c, n);
		if (!c->r->err)
			wasm_cc_patch(c, skip, c->ncode);
		return;
	}
	if (!c->r->err) {
		/* heights are measured with the branch operands in place */
		c->nvals += n;
		wasm_cc_branch(c, t, cond ? OP_BR_IF : OP_BR, cond ? OP_BR_IF_ADJ : OP_BR_ADJ);
		c->nvals -= n;
	}
	if (cond)
		wasm_cc_push_n(c, wasm_cc_label_types(t), n);
	else
		wasm_cc_set_unreachable(c);
}

static void wasm_cc_br_table(wasm_cc *c)
{
	uint32_t n = wasm_u32(c->r);
	if (c->r->err)
		return;
	if (n > (size_t)(c->r->end - c->r->p)) {
		wasm_fail(c->r, WASM_ERR_MALFORMED, "unexpected end");
		return;
	}
	wasm_cc_pop_expect(c, WASM_I32);
	uint32_t base = c->nvals; /* height with the operands in place */
	bool emit = wasm_cc_emitting(c);
	const uint8_t *save = c->r->p;
	/* pass 1: validate; the default label fixes the arity */
	uint32_t arity = 0;
	for (uint32_t i = 0; i <= n && !c->r->err; i++) {
		wasm_ctrl *t = wasm_cc_label(c, wasm_u32(c->r));
		if (!t)
			return;
		uint32_t a = wasm_cc_arity(t);
		if (i == 0)
			arity = a;
		if (a != arity) {
			wasm_cc_invalid(c, "type mismatch");
			return;
		}
		/* each label's types must accept the operands */
		uint32_t keep = c->nvals;
		wasm_cc_pop_n(c, wasm_cc_label_types(t), a);
		c->nvals = keep;
		if (c->ctrls[c->nctrls - 1].unreachable && c->nvals < base)
			c->nvals = base;
	}
	if (c->r->err)
		return;
	/* the default label is read last; re-check its arity against all */
	c->r->p = save;
	if (emit) {
		wasm_cc_op(c, OP_BR_TABLE);
		wasm_cc_emit(c, arity);
		wasm_cc_emit(c, n);
	}
	for (uint32_t i = 0; i <= n; i++) {
		wasm_ctrl *t = wasm_cc_label(c, wasm_u32(c->r));
		if (!emit)
			continue;
		if (t->kind == K_FUNC) {
			/* return: results go to slot 0; mark with height ~0 */
			wasm_cc_emit(c, 0);
			wasm_cc_emit(c, UINT32_MAX);
			continue;
		}
		wasm_cc_target(c, t);
		wasm_cc_emit(c, c->nlocals + t->height);
	}
	wasm_cc_set_unreachable(c);
}

/* ---- the instruction loop ---- */

static void wasm_cc_control(wasm_cc *c, uint8_t op)
{
	switch (op) {
	case 0x00:
		wasm_cc_op(c, OP_UNREACHABLE);
		wasm_cc_set_unreachable(c);
		break;
	case 0x01: break;
	case 0x02: wasm_cc_block(c, K_BLOCK); break;
	case 0x03: wasm_cc_block(c, K_LOOP); break;
	case 0x04: wasm_cc_block(c, K_IF); break;
	case 0x05: wasm_cc_else(c); break;
	case 0x0b: wasm_cc_end(c); break;
	case 0x0c: wasm_cc_br(c, false); break;
	case 0x0d: wasm_cc_br(c, true); break;
	case 0x0e: wasm_cc_br_table(c); break;
	case 0x0f:
		wasm_cc_pop_n(c, c->type->types + c->type->nparams, c->type->nresults);
		if (!c->r->err) {
			wasm_cc_op(c, OP_RETURN);
			wasm_cc_emit(c, c->type->nresults);
		}
		wasm_cc_set_unreachable(c);
		break;
	case 0x10: wasm_cc_call(c); break;
	case 0x11: wasm_cc_call_indirect(c); break;
	default: wasm_fail(c->r, WASM_ERR_MALFORMED, "illegal opcode");
	}
}

static void wasm_cc_instr(wasm_cc *c, uint8_t op)
{
	c->ins++;
	if (op <= 0x11)
		wasm_cc_control(c, op);
	else if (op == 0x1a) {
		wasm_cc_pop(c);
		wasm_cc_op(c, OP_DROP);
	} else if (op == 0x1b || op == 0x1c)
		wasm_cc_select(c, op == 0x1c);
	else if (op >= 0x20 && op <= 0x24)
		wasm_cc_variable(c, op);
	else if (op == 0x25 || op == 0x26)
		wasm_cc_table_op(c, op);
	else if (op >= 0x28 && op <= 0x3e)
		wasm_cc_memop(c, op);
	else if (op == 0x3f || op == 0x40)
		wasm_cc_memsize(c, op);
	else if (op >= 0x41 && op <= 0x44)
		wasm_cc_const(c, op);
	else if (op >= 0x45 && op <= 0xc4)
		wasm_cc_numeric(c, op);
	else if (op >= 0xd0 && op <= 0xd2)
		wasm_cc_ref(c, op);
	else if (op == 0xfc)
		wasm_cc_prefix_fc(c);
	else
		wasm_fail(c->r, WASM_ERR_MALFORMED, "illegal opcode");
}

/* Read the local declarations; locals = params then declared locals. */
static void wasm_cc_locals(wasm_cc *c)
{
	wasm_reader *r = c->r;
	uint32_t ngroups = wasm_u32(r);
	const uint8_t *save = r->p;
	uint64_t total = c->type->nparams;
	for (uint32_t i = 0; i < ngroups && !r->err; i++) {
		total += wasm_u32(r);
		uint8_t t = wasm_u8(r);
		(void)t;
	}
	if (r->err)
		return;
	if (total > 50000) {
		wasm_fail(r, WASM_ERR_MALFORMED, "too many locals");
		return;
	}
	c->nlocals = (uint32_t)total;
	c->locals = wasm_xalloc(&c->m->alloc, total + 1);
	if (!c->locals) {
		wasm_fail(r, WASM_ERR_NOMEM, "out of memory");
		return;
	}
	memcpy(c->locals, c->type->types, c->type->nparams);
	r->p = save;
	uint32_t at = c->type->nparams;
	for (uint32_t i = 0; i < ngroups && !r->err; i++) {
		uint32_t n = wasm_u32(r);
		uint8_t t = wasm_u8(r);
		bool ok = false;
		for (unsigned k = 0; k < sizeof(wasm_valtypes); k++)
			ok |= t == wasm_valtypes[k];
		if (!ok) {
			wasm_fail(r, WASM_ERR_MALFORMED, "malformed value type");
			return;
		}
		memset(c->locals + at, t, n);
		at += n;
	}
}

static void wasm_cc_body(wasm_cc *c)
{
	const wasm_functype *ft = c->type;
	wasm_cc_push_ctrl(c, K_FUNC, NULL, 0, ft->types + ft->nparams, ft->nresults);
	if (c->r->err)
		return;
	wasm_cc_op(c, OP_FUEL);
	wasm_cc_emit_fixup(c, &c->ctrls[0].fuel_pos);
	while (c->nctrls && !c->r->err) {
		if (c->r->p >= c->r->end) {
			wasm_fail(c->r, WASM_ERR_MALFORMED, "unexpected end of section or function");
			return;
		}
		wasm_cc_instr(c, wasm_u8(c->r));
	}
	if (!c->r->err && c->r->p != c->r->end)
		wasm_fail(c->r, WASM_ERR_MALFORMED, "section size mismatch");
}

static void wasm_cc_free(wasm_cc *c)
{
	const wasm_allocator *a = &c->m->alloc;
	wasm_xfree(a, c->locals, (size_t)c->nlocals + 1);
	wasm_xfree(a, c->vals, c->cap_vals);
	wasm_xfree(a, c->ctrls, (size_t)c->cap_ctrls * sizeof(wasm_ctrl));
	wasm_xfree(a, c->code, (size_t)c->cap_code * 4);
}

wasm_result wasm_compile(wasm_module *m, uint32_t func_idx, const uint8_t *p,
			 const uint8_t *end, const char **why)
{
	wasm_reader r = { p, end, NULL, WASM_OK };
	wasm_cc c;
	memset(&c, 0, sizeof(c));
	c.m = m;
	c.r = &r;
	c.type = &m->types[m->func_types[func_idx]];
	wasm_cc_locals(&c);
	if (!r.err)
		wasm_cc_body(&c);
	if (!r.err) {
		wasm_code *code = &m->codes[func_idx - m->nfunc_imports];
		code->code = wasm_mod_alloc(m, (size_t)c.ncode * 4);
		if (!code->code) {
			wasm_fail(&r, WASM_ERR_NOMEM, "out of memory");
		} else {
			memcpy(code->code, c.code, (size_t)c.ncode * 4);
			code->len = c.ncode;
			code->nlocals = c.nlocals;
			code->max_stack = c.max_vals + 1;
		}
	}
	wasm_cc_free(&c);
	if (r.err) {
		*why = r.err;
		return r.code;
	}
	return WASM_OK;
}

