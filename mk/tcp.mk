# TCP in the IP stack (net/tcp/, docs/tcp.md).
#
#   make tcp-test        apps/tcpecho on hosted (TAP), x64 and arm64 VMs in
#                        network namespaces against Linux: nc, socat,
#                        10 MiB each way (SHA-256), mote as client, scapy
#                        hostile segments and a SYN flood, the transfer
#                        through tools/lossy_fwd.py; apps/httpd against
#                        curl, wget, http.client (keep-alive, pipelining),
#                        ab and wrk, a 404 and a 413 (root; TCP_PLATFORMS).
#   make tcp-fuzz-short  libFuzzer on segments into connections in every
#                        state (TCP_FUZZ_SECS).
# The unit tests (tests/unit/net_tcp_*.c) run in `make unit-test`.
# Each ends with "N passed, N failed[, N skipped]".

TCP_PLATFORMS ?= hosted x64 arm64
TCP_ACCEL     ?= tcg
.PHONY: tcp-test
tcp-test:
	@tools/ensure-deps build test qemu
	@for p in $(TCP_PLATFORMS); do \
	  $(MAKE) --no-print-directory -s PLATFORM=$$p APP=tcpecho kernel || exit 1; \
	  $(MAKE) --no-print-directory -s PLATFORM=$$p APP=httpd kernel || exit 1; \
	done
	@if [ "$$(id -u)" != 0 ]; then \
	  echo "SKIP tcp-test: needs root for network namespaces and TAP"; \
	  echo "0 passed, 0 failed, 1 skipped"; \
	elif [ ! -c /dev/net/tun ]; then \
	  echo "SKIP tcp-test: no /dev/net/tun"; \
	  echo "0 passed, 0 failed, 1 skipped"; \
	else \
	  $(SUITE_ENV) python3 tests/tcp/tcp_test.py --accel $(TCP_ACCEL) \
	      --platform "$$(echo $(TCP_PLATFORMS) | tr ' ' ,)"; \
	fi

TCP_FUZZ_DIR  := $(BUILD)/tcp-fuzz
TCP_FUZZ_SECS ?= 25
TCP_FUZZ_SRCS = tests/fuzz/tcp_fuzz.c $(FUZZ_STACK_SRCS)

$(TCP_FUZZ_DIR)/tcp_fuzz: $(TCP_FUZZ_SRCS) $(wildcard net/*.h net/tcp/*.h)
	@mkdir -p $(dir $@)
	@$(CC) -std=gnu11 -g -O1 $(WARN) -Wno-gnu-statement-expression \
	    -Iinclude -I. -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=all $(TCP_FUZZ_SRCS) -o $@

.PHONY: tcp-fuzz-short
tcp-fuzz-short: $(TCP_FUZZ_DIR)/tcp_fuzz
	@rm -rf $(TCP_FUZZ_DIR)/corpus && mkdir -p $(TCP_FUZZ_DIR)/corpus
	@python3 tests/fuzz/tcp_seeds.py $(TCP_FUZZ_DIR)/corpus
	@cd $(TCP_FUZZ_DIR) && if ./tcp_fuzz -max_total_time=$(TCP_FUZZ_SECS) \
	    -max_len=4096 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	    corpus > fuzz.log 2>&1; then \
	  grep -E '^stat::number_of_executed_units' fuzz.log | sed 's/^/  /'; \
	  echo "PASS tcp_fuzz ($(TCP_FUZZ_SECS) s, no sanitizer report)"; \
	  echo "1 passed, 0 failed"; \
	else \
	  tail -40 fuzz.log; echo "FAIL tcp_fuzz: see $(TCP_FUZZ_DIR)/fuzz.log"; \
	  echo "0 passed, 1 failed"; exit 1; \
	fi
