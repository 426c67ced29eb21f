/* Imports a function the kernel does not offer: must fail to link. */
#include "mote.h"

MOTE_IMPORT("no_such_call") int32_t mote_no_such_call(int32_t x);

void mote_start(void)
{
    mote_no_such_call(1);
}

void mote_complete(int64_t token, int32_t result, int32_t value)
{
    (void)token, (void)result, (void)value;
}
