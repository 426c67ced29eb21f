/*
 * A bounds-checked cursor over module bytes. Errors are sticky: the first
 * failure records a message and every later read returns zero, so parsing
 * code checks once per item instead of after every byte.
 */
#ifndef WASM_READER_H
#define WASM_READER_H

#include "module.h"

typedef struct wasm_reader {
	const uint8_t *p, *end;
	const char *err;        /* first error, NULL while fine */
	wasm_result code;       /* MALFORMED or INVALID */
} wasm_reader;

static inline void wasm_fail(wasm_reader *r, wasm_result code, const char *why)
{
	if (!r->err) {
		r->err = why;
		r->code = code;
	}
	r->p = r->end;
}

static inline uint8_t wasm_u8(wasm_reader *r)
{
	if (r->p >= r->end) {
		wasm_fail(r, WASM_ERR_MALFORMED, "unexpected end");
		return 0;
	}
	return *r->p++;
}

/* Unsigned LEB128 of at most (bits) bits; rejects overlong encodings
 * whose unused high bits are set, as the spec requires. */
static inline uint64_t wasm_uleb(wasm_reader *r, unsigned bits)
{
	uint64_t v = 0;
	for (unsigned shift = 0;; shift += 7) {
		uint8_t b = wasm_u8(r);
		if (r->err)
			return 0;
		if (shift >= bits) {
			wasm_fail(r, WASM_ERR_MALFORMED, "integer representation too long");
			return 0;
		}
		v |= (uint64_t)(b & 0x7f) << shift;
		if (bits - shift < 7 && (b & 0x7f) >> (bits - shift)) {
			wasm_fail(r, WASM_ERR_MALFORMED, "integer too large");
			return 0;
		}
		if (!(b & 0x80))
			return v;
	}
}

/* Signed LEB128 of (bits) bits: unused high bits must all equal the
 * sign bit. */
static inline int64_t wasm_sleb(wasm_reader *r, unsigned bits)
{
	uint64_t v = 0;
	unsigned shift = 0;
	uint8_t b;
	do {
		b = wasm_u8(r);
		if (r->err)
			return 0;
		if (shift >= bits) {
			wasm_fail(r, WASM_ERR_MALFORMED, "integer representation too long");
			return 0;
		}
		if (bits - shift < 7) {
			/* last byte: bits above (bits-1) must be sign copies */
			unsigned used = bits - shift;
			int8_t rest = (int8_t)((int8_t)(b << 1) >> 1); /* 7-bit signed */
			int8_t top = (int8_t)(rest >> (used - 1));
			if ((b & 0x80) || (top != 0 && top != -1)) {
				wasm_fail(r, WASM_ERR_MALFORMED, "integer too large");
				return 0;
			}
		}
		v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
	} while (b & 0x80);
	if (shift < 64 && (b & 0x40))
		v |= ~(uint64_t)0 << shift;
	return (int64_t)v;
}

static inline uint32_t wasm_u32(wasm_reader *r)
{
	return (uint32_t)wasm_uleb(r, 32);
}

#endif
