#!/usr/bin/env python3
"""Deferred indexes and fingerprint tables (docs/internals/store.md, "Imports") change how
the store finds records, never what an import does. Four jobs (generated rows; the same
records changed, with taken phone numbers, DELETE, ANONYMIZE, INVALIDATE, DROP, INSERT of
existing records; the first file again; new records) run under the test hooks of a test
build, each
forcing one path, and every report, rejection file and the final export must equal those
of the run that uses the indexes alone:

  indexes only        INTAKE_TEST_DEFER_ROWS=-1, INTAKE_TEST_FP_LOOKUPS=4294967295
  default             tables start empty: indexes deferred, fingerprint tables
  collisions          INTAKE_TEST_FP_BITS=5: 32 distinct hashes, every lookup meets
                      candidates that are not its value
  bound               INTAKE_TEST_FP_BYTES=40000: the tables outgrow their bound in the
                      first job, which builds the indexes there and goes on with them
  lookup tables       INTAKE_TEST_DEFER_ROWS=0, INTAKE_TEST_FP_LOOKUPS=0: no deferral
                      after the first job; fingerprint tables made from the indexes
  lookup bound        the same with INTAKE_TEST_FP_BYTES=180000: a table made from an
                      index outgrows 3/7 of the bound as the jobs add values, and is given up

Usage: fingerprints.py INTAKE INTAKE_GEN SCHEMA [--rows N]. Prints TAP.
"""
import argparse
import csv
import io
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from testkit import Intake, strip  # noqa: E402

NEVER = "4294967295"
SETTINGS = [
    ("indexes only", {"INTAKE_TEST_DEFER_ROWS": "-1", "INTAKE_TEST_FP_LOOKUPS": NEVER}),
    ("default", {}),
    ("collisions", {"INTAKE_TEST_FP_BITS": "5"}),
    ("bound", {"INTAKE_TEST_FP_BYTES": "40000"}),
    ("lookup tables", {"INTAKE_TEST_DEFER_ROWS": "0", "INTAKE_TEST_FP_LOOKUPS": "0"}),
    ("lookup bound", {"INTAKE_TEST_DEFER_ROWS": "0", "INTAKE_TEST_FP_LOOKUPS": "0",
                      "INTAKE_TEST_FP_BYTES": "180000"}),
]


def changed_file(src):
    """The records of src changed: phones swapped (taken), names, operations, new rows."""
    with open(src, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    head, body = rows[0], rows[1:]
    ph, name = head.index("phoneNumber"), head.index("fullName")
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(head + ["OPERATION"])
    ops = {11: "DELETE", 13: "ANONYMIZE", 17: "INVALIDATE", 19: "DROP", 23: "INSERT",
           29: "UPDATEACT", 31: "UPDATE"}
    for i, r in enumerate(body):
        r = list(r) + [""]
        if len(r) != len(head) + 1:
            continue
        if i % 7 == 0 and i + 1 < len(body) and len(body[i + 1]) > ph:
            r[ph] = body[i + 1][ph]
        if i % 5 == 0:
            r[name] = r[name] + " Jr"
        for k, op in ops.items():
            if i % k == 0:
                r[-1] = op
        w.writerow(r)
        if i % 9 == 0:
            n = list(r)
            n[0] = "new-%d" % i
            n[-1] = ""
            w.writerow(n)
    return out.getvalue()


def outcome(binary, data, env, schema, files):
    r = Intake(binary, data, **env)
    r.run("init", ok=(0,))
    r.run("program", "create", "p", "--schema", schema, ok=(0,))
    got = []
    for n, f in enumerate(files, 1):
        rej = os.path.join(os.path.dirname(data), "rejects-%d.csv" % n)
        rep = json.loads(r.run("import", "--program", "p", "--rejects", rej, f).stdout)
        with open(rej, "rb") as fh:
            got.append((strip(rep, {"job", "started_at", "finished_at"}), fh.read()))
    exp = r.run("export", "--program", "p", "--entity", "registration", "--format", "json")
    return got, strip(json.loads(exp.stdout), {"key"})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("intake")
    ap.add_argument("gen")
    ap.add_argument("schema")
    ap.add_argument("--rows", type=int, default=6000)
    a = ap.parse_args()
    print("1..%d" % (len(SETTINGS) - 1 + 1))
    with tempfile.TemporaryDirectory(prefix="intake-fp-") as work:
        first = os.path.join(work, "people.csv")
        subprocess.run([a.gen, "--format", "people", "--rows", str(a.rows), "--seed", "11",
                        "--invalid-rate", "0.03", "--dup-rate", "0.1", "-o", first],
                       check=True)
        second = os.path.join(work, "changed.csv")
        with open(second, "w", encoding="utf-8") as f:
            f.write(changed_file(first))
        other = os.path.join(work, "other.csv")
        subprocess.run([a.gen, "--format", "people", "--rows", str(a.rows), "--seed", "12",
                        "--dup-rate", "0.1", "-o", other], check=True)
        files = [first, second, first, other]
        results = []
        for i, (name, env) in enumerate(SETTINGS):
            d = os.path.join(work, "run%d" % i, "data")
            os.makedirs(os.path.dirname(d))
            results.append(outcome(a.intake, d, env, a.schema, files))
        ref = results[0]
        counts = [j[0]["totals"] for j in ref[0]]
        print("# reference: %s" % json.dumps(counts))
        # The reference must have met what the other runs are compared on.
        t = counts[1]
        varied = (t["updated"] and t["deleted"] and t["anonymized"] and t["dropped"] and
                  t["invalidated"] and ref[0][1][0]["errors_by_code"].get(
                      "phone_already_assigned") and t["inserted"])
        print("%s 1 - the reference run has updates, deletes, anonymized, dropped, "
              "invalidated and inserted rows, and taken phones" % ("ok" if varied else "not ok"))
        fails = 0 if varied else 1
        for n, (name, _) in enumerate(SETTINGS[1:], 2):
            got = results[n - 1]
            same = got == ref
            print("%s %d - %s: reports, rejection files and export equal the indexes-only "
                  "run's" % ("ok" if same else "not ok", n, name))
            if not same:
                fails += 1
                for k in range(len(files)):
                    if got[0][k] != ref[0][k]:
                        print("# job %d differs: %s" % (k + 1, json.dumps(got[0][k][0])[:800]))
                if got[1] != ref[1]:
                    w = {r["id"]: r for r in ref[1]}
                    g = {r["id"]: r for r in got[1]}
                    diff = [i for i in sorted(set(w) | set(g)) if w.get(i) != g.get(i)][:3]
                    for i in diff:
                        print("# id %s: want %s got %s" % (i, w.get(i), g.get(i)))
        return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
