#include "mote/kerr.h"

static const char *const names[KERR__COUNT] = {
    [KERR_OK] = "KERR_OK",
    [KERR_INVALID] = "KERR_INVALID",
    [KERR_BUSY] = "KERR_BUSY",
    [KERR_TIMEOUT] = "KERR_TIMEOUT",
    [KERR_CANCELLED] = "KERR_CANCELLED",
    [KERR_NO_DEVICE] = "KERR_NO_DEVICE",
    [KERR_IO] = "KERR_IO",
    [KERR_NOMEM] = "KERR_NOMEM",
    [KERR_READ_ONLY] = "KERR_READ_ONLY",
    [KERR_NOT_FOUND] = "KERR_NOT_FOUND",
    [KERR_AGAIN] = "KERR_AGAIN",
    [KERR_CORRUPT] = "KERR_CORRUPT",
    [KERR_TOO_BIG] = "KERR_TOO_BIG",
    [KERR_UNREACHABLE] = "KERR_UNREACHABLE",
    [KERR_DENIED] = "KERR_DENIED",
    [KERR_REFUSED] = "KERR_REFUSED",
    [KERR_RESET] = "KERR_RESET",
    [KERR_CLOSED] = "KERR_CLOSED",
};

const char *kerr_str(kerr_t err)
{
    if ((unsigned)err < KERR__COUNT && names[err])
        return names[err];
    return "KERR_?";
}
