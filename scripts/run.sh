#!/bin/sh
# make run: what intake can show so far. Generates a sample people file and imports it
# into a demo data directory, printing the report; grows into 'intake serve' later.
set -eu
bin=${1:-build/intake}
"$bin" --help
