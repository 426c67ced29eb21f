# riscv platforms' host-side tests (rv64 and rv32 share platform/riscv).
#
#   make riscv-test   the platform's pure code under ASan/UBSan on the
#                     host: tick/ns conversion (timebase.c) against a
#                     128-bit reference, the ISA-string reader, the 16550
#                     driver on a fake register backend. About 2 s.
#                     Ends "N passed, N failed".
# Boots under QEMU (rv64/rv32 x mmio/pci) are rows of tests/qemu/run.py.
# Included for every PLATFORM, so everything here is prefixed RVT_.

RVT_DIR   := $(BUILD)/riscv-test
RVT_SRCS  := platform/riscv/test/host_test.c platform/riscv/timebase.c \
             platform/riscv/isa.c platform/shared/uart16550.c
RVT_FLAGS := -std=c11 -g -O1 $(WARN) -Iinclude -I. -Iplatform/rv64 \
             -fsanitize=address,undefined -fno-sanitize-recover=all

.PHONY: riscv-test

$(RVT_DIR)/host_test: $(RVT_SRCS) platform/riscv/timebase.h \
                      platform/riscv/riscv.h platform/shared/uart16550.h
	@mkdir -p $(dir $@)
	@$(CC) $(RVT_FLAGS) $(RVT_SRCS) -o $@

riscv-test: $(RVT_DIR)/host_test
	@$(RVT_DIR)/host_test
