/*
 * Spec test runner: executes the command files made by wast2cmds.py
 * against the mote wasm runtime, with the "spectest" host module, and
 * prints per-script results and one closing line
 * "N passed, N failed, N skipped" counting assertions (module loads,
 * registrations and actions count as assertions too).
 *
 * usage: spec_runner file.cmds...   (each next to its .wasm files)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mote/wasm.h>

/* Names are bytes with a length, never C strings: a Wasm name (an export,
 * a registered module) may contain U+0000. */
typedef struct named {
	char name[256];
	size_t name_len;
	wasm_instance *inst;
	wasm_module *mod;
} named;

static struct {
	named regs[512]; /* registered names */
	int nregs;
	named mods[4096]; /* every instance made in this script */
	int nmods;
	wasm_instance *current;
	const char *dir;
	const char *script;
	int pass, fail, skip, text;
	/* spectest objects */
	wasm_func *print[8];
	wasm_memory *mem;
	wasm_table *table;
	wasm_global *g_i32, *g_i64, *g_f32, *g_f64;
} S;

static void *host_realloc(void *user, void *p, size_t old, size_t n)
{
	(void)user;
	(void)old;
	if (n == 0) {
		free(p);
		return NULL;
	}
	return realloc(p, n);
}

static const wasm_allocator ALLOC = { host_realloc, NULL };

static wasm_trap spectest_print(wasm_instance *c, const wasm_val *a, wasm_val *r, void *u)
{
	(void)c; (void)a; (void)r; (void)u;
	return WASM_TRAP_NONE;
}

static void spectest_init(void)
{
	static const wasm_valtype I32 = WASM_I32, I64 = WASM_I64, F32 = WASM_F32, F64 = WASM_F64;
	static const wasm_valtype i32f32[2] = { WASM_I32, WASM_F32 };
	static const wasm_valtype f64f64[2] = { WASM_F64, WASM_F64 };
	S.print[0] = wasm_func_new(&ALLOC, NULL, 0, NULL, 0, spectest_print, NULL);
	S.print[1] = wasm_func_new(&ALLOC, &I32, 1, NULL, 0, spectest_print, NULL);
	S.print[2] = wasm_func_new(&ALLOC, &I64, 1, NULL, 0, spectest_print, NULL);
	S.print[3] = wasm_func_new(&ALLOC, &F32, 1, NULL, 0, spectest_print, NULL);
	S.print[4] = wasm_func_new(&ALLOC, &F64, 1, NULL, 0, spectest_print, NULL);
	S.print[5] = wasm_func_new(&ALLOC, i32f32, 2, NULL, 0, spectest_print, NULL);
	S.print[6] = wasm_func_new(&ALLOC, f64f64, 2, NULL, 0, spectest_print, NULL);
	S.mem = wasm_memory_new(&ALLOC, 1, 2);
	S.table = wasm_table_new(&ALLOC, WASM_FUNCREF, 10, 20);
	wasm_val v;
	v.type = WASM_I32; v.of.i64 = 0; v.of.i32 = 666;
	S.g_i32 = wasm_global_new(&ALLOC, v, false);
	v.type = WASM_I64; v.of.i64 = 666;
	S.g_i64 = wasm_global_new(&ALLOC, v, false);
	float f = 666.6f; double d = 666.6;
	v.type = WASM_F32; v.of.i64 = 0; memcpy(&v.of.f32, &f, 4);
	S.g_f32 = wasm_global_new(&ALLOC, v, false);
	v.type = WASM_F64; memcpy(&v.of.f64, &d, 8);
	S.g_f64 = wasm_global_new(&ALLOC, v, false);
}

static bool eq(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

static bool spectest_resolve(const wasm_import *imp, wasm_extern *out)
{
	static const char *const prints[7] = { "print", "print_i32", "print_i64", "print_f32",
					       "print_f64", "print_i32_f32", "print_f64_f64" };
	const char *n = imp->name;
	size_t l = imp->name_len;
	for (int i = 0; i < 7; i++)
		if (eq(n, l, prints[i])) {
			out->kind = WASM_EXTERN_FUNC;
			out->of.func = S.print[i];
			return true;
		}
	out->kind = WASM_EXTERN_GLOBAL;
	if (eq(n, l, "global_i32")) { out->of.global = S.g_i32; return true; }
	if (eq(n, l, "global_i64")) { out->of.global = S.g_i64; return true; }
	if (eq(n, l, "global_f32")) { out->of.global = S.g_f32; return true; }
	if (eq(n, l, "global_f64")) { out->of.global = S.g_f64; return true; }
	if (eq(n, l, "table")) { out->kind = WASM_EXTERN_TABLE; out->of.table = S.table; return true; }
	if (eq(n, l, "memory")) { out->kind = WASM_EXTERN_MEMORY; out->of.memory = S.mem; return true; }
	return false;
}

static bool resolve(void *user, const wasm_import *imp, wasm_extern *out)
{
	(void)user;
	if (eq(imp->module, imp->module_len, "spectest"))
		return spectest_resolve(imp, out);
	for (int i = S.nregs - 1; i >= 0; i--) {
		if (imp->module_len != S.regs[i].name_len ||
		    memcmp(imp->module, S.regs[i].name, imp->module_len) != 0)
			continue;
		return wasm_instance_export(S.regs[i].inst, imp->name, imp->name_len, out) == WASM_OK;
	}
	return false;
}

/* Decode the hex field (h) ("-": empty) into (out); returns the length.
 * The result is also NUL-terminated for messages, but may hold NULs. */
static size_t unhex(const char *h, char *out, size_t cap)
{
	size_t n = 0;
	if (strcmp(h, "-") == 0)
		h = "";
	while (h[0] && h[1] && n + 1 < cap) {
		unsigned v;
		sscanf(h, "%2x", &v);
		out[n++] = (char)v;
		h += 2;
	}
	out[n] = 0;
	return n;
}

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *b = malloc((size_t)n + 1);
	*len = fread(b, 1, (size_t)n, f);
	fclose(f);
	return b;
}

static wasm_result load(const char *file, wasm_module **mod, wasm_instance **inst,
			const char **why)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", S.dir, file);
	size_t len;
	uint8_t *bytes = read_file(path, &len);
	*inst = NULL;
	if (!bytes) {
		*why = "cannot read file";
		return WASM_ERR_MALFORMED;
	}
	wasm_result r = wasm_module_load(mod, bytes, len, &ALLOC, why);
	free(bytes);
	if (r != WASM_OK)
		return r;
	wasm_limits lim = { 65536, 0, 2000, 1u << 20, 0 };
	r = wasm_instantiate(inst, *mod, &ALLOC, &lim, resolve, NULL, why);
	if (*inst) { /* keep even a trapped instance: tables may point into it */
		named *n = &S.mods[S.nmods++];
		n->name[0] = 0;
		n->inst = *inst;
		n->mod = *mod;
	} else {
		wasm_module_free(*mod);
		*mod = NULL;
	}
	return r;
}

static wasm_instance *find_inst(const char *name)
{
	if (strcmp(name, "-") == 0)
		return S.current;
	for (int i = S.nmods - 1; i >= 0; i--)
		if (strcmp(S.mods[i].name, name) == 0)
			return S.mods[i].inst;
	return NULL;
}

static void report(int line, bool ok, const char *what)
{
	if (ok) {
		S.pass++;
		return;
	}
	S.fail++;
	printf("  FAIL %s:%d: %s\n", S.script, line, what);
}

static wasm_val parse_val(const char *tok)
{
	wasm_val v;
	memset(&v, 0, sizeof(v));
	const char *p = strchr(tok, ':') + 1;
	if (!strncmp(tok, "i32", 3)) { v.type = WASM_I32; v.of.i32 = (uint32_t)strtoull(p, NULL, 10); }
	else if (!strncmp(tok, "i64", 3)) { v.type = WASM_I64; v.of.i64 = strtoull(p, NULL, 10); }
	else if (!strncmp(tok, "f32", 3)) { v.type = WASM_F32; v.of.i32 = (uint32_t)strtoull(p, NULL, 10); }
	else if (!strncmp(tok, "f64", 3)) { v.type = WASM_F64; v.of.i64 = strtoull(p, NULL, 10); }
	else if (!strncmp(tok, "funcref", 7)) { v.type = WASM_FUNCREF; v.of.func = NULL; }
	else { v.type = WASM_EXTERNREF; v.of.ref = strcmp(p, "null") ? (void *)(uintptr_t)(strtoull(p, NULL, 10) + 1) : NULL; }
	return v;
}

static bool match(const char *tok, const wasm_val *got)
{
	const char *p = strchr(tok, ':') + 1;
	wasm_val want = parse_val(tok);
	if (want.type != got->type)
		return false;
	bool nan_c = !strcmp(p, "nan:canonical"), nan_a = !strcmp(p, "nan:arithmetic");
	switch (got->type) {
	case WASM_F32:
		if (nan_c) return (got->of.i32 & 0x7fffffffu) == 0x7fc00000u;
		if (nan_a) return (got->of.i32 & 0x7fc00000u) == 0x7fc00000u;
		return got->of.i32 == want.of.i32;
	case WASM_F64:
		if (nan_c) return (got->of.i64 & 0x7fffffffffffffffull) == 0x7ff8000000000000ull;
		if (nan_a) return (got->of.i64 & 0x7ff8000000000000ull) == 0x7ff8000000000000ull;
		return got->of.i64 == want.of.i64;
	case WASM_I32: return got->of.i32 == want.of.i32;
	case WASM_I64: return got->of.i64 == want.of.i64;
	default:
		if (!strcmp(p, "any")) return got->of.ref != NULL;
		return got->of.ref == want.of.ref;
	}
}

static void do_action(char **tok, int ntok, int line)
{
	const char *kind = tok[1];
	const char *act = tok[3];
	wasm_instance *inst = find_inst(tok[4]);
	char field[1024];
	size_t field_len = unhex(tok[5], field, sizeof(field));
	int nargs = atoi(tok[6]);
	wasm_val args[64], res[64];
	for (int i = 0; i < nargs; i++)
		args[i] = parse_val(tok[7 + i]);
	int nexp = atoi(tok[7 + nargs]);
	char **exp = tok + 8 + nargs;
	(void)ntok;
	if (!inst) {
		report(line, false, "no module");
		return;
	}
	wasm_result r;
	if (!strcmp(act, "get")) {
		wasm_extern ex;
		r = wasm_instance_export(inst, field, field_len, &ex);
		if (r == WASM_OK && ex.kind == WASM_EXTERN_GLOBAL)
			res[0] = wasm_global_get(ex.of.global);
		else
			r = WASM_ERR_NOT_FOUND;
	} else {
		wasm_extern ex;
		r = wasm_instance_export(inst, field, field_len, &ex);
		if (r == WASM_OK && ex.kind == WASM_EXTERN_FUNC) {
			size_t nres = 0;
			/* learn the result count from the expectation, or the call */
			nres = (size_t)nexp;
			r = wasm_call_func(inst, ex.of.func, args, (size_t)nargs, res, nres);
			if (r == WASM_ERR_ARGS && strcmp(kind, "return")) {
				/* trap/action: results unknown here; try 0..8 */
				for (nres = 0; nres < 9 && r == WASM_ERR_ARGS; nres++)
					r = wasm_call_func(inst, ex.of.func, args, (size_t)nargs, res, nres);
			}
		} else {
			r = WASM_ERR_NOT_FOUND;
		}
	}
	char msg[256];
	if (!strcmp(kind, "return") || !strcmp(kind, "action")) {
		bool ok = r == WASM_OK;
		for (int i = 0; ok && i < nexp; i++)
			ok = match(exp[i], &res[i]);
		snprintf(msg, sizeof(msg), "%s %s: result %d (%s)%s", act, field, r,
			 r == WASM_TRAP ? wasm_trap_message(wasm_trap_code(inst)) : "",
			 ok ? "" : " mismatch");
		if (!ok && r == WASM_OK && nexp > 0) {
			size_t l = strlen(msg);
			snprintf(msg + l, sizeof(msg) - l, " want %s got %" PRIx64, exp[0], res[0].of.i64);
		}
		report(line, ok, msg);
	} else {
		bool ok = r == WASM_TRAP;
		if (!strcmp(kind, "exhaustion"))
			ok = ok && wasm_trap_code(inst) == WASM_TRAP_STACK_EXHAUSTED;
		snprintf(msg, sizeof(msg), "%s %s: expected trap, got %d", act, field, r);
		report(line, ok, msg);
	}
}

static void do_module_assert(const char *kind, int line, const char *file)
{
	wasm_module *mod = NULL;
	wasm_instance *inst = NULL;
	const char *why = "";
	wasm_result r = load(file, &mod, &inst, &why);
	bool ok;
	if (!strcmp(kind, "invalid") || !strcmp(kind, "malformed"))
		ok = r == WASM_ERR_INVALID || r == WASM_ERR_MALFORMED;
	else if (!strcmp(kind, "unlinkable"))
		ok = r == WASM_ERR_UNLINKABLE;
	else
		ok = r == WASM_TRAP;
	char msg[512];
	snprintf(msg, sizeof(msg), "assert_%s %s: got %d (%s)", kind, file, r, why ? why : "");
	report(line, ok, msg);
}

static void run_line(char *buf)
{
	char *tok[256];
	int n = 0;
	for (char *t = strtok(buf, " \n"); t && n < 256; t = strtok(NULL, " \n"))
		tok[n++] = t;
	if (n == 0)
		return;
	int line = n > 1 ? atoi(tok[1]) : 0;
	switch (tok[0][0]) {
	case 'S': S.skip++; break;
	case 'T': S.text++; break;
	case 'L': {
		wasm_module *mod;
		wasm_instance *inst;
		const char *why = "";
		wasm_result r = load(tok[2], &mod, &inst, &why);
		char msg[512];
		snprintf(msg, sizeof(msg), "module %s: %d (%s)", tok[2], r, why ? why : "");
		report(line, r == WASM_OK, msg);
		if (r == WASM_OK) {
			S.current = inst;
			if (strcmp(tok[3], "-"))
				snprintf(S.mods[S.nmods - 1].name, sizeof(S.mods[0].name), "%s", tok[3]);
		}
		break;
	}
	case 'R': {
		line = atoi(tok[1]);
		wasm_instance *inst = find_inst(tok[3]);
		named *r = &S.regs[S.nregs++];
		r->name_len = unhex(tok[2], r->name, sizeof(r->name));
		r->inst = inst;
		report(line, inst != NULL, "register: no module");
		break;
	}
	case 'A': do_action(tok, n, atoi(tok[2])); break;
	case 'M': do_module_assert(tok[1], atoi(tok[2]), tok[3]); break;
	}
}

static void reset_script(void)
{
	for (int i = S.nmods - 1; i >= 0; i--) {
		wasm_instance_free(S.mods[i].inst);
		wasm_module_free(S.mods[i].mod);
	}
	S.nmods = 0;
	S.nregs = 0;
	S.current = NULL;
	/* fresh spectest objects: the table may point at freed instances */
	for (int i = 0; i < 7; i++)
		wasm_func_free(S.print[i]);
	wasm_memory_free(S.mem);
	wasm_table_free(S.table);
	wasm_global_free(S.g_i32);
	wasm_global_free(S.g_i64);
	wasm_global_free(S.g_f32);
	wasm_global_free(S.g_f64);
	spectest_init();
}

int main(int argc, char **argv)
{
	int tp = 0, tf = 0, ts = 0;
	spectest_init();
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 1; i < argc; i++) {
		static char dir[4096];
		snprintf(dir, sizeof(dir), "%s", argv[i]);
		char *slash = strrchr(dir, '/');
		if (slash)
			*slash = 0;
		else
			strcpy(dir, ".");
		S.dir = dir;
		const char *base = strrchr(argv[i], '/');
		S.script = base ? base + 1 : argv[i];
		S.pass = S.fail = S.skip = S.text = 0;
		FILE *f = fopen(argv[i], "r");
		if (!f) {
			printf("%s: cannot open\n", argv[i]);
			tf++;
			continue;
		}
		static char buf[1 << 16];
		while (fgets(buf, sizeof(buf), f))
			run_line(buf);
		fclose(f);
		reset_script();
		printf("%s: %d passed, %d failed", S.script, S.pass, S.fail);
		if (S.skip)
			printf(", %d skipped (SIMD not implemented)", S.skip);
		if (S.text)
			printf(" [%d text-format module assertions not applicable]", S.text);
		printf("\n");
		tp += S.pass;
		tf += S.fail;
		ts += S.skip;
	}
	printf("%d passed, %d failed, %d skipped\n", tp, tf, ts);
	return tf ? 1 : 0;
}
