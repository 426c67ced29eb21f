/* mote arm32: the ARM run-time ABI helpers clang calls (RTABI, "Run-time
 * ABI for the ARM Architecture"), as thin wrappers over lib/rt (64-bit
 * division) and lib/mem.c (memcpy & co.). 32-bit division needs none:
 * Cortex-A15 has sdiv/udiv. Each helper sits in its own section so the
 * linker drops the unused ones.
 */
    .syntax unified
    .arm

.macro helper name
    .section .text.\name, "ax"
    .balign 4                       @ A32 code: a section is byte-aligned
    .global \name
    .type \name, %function
\name:
.endm

/* Every entry point is typed %function: only then does the linker know
 * it is A32 code and turn the callers' T32 `bl` into `blx`. */
.macro alias name
    .global \name
    .type \name, %function
\name:
.endm

/* {q, r} = __aeabi_uldivmod(uint64_t n, uint64_t d): quotient in r0:r1,
 * remainder in r2:r3, from __udivmoddi4(n, d, &rem). */
helper __aeabi_uldivmod
    push    {r11, lr}
    sub     sp, sp, #16             @ [sp]: &rem (5th argument), [sp+8]: rem
    add     r12, sp, #8
    str     r12, [sp]
    bl      __udivmoddi4
    ldrd    r2, r3, [sp, #8]
    add     sp, sp, #16
    pop     {r11, pc}

/* Signed: divide the magnitudes; the quotient is negative when the signs
 * differ, the remainder takes the sign of the dividend (C's truncation). */
.macro neg64_if lo, hi, s               @ (lo:hi) = s ? -(lo:hi) : lo:hi
    eor     \lo, \lo, \s
    eor     \hi, \hi, \s
    subs    \lo, \lo, \s
    sbc     \hi, \hi, \s
.endm

helper __aeabi_ldivmod
    push    {r4, r5, r11, lr}
    sub     sp, sp, #16
    asr     r4, r1, #31             @ sign of n: 0 or -1
    asr     r5, r3, #31             @ sign of d
    neg64_if r0, r1, r4
    neg64_if r2, r3, r5
    add     r12, sp, #8
    str     r12, [sp]
    bl      __udivmoddi4
    eor     r5, r5, r4
    neg64_if r0, r1, r5
    ldrd    r2, r3, [sp, #8]
    neg64_if r2, r3, r4
    add     sp, sp, #16
    pop     {r4, r5, r11, pc}

/* Memory helpers: the 4- and 8-suffixed ones only promise alignment. */
helper __aeabi_memcpy
alias __aeabi_memcpy4
alias __aeabi_memcpy8
    b       memcpy

helper __aeabi_memmove
alias __aeabi_memmove4
alias __aeabi_memmove8
    b       memmove

/* __aeabi_memset(dest, n, c): note the argument order. */
helper __aeabi_memset
alias __aeabi_memset4
alias __aeabi_memset8
    mov     r3, r1
    mov     r1, r2
    mov     r2, r3
    b       memset

/* __aeabi_memclr(dest, n). */
helper __aeabi_memclr
alias __aeabi_memclr4
alias __aeabi_memclr8
    mov     r2, r1
    mov     r1, #0
    b       memset
