/*
 * Peephole fusion into superinstructions (the list is in ops.h). Works on
 * the last two emitted instructions only, and only since the last branch
 * target (emit.c resets the history at every label), so a fusion never
 * swallows a jump destination.
 */
#include "compile.h"

/* Superinstruction maps (see ops.h), indexed by the plain opcode. */
#define WASM_MAP(table, suffix) [OP_##table] = OP_##table##_##suffix,
#define WASM_LL(n, a, r, e) WASM_MAP(n, LL)
#define WASM_LC(n, a, r, e) WASM_MAP(n, LC)
#define WASM_C(n, a, r, e) WASM_MAP(n, C)
#define WASM_L(n, a, r, e) WASM_MAP(n, L)
static const uint16_t wasm_fuse_ll[256] = {
	WASM_BINOPS_I32(WASM_LL) WASM_BINOPS_I64(WASM_LL) WASM_BINOPS_F(WASM_LL)
};
static const uint16_t wasm_fuse_l[256] = {
	WASM_BINOPS_I32(WASM_L) WASM_BINOPS_I64(WASM_L) WASM_BINOPS_F(WASM_L)
};
static const uint16_t wasm_fuse_lc32[256] = { WASM_BINOPS_I32(WASM_LC) };
static const uint16_t wasm_fuse_lc64[256] = { WASM_BINOPS_I64(WASM_LC) };
static const uint16_t wasm_fuse_c32[256] = { WASM_BINOPS_I32(WASM_C) };
static const uint16_t wasm_fuse_c64[256] = { WASM_BINOPS_I64(WASM_C) };
#undef WASM_LL
#undef WASM_LC
#undef WASM_C
#undef WASM_L
/* ..._LL -> ..._LLS and ..._LC -> ..._LCS, indexed by fused opcode */
#define WASM_S(n, a, r, e) [OP_##n##_LL] = OP_##n##_LLS, [OP_##n##_LC] = OP_##n##_LCS,
#define WASM_SF(n, a, r, e) [OP_##n##_LL] = OP_##n##_LLS,
static const uint16_t wasm_fuse_store[WASM_NOPS] = {
	WASM_BINOPS_I32(WASM_S) WASM_BINOPS_I64(WASM_S) WASM_BINOPS_F(WASM_SF)
};
#undef WASM_S
#undef WASM_SF
#undef WASM_MAP

/* Is the newest instruction a constant usable as a fused immediate?
 * Returns its length in words (0 if not) and the value in (*v). */
static uint32_t wasm_cc_const_imm(const wasm_cc *c, const wasm_hist *h, bool wide,
			     uint32_t *v)
{
	if (!wide && h->op == OP_CONST32) {
		*v = c->code[h->pos + 1];
		return 2;
	}
	if (wide && h->op == OP_CONST64) {
		uint32_t lo = c->code[h->pos + 1], hi = c->code[h->pos + 2];
		if (hi != ((lo & 0x80000000u) ? 0xffffffffu : 0))
			return 0;
		*v = lo;
		return 3;
	}
	return 0;
}

/* Fold the operand-pushing instructions just emitted into binary (op). */
bool wasm_cc_fuse_binop(wasm_cc *c, uint8_t op)
{
	if (!wasm_cc_emitting(c) || !c->nhist || !wasm_fuse_ll[op])
		return false;
	const wasm_hist *l = &c->hist[1], *f = &c->hist[0];
	bool wide = wasm_fuse_lc64[op] != 0;
	uint32_t y, n = 0;
	if (l->op == OP_LOCAL_GET && l->pos + 2 == c->ncode) {
		n = 2;
		y = c->code[l->pos + 1];
	} else {
		n = wasm_cc_const_imm(c, l, wide, &y);
		if (!n || l->pos + n != c->ncode)
			return false;
	}
	bool is_local = l->op == OP_LOCAL_GET;
	uint32_t lc = wide ? wasm_fuse_lc64[op] : wasm_fuse_lc32[op];
	uint32_t cst = wide ? wasm_fuse_c64[op] : wasm_fuse_c32[op];
	if (c->nhist == 2 && f->op == OP_LOCAL_GET && f->pos + 2 == l->pos &&
	    (is_local || lc)) {
		uint32_t x = c->code[f->pos + 1];
		c->ncode = f->pos;
		c->nhist = 0;
		wasm_cc_op(c, is_local ? wasm_fuse_ll[op] : lc);
		wasm_cc_emit(c, x);
		wasm_cc_emit(c, y);
		return true;
	}
	uint32_t fop = is_local ? wasm_fuse_l[op] : cst;
	if (!fop)
		return false;
	c->ncode = l->pos;
	c->nhist = 0;
	wasm_cc_op(c, fop);
	wasm_cc_emit(c, y);
	return true;
}

/* local.set (d) right after a fusable instruction: write there directly. */
bool wasm_cc_fuse_set(wasm_cc *c, uint32_t d)
{
	if (!wasm_cc_emitting(c) || !c->nhist)
		return false;
	const wasm_hist *l = &c->hist[1];
	if (l->op < WASM_NOPS && wasm_fuse_store[l->op] && l->pos + 3 == c->ncode) {
		c->code[l->pos] = wasm_fuse_store[l->op];
		c->nhist = 0;
		wasm_cc_emit(c, d);
		return true;
	}
	if (l->op == OP_LOCAL_GET && l->pos + 2 == c->ncode) {
		c->code[l->pos] = OP_LOCAL_COPY;
		c->nhist = 0;
		wasm_cc_emit(c, d);
		return true;
	}
	return false;
}


/* local.tee (d) right after i32.add_LC/_LL: write and keep the sum. */
bool wasm_cc_fuse_tee(wasm_cc *c, uint32_t d)
{
	if (!wasm_cc_emitting(c) || !c->nhist)
		return false;
	const wasm_hist *l = &c->hist[1];
	if (l->pos + 3 != c->ncode ||
	    (l->op != OP_I32_ADD_LC && l->op != OP_I32_ADD_LL))
		return false;
	c->code[l->pos] = l->op == OP_I32_ADD_LC ? OP_I32_ADD_LCT : OP_I32_ADD_LLT;
	c->nhist = 0;
	wasm_cc_emit(c, d);
	return true;
}

/* A load whose address was just computed by i32.add_LC/_LL: one op. The
 * sum still wraps at 32 bits before the offset is added, as in wasm. */
bool wasm_cc_fuse_load(wasm_cc *c, uint32_t load_op, uint32_t offset)
{
	if (!wasm_cc_emitting(c) || !c->nhist)
		return false;
	const wasm_hist *l = &c->hist[1];
	if (l->pos + 3 != c->ncode ||
	    (l->op != OP_I32_ADD_LC && l->op != OP_I32_ADD_LL))
		return false;
	bool lc = l->op == OP_I32_ADD_LC;
	uint32_t fop;
	if (load_op == OP_I32_LOAD)
		fop = lc ? OP_LOAD32_ADD_LC : OP_LOAD32_ADD_LL;
	else if (load_op == OP_I64_LOAD)
		fop = lc ? OP_LOAD64_ADD_LC : OP_LOAD64_ADD_LL;
	else if (load_op == OP_I32_LOAD8_U)
		fop = lc ? OP_LOAD8U_ADD_LC : OP_LOAD8U_ADD_LL;
	else
		return false;
	c->code[l->pos] = fop;
	c->nhist = 0;
	wasm_cc_emit(c, offset);
	return true;
}
