#!/usr/bin/env python3
"""Kill test (guarantee 1 of src/import/frontend.c, docs/internals/import.md): an import of
generated rows is killed with SIGKILL at random moments and resumed each time; the final
export, rejection file and report must equal those of an uninterrupted run. The oracle is
that comparison, not a database health check.

Usage: kill.py INTAKE INTAKE_GEN SCHEMA [--rows N] [--kills K] [--seed S]
Prints TAP. The data is made by the project's generator (deterministic), with invalid
rows and repeated identifiers, and a second file of rows whose parent comes later, so the
kills also land in the pass over waiting rows. A last run is killed (in a test build, at
the crash site INTAKE_CRASH_AT=index-build:2) while it builds the indexes it deferred.
"""
import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from testkit import Intake, strip  # noqa: E402


def intake(binary, data):
    return Intake(binary, data, timeout=900,
                  INTAKE_COMMIT_ROWS=os.environ.get("KILL_COMMIT_ROWS", "2000"))


def hierarchy_rows(n):
    """Units whose parent comes later in the file (children first), three levels deep."""
    lines = ["code,name,parent_code"]
    for i in range(n):
        lines.append("L3-%d,leaf %d,L2-%d" % (i, i, i // 4))
    for i in range(n // 4 + 1):
        lines.append("L2-%d,mid %d,L1-%d" % (i, i, i // 16))
    for i in range(n // 64 + 1):
        lines.append("L1-%d,root %d," % (i, i))
    lines.append("X-1,orphan,NOWHERE")
    return "\n".join(lines) + "\n"


UNIT_SCHEMA = {"name": "unit", "identifiers": ["code"], "fields": [
    {"name": "code", "type": "text"}, {"name": "name", "type": "text"},
    {"name": "parent", "type": "reference", "entity": "unit", "by": "code",
     "aliases": ["parent_code"]}]}


def outcome(intake, job):
    rep = intake.run("job", "show", str(job))
    report = strip(json.loads(rep.stdout), {"job", "started_at", "finished_at"})
    exports = {}
    for entity in ("registration", "unit"):
        exp = intake.run("export", "--program", "p", "--entity", entity, "--format", "json")
        exports[entity] = strip(json.loads(exp.stdout), {"key"})
    files = {}
    jobdir = os.path.join(intake.data, "jobs", str(job))
    for f in sorted(os.listdir(jobdir)):
        if f.startswith("rejects-"):
            with open(os.path.join(jobdir, f), "rb") as fh:
                files[f] = fh.read()
    return report, exports, files


def setup(intake, schema):
    intake.run("init")
    with open(schema, encoding="utf-8") as f:
        sc = json.load(f)
    sc["entities"].append(UNIT_SCHEMA)
    path = os.path.join(os.path.dirname(intake.data), "schema.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(sc, f)
    intake.run("program", "create", "p", "--schema", path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("intake")
    ap.add_argument("gen")
    ap.add_argument("schema")
    ap.add_argument("--rows", type=int, default=100000)
    ap.add_argument("--kills", type=int, default=10)
    ap.add_argument("--seed", type=int, default=int(os.environ.get("KILL_SEED", "20261123")))
    a = ap.parse_args()
    rng = random.Random(a.seed)
    print("1..6")
    print("# seed %d, %d rows, %d kills" % (a.seed, a.rows, a.kills))
    with tempfile.TemporaryDirectory(prefix="intake-kill-") as work:
        data = os.path.join(work, "people.csv")
        subprocess.run([a.gen, "--format", "people", "--rows", str(a.rows), "--seed", "7",
                        "--invalid-rate", "0.02", "--dup-rate", "0.05", "-o", data],
                       check=True)
        units = os.path.join(work, "units.csv")
        with open(units, "w") as f:
            f.write(hierarchy_rows(max(a.rows // 20, 100)))
        args = ["import", "--program", "p", data, units]

        # The uninterrupted run.
        ref = intake(a.intake, os.path.join(work, "ref", "data"))
        os.makedirs(os.path.dirname(ref.data))
        setup(ref, a.schema)
        t0 = time.monotonic()
        ref.run(*args)
        took = time.monotonic() - t0
        want = outcome(ref, 1)
        print("# uninterrupted run: %.2f s" % took)

        # The run killed again and again.
        cut = intake(a.intake, os.path.join(work, "cut", "data"))
        os.makedirs(os.path.dirname(cut.data))
        setup(cut, a.schema)
        kills = 0
        job = None
        rounds = 0
        while kills < a.kills and rounds < 5 * a.kills:
            rounds += 1
            jobs = [j for j in cut.jobs() if j["status"] in ("queued", "running")]
            done = [j for j in cut.jobs() if j["status"] in ("succeeded", "partial")]
            if done:
                break
            if jobs:
                job = jobs[-1]["job"]
                p = cut.start("job", "resume", str(job))
            else:
                p = cut.start(*args)
            time.sleep(rng.uniform(0.05, 1.0) * took / a.kills * 2)
            if p.poll() is None:
                p.send_signal(signal.SIGKILL)
                kills += 1
            p.wait()
        print("# %d kills in %d rounds" % (kills, rounds))
        jobs = cut.jobs()
        live = [j for j in jobs if j["status"] in ("queued", "running")]
        for j in live:
            cut.run("job", "resume", str(j["job"]))
        final = [j for j in cut.jobs() if j["status"] in ("succeeded", "partial")]
        ok = len(final) == 1
        print("%s 1 - exactly one job applied the file (%d)" % ("ok" if ok else "not ok",
                                                               len(final)))
        if not final:
            for n in range(2, 6):
                print("not ok %d - no finished job" % n)
            return 1
        got = outcome(cut, final[0]["job"])
        report_ok = strip(got[0], {"name"}) == strip(want[0], {"name"})
        print("%s 2 - the report equals the uninterrupted run's" % ("ok" if report_ok else
                                                                    "not ok"))
        if not report_ok:
            print("# want %s" % json.dumps(want[0])[:1500])
            print("# got  %s" % json.dumps(got[0])[:1500])
        for n, entity in ((3, "registration"), (4, "unit")):
            same = got[1][entity] == want[1][entity]
            print("%s %d - the %s export equals the uninterrupted run's (%d records)" % (
                "ok" if same else "not ok", n, entity, len(want[1][entity])))
            if not same:
                w = {r["id"]: r for r in want[1][entity]}
                g = {r["id"]: r for r in got[1][entity]}
                diff = [i for i in sorted(set(w) | set(g)) if w.get(i) != g.get(i)][:5]
                for i in diff:
                    print("# id %s: want %s got %s" % (i, w.get(i), g.get(i)))
        same = got[2] == want[2]
        print("%s 5 - the rejection files equal the uninterrupted run's" % (
            "ok" if same else "not ok"))
        if not same:
            for k in sorted(set(got[2]) | set(want[2])):
                print("# %s: want %d bytes, got %d" % (k, len(want[2].get(k, b"")),
                                                       len(got[2].get(k, b""))))
        all_ok = ok and report_ok and same

        # Killed while the job builds the indexes it deferred (its last transaction; the
        # test build's crash site INTAKE_CRASH_AT=index-build:N ends the process there).
        crash = intake(a.intake, os.path.join(work, "crash", "data"))
        os.makedirs(os.path.dirname(crash.data))
        setup(crash, a.schema)
        crash.env["INTAKE_CRASH_AT"] = "index-build:2"
        p = crash.run(*args, ok=None)
        del crash.env["INTAKE_CRASH_AT"]
        status = [j["status"] for j in crash.jobs()]
        for j in crash.jobs():
            if j["status"] in ("queued", "running"):
                crash.run("job", "resume", str(j["job"]))
        got = outcome(crash, 1)
        same = (p.returncode == 70 and status == ["running"] and
                strip(got[0], {"name"}) == strip(want[0], {"name"}) and got[1] == want[1] and
                got[2] == want[2])
        print("%s 6 - killed while building its deferred indexes (exit %d, job %s), resumed: "
              "the outcome equals the uninterrupted run's" % ("ok" if same else "not ok",
                                                             p.returncode, status))
        return 0 if all_ok and same else 1


if __name__ == "__main__":
    sys.exit(main())
