/*
 * Internal representation of a decoded module and of runtime objects.
 * Shared by every file in wasm/; never included by embedders.
 */
#ifndef WASM_MODULE_H
#define WASM_MODULE_H

#include <mote/wasm.h>

#include "libc.h"

#define WASM_PAGE 65536u
#define WASM_MAX_PAGES 65536u
#define WASM_TYPE_ANY 0 /* unknown type on a polymorphic stack */

/*
 * One value-stack slot. Every wasm value fits one 8-byte slot; i32/f32
 * live in the low half (all six targets are little-endian), so an i32 op
 * need not clear the high half. References are pointers.
 */
typedef union wasm_slot {
	uint64_t u64;
	int64_t s64;
	uint32_t u32;
	int32_t s32;
	float f32;
	double f64;
	void *ref;
} wasm_slot;

typedef struct wasm_functype {
	uint32_t nparams;
	uint32_t nresults;
	uint8_t *types; /* params then results */
} wasm_functype;

/* A constant expression (global init, segment offset, element item). */
typedef struct wasm_constexpr {
	uint8_t op;      /* 0x41 i32, 0x42 i64, 0x43 f32, 0x44 f64, 0xd0 ref.null,
			    0xd2 ref.func, 0x23 global.get */
	uint8_t type;    /* resulting value type */
	uint64_t value;  /* constant bits, or index */
} wasm_constexpr;

typedef struct wasm_limits_def {
	uint32_t min;
	uint32_t max;    /* UINT32_MAX when absent */
	bool has_max;    /* tells an explicit 0xffffffff from absent */
} wasm_limits_def;

typedef struct wasm_tabletype {
	uint8_t elem;
	wasm_limits_def lim;
} wasm_tabletype;

typedef struct wasm_globaltype {
	uint8_t type;
	uint8_t mut;
} wasm_globaltype;

typedef struct wasm_import_def {
	wasm_import pub;
	union {
		uint32_t type;          /* func: type index */
		wasm_tabletype table;
		wasm_limits_def mem;
		wasm_globaltype global;
	} of;
} wasm_import_def;

/* A compiled function body: see compile.c for the code form. */
typedef struct wasm_code {
	uint32_t *code;
	uint32_t len;
	uint32_t nlocals;    /* params + declared locals */
	uint32_t max_stack;  /* operand slots needed above the locals */
} wasm_code;

typedef struct wasm_export_def {
	const char *name;
	uint32_t name_len;
	uint8_t kind;
	uint32_t index;
} wasm_export_def;

enum { WASM_SEG_ACTIVE, WASM_SEG_PASSIVE, WASM_SEG_DECLARATIVE };

typedef struct wasm_elem_def {
	uint8_t mode;
	uint8_t type;
	uint32_t table;
	wasm_constexpr offset;
	uint32_t count;
	wasm_constexpr *items;
} wasm_elem_def;

typedef struct wasm_data_def {
	uint8_t mode;
	uint32_t mem;
	wasm_constexpr offset;
	uint32_t len;
	const uint8_t *bytes;
} wasm_data_def;

struct wasm_module {
	wasm_allocator alloc;
	uint32_t ntypes;
	wasm_functype *types;
	uint32_t nimports;
	wasm_import_def *imports;
	uint32_t nfuncs, nfunc_imports;   /* whole index space, imports first */
	uint32_t *func_types;             /* type index per function */
	wasm_code *codes;                 /* per defined function */
	uint32_t ntables, ntable_imports;
	wasm_tabletype *tables;
	uint32_t nmems, nmem_imports;
	wasm_limits_def *mems;
	uint32_t nglobals, nglobal_imports;
	wasm_globaltype *globals;
	wasm_constexpr *global_inits;     /* per defined global */
	uint32_t nexports;
	wasm_export_def *exports;
	bool has_start;
	uint32_t start;
	uint32_t nelems;
	wasm_elem_def *elems;
	uint32_t ndatas;
	wasm_data_def *datas;
	bool has_datacount;
	uint8_t *func_declared;           /* ref.func allowed, per function */
	struct wasm_block *blocks;        /* every allocation, for freeing */
};

struct wasm_func {
	const wasm_functype *type;
	wasm_instance *inst;    /* NULL for host functions */
	const wasm_code *code;  /* wasm functions */
	wasm_host_fn host;
	void *user;
	wasm_allocator alloc;   /* host functions: who frees us */
	wasm_functype own_type; /* host functions: storage for type */
};

struct wasm_memory {
	uint8_t *data;
	uint64_t size;          /* bytes */
	uint32_t pages, max;    /* max: effective, limits applied */
	uint32_t max_declared;  /* as declared, UINT32_MAX if none: for linking */
	wasm_allocator alloc;
};

struct wasm_table {
	void **elems;
	uint32_t size, max;     /* max: effective, limits applied */
	uint32_t max_declared;  /* as declared: for linking */
	uint8_t type;
	wasm_allocator alloc;
};

struct wasm_global {
	wasm_slot val;
	uint8_t type;
	uint8_t mut;
	wasm_allocator alloc;
};

/* The saved interpreter state of one suspended or running invocation. */
typedef struct wasm_frame {
	const uint32_t *ret_pc;  /* NULL marks the bottom of an invocation */
	wasm_slot *fp;
	wasm_func *func;
} wasm_frame;

struct wasm_instance {
	const wasm_module *module;
	wasm_allocator alloc;
	wasm_limits limits;
	wasm_func **funcs;
	wasm_func *own_funcs;
	wasm_table **tables;
	wasm_memory **mems;
	wasm_global **globals;
	wasm_global *own_globals;
	uint8_t *elem_dropped;
	uint8_t *data_dropped;
	/* execution */
	wasm_slot *stack, *stack_end;
	wasm_frame *frames;
	uint32_t nframes;
	uint64_t fuel;
	wasm_trap trap;
	uint32_t depth;          /* nested invocations (host re-entry) */
	wasm_slot *top;          /* first free slot while a host call runs */
	bool suspended;          /* an outermost call ran out of fuel */
	wasm_func *call_func;    /* function of the outermost call */
	/* saved interpreter registers: on suspension, and s_sp on return */
	const uint32_t *s_pc;
	wasm_slot *s_sp, *s_fp;
	wasm_func *s_func;
};

/* alloc.c: module-owned allocations, freed together. */
void *wasm_mod_alloc(wasm_module *m, size_t size);
void *wasm_xalloc(const wasm_allocator *a, size_t size);
void *wasm_xrealloc(const wasm_allocator *a, void *p, size_t old, size_t size);
void wasm_xfree(const wasm_allocator *a, void *p, size_t size);

/* decode.c */
wasm_result wasm_decode(wasm_module *m, const uint8_t *p, size_t len,
			const char **why);

/* validate.c: module-level checks after decoding. */
wasm_result wasm_validate_module(const wasm_module *m, const char **why);
bool wasm_functype_eq(const wasm_functype *a, const wasm_functype *b);

/* compile.c: validate one function body and compile it. */
wasm_result wasm_compile(wasm_module *m, uint32_t func_idx, const uint8_t *p,
			 const uint8_t *end, const char **why);

/* memory.c */
wasm_memory *wasm_memory_make(const wasm_allocator *a, uint32_t min,
			      uint32_t max);
/* Grow by (delta) pages; returns old size in pages or -1. */
int64_t wasm_memory_grow(wasm_memory *mem, uint32_t delta);
int64_t wasm_table_grow(wasm_table *t, uint32_t delta, void *init);

/* host.c: public value <-> slot. */
wasm_slot wasm_slot_from_val(const wasm_val *v);
wasm_val wasm_val_from_slot(wasm_slot s, uint8_t type);

/* instance.c: value of an element segment item in (inst). */
void *wasm_elem_value(wasm_instance *inst, const wasm_constexpr *e);

/* interp.c: run wasm function (f) whose arguments are at (base), on the
 * stack of (inst). On WASM_OK the results are at base[0..nresults). */
wasm_result wasm_exec(wasm_instance *inst, wasm_func *f, wasm_slot *base);
wasm_result wasm_exec_resume(wasm_instance *inst);

#endif
