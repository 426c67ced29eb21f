# arm32 platform tests (platform/arm32/tests/, docs/arm32.md).
#
#   make arm32-test   the run-time ABI helpers on the target (rt_test.py),
#                     then boots of apps/echo on arm32: mmio and pci twice
#                     each, HYP entry, highmem=on, and the panic path
#                     (boot_test.py). Ends "N passed, N failed". ~25 s.
# Included for every PLATFORM; it builds PLATFORM=arm32 itself.
.PHONY: arm32-test
arm32-test:
	@$(SUITE_ENV) BUILD=$(BUILD) python3 platform/arm32/tests/boot_test.py
