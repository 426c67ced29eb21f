# The KV store's tests, fuzzing and benchmark (store/, docs/kv.md).
#
#   make kv-test         unit tests (tests/unit/kv_*), the crash-consistency
#                        sweep and the corruption tests (tests/kv/), all under
#                        ASan/UBSan on the fake platform. Ends "N passed, N failed".
#   make kv-fuzz-short   libFuzzer on page parsing for KV_FUZZ_SECS (20 s).
#   make kvd-test        apps/kvd hosted, driven by tests/kv/kvd_test.py.
#   make kv-bench        bench/kv against LMDB; writes bench/results/kv.md.

KV_UNIT_BINS = $(patsubst tests/unit/%.c,$(UNIT_DIR)/%,$(wildcard tests/unit/kv_*.c))
KVT_DIR      = $(BUILD)/kv-test

.PHONY: kv-test kv-unit-build
kv-unit-build:
	@$(MAKE) --no-print-directory -s $(KV_UNIT_BINS)

kv-test: kv-unit-build kv-long-build
	@$(SUITE_ENV) tools/sum-results $(KV_UNIT_BINS) $(KV_LONG_TESTS)

# tests/kv/*_test.c: the longer KV tests (crash sweep, corruption), linked
# like unit tests but run only by kv-test.
KV_LONG_TESTS = $(patsubst tests/kv/%.c,$(KVT_DIR)/%,$(wildcard tests/kv/*_test.c))
KV_STORE_OBJS = $(patsubst %.c,$(UNIT_DIR)/obj/%.o,$(wildcard store/*.c))

.PHONY: kv-long-build
kv-long-build:
	@$(MAKE) --no-print-directory -s $(UNIT_DIR)/libcore.a $(KV_STORE_OBJS) \
	    $(patsubst tests/kv/%.c,$(UNIT_DIR)/obj/tests/kv/%.o,$(wildcard tests/kv/*_test.c))
	@mkdir -p $(KVT_DIR)
	@for t in $(patsubst tests/kv/%.c,%,$(wildcard tests/kv/*_test.c)); do \
	  $(CC) $(UNIT_CFLAGS) -o $(KVT_DIR)/$$t $(UNIT_DIR)/obj/tests/kv/$$t.o \
	    $(KV_STORE_OBJS) $(UNIT_DIR)/obj/tests/unit/test_main.o $(UNIT_DIR)/libcore.a || exit 1; \
	done

# libFuzzer on page parsing, seeded with real pages from a store the
# corruption test builds (kv_fuzz_seed dumps them).
KV_FUZZ_SECS ?= 20
KV_FUZZ_SRCS = tests/fuzz/kv_fuzz.c store/kv_page.c store/kv_node.c store/kv_crc.c

$(KVT_DIR)/kv_fuzz: $(KV_FUZZ_SRCS) store/kv_page.h store/kv_node.h
	@mkdir -p $(dir $@)
	@$(CC) -std=c11 -g -O1 $(WARN) -Iinclude -I. \
	    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	    $(KV_FUZZ_SRCS) -o $@

.PHONY: kv-fuzz-short
kv-fuzz-short: $(KVT_DIR)/kv_fuzz kv-long-build
	@rm -rf $(KVT_DIR)/corpus && mkdir -p $(KVT_DIR)/corpus
	@KV_SEED_DIR=$(KVT_DIR)/corpus $(KVT_DIR)/kv_seed_test >/dev/null
	@n=$$(ls $(KVT_DIR)/corpus | wc -l); if $(KVT_DIR)/kv_fuzz -max_total_time=$(KV_FUZZ_SECS) -max_len=4096 \
	        -print_final_stats=1 $(KVT_DIR)/corpus > $(KVT_DIR)/fuzz.log 2>&1; then \
	    grep -E '^stat::number_of_executed_units' $(KVT_DIR)/fuzz.log; \
	    echo "PASS kv_fuzz ($(KV_FUZZ_SECS) s, seeded with $$n real pages)"; \
	    echo "1 passed, 0 failed"; \
	else tail -40 $(KVT_DIR)/fuzz.log; echo "FAIL kv_fuzz: see $(KVT_DIR)/fuzz.log"; \
	    echo "0 passed, 1 failed"; exit 1; fi

# The hosted server (apps/kvd) from a host client: protocol, restart, kill -9.
.PHONY: kvd-test
kvd-test:
	@$(SUITE_ENV) python3 tests/kv/kvd_test.py

# bench/kv: a hosted mote build of bench/kv/kvbench.c plus LMDB, run by
# bench/kv/run.py, which writes bench/results/kv.md.
KVB_APP_SRCS = bench/kv/kvbench.c bench/kv/lmdb_side.c
.PHONY: kv-bench kv-bench-build
kv-bench-build:
	@$(MAKE) --no-print-directory -s PLATFORM=hosted APP=kvbench APP_LAYERS=store \
	    "APP_SRCS=$(KVB_APP_SRCS)" "PLAT_LDFLAGS=-pthread -llmdb" \
	    "CFLAGS_bench/kv/lmdb_side.c=-std=c11 -D_GNU_SOURCE -O2 -g $(WARN) -Iinclude -I. -MMD -MP" kernel

kv-bench: kv-bench-build
	@$(SUITE_ENV) python3 bench/kv/run.py

# The same client against kvd booted in QEMU on every bare-metal platform.
KVD_QEMU_PLATFORMS ?= x64 x32 arm64 arm32 rv64 rv32
.PHONY: kvd-qemu-test
kvd-qemu-test:
	@$(SUITE_ENV) tools/sum-results $(foreach p,$(KVD_QEMU_PLATFORMS),"PLATFORM=$(p) timeout 600 python3 tests/kv/kvd_test.py")
