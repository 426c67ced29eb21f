# WebAssembly runtime: sources for the kernel build, host-side spec tests,
# fuzzing and benchmarks. Included from the top-level Makefile (repo root).
#
#   make wasm-test                 every spec script, and ours in
#                                  tests/wasm/*.wast (closing line)
#   make spectest WAST=path.wast   one script (closing line)
#   make wasm-fuzz-short           libFuzzer for WASM_FUZZ_TIME seconds
#   make wasm-bench                bench/wasm vs native vs node
#   make wasm-freestanding         compile wasm/ for all six targets

BUILD ?= build
WASM_TESTSUITE ?= $(abspath ../shared/wasm-testsuite)
WASM_SRCS := $(wildcard wasm/*.c)
WASM_HDRS := $(wildcard wasm/*.h) include/mote/wasm.h
WASM_OUT := $(BUILD)/wasm
WASM_CC ?= clang
WASM_FUZZ_TIME ?= 30

# The freestanding flag set the kernel build uses for wasm/.
WASM_CFLAGS := -std=c11 -ffreestanding -fno-builtin -nostdlib -fno-math-errno \
	-Wall -Wextra -Werror -Wpedantic -Wmissing-prototypes -Wstrict-prototypes \
	-Wvla -Wundef -Iinclude
WASM_HOST_CFLAGS := -std=c11 -g -O1 -fno-math-errno -fsanitize=address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer -Wall -Wextra -Werror -Iinclude

$(WASM_OUT)/spec_runner: tests/wasm/spec_runner.c $(WASM_SRCS) $(WASM_HDRS)
	@mkdir -p $(@D)
	$(WASM_CC) $(WASM_HOST_CFLAGS) tests/wasm/spec_runner.c $(WASM_SRCS) -o $@

$(WASM_OUT)/api_test: tests/wasm/api_test.c $(WASM_SRCS) $(WASM_HDRS)
	@mkdir -p $(@D)
	$(WASM_CC) $(WASM_HOST_CFLAGS) tests/wasm/api_test.c $(WASM_SRCS) -o $@

$(WASM_OUT)/api.wasm: tests/wasm/api.wat
	@mkdir -p $(@D)
	wat2wasm $< -o $@

wasm-test: $(WASM_OUT)/spec_runner $(WASM_OUT)/api_test $(WASM_OUT)/api.wasm
	@API_TEST="$(WASM_OUT)/api_test $(WASM_OUT)/api.wasm" \
		tests/wasm/run_spec.sh $(WASM_OUT)/spec_runner $(WASM_OUT)/spec $(sort $(wildcard $(WASM_TESTSUITE)/*.wast)) \
		$(wildcard tests/wasm/*.wast)

spectest: $(WASM_OUT)/spec_runner
	@test -n "$(WAST)" || { echo "usage: make spectest WAST=path/to/x.wast"; exit 2; }
	@tests/wasm/run_spec.sh $(WASM_OUT)/spec_runner $(WASM_OUT)/spec $(WAST)

# libFuzzer on module bytes; prints one closing line.
$(WASM_OUT)/wasm_fuzz: tests/fuzz/wasm_fuzz.c $(WASM_SRCS) $(WASM_HDRS)
	@mkdir -p $(@D)
	$(WASM_CC) -std=c11 -g -O1 -fno-math-errno -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -Iinclude tests/fuzz/wasm_fuzz.c $(WASM_SRCS) -o $@

wasm-fuzz-short: $(WASM_OUT)/wasm_fuzz
	@mkdir -p $(WASM_OUT)/fuzz-corpus
	@# seed with the spec suite's small modules when wasm-test has run
	@find $(WASM_OUT)/spec -name '*.wasm' -size -4k -exec cp -n {} $(WASM_OUT)/fuzz-corpus/ \; 2>/dev/null || true
	@if $(WASM_OUT)/wasm_fuzz -max_total_time=$(WASM_FUZZ_TIME) -max_len=4096 \
		-artifact_prefix=$(WASM_OUT)/ $(WASM_OUT)/fuzz-corpus \
		>$(WASM_OUT)/fuzz.log 2>&1; then \
		tail -n 3 $(WASM_OUT)/fuzz.log; echo "1 passed, 0 failed"; \
	else tail -n 30 $(WASM_OUT)/fuzz.log; echo "0 passed, 1 failed"; exit 1; fi

# Cross-compile wasm/ with the freestanding flags for every target arch.
WASM_TARGETS := x86_64-none-elf i386-none-elf aarch64-none-elf \
	armv7a-none-eabihf riscv64-none-elf riscv32-none-elf
# Per-target FPU flags: wasm floats need hardware IEEE single/double
# (SSE2 on i386, VFP on arm32, F+D on riscv); see docs/wasm.md.
wasm_target_flags = $(if $(findstring i386,$(1)),-msse2 -mfpmath=sse,)$(if $(findstring armv7a,$(1)),-mfpu=vfpv3-d16 -mfloat-abi=hard,)$(if $(findstring riscv64,$(1)),-march=rv64gc -mabi=lp64d,)$(if $(findstring riscv32,$(1)),-march=rv32gc -mabi=ilp32d,)

define wasm_target_rule
wasm-freestanding-$(1):
	@mkdir -p $(WASM_OUT)/$(1)
	@set -e; for f in $(WASM_SRCS); do \
		$(WASM_CC) --target=$(1) $(WASM_CFLAGS) -O2 $(call wasm_target_flags,$(1)) \
			-c $$$$f -o $(WASM_OUT)/$(1)/$$$$(basename $$$$f .c).o; \
	done
	@echo "$(1): ok"
endef
$(foreach t,$(WASM_TARGETS),$(eval $(call wasm_target_rule,$(t))))

wasm-freestanding: $(addprefix wasm-freestanding-,$(WASM_TARGETS))

.PHONY: wasm-test spectest wasm-fuzz-short wasm-bench wasm-freestanding \
	$(addprefix wasm-freestanding-,$(WASM_TARGETS))

wasm-bench:
	@$(SUITE_ENV) bench/wasm/run.sh $(WASM_OUT)/bench
