/* Instances: load, link, start, call back, end.
 *
 * An instance runs only inside sbx_call (its start function and each
 * completion) or sbx_run_start (a WASI command's _start, in slices). Both
 * set a fresh fuel budget first. What ends an instance: a trap, running
 * out of fuel in a callback, a failed memory access from the host side, or
 * proc_exit/exit. Ending cancels its requests, closes its handles (which
 * closes channel ends nobody else holds, telling peers) and logs why.
 */
#include "lib/kstring.h"
#include "mote/kalloc.h"
#include "mote/kapp.h"
#include "mote/printk.h"
#include "sandbox/inst.h"

/* A WASI command runs _start in slices of this much fuel, yielding to the
 * event loop in between, so a long computation cannot starve I/O. */
#define SBX_SLICE_FUEL 2000000

sbx_stats_t sbx_counters;
static sbx_inst_t insts[SBX_MAX_INSTANCES];
static uint32_t ninst, nlive;
static int last_exit;

const sbx_stats_t *sbx_stats(void)
{
    return &sbx_counters;
}

static uint64_t budget(const sbx_inst_t *in)
{
    return in->cfg->fuel ? in->cfg->fuel : UINT64_MAX;
}

void sbx_end(sbx_inst_t *in, const char *why, bool fault)
{
    if (in->state == SBX_ENDED)
        return;
    in->state = SBX_ENDED;
    if (in->wasi)
        kcancel(&in->resume.work);
    sbx_slots_cancel_all(in);
    kcap_table_close_all(&in->caps);
    if (fault) {
        sbx_counters.faulted++;
        printk(KLOG_ERR, "sbx: instance %s ended: %s", in->cfg->name, why);
        last_exit = last_exit ? last_exit : 1;
    } else {
        sbx_counters.exited++;
        printk(KLOG_INFO, "sbx: instance %s %s", in->cfg->name, why);
        last_exit = in->exit_code;
    }
    if (--nlive == 0) {
        printk(KLOG_INFO, "sbx: no instance left; exit code %d", last_exit);
        kshutdown(last_exit);
    }
}

/* After a call returned (r): end the instance if it must end. */
static void settle(sbx_inst_t *in, wasm_result r, const char *what)
{
    char why[96];
    if (in->exiting) {
        ksnprintf(why, sizeof why, "exited with code %d", in->exit_code);
        sbx_end(in, why, false);
    } else if (r == WASM_TRAP) {
        ksnprintf(why, sizeof why, "trap in %s: %s", what,
                  wasm_trap_message(wasm_trap_code(in->wi)));
        sbx_end(in, why, true);
    } else if (r == WASM_OUT_OF_FUEL) {
        wasm_abandon(in->wi);
        ksnprintf(why, sizeof why, "out of fuel in %s (budget %llu)", what,
                  (unsigned long long)in->cfg->fuel);
        sbx_end(in, why, true);
    } else if (r != WASM_OK) {
        ksnprintf(why, sizeof why, "cannot call %s (error %d)", what, (int)r);
        sbx_end(in, why, true);
    }
}

void sbx_call(sbx_inst_t *in, const char *name, const wasm_val *args,
              uint32_t nargs)
{
    if (in->state != SBX_RUNNING)
        return;
    sbx_counters.callbacks++;
    wasm_set_fuel(in->wi, budget(in));
    /* Completions are the hot path: call the export found at load time
     * rather than looking it up by name each time. */
    wasm_result r = in->complete && name[0] == 'm' && !strcmp(name, "mote_complete")
                        ? wasm_call_func(in->wi, in->complete, args, nargs, NULL, 0)
                        : wasm_call(in->wi, name, strlen(name), args, nargs, NULL, 0);
    settle(in, r, name);
}

static void resume_due(kwork_t *w)
{
    sbx_inst_t *in = w->ctx;
    if (w->result == KERR_OK)
        sbx_run_start(in, true);
}

void sbx_run_start(sbx_inst_t *in, bool resume)
{
    if (in->state != SBX_RUNNING)
        return;
    in->sleep_until = 0;
    wasm_set_fuel(in->wi, SBX_SLICE_FUEL);
    wasm_result r = resume ? wasm_resume(in->wi, NULL, 0)
                           : wasm_call(in->wi, "_start", 6, NULL, 0, NULL, 0);
    if (r == WASM_OUT_OF_FUEL && !in->exiting) {
        /* A slice ended, or poll_oneoff asked to sleep: continue later. */
        ktimer_init(&in->resume, resume_due, in);
        in->resume.work.deadline = in->sleep_until ? in->sleep_until : ktime_now();
        if (!in->resume.work.deadline)
            in->resume.work.deadline = 1;
        ksubmit(&in->resume.work);
        return;
    }
    if (r == WASM_OK && !in->exiting)
        in->exiting = true; /* _start returned: exit code 0 */
    settle(in, r, "_start");
}

bool sbx_host_fn(sbx_inst_t *in, const char *params, const char *results,
                 wasm_host_fn fn, const wasm_import *imp, wasm_extern *out)
{
    wasm_valtype p[8], r[2];
    uint32_t np = (uint32_t)strlen(params), nr = (uint32_t)strlen(results);
    if (imp->kind != WASM_EXTERN_FUNC || imp->nparams != np || imp->nresults != nr)
        return false;
    for (uint32_t i = 0; i < np + nr; i++) {
        char c = i < np ? params[i] : results[i - np];
        wasm_valtype t = c == 'I' ? WASM_I64 : WASM_I32;
        if (imp->types[i] != t)
            return false;
        if (i < np)
            p[i] = t;
        else
            r[i - np] = t;
    }
    out->kind = WASM_EXTERN_FUNC;
    out->of.func = wasm_func_new(&in->alloc, p, np, r, nr, fn, in);
    return out->of.func != NULL;
}

static bool named(const wasm_import *imp, const char *module)
{
    return strlen(module) == imp->module_len && !memcmp(imp->module, module, imp->module_len);
}

bool sbx_resolve(void *user, const wasm_import *imp, wasm_extern *out)
{
    sbx_inst_t *in = user;
    bool ok = false;
    if (named(imp, "mote"))
        ok = sbx_resolve_mote(in, imp, out);
    else if (named(imp, "wasi_snapshot_preview1"))
        ok = sbx_resolve_wasi(in, imp, out);
    if (!ok)
        printk(KLOG_ERR, "sbx: %s: cannot link import %.*s.%.*s", in->cfg->name,
               (int)imp->module_len, imp->module, (int)imp->name_len, imp->name);
    return ok;
}

static const sbx_blob_t *find_blob(const char *name, const sbx_blob_t *blobs, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (!strcmp(blobs[i].name, name))
            return &blobs[i];
    return NULL;
}

/* The runtime's allocator for an instance: the kernel heap (mote/kalloc.h),
 * so the decoded module, its memory (grown with krealloc up to the
 * manifest's limit) and its tables are taken as they are needed and can
 * be given back, instead of a fixed arena reserved up front. */
static void *heap_realloc(void *user, void *p, size_t old, size_t size)
{
    (void)user;
    (void)old;
    if (size == 0) {
        kfree(p);
        return NULL;
    }
    return krealloc(p, size);
}

/* The limit for `memory auto` (a .wasm app given alone): the module's
 * declared maximum (none: 4 GiB), capped by what the kernel heap can give:
 * most of its largest free run, keeping an eighth (at least 4 MiB) for the
 * rest of the kernel, halved because a growth may need the old and the new
 * memory side by side. Says which applied. */
static uint32_t auto_pages(sbx_inst_t *in)
{
    kalloc_stats_t st;
    kalloc_stats(&st);
    uint64_t free = st.largest_free;
    uint64_t keep = free / 8 > (4u << 20) ? free / 8 : (4u << 20);
    uint64_t fit = (free > keep ? free - keep : 0) / (2u * 65536u);
    uint32_t min = 0, max = UINT32_MAX;
    bool has_mem = wasm_module_memory_limits(in->mod, &min, &max);
    uint32_t pages = max > 65536 ? 65536 : max;
    const char *why = max == UINT32_MAX ? "no declared maximum" : "the module's declared maximum";
    if (fit < pages) {
        pages = (uint32_t)fit;
        why = "what fits in the kernel's free memory";
    }
    if (pages == 0)
        pages = 1;
    printk(KLOG_INFO, "sbx: %s: memory limit %u MiB (%u pages): %s%s; "
           "manifest `memory`, SBX_MEMORY=MiB for a .wasm", in->cfg->name,
           (unsigned)(pages / 16), (unsigned)pages, why, has_mem ? "" : " (module has no memory)");
    return pages;
}

static kerr_t load(sbx_inst_t *in, const sbx_blob_t *blob)
{
    bool automem = in->cfg->memory_pages == SBX_MEMORY_AUTO;
    in->slots = kcalloc(in->cfg->slots, sizeof(sbx_slot_t));
    if (!in->slots) {
        printk(KLOG_ERR, "sbx: %s: no memory for %u slots", in->cfg->name,
               (unsigned)in->cfg->slots);
        return KERR_NOMEM;
    }
    in->nslots = in->cfg->slots;
    in->alloc = (wasm_allocator){heap_realloc, NULL};
    const char *why = NULL;
    if (wasm_module_load(&in->mod, blob->data, blob->len, &in->alloc, &why) != WASM_OK) {
        printk(KLOG_ERR, "sbx: %s: bad module: %s", in->cfg->name, why ? why : "?");
        return KERR_INVALID;
    }
    in->memory_pages = automem ? auto_pages(in) : in->cfg->memory_pages;
    wasm_limits lim = {.max_memory_pages = in->memory_pages,
                       .max_table_elems = 1u << 16,
                       .max_call_depth = 1000,
                       .stack_slots = 1u << 15,
                       .start_fuel = budget(in)};
    wasm_result r = wasm_instantiate(&in->wi, in->mod, &in->alloc, &lim, sbx_resolve, in, &why);
    if (r != WASM_OK && !in->wi) {  /* nothing refers to the module: free it */
        wasm_module_free(in->mod);
        in->mod = NULL;
    }
    if (r != WASM_OK) {
        printk(KLOG_ERR, "sbx: %s: cannot instantiate: %s", in->cfg->name, why ? why : "?");
        return KERR_INVALID;
    }
    wasm_extern ex;
    in->wasi = wasm_instance_export(in->wi, "_start", 6, &ex) == WASM_OK;
    if (wasm_instance_export(in->wi, "mote_complete", 13, &ex) == WASM_OK &&
        ex.kind == WASM_EXTERN_FUNC)
        in->complete = ex.of.func;
    return KERR_OK;
}

static kerr_t start_one(sbx_inst_t *in, const sbx_blob_t *blobs, uint32_t nblobs)
{
    const sbx_blob_t *blob = find_blob(in->cfg->module, blobs, nblobs);
    if (!blob)
        blob = sbx_blkmod_find(in->cfg->module);
    if (!blob) {
        printk(KLOG_ERR, "sbx: %s: module %s is not in the image", in->cfg->name,
               in->cfg->module);
        return KERR_NOT_FOUND;
    }
    kcap_table_init(&in->caps);
    for (uint32_t g = 0; g < in->cfg->ngrants; g++) {
        kerr_t err = sbx_grant_install(in, &in->cfg->grants[g], &in->grant_handle[g]);
        if (err) {
            printk(KLOG_ERR, "sbx: %s: grant %s: %s", in->cfg->name,
                   in->cfg->grants[g].name, kerr_str(err));
            return err;
        }
    }
    return load(in, blob);
}

/* The manifest text lives here: the parsed manifest points into it. */
static char text[8192];
static sbx_manifest_t manifest;
static const sbx_blob_t *boot_blobs;
static uint32_t boot_nblobs;

static bool needs_kv(void);
static void start_all(kerr_t err);
static void modules_loaded(void);

kerr_t sbx_boot(const char *mtext, const sbx_blob_t *blobs, uint32_t nblobs)
{
    char err[128];
    size_t n = strlen(mtext);
    if (n >= sizeof text) {
        printk(KLOG_ERR, "sbx: manifest longer than %zu bytes", sizeof text - 1);
        return KERR_TOO_BIG;
    }
    memcpy(text, mtext, n + 1);
    boot_blobs = blobs;
    boot_nblobs = nblobs;
    if (sbx_manifest_parse(&manifest, text, err, sizeof err)) {
        printk(KLOG_ERR, "sbx: manifest: %s", err);
        return KERR_INVALID;
    }
    sbx_objects_create(&manifest);
    ninst = nlive = manifest.ninst; /* each ends exactly once, via sbx_end */
    /* Boot in phases: modules from the block device, then the KV store,
     * then the instances. */
    sbx_blkmods_load(&manifest, modules_loaded);
    return KERR_OK;
}

static void modules_loaded(void)
{
    if (needs_kv())
        sbx_kv_open(start_all); /* instances start once the store is open */
    else
        start_all(KERR_OK);
}

static bool needs_kv(void)
{
    for (uint32_t i = 0; i < manifest.ninst; i++)
        for (uint32_t g = 0; g < manifest.inst[i].ngrants; g++)
            if (manifest.inst[i].grants[g].kind == SBX_GRANT_KV)
                return true;
    return false;
}

/* Phase two of sbx_boot: load and start every instance. (err) is the KV
 * store's open result; without a store, kv grants fail and so do the
 * instances that hold them. */
static void start_all(kerr_t err)
{
    (void)err;
    const sbx_blob_t *blobs = boot_blobs;
    uint32_t nblobs = boot_nblobs;
    for (uint32_t i = 0; i < ninst; i++) {
        sbx_inst_t *in = &insts[i];
        memset(in, 0, sizeof *in);
        in->cfg = &manifest.inst[i];
        in->id = (int)i;
        in->state = SBX_LOADING;
        if (start_one(in, blobs, nblobs)) {
            sbx_end(in, "failed to start", true);
            continue;
        }
        in->state = SBX_RUNNING;
        sbx_counters.started++;
    }
    sbx_objects_boot_done();
    for (uint32_t i = 0; i < ninst; i++) {
        sbx_inst_t *in = &insts[i];
        if (in->state != SBX_RUNNING)
            continue;
        printk(KLOG_INFO, "sbx: started %s (%s, memory limit %u pages = %u KiB, fuel %llu)",
               in->cfg->name, in->wasi ? "WASI command" : "mote app", in->memory_pages,
               in->memory_pages * 64, (unsigned long long)in->cfg->fuel);
        wasm_extern ex;
        if (in->wasi) {
            sbx_run_start(in, false);
            continue;
        }
        /* A wasi-libc reactor runs its constructors in _initialize. */
        if (wasm_instance_export(in->wi, "_initialize", 11, &ex) == WASM_OK)
            sbx_call(in, "_initialize", NULL, 0);
        sbx_call(in, "mote_start", NULL, 0);
    }
}
