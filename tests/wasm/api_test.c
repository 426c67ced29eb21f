/*
 * Embedding API checks the spec suite cannot make: fuel exhaustion and
 * resumption, abandoning, call-depth and memory limits, host calls,
 * checked memory accessors, the arena allocator, and two instances of
 * one module side by side. usage: api_test api.wasm
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mote/wasm.h>

static int passed, failed;

#define CHECK(cond) do { \
	if (cond) passed++; \
	else { failed++; printf("  FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

static wasm_trap host_add(wasm_instance *c, const wasm_val *a, wasm_val *r, void *u)
{
	(void)c;
	(*(int *)u)++;
	r[0].of.i32 = a[0].of.i32 + a[1].of.i32;
	return WASM_TRAP_NONE;
}

static wasm_func *add_fn;

static bool resolve(void *user, const wasm_import *imp, wasm_extern *out)
{
	(void)user;
	if (imp->kind != WASM_EXTERN_FUNC || imp->name_len != 3 || memcmp(imp->name, "add", 3))
		return false;
	out->kind = WASM_EXTERN_FUNC;
	out->of.func = add_fn;
	return true;
}

static wasm_val i32(uint32_t v)
{
	wasm_val x;
	memset(&x, 0, sizeof(x));
	x.type = WASM_I32;
	x.of.i32 = v;
	return x;
}

static void test_fuel(wasm_instance *inst)
{
	wasm_val r;
	wasm_set_fuel(inst, 1000);
	CHECK(wasm_call(inst, "spin", 4, NULL, 0, NULL, 0) == WASM_OUT_OF_FUEL);
	CHECK(wasm_suspended(inst));
	CHECK(wasm_call(inst, "spin", 4, NULL, 0, NULL, 0) == WASM_ERR_STATE);
	wasm_set_fuel(inst, 500);
	CHECK(wasm_resume(inst, NULL, 0) == WASM_OUT_OF_FUEL);
	wasm_abandon(inst);
	CHECK(!wasm_suspended(inst));

	wasm_val n = i32(1000000);
	int rounds = 0;
	wasm_set_fuel(inst, 100000);
	wasm_result res = wasm_call(inst, "count", 5, &n, 1, &r, 1);
	while (res == WASM_OUT_OF_FUEL && rounds < 1000) {
		rounds++;
		wasm_set_fuel(inst, 100000);
		res = wasm_resume(inst, &r, 1);
	}
	CHECK(res == WASM_OK && r.of.i32 == 1000000);
	CHECK(rounds > 5);
	wasm_set_fuel(inst, UINT64_MAX);
}

static void test_limits(wasm_instance *inst)
{
	wasm_val r, a = i32(0);
	CHECK(wasm_call(inst, "rec", 3, &a, 1, &r, 1) == WASM_TRAP);
	CHECK(wasm_trap_code(inst) == WASM_TRAP_STACK_EXHAUSTED);
	a = i32(1);
	CHECK(wasm_call(inst, "grow", 4, &a, 1, &r, 1) == WASM_OK && r.of.i32 == 1);
	CHECK(wasm_call(inst, "grow", 4, &a, 1, &r, 1) == WASM_OK && r.of.i32 == (uint32_t)-1);
	CHECK(wasm_mem_size(inst) == 2 * 65536);
	a = i32(2 * 65536 - 2);
	CHECK(wasm_call(inst, "load", 4, &a, 1, &r, 1) == WASM_TRAP);
	CHECK(wasm_trap_code(inst) == WASM_TRAP_MEMORY_OOB);
	CHECK(strcmp(wasm_trap_message(WASM_TRAP_MEMORY_OOB), "out of bounds memory access") == 0);
	CHECK(wasm_call(inst, "nope", 4, NULL, 0, NULL, 0) == WASM_ERR_NOT_FOUND);
	CHECK(wasm_call(inst, "load", 4, NULL, 0, &r, 1) == WASM_ERR_ARGS);
}

static void test_memory(wasm_instance *inst)
{
	uint32_t v = 0xdeadbeef, back = 0;
	wasm_val r, a = i32(100);
	CHECK(wasm_mem_write(inst, 100, &v, 4));
	CHECK(wasm_call(inst, "load", 4, &a, 1, &r, 1) == WASM_OK && r.of.i32 == v);
	CHECK(wasm_mem_read(inst, 100, &back, 4) && back == v);
	CHECK(!wasm_mem_write(inst, wasm_mem_size(inst) - 3, &v, 4));
	CHECK(!wasm_mem_read(inst, UINT64_MAX - 1, &back, 4));
}

/* Names are (pointer, length): a name holding NUL bytes is callable and
 * distinct from its prefixes (issue 14). */
static void test_names(wasm_instance *inst)
{
	wasm_val r;
	CHECK(wasm_call(inst, "\0\1\2", 3, NULL, 0, &r, 1) == WASM_OK && r.of.i32 == 7);
	CHECK(wasm_call(inst, "\0", 1, NULL, 0, &r, 1) == WASM_OK && r.of.i32 == 8);
	CHECK(wasm_call(inst, "load\0", 5, NULL, 0, &r, 1) == WASM_ERR_NOT_FOUND);
	CHECK(wasm_call(inst, "", 0, NULL, 0, &r, 1) == WASM_ERR_NOT_FOUND);
	CHECK(wasm_call(inst, "\0\1", 2, NULL, 0, &r, 1) == WASM_ERR_NOT_FOUND);
}

int main(int argc, char **argv)
{
	static uint8_t heap[32 << 20];
	wasm_arena arena;
	wasm_arena_init(&arena, heap, sizeof(heap));
	wasm_allocator alloc = wasm_arena_allocator(&arena);
	FILE *f = argc > 1 ? fopen(argv[1], "rb") : NULL;
	if (!f) {
		printf("api: cannot read module\n0 passed, 1 failed\n");
		return 1;
	}
	static uint8_t bytes[1 << 16];
	size_t len = fread(bytes, 1, sizeof(bytes), f);
	fclose(f);

	int calls = 0;
	const wasm_valtype p[2] = { WASM_I32, WASM_I32 }, rt = WASM_I32;
	add_fn = wasm_func_new(&alloc, p, 2, &rt, 1, host_add, &calls);
	wasm_module *m;
	const char *why = NULL;
	CHECK(wasm_module_load(&m, bytes, len, &alloc, &why) == WASM_OK);
	wasm_limits lim = { 2, 0, 100, 4096, 0 };
	wasm_instance *a, *b;
	CHECK(wasm_instantiate(&a, m, &alloc, &lim, resolve, NULL, &why) == WASM_OK);
	CHECK(wasm_instantiate(&b, m, &alloc, NULL, resolve, NULL, &why) == WASM_OK);
	test_fuel(a);
	test_limits(a);
	test_memory(a);
	test_names(a);
	/* b is untouched by what a did */
	CHECK(wasm_mem_size(b) == 65536);
	wasm_val r;
	CHECK(wasm_call(b, "calladd", 7, NULL, 0, &r, 1) == WASM_OK && r.of.i32 == 5 && calls == 1);
	wasm_instance *c;
	CHECK(wasm_instantiate(&c, m, &alloc, NULL, NULL, NULL, &why) == WASM_ERR_UNLINKABLE);
	wasm_instance_free(b);
	wasm_instance_free(a);
	wasm_module_free(m);
	wasm_func_free(add_fn);
	printf("api: %d passed, %d failed\n", passed, failed);
	return failed != 0;
}
