# arm32: ARMv7-A (Cortex-A15) on QEMU -machine virt,highmem=off, -kernel
# ELF entered in SVC mode (docs/arm32.md).
#
# Code: Thumb-2 (a quarter smaller than A32: the 64 KiB budget), hard-float
# EABI with VFPv4/NEON (the Wasm runtime computes in floats), hardware
# integer divide (Cortex-A15 has it: no __aeabi_[u]idiv calls). Exception
# vectors and the semihosting call are A32 (boot.S, vectors.S).
ARM32_CPU ?= cortex-a15
ARM32_GIC ?=
SEMIHOSTING ?= 1

PLAT_SRCS := $(wildcard platform/arm32/*.c platform/arm32/*.S) \
             platform/shared/fdt.c platform/shared/fdt_arm.c platform/shared/fdt_pci.c \
             platform/shared/fdt_rtc.c \
             platform/shared/fdt_mem.c platform/shared/fdt_virtio.c \
             platform/shared/gic.c platform/shared/gic_v3.c \
             platform/shared/pl011.c \
             platform/shared/pci.c platform/shared/pci_cfg_ecam.c \
             $(wildcard drivers/virtio/*.c) $(LIB_MEM_SRC) $(LIB_RT_SRCS)
ARM32_TARGET := --target=armv7a-none-eabihf -mcpu=$(ARM32_CPU) \
                -mfpu=neon-vfpv4 -mfloat-abi=hard
# -Os (after KCFLAGS' -O2, so it wins) and section GC: the 64 KiB budget.
PLAT_CFLAGS := $(ARM32_TARGET) -mthumb -fno-pic -Os -fno-unwind-tables \
               -ffunction-sections -fdata-sections -Iplatform/arm32
PLAT_ASFLAGS := $(ARM32_TARGET)
# fdt.c runs before the MMU is on, when all memory is Strongly-ordered and
# an unaligned access faults: keep the compiler from using unaligned
# word loads there. Everything else runs with the MMU on (SCTLR.A clear,
# Normal memory), where ARMv7 handles unaligned LDR/STR in hardware.
CFLAGS_platform/shared/fdt.c = $(KCFLAGS) $(PLAT_CFLAGS) -mno-unaligned-access
PLAT_LINK := ld.lld
PLAT_LINK_DEPS := platform/arm32/link.ld
# -n (nmagic): no page alignment in the file (the budget again).
PLAT_LDFLAGS := -T platform/arm32/link.ld -nostdlib -static --gc-sections \
                -n -z noexecstack
PLAT_DEPS := qemu

# highmem=off: QEMU 7.2 otherwise puts the PCIe ECAM at 256 GiB and a
# 64-bit MMIO window at 512 GiB even for a 32-bit CPU (Cortex-A15 has
# LPAE), out of reach of our 32-bit identity map.
# KVM: only on an arm64 host whose CPU runs AArch32 at EL1 (aarch64=off).
ARM32_ACCEL = $(if $(filter kvm,$(ACCEL)),-accel kvm -cpu host$(,)aarch64=off,-accel tcg -cpu $(ARM32_CPU))
PLAT_RUN = qemu-system-arm -machine virt$(,)highmem=off$(if $(ARM32_GIC),$(,)gic-version=$(ARM32_GIC)) $(ARM32_ACCEL) -m 256M -nographic -no-reboot -nic none \
  $(if $(filter 1,$(SEMIHOSTING)),-semihosting-config enable=on$(,)target=native) \
  $(QEMU_VIRTIO) -kernel $(KERNEL) -append "$(BOOT_ARGS)" $(QEMU_EXTRA)
