# mote x64: bare-metal x86-64 under QEMU, booted through the PVH ELF note.
#   USE_PCI=0  -machine microvm, virtio-*-device (virtio-mmio)
#              MMIO_LEGACY=1 keeps QEMU's legacy (version 1) MMIO registers;
#              the default asks for modern (version 2) ones.
#   USE_PCI=1  -machine q35, virtio-*-pci (modern, MSI-X)
#   ACCEL=kvm|tcg (empty: kvm when /dev/kvm is usable, else tcg)
# docs/x64.md has the details; docs/debugging.md the `make debug` story.
# -mgeneral-regs-only: no SSE in kernel code. boot.S enables SSE for code
# that needs floats (Wasm), but KVM emulates instructions after some exits
# (and nested KVM such as kvm-pvm emulates whole batches), and its
# emulator has no SSE arithmetic: one xorps in printk kills the guest.
X64_CFLAGS := --target=x86_64-unknown-none-elf -mno-red-zone -fno-pic \
              -fno-pie -fno-stack-protector -ffunction-sections \
              -fdata-sections -fno-omit-frame-pointer -Os -Iplatform/x86
PLAT_SRCS := $(wildcard platform/x64/*.c) $(wildcard platform/x64/*.S) \
             $(wildcard platform/x86/*.c) \
             $(LIB_MEM_SRC) $(wildcard drivers/virtio/*.c) \
             platform/shared/pci.c platform/shared/pci_cfg_pio.c
PLAT_CFLAGS := $(X64_CFLAGS)
PLAT_NOFPU_CFLAGS := -mgeneral-regs-only
PLAT_FPU_CFLAGS := -msse2
PLAT_ASFLAGS := --target=x86_64-unknown-none-elf
PLAT_LINK := ld.lld
PLAT_LDFLAGS := -nostdlib -static -T platform/x64/link.ld --gc-sections \
                -z max-page-size=4096 -z noexecstack
PLAT_LINK_DEPS := platform/x64/link.ld
PLAT_DEPS := qemu

X64_ACCEL = $(or $(ACCEL),$(shell test -r /dev/kvm -a -w /dev/kvm && echo kvm || echo tcg))
X64_MACHINE = $(if $(filter 1,$(USE_PCI)),q35,microvm$(,)rtc=on)

PLAT_RUN = qemu-system-x86_64 -machine $(X64_MACHINE) -accel $(X64_ACCEL) \
  -cpu qemu64,pni=off -m 128M -nographic -serial mon:stdio -no-reboot \
  -device isa-debug-exit,iobase=0xf4,iosize=0x04 $(QEMU_VIRTIO) \
  -kernel $(KERNEL) -append "$(BOOT_ARGS)" $(QEMU_EXTRA)
