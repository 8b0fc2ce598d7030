#!/usr/bin/env python3
"""Checks the layering rules of DESIGN.md on src/ and prints TAP.

1. A module includes only the modules it may use (the table below).
2. A private header (<module>/<name>_int.h) is included only inside its own module.
3. Only store/ includes sqlite3.h or libpq-fe.h; only http/ includes microhttpd.h.
4. Every .c file under src/ includes base/banned.h (after its system headers).
"""
import os
import re
import sys

MAY_USE = {
    "base": set(),
    "csv": {"base"},
    "value": {"base"},
    "schema": {"base"},
    "source": {"base", "csv"},
    "store": {"base", "schema"},
    "import": {"base", "csv", "source", "schema", "value", "store"},
    "notify": {"base", "store"},
    "jobs": {"base", "import", "store", "notify"},
    "http": {"base", "jobs", "import", "schema", "store", "notify", "web"},
    "web": set(),
    "cli": None,  # everything
}
ONLY_IN = {"sqlite3.h": "store", "libpq-fe.h": "store", "microhttpd.h": "http"}
INCLUDE = re.compile(r'^\s*#\s*include\s+([<"])([^>"]+)[>"]', re.M)


def main(root):
    problems = []
    checked = 0
    for dirpath, _, names in os.walk(root):
        for name in sorted(names):
            if not name.endswith((".c", ".h", ".cc")):
                continue
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root)
            module = rel.split(os.sep)[0] if os.sep in rel else None
            with open(path, encoding="utf-8", errors="replace") as f:
                text = f.read()
            checked += 1
            for kind, inc in INCLUDE.findall(text):
                target = inc.split("/")[0] if "/" in inc else None
                if kind == '"' and target and module and target != module:
                    allowed = MAY_USE.get(module)
                    if allowed is not None and target not in allowed:
                        problems.append("%s: module '%s' may not include '%s'" % (rel, module, inc))
                    if inc.endswith("_int.h"):
                        problems.append("%s: private header '%s' of another module" % (rel, inc))
                base = os.path.basename(inc)
                if base in ONLY_IN and module != ONLY_IN[base]:
                    problems.append("%s: only %s/ may include %s" % (rel, ONLY_IN[base], base))
            if name.endswith(".c") and module and '"base/banned.h"' not in text:
                problems.append("%s: does not include base/banned.h" % rel)
    print("1..2")
    print("ok 1 - %d files read" % checked if checked else "not ok 1 - no files under %s" % root)
    if problems:
        print("not ok 2 - layering rules")
        for p in problems:
            print("# " + p)
        return 1
    print("ok 2 - layering rules")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "src"))
