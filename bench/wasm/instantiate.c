/* Time to get a module ready to run: decode, validate, compile and
 * instantiate (imports resolved to stub host functions), repeated on one
 * reused arena.  instantiate MODULE.wasm COUNT -> "median_us=.. min_us=.." */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "mote/wasm.h"

static wasm_allocator alloc;

static wasm_trap stub(wasm_instance *c, const wasm_val *a, wasm_val *r, void *u)
{
    (void)c, (void)a, (void)r, (void)u;
    return WASM_TRAP_HOST;
}

static bool resolve(void *user, const wasm_import *imp, wasm_extern *out)
{
    (void)user;
    if (imp->kind != WASM_EXTERN_FUNC)
        return false;
    wasm_valtype t[32];
    if (imp->nparams + imp->nresults > 32)
        return false;
    for (uint32_t i = 0; i < imp->nparams + imp->nresults; i++)
        t[i] = (wasm_valtype)imp->types[i];
    out->kind = WASM_EXTERN_FUNC;
    out->of.func = wasm_func_new(&alloc, t, imp->nparams, t + imp->nparams, imp->nresults,
                                 stub, NULL);
    return out->of.func != NULL;
}

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    FILE *f = fopen(argv[1], "rb");
    static uint8_t bytes[4 << 20];
    size_t len = f ? fread(bytes, 1, sizeof bytes, f) : 0;
    int n = atoi(argv[2]);
    static uint8_t mem[64 << 20];
    double *t = calloc((size_t)n, sizeof *t);
    for (int i = 0; i < n; i++) {
        wasm_arena arena;
        wasm_arena_init(&arena, mem, sizeof mem);
        alloc = wasm_arena_allocator(&arena);
        wasm_module *m;
        wasm_instance *inst;
        const char *why = NULL;
        wasm_limits lim = {0};
        double t0 = now_us();
        if (wasm_module_load(&m, bytes, len, &alloc, &why) != WASM_OK ||
            wasm_instantiate(&inst, m, &alloc, &lim, resolve, NULL, &why) != WASM_OK) {
            printf("error: %s\n", why ? why : "?");
            return 1;
        }
        t[i] = now_us() - t0;
    }
    qsort(t, (size_t)n, sizeof *t, cmp);
    printf("bytes=%zu median_us=%.1f min_us=%.1f\n", len, t[n / 2], t[0]);
    return 0;
}
