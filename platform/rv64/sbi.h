/* mote rv64: calls into the SBI firmware (OpenSBI) below the S-mode
 * kernel, per the RISC-V SBI specification v1.0 (ecall with the
 * extension id in a7, the function id in a6). */
#ifndef MOTE_RV64_SBI_H
#define MOTE_RV64_SBI_H

#include <stdint.h>

#define SBI_EXT_BASE 0x10
#define SBI_EXT_TIME 0x54494d45u /* "TIME" */
#define SBI_EXT_SRST 0x53525354u /* "SRST" */

typedef struct sbi_ret {
    long error; /* 0 = SBI_SUCCESS, negative = SBI_ERR_* */
    long value;
} sbi_ret_t;

/* Call function (fid) of extension (eid) with up to three arguments. */
sbi_ret_t sbi_call(unsigned long eid, unsigned long fid, unsigned long a0,
                   unsigned long a1, unsigned long a2);

/* True if the firmware implements extension (eid) (base extension's
 * probe_extension). */
int sbi_has(unsigned long eid);

#endif
