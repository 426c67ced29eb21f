/* mote: a small, defensive flattened-device-tree (DTB) reader.
 *
 * Every FDT platform (arm64, arm32, rv64, rv32) learns its memory, command
 * line and devices from the blob the loader hands over. The blob is outside
 * input: every accessor checks every offset and length against the header's
 * block sizes, so a truncated or corrupt blob yields errors (or "not found"),
 * never a read outside [blob, blob + size). Nothing is allocated and nothing
 * is cached: the blob is walked on each call, which is cheap at boot.
 *
 * Nodes are named by their offset in the structure block (an int >= 0);
 * FDT_NONE (-1) means "no node". Walking is in document order, like libfdt.
 * Property values are big-endian and may be unaligned: read them through
 * fdt_prop_u32()/fdt_reg() rather than by casting.
 *
 * Cost: each lookup is O(size of the structure block). Callable from any
 * context (it only reads the blob).
 */
#ifndef MOTE_FDT_H
#define MOTE_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "mote/kerr.h"

#define FDT_NONE (-1)
#define FDT_MAGIC 0xd00dfeedu
#define FDT_MAX_DEPTH 32 /* deeper trees are rejected as corrupt */

typedef struct fdt {
    const uint8_t *blob;
    uint32_t size;         /* totalsize, <= the caller's bound */
    uint32_t struct_off;   /* structure block */
    uint32_t struct_size;
    uint32_t strings_off;  /* strings block */
    uint32_t strings_size;
    uint32_t rsvmap_off;   /* memory reservation block */
} fdt_t;

/* Check the header of the blob at (blob), of which at most (max) bytes may
 * be read, and fill (f). KERR_CORRUPT if the magic, version or any block
 * lies outside [0, min(totalsize, max)). */
kerr_t fdt_init(fdt_t *f, const void *blob, size_t max);

/* Read only the header's totalsize (at least 40 bytes must be readable),
 * or 0 if the magic is wrong: how much to map or copy before fdt_init. */
uint32_t fdt_total_size(const void *blob);

/* The node after (node) in document order, or FDT_NONE at the end or on a
 * corrupt structure. (node) FDT_NONE starts at the root. When (depth) is
 * not NULL it is updated: the root has depth 0. */
int fdt_next_node(const fdt_t *f, int node, int *depth);

/* The node's name including any unit address ("memory@40000000"; the root
 * is ""), or NULL if (node) is not a valid node. */
const char *fdt_node_name(const fdt_t *f, int node);

/* The parent of (node), FDT_NONE for the root or an invalid node. */
int fdt_parent(const fdt_t *f, int node);

/* The direct child of (parent) called (name). A name without '@' also
 * matches a child with a unit address ("memory" finds "memory@40000000"). */
int fdt_subnode(const fdt_t *f, int parent, const char *name);

/* The node at absolute (path), e.g. "/chosen" or "/soc/uart@1000"; "/" is
 * the root. */
int fdt_path(const fdt_t *f, const char *path);

/* Property (name) of (node): its value, with the length in (*len) if (len)
 * is not NULL; NULL if absent or malformed. */
const void *fdt_prop(const fdt_t *f, int node, const char *name, uint32_t *len);

/* Cell (index) of property (name) of (node) into (*out). KERR_NOT_FOUND if
 * the property is absent or too short. */
kerr_t fdt_prop_u32(const fdt_t *f, int node, const char *name,
                    uint32_t index, uint32_t *out);

/* The property as a NUL-terminated string, or NULL if absent or not
 * terminated inside its value. */
const char *fdt_prop_str(const fdt_t *f, int node, const char *name);

/* True if string list property (name) of (node) contains (str). */
bool fdt_prop_has_str(const fdt_t *f, int node, const char *name,
                      const char *str);

/* The next node after (from) (FDT_NONE: from the start) whose "compatible"
 * list contains (compat), or FDT_NONE. */
int fdt_find_compatible(const fdt_t *f, int from, const char *compat);

/* The next node after (from) whose "device_type" is (type), or FDT_NONE. */
int fdt_find_device_type(const fdt_t *f, int from, const char *type);

/* The node with "phandle" (ph), or FDT_NONE. */
int fdt_find_phandle(const fdt_t *f, uint32_t ph);

/* #address-cells and #size-cells that (node) declares for its children
 * (defaults 2 and 1). Values above 2 (or 3 for the PCI address of a
 * ranges entry) are clamped out by the readers below, not here. */
uint32_t fdt_address_cells(const fdt_t *f, int node);
uint32_t fdt_size_cells(const fdt_t *f, int node);

/* Read a big-endian number of (cells) 32-bit cells (0..2) at (p). */
uint64_t fdt_read_cells(const void *p, uint32_t cells);

/* Entry (index) of (node)'s "reg", interpreted with its parent's cell
 * counts. KERR_NOT_FOUND past the end, KERR_CORRUPT if the cell counts are
 * unusable (more than 2). */
kerr_t fdt_reg(const fdt_t *f, int node, uint32_t index, uint64_t *addr,
               uint64_t *size);
/* fdt_reg when the caller already knows (node)'s (parent) (FDT_NONE for
 * the root): no walk from the root to find it. */
kerr_t fdt_reg_in(const fdt_t *f, int parent, int node, uint32_t index,
                  uint64_t *addr, uint64_t *size);

/* Memory reservation (index) of the header's reservation block.
 * KERR_NOT_FOUND at the terminating entry or past the block. */
kerr_t fdt_mem_rsv(const fdt_t *f, uint32_t index, uint64_t *addr,
                   uint64_t *size);

/* The interrupt parent of (node): its own or an ancestor's
 * "interrupt-parent" phandle resolved, or FDT_NONE. */
int fdt_interrupt_parent(const fdt_t *f, int node);

/* The "/chosen" bootargs, or "" (never NULL). */
const char *fdt_bootargs(const fdt_t *f);

#endif
