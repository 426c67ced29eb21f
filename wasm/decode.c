/*
 * Binary decoder: walks the sections in their mandated order, copies what
 * the module keeps into module-owned blocks (so the input bytes can be
 * freed), and hands each function body to the compiler, which validates
 * and translates it in one pass. Module-level rules that need the whole
 * module live in validate.c.
 */
#include "reader.h"

#define CHECK(r) do { if ((r)->err) return; } while (0)

static void *wasm_vec(wasm_module *m, wasm_reader *r, uint32_t n, size_t size)
{
	/* Every element takes at least one byte, so a count larger than the
	 * remaining input is malformed; this also bounds allocations. */
	if (n > (size_t)(r->end - r->p)) {
		wasm_fail(r, WASM_ERR_MALFORMED, "unexpected end");
		return NULL;
	}
	void *p = wasm_mod_alloc(m, (size_t)n * size + 1);
	if (!p)
		wasm_fail(r, WASM_ERR_NOMEM, "out of memory");
	return p;
}

static bool wasm_is_valtype(uint8_t t)
{
	return t == WASM_I32 || t == WASM_I64 || t == WASM_F32 ||
	       t == WASM_F64 || t == WASM_FUNCREF || t == WASM_EXTERNREF;
}

static uint8_t wasm_valtype_read(wasm_reader *r)
{
	uint8_t t = wasm_u8(r);
	if (!r->err && !wasm_is_valtype(t))
		wasm_fail(r, WASM_ERR_MALFORMED, "malformed value type");
	return t;
}

static uint8_t wasm_reftype_read(wasm_reader *r)
{
	uint8_t t = wasm_u8(r);
	if (!r->err && t != WASM_FUNCREF && t != WASM_EXTERNREF)
		wasm_fail(r, WASM_ERR_MALFORMED, "malformed reference type");
	return t;
}

/* Strict UTF-8: no overlongs, no surrogates, nothing above U+10FFFF. */
static bool wasm_utf8_ok(const uint8_t *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		uint8_t c = s[i];
		uint32_t cp, min;
		size_t len;
		if (c < 0x80) { i++; continue; }
		if ((c & 0xe0) == 0xc0) { len = 2; cp = c & 0x1f; min = 0x80; }
		else if ((c & 0xf0) == 0xe0) { len = 3; cp = c & 0x0f; min = 0x800; }
		else if ((c & 0xf8) == 0xf0) { len = 4; cp = c & 0x07; min = 0x10000; }
		else return false;
		if (n - i < len)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += len;
	}
	return true;
}

static const char *wasm_name_read(wasm_module *m, wasm_reader *r, uint32_t *len)
{
	uint32_t n = wasm_u32(r);
	if (r->err)
		return NULL;
	if (n > (size_t)(r->end - r->p)) {
		wasm_fail(r, WASM_ERR_MALFORMED, "unexpected end");
		return NULL;
	}
	if (!wasm_utf8_ok(r->p, n)) {
		wasm_fail(r, WASM_ERR_MALFORMED, "malformed UTF-8 encoding");
		return NULL;
	}
	char *s = wasm_mod_alloc(m, n + 1);
	if (!s) {
		wasm_fail(r, WASM_ERR_NOMEM, "out of memory");
		return NULL;
	}
	memcpy(s, r->p, n);
	r->p += n;
	*len = n;
	return s;
}

static wasm_limits_def wasm_limits_read(wasm_reader *r)
{
	wasm_limits_def l = { 0, UINT32_MAX, false };
	uint8_t flag = wasm_u8(r);
	if (flag > 1) {
		wasm_fail(r, WASM_ERR_MALFORMED, "integer too large");
		return l;
	}
	l.min = wasm_u32(r);
	if (flag) {
		l.max = wasm_u32(r);
		l.has_max = true;
	}
	return l;
}

static wasm_tabletype wasm_tabletype_read(wasm_reader *r)
{
	wasm_tabletype t;
	t.elem = wasm_reftype_read(r);
	t.lim = wasm_limits_read(r);
	return t;
}

static wasm_globaltype wasm_globaltype_read(wasm_reader *r)
{
	wasm_globaltype g;
	g.type = wasm_valtype_read(r);
	g.mut = wasm_u8(r);
	if (!r->err && g.mut > 1)
		wasm_fail(r, WASM_ERR_MALFORMED, "malformed mutability");
	return g;
}

/* Read one constant expression, ending in 0x0b. Types and indices are
 * checked later by validate.c, once every section is known. */
static wasm_constexpr wasm_constexpr_read(wasm_reader *r)
{
	wasm_constexpr e = { 0, 0, 0 };
	e.op = wasm_u8(r);
	switch (e.op) {
	case 0x41: e.type = WASM_I32; e.value = (uint32_t)wasm_sleb(r, 32); break;
	case 0x42: e.type = WASM_I64; e.value = (uint64_t)wasm_sleb(r, 64); break;
	case 0x43:
		e.type = WASM_F32;
		if (r->end - r->p < 4) { wasm_fail(r, WASM_ERR_MALFORMED, "unexpected end"); break; }
		e.value = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 |
			  (uint32_t)r->p[2] << 16 | (uint32_t)r->p[3] << 24;
		r->p += 4;
		break;
	case 0x44:
		e.type = WASM_F64;
		if (r->end - r->p < 8) { wasm_fail(r, WASM_ERR_MALFORMED, "unexpected end"); break; }
		for (int i = 7; i >= 0; i--)
			e.value = e.value << 8 | r->p[i];
		r->p += 8;
		break;
	case 0xd0: e.type = wasm_reftype_read(r); break;
	case 0xd2: e.type = WASM_FUNCREF; e.value = wasm_u32(r); break;
	case 0x23: e.value = wasm_u32(r); break; /* type from the global */
	default:
		wasm_fail(r, WASM_ERR_INVALID, "constant expression required");
		return e;
	}
	if (!r->err && wasm_u8(r) != 0x0b)
		wasm_fail(r, WASM_ERR_INVALID, "constant expression required");
	return e;
}

static void wasm_sec_type(wasm_module *m, wasm_reader *r)
{
	m->ntypes = wasm_u32(r);
	m->types = wasm_vec(m, r, m->ntypes, sizeof(wasm_functype));
	for (uint32_t i = 0; i < m->ntypes && !r->err; i++) {
		if (wasm_u8(r) != 0x60) {
			wasm_fail(r, WASM_ERR_MALFORMED, "integer representation too long");
			return;
		}
		wasm_functype *t = &m->types[i];
		uint32_t np = wasm_u32(r);
		const uint8_t *pp = r->p;
		for (uint32_t k = 0; k < np && !r->err; k++)
			wasm_valtype_read(r);
		uint32_t nr = wasm_u32(r);
		const uint8_t *rp = r->p;
		for (uint32_t k = 0; k < nr && !r->err; k++)
			wasm_valtype_read(r);
		CHECK(r);
		t->nparams = np;
		t->nresults = nr;
		t->types = wasm_mod_alloc(m, (size_t)np + nr + 1);
		if (!t->types) { wasm_fail(r, WASM_ERR_NOMEM, "out of memory"); return; }
		memcpy(t->types, pp, np);
		memcpy(t->types + np, rp, nr);
	}
}

static void wasm_sec_import(wasm_module *m, wasm_reader *r)
{
	m->nimports = wasm_u32(r);
	m->imports = wasm_vec(m, r, m->nimports, sizeof(wasm_import_def));
	for (uint32_t i = 0; i < m->nimports && !r->err; i++) {
		wasm_import_def *im = &m->imports[i];
		uint32_t ml = 0, nl = 0;
		im->pub.module = wasm_name_read(m, r, &ml);
		im->pub.name = wasm_name_read(m, r, &nl);
		im->pub.module_len = ml;
		im->pub.name_len = nl;
		uint8_t kind = wasm_u8(r);
		CHECK(r);
		im->pub.kind = (wasm_extern_kind)kind;
		switch (kind) {
		case WASM_EXTERN_FUNC:
			im->of.type = wasm_u32(r);
			if (!r->err && im->of.type >= m->ntypes) {
				wasm_fail(r, WASM_ERR_INVALID, "unknown type");
				return;
			}
			if (!r->err) {
				const wasm_functype *ft = &m->types[im->of.type];
				im->pub.nparams = ft->nparams;
				im->pub.nresults = ft->nresults;
				im->pub.types = ft->types;
			}
			m->nfunc_imports++;
			break;
		case WASM_EXTERN_TABLE:
			im->of.table = wasm_tabletype_read(r);
			im->pub.min = im->of.table.lim.min;
			im->pub.max = im->of.table.lim.max;
			im->pub.valtype = (wasm_valtype)im->of.table.elem;
			m->ntable_imports++;
			break;
		case WASM_EXTERN_MEMORY:
			im->of.mem = wasm_limits_read(r);
			im->pub.min = im->of.mem.min;
			im->pub.max = im->of.mem.max;
			m->nmem_imports++;
			break;
		case WASM_EXTERN_GLOBAL:
			im->of.global = wasm_globaltype_read(r);
			im->pub.valtype = (wasm_valtype)im->of.global.type;
			im->pub.mut = im->of.global.mut;
			m->nglobal_imports++;
			break;
		default:
			wasm_fail(r, WASM_ERR_MALFORMED, "malformed import kind");
		}
	}
}

/* Size the index spaces once imports are known; defined entries follow. */
static void wasm_spaces(wasm_module *m, wasm_reader *r, uint32_t nf,
			uint32_t nt, uint32_t nm, uint32_t ng)
{
	m->nfuncs = m->nfunc_imports + nf;
	m->ntables = m->ntable_imports + nt;
	m->nmems = m->nmem_imports + nm;
	m->nglobals = m->nglobal_imports + ng;
	if (m->nfuncs < nf || m->nglobals < ng) {
		wasm_fail(r, WASM_ERR_MALFORMED, "too many definitions");
		return;
	}
	m->func_types = wasm_mod_alloc(m, ((size_t)m->nfuncs + 1) * 4);
	m->tables = wasm_mod_alloc(m, ((size_t)m->ntables + 1) * sizeof(wasm_tabletype));
	m->mems = wasm_mod_alloc(m, ((size_t)m->nmems + 1) * sizeof(wasm_limits_def));
	m->globals = wasm_mod_alloc(m, ((size_t)m->nglobals + 1) * sizeof(wasm_globaltype));
	m->func_declared = wasm_mod_alloc(m, (size_t)m->nfuncs + 1);
	if (!m->func_types || !m->tables || !m->mems || !m->globals ||
	    !m->func_declared) {
		wasm_fail(r, WASM_ERR_NOMEM, "out of memory");
		return;
	}
	uint32_t f = 0, t = 0, me = 0, g = 0;
	for (uint32_t i = 0; i < m->nimports; i++) {
		wasm_import_def *im = &m->imports[i];
		switch (im->pub.kind) {
		case WASM_EXTERN_FUNC: m->func_types[f++] = im->of.type; break;
		case WASM_EXTERN_TABLE: m->tables[t++] = im->of.table; break;
		case WASM_EXTERN_MEMORY: m->mems[me++] = im->of.mem; break;
		case WASM_EXTERN_GLOBAL: m->globals[g++] = im->of.global; break;
		}
	}
}

static void wasm_sec_function(wasm_module *m, wasm_reader *r, uint32_t *nf)
{
	*nf = wasm_u32(r);
	if (*nf > (size_t)(r->end - r->p)) {
		wasm_fail(r, WASM_ERR_MALFORMED, "unexpected end");
		return;
	}
	wasm_spaces(m, r, *nf, 0, 0, 0);
	for (uint32_t i = 0; i < *nf && !r->err; i++) {
		uint32_t t = wasm_u32(r);
		if (!r->err && t >= m->ntypes)
			wasm_fail(r, WASM_ERR_INVALID, "unknown type");
		m->func_types[m->nfunc_imports + i] = t;
	}
}

/* Later sections grow one index space; reallocate it in place. */
static void *wasm_regrow(wasm_module *m, wasm_reader *r, const void *old,
			 size_t oldn, size_t n, size_t size)
{
	void *p = wasm_mod_alloc(m, (n + 1) * size);
	if (!p) {
		wasm_fail(r, WASM_ERR_NOMEM, "out of memory");
		return NULL;
	}
	if (old)
		memcpy(p, old, oldn * size);
	return p;
}

static void wasm_sec_table(wasm_module *m, wasm_reader *r)
{
	uint32_t n = wasm_u32(r);
	if (n > (size_t)(r->end - r->p)) { wasm_fail(r, WASM_ERR_MALFORMED, "unexpected end"); return; }
	m->tables = wasm_regrow(m, r, m->tables, m->ntable_imports,
				(size_t)m->ntable_imports + n, sizeof(wasm_tabletype));
	for (uint32_t i = 0; i < n && !r->err; i++)
		m->tables[m->ntable_imports + i] = wasm_tabletype_read(r);
	m->ntables = m->ntable_imports + n;
}

static void wasm_sec_memory(wasm_module *m, wasm_reader *r)
{
	uint32_t n = wasm_u32(r);
	if (n > (size_t)(r->end - r->p)) { wasm_fail(r, WASM_ERR_MALFORMED, "unexpected end"); return; }
	m->mems = wasm_regrow(m, r, m->mems, m->nmem_imports,
			      (size_t)m->nmem_imports + n, sizeof(wasm_limits_def));
	for (uint32_t i = 0; i < n && !r->err; i++)
		m->mems[m->nmem_imports + i] = wasm_limits_read(r);
	m->nmems = m->nmem_imports + n;
}

static void wasm_sec_global(wasm_module *m, wasm_reader *r)
{
	uint32_t n = wasm_u32(r);
	if (n > (size_t)(r->end - r->p)) { wasm_fail(r, WASM_ERR_MALFORMED, "unexpected end"); return; }
	m->globals = wasm_regrow(m, r, m->globals, m->nglobal_imports,
				 (size_t)m->nglobal_imports + n, sizeof(wasm_globaltype));
	m->global_inits = wasm_vec(m, r, n, sizeof(wasm_constexpr));
	for (uint32_t i = 0; i < n && !r->err; i++) {
		m->globals[m->nglobal_imports + i] = wasm_globaltype_read(r);
		m->global_inits[i] = wasm_constexpr_read(r);
	}
	m->nglobals = m->nglobal_imports + n;
}

static void wasm_sec_export(wasm_module *m, wasm_reader *r)
{
	m->nexports = wasm_u32(r);
	m->exports = wasm_vec(m, r, m->nexports, sizeof(wasm_export_def));
	for (uint32_t i = 0; i < m->nexports && !r->err; i++) {
		wasm_export_def *e = &m->exports[i];
		e->name = wasm_name_read(m, r, &e->name_len);
		e->kind = wasm_u8(r);
		e->index = wasm_u32(r);
		if (!r->err && e->kind > 3)
			wasm_fail(r, WASM_ERR_MALFORMED, "malformed export kind");
	}
}

static void wasm_elem_funcs(wasm_module *m, wasm_reader *r, wasm_elem_def *e)
{
	e->count = wasm_u32(r);
	e->items = wasm_vec(m, r, e->count, sizeof(wasm_constexpr));
	for (uint32_t k = 0; k < e->count && !r->err; k++) {
		e->items[k].op = 0xd2;
		e->items[k].type = WASM_FUNCREF;
		e->items[k].value = wasm_u32(r);
	}
}

static void wasm_elem_exprs(wasm_module *m, wasm_reader *r, wasm_elem_def *e)
{
	e->count = wasm_u32(r);
	e->items = wasm_vec(m, r, e->count, sizeof(wasm_constexpr));
	for (uint32_t k = 0; k < e->count && !r->err; k++)
		e->items[k] = wasm_constexpr_read(r);
}

static void wasm_elem_read(wasm_module *m, wasm_reader *r, wasm_elem_def *e)
{
	uint32_t flags = wasm_u32(r);
	if (flags > 7) {
		wasm_fail(r, WASM_ERR_MALFORMED, "malformed elements segment kind");
		return;
	}
	e->type = WASM_FUNCREF;
	e->mode = (flags & 1) ? ((flags & 2) ? WASM_SEG_DECLARATIVE : WASM_SEG_PASSIVE)
			      : WASM_SEG_ACTIVE;
	if (e->mode == WASM_SEG_ACTIVE) {
		e->table = (flags & 2) ? wasm_u32(r) : 0;
		e->offset = wasm_constexpr_read(r);
	}
	if (flags & 3) { /* explicit elemkind / reftype */
		if (flags & 4) {
			e->type = wasm_reftype_read(r);
		} else if (wasm_u8(r) != 0x00) {
			wasm_fail(r, WASM_ERR_MALFORMED, "malformed element kind");
			return;
		}
	}
	if (flags & 4)
		wasm_elem_exprs(m, r, e);
	else
		wasm_elem_funcs(m, r, e);
}

static void wasm_sec_elem(wasm_module *m, wasm_reader *r)
{
	m->nelems = wasm_u32(r);
	m->elems = wasm_vec(m, r, m->nelems, sizeof(wasm_elem_def));
	for (uint32_t i = 0; i < m->nelems && !r->err; i++)
		wasm_elem_read(m, r, &m->elems[i]);
}

static void wasm_sec_data(wasm_module *m, wasm_reader *r)
{
	uint32_t n = wasm_u32(r);
	if (m->has_datacount && n != m->ndatas) {
		wasm_fail(r, WASM_ERR_MALFORMED, "data count and data section have inconsistent lengths");
		return;
	}
	m->ndatas = n;
	m->datas = wasm_vec(m, r, n, sizeof(wasm_data_def));
	for (uint32_t i = 0; i < n && !r->err; i++) {
		wasm_data_def *d = &m->datas[i];
		uint32_t flags = wasm_u32(r);
		if (flags > 2) {
			wasm_fail(r, WASM_ERR_MALFORMED, "malformed data segment kind");
			return;
		}
		d->mode = flags == 1 ? WASM_SEG_PASSIVE : WASM_SEG_ACTIVE;
		if (flags == 2)
			d->mem = wasm_u32(r);
		if (flags != 1)
			d->offset = wasm_constexpr_read(r);
		d->len = wasm_u32(r);
		CHECK(r);
		if (d->len > (size_t)(r->end - r->p)) {
			wasm_fail(r, WASM_ERR_MALFORMED, "unexpected end of section or function");
			return;
		}
		uint8_t *b = wasm_mod_alloc(m, d->len);
		if (!b) { wasm_fail(r, WASM_ERR_NOMEM, "out of memory"); return; }
		memcpy(b, r->p, d->len);
		d->bytes = b;
		r->p += d->len;
	}
}

/* C.refs: functions named outside function bodies may be ref.func'd. */
static void wasm_mark_declared(wasm_module *m)
{
	for (uint32_t i = 0; i < m->nglobals - m->nglobal_imports; i++)
		if (m->global_inits[i].op == 0xd2 && m->global_inits[i].value < m->nfuncs)
			m->func_declared[m->global_inits[i].value] = 1;
	for (uint32_t i = 0; i < m->nexports; i++)
		if (m->exports[i].kind == WASM_EXTERN_FUNC && m->exports[i].index < m->nfuncs)
			m->func_declared[m->exports[i].index] = 1;
	for (uint32_t i = 0; i < m->nelems; i++)
		for (uint32_t k = 0; k < m->elems[i].count; k++) {
			wasm_constexpr *e = &m->elems[i].items[k];
			if (e->op == 0xd2 && e->value < m->nfuncs)
				m->func_declared[e->value] = 1;
		}
}

static void wasm_sec_code(wasm_module *m, wasm_reader *r, uint32_t nf)
{
	uint32_t n = wasm_u32(r);
	CHECK(r);
	if (n != nf) {
		wasm_fail(r, WASM_ERR_MALFORMED, "function and code section have inconsistent lengths");
		return;
	}
	m->codes = wasm_vec(m, r, n, sizeof(wasm_code));
	wasm_mark_declared(m);
	for (uint32_t i = 0; i < n && !r->err; i++) {
		uint32_t size = wasm_u32(r);
		CHECK(r);
		if (size > (size_t)(r->end - r->p)) {
			wasm_fail(r, WASM_ERR_MALFORMED, "unexpected end of section or function");
			return;
		}
		const char *why = NULL;
		wasm_result res = wasm_compile(m, m->nfunc_imports + i, r->p,
					       r->p + size, &why);
		if (res != WASM_OK) {
			wasm_fail(r, res, why);
			return;
		}
		r->p += size;
	}
}

/* Rank of each known section id in the mandated order (datacount, id 12,
 * sits between element and code). */
static int wasm_sec_rank(uint8_t id)
{
	static const int8_t rank[13] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10 };
	return id <= 12 ? rank[id] : -1;
}

static void wasm_custom(wasm_module *m, wasm_reader *r)
{
	uint32_t len = 0;
	wasm_name_read(m, r, &len);
	r->p = r->end;
}

static void wasm_section(wasm_module *m, wasm_reader *r, uint8_t id, uint32_t *nf)
{
	switch (id) {
	case 0: wasm_custom(m, r); break;
	case 1: wasm_sec_type(m, r); break;
	case 2: wasm_sec_import(m, r); break;
	case 3: wasm_sec_function(m, r, nf); break;
	case 4: wasm_sec_table(m, r); break;
	case 5: wasm_sec_memory(m, r); break;
	case 6: wasm_sec_global(m, r); break;
	case 7: wasm_sec_export(m, r); break;
	case 8: m->has_start = true; m->start = wasm_u32(r); break;
	case 9: wasm_sec_elem(m, r); break;
	case 10: wasm_sec_code(m, r, *nf); break;
	case 11: wasm_sec_data(m, r); break;
	case 12: m->has_datacount = true; m->ndatas = wasm_u32(r); break;
	}
}

static void wasm_sections(wasm_module *m, wasm_reader *r)
{
	int last = 0;
	uint32_t nf = 0;
	bool spaces = false;
	while (r->p < r->end && !r->err) {
		uint8_t id = wasm_u8(r);
		uint32_t size = wasm_u32(r);
		CHECK(r);
		int rank = wasm_sec_rank(id);
		if (rank < 0) { wasm_fail(r, WASM_ERR_MALFORMED, "malformed section id"); return; }
		if (size > (size_t)(r->end - r->p)) {
			wasm_fail(r, WASM_ERR_MALFORMED, "length out of bounds");
			return;
		}
		if (id != 0) {
			if (rank <= last) { wasm_fail(r, WASM_ERR_MALFORMED, "unexpected content after last section"); return; }
			last = rank;
		}
		if (!spaces && id != 0 && id > 2) {
			/* first section past imports: size the index spaces */
			wasm_spaces(m, r, 0, 0, 0, 0);
			spaces = true;
		}
		wasm_reader sub = { r->p, r->p + size, NULL, WASM_OK };
		wasm_section(m, &sub, id, &nf);
		if (sub.err) { wasm_fail(r, sub.code, sub.err); return; }
		if (sub.p != sub.end) { wasm_fail(r, WASM_ERR_MALFORMED, "section size mismatch"); return; }
		r->p += size;
	}
	if (!spaces)
		wasm_spaces(m, r, 0, 0, 0, 0);
	if (!r->err && nf && !m->codes)
		wasm_fail(r, WASM_ERR_MALFORMED, "function and code section have inconsistent lengths");
	if (!r->err && m->has_datacount && m->ndatas && !m->datas)
		wasm_fail(r, WASM_ERR_MALFORMED, "data count and data section have inconsistent lengths");
	if (!r->err && !m->codes)
		wasm_mark_declared(m);
}

wasm_result wasm_decode(wasm_module *m, const uint8_t *p, size_t len,
			const char **why)
{
	static const uint8_t magic[4] = { 0, 'a', 's', 'm' };
	static const uint8_t version[4] = { 1, 0, 0, 0 };
	wasm_reader r = { p, p + len, NULL, WASM_OK };
	if (len < 4 || memcmp(p, magic, 4) != 0) {
		*why = "magic header not detected";
		return WASM_ERR_MALFORMED;
	}
	if (len < 8 || memcmp(p + 4, version, 4) != 0) {
		*why = "unknown binary version";
		return WASM_ERR_MALFORMED;
	}
	r.p += 8;
	wasm_sections(m, &r);
	if (r.err) {
		*why = r.err;
		return r.code;
	}
	return WASM_OK;
}
