#!/usr/bin/env python3
"""Every phone number intake-gen calls valid is valid for libphonenumber, unique per
person, and every bad_phone defect is invalid: 100,000 rows of each layout go through
phone_check (a small C++ program over libphonenumber). Prints TAP.
Usage: test_gen_phones.py path/to/intake-gen path/to/phone_check [rows]
"""
import os
import subprocess
import sys
import tempfile

from genlib import IDENT, PHONE, Tap, check, read_defects, read_records, run_gen

CHECKER = sys.argv[2] if len(sys.argv) > 2 else "phone_check"
ROWS = int(sys.argv[3]) if len(sys.argv) > 3 else 100000


def run_checker(lines):
    p = subprocess.run([CHECKER], input="".join(lines).encode(), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    return p.returncode, p.stdout.decode("utf-8", "replace")


def layout_phones(fmt, seed):
    d = tempfile.NamedTemporaryFile(prefix="intake-gen-defects-", delete=False)
    d.close()
    try:
        out, _, _ = run_gen("--format", fmt, "--rows", ROWS, "--seed", seed,
                            "--invalid-rate", 0.1, "--dup-rate", 0.2, "--defects", d.name)
        defects = read_defects(d.name)
    finally:
        os.unlink(d.name)
    recs = read_records(out)
    col, region = PHONE[fmt]
    pi, ii = recs[0][1].index(col), recs[0][1].index(IDENT[fmt])
    lines, bad = [], 0
    for number, (start, row) in enumerate(recs[1:], 1):
        cell = row[pi]
        if cell in ("", "="):
            continue
        d = defects.get(number)
        if d is not None and d[1] == "bad_phone":
            lines.append("x\t%s\t-\t%s\n" % (region, cell))
            bad += 1
        else:
            person = row[ii] or "-"
            if d is not None and d[2] == IDENT[fmt]:
                person = "?"    # the defect emptied the identifier: whose is unknown
            lines.append("v\t%s\t%s\t%s\n" % (region, person, cell))
    check(bad > ROWS // 200, "%s: only %d bad_phone defects" % (fmt, bad))
    rc, out = run_checker(lines)
    for line in out.splitlines():
        print("# " + line)
    check(rc == 0, "%s: phone_check found failures" % fmt)
    check(out.splitlines()[-1].startswith("checked %d:" % len(lines)),
          "%s: phone_check did not read every line" % fmt)


def checker_can_fail():
    # A wrong number called valid, a valid one called a defect, one number for two persons.
    for lines in (["v\t-\tP1\t+254 12\n"], ["x\t-\t-\t+254712345678\n"],
                  ["v\t-\tP1\t+254712345678\n", "v\t-\tP2\t254712345678\n"],
                  ["v\tUS\tP1\t2025550143\n", "v\tUS\tP1\t+12025550144\n"]):
        rc, out = run_checker(lines)
        check(rc == 1, "phone_check passed %r: %s" % (lines, out))
    rc, out = run_checker(["v\tUS\tP1\t2025550143\n", "v\t-\tP1\t+1 (202) 555-0143\n",
                           "v\t-\tP2\t0031612345678\n", "x\t-\t-\t0612345678\n"])
    check(rc == 0, "phone_check failed good lines: %s" % out)


def main():
    t = Tap()
    t.case("phone_check itself tells valid from invalid", checker_can_fail)
    for seed, fmt in enumerate(("people", "persons", "contacts"), 1):
        t.case("%s: %d rows, valid phones valid and unique, defects invalid" % (fmt, ROWS),
               layout_phones, fmt, seed)
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
