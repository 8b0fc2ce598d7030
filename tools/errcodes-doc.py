#!/usr/bin/env python3
"""Writes docs/errors.md from src/base/errcodes.def (the one table of error codes).

Usage: errcodes-doc.py ERRCODES.DEF [OUT.md]   (no OUT: compare with it; --check OUT)
"""
import re
import sys

LINE = re.compile(r'^ERRCODE\(\s*(\w+)\s*,\s*"([^"]+)"\s*,\s*(\w+)\s*,\s*"((?:[^"\\]|\\.)*)"\s*\)',
                  re.M)
TITLES = {"ROW": "Row level: the row is rejected, the rest of the file goes on",
          "FILE": "File level: the file stops at this point; other files go on",
          "JOB": "Job level: the job stops",
          "ENV": "Usage and environment (command line and API; never in a report)",
          "OBSOLETE": "Retired (kept so the names are never reused)"}


def render(text):
    rows = LINE.findall(text)
    out = ["# Error codes", "",
           "Generated from `src/base/errcodes.def` by `tools/errcodes-doc.py`; do not edit.",
           "Codes are stable: never renamed, never reused. Reports, rejection files",
           "(`intake_error`) and the API show the code; the sentence is the default text.", ""]
    for scope in ("ROW", "FILE", "JOB", "ENV", "OBSOLETE"):
        these = [r for r in rows if r[2] == scope and r[1] != "ok"]
        if not these:
            continue
        out += ["## " + TITLES[scope], "", "| code | meaning |", "| --- | --- |"]
        out += ["| `%s` | %s |" % (name, sentence) for _, name, _, sentence in these]
        out.append("")
    return "\n".join(out)


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        doc = render(f.read())
    if len(argv) >= 4 and argv[2] == "--check":
        with open(argv[3], encoding="utf-8") as f:
            current = f.read()
        print("1..1")
        if current == doc:
            print("ok 1 - docs/errors.md matches errcodes.def")
            return 0
        print("not ok 1 - docs/errors.md is out of date: run 'make docs'")
        return 1
    if len(argv) >= 3:
        with open(argv[2], "w", encoding="utf-8") as f:
            f.write(doc)
    else:
        sys.stdout.write(doc)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
