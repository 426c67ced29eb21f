# tests/hosted: the hosted echo app against real sockets and image files.
HOSTED_KERNEL := $(BUILD)/hosted/echo/mote.elf

.PHONY: hosted-test hosted-kernel
hosted-kernel:
	@$(MAKE) --no-print-directory -s PLATFORM=hosted APP=echo kernel

hosted-test: hosted-kernel
	@$(SUITE_ENV) python3 tests/hosted/run.py $(HOSTED_KERNEL)

# The hosted suites that exercise I/O, again on the epoll back end (the
# default runs above and in their own suites use io_uring where the host
# has it). HOSTED_IO=epoll reaches every hosted boot: tests/hosted reads
# it, the others start the kernel with `make print-run`, which adds io=.
HOSTED_EPOLL_SUITES = "python3 tests/hosted/run.py $(HOSTED_KERNEL)" \
  "$(MAKE) -s --no-print-directory net-test NET_PLATFORMS=hosted" \
  "$(MAKE) -s --no-print-directory kvd-test" \
  "$(MAKE) -s --no-print-directory sandbox-test SBX_PLATFORMS=hosted" \
  "$(MAKE) -s --no-print-directory sbx-kvd-test SBX_PLATFORMS=hosted"

.PHONY: hosted-epoll-test
hosted-epoll-test: hosted-kernel
	@HOSTED_IO=epoll $(SUITE_ENV) tools/sum-results $(HOSTED_EPOLL_SUITES)
