#!/usr/bin/env python3
"""Every error code a report can show (scope ROW or FILE in src/base/errcodes.def) is
produced by at least one test. SHOWN names, for each code, the test files that show it:
a golden file that a black-box case compares with what the built binary printed (an
import case's expect/ file, an inspect case), or a unit test that asserts the code
(ERR_<NAME>). This lint checks that the table names every such code, that each file it
names exists and holds the code, and that nothing else is left out but EXCEPTIONS.
Prints TAP.

Usage: errcodes_covered.py SOURCE_ROOT
"""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from testkit import tap  # noqa: E402

IMPORT = "tests/data/import/"
INSPECT = "tests/data/inspect/"

SHOWN = {
    # Row level.
    "required_missing": [IMPORT + "0210-empty-and-clear/expect/rejects1.csv"],
    "too_long": [IMPORT + "0230-row-codes/expect/rejects.csv"],
    "invalid_characters": [IMPORT + "0230-row-codes/expect/rejects.csv"],
    "invalid_integer": [IMPORT + "0230-row-codes/expect/rejects.csv"],
    "out_of_range": [IMPORT + "0230-row-codes/expect/rejects.csv"],
    "invalid_boolean": [IMPORT + "0230-row-codes/expect/rejects.csv"],
    "invalid_date": [IMPORT + "0230-row-codes/expect/rejects.csv"],
    "invalid_phone": [IMPORT + "0230-row-codes/expect/rejects.csv"],
    "invalid_email": [IMPORT + "0230-row-codes/expect/rejects.csv"],
    "invalid_option": [IMPORT + "0230-row-codes/expect/rejects.csv"],
    "unknown_field": [IMPORT + "0230-row-codes/expect/strict-rejects.csv"],
    "invalid_identifier": [IMPORT + "0220-identity/expect/rejects.csv"],
    "record_not_found": [IMPORT + "0200-operations/expect/rejects2.csv"],
    "record_exists": [IMPORT + "0200-operations/expect/rejects4.csv"],
    "identifier_required": [IMPORT + "0220-identity/expect/rejects.csv"],
    "duplicate_value": [IMPORT + "0230-row-codes/expect/rejects.csv"],
    "phone_already_assigned": [IMPORT + "0220-identity/expect/rejects.csv"],
    "immutable_field": [IMPORT + "0210-empty-and-clear/expect/rejects2.csv"],
    "duplicate_in_file": [IMPORT + "0230-row-codes/expect/strict-rejects.csv"],
    "parent_not_found": [IMPORT + "0240-hierarchy/expect/rejects-units.csv"],
    "parent_cycle": [IMPORT + "0240-hierarchy/expect/rejects-units.csv"],
    "invalid_operation": [IMPORT + "0200-operations/expect/rejects2.csv"],
    "operation_not_allowed": [IMPORT + "0200-operations/expect/rejects2.csv"],
    "wrong_column_count": [IMPORT + "0230-row-codes/expect/rejects.csv"],
    "invalid_decimal": [IMPORT + "0230-row-codes/expect/rejects.csv"],
    "invalid_uuid": [IMPORT + "0230-row-codes/expect/rejects.csv"],
    "invalid_language": [IMPORT + "0230-row-codes/expect/rejects.csv"],
    # File level.
    "empty_file": [IMPORT + "0300-file-errors/expect/mixed.json", INSPECT + "bom-only.json"],
    "malformed_csv": [IMPORT + "0300-file-errors/expect/mixed.json",
                      INSPECT + "unclosed-quote.json"],
    "unsupported_encoding": [IMPORT + "0320-inputs-jobs/expect/zip.json",
                             INSPECT + "latin1.json"],
    "no_identifier_column": [IMPORT + "0300-file-errors/expect/refused.json"],
    "duplicate_column": [IMPORT + "0300-file-errors/expect/mixed.json"],
    "unknown_file_type": [IMPORT + "0300-file-errors/expect/unknown.json",
                          INSPECT + "zip-upload.json"],
    "too_large": [IMPORT + "0330-limits/expect/report.json",
                  "tests/unit/csv/test_csv_memory.c"],
    "unsafe_archive_entry": [INSPECT + "zip-upload.json",
                             "tests/unit/source/test_zip_hostile.c"],
    "archive_limits": [INSPECT + "zip-many.json", "tests/unit/source/test_zip_hostile.c"],
    "unsupported_archive": [INSPECT + "zip-truncated.json",
                            "tests/unit/source/test_zip_hostile.c"],
    # The command line reports these as one-line errors (exit 1), the API as codes.
    "unknown_program": ["tests/unit/store/test_store.c"],
    "invalid_schema": ["tests/unit/schema/test_schema.c", "tests/unit/store/test_store.c"],
}

# Codes no test can show yet, and why (the README says the same).
EXCEPTIONS = {
    "out_of_scope": "needs users and roles with a scope (CONTRACT 6), which do not exist "
                    "yet: no import runs as a user with a scope",
}

LINE = re.compile(r'^ERRCODE\(\s*(\w+)\s*,\s*"([^"]+)"\s*,\s*(\w+)\s*,', re.M)


def main(root):
    with open(os.path.join(root, "src/base/errcodes.def"), encoding="utf-8") as f:
        table = LINE.findall(f.read())
    codes = {name: sym for sym, name, scope in table if scope in ("ROW", "FILE")}
    results = []
    for name, sym in codes.items():
        if name in EXCEPTIONS:
            results.append((name not in SHOWN, "%s: not produced yet (%s)" %
                            (name, EXCEPTIONS[name]), "listed as shown and as an exception"))
            continue
        paths = SHOWN.get(name)
        if not paths:
            results.append((False, "%s is shown by a test" % name,
                            "no test named for it: add a case and list it in SHOWN"))
            continue
        for path in paths:
            full = os.path.join(root, path)
            needle = ("ERR_" + sym) if path.endswith(".c") else name
            try:
                with open(full, encoding="utf-8", errors="replace") as f:
                    text = f.read()
            except OSError as e:
                results.append((False, "%s is shown by %s" % (name, path), str(e)))
                continue
            found = re.search(r"(?<![A-Za-z0-9_])%s(?![A-Za-z0-9_])" % re.escape(needle), text)
            results.append((bool(found), "%s is shown by %s" % (name, path),
                            "'%s' does not occur in it" % needle))
    for name in sorted(set(SHOWN) | set(EXCEPTIONS)):
        if name not in codes:
            results.append((False, "%s is a ROW or FILE code of errcodes.def" % name,
                            "the table names a code that is not one"))
    return tap(results)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
