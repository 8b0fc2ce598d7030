#!/usr/bin/env python3
"""intake-gen's files read back by intake itself: gen_readback runs the project's CSV reader
and value parsers over each layout. Every record comes back on the line Python's csv module
and the --defects list say, valid rows pass every field, and each defective row fails in
the column its defect names. Prints TAP.
Usage: test_gen_readback.py path/to/intake-gen path/to/gen_readback
"""
import os
import subprocess
import sys
import tempfile

from genlib import Tap, check, read_defects, read_records, run_gen

READBACK = sys.argv[2] if len(sys.argv) > 2 else "gen_readback"
TMP = tempfile.mkdtemp(prefix="intake-gen-readback-")

CASES = (
    ("people", 30000, ["--line-ending", "crlf", "--bom"]),
    ("persons", 8000, ["--quote", "all"]),
    ("contacts", 8000, []),
)


def readback(fmt, rows, extra):
    data, defects_path = os.path.join(TMP, fmt + ".csv"), os.path.join(TMP, fmt + ".d.csv")
    run_gen("--format", fmt, "--rows", rows, "--seed", 21, "--invalid-rate", 0.15,
            "--defects", defects_path, "-o", data, *extra)
    defects = read_defects(defects_path)
    with open(data, "rb") as f:
        starts = [s for s, _ in read_records(f.read())[1:]]
    p = subprocess.run([READBACK, fmt, data], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    check(p.returncode == 0, "gen_readback failed: %s" % p.stderr.decode())
    lines = p.stdout.decode().splitlines()
    check(len(lines) == rows, "intake's reader saw %d records, not %d" % (len(lines), rows))
    multi = 0
    for text in lines:
        number, line, errors = text.split("\t")
        number, line = int(number), int(line)
        check(line == starts[number - 1], "record %d: intake says line %d, Python's csv %d"
              % (number, line, starts[number - 1]))
        multi += number > 1 and line - starts[number - 2] > 1
        cols = set() if errors == "-" else {e.split(":")[0] for e in errors.split(",")}
        d = defects.get(number)
        if d is None:
            check(not cols, "valid record %d (line %d) rejected: %s" % (number, line, errors))
            continue
        check(d[0] == line, "record %d: listed on line %d, read on %d" % (number, d[0], line))
        check(d[2] in cols, "record %d: %s defect in %s, intake says %s"
              % (number, d[1], d[2], errors))
    if fmt == "people":
        check(multi > 0, "no record with a line break inside a cell")


def main():
    t = Tap()
    for fmt, rows, extra in CASES:
        t.case("%s %s: intake's reader and parsers agree with --defects" % (fmt, " ".join(extra)),
               readback, fmt, rows, extra)
    rc = t.done()
    subprocess.run(["rm", "-rf", TMP])
    return rc


if __name__ == "__main__":
    sys.exit(main())
