/*
 * Float operations with the spec's exact semantics, without libm.
 *
 * NaN rules: the spec lets an arithmetic result be any quiet NaN, and
 * requires the canonical NaN when every NaN input was canonical. IEEE
 * hardware already gives that for + - * / sqrt and conversions, so those
 * map to plain C operators. Where hardware or C would differ we use
 * bit operations (abs, neg, copysign keep payloads untouched) or return
 * (a + b) to propagate a quieted input NaN (min, max, rounding).
 *
 * Rounding (trunc/floor/ceil/nearest) goes through integer conversion for
 * values below 2^23 (f32) / 2^52 (f64); everything larger is already
 * integral. nearest uses the add-and-subtract-2^52 trick, which rounds
 * half to even in the default rounding mode. These need real IEEE single
 * and double arithmetic: SSE2 on x86 (never x87 excess precision), VFP on
 * arm32, the F and D extensions (or exact soft-float) on riscv.
 */
#ifndef WASM_FLOAT_H
#define WASM_FLOAT_H

#include <stdint.h>

#include "libc.h"

static inline uint32_t wasm_f32_bits(float f)
{
	uint32_t u;
	memcpy(&u, &f, 4);
	return u;
}

static inline float wasm_f32_from(uint32_t u)
{
	float f;
	memcpy(&f, &u, 4);
	return f;
}

static inline uint64_t wasm_f64_bits(double f)
{
	uint64_t u;
	memcpy(&u, &f, 8);
	return u;
}

static inline double wasm_f64_from(uint64_t u)
{
	double f;
	memcpy(&f, &u, 8);
	return f;
}

static inline float wasm_f32_copysign(float a, float b)
{
	return wasm_f32_from((wasm_f32_bits(a) & 0x7fffffffu) |
			     (wasm_f32_bits(b) & 0x80000000u));
}

static inline double wasm_f64_copysign(double a, double b)
{
	return wasm_f64_from((wasm_f64_bits(a) & 0x7fffffffffffffffull) |
			     (wasm_f64_bits(b) & 0x8000000000000000ull));
}

static inline float wasm_f32_trunc(float x)
{
	if (x != x)
		return x + x;
	if (!(x > -8388608.0f && x < 8388608.0f))
		return x;
	return wasm_f32_copysign((float)(int32_t)x, x);
}

static inline double wasm_f64_trunc(double x)
{
	if (x != x)
		return x + x;
	if (!(x > -4503599627370496.0 && x < 4503599627370496.0))
		return x;
	return wasm_f64_copysign((double)(int64_t)x, x);
}

static inline float wasm_f32_floor(float x)
{
	float t = wasm_f32_trunc(x);
	return t > x ? t - 1.0f : t;
}

static inline double wasm_f64_floor(double x)
{
	double t = wasm_f64_trunc(x);
	return t > x ? t - 1.0 : t;
}

/* ceil(-0.5) must be -0.0: copysign keeps the sign of x. */
static inline float wasm_f32_ceil(float x)
{
	float t = wasm_f32_trunc(x);
	return t < x ? wasm_f32_copysign(t + 1.0f, x) : t;
}

static inline double wasm_f64_ceil(double x)
{
	double t = wasm_f64_trunc(x);
	return t < x ? wasm_f64_copysign(t + 1.0, x) : t;
}

static inline float wasm_f32_nearest(float x)
{
	if (x != x)
		return x + x;
	float a = wasm_f32_copysign(x, 1.0f);
	if (!(a < 8388608.0f))
		return x;
	volatile float big = 8388608.0f; /* keep the compiler honest */
	float r = (a + big) - big;
	return wasm_f32_copysign(r, x);
}

static inline double wasm_f64_nearest(double x)
{
	if (x != x)
		return x + x;
	double a = wasm_f64_copysign(x, 1.0);
	if (!(a < 4503599627370496.0))
		return x;
	volatile double big = 4503599627370496.0;
	double r = (a + big) - big;
	return wasm_f64_copysign(r, x);
}

static inline float wasm_f32_min(float a, float b)
{
	if (a != a || b != b)
		return a + b;
	if (a == b) /* -0 vs +0: min is -0 */
		return wasm_f32_from(wasm_f32_bits(a) | wasm_f32_bits(b));
	return a < b ? a : b;
}

static inline float wasm_f32_max(float a, float b)
{
	if (a != a || b != b)
		return a + b;
	if (a == b)
		return wasm_f32_from(wasm_f32_bits(a) & wasm_f32_bits(b));
	return a > b ? a : b;
}

static inline double wasm_f64_min(double a, double b)
{
	if (a != a || b != b)
		return a + b;
	if (a == b)
		return wasm_f64_from(wasm_f64_bits(a) | wasm_f64_bits(b));
	return a < b ? a : b;
}

static inline double wasm_f64_max(double a, double b)
{
	if (a != a || b != b)
		return a + b;
	if (a == b)
		return wasm_f64_from(wasm_f64_bits(a) & wasm_f64_bits(b));
	return a > b ? a : b;
}

/* Saturating conversions: NaN -> 0, out of range -> the nearest bound. */
static inline int32_t wasm_sat_i32_s(double x)
{
	if (x != x)
		return 0;
	if (x <= -2147483649.0)
		return INT32_MIN;
	if (x >= 2147483648.0)
		return INT32_MAX;
	return (int32_t)x;
}

static inline uint32_t wasm_sat_i32_u(double x)
{
	if (x != x || x <= -1.0)
		return 0;
	if (x >= 4294967296.0)
		return UINT32_MAX;
	return (uint32_t)x;
}

static inline int64_t wasm_sat_i64_s(double x)
{
	if (x != x)
		return 0;
	if (x < -9223372036854775808.0)
		return INT64_MIN;
	if (x >= 9223372036854775808.0)
		return INT64_MAX;
	return (int64_t)x;
}

static inline uint64_t wasm_sat_i64_u(double x)
{
	if (x != x || x <= -1.0)
		return 0;
	if (x >= 18446744073709551616.0)
		return UINT64_MAX;
	return (uint64_t)x;
}

#endif
