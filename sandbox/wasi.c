/* WASI preview1 (import module "wasi_snapshot_preview1"), enough for
 * standard wasm32-wasi programs: console output, arguments, environment,
 * clocks, randomness, exit, sleeping through poll_oneoff, sched_yield.
 * Anything else a program imports links to a stub that returns ENOSYS (or
 * EBADF for file descriptors that do not exist), so programs run and fail
 * cleanly rather than refusing to load.
 *
 * Clocks: REALTIME is the kernel's wall clock (ktime_wall: the platform's
 * RTC read at boot, advanced by the monotonic clock); on a platform with
 * none it falls back to nanoseconds since boot, so a program still sees
 * time pass rather than an error it may not handle (Rust's SystemTime::now
 * panics on one). MONOTONIC and the CPU-time clocks read the monotonic
 * clock. Both advance with the monotonic clock, so clock_res_get gives all
 * four the same resolution. Sleeping does not
 * block the event loop: poll_oneoff records the wake-up time and zeroes the
 * instance's fuel, so the interpreter suspends at its next fuel check and
 * the sandbox resumes _start from a kernel timer.
 */
#include "lib/kstring.h"
#include "mote/krng.h"
#include "mote/ktime.h"
#include "mote/printk.h"
#include "sandbox/inst.h"

enum { W_OK = 0, W_EBADF = 8, W_EFAULT = 21, W_EINVAL = 28, W_ENOSYS = 52,
       W_ESPIPE = 70 };

static sbx_inst_t *inst_of(void *user)
{
    return user;
}

static wasm_trap errno_ret(wasm_val *r, uint32_t e)
{
    r[0].type = WASM_I32;
    r[0].of.i32 = e;
    return WASM_TRAP_NONE;
}

static bool put32(sbx_inst_t *in, uint32_t addr, uint32_t v)
{
    return wasm_mem_write(in->wi, addr, &v, 4);
}

static bool put64(sbx_inst_t *in, uint32_t addr, uint64_t v)
{
    return wasm_mem_write(in->wi, addr, &v, 8);
}

/* fd_write(fd, iovs, iovs_len, nwritten) */
static wasm_trap w_fd_write(wasm_instance *wi, const wasm_val *a, wasm_val *r, void *u)
{
    (void)wi;
    sbx_inst_t *in = inst_of(u);
    uint32_t fd = a[0].of.i32, iovs = a[1].of.i32, n = a[2].of.i32, total = 0;
    if (fd != 1 && fd != 2)
        return errno_ret(r, W_EBADF);
    if (n > 1024 || !sbx_mem_ok(in, iovs, n * 8))
        return errno_ret(r, W_EFAULT);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t iov[2];
        wasm_mem_read(in->wi, iovs + 8 * i, iov, 8);
        if (!sbx_mem_ok(in, iov[0], iov[1]))
            return errno_ret(r, W_EFAULT);
        for (uint32_t off = 0; off < iov[1];) {
            char chunk[256];
            uint32_t k = iov[1] - off < sizeof chunk ? iov[1] - off : sizeof chunk;
            wasm_mem_read(in->wi, iov[0] + off, chunk, k);
            kconsole_write(chunk, k);
            off += k;
        }
        total += iov[1];
    }
    return errno_ret(r, put32(in, a[3].of.i32, total) ? W_OK : W_EFAULT);
}

/* The strings argv or environ hands out: argv[0] is the instance name. */
static uint32_t strings(sbx_inst_t *in, bool env, const char **out)
{
    const sbx_instance_cfg_t *c = in->cfg;
    if (env) {
        for (uint32_t i = 0; i < c->nenv; i++)
            out[i] = c->env[i];
        return c->nenv;
    }
    out[0] = c->name;
    for (uint32_t i = 0; i < c->nargs; i++)
        out[1 + i] = c->args[i];
    return 1 + c->nargs;
}

static wasm_trap sizes_get(void *u, const wasm_val *a, wasm_val *r, bool env)
{
    sbx_inst_t *in = inst_of(u);
    const char *s[SBX_MAX_ARGS + 1];
    uint32_t n = strings(in, env, s), bytes = 0;
    for (uint32_t i = 0; i < n; i++)
        bytes += (uint32_t)strlen(s[i]) + 1;
    bool ok = put32(in, a[0].of.i32, n) && put32(in, a[1].of.i32, bytes);
    return errno_ret(r, ok ? W_OK : W_EFAULT);
}

static wasm_trap strings_get(void *u, const wasm_val *a, wasm_val *r, bool env)
{
    sbx_inst_t *in = inst_of(u);
    const char *s[SBX_MAX_ARGS + 1];
    uint32_t n = strings(in, env, s), ptrs = a[0].of.i32, buf = a[1].of.i32;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t len = (uint32_t)strlen(s[i]) + 1;
        if (!put32(in, ptrs + 4 * i, buf) || !wasm_mem_write(in->wi, buf, s[i], len))
            return errno_ret(r, W_EFAULT);
        buf += len;
    }
    return errno_ret(r, W_OK);
}

static wasm_trap w_args_sizes_get(wasm_instance *wi, const wasm_val *a, wasm_val *r, void *u)
{
    (void)wi;
    return sizes_get(u, a, r, false);
}

static wasm_trap w_args_get(wasm_instance *wi, const wasm_val *a, wasm_val *r, void *u)
{
    (void)wi;
    return strings_get(u, a, r, false);
}

static wasm_trap w_environ_sizes_get(wasm_instance *wi, const wasm_val *a, wasm_val *r, void *u)
{
    (void)wi;
    return sizes_get(u, a, r, true);
}

static wasm_trap w_environ_get(wasm_instance *wi, const wasm_val *a, wasm_val *r, void *u)
{
    (void)wi;
    return strings_get(u, a, r, true);
}

enum { W_CLOCK_REALTIME = 0, W_CLOCK_LAST = 3 }; /* then MONOTONIC, 2 CPU-time */
#define W_CLOCK_RES_NS 1 /* nanosecond counters; see the top of this file */

static uint64_t clock_ns(uint32_t id)
{
    uint64_t wall;
    if (id == W_CLOCK_REALTIME && ktime_wall(&wall) == KERR_OK)
        return wall;
    return ktime_now();
}

/* clock_time_get(id, precision, time_ptr) */
static wasm_trap w_clock_time_get(wasm_instance *wi, const wasm_val *a, wasm_val *r, void *u)
{
    (void)wi;
    if (a[0].of.i32 > W_CLOCK_LAST)
        return errno_ret(r, W_EINVAL);
    uint64_t ns = clock_ns(a[0].of.i32);
    return errno_ret(r, put64(inst_of(u), a[2].of.i32, ns) ? W_OK : W_EFAULT);
}

/* clock_res_get(id, resolution_ptr) */
static wasm_trap w_clock_res_get(wasm_instance *wi, const wasm_val *a, wasm_val *r, void *u)
{
    (void)wi;
    if (a[0].of.i32 > W_CLOCK_LAST)
        return errno_ret(r, W_EINVAL);
    return errno_ret(r, put64(inst_of(u), a[1].of.i32, W_CLOCK_RES_NS) ? W_OK : W_EFAULT);
}

static wasm_trap w_random_get(wasm_instance *wi, const wasm_val *a, wasm_val *r, void *u)
{
    (void)wi;
    sbx_inst_t *in = inst_of(u);
    uint32_t ptr = a[0].of.i32, len = a[1].of.i32;
    if (!sbx_mem_ok(in, ptr, len))
        return errno_ret(r, W_EFAULT);
    uint8_t chunk[256];
    for (uint32_t off = 0; off < len; off += sizeof chunk) {
        uint32_t k = len - off < sizeof chunk ? len - off : sizeof chunk;
        kcsprng_fill(chunk, k);
        wasm_mem_write(in->wi, ptr + off, chunk, k);
    }
    return errno_ret(r, W_OK);
}

static wasm_trap w_proc_exit(wasm_instance *wi, const wasm_val *a, wasm_val *r, void *u)
{
    (void)wi, (void)r;
    sbx_inst_t *in = inst_of(u);
    in->exiting = true;
    in->exit_code = (int)a[0].of.i32;
    return WASM_TRAP_HOST;
}

static wasm_trap w_sched_yield(wasm_instance *wi, const wasm_val *a, wasm_val *r, void *u)
{
    (void)a;
    if (inst_of(u)->wasi) /* let the loop have a turn */
        wasm_set_fuel(wi, 0);
    return errno_ret(r, W_OK);
}

/* Monotonic time at which clock (id) reads (t), for an absolute sleep: a
 * REALTIME deadline is wall-clock time, so it is moved onto the monotonic
 * clock (a deadline in the past is now). */
static uint64_t abs_deadline(uint32_t id, uint64_t t, uint64_t now)
{
    uint64_t wall;
    if (id != W_CLOCK_REALTIME || ktime_wall(&wall) != KERR_OK)
        return t;
    wall -= ktime_now() - now; /* the wall time at (now) */
    return t > wall ? now + (t - wall) : now;
}

/* poll_oneoff(in, out, nsubs, nevents): clock subscriptions only; others
 * get an immediate event carrying ENOSYS. The earliest clock deadline
 * becomes the instance's wake-up time (see the top of this file). */
static wasm_trap w_poll_oneoff(wasm_instance *wi, const wasm_val *a, wasm_val *r, void *u)
{
    sbx_inst_t *in = inst_of(u);
    uint32_t subs = a[0].of.i32, evs = a[1].of.i32, n = a[2].of.i32;
    if (n == 0 || n > 64 || !sbx_mem_ok(in, subs, n * 48) || !sbx_mem_ok(in, evs, n * 32))
        return errno_ret(r, n == 0 ? W_EINVAL : W_EFAULT);
    uint64_t now = ktime_now(), wake = UINT64_MAX;
    uint32_t nev = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint8_t sub[48], ev[32] = {0};
        wasm_mem_read(in->wi, subs + 48 * i, sub, sizeof sub);
        memcpy(ev, sub, 8); /* userdata */
        ev[10] = sub[8];    /* event type = subscription tag */
        if (sub[8] == 0) {
            uint32_t id;
            uint64_t t;
            memcpy(&id, sub + 16, 4);
            memcpy(&t, sub + 24, 8);
            uint16_t flags = (uint16_t)(sub[40] | sub[41] << 8);
            uint64_t at = (flags & 1) ? abs_deadline(id, t, now) : now + t;
            if (at < wake)
                wake = at;
        } else {
            ev[8] = W_ENOSYS;
        }
        wasm_mem_write(in->wi, evs + 32 * nev++, ev, sizeof ev);
    }
    if (wake != UINT64_MAX && wake > now && in->wasi) {
        in->sleep_until = wake;
        wasm_set_fuel(wi, 0);
    }
    return errno_ret(r, put32(in, a[3].of.i32, nev) ? W_OK : W_EFAULT);
}

/* fd_fdstat_get(fd, buf): stdin/out/err are character devices. */
static wasm_trap w_fd_fdstat_get(wasm_instance *wi, const wasm_val *a, wasm_val *r, void *u)
{
    (void)wi;
    if (a[0].of.i32 > 2)
        return errno_ret(r, W_EBADF);
    uint8_t st[24] = {2}; /* filetype CHARACTER_DEVICE, no flags, no rights */
    return errno_ret(r, wasm_mem_write(inst_of(u)->wi, a[1].of.i32, st, sizeof st) ? W_OK
                                                                                  : W_EFAULT);
}

/* Functions on file descriptors we do not have: EBADF, or ESPIPE on the
 * console (it cannot seek). */
static wasm_trap w_fd_badf(wasm_instance *wi, const wasm_val *a, wasm_val *r, void *u)
{
    (void)wi, (void)u;
    return errno_ret(r, a[0].of.i32 <= 2 ? W_ESPIPE : W_EBADF);
}

static wasm_trap w_enosys(wasm_instance *wi, const wasm_val *a, wasm_val *r, void *u)
{
    (void)wi, (void)a, (void)u;
    return errno_ret(r, W_ENOSYS);
}

static const struct {
    const char *name, *params;
    wasm_host_fn fn;
} wasi_fns[] = {
    {"fd_write", "iiii", w_fd_write},
    {"args_sizes_get", "ii", w_args_sizes_get},
    {"args_get", "ii", w_args_get},
    {"environ_sizes_get", "ii", w_environ_sizes_get},
    {"environ_get", "ii", w_environ_get},
    {"clock_time_get", "iIi", w_clock_time_get},
    {"clock_res_get", "ii", w_clock_res_get},
    {"random_get", "ii", w_random_get},
    {"proc_exit", "i", w_proc_exit},
    {"sched_yield", "", w_sched_yield},
    {"poll_oneoff", "iiii", w_poll_oneoff},
    {"fd_fdstat_get", "ii", w_fd_fdstat_get},
    {"fd_prestat_get", "ii", w_fd_badf},
    {"fd_prestat_dir_name", "iii", w_fd_badf},
    {"fd_close", "i", w_fd_badf},
    {"fd_seek", "iIii", w_fd_badf},
    {"fd_read", "iiii", w_fd_badf},
};

bool sbx_resolve_wasi(sbx_inst_t *in, const wasm_import *imp, wasm_extern *out)
{
    for (unsigned i = 0; i < sizeof wasi_fns / sizeof wasi_fns[0]; i++) {
        if (strlen(wasi_fns[i].name) != imp->name_len ||
            memcmp(wasi_fns[i].name, imp->name, imp->name_len))
            continue;
        const char *res = strcmp(wasi_fns[i].name, "proc_exit") ? "i" : "";
        return sbx_host_fn(in, wasi_fns[i].params, res, wasi_fns[i].fn, imp, out);
    }
    /* Anything else: ENOSYS, with whatever i32/i64 parameters it takes. */
    char params[9];
    if (imp->kind != WASM_EXTERN_FUNC || imp->nparams > 8 || imp->nresults != 1)
        return false;
    for (uint32_t i = 0; i < imp->nparams; i++)
        params[i] = imp->types[i] == WASM_I64 ? 'I' : 'i';
    params[imp->nparams] = 0;
    return sbx_host_fn(in, params, "i", w_enosys, imp, out);
}
