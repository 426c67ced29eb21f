# WireGuard (net/wg*.c, docs/wireguard.md).
#
#   make run WG=path/to/mote.conf   the configuration built into the kernel
#                        (its own build directory, ...-wg); with NET=user a
#                        QEMU VM also forwards host UDP WG_HOSTPORT (default:
#                        the ListenPort) to the guest's ListenPort
#   make wg-keys         build/tools/wg-keys (tools/wg-keys runs it)
#   make wg-unit-test    tests/unit/net_wg_test and the crypto unit tests
#   make wg-fuzz-short   libFuzzer on the config parser and on every message
#                        type into a configured interface (WG_FUZZ_SECS)
#   make wg-test         interop with wireguard-go in a network namespace
#                        (tests/wg/wg_test.py; root; WG_PLATFORMS)
#   make wg-ct-test      the ctgrind-style constant-time check (valgrind)
#   make wg-selftest     crypto known answers and an in-memory handshake as a
#                        kernel, booted on every platform

ifdef WG
WG_EMBED   := $(OBJDIR)/wg-embed/$(subst /,_,$(subst ../,,$(APP)))/wg_conf_embed.c
APP_SRCS   += $(WG_EMBED)
KERNEL     := $(OBJDIR)/$(subst /,_,$(subst ../,,$(APP)))-wg/mote.elf
WG_PORT    := $(or $(shell sed -n 's/^[ \t]*[Ll][Ii][Ss][Tt][Ee][Nn][Pp][Oo][Rr][Tt][ \t]*=[ \t]*\([0-9]*\).*/\1/p' $(WG) 2>/dev/null | head -1),51820)
WG_HOSTPORT ?= $(WG_PORT)
ifeq ($(filter tap:%,$(NET)),)
QEMU_NETDEV = -netdev user,id=n0,hostfwd=udp:127.0.0.1:$(PORT)-:$(APP_PORT),hostfwd=tcp:127.0.0.1:$(PORT)-:$(APP_PORT),hostfwd=udp:127.0.0.1:$(WG_HOSTPORT)-:$(WG_PORT)
endif
.PHONY: FORCE_WG
$(WG_EMBED): FORCE_WG
	@mkdir -p $(dir $@)
	@python3 tools/embed-wg.py $(WG) $@
endif

WG_TOOL := $(BUILD)/tools/wg-keys
$(WG_TOOL): tools/wg-keys.c crypto/x25519.c crypto/ct.c net/wg_base64.c
	@mkdir -p $(dir $@)
	@$(CC) -std=gnu11 -O2 $(WARN) -Iinclude -I. \
	    tools/wg-keys.c crypto/x25519.c crypto/ct.c net/wg_base64.c -o $@

.PHONY: wg-keys wg-unit-test wg-fuzz-short wg-test
wg-keys: $(WG_TOOL)

WG_UNIT_BINS = $(BUILD)/unit/net_wg_test $(BUILD)/unit/crypto_x25519_test \
               $(BUILD)/unit/crypto_aead_test $(BUILD)/unit/crypto_blake2s_test
wg-unit-test:
	@tools/ensure-deps build test
	@$(MAKE) --no-print-directory -s $(WG_UNIT_BINS)
	@$(SUITE_ENV) tools/sum-results $(WG_UNIT_BINS)

# --- wg-fuzz-short: like net-fuzz-short (mk/net.mk), seeded by
# tests/fuzz/wg_seeds.py.
WG_FUZZ_DIR  := $(BUILD)/wg-fuzz
WG_FUZZ_SECS ?= 25
WG_FUZZ_SRCS = tests/fuzz/wg_fuzz.c $(FUZZ_STACK_SRCS)

$(WG_FUZZ_DIR)/wg_fuzz: $(WG_FUZZ_SRCS) $(wildcard net/*.h crypto/*.h)
	@mkdir -p $(dir $@)
	@$(CC) -std=gnu11 -g -O1 $(WARN) -Wno-gnu-statement-expression \
	    -Iinclude -I. -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=all $(WG_FUZZ_SRCS) -o $@

wg-fuzz-short: $(WG_FUZZ_DIR)/wg_fuzz
	@rm -rf $(WG_FUZZ_DIR)/corpus && mkdir -p $(WG_FUZZ_DIR)/corpus
	@python3 tests/fuzz/wg_seeds.py $(WG_FUZZ_DIR)/corpus
	@cd $(WG_FUZZ_DIR) && if ./wg_fuzz -max_total_time=$(WG_FUZZ_SECS) \
	    -max_len=4096 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	    corpus > fuzz.log 2>&1; then \
	  grep -E '^stat::number_of_executed_units' fuzz.log | sed 's/^/  /'; \
	  echo "PASS wg_fuzz ($(WG_FUZZ_SECS) s, no sanitizer report)"; \
	  echo "1 passed, 0 failed"; \
	else \
	  tail -40 fuzz.log; echo "FAIL wg_fuzz: see $(WG_FUZZ_DIR)/fuzz.log"; \
	  echo "0 passed, 1 failed"; exit 1; \
	fi

# --- wg-test: the interop suite (tests/wg/wg_test.py) on WG_PLATFORMS.
WG_PLATFORMS ?= hosted x64 arm64
wg-test: $(WG_TOOL)
	@for p in $(WG_PLATFORMS); do \
	  $(MAKE) --no-print-directory -s PLATFORM=$$p APP=wgtest WG_LAYER=1 \
	      APP_SRCS=tests/wg/wgapp.c kernel || exit 1; \
	done
	@$(MAKE) --no-print-directory -s PLATFORM=hosted APP=tests/wg/tunnel.manifest kernel
	@$(MAKE) --no-print-directory -s PLATFORM=hosted APP=kvd kernel
	@# The walkthrough's `make run WG=...` then only embeds its configuration.
	@$(MAKE) --no-print-directory -s PLATFORM=hosted APP=echo WG_LAYER=1 kernel
	@if [ "$$(id -u)" != 0 ]; then \
	  echo "SKIP wg-test: needs root for network namespaces and TAP"; \
	  echo "0 passed, 0 failed, 1 skipped"; \
	elif [ ! -c /dev/net/tun ]; then \
	  echo "SKIP wg-test: no /dev/net/tun"; \
	  echo "0 passed, 0 failed, 1 skipped"; \
	else \
	  $(SUITE_ENV) python3 tests/wg/wg_test.py --platform "$$(echo $(WG_PLATFORMS) | tr ' ' ,)"; \
	fi

# --- wg-ct-test: the ctgrind-style constant-time check (tests/ct).
WG_CT := $(BUILD)/ct/ct_check
$(WG_CT): tests/ct/ct_check.c $(wildcard crypto/*.c crypto/*.h)
	@mkdir -p $(dir $@)
	@$(CC) -std=gnu11 -O2 -gdwarf-4 $(WARN) -Iinclude -I. tests/ct/ct_check.c \
	    $(wildcard crypto/*.c) -o $@
	@$(CC) -std=gnu11 -O2 -gdwarf-4 $(WARN) -Iinclude -I. -DX25519_FIELD32 -DPOLY1305_32 \
	    tests/ct/ct_check.c $(wildcard crypto/*.c) -o $@-fe32

.PHONY: wg-ct-test
wg-ct-test: $(WG_CT)
	@tools/ensure-deps test
	@ok=0; bad=0; \
	if valgrind -q --error-exitcode=1 $(WG_CT) > $(WG_CT).log 2>&1; then \
	  cat $(WG_CT).log; ok=$$((ok+1)); \
	else \
	  head -60 $(WG_CT).log; bad=$$((bad+1)); \
	  echo "FAIL ct_check: valgrind found secret-dependent control flow or memory access"; \
	fi; \
	if valgrind -q --error-exitcode=1 $(WG_CT)-fe32 > $(WG_CT).fe32.log 2>&1; then \
	  sed 's/^PASS ct_check/PASS ct_check_32 (the 32-bit X25519 field and Poly1305 limbs)/' $(WG_CT).fe32.log; ok=$$((ok+1)); \
	else \
	  head -60 $(WG_CT).fe32.log; bad=$$((bad+1)); \
	  echo "FAIL ct_check_fe32: valgrind found secret-dependent control flow or memory access"; \
	fi; \
	if valgrind -q --error-exitcode=1 $(WG_CT) control > $(WG_CT).control.log 2>&1; then \
	  echo "FAIL ct_check_control: a secret-indexed load went unnoticed"; bad=$$((bad+1)); \
	else \
	  echo "PASS ct_check_control: valgrind flags a secret-indexed load"; ok=$$((ok+1)); \
	fi; \
	echo "$$ok passed, $$bad failed"; [ $$bad = 0 ]

# --- wg-selftest: the crypto known-answer tests and an in-memory handshake
# as a kernel (tests/ct/selftest.c) on every platform under QEMU.
.PHONY: wg-selftest
wg-selftest:
	@$(SUITE_ENV) python3 tests/ct/selftest_run.py
