# tests/sandbox: Wasm applications on the hosted kernel.
.PHONY: sandbox-test
sandbox-test:
	@python3 tests/sandbox/run.py
