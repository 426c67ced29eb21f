# mote riscv: what rv64/platform.mk and rv32/platform.mk share. The arch
# file sets RV_ARCH (rv64|rv32), RV_TARGET (clang flags), RV_BASE (link
# address), RV_QEMU, RV_BIOS and RV_EXTRA_SRCS, then includes this.
# docs/riscv.md has the details.

PLAT_SRCS := $(wildcard platform/riscv/*.c platform/riscv/*.S) \
             $(wildcard platform/$(RV_ARCH)/*.c) $(RV_EXTRA_SRCS) \
             platform/shared/fdt.c platform/shared/fdt_pci.c platform/shared/fdt_rtc.c \
             platform/shared/fdt_mem.c platform/shared/fdt_virtio.c \
             platform/shared/pci.c platform/shared/pci_cfg_ecam.c \
             platform/shared/uart16550.c platform/shared/uart16550_mmio.c \
             $(wildcard drivers/virtio/*.c) $(LIB_MEM_SRC)
# riscv_priv.h (the privilege level) comes from the arch directory,
# arch_io.h from platform/riscv. -mno-relax: lld 14 cannot relax and
# rejects R_RISCV_ALIGN. -Os (after KCFLAGS' -O2, so it wins) and section
# GC: the 64 KiB budget.
PLAT_CFLAGS := $(RV_TARGET) -mcmodel=medany -mno-relax -fno-pic -Os \
               -ffunction-sections -fdata-sections \
               -Iplatform/$(RV_ARCH) -Iplatform/riscv
PLAT_ASFLAGS := $(RV_TARGET) -mcmodel=medany -mno-relax \
                -Iplatform/$(RV_ARCH) -Iplatform/riscv
PLAT_LINK := ld.lld
PLAT_LINK_DEPS := platform/riscv/link.ld
PLAT_LDFLAGS := -T platform/riscv/link.ld --defsym=RISCV_BASE=$(RV_BASE) \
                -nostdlib -static --gc-sections -z max-page-size=4096 \
                -z noexecstack
PLAT_DEPS := qemu

PLAT_RUN = $(RV_QEMU) -machine virt -m 256M -nographic -no-reboot \
  -bios $(RV_BIOS) $(QEMU_VIRTIO) -kernel $(KERNEL) -append "$(BOOT_ARGS)" $(QEMU_EXTRA)
