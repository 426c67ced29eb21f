/*
 * mote WebAssembly runtime: the embedding API.
 *
 * A WebAssembly 2.0 interpreter (MVP, sign extension, non-trapping
 * float-to-int, multi-value, mutable globals, bulk memory, reference types;
 * no SIMD yet) written in freestanding C11. It needs only the standard
 * freestanding headers plus memcpy/memmove/memset/memcmp from the embedder.
 *
 * Error handling, for the whole API
 * ---------------------------------
 * Every call that can fail returns a wasm_result. WASM_OK is success.
 * Loading and instantiating report *why* through an optional (why) out
 * parameter that receives a static, NUL-terminated message (never freed,
 * never written to). Execution reports WASM_TRAP (the guest trapped;
 * wasm_trap_code() says which trap) or WASM_OUT_OF_FUEL (the fuel budget
 * ran out; the call can be resumed with wasm_resume() or dropped with
 * wasm_abandon()). WASM_OUT_OF_FUEL is the only result a caller has to
 * handle in a loop.
 *
 * Memory
 * ------
 * The runtime never calls malloc. Every object is allocated through a
 * wasm_allocator supplied by the caller; wasm_arena_* provides a bump
 * allocator over a caller-owned buffer for embedders without a heap.
 * There is no global mutable state: any number of modules and instances
 * may live side by side, each with its own allocator. Nothing here is
 * thread-safe; one instance must be driven by one thread at a time.
 *
 * Ownership
 * ---------
 * A module is independent of the bytes it was loaded from (they may be
 * freed after wasm_module_load returns). An instance borrows its module:
 * free every instance before its module. Host objects made with
 * wasm_func_new/wasm_memory_new/wasm_table_new/wasm_global_new belong to
 * the caller and must outlive every instance that imports them; objects
 * exported by an instance live as long as that instance.
 */
#ifndef MOTE_WASM_H
#define MOTE_WASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum wasm_result {
	WASM_OK = 0,
	WASM_TRAP,           /* the guest trapped; see wasm_trap_code() */
	WASM_OUT_OF_FUEL,    /* fuel ran out; wasm_resume() or wasm_abandon() */
	WASM_ERR_MALFORMED,  /* bytes are not a well-formed binary module */
	WASM_ERR_INVALID,    /* module is well-formed but fails validation */
	WASM_ERR_NOMEM,      /* the allocator refused a request */
	WASM_ERR_UNLINKABLE, /* an import is missing or has the wrong type */
	WASM_ERR_NOT_FOUND,  /* no export with that name and kind */
	WASM_ERR_ARGS,       /* argument/result count or type mismatch */
	WASM_ERR_STATE,      /* wrong state: e.g. call while suspended */
} wasm_result;

/* Why execution trapped. Messages follow the spec interpreter's wording. */
typedef enum wasm_trap {
	WASM_TRAP_NONE = 0,
	WASM_TRAP_UNREACHABLE,      /* "unreachable" */
	WASM_TRAP_MEMORY_OOB,       /* "out of bounds memory access" */
	WASM_TRAP_TABLE_OOB,        /* "out of bounds table access" */
	WASM_TRAP_DIV_ZERO,         /* "integer divide by zero" */
	WASM_TRAP_INT_OVERFLOW,     /* "integer overflow" */
	WASM_TRAP_BAD_CONVERSION,   /* "invalid conversion to integer" */
	WASM_TRAP_UNDEFINED_ELEM,   /* "undefined element" (index >= size) */
	WASM_TRAP_UNINIT_ELEM,      /* "uninitialized element" (null entry) */
	WASM_TRAP_SIG_MISMATCH,     /* "indirect call type mismatch" */
	WASM_TRAP_STACK_EXHAUSTED,  /* "call stack exhausted" */
	WASM_TRAP_HOST,             /* a host function reported failure */
	WASM_TRAP_OUT_OF_FUEL,      /* fuel ran out where it cannot resume */
} wasm_trap;

/* Value types, numbered as in the binary format. */
typedef enum wasm_valtype {
	WASM_I32 = 0x7f,
	WASM_I64 = 0x7e,
	WASM_F32 = 0x7d,
	WASM_F64 = 0x7c,
	WASM_FUNCREF = 0x70,
	WASM_EXTERNREF = 0x6f,
} wasm_valtype;

/* Kinds of importable/exportable things, numbered as in the binary. */
typedef enum wasm_extern_kind {
	WASM_EXTERN_FUNC = 0,
	WASM_EXTERN_TABLE = 1,
	WASM_EXTERN_MEMORY = 2,
	WASM_EXTERN_GLOBAL = 3,
} wasm_extern_kind;

typedef struct wasm_module wasm_module;     /* decoded, validated code */
typedef struct wasm_instance wasm_instance; /* module + state */
typedef struct wasm_func wasm_func;         /* a callable function */
typedef struct wasm_memory wasm_memory;     /* a linear memory */
typedef struct wasm_table wasm_table;       /* a table of references */
typedef struct wasm_global wasm_global;     /* a global variable */

/*
 * A typed value. Floats travel as IEEE-754 bit patterns so NaN payloads
 * survive any host calling convention bit for bit. References: a funcref
 * is a wasm_func pointer, an externref is an opaque host pointer; NULL is
 * the null reference of either type.
 */
typedef struct wasm_val {
	wasm_valtype type;
	union {
		uint32_t i32;
		uint64_t i64;
		uint32_t f32; /* bits */
		uint64_t f64; /* bits */
		wasm_func *func;
		void *ref;    /* externref */
	} of;
} wasm_val;

/*
 * Allocator callback, realloc-shaped: (ptr) NULL allocates, (new_size) 0
 * frees (return value ignored), otherwise resizes keeping the first
 * min(old_size, new_size) bytes. Returns NULL on failure, leaving (ptr)
 * untouched. Blocks must be aligned to at least 16 bytes.
 */
typedef struct wasm_allocator {
	void *(*realloc)(void *user, void *ptr, size_t old_size, size_t new_size);
	void *user;
} wasm_allocator;

/*
 * A bump allocator over a caller-owned buffer. Freeing only reclaims the
 * most recent block; growing the most recent block is done in place.
 * Good enough for a kernel that loads a few modules and frees them in bulk.
 */
typedef struct wasm_arena {
	uint8_t *base;
	size_t size;
	size_t used;
	size_t last; /* offset of the most recent block */
} wasm_arena;

/* Set up (arena) over (buf, size). (buf) stays owned by the caller. */
void wasm_arena_init(wasm_arena *arena, void *buf, size_t size);
/* An allocator drawing from (arena); valid while the arena is. */
wasm_allocator wasm_arena_allocator(wasm_arena *arena);

/*
 * Limits chosen by the embedder, fixed at instantiation.
 * Zero in any field means "use the default" given beside it.
 */
typedef struct wasm_limits {
	uint32_t max_memory_pages; /* per memory; default 256 (16 MiB) */
	uint32_t max_table_elems;  /* per table; default 1<<20 */
	uint32_t max_call_depth;   /* wasm frames per call; default 1000 */
	uint32_t stack_slots;      /* 8-byte value-stack slots; default 64Ki */
	uint64_t start_fuel;       /* fuel for the start function; 0: none */
} wasm_limits;

/*
 * Decode and validate (len) bytes at (bytes) into a module allocated
 * from (alloc). On success stores it in (*out) and returns WASM_OK; else
 * returns WASM_ERR_MALFORMED, WASM_ERR_INVALID or WASM_ERR_NOMEM and sets
 * (*why) when (why) is not NULL. The allocator must outlive the module.
 */
wasm_result wasm_module_load(wasm_module **out, const uint8_t *bytes,
			     size_t len, const wasm_allocator *alloc,
			     const char **why);
/* Release (module) and everything it allocated. NULL is ignored. */
void wasm_module_free(wasm_module *module);

/* Number of exports of (module). */
uint32_t wasm_module_export_count(const wasm_module *module);
/* Name and kind of export (index) < wasm_module_export_count; returns
 * false for an index out of range. (*name) is not NUL-terminated and
 * lives as long as the module. */
bool wasm_module_export_info(const wasm_module *module, uint32_t index,
			     const char **name, size_t *name_len,
			     wasm_extern_kind *kind);

/* Declared limits of memory 0 (defined or imported), in 64 KiB pages;
 * false when the module has no memory. (*max) is UINT32_MAX when the
 * module declares no maximum. Lets an embedder size a memory limit for a
 * module before instantiating it. */
bool wasm_module_memory_limits(const wasm_module *module, uint32_t *min,
			       uint32_t *max);

/* Describes one import, given to the resolver. Strings are not
 * NUL-terminated; everything lives as long as the module. */
typedef struct wasm_import {
	const char *module;
	size_t module_len;
	const char *name;
	size_t name_len;
	wasm_extern_kind kind;
	/* FUNC: the expected type; (types) holds the params then the
	 * results, one wasm_valtype byte each. */
	uint32_t nparams, nresults;
	const uint8_t *types;
	/* TABLE, MEMORY: limits in elements/pages (max UINT32_MAX: none);
	 * TABLE, GLOBAL: (valtype) is the element/value type; GLOBAL: (mut). */
	uint32_t min, max;
	wasm_valtype valtype;
	bool mut;
} wasm_import;

/* What an import resolves to: one object of the import's kind. */
typedef struct wasm_extern {
	wasm_extern_kind kind;
	union {
		wasm_func *func;
		wasm_table *table;
		wasm_memory *memory;
		wasm_global *global;
	} of;
} wasm_extern;

/*
 * Import resolver: fill (out) for (imp) and return true, or return false
 * if it cannot be satisfied. The runtime then checks kinds and types and
 * fails instantiation with WASM_ERR_UNLINKABLE on any mismatch.
 */
typedef bool (*wasm_resolver)(void *user, const wasm_import *imp,
			      wasm_extern *out);

/*
 * Instantiate (module): resolve imports through (resolve, user), create
 * memories, tables and globals, apply element and data segments and run
 * the start function with (limits->start_fuel) fuel (unlimited if 0; a
 * start function that runs out traps with WASM_TRAP_OUT_OF_FUEL).
 * (limits) may be NULL for the defaults; (alloc) must not be NULL and
 * must outlive the instance. Returns:
 *  - WASM_OK: the instance is in (*out);
 *  - WASM_ERR_UNLINKABLE (bad imports) or WASM_ERR_NOMEM (allocator, or a
 *    memory/table minimum above the limits): (*out) is NULL and nothing
 *    stays allocated;
 *  - WASM_TRAP: a segment was out of bounds or the start function trapped
 *    (wasm_trap_code(*out) says which). Writes already made to imported
 *    memories and tables stay, as the spec requires, and such a table may
 *    now hold functions of this instance; so the instance is still
 *    returned in (*out): keep it while anything may call into it, then
 *    wasm_instance_free it. Do not call its exports.
 * (*why) explains any failure.
 */
wasm_result wasm_instantiate(wasm_instance **out, const wasm_module *module,
			     const wasm_allocator *alloc,
			     const wasm_limits *limits, wasm_resolver resolve,
			     void *user, const char **why);
/* Free (inst), its stacks and the objects it defined. NULL is ignored. */
void wasm_instance_free(wasm_instance *inst);

/*
 * Look up export (name, name_len) of (inst). Returns WASM_OK and fills
 * (out), or WASM_ERR_NOT_FOUND. The object lives as long as (inst).
 */
wasm_result wasm_instance_export(const wasm_instance *inst, const char *name,
				 size_t name_len, wasm_extern *out);

/*
 * Call the exported function (name, name_len) with (nargs) arguments; on
 * WASM_OK writes exactly (nresults) results. Names are bytes, not C
 * strings: a Wasm name may contain U+0000 ("\0\1" is a valid export
 * name), so every name in this API is a (pointer, length) pair. Argument
 * and result counts and types must match the function type, else
 * WASM_ERR_ARGS; WASM_ERR_NOT_FOUND without such a function. Returns
 * WASM_TRAP (see wasm_trap_code) or WASM_OUT_OF_FUEL (instance suspended:
 * wasm_resume or wasm_abandon before the next call, else WASM_ERR_STATE).
 */
wasm_result wasm_call(wasm_instance *inst, const char *name, size_t name_len,
		      const wasm_val *args, size_t nargs, wasm_val *results,
		      size_t nresults);
/* As wasm_call, for any function (e.g. a funcref read from a table);
 * it runs on the stack of (inst). */
wasm_result wasm_call_func(wasm_instance *inst, wasm_func *func,
			   const wasm_val *args, size_t nargs,
			   wasm_val *results, size_t nresults);
/* Continue a call suspended by WASM_OUT_OF_FUEL; same results as
 * wasm_call. WASM_ERR_STATE if nothing is suspended. */
wasm_result wasm_resume(wasm_instance *inst, wasm_val *results,
			size_t nresults);
/* Drop a suspended call; the instance is ready for new calls. */
void wasm_abandon(wasm_instance *inst);
/* True while a call is suspended for lack of fuel. */
bool wasm_suspended(const wasm_instance *inst);

/*
 * Fuel: an instruction budget. Fuel is charged at function entry and at
 * each loop iteration, by the static number of instructions in the
 * function or loop body, so straight-line code between charges is bounded
 * by code size and no guest can run without paying. UINT64_MAX (the
 * default) means unlimited.
 */
void wasm_set_fuel(wasm_instance *inst, uint64_t fuel);
uint64_t wasm_fuel(const wasm_instance *inst);

/* The trap behind the last WASM_TRAP from (inst), and its message. */
wasm_trap wasm_trap_code(const wasm_instance *inst);
const char *wasm_trap_message(wasm_trap trap);

/*
 * Checked guest-memory access for host code: copy (len) bytes between the
 * host and offset (addr) of the instance's memory 0. Returns false, copying
 * nothing, when there is no memory or the range is out of bounds.
 */
bool wasm_mem_read(const wasm_instance *inst, uint64_t addr, void *dst,
		   size_t len);
bool wasm_mem_write(wasm_instance *inst, uint64_t addr, const void *src,
		    size_t len);
/* Current size of memory 0 in bytes (0 without memory). */
uint64_t wasm_mem_size(const wasm_instance *inst);

/*
 * Host function: (args) holds the parameters, (results) receives the
 * results (types already set by the runtime), (caller) is the instance
 * whose code made the call (for memory access; may be NULL when called
 * from the API). Return WASM_TRAP_NONE on success, or a trap code.
 */
typedef wasm_trap (*wasm_host_fn)(wasm_instance *caller, const wasm_val *args,
				  wasm_val *results, void *user);

/* Make a host function of type (params) -> (results). Owned by the
 * caller; free with wasm_func_free after every user is gone. */
wasm_func *wasm_func_new(const wasm_allocator *alloc,
			 const wasm_valtype *params, uint32_t nparams,
			 const wasm_valtype *results, uint32_t nresults,
			 wasm_host_fn fn, void *user);
void wasm_func_free(wasm_func *func);
/* The type of (func): (*types) holds params then results, one
 * wasm_valtype byte each, valid as long as (func). */
void wasm_func_type(const wasm_func *func, uint32_t *nparams,
		    uint32_t *nresults, const uint8_t **types);

/* Host memory of (min) pages, at most (max) (UINT32_MAX for none). */
wasm_memory *wasm_memory_new(const wasm_allocator *alloc, uint32_t min,
			     uint32_t max);
void wasm_memory_free(wasm_memory *mem);

/* Host table of (min) null references of (type), at most (max). */
wasm_table *wasm_table_new(const wasm_allocator *alloc, wasm_valtype type,
			   uint32_t min, uint32_t max);
void wasm_table_free(wasm_table *table);

/* Host global holding (init), mutable if (mut). */
wasm_global *wasm_global_new(const wasm_allocator *alloc, wasm_val init,
			     bool mut);
void wasm_global_free(wasm_global *global);
/* Read a global's current value. */
wasm_val wasm_global_get(const wasm_global *global);

#endif /* MOTE_WASM_H */
