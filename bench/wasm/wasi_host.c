/*
 * Minimal WASI preview1 host for running benchmarks under the mote wasm
 * runtime as an ordinary Linux process: fd_write (stdout/stderr),
 * args_*, environ_* (empty), clock_time_get, random_get, proc_exit, and
 * harmless stubs for the fd calls wasi-libc's stdio makes at startup.
 * All guest memory goes through the runtime's checked accessors.
 *
 * usage: wasi_host module.wasm [args...]
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mote/wasm.h>

typedef struct wasi {
	int argc;
	char **argv;
	int exit_code;
	bool exited;
} wasi;

static wasi W;

#define ARG(i) (args[i].of.i32)
#define OK(r) do { r[0].of.i32 = 0; return WASM_TRAP_NONE; } while (0)
#define FAULT(r) do { r[0].of.i32 = 21; return WASM_TRAP_NONE; } while (0) /* EFAULT */

static bool put32(wasm_instance *c, uint32_t addr, uint32_t v)
{
	return wasm_mem_write(c, addr, &v, 4);
}

static wasm_trap fd_write(wasm_instance *c, const wasm_val *args, wasm_val *r, void *u)
{
	(void)u;
	uint32_t fd = ARG(0), iovs = ARG(1), n = ARG(2), total = 0;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t iov[2];
		if (!wasm_mem_read(c, (uint64_t)iovs + 8 * i, iov, 8))
			FAULT(r);
		char buf[4096];
		for (uint32_t off = 0; off < iov[1];) {
			uint32_t k = iov[1] - off < sizeof(buf) ? iov[1] - off : sizeof(buf);
			if (!wasm_mem_read(c, (uint64_t)iov[0] + off, buf, k))
				FAULT(r);
			if (fd == 1 || fd == 2)
				fwrite(buf, 1, k, fd == 1 ? stdout : stderr);
			off += k;
		}
		total += iov[1];
	}
	if (!put32(c, ARG(3), total))
		FAULT(r);
	OK(r);
}

static wasm_trap args_sizes_get(wasm_instance *c, const wasm_val *args, wasm_val *r, void *u)
{
	(void)u;
	uint32_t size = 0;
	for (int i = 0; i < W.argc; i++)
		size += (uint32_t)strlen(W.argv[i]) + 1;
	if (!put32(c, ARG(0), (uint32_t)W.argc) || !put32(c, ARG(1), size))
		FAULT(r);
	OK(r);
}

static wasm_trap args_get(wasm_instance *c, const wasm_val *args, wasm_val *r, void *u)
{
	(void)u;
	uint32_t ptrs = ARG(0), buf = ARG(1);
	for (int i = 0; i < W.argc; i++) {
		uint32_t len = (uint32_t)strlen(W.argv[i]) + 1;
		if (!put32(c, ptrs + 4u * (uint32_t)i, buf) || !wasm_mem_write(c, buf, W.argv[i], len))
			FAULT(r);
		buf += len;
	}
	OK(r);
}

static wasm_trap environ_sizes_get(wasm_instance *c, const wasm_val *args, wasm_val *r, void *u)
{
	(void)u;
	if (!put32(c, ARG(0), 0) || !put32(c, ARG(1), 0))
		FAULT(r);
	OK(r);
}

static wasm_trap environ_get(wasm_instance *c, const wasm_val *args, wasm_val *r, void *u)
{
	(void)c; (void)args; (void)u;
	OK(r);
}

static wasm_trap clock_time_get(wasm_instance *c, const wasm_val *args, wasm_val *r, void *u)
{
	(void)u;
	struct timespec ts;
	clock_gettime(ARG(0) == 0 ? CLOCK_REALTIME : CLOCK_MONOTONIC, &ts);
	uint64_t ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	if (!wasm_mem_write(c, args[2].of.i32, &ns, 8))
		FAULT(r);
	OK(r);
}

static wasm_trap random_get(wasm_instance *c, const wasm_val *args, wasm_val *r, void *u)
{
	(void)u;
	static uint64_t s = 0x9e3779b97f4a7c15ull; /* benchmarks need no real entropy */
	for (uint32_t i = 0; i < ARG(1); i++) {
		s ^= s << 13; s ^= s >> 7; s ^= s << 17;
		uint8_t b = (uint8_t)s;
		if (!wasm_mem_write(c, (uint64_t)ARG(0) + i, &b, 1))
			FAULT(r);
	}
	OK(r);
}

static wasm_trap proc_exit(wasm_instance *c, const wasm_val *args, wasm_val *r, void *u)
{
	(void)c; (void)r; (void)u;
	W.exit_code = (int)ARG(0);
	W.exited = true;
	return WASM_TRAP_HOST; /* unwinds the guest; main() sees W.exited */
}

static wasm_trap fd_fdstat_get(wasm_instance *c, const wasm_val *args, wasm_val *r, void *u)
{
	(void)u;
	uint8_t st[24];
	memset(st, 0, sizeof(st));
	st[0] = 2; /* character device */
	memset(st + 8, 0xff, 16); /* all rights */
	if (!wasm_mem_write(c, ARG(1), st, sizeof(st)))
		FAULT(r);
	OK(r);
}

static wasm_trap fd_stub(wasm_instance *c, const wasm_val *args, wasm_val *r, void *u)
{
	(void)c; (void)args; (void)u;
	r[0].of.i32 = 8; /* EBADF */
	return WASM_TRAP_NONE;
}

static void *host_realloc(void *user, void *p, size_t old, size_t n)
{
	(void)user; (void)old;
	if (n == 0) {
		free(p);
		return NULL;
	}
	return realloc(p, n);
}

static const wasm_allocator ALLOC = { host_realloc, NULL };

typedef struct hostfn {
	const char *name;
	wasm_host_fn fn;
} hostfn;

static const hostfn FNS[] = {
	{ "fd_write", fd_write }, { "args_sizes_get", args_sizes_get },
	{ "args_get", args_get }, { "environ_sizes_get", environ_sizes_get },
	{ "environ_get", environ_get }, { "clock_time_get", clock_time_get },
	{ "random_get", random_get }, { "proc_exit", proc_exit },
	{ "fd_fdstat_get", fd_fdstat_get }, { "fd_close", fd_stub },
	{ "fd_seek", fd_stub }, { "fd_read", fd_stub },
};

static wasm_func *made[64];
static int nmade;

/* Functions are made on demand with the type the module asks for. */
static bool resolve(void *user, const wasm_import *imp, wasm_extern *out)
{
	(void)user;
	if (imp->kind != WASM_EXTERN_FUNC || imp->module_len != 22 ||
	    memcmp(imp->module, "wasi_snapshot_preview1", 22) || nmade >= 64)
		return false;
	for (size_t i = 0; i < sizeof(FNS) / sizeof(FNS[0]); i++) {
		if (strlen(FNS[i].name) != imp->name_len || memcmp(FNS[i].name, imp->name, imp->name_len))
			continue;
		wasm_valtype p[16], rt[4];
		for (uint32_t k = 0; k < imp->nparams && k < 16; k++)
			p[k] = (wasm_valtype)imp->types[k];
		for (uint32_t k = 0; k < imp->nresults && k < 4; k++)
			rt[k] = (wasm_valtype)imp->types[imp->nparams + k];
		out->kind = WASM_EXTERN_FUNC;
		out->of.func = made[nmade++] = wasm_func_new(&ALLOC, p, imp->nparams, rt,
							     imp->nresults, FNS[i].fn, NULL);
		return true;
	}
	fprintf(stderr, "wasi_host: unsupported import %.*s\n", (int)imp->name_len, imp->name);
	return false;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: wasi_host module.wasm [args...]\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 2;
	}
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *bytes = malloc((size_t)len);
	if (fread(bytes, 1, (size_t)len, f) != (size_t)len)
		return 2;
	fclose(f);
	W.argc = argc - 1;
	W.argv = argv + 1;
	wasm_module *m;
	wasm_instance *inst;
	const char *why = NULL;
	if (wasm_module_load(&m, bytes, (size_t)len, &ALLOC, &why) != WASM_OK) {
		fprintf(stderr, "load: %s\n", why);
		return 2;
	}
	free(bytes);
	wasm_limits lim = { 16384, 0, 10000, 1u << 20, 0 };
	if (wasm_instantiate(&inst, m, &ALLOC, &lim, resolve, NULL, &why) != WASM_OK) {
		fprintf(stderr, "instantiate: %s\n", why);
		return 2;
	}
	wasm_result r = wasm_call(inst, "_start", 6, NULL, 0, NULL, 0);
	int code = 0;
	if (r == WASM_TRAP && W.exited)
		code = W.exit_code;
	else if (r != WASM_OK) {
		fprintf(stderr, "trap: %s\n", wasm_trap_message(wasm_trap_code(inst)));
		code = 134;
	}
	fflush(stdout);
	wasm_instance_free(inst);
	wasm_module_free(m);
	for (int i = 0; i < nmade; i++)
		wasm_func_free(made[i]);
	return code;
}
