#!/usr/bin/env python3
"""Peak memory of 'intake import' with records near the record limit (CONTRACT 3: peak RSS
under 128 MiB whatever the file size, record length or archive).

2026-11-23: records of 16 MiB took 192 to 209 MiB (three batches of such rows in flight,
the rejected row built whole, a second copy of every text value) and 196 MiB when they
waited for their parent (their payload held twice). Each case here imports rows of about
15.8 MiB, each cell under the 1 MiB cell limit, and reads the peak RSS of that one
process from wait4(): a new program (half the rows rejected), the same rows again with
every value changed (updates, events), a dry run, and rows given children first (they
wait in the store). Each result is checked too, so a run that did less cannot pass.

Skipped in sanitizer builds, whose shadow memory is not intake's.
Usage: memory.py INTAKE BUILD_ROOT   (prints TAP)
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from testkit import tap  # noqa: E402

LIMIT_KIB = 128 * 1024
COLUMNS = 20
CELL = 830000          # bytes per cell: 20 of them make a record of about 15.8 MiB
ROWS = 4


def sanitized(build_root):
    try:
        with open(os.path.join(build_root, "meson-info", "intro-buildoptions.json")) as f:
            opts = {o["name"]: o["value"] for o in json.load(f)}
    except (OSError, ValueError):
        return False
    return opts.get("b_sanitize", "none") not in ("none", "")


def write_inputs(d):
    fields = [{"name": "ref", "type": "text"}, {"name": "n", "type": "integer"},
              {"name": "parent", "type": "reference", "entity": "big", "by": "ref"}]
    fields += [{"name": "c%d" % i, "type": "text"} for i in range(COLUMNS)]
    with open(os.path.join(d, "schema.json"), "w") as f:
        json.dump({"entities": [{"name": "big", "identifiers": ["ref"], "fields": fields}]}, f)
    header = "ref,n,parent," + ",".join("c%d" % i for i in range(COLUMNS)) + "\n"

    def row(ref, n, parent, fill):
        cells = [(fill + ref) * (CELL // (len(ref) + 1)) for _ in range(COLUMNS)]
        return "%s,%s,%s,%s\n" % (ref, n, parent, ",".join(cells))

    with open(os.path.join(d, "flat.csv"), "w") as f:
        f.write(header)
        for r in range(ROWS):
            f.write(row("R%d" % r, "x" if r % 2 else str(r), "", "a"))
    with open(os.path.join(d, "changed.csv"), "w") as f:
        f.write(header)
        for r in range(ROWS):
            f.write(row("R%d" % r, str(r), "", "b"))
    with open(os.path.join(d, "children-first.csv"), "w") as f:
        f.write(header)
        for r in range(ROWS):
            parent = "T%d" % (r + 1) if r + 1 < ROWS else ""
            f.write(row("T%d" % r, str(r), parent, "c"))


def run(binary, env, args):
    """Runs intake; returns (exit status, stdout, peak RSS in KiB)."""
    with tempfile.TemporaryFile() as out:
        p = subprocess.Popen([binary] + args, stdout=out, stderr=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(p.pid, 0)
        out.seek(0)
        return os.waitstatus_to_exitcode(status), out.read(), usage.ru_maxrss


def main(binary, build_root):
    if sanitized(build_root):
        print("1..0 # SKIP peak RSS is not measured in a sanitizer build")
        return 0
    results = []
    with tempfile.TemporaryDirectory(prefix="intake-memory-") as d:
        write_inputs(d)
        env = dict(os.environ, INTAKE_DATA=os.path.join(d, "data"))
        env.pop("INTAKE_DB", None)
        for args in (["init"], ["program", "create", "big", "--schema",
                                os.path.join(d, "schema.json")]):
            subprocess.run([binary] + args, env=env, check=True, capture_output=True)
        cases = [
            ("a new program, half the rows rejected", ["--rejects", os.path.join(d, "r.csv"),
                                                       os.path.join(d, "flat.csv")],
             3, {"inserted": ROWS // 2, "rejected": ROWS // 2}),
            ("every value changed", [os.path.join(d, "changed.csv")],
             0, {"inserted": ROWS // 2, "updated": ROWS // 2}),
            ("a dry run", ["--dry-run", os.path.join(d, "flat.csv")],
             3, {"updated": ROWS // 2, "rejected": ROWS // 2}),
            ("rows given children first", [os.path.join(d, "children-first.csv")],
             0, {"inserted": ROWS}),
        ]
        for what, args, want_status, want in cases:
            status, out, rss = run(binary, env, ["import", "--program", "big"] + args)
            try:
                totals = json.loads(out)["totals"]
            except (ValueError, KeyError):
                totals = {}
            got = {k: totals.get(k) for k in want}
            results.append((status == want_status and got == want,
                            "%s: exit %d and %s" % (what, want_status, want),
                            "exit %d, totals %s" % (status, totals)))
            results.append((rss < LIMIT_KIB, "%s: peak RSS under 128 MiB" % what,
                            "peak RSS %d KiB" % rss))
    return tap(results, always=True)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
