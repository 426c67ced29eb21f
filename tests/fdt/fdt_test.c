/* Host tests for platform/shared/fdt.c, built with ASan and UBSan.
 *
 * Usage: fdt_test KIND=FILE...   (KIND: a64, a64v3, a32, rv64, rv32)
 *        fdt_test --seed IN OUT   (IN cut to its used size: a fuzz seed)
 *        fdt_test --dump FILE
 * The DTBs are dumped from QEMU at test time (mk/arm64.mk); each kind has
 * its expected values below. On top of the real blobs, every blob is also
 * truncated and mutated (the parser must fail cleanly: ASan catches any
 * read out of bounds because each case lives in an exactly-sized heap
 * copy), and a small builder makes hand-crafted corrupt blobs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/shared/fdt.h"
#include "platform/shared/fdt_mem.h"
#include "platform/shared/fdt_pci.h"
#include "kernel/kmem.h"
#include "mote/printk.h"

/* fdt_mem.c's dependencies, recorded. */
static uint64_t kmem_ranges[8][2];
static int kmem_n;
void kmem_add(uintptr_t base, size_t size)
{
    if (kmem_n < 8)
        kmem_ranges[kmem_n][0] = base, kmem_ranges[kmem_n][1] = size;
    kmem_n++;
}
void printk(int level, const char *fmt, ...)
{
    (void)level, (void)fmt;
}

static int passed, failed;
static const char *cur_test;
static int cur_bad;

#define CHECK(cond)                                                        \
    do {                                                                   \
        if (!(cond) && !cur_bad++)                                         \
            printf("FAIL %s: %s (line %d)\n", cur_test, #cond, __LINE__);  \
    } while (0)

static void begin(const char *name) { cur_test = name, cur_bad = 0; }
static void end(void)
{
    if (cur_bad)
        failed++;
    else
        passed++, printf("PASS %s\n", cur_test);
}

static uint8_t *load(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    uint8_t *b = malloc((size_t)n);
    if (fread(b, 1, (size_t)n, fp) != (size_t)n)
        n = 0;
    fclose(fp);
    *len = (size_t)n;
    return b;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p) { return (uint32_t)fdt_read_cells(p, 1); }

/* ---- exercising every accessor: used by the robustness tests ---- */

static const char *const names[] = {"compatible", "reg", "interrupts",
                                    "#address-cells", "phandle", "ranges",
                                    "bootargs", "interrupt-map", "status"};

/* Walk every node through every accessor and check the API's promises.
 * Returns the node count. */
static int exercise(const fdt_t *f)
{
    int count = 0, depth = 0, prev = -1;
    for (int n = fdt_next_node(f, FDT_NONE, &depth); n != FDT_NONE;
         n = fdt_next_node(f, n, &depth)) {
        CHECK(n > prev);
        CHECK(depth >= 0 && depth < FDT_MAX_DEPTH);
        CHECK(fdt_node_name(f, n) != NULL);
        prev = n;
        if (++count > 4096)
            break;
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
            uint32_t len = 0, v;
            const uint8_t *p = fdt_prop(f, n, names[i], &len);
            if (p) {
                CHECK(p >= f->blob + f->struct_off);
                CHECK(p + len <= f->blob + f->struct_off + f->struct_size);
                volatile uint8_t sink = 0;
                for (uint32_t k = 0; k < len; k++)
                    sink ^= p[k]; /* ASan checks every byte */
                (void)sink;
            }
            for (uint32_t k = 0; k < 4; k++)
                (void)fdt_prop_u32(f, n, names[i], k, &v);
            (void)fdt_prop_str(f, n, names[i]);
            (void)fdt_prop_has_str(f, n, names[i], "virtio,mmio");
        }
        uint64_t a, s;
        for (uint32_t k = 0; k < 3; k++)
            (void)fdt_reg(f, n, k, &a, &s);
        fdt_pci_host_t h;
        if (fdt_prop_has_str(f, n, "compatible", "pci-host-ecam-generic") &&
            fdt_pci_host(f, n, &h) == KERR_OK) {
            int ctrl;
            uint32_t spec[4], ns;
            for (unsigned pin = 1; pin <= 4; pin++)
                (void)fdt_pci_intx(f, &h, 0, pin, 0, pin, &ctrl, spec, &ns, 4);
        }
        if (count < 64) { /* the quadratic ones on a prefix */
            int par = fdt_parent(f, n);
            CHECK(par == FDT_NONE || par < n);
            (void)fdt_interrupt_parent(f, n);
        }
    }
    (void)fdt_bootargs(f);
    (void)fdt_path(f, "/chosen");
    (void)fdt_path(f, "/cpus/cpu@0");
    (void)fdt_find_compatible(f, FDT_NONE, "arm,pl011");
    (void)fdt_find_device_type(f, FDT_NONE, "memory");
    uint64_t a, s;
    for (uint32_t k = 0; k < 4; k++)
        (void)fdt_mem_rsv(f, k, &a, &s);
    return count;
}

/* fdt_init + exercise on an exactly-sized heap copy of (len) bytes. */
static int try_blob(const uint8_t *src, size_t len)
{
    uint8_t *b = malloc(len ? len : 1);
    memcpy(b, src, len);
    fdt_t f;
    int r = -1;
    if (fdt_init(&f, b, len) == KERR_OK)
        r = exercise(&f);
    free(b);
    return r;
}

/* ---- expected values of the QEMU blobs ---- */

static int count_compat(const fdt_t *f, const char *c)
{
    int n = 0;
    for (int x = fdt_find_compatible(f, FDT_NONE, c); x != FDT_NONE;
         x = fdt_find_compatible(f, x, c))
        n++;
    return n;
}

static void check_reg(const fdt_t *f, int node, uint32_t i, uint64_t base,
                      uint64_t size)
{
    uint64_t a = 0, s = 0;
    CHECK(fdt_reg(f, node, i, &a, &s) == KERR_OK);
    CHECK(a == base);
    CHECK(s == size);
}

static void check_memory(const fdt_t *f, uint64_t base, uint64_t size)
{
    int m = fdt_find_device_type(f, FDT_NONE, "memory");
    CHECK(m != FDT_NONE);
    check_reg(f, m, 0, base, size);
    uint64_t a, s;
    CHECK(fdt_reg(f, m, 1, &a, &s) == KERR_NOT_FOUND);
    CHECK(fdt_subnode(f, fdt_path(f, "/"), "memory") == m);
    CHECK(fdt_mem_rsv(f, 0, &a, &s) == KERR_NOT_FOUND);
}

static void check_arm_common(const fdt_t *f, int nvirtio)
{
    int root = fdt_path(f, "/");
    CHECK(root == fdt_next_node(f, FDT_NONE, NULL));
    CHECK(fdt_node_name(f, root) && fdt_node_name(f, root)[0] == 0);
    CHECK(fdt_address_cells(f, root) == 2 && fdt_size_cells(f, root) == 2);
    int u = fdt_find_compatible(f, FDT_NONE, "arm,pl011");
    check_reg(f, u, 0, 0x09000000, 0x1000);
    const char *out = fdt_prop_str(f, fdt_path(f, "/chosen"), "stdout-path");
    CHECK(out && fdt_path(f, out) == u);
    CHECK(fdt_parent(f, u) == root);
    CHECK(count_compat(f, "virtio,mmio") == nvirtio);
    int v = fdt_find_compatible(f, FDT_NONE, "virtio,mmio");
    uint32_t irq = 0;
    CHECK(fdt_prop_u32(f, v, "interrupts", 1, &irq) == KERR_OK);
    CHECK(irq == 16 + (uint32_t)nvirtio - 1 || irq == 16);
    int gic = fdt_interrupt_parent(f, v);
    CHECK(gic != FDT_NONE);
    CHECK(fdt_prop(f, gic, "interrupt-controller", NULL) != NULL);
    const char *m = fdt_prop_str(f, fdt_path(f, "/psci"), "method");
    CHECK(m && (!strcmp(m, "hvc") || !strcmp(m, "smc")));
    int t = fdt_find_compatible(f, FDT_NONE, "arm,armv7-timer");
    uint32_t ppi = 0;
    CHECK(fdt_prop_u32(f, t, "interrupts", 7, &ppi) == KERR_OK && ppi == 11);
    CHECK(fdt_find_compatible(f, FDT_NONE, "pci-host-ecam-generic") != FDT_NONE);
    CHECK(fdt_path(f, "/cpus/cpu@0") != FDT_NONE);
    CHECK(fdt_path(f, "/cpus/cpu") != FDT_NONE);
    CHECK(fdt_path(f, "/cpus/cpu@1") == FDT_NONE);
    CHECK(fdt_path(f, "/nosuch") == FDT_NONE);
    CHECK(fdt_path(f, "nosuch") == FDT_NONE);
}

/* QEMU virt's PCIe host: windows from "ranges", INTx swizzled over SPIs
 * 3..6 by "interrupt-map": slot s pin p -> SPI 3 + (s + p - 1) % 4. */
static void check_pci(const fdt_t *f, int pci, int gic)
{
    fdt_pci_host_t h;
    CHECK(fdt_pci_host(f, pci, &h) == KERR_OK);
    CHECK(h.ecam == 0x4010000000ull && h.bus_first == 0 && h.bus_last == 255);
    CHECK(h.mem32.cpu == 0x10000000 && h.mem32.pci == 0x10000000 &&
          h.mem32.size == 0x2eff0000);
    CHECK(h.io.cpu == 0x3eff0000 && h.io.pci == 0 && h.io.size == 0x10000);
    CHECK(h.mem64.cpu == 0x8000000000ull && h.mem64.size == 0x8000000000ull);
    for (unsigned slot = 0; slot < 6; slot++) {
        for (unsigned pin = 1; pin <= 4; pin++) {
            int ctrl = -2;
            uint32_t spec[3] = {9, 9, 9}, n = 0;
            CHECK(fdt_pci_intx(f, &h, 0, slot, 0, pin, &ctrl, spec, &n, 3) == KERR_OK);
            CHECK(ctrl == gic && n == 3);
            CHECK(spec[0] == 0 && spec[1] == 3 + (slot + pin - 1) % 4 && spec[2] == 4);
        }
    }
    int ctrl;
    uint32_t spec[3], n;
    CHECK(fdt_pci_intx(f, &h, 0, 1, 0, 1, &ctrl, spec, &n, 2) == KERR_TOO_BIG);
    CHECK(fdt_pci_intx(f, &h, 0, 1, 0, 0, &ctrl, spec, &n, 3) == KERR_NOT_FOUND);
}

/* Free RAM of the a64 blob (256 MiB at 1 GiB) around an image hole, and
 * clipped at a limit. */
static void check_mem(const fdt_t *f)
{
    fdt_mem_range_t hole = {0x40200000, 0x40300000};
    kmem_n = 0;
    fdt_mem_init(f, &hole, 1, 1ull << 40);
    CHECK(kmem_n == 2);
    CHECK(kmem_ranges[0][0] == 0x40000000 && kmem_ranges[0][1] == 0x200000);
    CHECK(kmem_ranges[1][0] == 0x40300000 &&
          kmem_ranges[1][1] == 0x50000000 - 0x40300000);
    kmem_n = 0;
    fdt_mem_init(f, &hole, 1, 0x48000000);
    CHECK(kmem_n == 2 && kmem_ranges[1][1] == 0x48000000 - 0x40300000);
    kmem_n = 0;
    fdt_mem_init(f, NULL, 0, 0x40000000); /* all RAM above the limit */
    CHECK(kmem_n == 0);
}

static void expect(const char *kind, const fdt_t *f)
{
    if (!strcmp(kind, "a64")) {
        check_arm_common(f, 32);
        check_memory(f, 0x40000000, 256u << 20);
        CHECK(!strcmp(fdt_bootargs(f), "foo=bar mote=1"));
        int gic = fdt_find_compatible(f, FDT_NONE, "arm,cortex-a15-gic");
        check_reg(f, gic, 0, 0x08000000, 0x10000);
        check_reg(f, gic, 1, 0x08010000, 0x10000);
        int v = fdt_find_compatible(f, FDT_NONE, "virtio,mmio");
        CHECK(fdt_interrupt_parent(f, v) == gic);
        int pci = fdt_find_compatible(f, FDT_NONE, "pci-host-ecam-generic");
        check_reg(f, pci, 0, 0x4010000000ull, 0x10000000);
        check_pci(f, pci, gic);
        check_mem(f);
    } else if (!strcmp(kind, "a64v3")) {
        check_arm_common(f, 32);
        check_memory(f, 0x40000000, 1u << 30);
        CHECK(!strcmp(fdt_bootargs(f), ""));
        int gic = fdt_find_compatible(f, FDT_NONE, "arm,gic-v3");
        check_reg(f, gic, 0, 0x08000000, 0x10000);
    } else if (!strcmp(kind, "a32")) {
        check_arm_common(f, 32);
        check_memory(f, 0x40000000, 256u << 20);
        int pci = fdt_find_compatible(f, FDT_NONE, "pci-host-ecam-generic");
        check_reg(f, pci, 0, 0x4010000000ull, 0x10000000); /* LPAE: high ECAM */
    } else if (!strcmp(kind, "rv64") || !strcmp(kind, "rv32")) {
        check_memory(f, 0x80000000, (!strcmp(kind, "rv64") ? 256u : 128u) << 20);
        CHECK(count_compat(f, "virtio,mmio") == 8);
        int u = fdt_find_compatible(f, FDT_NONE, "ns16550a");
        check_reg(f, u, 0, 0x10000000, 0x100);
        CHECK(fdt_parent(f, u) == fdt_path(f, "/soc"));
        uint32_t tb = 0;
        CHECK(fdt_prop_u32(f, fdt_path(f, "/cpus"), "timebase-frequency", 0,
                           &tb) == KERR_OK && tb == 10000000);
        int v = fdt_find_compatible(f, FDT_NONE, "virtio,mmio");
        int plic = fdt_interrupt_parent(f, v);
        /* PCI INTx to PLIC sources 32..35 (the PLIC has no address cells). */
        fdt_pci_host_t h;
        int pci = fdt_find_compatible(f, FDT_NONE, "pci-host-ecam-generic");
        CHECK(fdt_pci_host(f, pci, &h) == KERR_OK && h.ecam == 0x30000000);
        CHECK(h.mem32.size && h.mem32.cpu == h.mem32.pci);
        int ctrl;
        uint32_t spec[3] = {0}, n = 0;
        CHECK(fdt_pci_intx(f, &h, 0, 2, 0, 3, &ctrl, spec, &n, 3) == KERR_OK);
        CHECK(ctrl == plic && n == 1 && spec[0] == 32 + (2 + 3 - 1) % 4);
        CHECK(plic != FDT_NONE &&
              (fdt_prop_has_str(f, plic, "compatible", "riscv,plic0") ||
               fdt_prop_has_str(f, plic, "compatible", "sifive,plic-1.0.0")));
    } else {
        CHECK(!"unknown kind");
    }
}

/* ---- robustness over a real blob ---- */

static uint32_t rng_state = 12345;
static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13, rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

/* Size of the meaningful prefix (header through the last block). */
static size_t used_size(const uint8_t *b)
{
    uint32_t so = get32(b + 8), ss = get32(b + 36);
    uint32_t ro = get32(b + 12), rs = get32(b + 32);
    return (so + ss > ro + rs ? so + ss : ro + rs);
}

static void truncations(const uint8_t *b, size_t len)
{
    size_t used = used_size(b), total = get32(b + 4);
    CHECK(used <= total && total <= len);
    /* Claimed size larger than what may be read: rejected. */
    for (size_t k = 1; k < 64; k++)
        CHECK(try_blob(b, total - k) == -1);
    CHECK(try_blob(b, 39) == -1);
    /* Prefixes with a header shrunk to match: the walk must stop cleanly. */
    uint8_t *c = malloc(len);
    memcpy(c, b, len);
    put32(c + 4, (uint32_t)used);
    uint32_t so = get32(b + 8), ss = get32(b + 36);
    uint32_t ro = get32(b + 12), rs = get32(b + 32);
    int full = try_blob(c, used), prev = 0;
    CHECK(full > 0);
    for (size_t l = 40; l <= used; l += 8) {
        put32(c + 4, (uint32_t)l);
        put32(c + 36, l > so ? (uint32_t)(l - so < ss ? l - so : ss) : 0);
        put32(c + 32, l > ro ? (uint32_t)(l - ro < rs ? l - ro : rs) : 0);
        if (so > l)
            put32(c + 8, (uint32_t)l & ~3u);
        int n = try_blob(c, l);
        CHECK(n <= full);
        if (l > so + ss && l > ro + rs)
            CHECK(n == full);
        (void)prev;
    }
    free(c);
}

static void mutations(const uint8_t *b, size_t len, int rounds)
{
    size_t used = used_size(b);
    uint8_t *c = malloc(used);
    for (int r = 0; r < rounds; r++) {
        memcpy(c, b, used);
        put32(c + 4, (uint32_t)used);
        int flips = 1 + (int)(rnd() % 8);
        for (int i = 0; i < flips; i++) {
            size_t at = rnd() % used;
            if (rnd() % 4 == 0)
                at = 40 + rnd() % 64; /* the header and the first tokens */
            c[at % used] = (uint8_t)rnd();
        }
        try_blob(c, used);
    }
    free(c);
    (void)len;
}

/* ---- hand-built blobs ---- */

typedef struct {
    uint8_t s[4096], str[512];
    uint32_t ns, nstr;
} builder_t;

static void b_u32(builder_t *b, uint32_t v) { put32(b->s + b->ns, v), b->ns += 4; }
static void b_node(builder_t *b, const char *name)
{
    b_u32(b, 1);
    size_t n = strlen(name) + 1;
    memset(b->s + b->ns, 0, (n + 3) & ~3u);
    memcpy(b->s + b->ns, name, n);
    b->ns += (uint32_t)((n + 3) & ~3u);
}
static void b_prop(builder_t *b, const char *name, const void *v, uint32_t len)
{
    uint32_t off = b->nstr;
    memcpy(b->str + b->nstr, name, strlen(name) + 1);
    b->nstr += (uint32_t)strlen(name) + 1;
    b_u32(b, 3), b_u32(b, len), b_u32(b, off);
    memset(b->s + b->ns, 0, (len + 3) & ~3u);
    memcpy(b->s + b->ns, v, len);
    b->ns += (len + 3) & ~3u;
}
static void b_cells(builder_t *b, const char *name, int n, const uint32_t *v)
{
    uint8_t tmp[64];
    for (int i = 0; i < n; i++)
        put32(tmp + 4 * i, v[i]);
    b_prop(b, name, tmp, 4u * (uint32_t)n);
}
/* Blob: header, empty reservation map, structure, strings. */
static size_t b_finish(builder_t *b, uint8_t *out)
{
    uint32_t so = 56, ro = so + b->ns;
    memset(out, 0, 56);
    put32(out, FDT_MAGIC), put32(out + 4, ro + b->nstr), put32(out + 8, so);
    put32(out + 12, ro), put32(out + 16, 40), put32(out + 20, 17);
    put32(out + 24, 16), put32(out + 32, b->nstr), put32(out + 36, b->ns);
    memcpy(out + so, b->s, b->ns);
    memcpy(out + ro, b->str, b->nstr);
    return ro + b->nstr;
}

static void crafted(void)
{
    static builder_t bb;
    static uint8_t blob[8192];
    builder_t *b = &bb;
    memset(b, 0, sizeof *b);
    uint32_t two = 2, one = 1, three = 3;
    b_u32(b, 4); /* NOP before the root */
    b_node(b, "");
    b_cells(b, "#address-cells", 1, &two);
    b_cells(b, "#size-cells", 1, &one);
    b_node(b, "a@10");
    uint32_t reg[] = {0x1, 0x10, 0x20, 0, 0x30, 0x40};
    b_cells(b, "reg", 6, reg);
    b_u32(b, 4); /* NOP between properties */
    b_prop(b, "compatible", "x,one\0x,two", 12);
    b_prop(b, "nonterm", "abc", 3);
    b_node(b, "deep");
    b_cells(b, "#address-cells", 1, &three);
    b_node(b, "leaf");
    b_cells(b, "reg", 4, reg);
    b_u32(b, 2), b_u32(b, 2), b_u32(b, 2); /* leaf, deep, a@10 */
    b_node(b, "a");
    b_u32(b, 2), b_u32(b, 2), b_u32(b, 9);
    size_t n = b_finish(b, blob);

    begin("crafted: well-formed walk");
    fdt_t f;
    CHECK(fdt_init(&f, blob, n) == KERR_OK);
    CHECK(exercise(&f) == 5);
    int a = fdt_path(&f, "/a@10");
    CHECK(a != FDT_NONE && fdt_path(&f, "/a") == a); /* first match */
    CHECK(fdt_subnode(&f, fdt_path(&f, "/"), "a@11") == FDT_NONE);
    uint64_t x, y;
    CHECK(fdt_reg(&f, a, 1, &x, &y) == KERR_OK && x == 0x30 && y == 0x40);
    CHECK(fdt_reg(&f, a, 0, &x, &y) == KERR_OK && x == 0x100000010ull && y == 0x20);
    CHECK(fdt_reg(&f, a, 2, &x, &y) == KERR_NOT_FOUND);
    CHECK(fdt_prop_has_str(&f, a, "compatible", "x,two"));
    CHECK(!fdt_prop_has_str(&f, a, "compatible", "x,thr"));
    CHECK(!fdt_prop_has_str(&f, a, "nonterm", "abc"));
    CHECK(fdt_prop_str(&f, a, "nonterm") == NULL);
    CHECK(fdt_find_compatible(&f, FDT_NONE, "x,two") == a);
    CHECK(fdt_find_compatible(&f, a, "x,two") == FDT_NONE);
    int leaf = fdt_path(&f, "/a@10/deep/leaf");
    CHECK(leaf != FDT_NONE);
    CHECK(fdt_reg(&f, leaf, 0, &x, &y) == KERR_CORRUPT); /* 3 cells */
    CHECK(fdt_parent(&f, leaf) == fdt_path(&f, "/a@10/deep"));
    CHECK(fdt_path(&f, "/a@10/deep/leaf/") == leaf);
    CHECK(!strcmp(fdt_bootargs(&f), ""));
    end();

    begin("crafted: every truncation and corruption of a small blob");
    uint8_t *c = malloc(n);
    for (size_t l = 0; l < n; l++)
        CHECK(try_blob(blob, l) == -1); /* totalsize > bound */
    for (size_t at = 0; at < n; at++) {
        for (int v = 0; v < 256; v += 17) {
            memcpy(c, blob, n);
            c[at] = (uint8_t)v;
            int r = try_blob(c, n);
            CHECK(r <= 5);
        }
    }
    free(c);
    end();

    begin("crafted: nesting deeper than FDT_MAX_DEPTH stops the walk");
    memset(b, 0, sizeof *b);
    for (int i = 0; i < FDT_MAX_DEPTH + 4; i++)
        b_node(b, "n");
    for (int i = 0; i < FDT_MAX_DEPTH + 4; i++)
        b_u32(b, 2);
    b_u32(b, 9);
    n = b_finish(b, blob);
    CHECK(fdt_init(&f, blob, n) == KERR_OK);
    CHECK(exercise(&f) == FDT_MAX_DEPTH);
    end();

    begin("crafted: bad headers are rejected");
    memset(b, 0, sizeof *b);
    b_node(b, "");
    b_u32(b, 2), b_u32(b, 9);
    n = b_finish(b, blob);
    CHECK(fdt_init(&f, blob, n) == KERR_OK);
    memcpy(c = malloc(n), blob, n);
    put32(c + 20, 16); /* version */
    CHECK(fdt_init(&f, c, n) == KERR_CORRUPT);
    memcpy(c, blob, n), put32(c + 8, 57); /* misaligned structure */
    CHECK(fdt_init(&f, c, n) == KERR_CORRUPT);
    memcpy(c, blob, n), put32(c + 36, 0xfffffff0u); /* huge structure */
    CHECK(fdt_init(&f, c, n) == KERR_CORRUPT);
    memcpy(c, blob, n), put32(c + 12, 0xfffffff0u); /* strings outside */
    CHECK(fdt_init(&f, c, n) == KERR_CORRUPT);
    memcpy(c, blob, n), put32(c + 16, 4); /* rsvmap in the header */
    CHECK(fdt_init(&f, c, n) == KERR_CORRUPT);
    memcpy(c, blob, n), c[0] = 0;
    CHECK(fdt_init(&f, c, n) == KERR_CORRUPT && fdt_total_size(c) == 0);
    CHECK(fdt_init(&f, NULL, n) == KERR_CORRUPT);
    free(c);
    end();
}

static void dump(const fdt_t *f)
{
    int d = 0;
    for (int n = fdt_next_node(f, FDT_NONE, &d); n != FDT_NONE;
         n = fdt_next_node(f, n, &d)) {
        printf("%*s%s", 2 * d, "", fdt_node_name(f, n));
        const char *c = fdt_prop_str(f, n, "compatible");
        uint64_t a, s;
        if (c)
            printf("  [%s]", c);
        if (fdt_reg(f, n, 0, &a, &s) == KERR_OK)
            printf("  reg %#llx+%#llx", (unsigned long long)a,
                   (unsigned long long)s);
        printf("\n");
    }
}

/* Write (in) cut to its used prefix, totalsize patched: a fuzzing seed. */
static int seed(const char *in, const char *out)
{
    size_t len;
    uint8_t *b = load(in, &len);
    if (!b || len < 40 || get32(b) != FDT_MAGIC || used_size(b) > len)
        return 1;
    size_t used = used_size(b);
    put32(b + 4, (uint32_t)used);
    FILE *fp = fopen(out, "wb");
    int bad = !fp || fwrite(b, 1, used, fp) != used;
    if (fp)
        fclose(fp);
    free(b);
    return bad;
}

int main(int argc, char **argv)
{
    if (argc == 4 && !strcmp(argv[1], "--seed"))
        return seed(argv[2], argv[3]);
    if (argc == 3 && !strcmp(argv[1], "--dump")) {
        size_t len;
        uint8_t *b = load(argv[2], &len);
        fdt_t f;
        if (!b || fdt_init(&f, b, len))
            return 1;
        dump(&f);
        return 0;
    }
    crafted();
    for (int i = 1; i < argc; i++) {
        char kind[16] = {0}, name[64];
        const char *eq = strchr(argv[i], '=');
        if (!eq || eq - argv[i] >= (long)sizeof kind)
            continue;
        memcpy(kind, argv[i], (size_t)(eq - argv[i]));
        size_t len = 0;
        uint8_t *b = load(eq + 1, &len);
        fdt_t f;
        snprintf(name, sizeof name, "%s: qemu blob values", kind);
        begin(name);
        CHECK(b && fdt_init(&f, b, len) == KERR_OK);
        if (!cur_bad)
            expect(kind, &f);
        end();
        if (!b)
            continue;
        snprintf(name, sizeof name, "%s: truncations", kind);
        begin(name);
        truncations(b, len);
        end();
        snprintf(name, sizeof name, "%s: random mutations", kind);
        begin(name);
        mutations(b, len, 1500);
        end();
        free(b);
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
