/*
 * Compiler plumbing: error reporting, growable buffers, the operand type
 * stack of the validation algorithm, and code emission with the peephole
 * history that fuse.c reads. Emission is suppressed in unreachable code.
 */
#include "compile.h"

const uint8_t wasm_valtypes[6] = { WASM_I32, WASM_I64, WASM_F32, WASM_F64,
				   WASM_FUNCREF, WASM_EXTERNREF };

void wasm_cc_invalid(wasm_cc *c, const char *why)
{
	wasm_fail(c->r, WASM_ERR_INVALID, why);
}

bool wasm_cc_grow(wasm_cc *c, void **p, uint32_t *cap, uint32_t need, size_t size)
{
	if (need <= *cap)
		return true;
	uint32_t ncap = *cap ? *cap * 2 : 64;
	while (ncap < need)
		ncap *= 2;
	void *n = wasm_xrealloc(&c->m->alloc, *p, (size_t)*cap * size, (size_t)ncap * size);
	if (!n) {
		wasm_fail(c->r, WASM_ERR_NOMEM, "out of memory");
		return false;
	}
	*p = n;
	*cap = ncap;
	return true;
}

/* ---- code emission ---- */

bool wasm_cc_emitting(const wasm_cc *c)
{
	const wasm_ctrl *t = &c->ctrls[c->nctrls - 1];
	return !t->unreachable && !t->dead && !c->r->err;
}

void wasm_cc_emit(wasm_cc *c, uint32_t w)
{
	if (!wasm_cc_emitting(c))
		return;
	if (!wasm_cc_grow(c, (void **)&c->code, &c->cap_code, c->ncode + 1, 4))
		return;
	c->code[c->ncode++] = w;
}

/* Emit an instruction's opcode, remembering it for fusion. */
void wasm_cc_op(wasm_cc *c, uint32_t op)
{
	if (!wasm_cc_emitting(c))
		return;
	c->hist[0] = c->hist[1];
	c->hist[1].pos = c->ncode;
	c->hist[1].op = op;
	if (c->nhist < 2)
		c->nhist++;
	wasm_cc_emit(c, op);
}

bool wasm_cc_fuse_set(wasm_cc *c, uint32_t d);

/* Take back the newest instruction (its words are rewritten next). */
void wasm_cc_unemit(wasm_cc *c)
{
	c->ncode = c->hist[1].pos;
	c->hist[1] = c->hist[0];
	c->nhist--;
}

/* The current position may be jumped to: nothing fuses across it. */
void wasm_cc_barrier(wasm_cc *c)
{
	c->nhist = 0;
}

/* The newest instruction if it is (op), 2 words long, and last emitted. */
bool wasm_cc_last_is(const wasm_cc *c, uint32_t op)
{
	return wasm_cc_emitting(c) && c->nhist && c->hist[1].op == op &&
	       c->hist[1].pos + 2 == c->ncode;
}

/* Emit a word to be patched later, chaining it onto (*chain). */
void wasm_cc_emit_fixup(wasm_cc *c, uint32_t *chain)
{
	if (!wasm_cc_emitting(c))
		return;
	uint32_t pos = c->ncode;
	wasm_cc_emit(c, *chain);
	if (!c->r->err)
		*chain = pos + 1;
}

void wasm_cc_patch(wasm_cc *c, uint32_t chain, uint32_t target)
{
	wasm_cc_barrier(c);
	while (chain) {
		uint32_t pos = chain - 1;
		chain = c->code[pos];
		c->code[pos] = target;
	}
}

/* ---- operand type stack ---- */

void wasm_cc_push(wasm_cc *c, uint8_t t)
{
	if (!wasm_cc_grow(c, (void **)&c->vals, &c->cap_vals, c->nvals + 1, 1))
		return;
	c->vals[c->nvals++] = t;
	if (c->nvals > c->max_vals)
		c->max_vals = c->nvals;
}

uint8_t wasm_cc_pop(wasm_cc *c)
{
	wasm_ctrl *t = &c->ctrls[c->nctrls - 1];
	if (c->nvals == t->height) {
		if (!t->unreachable)
			wasm_cc_invalid(c, "type mismatch");
		return WASM_TYPE_ANY;
	}
	return c->vals[--c->nvals];
}

uint8_t wasm_cc_pop_expect(wasm_cc *c, uint8_t want)
{
	uint8_t t = wasm_cc_pop(c);
	if (t != want && t != WASM_TYPE_ANY && want != WASM_TYPE_ANY)
		wasm_cc_invalid(c, "type mismatch");
	return t == WASM_TYPE_ANY ? want : t;
}

void wasm_cc_pop_n(wasm_cc *c, const uint8_t *types, uint32_t n)
{
	for (uint32_t i = n; i-- > 0;)
		wasm_cc_pop_expect(c, types[i]);
}

void wasm_cc_push_n(wasm_cc *c, const uint8_t *types, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		wasm_cc_push(c, types[i]);
}

void wasm_cc_set_unreachable(wasm_cc *c)
{
	wasm_ctrl *t = &c->ctrls[c->nctrls - 1];
	c->nvals = t->height;
	t->unreachable = true;
}

