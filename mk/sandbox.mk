# tests/sandbox: Wasm applications on the kernel (hosted, x64, arm64).
#   make sandbox-test      every scenario of tests/sandbox/run.py
#   make sbx-kvd-test      the two-instance sandboxed kvd, driven by the
#                          same client as the native one (tests/kv/kvd_test.py)
SBX_PLATFORMS ?= hosted x64 arm64

.PHONY: sandbox-test sbx-kvd-test
sandbox-test:
	@$(SUITE_ENV) SBX_PLATFORMS="$(SBX_PLATFORMS)" python3 tests/sandbox/run.py

sbx-kvd-test:
	@$(SUITE_ENV) tools/sum-results $(foreach p,$(SBX_PLATFORMS),"KVD_APP=apps/wasm/kvd/kvd.manifest PLATFORM=$(p) ACCEL=tcg timeout 600 python3 tests/kv/kvd_test.py")
