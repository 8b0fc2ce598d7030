#!/usr/bin/env python3
"""Standard error of 'intake import' (CONTRACT 2): a one-line human summary; progress too,
but only when standard error is a terminal. Runs the built binary once with standard error
on a pseudo-terminal and once on a pipe, standard output on a pipe both times (the report,
JSON). Prints TAP.

Usage: progress.py INTAKE CASES_DIR
"""
import json
import os
import pty
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from testkit import tap  # noqa: E402


def run_on_pty(argv, env):
    """Runs argv with stderr on a pseudo-terminal; returns (status, stdout, terminal bytes)."""
    master, slave = pty.openpty()
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave,
                         env=env)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:     # EIO: the other side is closed
            break
        if not chunk:
            break
        seen += chunk
    out = p.stdout.read()
    p.wait()
    os.close(master)
    return p.returncode, out, seen


def main(binary, cases):
    results = []
    with tempfile.TemporaryDirectory(prefix="intake-progress-") as d:
        env = dict(os.environ, INTAKE_DATA=os.path.join(d, "data"))
        env.pop("INTAKE_DB", None)
        subprocess.run([binary, "init"], env=env, check=True, capture_output=True)
        subprocess.run([binary, "program", "create", "demo", "--schema",
                        os.path.join(cases, "_schemas", "people.json")],
                       env=env, check=True, capture_output=True)
        people = os.path.join(d, "people.csv")
        with open(people, "w") as f:
            f.write("ref,name,age\n")
            for i in range(3000):
                f.write("P%d,Name %d,%d\n" % (i, i, i % 90))
            f.write("PX,,5\n")

        status, out, tty = run_on_pty([binary, "import", "--program", "demo", people], env)
        text = tty.decode("utf-8", "replace")
        results.append((status == 3, "on a terminal: exit 3 (one row rejected)",
                        "exit %d" % status))
        results.append(("rows read (people.csv)" in text,
                        "on a terminal: progress is shown", repr(text[-500:])))
        results.append(("\r\x1b[K" in text and text.rstrip().endswith(
            "intake: job 1 partial: 3001 rows: 3000 inserted, 1 rejected"),
                        "on a terminal: the progress line is cleared, the summary ends it",
                        repr(text[-500:])))
        try:
            report = json.loads(out)
        except ValueError:
            report = {}
        results.append((report.get("totals", {}).get("inserted") == 3000,
                        "on a terminal: standard output is the report", out[:300]))

        p = subprocess.run([binary, "import", "--program", "demo", "--dry-run", people],
                           env=env, capture_output=True)
        err = p.stderr.decode("utf-8", "replace")
        results.append((err == "intake: job 2 partial (dry run, nothing written): 3001 rows: "
                        "3000 unchanged, 1 rejected\n",
                        "on a pipe: standard error is the one-line summary, no progress",
                        repr(err[:500])))
        try:
            report = json.loads(p.stdout)
        except ValueError:
            report = {}
        results.append((report.get("dry_run") is True and p.returncode == 3,
                        "on a pipe: the report, and the real run's exit status",
                        "exit %d" % p.returncode))
    return tap(results)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
