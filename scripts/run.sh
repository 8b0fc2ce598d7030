#!/bin/sh
# make run: intake on a demo data directory (./intake-data, or INTAKE_DATA).
# Creates the directory and the demo program (the 121 preset) when missing, generates a
# sample file of 10,000 people with a few defects, imports it, and shows what happened:
# the report, the first rejected rows, and a few stored records.
set -eu
bin=${1:-build/intake}
gen=${2:-build/tools/gen/intake-gen}
data=${INTAKE_DATA:-./intake-data}
work="$data/demo"
export INTAKE_DATA="$data"

"$bin" init
if ! "$bin" program show demo >/dev/null 2>&1; then
	"$bin" program create demo --preset 121
fi
mkdir -p "$work"
"$gen" --format people --rows 10000 --seed "$(date +%s%N)" --invalid-rate 0.02 \
	--dup-rate 0.01 -o "$work/people.csv"
echo "== import $work/people.csv into program 'demo'"
status=0
"$bin" import --program demo --report "$work/report.json" --rejects "$work/rejected.csv" \
	"$work/people.csv" >/dev/null || status=$?
echo "== report ($work/report.json), exit status $status"
cat "$work/report.json"
echo
if [ -s "$work/rejected.csv" ]; then
	echo "== first rejected rows ($work/rejected.csv; fix them and import the file again)"
	head -n 6 "$work/rejected.csv"
fi
echo "== jobs"
"$bin" jobs --program demo
echo "== three stored records"
"$bin" export --program demo --entity registration --format json | head -c 900
echo
echo "== more: $bin --help   (data directory: $data)"
