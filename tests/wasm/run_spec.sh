#!/bin/sh
# Convert .wast scripts with wast2json into OUT and run them through the
# spec runner. usage: run_spec.sh RUNNER OUT file.wast...
# SIMD scripts are converted only to count their assertions, which the
# runner reports as skipped. SIMD is not implemented yet: issue 7 asks for
# those scripts to be reported separately, so they get their own line and
# stay out of the closing one (which `make test` sums).
set -u
runner=$1 out=$2
shift 2
here=$(dirname "$0")
if ! command -v wast2json >/dev/null 2>&1; then
	echo "wast2json not found: install Debian/Ubuntu package 'wabt'"
	echo "0 passed, 1 failed"
	exit 1
fi
mkdir -p "$out"
cmds=""
nofile=0
for w in "$@"; do
	b=$(basename "$w" .wast)
	d="$out/$b"
	mkdir -p "$d"
	if ! wast2json "$w" -o "$d/$b.json" >"$d/wast2json.log" 2>&1; then
		echo "$b: wast2json failed (see $d/wast2json.log)"
		nofile=$((nofile + 1))
		continue
	fi
	mode=""
	case $b in simd_*) mode=simd ;; esac
	python3 "$here/wast2cmds.py" "$d/$b.json" "$d/$b.cmds" $mode || continue
	cmds="$cmds $d/$b.cmds"
done
# Optional API_TEST="binary args": its "api: P passed, F failed" line is
# folded into the closing line.
ap=0 af=0
if [ -n "${API_TEST:-}" ]; then
	line=$($API_TEST | tee /dev/stderr | tail -n 1)
	ap=$(echo "$line" | sed -n 's/^api: \([0-9]*\) passed, \([0-9]*\) failed.*/\1/p')
	af=$(echo "$line" | sed -n 's/^api: \([0-9]*\) passed, \([0-9]*\) failed.*/\2/p')
	[ -n "$ap" ] || { ap=0; af=1; }
fi
"$runner" $cmds >"$out/runner.log" 2>&1
rc=$?
sed '$d' "$out/runner.log"
last=$(tail -n 1 "$out/runner.log")
p=$(echo "$last" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1/p')
f=$(echo "$last" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\2/p')
s=$(echo "$last" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\3/p')
if [ -z "$p" ]; then
	echo "$last"
	echo "runner crashed (exit $rc); see $out/runner.log"
	p=0 f=1 s=0
fi
f=$((f + af + nofile))
echo "SIMD: $s assertions in the simd_*.wast scripts not run (SIMD not implemented yet)"
echo "$((p + ap)) passed, $f failed"
[ "$f" -eq 0 ]
