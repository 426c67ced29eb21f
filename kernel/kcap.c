/* Capability handle tables; see mote/kcap.h.
 *
 * A handle packs the slot index and the slot's generation:
 *   handle = (gen << 8) | (index + 1)        (index < KCAP_SLOTS <= 255)
 * so 0 is never valid, and a handle kept after its slot was closed and
 * reused no longer matches the generation. Generations are 15 bits, so
 * a handle value stays positive.
 */
#include "lib/kstring.h"
#include "mote/kcap.h"

#define GEN_MASK 0x7fffu

void kcap_table_init(kcap_table_t *t)
{
    memset(t, 0, sizeof *t);
}

static kcap_handle_t make(const kcap_table_t *t, unsigned i)
{
    return (kcap_handle_t)(((uint32_t)t->slot[i].gen << 8) | (i + 1));
}

/* The live slot (h) names, or NULL. */
static kcap_slot_t *slot_of(const kcap_table_t *t, kcap_handle_t h)
{
    if (h <= 0)
        return NULL;
    uint32_t idx = ((uint32_t)h & 0xff) - 1, gen = (uint32_t)h >> 8;
    if (idx >= KCAP_SLOTS)
        return NULL;
    kcap_slot_t *s = (kcap_slot_t *)(uintptr_t)&t->slot[idx];
    if (!s->obj || s->gen != gen)
        return NULL;
    return s;
}

kerr_t kcap_install(kcap_table_t *t, kobj_t *obj, uint32_t rights,
                    kcap_handle_t *out)
{
    for (unsigned i = 0; i < KCAP_SLOTS; i++) {
        if (t->slot[i].obj)
            continue;
        t->slot[i].obj = obj;
        t->slot[i].rights = rights & KCAP_ALL;
        *out = make(t, i);
        return KERR_OK;
    }
    return KERR_NOMEM;
}

kerr_t kcap_get(const kcap_table_t *t, kcap_handle_t h, kobj_type_t type,
                uint32_t need, kobj_t **obj, uint32_t *rights)
{
    kcap_slot_t *s = slot_of(t, h);
    if (!s || (type != KOBJ_NONE && s->obj->type != type))
        return KERR_INVALID;
    if ((s->rights & need) != need)
        return KERR_DENIED;
    *obj = s->obj;
    if (rights)
        *rights = s->rights;
    return KERR_OK;
}

kerr_t kcap_dup(kcap_table_t *t, kcap_handle_t h, uint32_t rights,
                kcap_handle_t *out)
{
    kobj_t *o;
    uint32_t have;
    kerr_t err = kcap_get(t, h, KOBJ_NONE, KCAP_DUPLICATE, &o, &have);
    if (err)
        return err;
    if (rights & ~have)
        return KERR_DENIED; /* duplicates may only lose rights */
    err = kcap_install(t, kobj_ref(o), rights, out);
    if (err)
        kobj_unref(o);
    return err;
}

static void clear(kcap_slot_t *s)
{
    s->obj = NULL;
    s->rights = 0;
    s->gen = (uint16_t)((s->gen + 1) & GEN_MASK);
}

kerr_t kcap_take(kcap_table_t *t, kcap_handle_t h, kobj_t **obj,
                 uint32_t *rights)
{
    kerr_t err = kcap_get(t, h, KOBJ_NONE, KCAP_TRANSFER, obj, rights);
    if (err)
        return err;
    clear(slot_of(t, h));
    return KERR_OK;
}

kerr_t kcap_close(kcap_table_t *t, kcap_handle_t h)
{
    kcap_slot_t *s = slot_of(t, h);
    if (!s)
        return KERR_INVALID;
    kobj_t *o = s->obj;
    clear(s);
    kobj_unref(o); /* last: release may run arbitrary close logic */
    return KERR_OK;
}

void kcap_table_close_all(kcap_table_t *t)
{
    for (unsigned i = 0; i < KCAP_SLOTS; i++) {
        kobj_t *o = t->slot[i].obj;
        if (o) {
            clear(&t->slot[i]);
            kobj_unref(o);
        }
    }
}
