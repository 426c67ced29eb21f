# Unit tests: portable code built for the host with ASan and UBSan, each
# tests/unit/<name>.c its own binary, linked with the fake platform.
# Layer archives are linked only where a test's name asks for them
# (net_* -> net/, kv_* -> store/, sbx_* -> sandbox/ wasm/ store/ net/: its wg:
# grants use net/tun.h; x86_* -> the x86 platform's pure decoders), so one
# layer's tests never wait on another's build.

UNIT_DIR    := $(BUILD)/unit
UNIT_CFLAGS := -std=gnu11 -O1 -g -fsanitize=address,undefined \
               -fno-sanitize-recover=undefined -fno-omit-frame-pointer \
               $(WARN) -Wno-gnu-statement-expression -Iinclude -I. -MMD -MP
UNIT_FAKE   := tests/unit/fake_platform.c tests/unit/fake_blk.c \
               tests/unit/fake_net.c tests/unit/test_main.c
UNIT_TESTS  := $(filter-out $(UNIT_FAKE),$(wildcard tests/unit/*.c))
UNIT_BINS   := $(patsubst tests/unit/%.c,$(UNIT_DIR)/%,$(UNIT_TESTS))

unit_core_srcs  := $(wildcard kernel/*.c) $(wildcard crypto/*.c) lib/fmt.c lib/kdate.c net/udp_api.c net/tcp_api.c \
                   $(wildcard lib/rt/*.c)
unit_net_srcs   := $(filter-out net/udp_api.c net/tcp_api.c,$(wildcard net/*.c) $(wildcard net/tcp/*.c))
unit_store_srcs := $(wildcard store/*.c)
unit_sbx_srcs   := $(wildcard sandbox/*.c) $(wildcard wasm/*.c)
unit_objs = $(patsubst %.c,$(UNIT_DIR)/obj/%.o,$(1))

$(UNIT_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(UNIT_CFLAGS) -c $< -o $@

$(UNIT_DIR)/libcore.a: $(call unit_objs,$(unit_core_srcs) $(UNIT_FAKE))
	@rm -f $@; llvm-ar rcs $@ $^
$(UNIT_DIR)/libnet.a: $(call unit_objs,$(unit_net_srcs))
	@rm -f $@; llvm-ar rcs $@ $^
$(UNIT_DIR)/libstore.a: $(call unit_objs,$(unit_store_srcs))
	@rm -f $@; llvm-ar rcs $@ $^

# Layers register through KINIT sections, so their objects are linked
# whole (an archive would drop a hook nobody references).
unit_layer = $(if $(filter x86_%,$(1)),$(call unit_objs,platform/x86/cmos_time.c))$(if $(filter net_%,$(1)),$(call unit_objs,$(unit_net_srcs)))$(if $(filter kv_%,$(1)),$(call unit_objs,$(unit_store_srcs)))$(if $(filter sbx_%,$(1)),$(call unit_objs,$(unit_sbx_srcs) $(unit_store_srcs) $(unit_net_srcs)))
.SECONDEXPANSION:
$(UNIT_DIR)/%: $(UNIT_DIR)/obj/tests/unit/%.o $$(call unit_layer,$$*) $(UNIT_DIR)/libcore.a
	$(CC) $(UNIT_CFLAGS) -o $@ $(filter %.o,$^) $(UNIT_DIR)/obj/tests/unit/test_main.o $(UNIT_DIR)/libcore.a $(UNIT_LIBS_$*)

UNIT_LIBS_crypto_test := -lsodium
UNIT_LIBS_crypto_x25519_test := -lsodium
UNIT_LIBS_crypto_aead_test := -lsodium
UNIT_LIBS_crypto_x25519_32_test := -lsodium
UNIT_LIBS_crypto_poly1305_32_test := -lsodium

.PHONY: unit-test unit-build
unit-build: $(UNIT_BINS)

# Runs every binary; one closing line for all of them.
unit-test:
	@tools/ensure-deps build test
	@$(MAKE) --no-print-directory -s unit-build
	@$(SUITE_ENV) tools/sum-results $(UNIT_BINS)

-include $(wildcard $(UNIT_DIR)/obj/*/*.d $(UNIT_DIR)/obj/*/*/*.d)
