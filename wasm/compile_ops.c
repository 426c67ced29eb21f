/*
 * Validation and compilation of the non-control instructions: variables,
 * calls, memory, constants, numeric, parametric, reference, table and the
 * 0xFC family. Each checks operand types, then emits its code.
 */
#include "compile.h"

/* ---- variables, calls, memory ---- */

static uint8_t wasm_cc_local(wasm_cc *c, uint32_t *idx)
{
	*idx = wasm_u32(c->r);
	if (c->r->err)
		return 0;
	if (*idx >= c->nlocals) {
		wasm_cc_invalid(c, "unknown local");
		return 0;
	}
	return c->locals[*idx];
}

void wasm_cc_variable(wasm_cc *c, uint8_t op)
{
	uint32_t idx;
	if (op <= OP_LOCAL_TEE) {
		uint8_t t = wasm_cc_local(c, &idx);
		if (c->r->err)
			return;
		if (op == OP_LOCAL_GET) {
			wasm_cc_push(c, t);
		} else {
			wasm_cc_pop_expect(c, t);
			if (op == OP_LOCAL_TEE)
				wasm_cc_push(c, t);
		}
	} else {
		idx = wasm_u32(c->r);
		if (c->r->err)
			return;
		if (idx >= c->m->nglobals) {
			wasm_cc_invalid(c, "unknown global");
			return;
		}
		wasm_globaltype g = c->m->globals[idx];
		if (op == OP_GLOBAL_GET) {
			wasm_cc_push(c, g.type);
		} else {
			if (!g.mut) {
				wasm_cc_invalid(c, "global is immutable");
				return;
			}
			wasm_cc_pop_expect(c, g.type);
		}
	}
	if (op == OP_LOCAL_SET && wasm_cc_fuse_set(c, idx))
		return;
	if (op == OP_LOCAL_TEE && wasm_cc_fuse_tee(c, idx))
		return;
	if (op == OP_LOCAL_GET && wasm_cc_last_is(c, OP_LOCAL_SET)) {
		/* local.set a; local.get b: one dispatch (a tee when a == b) */
		uint32_t a = c->code[c->hist[1].pos + 1];
		wasm_cc_unemit(c);
		wasm_cc_op(c, a == idx ? OP_LOCAL_TEE : OP_LOCAL_SET_GET);
		wasm_cc_emit(c, a);
		if (a != idx)
			wasm_cc_emit(c, idx);
		return;
	}
	wasm_cc_op(c, op);
	wasm_cc_emit(c, idx);
}

static void wasm_cc_call_type(wasm_cc *c, const wasm_functype *ft)
{
	wasm_cc_pop_n(c, ft->types, ft->nparams);
	wasm_cc_push_n(c, ft->types + ft->nparams, ft->nresults);
}

void wasm_cc_call(wasm_cc *c)
{
	uint32_t f = wasm_u32(c->r);
	if (c->r->err)
		return;
	if (f >= c->m->nfuncs) {
		wasm_cc_invalid(c, "unknown function");
		return;
	}
	wasm_cc_call_type(c, &c->m->types[c->m->func_types[f]]);
	wasm_cc_op(c, OP_CALL);
	wasm_cc_emit(c, f);
}

static bool wasm_cc_table_ok(wasm_cc *c, uint32_t t)
{
	if (t >= c->m->ntables) {
		wasm_cc_invalid(c, "unknown table");
		return false;
	}
	return true;
}

void wasm_cc_call_indirect(wasm_cc *c)
{
	uint32_t type = wasm_u32(c->r);
	uint32_t table = wasm_u32(c->r);
	if (c->r->err)
		return;
	if (!wasm_cc_table_ok(c, table))
		return;
	if (type >= c->m->ntypes) {
		wasm_cc_invalid(c, "unknown type");
		return;
	}
	if (c->m->tables[table].elem != WASM_FUNCREF) {
		wasm_cc_invalid(c, "type mismatch");
		return;
	}
	wasm_cc_pop_expect(c, WASM_I32);
	wasm_cc_call_type(c, &c->m->types[type]);
	wasm_cc_op(c, OP_CALL_INDIRECT);
	wasm_cc_emit(c, type);
	wasm_cc_emit(c, table);
}

static bool wasm_cc_need_memory(wasm_cc *c)
{
	if (c->m->nmems == 0) {
		wasm_cc_invalid(c, "unknown memory 0");
		return false;
	}
	return true;
}

/* Natural alignment log2, value type and push/pop shape of 0x28..0x3e. */
void wasm_cc_memop(wasm_cc *c, uint8_t op)
{
	static const uint8_t natural[23] = { 2, 3, 2, 3, 0, 0, 1, 1, 0, 0, 1, 1,
					     2, 2, 2, 3, 2, 3, 0, 1, 0, 1, 2 };
	static const uint8_t vt[23] = { 0x7f, 0x7e, 0x7d, 0x7c, 0x7f, 0x7f, 0x7f,
					0x7f, 0x7e, 0x7e, 0x7e, 0x7e, 0x7e, 0x7e,
					0x7f, 0x7e, 0x7d, 0x7c, 0x7f, 0x7f, 0x7e,
					0x7e, 0x7e };
	uint32_t align = wasm_u32(c->r);
	uint32_t offset = wasm_u32(c->r);
	if (c->r->err || !wasm_cc_need_memory(c))
		return;
	unsigned k = op - 0x28u;
	if (align > natural[k]) {
		wasm_cc_invalid(c, "alignment must not be larger than natural");
		return;
	}
	if (op <= 0x35) {
		wasm_cc_pop_expect(c, WASM_I32);
		wasm_cc_push(c, vt[k]);
	} else {
		wasm_cc_pop_expect(c, vt[k]);
		wasm_cc_pop_expect(c, WASM_I32);
	}
	/* float loads/stores move bits: share the integer handlers */
	static const uint8_t as[23] = { 0x28, 0x29, 0x28, 0x29, 0x2c, 0x2d, 0x2e,
					0x2f, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35,
					0x36, 0x37, 0x36, 0x37, 0x3a, 0x3b, 0x3a,
					0x3b, 0x36 };
	if (wasm_cc_fuse_load(c, as[k], offset))
		return;
	if ((as[k] == OP_I32_LOAD || as[k] == OP_I64_LOAD) && wasm_cc_last_is(c, OP_LOCAL_GET)) {
		uint32_t a = c->code[c->hist[1].pos + 1];
		wasm_cc_unemit(c);
		wasm_cc_op(c, as[k] == OP_I32_LOAD ? OP_LOCAL_GET_LOAD32 : OP_LOCAL_GET_LOAD64);
		wasm_cc_emit(c, a);
		wasm_cc_emit(c, offset);
		return;
	}
	wasm_cc_op(c, as[k]);
	wasm_cc_emit(c, offset);
}

static void wasm_cc_zero_byte(wasm_cc *c)
{
	if (wasm_u8(c->r) != 0 && !c->r->err)
		wasm_fail(c->r, WASM_ERR_MALFORMED, "zero byte expected");
}

void wasm_cc_memsize(wasm_cc *c, uint8_t op)
{
	wasm_cc_zero_byte(c);
	if (c->r->err || !wasm_cc_need_memory(c))
		return;
	if (op == OP_MEMORY_GROW)
		wasm_cc_pop_expect(c, WASM_I32);
	wasm_cc_push(c, WASM_I32);
	wasm_cc_op(c, op);
}

void wasm_cc_const(wasm_cc *c, uint8_t op)
{
	uint64_t v = 0;
	uint8_t t = op == 0x41 ? WASM_I32 : op == 0x42 ? WASM_I64 : op == 0x43 ? WASM_F32 : WASM_F64;
	if (op == 0x41) {
		v = (uint32_t)wasm_sleb(c->r, 32);
	} else if (op == 0x42) {
		v = (uint64_t)wasm_sleb(c->r, 64);
	} else {
		unsigned n = op == 0x43 ? 4 : 8;
		if ((size_t)(c->r->end - c->r->p) < n) {
			wasm_fail(c->r, WASM_ERR_MALFORMED, "unexpected end");
			return;
		}
		for (unsigned i = n; i-- > 0;)
			v = v << 8 | c->r->p[i];
		c->r->p += n;
	}
	wasm_cc_push(c, t);
	if (t == WASM_I32 || t == WASM_F32) {
		wasm_cc_op(c, OP_CONST32);
		wasm_cc_emit(c, (uint32_t)v);
	} else {
		wasm_cc_op(c, OP_CONST64);
		wasm_cc_emit(c, (uint32_t)v);
		wasm_cc_emit(c, (uint32_t)(v >> 32));
	}
}

/* ---- numeric ---- */

/* Signature of numeric opcode 0x45..0xc4 as (in1, in2, out); in2 0 for
 * unary. */
static void wasm_cc_numeric_sig(uint8_t op, uint8_t *a, uint8_t *b, uint8_t *o)
{
	static const uint8_t conv[0xc5 - 0xa7][2] = {
		{ 0x7e, 0x7f }, { 0x7d, 0x7f }, { 0x7d, 0x7f }, { 0x7c, 0x7f }, { 0x7c, 0x7f },
		{ 0x7f, 0x7e }, { 0x7f, 0x7e }, { 0x7d, 0x7e }, { 0x7d, 0x7e }, { 0x7c, 0x7e },
		{ 0x7c, 0x7e }, { 0x7f, 0x7d }, { 0x7f, 0x7d }, { 0x7e, 0x7d }, { 0x7e, 0x7d },
		{ 0x7c, 0x7d }, { 0x7f, 0x7c }, { 0x7f, 0x7c }, { 0x7e, 0x7c }, { 0x7e, 0x7c },
		{ 0x7d, 0x7c }, { 0x7d, 0x7f }, { 0x7c, 0x7e }, { 0x7f, 0x7d }, { 0x7e, 0x7c },
		{ 0x7f, 0x7f }, { 0x7f, 0x7f }, { 0x7e, 0x7e }, { 0x7e, 0x7e }, { 0x7e, 0x7e },
	};
	*b = 0;
	if (op == 0x45) { *a = 0x7f; *o = 0x7f; }
	else if (op <= 0x4f) { *a = *b = 0x7f; *o = 0x7f; }
	else if (op == 0x50) { *a = 0x7e; *o = 0x7f; }
	else if (op <= 0x5a) { *a = *b = 0x7e; *o = 0x7f; }
	else if (op <= 0x60) { *a = *b = 0x7d; *o = 0x7f; }
	else if (op <= 0x66) { *a = *b = 0x7c; *o = 0x7f; }
	else if (op <= 0x69) { *a = *o = 0x7f; }
	else if (op <= 0x78) { *a = *b = *o = 0x7f; }
	else if (op <= 0x7b) { *a = *o = 0x7e; }
	else if (op <= 0x8a) { *a = *b = *o = 0x7e; }
	else if (op <= 0x91) { *a = *o = 0x7d; }
	else if (op <= 0x98) { *a = *b = *o = 0x7d; }
	else if (op <= 0x9f) { *a = *o = 0x7c; }
	else if (op <= 0xa6) { *a = *b = *o = 0x7c; }
	else { *a = conv[op - 0xa7][0]; *o = conv[op - 0xa7][1]; }
}

void wasm_cc_numeric(wasm_cc *c, uint8_t op)
{
	uint8_t a, b, o;
	wasm_cc_numeric_sig(op, &a, &b, &o);
	if (b)
		wasm_cc_pop_expect(c, b);
	wasm_cc_pop_expect(c, a);
	wasm_cc_push(c, o);
	if (op == 0xa7 || op == 0xbc || op == 0xbd || op == 0xbe || op == 0xbf)
		return; /* wrap and reinterpret move no bits: emit nothing */
	if (!wasm_cc_fuse_binop(c, op))
		wasm_cc_op(c, op);
}

/* ---- parametric and reference ---- */

static bool wasm_cc_is_num(uint8_t t)
{
	return t == WASM_I32 || t == WASM_I64 || t == WASM_F32 || t == WASM_F64 ||
	       t == WASM_TYPE_ANY;
}

static bool wasm_cc_is_ref(uint8_t t)
{
	return t == WASM_FUNCREF || t == WASM_EXTERNREF || t == WASM_TYPE_ANY;
}

void wasm_cc_select(wasm_cc *c, bool typed)
{
	uint8_t want = WASM_TYPE_ANY;
	if (typed) {
		uint32_t n = wasm_u32(c->r);
		if (c->r->err)
			return;
		if (n != 1) {
			wasm_cc_invalid(c, "invalid result arity");
			return;
		}
		want = wasm_u8(c->r);
		bool ok = false;
		for (unsigned i = 0; i < sizeof(wasm_valtypes); i++)
			ok |= want == wasm_valtypes[i];
		if (!ok) {
			wasm_fail(c->r, WASM_ERR_MALFORMED, "malformed value type");
			return;
		}
	}
	wasm_cc_pop_expect(c, WASM_I32);
	uint8_t t1 = wasm_cc_pop_expect(c, want);
	uint8_t t2 = wasm_cc_pop_expect(c, want);
	if (!typed) {
		if (!wasm_cc_is_num(t1) || !wasm_cc_is_num(t2)) {
			wasm_cc_invalid(c, "type mismatch");
			return;
		}
		if (t1 != t2 && t1 != WASM_TYPE_ANY && t2 != WASM_TYPE_ANY) {
			wasm_cc_invalid(c, "type mismatch");
			return;
		}
	}
	wasm_cc_push(c, t1 == WASM_TYPE_ANY ? t2 : t1);
	wasm_cc_op(c, OP_SELECT);
}

void wasm_cc_ref(wasm_cc *c, uint8_t op)
{
	if (op == 0xd0) {
		uint8_t t = wasm_u8(c->r);
		if (!c->r->err && t != WASM_FUNCREF && t != WASM_EXTERNREF) {
			wasm_fail(c->r, WASM_ERR_MALFORMED, "malformed reference type");
			return;
		}
		wasm_cc_push(c, t);
		wasm_cc_op(c, OP_CONST64);
		wasm_cc_emit(c, 0);
		wasm_cc_emit(c, 0);
	} else if (op == 0xd1) {
		uint8_t t = wasm_cc_pop(c);
		if (!wasm_cc_is_ref(t)) {
			wasm_cc_invalid(c, "type mismatch");
			return;
		}
		wasm_cc_push(c, WASM_I32);
		wasm_cc_op(c, OP_REF_IS_NULL);
	} else {
		uint32_t f = wasm_u32(c->r);
		if (c->r->err)
			return;
		if (f >= c->m->nfuncs) {
			wasm_cc_invalid(c, "unknown function");
			return;
		}
		if (!c->m->func_declared[f]) {
			wasm_cc_invalid(c, "undeclared function reference");
			return;
		}
		wasm_cc_push(c, WASM_FUNCREF);
		wasm_cc_op(c, OP_REF_FUNC);
		wasm_cc_emit(c, f);
	}
}

void wasm_cc_table_op(wasm_cc *c, uint8_t op)
{
	uint32_t t = wasm_u32(c->r);
	if (c->r->err || !wasm_cc_table_ok(c, t))
		return;
	uint8_t et = c->m->tables[t].elem;
	if (op == OP_TABLE_GET) {
		wasm_cc_pop_expect(c, WASM_I32);
		wasm_cc_push(c, et);
	} else if (op == OP_TABLE_SET) {
		wasm_cc_pop_expect(c, et);
		wasm_cc_pop_expect(c, WASM_I32);
	} else if (op == OP_TABLE_GROW) {
		wasm_cc_pop_expect(c, WASM_I32);
		wasm_cc_pop_expect(c, et);
		wasm_cc_push(c, WASM_I32);
	} else if (op == OP_TABLE_SIZE) {
		wasm_cc_push(c, WASM_I32);
	} else { /* fill: i32 ref i32 */
		wasm_cc_pop_expect(c, WASM_I32);
		wasm_cc_pop_expect(c, et);
		wasm_cc_pop_expect(c, WASM_I32);
	}
	wasm_cc_op(c, op);
	wasm_cc_emit(c, t);
}

static bool wasm_cc_elem_ok(wasm_cc *c, uint32_t seg)
{
	if (seg >= c->m->nelems) {
		wasm_cc_invalid(c, "unknown elem segment");
		return false;
	}
	return true;
}

static bool wasm_cc_data_ok(wasm_cc *c, uint32_t seg)
{
	if (!c->m->has_datacount) {
		wasm_fail(c->r, WASM_ERR_MALFORMED, "data count section required");
		return false;
	}
	if (seg >= c->m->ndatas) {
		wasm_cc_invalid(c, "unknown data segment");
		return false;
	}
	return true;
}

static void wasm_cc_pop3_i32(wasm_cc *c)
{
	wasm_cc_pop_expect(c, WASM_I32);
	wasm_cc_pop_expect(c, WASM_I32);
	wasm_cc_pop_expect(c, WASM_I32);
}

static void wasm_cc_bulk(wasm_cc *c, uint32_t sub)
{
	uint32_t a, b;
	switch (sub) {
	case 8: /* memory.init */
		a = wasm_u32(c->r);
		wasm_cc_zero_byte(c);
		if (c->r->err || !wasm_cc_need_memory(c) || !wasm_cc_data_ok(c, a))
			return;
		wasm_cc_pop3_i32(c);
		wasm_cc_op(c, OP_MEMORY_INIT);
		wasm_cc_emit(c, a);
		return;
	case 9: /* data.drop */
		a = wasm_u32(c->r);
		if (c->r->err || !wasm_cc_data_ok(c, a))
			return;
		wasm_cc_op(c, OP_DATA_DROP);
		wasm_cc_emit(c, a);
		return;
	case 10: case 11: /* memory.copy, memory.fill */
		wasm_cc_zero_byte(c);
		if (sub == 10)
			wasm_cc_zero_byte(c);
		if (c->r->err || !wasm_cc_need_memory(c))
			return;
		wasm_cc_pop3_i32(c);
		wasm_cc_emit(c, sub == 10 ? OP_MEMORY_COPY : OP_MEMORY_FILL);
		return;
	case 12: /* table.init seg table */
		a = wasm_u32(c->r);
		b = wasm_u32(c->r);
		if (c->r->err || !wasm_cc_elem_ok(c, a) || !wasm_cc_table_ok(c, b))
			return;
		if (c->m->elems[a].type != c->m->tables[b].elem) {
			wasm_cc_invalid(c, "type mismatch");
			return;
		}
		wasm_cc_pop3_i32(c);
		wasm_cc_op(c, OP_TABLE_INIT);
		wasm_cc_emit(c, a);
		wasm_cc_emit(c, b);
		return;
	case 13: /* elem.drop */
		a = wasm_u32(c->r);
		if (c->r->err || !wasm_cc_elem_ok(c, a))
			return;
		wasm_cc_op(c, OP_ELEM_DROP);
		wasm_cc_emit(c, a);
		return;
	case 14: /* table.copy dst src */
		a = wasm_u32(c->r);
		b = wasm_u32(c->r);
		if (c->r->err || !wasm_cc_table_ok(c, a) || !wasm_cc_table_ok(c, b))
			return;
		if (c->m->tables[a].elem != c->m->tables[b].elem) {
			wasm_cc_invalid(c, "type mismatch");
			return;
		}
		wasm_cc_pop3_i32(c);
		wasm_cc_op(c, OP_TABLE_COPY);
		wasm_cc_emit(c, a);
		wasm_cc_emit(c, b);
		return;
	case 15: wasm_cc_table_op(c, OP_TABLE_GROW); return;
	case 16: wasm_cc_table_op(c, OP_TABLE_SIZE); return;
	case 17: wasm_cc_table_op(c, OP_TABLE_FILL); return;
	}
	wasm_fail(c->r, WASM_ERR_MALFORMED, "illegal opcode");
}

void wasm_cc_prefix_fc(wasm_cc *c)
{
	static const uint8_t sat[8][2] = {
		{ 0x7d, 0x7f }, { 0x7d, 0x7f }, { 0x7c, 0x7f }, { 0x7c, 0x7f },
		{ 0x7d, 0x7e }, { 0x7d, 0x7e }, { 0x7c, 0x7e }, { 0x7c, 0x7e },
	};
	uint32_t sub = wasm_u32(c->r);
	if (c->r->err)
		return;
	if (sub < 8) {
		wasm_cc_pop_expect(c, sat[sub][0]);
		wasm_cc_push(c, sat[sub][1]);
		wasm_cc_op(c, OP_TRUNC_SAT_I32_F32_S + sub);
		return;
	}
	wasm_cc_bulk(c, sub);
}

