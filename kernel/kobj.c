/* Reference-counted kernel objects; see mote/kobj.h. */
#include "mote/kobj.h"
#include "mote/printk.h"

void kobj_init(kobj_t *o, kobj_type_t type, void (*release)(kobj_t *o))
{
    o->type = (uint16_t)type;
    o->refs = 1;
    o->release = release;
}

kobj_t *kobj_ref(kobj_t *o)
{
    if (o->refs == UINT16_MAX)
        kpanic("kobj %p: reference count overflow", (void *)o);
    o->refs++;
    return o;
}

void kobj_unref(kobj_t *o)
{
    KASSERT(o->refs > 0);
    if (--o->refs == 0 && o->release)
        o->release(o);
}
