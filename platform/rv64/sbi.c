/* mote rv64: SBI calls (see sbi.h). */
#include "platform/rv64/sbi.h"

sbi_ret_t sbi_call(unsigned long eid, unsigned long fid, unsigned long a0,
                   unsigned long a1, unsigned long a2)
{
    register unsigned long r0 __asm__("a0") = a0;
    register unsigned long r1 __asm__("a1") = a1;
    register unsigned long r2 __asm__("a2") = a2;
    register unsigned long r6 __asm__("a6") = fid;
    register unsigned long r7 __asm__("a7") = eid;
    __asm__ volatile("ecall"
                     : "+r"(r0), "+r"(r1)
                     : "r"(r2), "r"(r6), "r"(r7)
                     : "memory");
    return (sbi_ret_t){(long)r0, (long)r1};
}

int sbi_has(unsigned long eid)
{
    sbi_ret_t r = sbi_call(SBI_EXT_BASE, 3 /* probe_extension */, eid, 0, 0);
    return r.error == 0 && r.value != 0;
}
