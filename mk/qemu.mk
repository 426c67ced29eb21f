# QEMU targets shared by the bare-metal platforms.
#
#   make qemu-test        boot every (platform, transport, accel) row of
#                         tests/qemu/run.py and drive it from the host
#                         (QEMU_TEST_ROWS="x64-q35" picks rows by substring).
#                         Ends "N passed, N failed[, N skipped]".
#   make debug            boot $(PLATFORM) paused, with a gdb server on
#                         127.0.0.1:$(GDB_PORT) (default 1234) (docs/debugging.md).
# A platform's PLAT_RUN must end with $(QEMU_EXTRA) for `debug` to work.

QEMU_TEST_ROWS ?=
.PHONY: qemu-test debug

qemu-test:
	@$(SUITE_ENV) python3 tests/qemu/run.py $(QEMU_TEST_ROWS)

GDB_PORT ?= 1234
debug: QEMU_EXTRA = -S -gdb tcp:127.0.0.1:$(GDB_PORT)
debug: deps
	@$(MAKE) --no-print-directory kernel
	@$(MAKE) --no-print-directory $(DRIVE)
	@echo "mote: QEMU paused with a gdb server on 127.0.0.1:$(GDB_PORT). In another terminal:"
	@echo "  gdb $(KERNEL) -ex 'target remote :$(GDB_PORT)' -ex 'hbreak kmain' -ex continue"
	$(PLAT_RUN)
