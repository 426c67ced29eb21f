# mote rv64: QEMU -machine virt, S-mode under OpenSBI (-bios default),
# entered at 0x80200000 with a0 = hart id, a1 = DTB. docs/riscv.md.
RV_ARCH := rv64
RV_TARGET := --target=riscv64-unknown-elf -march=rv64gc -mabi=lp64d
RV_BASE := 0x80200000
RV_QEMU := qemu-system-riscv64
RV_BIOS := default
RV_EXTRA_SRCS :=
include platform/riscv/riscv.mk
