# TCP from host sockets and apps/httpd (docs/http.md, docs/hosted.md).
#
#   make hosted-tcp-test  tests/http/tcpcheck.c on the hosted platform walks
#                         the net.h TCP semantics against a Python peer
#                         (tests/http/tcp_test.py).
#   make http-test        hosted httpd against curl, wget, http.client, ab,
#                         wrk and raw sockets (tests/http/http_test.py).
#   make http-fuzz-short  libFuzzer on the request parser (HTTP_FUZZ_SECS).
# Each ends with "N passed, N failed".
HTTPT_DIR := $(BUILD)/http-test

.PHONY: hosted-tcp-test http-test http-fuzz-short
hosted-tcp-test:
	@$(MAKE) --no-print-directory -s PLATFORM=hosted APP=tcpcheck \
	    APP_SRCS=tests/http/tcpcheck.c kernel
	@$(SUITE_ENV) python3 tests/http/tcp_test.py $(BUILD)/hosted/tcpcheck/mote.elf

http-test:
	@$(MAKE) --no-print-directory -s PLATFORM=hosted APP=httpd kernel
	@$(SUITE_ENV) python3 tests/http/http_test.py $(BUILD)/hosted/httpd/mote.elf

HTTP_FUZZ_SECS ?= 20
HTTP_FUZZ_SRCS = tests/fuzz/http_fuzz.c apps/httpd/http_parse.c
$(HTTPT_DIR)/http_fuzz: $(HTTP_FUZZ_SRCS) apps/httpd/http_parse.h
	@mkdir -p $(dir $@)
	@$(CC) -std=c11 -g -O1 $(WARN) -Iinclude -I. \
	    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	    $(HTTP_FUZZ_SRCS) -o $@

http-fuzz-short: $(HTTPT_DIR)/http_fuzz
	@rm -rf $(HTTPT_DIR)/corpus && mkdir -p $(HTTPT_DIR)/corpus
	@cp tests/http/seeds/* $(HTTPT_DIR)/corpus/
	@if $(HTTPT_DIR)/http_fuzz -max_total_time=$(HTTP_FUZZ_SECS) -max_len=4096 \
	        -print_final_stats=1 $(HTTPT_DIR)/corpus > $(HTTPT_DIR)/fuzz.log 2>&1; then \
	    grep -E '^stat::number_of_executed_units' $(HTTPT_DIR)/fuzz.log; \
	    echo "PASS http_fuzz ($(HTTP_FUZZ_SECS) s)"; echo "1 passed, 0 failed"; \
	else tail -40 $(HTTPT_DIR)/fuzz.log; echo "FAIL http_fuzz: see $(HTTPT_DIR)/fuzz.log"; \
	    echo "0 passed, 1 failed"; exit 1; fi

# TCP for sandboxed Wasm apps (sandbox/tcp.c), hosted: the refusals of
# tests/sandbox/tcpprobe.c and the Wasm server apps/wasm/httpd. Its own
# BUILD directory, so it never overwrites another suite's sbx kernel.
.PHONY: sbx-tcp-test
sbx-tcp-test:
	@$(SUITE_ENV) SBXTCP_BUILD=$(BUILD)/sbx-tcp python3 tests/http/sbx_tcp_test.py

# The parser's unit test (tests/unit/http_parse_test.c, part of unit-test)
# links the parser itself.
$(BUILD)/unit/http_parse_test: $(BUILD)/unit/obj/apps/httpd/http_parse.o
