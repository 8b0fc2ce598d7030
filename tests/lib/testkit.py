"""What the Python tests share: the built binary run on one data directory with the fixed
clock of the golden files, JSON compared without the keys that change from run to run,
and the TAP lines of a list of results.

A test puts this folder on its path first:
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
"""

import json
import os
import subprocess

NOW = "1795428000"  # INTAKE_NOW of every golden file: 2026-11-23T10:00:00Z


def intake_env(data, **extra):
    """The environment of a run on the data directory data: the fixed clock, the variables
    in extra, and no INTAKE_DB from outside."""
    env = dict(os.environ, INTAKE_NOW=NOW, INTAKE_DATA=data, **extra)
    env.pop("INTAKE_DB", None)
    return env


class Intake:
    """The built binary on one data directory (extra: more environment variables)."""

    def __init__(self, binary, data, timeout=600, **extra):
        self.binary = binary
        self.data = data
        self.timeout = timeout
        self.env = intake_env(data, **extra)

    def run(self, *args, ok=(0, 3)):
        """Runs intake ARGS; raises unless it exits with a status in ok (None: any)."""
        p = subprocess.run([self.binary] + list(args), capture_output=True, env=self.env,
                           timeout=self.timeout)
        if ok is not None and p.returncode not in ok:
            raise RuntimeError("%s: exit %d: %s" % (" ".join(args), p.returncode,
                                                    p.stderr.decode()[-2000:]))
        return p

    def start(self, *args):
        """Starts intake ARGS in the background, its output thrown away."""
        return subprocess.Popen([self.binary] + list(args), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, env=self.env)

    def jobs(self):
        return json.loads(self.run("jobs").stdout)


def strip(v, keys):
    """v (decoded JSON) without the object members named in keys, at any depth."""
    if isinstance(v, dict):
        return {k: strip(x, keys) for k, x in v.items() if k not in keys}
    if isinstance(v, list):
        return [strip(x, keys) for x in v]
    return v


def tap(results, always=False):
    """Prints the plan and one TAP line per (ok, what, detail); the detail follows as
    comment lines when the case failed (or always). Returns the exit status: 1 if a case
    failed."""
    print("1..%d" % len(results))
    failed = 0
    for n, (ok, what, detail) in enumerate(results, 1):
        print("%s %d - %s" % ("ok" if ok else "not ok", n, what))
        if not ok or always:
            for line in str(detail).splitlines():
                print("# " + line)
        failed += not ok
    return 1 if failed else 0
