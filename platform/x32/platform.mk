# mote x32: i386 protected mode under QEMU, booted by the multiboot loader
# of -kernel. Shares its hardware code with x64 (platform/x86/).
#   USE_PCI=0  -machine microvm, virtio-*-device (virtio-mmio)
#   USE_PCI=1  -machine q35, virtio-*-pci (modern; MSI-X)
#   ACCEL=tcg (default) or kvm. On this project's machines KVM is nested
#   and cannot run 32-bit guests (docs/x32.md), so tcg is the default.
# -mgeneral-regs-only: the kernel never uses x87/SSE registers; boot.S
# still enables SSE for code built to use it (the Wasm runtime).
X32_CFLAGS := --target=i386-unknown-none-elf -march=i686 \
              -fno-pic -fno-pie -fno-stack-protector -ffunction-sections \
              -fdata-sections -fno-omit-frame-pointer -Os -Iplatform/x86
PLAT_SRCS := $(wildcard platform/x32/*.c) $(wildcard platform/x32/*.S) \
             $(wildcard platform/x86/*.c) $(LIB_MEM_SRC) $(LIB_RT_SRCS) \
             $(wildcard drivers/virtio/*.c) \
             platform/shared/pci.c platform/shared/pci_cfg_pio.c
PLAT_CFLAGS := $(X32_CFLAGS)
PLAT_NOFPU_CFLAGS := -mgeneral-regs-only
PLAT_FPU_CFLAGS := -msse2 -mfpmath=sse
PLAT_ASFLAGS := --target=i386-unknown-none-elf
PLAT_LINK := ld.lld
PLAT_LDFLAGS := -m elf_i386 -nostdlib -static -T platform/x32/link.ld \
                --gc-sections -z max-page-size=4096 -z noexecstack
PLAT_LINK_DEPS := platform/x32/link.ld
PLAT_DEPS := qemu

X32_ACCEL = $(or $(ACCEL),tcg)
X32_MACHINE = $(if $(filter 1,$(USE_PCI)),q35,microvm$(,)rtc=on)

PLAT_RUN = qemu-system-i386 -machine $(X32_MACHINE) -accel $(X32_ACCEL) \
  -cpu qemu32,pni=off -m 128M -nographic -serial mon:stdio -no-reboot \
  -device isa-debug-exit,iobase=0xf4,iosize=0x04 $(QEMU_VIRTIO) \
  -kernel $(KERNEL) -append "$(BOOT_ARGS)" $(QEMU_EXTRA)
