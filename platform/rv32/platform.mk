# mote rv32: QEMU -machine virt, M-mode with -bios none (Debian's QEMU
# ships no rv32 OpenSBI), entered at 0x80000000 with a0 = hart id,
# a1 = DTB. docs/riscv.md.
RV_ARCH := rv32
RV_TARGET := --target=riscv32-unknown-elf -march=rv32gc -mabi=ilp32d
RV_BASE := 0x80000000
RV_QEMU := qemu-system-riscv32
RV_BIOS := none
RV_EXTRA_SRCS := $(LIB_RT_SRCS)
include platform/riscv/riscv.mk
