/* mote x32: the multiboot (v1) entry.
 *
 * QEMU's -kernel loader recognises the header below, loads the ELF at its
 * addresses and jumps to x32_start in 32-bit protected mode with paging
 * off, EAX = 0x2BADB002 and EBX = the physical address of the multiboot
 * information (memory map, command line). The loader's GDT may be gone,
 * so we load our own flat one before touching a segment register, zero
 * BSS, enable SSE for code that uses floats (the Wasm runtime; the kernel
 * itself is built with general registers only), and call
 * x32_main(magic, info) on the boot stack with interrupts off. Paging
 * stays off: all of the 4 GiB address space is reachable as it is. */

#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000003 /* page-align modules, give memory info */

    .section .multiboot, "a"
    .align 4
    .long MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

    .section .text.boot, "ax"
    .code32
    .globl x32_start
x32_start:
    cli
    mov %eax, %esi                  /* multiboot magic */
    mov %ebx, %ebp                  /* multiboot info */
    lgdt gdt_desc
    ljmp $0x08, $1f
1:  mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %fs
    mov %ax, %gs
    mov %ax, %ss
    mov $x32_boot_stack_top, %esp

    mov $__bss_start, %edi          /* zero BSS (the stack lives there) */
    mov $__bss_end, %ecx
    sub %edi, %ecx
    xor %eax, %eax
    cld
    rep stosb

    mov %cr0, %eax                  /* SSE: no FPU emulation, monitor FPU */
    and $~(1 << 2), %eax
    or $(1 << 1), %eax
    mov %eax, %cr0
    mov %cr4, %eax                  /* OSFXSR | OSXMMEXCPT */
    or $((1 << 9) | (1 << 10)), %eax
    mov %eax, %cr4

    push %ebp
    push %esi
    call x32_main
2:  hlt
    jmp 2b

    .section .rodata
    .align 8
gdt:
    .quad 0                         /* null */
    .quad 0x00cf9a000000ffff        /* 0x08: code, flat 4 GiB, 32-bit */
    .quad 0x00cf92000000ffff        /* 0x10: data, flat 4 GiB */
gdt_desc:
    .word gdt_desc - gdt - 1
    .long gdt

    .section .bss.boot, "aw", @nobits
    .align 16
x32_boot_stack:
    .skip 16384
x32_boot_stack_top:
