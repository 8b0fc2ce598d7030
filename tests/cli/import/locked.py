#!/usr/bin/env python3
"""A job owned by a live process is not resumed by another (CONTRACT 9: "only jobs whose
owner is gone are resumed"): an import stopped by a crash site leaves its job running;
while this test holds the job's lock (as a live owner would), 'intake job resume' refuses
with job_locked and leaves the job as it is; once the lock is free, the resume finishes
the job with the outcome of an uninterrupted run. Prints TAP.

Usage: locked.py INTAKE_BINARY SCHEMA.json
"""
import fcntl
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from testkit import intake_env, tap  # noqa: E402


def main(binary, schema):
    results = []

    def check(ok, what, detail=""):
        results.append((ok, what, detail))

    with tempfile.TemporaryDirectory(prefix="intake-locked-") as work:
        data = os.path.join(work, "data")
        env = intake_env(data, INTAKE_COMMIT_ROWS="50")

        def run(*args, extra=None):
            e = dict(env, **(extra or {}))
            return subprocess.run([binary] + list(args), capture_output=True, env=e,
                                  timeout=300)

        rows = ["referenceId,phoneNumber,preferredLanguage"]
        rows += ["ref-%04d,+2547%08d,en" % (i, 12000000 + i) for i in range(400)]
        path = os.path.join(work, "people.csv")
        with open(path, "w") as f:
            f.write("\n".join(rows) + "\n")
        run("init")
        run("program", "create", "demo", "--schema", schema)

        crash = run("import", "--program", "demo", path,
                    extra={"INTAKE_CRASH_AT": "after-commit:2"})
        check(crash.returncode == 70, "the crash site ends the first import",
              "exit %d" % crash.returncode)
        jobs = json.loads(run("jobs").stdout)
        check(len(jobs) == 1 and jobs[0]["status"] == "running",
              "the job is left running", json.dumps(jobs))
        job = str(jobs[0]["job"]) if jobs else "1"

        lock = os.path.join(data, "jobs", job, "lock")
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            held = run("job", "resume", job)
            err = held.stderr.decode()
            check(held.returncode == 1, "resume of a job a live process owns exits 1",
                  "exit %d: %s" % (held.returncode, err))
            check("running in another process" in err and err.count("\n") == 1,
                  "one line saying another process has it", err)
            again = json.loads(run("jobs").stdout)
            check(again == jobs, "the job is untouched", json.dumps(again))
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

        done = run("job", "resume", job)
        check(done.returncode == 0, "resume once the owner is gone finishes the job",
              "exit %d: %s" % (done.returncode, done.stderr.decode()))
        report = json.loads(run("job", "show", job).stdout or "{}")
        totals = report.get("totals", {})
        check(report.get("status") == "succeeded" and totals.get("inserted") == 400
              and totals.get("rows") == 400, "every row taken once",
              json.dumps(totals))

    return tap(results)


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
