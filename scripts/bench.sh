#!/bin/sh
# make bench: the benchmarks of CONTRACT 7 on generated data, as one table of wall
# seconds, rows/s, MB/s and peak RSS per measurement.
#   scripts/bench.sh BUILD_DIR      (make bench passes the release build, build-release)
# Environment:
#   BENCH_OUT    where data and scratch files go (default ./bench-out); a data file is
#                reused while the generator arguments it was made with stay the same
#   BENCH_ROWS   rows of the people file (default 1000000)
#   BENCH_ONLY   the measurements to run, by name (default: all of MEASUREMENTS)
#   PG_BIN       the PostgreSQL server programs (default: the newest /usr/lib/postgresql/*/bin)
# To add a measurement: write a bench_<name> function below and add <name> to MEASUREMENTS.
set -eu

build=${1:-build-release}
root=$(cd "$(dirname "$0")/.." && pwd)
case "$build" in /*) ;; *) build=$root/$build ;; esac
out=${BENCH_OUT:-$root/bench-out}
rows=${BENCH_ROWS:-1000000}
gen=$build/tools/gen/intake-gen
bench_parse=$build/tools/bench/bench_parse
work=$out/work
data=
bytes=0

MEASUREMENTS="sqlite_import psql_copy parse validate import reimport dry_run import_10m"
# Import benchmarks, added with the import pipeline (one function each, same pattern):
#   import      the 1M-row file into a new SQLite program
#   reimport    the same file again (every row unchanged)
#   dry_run     validation only, nothing written
#   invalid     a file with 10% invalid rows (data_file people-invalid --invalid-rate 0.1 ...)
#   import_10m  10,000,000 rows (data_file people-10m --rows 10000000 --seed 1)
#   pg_*        the same on PostgreSQL, on the throwaway server of pg_start

# ---------------------------------------------------------------- helpers

say() {
	printf '%s\n' "$*"
}

# data_file NAME GENERATOR-ARGS...: sets $data and $bytes to a file made by intake-gen with
# those arguments, generating it unless it is already there with the same arguments.
data_file() {
	name=$1
	shift
	data=$out/$name.csv
	args="$*"
	if [ -f "$data" ] && [ -f "$data.args" ] && [ "$(cat "$data.args")" = "$args" ]; then
		say "data: $data (intake-gen $args, reused)"
	else
		say "data: $data (intake-gen $args)"
		rm -f "$data.args"
		"$gen" "$@" -o "$data.part"
		mv "$data.part" "$data"
		printf '%s\n' "$args" >"$data.args"
	fi
	bytes=$(stat -c %s "$data")
}

# measure NAME NOTE COMMAND...: one row of the table for COMMAND over $data. A NOTE of
# "-" shows the last line the command wrote on standard error instead.
measure() {
	name=$1
	note=$2
	shift 2
	if [ "$note" = "-" ]; then
		set -- --note-stderr -- "$@"
	else
		set -- --note "$note" -- "$@"
	fi
	python3 "$root/tools/bench/measure.py" --name "$name" --rows "$data_rows" \
		--bytes "$bytes" "$@" || true
}

skip() {
	printf '%-30s %s\n' "$1" "skipped: $2"
}

# The table's columns, from the data file's header row (all text).
text_columns() {
	head -n 1 "$data" | tr -d '\r' | sed -e 's/^/"/' -e 's/,/" TEXT, "/g' -e 's/$/" TEXT/'
}

# pg_start: a throwaway PostgreSQL server on a Unix socket under /tmp, as the postgres user
# when run as root. Sets $pg_dir and $psql; returns 1 (with $pg_why) when it cannot.
pg_dir=
psql=
pg_start() {
	[ -n "$psql" ] && return 0
	bin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
	if [ -z "$bin" ] || [ ! -x "$bin/initdb" ] || ! command -v psql >/dev/null; then
		pg_why="PostgreSQL server programs not found (Debian package postgresql)"
		return 1
	fi
	pg_dir=$(mktemp -d /tmp/intake-bench-pg.XXXXXX)
	as=
	if [ "$(id -u)" -eq 0 ]; then
		if ! id postgres >/dev/null 2>&1; then
			pg_why="running as root and there is no postgres user"
			return 1
		fi
		chown postgres "$pg_dir"
		as="runuser -u postgres --"
	fi
	if ! $as "$bin/initdb" -D "$pg_dir/data" -A trust -U postgres >"$pg_dir/initdb.log" 2>&1 ||
	   ! $as "$bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w \
		-o "-k $pg_dir -c listen_addresses=''" start >/dev/null 2>&1; then
		pg_why="the server did not start (see $pg_dir)"
		pg_dir_keep=1
		return 1
	fi
	psql="psql -h $pg_dir -U postgres -d postgres -X -q -v ON_ERROR_STOP=1"
}

pg_stop() {
	if [ -n "$psql" ]; then
		$as "$bin/pg_ctl" -D "$pg_dir/data" -m fast stop >/dev/null 2>&1 || true
		psql=
	fi
	if [ -n "$pg_dir" ] && [ -z "${pg_dir_keep:-}" ]; then
		rm -rf "$pg_dir"
	fi
}

# ---------------------------------------------------------------- measurements

bench_sqlite_import() {
	if ! command -v sqlite3 >/dev/null; then
		skip "sqlite3 .import" "sqlite3 not installed"
		return
	fi
	db=$work/sqlite-import.db
	rm -f "$db" "$db-journal"
	measure "sqlite3 .import, text table" "new database file" \
		sqlite3 "$db" "CREATE TABLE people($(text_columns));" \
		".import --csv --skip 1 \"$data\" people"
	n=$(sqlite3 "$db" "SELECT count(*) FROM people;")
	[ "$n" = "$data_rows" ] || say "    warning: the table holds $n rows, not $data_rows"
	rm -f "$db"
}

bench_psql_copy() {
	if ! pg_start; then
		skip "psql \\copy" "$pg_why"
		return
	fi
	$psql -c "CREATE TABLE people($(text_columns));"
	measure "psql \\copy, text table" "psql only: the server's CPU and RSS not counted" \
		$psql -c "\\copy people FROM '$data' WITH (FORMAT csv, HEADER true)"
	n=$($psql -t -A -c "SELECT count(*) FROM people;")
	[ "$n" = "$data_rows" ] || say "    warning: the table holds $n rows, not $data_rows"
	$psql -c "DROP TABLE people;"
}

bench_parse() {
	if [ ! -x "$bench_parse" ]; then
		skip "parse only" "tools/bench/bench_parse is not built (needs csv and value)"
		return
	fi
	measure "parse only (csv reader)" - "$bench_parse" parse "$data"
}

bench_validate() {
	if [ ! -x "$bench_parse" ]; then
		skip "parse + validate every cell" "tools/bench/bench_parse is not built"
		return
	fi
	measure "parse + validate every cell" - "$bench_parse" validate "$data"
}

# The import benchmarks (1M people rows, seed 1, invalid-rate 0.02, dup-rate 0.05,
# into a new program with referenceId identifier and unique phone). They share one data
# directory: reimport runs on what import made.
intake=$build/intake
schema=$root/tests/data/import/_schemas/gen-people.json
idata=$work/intake-data

# An import exits 3 when some rows were rejected: that is a result, not a failure.
ok3='"$@"; s=$?; [ "$s" -eq 0 ] || [ "$s" -eq 3 ]'

new_program() {
	rm -rf "$idata"
	"$intake" --data "$idata" init 2>/dev/null
	"$intake" --data "$idata" program create people --schema "$schema" >/dev/null 2>&1
}

import_data() {
	data_file "people-$rows-seed1-mixed" --format people --rows "$rows" --seed 1 \
		--invalid-rate 0.02 --dup-rate 0.05
	data_rows=$rows
}

bench_import() {
	import_data
	if command -v sqlite3 >/dev/null; then
		db=$work/sqlite-import-mixed.db
		rm -f "$db"
		measure "sqlite3 .import, same file" "unindexed text table" \
			sqlite3 "$db" "CREATE TABLE people($(text_columns));" \
			".import --csv --skip 1 \"$data\" people"
		rm -f "$db"
	fi
	new_program
	measure "intake import, new program" - \
		sh -c "$ok3" sh "$intake" --data "$idata" import --program people "$data"
}

bench_reimport() {
	import_data
	[ -d "$idata" ] || { new_program; sh -c "$ok3" sh "$intake" --data "$idata" import \
		--program people "$data" >/dev/null 2>&1; }
	measure "intake import again" - \
		sh -c "$ok3" sh "$intake" --data "$idata" import --program people "$data"
}

bench_dry_run() {
	import_data
	new_program
	measure "intake import --dry-run" - \
		sh -c "$ok3" sh "$intake" --data "$idata" import --program people --dry-run "$data"
}

bench_import_10m() {
	data_file "people-10m-seed1-mixed" --format people --rows 10000000 --seed 1 \
		--invalid-rate 0.02 --dup-rate 0.05
	data_rows=10000000
	new_program
	measure "intake import, 10M rows" - \
		sh -c "$ok3" sh "$intake" --data "$idata" import --program people "$data"
	rm -rf "$idata"
}

# ---------------------------------------------------------------- main

if [ ! -x "$gen" ]; then
	say "bench.sh: $gen not found; build first (make bench does)" >&2
	exit 1
fi
mkdir -p "$out" "$work"
trap pg_stop EXIT
trap 'exit 130' INT TERM

say "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
data_file "people-$rows-seed1" --format people --rows "$rows" --seed 1
data_rows=$rows
say "$rows rows, $(awk "BEGIN { printf \"%.1f\", $bytes / 1e6 }") MB"
say ""
python3 "$root/tools/bench/measure.py" --header
for m in ${BENCH_ONLY:-$MEASUREMENTS}; do
	"bench_$m"
done
