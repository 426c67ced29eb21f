/*
 * Opcodes of the internal code form (see compile.c). Numeric, memory,
 * variable and constant instructions keep their wasm opcode numbers so
 * the compiler copies them through; control flow and the 0xFC prefix
 * family get fresh numbers above 0xC4, each with pre-resolved operands.
 * Every opcode and operand is one uint32_t word. WASM_OPS(X) lists them
 * all as X(name, number) so the interpreter can build its dispatch table
 * from the same list; operands are noted beside each.
 */
#ifndef WASM_OPS_H
#define WASM_OPS_H

#define WASM_OPS(X) \
	X(UNREACHABLE, 0x00) \
	X(DROP, 0x1a) \
	X(SELECT, 0x1b) \
	X(LOCAL_GET, 0x20) /* idx */ \
	X(LOCAL_SET, 0x21) /* idx */ \
	X(LOCAL_TEE, 0x22) /* idx */ \
	X(GLOBAL_GET, 0x23) /* idx */ \
	X(GLOBAL_SET, 0x24) /* idx */ \
	X(TABLE_GET, 0x25) /* table */ \
	X(TABLE_SET, 0x26) /* table */ \
	X(I32_LOAD, 0x28) /* offset */ \
	X(I64_LOAD, 0x29) /* offset */ \
	X(F32_LOAD, 0x2a) /* offset */ \
	X(F64_LOAD, 0x2b) /* offset */ \
	X(I32_LOAD8_S, 0x2c) /* offset */ \
	X(I32_LOAD8_U, 0x2d) /* offset */ \
	X(I32_LOAD16_S, 0x2e) /* offset */ \
	X(I32_LOAD16_U, 0x2f) /* offset */ \
	X(I64_LOAD8_S, 0x30) /* offset */ \
	X(I64_LOAD8_U, 0x31) /* offset */ \
	X(I64_LOAD16_S, 0x32) /* offset */ \
	X(I64_LOAD16_U, 0x33) /* offset */ \
	X(I64_LOAD32_S, 0x34) /* offset */ \
	X(I64_LOAD32_U, 0x35) /* offset */ \
	X(I32_STORE, 0x36) /* offset */ \
	X(I64_STORE, 0x37) /* offset */ \
	X(F32_STORE, 0x38) /* offset */ \
	X(F64_STORE, 0x39) /* offset */ \
	X(I32_STORE8, 0x3a) /* offset */ \
	X(I32_STORE16, 0x3b) /* offset */ \
	X(I64_STORE8, 0x3c) /* offset */ \
	X(I64_STORE16, 0x3d) /* offset */ \
	X(I64_STORE32, 0x3e) /* offset */ \
	X(MEMORY_SIZE, 0x3f) \
	X(MEMORY_GROW, 0x40) \
	X(CONST32, 0x41) /* bits */ \
	X(CONST64, 0x42) /* lo, hi */ \
	X(I32_EQZ, 0x45) \
	X(I32_EQ, 0x46) \
	X(I32_NE, 0x47) \
	X(I32_LT_S, 0x48) \
	X(I32_LT_U, 0x49) \
	X(I32_GT_S, 0x4a) \
	X(I32_GT_U, 0x4b) \
	X(I32_LE_S, 0x4c) \
	X(I32_LE_U, 0x4d) \
	X(I32_GE_S, 0x4e) \
	X(I32_GE_U, 0x4f) \
	X(I64_EQZ, 0x50) \
	X(I64_EQ, 0x51) \
	X(I64_NE, 0x52) \
	X(I64_LT_S, 0x53) \
	X(I64_LT_U, 0x54) \
	X(I64_GT_S, 0x55) \
	X(I64_GT_U, 0x56) \
	X(I64_LE_S, 0x57) \
	X(I64_LE_U, 0x58) \
	X(I64_GE_S, 0x59) \
	X(I64_GE_U, 0x5a) \
	X(F32_EQ, 0x5b) \
	X(F32_NE, 0x5c) \
	X(F32_LT, 0x5d) \
	X(F32_GT, 0x5e) \
	X(F32_LE, 0x5f) \
	X(F32_GE, 0x60) \
	X(F64_EQ, 0x61) \
	X(F64_NE, 0x62) \
	X(F64_LT, 0x63) \
	X(F64_GT, 0x64) \
	X(F64_LE, 0x65) \
	X(F64_GE, 0x66) \
	X(I32_CLZ, 0x67) \
	X(I32_CTZ, 0x68) \
	X(I32_POPCNT, 0x69) \
	X(I32_ADD, 0x6a) \
	X(I32_SUB, 0x6b) \
	X(I32_MUL, 0x6c) \
	X(I32_DIV_S, 0x6d) \
	X(I32_DIV_U, 0x6e) \
	X(I32_REM_S, 0x6f) \
	X(I32_REM_U, 0x70) \
	X(I32_AND, 0x71) \
	X(I32_OR, 0x72) \
	X(I32_XOR, 0x73) \
	X(I32_SHL, 0x74) \
	X(I32_SHR_S, 0x75) \
	X(I32_SHR_U, 0x76) \
	X(I32_ROTL, 0x77) \
	X(I32_ROTR, 0x78) \
	X(I64_CLZ, 0x79) \
	X(I64_CTZ, 0x7a) \
	X(I64_POPCNT, 0x7b) \
	X(I64_ADD, 0x7c) \
	X(I64_SUB, 0x7d) \
	X(I64_MUL, 0x7e) \
	X(I64_DIV_S, 0x7f) \
	X(I64_DIV_U, 0x80) \
	X(I64_REM_S, 0x81) \
	X(I64_REM_U, 0x82) \
	X(I64_AND, 0x83) \
	X(I64_OR, 0x84) \
	X(I64_XOR, 0x85) \
	X(I64_SHL, 0x86) \
	X(I64_SHR_S, 0x87) \
	X(I64_SHR_U, 0x88) \
	X(I64_ROTL, 0x89) \
	X(I64_ROTR, 0x8a) \
	X(F32_ABS, 0x8b) \
	X(F32_NEG, 0x8c) \
	X(F32_CEIL, 0x8d) \
	X(F32_FLOOR, 0x8e) \
	X(F32_TRUNC, 0x8f) \
	X(F32_NEAREST, 0x90) \
	X(F32_SQRT, 0x91) \
	X(F32_ADD, 0x92) \
	X(F32_SUB, 0x93) \
	X(F32_MUL, 0x94) \
	X(F32_DIV, 0x95) \
	X(F32_MIN, 0x96) \
	X(F32_MAX, 0x97) \
	X(F32_COPYSIGN, 0x98) \
	X(F64_ABS, 0x99) \
	X(F64_NEG, 0x9a) \
	X(F64_CEIL, 0x9b) \
	X(F64_FLOOR, 0x9c) \
	X(F64_TRUNC, 0x9d) \
	X(F64_NEAREST, 0x9e) \
	X(F64_SQRT, 0x9f) \
	X(F64_ADD, 0xa0) \
	X(F64_SUB, 0xa1) \
	X(F64_MUL, 0xa2) \
	X(F64_DIV, 0xa3) \
	X(F64_MIN, 0xa4) \
	X(F64_MAX, 0xa5) \
	X(F64_COPYSIGN, 0xa6) \
	X(I32_WRAP_I64, 0xa7) \
	X(I32_TRUNC_F32_S, 0xa8) \
	X(I32_TRUNC_F32_U, 0xa9) \
	X(I32_TRUNC_F64_S, 0xaa) \
	X(I32_TRUNC_F64_U, 0xab) \
	X(I64_EXTEND_I32_S, 0xac) \
	X(I64_EXTEND_I32_U, 0xad) \
	X(I64_TRUNC_F32_S, 0xae) \
	X(I64_TRUNC_F32_U, 0xaf) \
	X(I64_TRUNC_F64_S, 0xb0) \
	X(I64_TRUNC_F64_U, 0xb1) \
	X(F32_CONVERT_I32_S, 0xb2) \
	X(F32_CONVERT_I32_U, 0xb3) \
	X(F32_CONVERT_I64_S, 0xb4) \
	X(F32_CONVERT_I64_U, 0xb5) \
	X(F32_DEMOTE_F64, 0xb6) \
	X(F64_CONVERT_I32_S, 0xb7) \
	X(F64_CONVERT_I32_U, 0xb8) \
	X(F64_CONVERT_I64_S, 0xb9) \
	X(F64_CONVERT_I64_U, 0xba) \
	X(F64_PROMOTE_F32, 0xbb) \
	X(I32_REINTERPRET_F32, 0xbc) \
	X(I64_REINTERPRET_F64, 0xbd) \
	X(F32_REINTERPRET_I32, 0xbe) \
	X(F64_REINTERPRET_I64, 0xbf) \
	X(I32_EXTEND8_S, 0xc0) \
	X(I32_EXTEND16_S, 0xc1) \
	X(I64_EXTEND8_S, 0xc2) \
	X(I64_EXTEND16_S, 0xc3) \
	X(I64_EXTEND32_S, 0xc4) \
	X(FUEL, 0xc5) /* cost */ \
	X(BR, 0xc6) /* target */ \
	X(BR_ADJ, 0xc7) /* target, height, arity */ \
	X(BR_IF, 0xc8) /* target */ \
	X(BR_IF_ADJ, 0xc9) /* target, height, arity */ \
	X(BR_UNLESS, 0xca) /* target */ \
	X(BR_TABLE, 0xcb) /* arity, n, (target, height) * (n+1) */ \
	X(RETURN, 0xcc) /* nresults */ \
	X(CALL, 0xcd) /* func */ \
	X(CALL_INDIRECT, 0xce) /* type, table */ \
	X(TRUNC_SAT_I32_F32_S, 0xcf) \
	X(TRUNC_SAT_I32_F32_U, 0xd0) \
	X(TRUNC_SAT_I32_F64_S, 0xd1) \
	X(TRUNC_SAT_I32_F64_U, 0xd2) \
	X(TRUNC_SAT_I64_F32_S, 0xd3) \
	X(TRUNC_SAT_I64_F32_U, 0xd4) \
	X(TRUNC_SAT_I64_F64_S, 0xd5) \
	X(TRUNC_SAT_I64_F64_U, 0xd6) \
	X(MEMORY_INIT, 0xd7) /* seg */ \
	X(DATA_DROP, 0xd8) /* seg */ \
	X(MEMORY_COPY, 0xd9) \
	X(MEMORY_FILL, 0xda) \
	X(TABLE_INIT, 0xdb) /* seg, table */ \
	X(ELEM_DROP, 0xdc) /* seg */ \
	X(TABLE_COPY, 0xdd) /* dst, src */ \
	X(TABLE_GROW, 0xde) /* table */ \
	X(TABLE_SIZE, 0xdf) /* table */ \
	X(TABLE_FILL, 0xe0) /* table */ \
	X(REF_IS_NULL, 0xe1) \
	X(REF_FUNC, 0xe2) /* func */ \
	/* end */

enum {
#define WASM_OP_ENUM(name, num) OP_##name = num,
	WASM_OPS(WASM_OP_ENUM)
#undef WASM_OP_ENUM
};

/*
 * Superinstructions. The compiler fuses the commonest stack shuffles
 * around a binary operator OP into one dispatch ("L" local, "C" constant,
 * "S" store to a local):
 *   local.get a; local.get b; OP      ->  OP_LL a b
 *   local.get a; const c; OP          ->  OP_LC a c
 *   const c; OP                       ->  OP_C c
 *   local.get b; OP                   ->  OP_L b     (x from the stack)
 *   OP_LL a b; local.set d            ->  OP_LLS a b d
 *   OP_LC a c; local.set d            ->  OP_LCS a c d
 * Constant forms exist for integer ops only; i64 constants must fit in a
 * sign-extended 32-bit word. X(name, operand field, result field,
 * expression of x and y).
 */
#define WASM_BINOPS_I32(X) \
	X(I32_ADD, u32, u32, x + y) \
	X(I32_SUB, u32, u32, x - y) \
	X(I32_MUL, u32, u32, x * y) \
	X(I32_AND, u32, u32, x & y) \
	X(I32_OR, u32, u32, x | y) \
	X(I32_XOR, u32, u32, x ^ y) \
	X(I32_SHL, u32, u32, x << (y & 31)) \
	X(I32_SHR_U, u32, u32, x >> (y & 31)) \
	X(I32_SHR_S, s32, s32, x >> (y & 31)) \
	X(I32_ROTL, u32, u32, wasm_rotl32(x, y)) \
	X(I32_ROTR, u32, u32, wasm_rotl32(x, 32 - (y & 31))) \
	X(I32_EQ, u32, u32, x == y) \
	X(I32_NE, u32, u32, x != y) \
	X(I32_LT_S, s32, u32, x < y) \
	X(I32_LT_U, u32, u32, x < y) \
	X(I32_GT_S, s32, u32, x > y) \
	X(I32_GT_U, u32, u32, x > y) \
	X(I32_LE_S, s32, u32, x <= y) \
	X(I32_LE_U, u32, u32, x <= y) \
	X(I32_GE_S, s32, u32, x >= y) \
	X(I32_GE_U, u32, u32, x >= y)

#define WASM_BINOPS_I64(X) \
	X(I64_ADD, u64, u64, x + y) \
	X(I64_SUB, u64, u64, x - y) \
	X(I64_MUL, u64, u64, x * y) \
	X(I64_AND, u64, u64, x & y) \
	X(I64_OR, u64, u64, x | y) \
	X(I64_XOR, u64, u64, x ^ y) \
	X(I64_SHL, u64, u64, x << (y & 63)) \
	X(I64_SHR_U, u64, u64, x >> (y & 63)) \
	X(I64_SHR_S, s64, s64, x >> (y & 63)) \
	X(I64_EQ, u64, u32, x == y) \
	X(I64_NE, u64, u32, x != y) \
	X(I64_LT_S, s64, u32, x < y) \
	X(I64_LT_U, u64, u32, x < y) \
	X(I64_GT_S, s64, u32, x > y) \
	X(I64_LE_S, s64, u32, x <= y) \
	X(I64_GE_S, s64, u32, x >= y)

#define WASM_BINOPS_F(X) \
	X(F64_ADD, f64, f64, x + y) \
	X(F64_SUB, f64, f64, x - y) \
	X(F64_MUL, f64, f64, x * y) \
	X(F64_DIV, f64, f64, x / y) \
	X(F64_LT, f64, u32, x < y) \
	X(F64_GT, f64, u32, x > y) \
	X(F32_ADD, f32, f32, x + y) \
	X(F32_SUB, f32, f32, x - y) \
	X(F32_MUL, f32, f32, x * y) \
	X(F32_DIV, f32, f32, x / y)

enum {
	OP_FUSED_BASE = 0xff,
#define WASM_FUSED_INT_ENUM(n, a, r, e) \
	OP_##n##_LL, OP_##n##_LC, OP_##n##_C, OP_##n##_L, OP_##n##_LLS, OP_##n##_LCS,
#define WASM_FUSED_F_ENUM(n, a, r, e) OP_##n##_LL, OP_##n##_L, OP_##n##_LLS,
	WASM_BINOPS_I32(WASM_FUSED_INT_ENUM)
	WASM_BINOPS_I64(WASM_FUSED_INT_ENUM)
	WASM_BINOPS_F(WASM_FUSED_F_ENUM)
#undef WASM_FUSED_INT_ENUM
#undef WASM_FUSED_F_ENUM
	OP_LOCAL_GET_LOAD32,   /* local, offset: local.get a; i32.load */
	OP_LOCAL_GET_LOAD64,   /* local, offset: local.get a; i64/f64.load */
	OP_LOCAL_SET_GET,      /* dst, src: local.set a; local.get b */
	OP_LOCAL_COPY,         /* src, dst: local.get a; local.set b */
	OP_BR_IF_LOOP,         /* target: br_if back to a loop head; charges
				  the loop's fuel and skips its OP_FUEL */
	OP_BR_LOOP,            /* target: br back to a loop head, likewise */
	/* address arithmetic folded into loads: i32.add_{LC,LL}; load */
	OP_LOAD32_ADD_LC,      /* a, c, offset: i32.load at fp[a] + c */
	OP_LOAD32_ADD_LL,      /* a, b, offset: i32.load at fp[a] + fp[b] */
	OP_LOAD64_ADD_LC,      /* likewise, i64.load and f64.load */
	OP_LOAD64_ADD_LL,
	OP_LOAD8U_ADD_LC,      /* likewise, i32.load8_u */
	OP_LOAD8U_ADD_LL,
	OP_I32_ADD_LCT,        /* a, c, d: I32_ADD_LC then local.tee d */
	OP_I32_ADD_LLT,        /* a, b, d: I32_ADD_LL then local.tee d */
	OP_FUSED_END
};

#define WASM_NOPS 640 /* dispatch table size */
_Static_assert(OP_FUSED_END <= WASM_NOPS, "dispatch table too small");

#endif
