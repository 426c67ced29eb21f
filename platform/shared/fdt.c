/* mote: flattened-device-tree reader (see fdt.h).
 *
 * The blob is untrusted. Three rules keep every read in bounds:
 *  - fdt_init checks that the structure, strings and reservation blocks lie
 *    inside totalsize, and that totalsize fits the caller's bound;
 *  - every structure-block read goes through tok(), which checks
 *    offset + 4 <= struct_size; names are NUL-searched only up to the end
 *    of their block; property lengths are checked against what remains;
 *  - walks only move forward (offsets strictly increase), so a corrupt
 *    blob cannot make a loop spin.
 * Values are read byte by byte: the blob may sit at any alignment.
 */
#include "platform/shared/fdt.h"

enum {
    TOK_BEGIN_NODE = 1,
    TOK_END_NODE = 2,
    TOK_PROP = 3,
    TOK_NOP = 4,
    TOK_END = 9,
};

#define HDR_SIZE 40u
#define BAD 0xffffffffu /* tok() result for an offset out of bounds */

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           (uint32_t)p[3];
}

uint64_t fdt_read_cells(const void *p, uint32_t cells)
{
    const uint8_t *b = p;
    uint64_t v = 0;
    for (uint32_t i = 0; i < cells && i < 2; i++)
        v = v << 32 | be32(b + 4 * i);
    return v;
}

uint32_t fdt_total_size(const void *blob)
{
    const uint8_t *b = blob;
    return be32(b) == FDT_MAGIC ? be32(b + 4) : 0;
}

kerr_t fdt_init(fdt_t *f, const void *blob, size_t max)
{
    const uint8_t *b = blob;
    if (!b || max < HDR_SIZE || be32(b) != FDT_MAGIC)
        return KERR_CORRUPT;
    uint32_t total = be32(b + 4);
    uint32_t so = be32(b + 8), stro = be32(b + 12), rsv = be32(b + 16);
    uint32_t version = be32(b + 20), last_comp = be32(b + 24);
    uint32_t strsz = be32(b + 32), structsz = be32(b + 36);
    if (total < HDR_SIZE || total > max || version < 17 || last_comp > 17)
        return KERR_CORRUPT;
    if (so > total || structsz > total - so || so % 4)
        return KERR_CORRUPT;
    if (stro > total || strsz > total - stro)
        return KERR_CORRUPT;
    if (rsv > total || rsv % 8 || rsv < HDR_SIZE)
        return KERR_CORRUPT;
    f->blob = b;
    f->size = total;
    f->struct_off = so;
    f->struct_size = structsz;
    f->strings_off = stro;
    f->strings_size = strsz;
    f->rsvmap_off = rsv;
    return KERR_OK;
}

/* The token at structure offset (off), or BAD past the block. */
static uint32_t tok(const fdt_t *f, uint32_t off)
{
    if (off % 4 || off > f->struct_size || f->struct_size - off < 4)
        return BAD;
    return be32(f->blob + f->struct_off + off);
}

/* Length of the NUL-terminated string at (off) within a block of (size)
 * bytes starting at (base), or -1 if it runs off the block. */
static long str_len(const uint8_t *base, uint32_t size, uint32_t off)
{
    for (uint32_t i = off; i < size; i++)
        if (base[i] == 0)
            return (long)(i - off);
    return -1;
}

static uint32_t align4(uint32_t x) { return (x + 3u) & ~3u; }

/* Offset just past the BEGIN_NODE token and name at (node), or BAD. */
static uint32_t after_name(const fdt_t *f, int node)
{
    if (node < 0 || tok(f, (uint32_t)node) != TOK_BEGIN_NODE)
        return BAD;
    uint32_t off = (uint32_t)node + 4;
    long n = str_len(f->blob + f->struct_off, f->struct_size, off);
    if (n < 0)
        return BAD;
    uint32_t next = align4(off + (uint32_t)n + 1);
    return next > off ? next : BAD;
}

/* Offset of the token after the property at (off), or BAD. */
static uint32_t after_prop(const fdt_t *f, uint32_t off)
{
    if (off > f->struct_size || f->struct_size - off < 12)
        return BAD;
    uint32_t len = be32(f->blob + f->struct_off + off + 4);
    if (len > f->struct_size - off - 12)
        return BAD;
    uint32_t next = align4(off + 12 + len);
    return next > off ? next : BAD;
}

const char *fdt_node_name(const fdt_t *f, int node)
{
    if (after_name(f, node) == BAD)
        return NULL;
    return (const char *)f->blob + f->struct_off + (uint32_t)node + 4;
}

int fdt_next_node(const fdt_t *f, int node, int *depth)
{
    /* (d) is the depth of the last node entered; without (depth) the
     * caller's depth is unknown, so only the structure is checked. */
    int d = depth ? *depth : FDT_MAX_DEPTH;
    uint32_t off = after_name(f, node);
    if (node == FDT_NONE) {
        d = -1;
        off = 0;
    }
    for (;;) {
        uint32_t t = tok(f, off);
        if (t == TOK_BEGIN_NODE) {
            if (after_name(f, (int)off) == BAD || off > 0x7fffffffu ||
                (depth && d + 1 >= FDT_MAX_DEPTH))
                return FDT_NONE;
            if (depth)
                *depth = d + 1;
            return (int)off;
        } else if (t == TOK_PROP) {
            off = after_prop(f, off);
        } else if (t == TOK_NOP) {
            off += 4;
        } else if (t == TOK_END_NODE) {
            if (--d < -1 && depth)
                return FDT_NONE;
            off += 4;
        } else {
            return FDT_NONE; /* TOK_END, BAD or garbage */
        }
    }
}

int fdt_parent(const fdt_t *f, int node)
{
    int stack[FDT_MAX_DEPTH];
    int d = 0;
    for (int n = fdt_next_node(f, FDT_NONE, &d); n != FDT_NONE;
         n = fdt_next_node(f, n, &d)) {
        if (d < 0 || d >= FDT_MAX_DEPTH)
            return FDT_NONE;
        stack[d] = n;
        if (n == node)
            return d > 0 ? stack[d - 1] : FDT_NONE;
        if (n > node)
            break;
    }
    return FDT_NONE;
}

/* Does node name (name) match path component (c, len n)? */
static bool name_match(const char *name, const char *c, size_t n)
{
    size_t i = 0;
    bool has_at = false;
    for (; i < n; i++) {
        if (name[i] != c[i])
            return false;
        has_at |= c[i] == '@';
    }
    return name[n] == 0 || (!has_at && name[n] == '@');
}

static int subnode_n(const fdt_t *f, int parent, const char *c, size_t n)
{
    int d = 0;
    int node = fdt_next_node(f, parent, &d);
    while (node != FDT_NONE && d > 0) {
        if (d == 1 && name_match(fdt_node_name(f, node), c, n))
            return node;
        node = fdt_next_node(f, node, &d);
    }
    return FDT_NONE;
}

int fdt_subnode(const fdt_t *f, int parent, const char *name)
{
    size_t n = 0;
    while (name[n])
        n++;
    return subnode_n(f, parent, name, n);
}

int fdt_path(const fdt_t *f, const char *path)
{
    if (path[0] != '/')
        return FDT_NONE;
    int node = fdt_next_node(f, FDT_NONE, NULL);
    const char *p = path;
    while (node != FDT_NONE) {
        while (*p == '/')
            p++;
        if (!*p)
            return node;
        size_t n = 0;
        while (p[n] && p[n] != '/')
            n++;
        node = subnode_n(f, node, p, n);
        p += n;
    }
    return FDT_NONE;
}

static bool str_eq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

const void *fdt_prop(const fdt_t *f, int node, const char *name, uint32_t *len)
{
    uint32_t off = after_name(f, node);
    const uint8_t *strs = f->blob + f->strings_off;
    for (;;) {
        uint32_t t = tok(f, off);
        if (t == TOK_NOP) {
            off += 4;
            continue;
        }
        if (t != TOK_PROP)
            return NULL;
        uint32_t next = after_prop(f, off);
        if (next == BAD)
            return NULL;
        const uint8_t *p = f->blob + f->struct_off + off;
        uint32_t nameoff = be32(p + 8);
        if (str_len(strs, f->strings_size, nameoff) >= 0 &&
            str_eq((const char *)strs + nameoff, name)) {
            if (len)
                *len = be32(p + 4);
            return p + 12;
        }
        off = next;
    }
}

kerr_t fdt_prop_u32(const fdt_t *f, int node, const char *name,
                    uint32_t index, uint32_t *out)
{
    uint32_t len;
    const uint8_t *p = fdt_prop(f, node, name, &len);
    if (!p || index >= len / 4)
        return KERR_NOT_FOUND;
    *out = be32(p + 4 * index);
    return KERR_OK;
}

const char *fdt_prop_str(const fdt_t *f, int node, const char *name)
{
    uint32_t len;
    const char *p = fdt_prop(f, node, name, &len);
    if (!p || len == 0 || p[len - 1] != 0)
        return NULL;
    return p;
}

bool fdt_prop_has_str(const fdt_t *f, int node, const char *name,
                      const char *str)
{
    uint32_t len;
    const char *p = fdt_prop(f, node, name, &len);
    if (!p)
        return false;
    for (uint32_t i = 0; i < len;) {
        long n = str_len((const uint8_t *)p, len, i);
        if (n < 0)
            return false;
        if (str_eq(p + i, str))
            return true;
        i += (uint32_t)n + 1;
    }
    return false;
}

int fdt_find_compatible(const fdt_t *f, int from, const char *compat)
{
    for (int n = fdt_next_node(f, from, NULL); n != FDT_NONE;
         n = fdt_next_node(f, n, NULL))
        if (fdt_prop_has_str(f, n, "compatible", compat))
            return n;
    return FDT_NONE;
}

int fdt_find_device_type(const fdt_t *f, int from, const char *type)
{
    for (int n = fdt_next_node(f, from, NULL); n != FDT_NONE;
         n = fdt_next_node(f, n, NULL)) {
        const char *t = fdt_prop_str(f, n, "device_type");
        if (t && str_eq(t, type))
            return n;
    }
    return FDT_NONE;
}

int fdt_find_phandle(const fdt_t *f, uint32_t ph)
{
    for (int n = fdt_next_node(f, FDT_NONE, NULL); n != FDT_NONE;
         n = fdt_next_node(f, n, NULL)) {
        uint32_t v;
        if ((fdt_prop_u32(f, n, "phandle", 0, &v) == KERR_OK ||
             fdt_prop_u32(f, n, "linux,phandle", 0, &v) == KERR_OK) &&
            v == ph)
            return n;
    }
    return FDT_NONE;
}

uint32_t fdt_address_cells(const fdt_t *f, int node)
{
    uint32_t v;
    return fdt_prop_u32(f, node, "#address-cells", 0, &v) ? 2 : v;
}

uint32_t fdt_size_cells(const fdt_t *f, int node)
{
    uint32_t v;
    return fdt_prop_u32(f, node, "#size-cells", 0, &v) ? 1 : v;
}

kerr_t fdt_reg(const fdt_t *f, int node, uint32_t index, uint64_t *addr,
               uint64_t *size)
{
    return fdt_reg_in(f, fdt_parent(f, node), node, index, addr, size);
}

kerr_t fdt_reg_in(const fdt_t *f, int parent, int node, uint32_t index,
                  uint64_t *addr, uint64_t *size)
{
    if (parent == FDT_NONE)
        parent = node; /* the root's own cells */
    uint32_t ac = fdt_address_cells(f, parent);
    uint32_t sc = fdt_size_cells(f, parent);
    if (ac > 2 || sc > 2)
        return KERR_CORRUPT;
    uint32_t len;
    const uint8_t *p = fdt_prop(f, node, "reg", &len);
    uint32_t entry = (ac + sc) * 4;
    if (!p || entry == 0 || index >= len / entry)
        return KERR_NOT_FOUND;
    p += index * entry;
    *addr = fdt_read_cells(p, ac);
    *size = fdt_read_cells(p + 4 * ac, sc);
    return KERR_OK;
}

kerr_t fdt_mem_rsv(const fdt_t *f, uint32_t index, uint64_t *addr,
                   uint64_t *size)
{
    uint32_t room = (f->size - f->rsvmap_off) / 16;
    if (index >= room)
        return KERR_NOT_FOUND;
    for (uint32_t i = 0; i <= index; i++) {
        const uint8_t *p = f->blob + f->rsvmap_off + 16 * i;
        *addr = fdt_read_cells(p, 2);
        *size = fdt_read_cells(p + 8, 2);
        if (*addr == 0 && *size == 0)
            return KERR_NOT_FOUND;
    }
    return KERR_OK;
}

int fdt_interrupt_parent(const fdt_t *f, int node)
{
    for (int i = 0; node != FDT_NONE && i < FDT_MAX_DEPTH; i++) {
        uint32_t ph;
        if (fdt_prop_u32(f, node, "interrupt-parent", 0, &ph) == KERR_OK)
            return fdt_find_phandle(f, ph);
        node = fdt_parent(f, node);
    }
    return FDT_NONE;
}

const char *fdt_bootargs(const fdt_t *f)
{
    const char *s = fdt_prop_str(f, fdt_path(f, "/chosen"), "bootargs");
    return s ? s : "";
}
