# The VM benchmark (docs/benchmarks.md): mote x64 against a Linux VM
# under the same QEMU machine, devices and netdev, in one run.
#
#   make linuxvm    the Linux peer from Debian's linux-image-amd64
#                   (installed with apt-get when missing): build/linuxvm/
#                   vmlinuz, vmlinux (PVH ELF) and initramfs.cpio.gz.
#   make bench-vm-test  tests of the peer and the boot timer (~30 s).
#   make bench-vm   bench/vm/run.py: boot-to-first-echo, echo latency,
#                   throughput and image size; writes bench/results/vm-x64.md.

LINUXVM_DIR := $(BUILD)/linuxvm
LINUXVM_OUT := $(LINUXVM_DIR)/initramfs.cpio.gz

.PHONY: linuxvm bench-vm
linuxvm: $(LINUXVM_OUT)

$(LINUXVM_OUT): bench/linuxvm/build.py bench/linuxvm/init.c $(wildcard /boot/vmlinuz-*)
	@$(SUITE_ENV) python3 bench/linuxvm/build.py $(LINUXVM_DIR)

bench-vm:
	@$(SUITE_ENV) python3 bench/vm/run.py

# Its tests (bench/vm/test.py): the peer's initramfs is reproducible and
# well formed, and the peer boots and echoes under TCG on microvm and q35.
# About 30 s. Ends with "N passed, N failed".
.PHONY: bench-vm-test
bench-vm-test:
	@$(SUITE_ENV) python3 bench/vm/test.py
