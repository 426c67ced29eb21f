#!/bin/sh
# make wasm-bench: build and time bench/wasm; results in bench/results/wasm.md.
set -e
here=$(dirname "$0")
for tool in node ld.lld llvm-strip llvm-size; do
	command -v $tool >/dev/null || { echo "wasm-bench: $tool not found"; exit 1; }
done
[ -d /usr/share/wasi-sysroot ] || [ -d /usr/lib/wasm32-wasi ] || \
	echo "wasm-bench: note: needs Debian packages wasi-libc and libclang-rt-14-dev-wasm32"
exec python3 "$here/bench.py" "$1" "$here/../results/wasm.md"
