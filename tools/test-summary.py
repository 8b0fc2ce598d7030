#!/usr/bin/env python3
"""Prints one line per failed case and the final 'N passed, N failed' line over the
meson test logs given (build*/meson-logs/testlog.json). Exit status 1 if anything failed.

A TAP test counts each 'ok'/'not ok' line it printed; a test that failed without printing
a failing case (crash, timeout, sanitizer report after the last case) counts one failure
more. Skipped cases are counted apart and are not failures.
"""
import json
import re
import sys

TAP = re.compile(r"^(not ok|ok)\b(.*)$", re.M)


def main(paths):
    passed = failed = skipped = 0
    for path in paths:
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                lines = [json.loads(l) for l in f if l.strip()]
        except FileNotFoundError:
            print("missing test log: %s" % path)
            failed += 1
            continue
        build = path.split("/meson-logs")[0]
        for t in lines:
            name, result = t["name"], t["result"]
            out = t.get("stdout") or ""
            cases = TAP.findall(out)
            ok = sum(1 for s, rest in cases if s == "ok" and "# SKIP" not in rest.upper())
            skip = sum(1 for s, rest in cases if "# SKIP" in rest.upper())
            bad = [rest for s, rest in cases if s == "not ok" and "# TODO" not in rest.upper()]
            if result == "SKIP":
                skipped += 1
                continue
            if not cases:
                ok = 1 if result in ("OK", "EXPECTEDFAIL") else 0
            passed += ok
            skipped += skip
            failed += len(bad)
            for rest in bad:
                print("FAIL %s: %s%s" % (build, name, rest))
            if result not in ("OK", "EXPECTEDFAIL") and not bad:
                failed += 1
                print("FAIL %s: %s (%s, exit %s)" % (build, name, result, t.get("returncode")))
    if skipped:
        print("%d skipped" % skipped)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
