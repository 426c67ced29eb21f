/* mote riscv: reading the FDT's ISA string (see riscv.h). Pure code, also
 * built into the host tests. */
#include "platform/riscv/riscv.h"

bool riscv_isa_has(const char *isa, const char *ext)
{
    for (const char *p = isa; p && *p; p++) {
        if (*p != '_')
            continue;
        const char *a = p + 1, *b = ext;
        while (*b && *a == *b)
            a++, b++;
        if (!*b && (*a == '_' || *a == 0))
            return true;
    }
    return false;
}
