# tests/build: the build system's promises (issue 14): `make` alone builds
# the selected kernel, suites are immune to APP/PLATFORM/..., ensure-deps
# covers the commands `make run` prints, the kernel's wasm interpreter
# inlines guest memory accesses. ~40 s.
#   make build-test
.PHONY: build-test
build-test:
	@$(SUITE_ENV) python3 tests/build/run.py
