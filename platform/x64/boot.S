/* mote x64: PVH entry.
 *
 * QEMU's -kernel loads this ELF and, finding the XEN_ELFNOTE_PHYS32_ENTRY
 * note, jumps to pvh_start32 in 32-bit protected mode, paging off, with
 * %ebx = physical address of the hvm_start_info. We zero BSS, identity-map
 * the first 4 GiB with 2 MiB pages (the top GiB uncached: LAPIC, IOAPIC,
 * virtio-mmio, PCI BARs), enter long mode, enable SSE and call
 * x64_main(start_info) on the boot stack, with interrupts off.
 */
#define CR0_PE 0x1
#define CR0_MP 0x2
#define CR0_NE 0x20
#define CR0_WP 0x10000
#define CR0_PG 0x80000000
#define CR4_PAE 0x20
#define CR4_OSFXSR 0x200
#define CR4_OSXMMEXCPT 0x400
#define MSR_EFER 0xc0000080
#define EFER_LME 0x100
#define PTE_P_RW 0x3
#define PDE_2M 0x83            /* present, writable, page size */
#define PDE_2M_UC 0x9b         /* ... plus PWT|PCD */

    .section .note.pvh, "a", @note
    .p2align 2
    .long 4                    /* name size: "Xen\0" */
    .long 4                    /* descriptor size */
    .long 18                   /* XEN_ELFNOTE_PHYS32_ENTRY */
    .asciz "Xen"
    .long pvh_start32

    .section .text.boot, "ax"
    .code32
    .globl pvh_start32
pvh_start32:
    cld
    mov %ebx, %esi             /* keep start_info across the setup */

    /* zero BSS (page tables and stack live there) */
    mov $__bss_start, %edi
    mov $__bss_end, %ecx
    sub %edi, %ecx
    xor %eax, %eax
    rep stosb

    /* PML4[0] -> PDPT, PDPT[0..3] -> PD0..PD3 (contiguous) */
    mov $x64_pdpt, %eax
    or $PTE_P_RW, %eax
    mov %eax, x64_pml4
    mov $x64_pd, %eax
    or $PTE_P_RW, %eax
    xor %ecx, %ecx
1:  mov %eax, x64_pdpt(,%ecx,8)
    add $4096, %eax
    inc %ecx
    cmp $4, %ecx
    jne 1b

    /* 2048 PDEs of 2 MiB each; entries 1536.. (the 4th GiB) uncached */
    xor %ecx, %ecx
2:  mov %ecx, %eax
    shl $21, %eax
    cmp $1536, %ecx
    jae 3f
    or $PDE_2M, %eax
    jmp 4f
3:  or $PDE_2M_UC, %eax
4:  mov %eax, x64_pd(,%ecx,8)
    inc %ecx
    cmp $2048, %ecx
    jne 2b

    mov %cr4, %eax
    or $(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
    mov %eax, %cr4
    mov $x64_pml4, %eax
    mov %eax, %cr3
    mov $MSR_EFER, %ecx
    rdmsr
    or $EFER_LME, %eax
    wrmsr
    mov %cr0, %eax
    and $~0xc, %eax            /* clear EM and TS: SSE usable */
    or $(CR0_PE | CR0_MP | CR0_NE | CR0_WP | CR0_PG), %eax
    mov %eax, %cr0

    lgdt x64_gdt_ptr
    ljmp $0x08, $long_mode

    .code64
long_mode:
    mov $0x10, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    xor %eax, %eax
    mov %eax, %fs
    mov %eax, %gs
    lea x64_boot_stack_top(%rip), %rsp
    xor %ebp, %ebp
    fninit
    mov %esi, %edi             /* x64_main(start_info) */
    call x64_main
5:  cli
    hlt
    jmp 5b

    .section .rodata.gdt, "a"
    .p2align 3
    .globl x64_gdt
x64_gdt:
    .quad 0
    .quad 0x00af9a000000ffff   /* 0x08: 64-bit code */
    .quad 0x00cf92000000ffff   /* 0x10: data */
x64_gdt_end:
x64_gdt_ptr:
    .word x64_gdt_end - x64_gdt - 1
    .quad x64_gdt

    .section .bss.boot, "aw", @nobits
    .p2align 12
x64_pml4:  .skip 4096
    .globl x64_pdpt
x64_pdpt:  .skip 4096
    .globl x64_pd
x64_pd:    .skip 4 * 4096
x64_boot_stack:
    .skip 32768
x64_boot_stack_top:
