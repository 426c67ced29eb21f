# The IP stack's tests (net/, docs/network.md).
#
#   make net-unit-test   tests/unit/net_*.c under ASan/UBSan on the fake
#                        platform (the same binaries `make unit-test` runs).
#   make net-fuzz-short  libFuzzer on frames, DHCP and DNS (NET_FUZZ_SECS).
#   make net-test        hosted, x64 and arm64 kernels, each on a TAP device
#                        in a network namespace, against ping, socat and
#                        dnsmasq (root; NET_PLATFORMS=hosted picks some).
# Each ends with "N passed, N failed[, N skipped]".

NET_UNIT_BINS = $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(wildcard tests/unit/net_*.c))

.PHONY: net-unit-test net-unit-build
net-unit-build: $(NET_UNIT_BINS)

net-unit-test:
	@$(MAKE) --no-print-directory -s net-unit-build
	@$(SUITE_ENV) tools/sum-results $(NET_UNIT_BINS)

# --- net-test: real peers in network namespaces (tests/net/net_test.py).
# Every scenario runs on each of NET_PLATFORMS: the hosted build on a TAP
# device, and the x64 (microvm) and arm64 (virt) VMs on a TAP device, QEMU
# started inside the namespace. Two kernels per platform: apps/echo, and
# the control app tests/net/netapp.c built as APP=nettest (its one source
# given on the command line). The test starts them with the platform's own
# command (make print-run). NET_ACCEL: the VMs' accelerator (tcg or kvm).
# NET_PLATFORMS may also name x64-pci and arm64-pci (USE_PCI=1).
NET_PLATFORMS ?= hosted x64 arm64
NET_ACCEL     ?= tcg
.PHONY: net-test
net-test:
	@for p in $(NET_PLATFORMS); do \
	  $(MAKE) --no-print-directory -s PLATFORM=$${p%-pci} APP=echo kernel && \
	  $(MAKE) --no-print-directory -s PLATFORM=$${p%-pci} APP=nettest \
	      APP_SRCS=tests/net/netapp.c kernel || exit 1; \
	done
	@if [ "$$(id -u)" != 0 ]; then \
	  echo "SKIP net-test: needs root for network namespaces and TAP"; \
	  echo "0 passed, 0 failed, 1 skipped"; \
	elif [ ! -c /dev/net/tun ]; then \
	  echo "SKIP net-test: no /dev/net/tun"; \
	  echo "0 passed, 0 failed, 1 skipped"; \
	else \
	  $(SUITE_ENV) python3 tests/net/net_test.py --accel $(NET_ACCEL) \
	      --platform "$$(echo $(NET_PLATFORMS) | tr ' ' ,)"; \
	fi

# --- net-fuzz-short: libFuzzer + ASan/UBSan over the stack on the fake
# platform, seeded by tests/fuzz/net_seeds.py. Any crash, leak or sanitizer
# report fails it; the crashing input is left in $(NET_FUZZ_DIR).
NET_FUZZ_DIR  := $(BUILD)/net-fuzz
NET_FUZZ_SECS ?= 25
# The whole stack on the fake platform, which the net, tcp and wg fuzzers
# (mk/tcp.mk, mk/wg.mk) all drive.
FUZZ_STACK_SRCS = $(wildcard kernel/*.c) $(wildcard crypto/*.c) lib/fmt.c \
                  lib/kdate.c $(wildcard net/*.c) $(wildcard net/tcp/*.c) \
                  tests/unit/fake_platform.c tests/unit/fake_blk.c \
                  tests/unit/fake_net.c tests/fuzz/fuzz_rand.c
NET_FUZZ_SRCS = tests/fuzz/net_fuzz.c $(FUZZ_STACK_SRCS)

$(NET_FUZZ_DIR)/net_fuzz: $(NET_FUZZ_SRCS) $(wildcard net/*.h net/tcp/*.h)
	@mkdir -p $(dir $@)
	@$(CC) -std=gnu11 -g -O1 $(WARN) -Wno-gnu-statement-expression \
	    -Iinclude -I. -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=all $(NET_FUZZ_SRCS) -o $@

.PHONY: net-fuzz-short
net-fuzz-short: $(NET_FUZZ_DIR)/net_fuzz
	@rm -rf $(NET_FUZZ_DIR)/corpus && mkdir -p $(NET_FUZZ_DIR)/corpus
	@$(SUITE_ENV) python3 tests/fuzz/net_seeds.py $(NET_FUZZ_DIR)/corpus
	@cd $(NET_FUZZ_DIR) && if ./net_fuzz -max_total_time=$(NET_FUZZ_SECS) \
	    -max_len=4096 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	    corpus > fuzz.log 2>&1; then \
	  grep -E '^stat::number_of_executed_units' fuzz.log | sed 's/^/  /'; \
	  echo "PASS net_fuzz ($(NET_FUZZ_SECS) s, no sanitizer report)"; \
	  echo "1 passed, 0 failed"; \
	else \
	  tail -40 fuzz.log; echo "FAIL net_fuzz: see $(NET_FUZZ_DIR)/fuzz.log"; \
	  echo "0 passed, 1 failed"; exit 1; \
	fi
