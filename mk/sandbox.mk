# tests/sandbox: Wasm applications on the kernel (hosted, x64, arm64).
#   make sandbox-test      every scenario of tests/sandbox/run.py
#   make sbx-kvd-test      the two-instance sandboxed kvd, driven by the
#                          same client as the native one (tests/kv/kvd_test.py)
SBX_PLATFORMS ?= hosted x64 arm64

.PHONY: sandbox-test sbx-kvd-test
sandbox-test:
	@SBX_PLATFORMS="$(SBX_PLATFORMS)" python3 tests/sandbox/run.py

sbx-kvd-test:
	@ok=0; bad=0; for p in $(SBX_PLATFORMS); do \
	  out=$$(KVD_APP=apps/wasm/kvd/kvd.manifest PLATFORM=$$p ACCEL=tcg timeout 600 \
	         python3 tests/kv/kvd_test.py 2>&1); \
	  echo "$$out" | grep -v -E '^[0-9]+ passed, [0-9]+ failed' | sed "s/^/[$$p] /"; \
	  line=$$(echo "$$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -1); \
	  if [ -z "$$line" ]; then echo "FAIL sbx-kvd[$$p]: no result line"; bad=$$((bad+1)); continue; fi; \
	  p_=$${line%% passed*}; f_=$${line#*passed, }; f_=$${f_%% failed*}; \
	  ok=$$((ok+p_)); bad=$$((bad+f_)); \
	done; echo "$$ok passed, $$bad failed"
