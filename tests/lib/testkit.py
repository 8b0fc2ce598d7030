"""What the Python tests share: the fixed clock of the golden files, JSON compared without
the keys that change from run to run, and the TAP lines of a list of results.

A test puts this folder on its path first:
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
"""

NOW = "1795428000"  # INTAKE_NOW of every golden file: 2026-11-23T10:00:00Z


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
