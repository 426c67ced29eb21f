# tests/hosted: the hosted echo app against real sockets and image files.
HOSTED_KERNEL := $(BUILD)/hosted/echo/mote.elf

.PHONY: hosted-test hosted-kernel
hosted-kernel:
	@$(MAKE) --no-print-directory -s PLATFORM=hosted APP=echo kernel

hosted-test: hosted-kernel
	@$(SUITE_ENV) python3 tests/hosted/run.py $(HOSTED_KERNEL)
