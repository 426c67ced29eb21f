# arm64: QEMU -machine virt, -kernel ELF at EL1 (docs/arm64.md).
ARM64_CPU ?= cortex-a53
SEMIHOSTING ?= 1

PLAT_SRCS := $(wildcard platform/arm64/*.c platform/arm64/*.S) \
             platform/shared/fdt.c platform/shared/fdt_arm.c platform/shared/fdt_pci.c \
             platform/shared/fdt_rtc.c \
             platform/shared/fdt_mem.c platform/shared/fdt_virtio.c \
             platform/shared/gic.c platform/shared/gic_v3.c platform/shared/pl011.c \
             platform/shared/pci.c platform/shared/pci_cfg_ecam.c \
             $(wildcard drivers/virtio/*.c) $(LIB_MEM_SRC)
ARM64_TARGET := --target=aarch64-none-elf -mcpu=$(ARM64_CPU)
# -Os (after KCFLAGS' -O2, so it wins) and section GC: the 64 KiB budget.
PLAT_CFLAGS := $(ARM64_TARGET) -fno-pic -mno-outline-atomics -Os \
               -ffunction-sections -fdata-sections -Iplatform/arm64
PLAT_ASFLAGS := $(ARM64_TARGET)
PLAT_LINK := ld.lld
PLAT_LINK_DEPS := platform/arm64/link.ld
# -n (nmagic): no page alignment in the file, only the sections' own
# (2 KiB for the vectors): the 64 KiB budget again.
PLAT_LDFLAGS := -T platform/arm64/link.ld -nostdlib -static --gc-sections \
                -n -z noexecstack
PLAT_DEPS := qemu

# ACCEL empty: KVM when the host is arm64 and /dev/kvm is usable, else TCG.
# KVM takes the host's CPU and GIC (most hosts have no GICv2 emulation).
GIC ?=
ARM64_KVM_OK = $(shell test "$$(uname -m)" = aarch64 -a -r /dev/kvm -a -w /dev/kvm && echo kvm)
ARM64_ACCEL_USE = $(or $(ACCEL),$(ARM64_KVM_OK),tcg)
ARM64_GIC = $(or $(GIC),$(if $(filter kvm,$(ARM64_ACCEL_USE)),host))
ARM64_ACCEL = $(if $(filter kvm,$(ARM64_ACCEL_USE)),-accel kvm -cpu host,-accel tcg -cpu $(ARM64_CPU))
# -nic none: virt would otherwise add a default NIC whenever the command
# has no -netdev (a test that strips the devices wants none at all).
PLAT_RUN = qemu-system-aarch64 -machine virt$(if $(ARM64_GIC),$(,)gic-version=$(ARM64_GIC)) $(ARM64_ACCEL) \
  -m 256M -nographic -no-reboot -nic none \
  $(if $(filter 1,$(SEMIHOSTING)),-semihosting-config enable=on$(,)target=native) \
  $(QEMU_VIRTIO) -kernel $(KERNEL) -append "$(BOOT_ARGS)" $(QEMU_EXTRA)
