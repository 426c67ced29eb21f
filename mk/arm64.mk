# arm64 platform's host-side tests: the FDT parser (platform/shared/fdt.c).
#
#   make fdt-test        unit tests under ASan/UBSan against blobs dumped
#                        from QEMU at test time (arm64 GICv2 and v3, arm32,
#                        rv64, rv32), their truncations and mutations, and
#                        hand-built corrupt blobs. Ends "N passed, N failed".
#   make fdt-fuzz-short  libFuzzer on the parser for FDT_FUZZ_SECS (20 s),
#                        seeded with the same blobs.
# Included for every PLATFORM, so everything here is prefixed FDTT_.

FDTT_DIR   := $(BUILD)/fdt-test
FDTT_SAN   := -fsanitize=address,undefined -fno-sanitize-recover=all
FDTT_FLAGS := -std=c11 -g -O1 $(WARN) -Iinclude -I.
FDTT_SRCS  := platform/shared/fdt.c platform/shared/fdt_pci.c
FDT_FUZZ_SECS ?= 20
# kind:command for each blob; -kernel (a dummy) is what lets -append in.
FDTT_BLOBS := a64 a64v3 a32 rv64 rv32
FDTT_QEMU_a64   := qemu-system-aarch64 -machine virt -cpu cortex-a53 -m 256M \
                   -append "foo=bar mote=1" -device virtio-rng-device
FDTT_QEMU_a64v3 := qemu-system-aarch64 -machine virt,gic-version=3 -cpu cortex-a57 -m 1G
FDTT_QEMU_a32   := qemu-system-arm -machine virt -cpu cortex-a15 -m 256M
FDTT_QEMU_rv64  := qemu-system-riscv64 -machine virt -m 256M
FDTT_QEMU_rv32  := qemu-system-riscv32 -machine virt -bios none -m 128M

.PHONY: fdt-test fdt-fuzz-short fdt-blobs

# fdt_test also covers fdt_mem.c, with kmem_add and printk faked.
$(FDTT_DIR)/fdt_test: tests/fdt/fdt_test.c $(FDTT_SRCS) platform/shared/fdt_mem.c \
		platform/shared/fdt.h platform/shared/fdt_pci.h platform/shared/fdt_mem.h
	@mkdir -p $(dir $@)
	@$(CC) $(FDTT_FLAGS) $(FDTT_SAN) tests/fdt/fdt_test.c $(FDTT_SRCS) \
	    platform/shared/fdt_mem.c -o $@

$(FDTT_DIR)/fdt_fuzz: tests/fuzz/fdt_fuzz.c $(FDTT_SRCS) platform/shared/fdt.h platform/shared/fdt_pci.h
	@mkdir -p $(dir $@)
	@$(CC) $(FDTT_FLAGS) -fsanitize=fuzzer,address,undefined \
	    tests/fuzz/fdt_fuzz.c $(FDTT_SRCS) -o $@

# Dump fresh blobs from the installed QEMU (never committed).
fdt-blobs:
	@mkdir -p $(FDTT_DIR)
	@head -c 4096 /dev/zero > $(FDTT_DIR)/dummy-kernel
	@$(foreach k,$(FDTT_BLOBS),$(FDTT_QEMU_$(k)) -nographic -kernel $(FDTT_DIR)/dummy-kernel \
	    -machine dumpdtb=$(FDTT_DIR)/$(k).dtb >/dev/null 2>&1 || \
	    { echo "FAIL dump $(k).dtb: $(firstword $(FDTT_QEMU_$(k))) failed"; exit 1; };)

fdt-test: $(FDTT_DIR)/fdt_test fdt-blobs
	@$(FDTT_DIR)/fdt_test $(foreach k,$(FDTT_BLOBS),$(k)=$(FDTT_DIR)/$(k).dtb)

fdt-fuzz-short: $(FDTT_DIR)/fdt_fuzz $(FDTT_DIR)/fdt_test fdt-blobs
	@rm -rf $(FDTT_DIR)/corpus && mkdir -p $(FDTT_DIR)/corpus
	@$(foreach k,$(FDTT_BLOBS),$(FDTT_DIR)/fdt_test --seed $(FDTT_DIR)/$(k).dtb \
	    $(FDTT_DIR)/corpus/$(k) &&) true
	@if $(FDTT_DIR)/fdt_fuzz -max_total_time=$(FDT_FUZZ_SECS) -max_len=16384 \
	        -print_final_stats=1 $(FDTT_DIR)/corpus > $(FDTT_DIR)/fuzz.log 2>&1; then \
	    grep -E '^stat::number_of_executed_units' $(FDTT_DIR)/fuzz.log; \
	    echo "PASS fdt_fuzz ($(FDT_FUZZ_SECS) s)"; echo "1 passed, 0 failed"; \
	else tail -40 $(FDTT_DIR)/fuzz.log; echo "FAIL fdt_fuzz: see $(FDTT_DIR)/fuzz.log"; \
	    echo "0 passed, 1 failed"; exit 1; fi

# Boots of apps/echo on arm64 (mmio and pci, twice each) and the panic
# path; see tests/arm64/boot_test.py. About a minute under TCG.
.PHONY: arm64-boot-test
arm64-boot-test:
	@$(SUITE_ENV) python3 tests/arm64/boot_test.py
