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
#                        (tests/wg/wg_test.py; root)

ifdef WG
WG_EMBED   := $(OBJDIR)/wg-embed/$(subst /,_,$(subst ../,,$(APP)))/wg_conf_embed.c
APP_SRCS   += $(WG_EMBED)
KERNEL     := $(OBJDIR)/$(subst /,_,$(subst ../,,$(APP)))-wg/mote.elf
WG_PORT    := $(or $(shell sed -n 's/^[ \t]*[Ll][Ii][Ss][Tt][Ee][Nn][Pp][Oo][Rr][Tt][ \t]*=[ \t]*\([0-9]*\).*/\1/p' $(WG) 2>/dev/null | head -1),51820)
WG_HOSTPORT ?= $(WG_PORT)
ifeq ($(filter tap:%,$(NET)),)
QEMU_NETDEV = -netdev user,id=n0,hostfwd=udp:127.0.0.1:$(PORT)-:$(APP_PORT),hostfwd=udp:127.0.0.1:$(WG_HOSTPORT)-:$(WG_PORT)
endif
.PHONY: FORCE_WG
$(WG_EMBED): FORCE_WG
	@mkdir -p $(dir $@)
	@python3 tools/embed-wg.py $(WG) $@
endif

WG_TOOL := $(BUILD)/tools/wg-keys
$(WG_TOOL): tools/wg-keys.c crypto/x25519.c crypto/ct.c
	@mkdir -p $(dir $@)
	@$(CC) -std=gnu11 -O2 $(WARN) -Iinclude -I. \
	    tools/wg-keys.c crypto/x25519.c crypto/ct.c -o $@

.PHONY: wg-keys wg-unit-test wg-fuzz-short wg-test
wg-keys: $(WG_TOOL)

WG_UNIT_BINS = $(BUILD)/unit/net_wg_test $(BUILD)/unit/crypto_x25519_test \
               $(BUILD)/unit/crypto_aead_test $(BUILD)/unit/crypto_blake2s_test
wg-unit-test:
	@tools/ensure-deps build test
	@$(MAKE) --no-print-directory -s $(WG_UNIT_BINS)
	@tools/sum-results $(WG_UNIT_BINS)
