#!/bin/sh
# make fuzz: long fuzzing runs of every libFuzzer target (not part of CI).
# Usage: scripts/fuzz.sh BUILD_DIR SECONDS_PER_TARGET
# The growing corpus is kept in BUILD_DIR/fuzz-corpus/<target>/; findings are written to
# BUILD_DIR/fuzz-findings/. A finding becomes a regression file in
# tests/fuzz/regressions/<target>/, which 'make test' replays from then on.
set -eu
build=${1:-build-fuzz}
seconds=${2:-600}
status=0
for exe in "$build"/tests/fuzz/fuzz_*; do
	[ -f "$exe" ] && [ -x "$exe" ] || continue	# not the .p object folders
	name=$(basename "$exe" | sed 's/^fuzz_//')
	corpus="$build/fuzz-corpus/$name"
	findings="$build/fuzz-findings/$name"
	mkdir -p "$corpus" "$findings"
	seeds="tests/fuzz/seeds/$name"
	regress="tests/fuzz/regressions/$name"
	dirs="$corpus"
	[ -d "$seeds" ] && dirs="$dirs $seeds"
	[ -d "$regress" ] && dirs="$dirs $regress"
	echo "== fuzz $name for ${seconds}s (corpus $corpus)"
	# shellcheck disable=SC2086
	if ! ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1 \
		"$exe" $dirs -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 \
		-malloc_limit_mb=512 -max_len=65536 -print_final_stats=1 -fork=2 \
		-artifact_prefix="$findings/" 2>"$findings/log.txt"; then
		echo "!! $name: finding(s) in $findings (see log.txt)"
		status=1
	fi
	tail -n 3 "$findings/log.txt"
done
exit $status
