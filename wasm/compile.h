/*
 * Shared state of the one-pass validator/compiler (compile.c drives it):
 * control frames, the operand type stack, code emission with its
 * peephole history. See compile.c for the code form.
 */
#ifndef WASM_COMPILE_H
#define WASM_COMPILE_H

#include "ops.h"
#include "reader.h"

enum { K_BLOCK, K_LOOP, K_IF, K_ELSE, K_FUNC };

typedef struct wasm_ctrl {
	uint8_t kind;
	bool unreachable;   /* stack is polymorphic after br/return/... */
	bool dead;          /* opened in unreachable code: emit nothing */
	uint32_t height;    /* type stack height below the params */
	uint32_t nparams, nresults;
	const uint8_t *params, *results;
	uint32_t start_pc;  /* loop: branch target */
	uint32_t fixups;    /* chain of words to patch with the end pc, +1 */
	uint32_t else_fix;  /* if: word to patch with the else pc, +1 */
	uint32_t fuel_pos;  /* loop/func: word holding the fuel cost, +1 */
	uint32_t ins_start; /* instruction count at open */
} wasm_ctrl;

/* Peephole history: the last two instructions emitted since the last
 * branch target, so a fusion never swallows a jump destination. */
typedef struct wasm_hist {
	uint32_t pos;
	uint32_t op;
} wasm_hist;

typedef struct wasm_cc {
	wasm_module *m;
	wasm_reader *r;
	const wasm_functype *type;
	uint8_t *locals;
	uint32_t nlocals;
	uint8_t *vals;
	uint32_t nvals, cap_vals, max_vals;
	wasm_ctrl *ctrls;
	uint32_t nctrls, cap_ctrls;
	uint32_t *code;
	uint32_t ncode, cap_code;
	uint32_t ins;       /* instructions seen, for fuel costs */
	wasm_hist hist[2];  /* hist[1] newest; valid entries: nhist */
	uint32_t nhist;
} wasm_cc;

/* The six value types, in binary encoding, for "is this a value type". */
extern const uint8_t wasm_valtypes[6];

/* emit.c: errors, buffers, the type stack (spec appendix algorithm:
 * pops below the frame's height yield WASM_TYPE_ANY when unreachable),
 * emission (a no-op in unreachable code) and label fixup chains. */
void wasm_cc_barrier(wasm_cc *c);
void wasm_cc_emit(wasm_cc *c, uint32_t w);
void wasm_cc_emit_fixup(wasm_cc *c, uint32_t *chain);
bool wasm_cc_emitting(const wasm_cc *c);
bool wasm_cc_grow(wasm_cc *c, void **p, uint32_t *cap, uint32_t need, size_t size);
void wasm_cc_invalid(wasm_cc *c, const char *why);
bool wasm_cc_last_is(const wasm_cc *c, uint32_t op);
void wasm_cc_op(wasm_cc *c, uint32_t op);
void wasm_cc_patch(wasm_cc *c, uint32_t chain, uint32_t target);
uint8_t wasm_cc_pop(wasm_cc *c);
uint8_t wasm_cc_pop_expect(wasm_cc *c, uint8_t want);
void wasm_cc_pop_n(wasm_cc *c, const uint8_t *types, uint32_t n);
void wasm_cc_push(wasm_cc *c, uint8_t t);
void wasm_cc_push_n(wasm_cc *c, const uint8_t *types, uint32_t n);
void wasm_cc_set_unreachable(wasm_cc *c);
void wasm_cc_unemit(wasm_cc *c);
/* fuse.c: superinstructions; true when the instruction was fused. */
bool wasm_cc_fuse_binop(wasm_cc *c, uint8_t op);
bool wasm_cc_fuse_set(wasm_cc *c, uint32_t d);
bool wasm_cc_fuse_tee(wasm_cc *c, uint32_t d);
bool wasm_cc_fuse_load(wasm_cc *c, uint32_t load_op, uint32_t offset);
/* compile_ops.c: one non-control instruction each, opcode consumed. */
void wasm_cc_call(wasm_cc *c);
void wasm_cc_call_indirect(wasm_cc *c);
void wasm_cc_const(wasm_cc *c, uint8_t op);
void wasm_cc_memop(wasm_cc *c, uint8_t op);
void wasm_cc_memsize(wasm_cc *c, uint8_t op);
void wasm_cc_numeric(wasm_cc *c, uint8_t op);
void wasm_cc_prefix_fc(wasm_cc *c);
void wasm_cc_ref(wasm_cc *c, uint8_t op);
void wasm_cc_select(wasm_cc *c, bool typed);
void wasm_cc_table_op(wasm_cc *c, uint8_t op);
void wasm_cc_variable(wasm_cc *c, uint8_t op);

#endif
