# mote: top-level build. `make help` lists targets and variables.
#
# One kernel image = portable code (kernel/ lib/ net/ store/ crypto/) +
# one platform (platform/$(PLATFORM)/platform.mk picks its sources, flags
# and QEMU command, Solo5-style: no #ifdef forest) + one app (apps/$(APP)).

ifeq ($(shell uname -m),x86_64)
DEFAULT_PLATFORM := $(if $(wildcard platform/x64/platform.mk),x64,hosted)
else
DEFAULT_PLATFORM := $(if $(wildcard platform/arm64/platform.mk),arm64,hosted)
endif
PLATFORM ?= $(DEFAULT_PLATFORM)
APP      ?= echo
PORT     ?= 8080
BUILD    ?= build
DRIVE    ?= $(BUILD)/disk.img
DRIVE_MB ?= 16
USE_PCI  ?= 0
NET      ?= user
ACCEL    ?=
ARGS     ?=
# `make` with no target builds the selected kernel (`all`). Set here, so
# the first target of a platform.mk or of mk/*.mk cannot become the default.
.DEFAULT_GOAL := all

# What every platform passes as its kernel command line: the host port the
# app is reachable on (for its "try:" line), then ARGS.
BOOT_ARGS = $(strip hostport=$(PORT) $(ARGS))

# APP=path/prog.wasm or APP=path/app.manifest: a sandboxed application,
# hosted by apps/sbx with its modules embedded by tools/embed.py. ARGS
# then become the program's arguments instead of boot arguments. A .wasm
# gets the memory limit SBX_MEMORY (MiB) or, without it, the module's
# declared maximum capped by the kernel's free memory (docs/sandbox.md).
SBX_MEMORY ?=
ifneq ($(filter %.wasm %.manifest,$(APP)),)
SBX_APP := $(APP)
SBX_ARGS := $(ARGS)
override APP := sbx
# Hosted: kernel RAM (mem=, default 1024 MiB) for an SBX_MEMORY limit too
# large for the default; the arena takes twice the limit.
override ARGS := $(if $(SBX_MEMORY),$(if $(filter hosted,$(PLATFORM)),mem=$(shell expr 2 \* $(SBX_MEMORY) + 256)))
endif

# The QEMU arguments every bare-metal platform shares: virtio-net on user
# networking (host 127.0.0.1:PORT forwarded to the app's port, UDP and TCP, APP_PORT:
# 8080 unless apps/<app>/app.mk says otherwise) or an
# existing TAP device (NET=tap:IFNAME), virtio-blk on DRIVE, virtio-rng;
# over virtio-mmio (virtio-*-device, modern registers unless MMIO_LEGACY=1)
# or, with USE_PCI=1, virtio-pci (no option ROM: nothing here boots from
# the NIC). A platform's PLAT_RUN adds the machine, CPU and exit device.
, := ,
MMIO_LEGACY ?= 0
QEMU_EXTRA ?=
VIRTIO_BUS = $(if $(filter 1,$(USE_PCI)),pci,device)
QEMU_NETDEV = $(if $(filter tap:%,$(NET)),-netdev tap$(,)id=n0$(,)ifname=$(NET:tap:%=%)$(,)script=no$(,)downscript=no,-netdev user$(,)id=n0$(,)hostfwd=udp:127.0.0.1:$(PORT)-:$(APP_PORT)$(,)hostfwd=tcp:127.0.0.1:$(PORT)-:$(APP_PORT))
QEMU_VIRTIO = $(if $(filter 1,$(USE_PCI) $(MMIO_LEGACY)),,-global virtio-mmio.force-legacy=false) \
  $(QEMU_NETDEV) -device virtio-net-$(VIRTIO_BUS),netdev=n0$(if $(filter 1,$(USE_PCI)),$(,)romfile=) \
  -drive file=$(DRIVE),format=raw,if=none,id=d0 -device virtio-blk-$(VIRTIO_BUS),drive=d0 \
  -device virtio-rng-$(VIRTIO_BUS)

CC       := clang
OBJDIR   := $(BUILD)/$(PLATFORM)
# One directory per app; an APP path outside apps/ (../tests/qemu/devcheck)
# is flattened so it cannot escape $(OBJDIR).
KERNEL   := $(OBJDIR)/$(subst /,_,$(subst ../,,$(APP)))/mote.elf

# Warnings for all of our code: the dangerous ones are errors (STYLE.md).
WARN := -Wall -Wextra -Werror -Wpedantic -Wmissing-prototypes \
        -Wstrict-prototypes -Wvla -Wundef -Wshadow -Wcast-qual \
        -Wno-gnu-zero-variadic-macro-arguments
# Portable code is freestanding C11 on every platform, hosted included.
KCFLAGS := -std=c11 -ffreestanding -fno-common -fno-math-errno -O2 -g $(WARN) \
           -Iinclude -I. -MMD -MP

# An app names the layers it links in apps/$(APP)/app.mk (APP_LAYERS),
# so the echo kernel carries no KV store. Default: the network stack.
APP_LAYERS  := net
APP_PORT    := 8080
ifdef SBX_APP  # a sandboxed app listens where its manifest's first udp or tcp grant says
APP_PORT    := $(or $(shell sed -n 's/^ *grant \(udp\|tcp\) \([0-9]*\) .*/\2/p' $(SBX_APP) 2>/dev/null | head -1),8080)
endif
-include apps/$(APP)/app.mk
# WireGuard (net/wg*.c) is linked only where asked for: the app's
# APP_LAYERS names wg, WG=conf builds a configuration in, or WG_LAYER=1
# (for the boot argument wg= alone). The echo kernel stays small without it;
# a kernel built with it where its app does not ask gets its own directory.
WG_LAYER ?= $(if $(or $(WG),$(filter wg,$(APP_LAYERS))),1)
ifeq ($(WG_LAYER)$(filter wg,$(APP_LAYERS)),1)
KERNEL   := $(OBJDIR)/$(subst /,_,$(subst ../,,$(APP)))-wg/mote.elf
endif
KERNEL_SRCS := $(wildcard kernel/*.c) $(wildcard crypto/*.c) \
               $(filter-out $(if $(filter 1,$(WG_LAYER)),,$(wildcard net/wg*.c)), \
                 $(foreach l,$(filter-out wg,$(APP_LAYERS)),$(wildcard $(l)/*.c)))
LIB_SRCS    := $(filter-out lib/mem.c,$(wildcard lib/*.c))
LIB_MEM_SRC := lib/mem.c
LIB_RT_SRCS := $(wildcard lib/rt/*.c)   # 32-bit platforms only
APP_SRCS    := $(wildcard apps/$(APP)/*.c)
# Code that computes with floating point (the Wasm interpreter). A platform
# whose kernel code must stay off the FPU (x86: PLAT_NOFPU_CFLAGS) builds
# these with PLAT_FPU_CFLAGS instead; that is safe because interrupts are
# only ever taken inside platform_wait, never while such code runs.
FPU_SRCS    := $(wildcard wasm/*.c)
ifdef SBX_APP
SBX_EMBED   := $(OBJDIR)/sbx/embed.c
APP_SRCS    += $(SBX_EMBED)
endif

# The variables of one kernel build and boot: the table in README.md and
# the platforms' own. A test suite or benchmark builds and boots what it
# tests with its own values, so its driver must see none of these, neither
# from make's command line (passed down in MAKEFLAGS and the environment)
# nor from the user's environment: every suite and bench recipe runs its
# driver under $(SUITE_ENV). So `make arm32-test APP=kvd` tests arm32 as
# always, and `make test PLATFORM=x64` runs every suite unchanged.
KERNEL_VARS := APP PLATFORM ARGS PORT DRIVE DRIVE_MB USE_PCI NET ACCEL \
               MMIO_LEGACY QEMU_EXTRA SBX_MEMORY ARM32_CPU ARM32_GIC ARM64_CPU \
               GIC SEMIHOSTING
SUITE_ENV := env $(foreach v,$(KERNEL_VARS) MAKEFLAGS MFLAGS MAKEOVERRIDES,-u $(v))

include platform/$(PLATFORM)/platform.mk
-include mk/*.mk

ALL_SRCS := $(KERNEL_SRCS) $(LIB_SRCS) $(APP_SRCS) $(PLAT_SRCS)
ALL_OBJS := $(patsubst %,$(OBJDIR)/obj/%.o,$(ALL_SRCS))

.PHONY: all kernel run test bench clean format help deps print-kernel print-run
all kernel: $(KERNEL)

$(OBJDIR)/obj/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(or $(CFLAGS_$<),$(KCFLAGS) $(PLAT_CFLAGS) $(if $(filter $(FPU_SRCS),$<),$(PLAT_FPU_CFLAGS),$(PLAT_NOFPU_CFLAGS))) -c $< -o $@
$(OBJDIR)/obj/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(PLAT_ASFLAGS) -Iinclude -I. -MMD -MP -c $< -o $@

$(KERNEL): $(ALL_OBJS) $(PLAT_LINK_DEPS)
	@mkdir -p $(dir $@)
	$(PLAT_LINK) -o $@ $(ALL_OBJS) $(PLAT_LDFLAGS)

ifdef SBX_APP
.PHONY: FORCE
$(SBX_EMBED): FORCE
	@SBX_MEMORY=$(SBX_MEMORY) python3 tools/embed.py $(SBX_APP) $@ $(SBX_ARGS)
endif

print-kernel:
	@echo $(KERNEL)

# The command that boots $(KERNEL): tests and benchmarks use this so the
# QEMU command line lives in one place per platform.
print-run:
	@echo '$(PLAT_RUN)'

print-var-%:
	@echo '$($*)'

# What `make run` needs: the toolchain, the platform's QEMU, and the
# commands its "try:" line tells the user to type (group run).
deps:
	@tools/ensure-deps build run $(PLAT_DEPS)

$(DRIVE):
	@mkdir -p $(dir $@)
	truncate -s $(DRIVE_MB)M $@

run: deps
	@$(MAKE) --no-print-directory kernel
	@$(MAKE) --no-print-directory $(DRIVE)
	$(PLAT_RUN)

test: deps
	@tools/ensure-deps build qemu test
	@$(SUITE_ENV) python3 tests/run.py

bench: deps
	@tools/ensure-deps build qemu test bench
	@$(SUITE_ENV) python3 bench/run.py

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD)

help:
	@echo "targets: all (the default: build the kernel) run test bench clean format debug kernel NAME-test (tests/suites.txt)"
	@echo "PLATFORM=$(PLATFORM) APP=$(APP) PORT=$(PORT) DRIVE=$(DRIVE) USE_PCI=$(USE_PCI) NET=$(NET) ACCEL=$(ACCEL) SBX_MEMORY=$(SBX_MEMORY)"

-include $(ALL_OBJS:.o=.d)
