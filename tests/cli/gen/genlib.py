"""Helpers of the intake-gen tests: TAP output, running the generator, reading its CSV
back with each record's physical start line (Python's csv module, standard library only).
"""
import csv
import io
import os
import subprocess
import sys

HEADERS = {
    "people": ["referenceId", "phoneNumber", "preferredLanguage", "paymentAmountMultiplier",
               "maxPayments", "fullName", "householdSize", "isHeadOfHousehold", "district",
               "registeredAt"],
    "persons": ["external_person_id", "mdn", "first_name", "last_name", "gender",
                "birth_date", "interests"],
    "contacts": ["INSTIT", "ORGANIZATION", "OPERATION", "CONTACT_CODE", "FIRSTNAME",
                 "LASTNAME", "EMAIL", "PHONE", "BIRTHDATE"],
}
KINDS = {
    "people": ["bad_phone", "unknown_language", "negative_multiplier", "bad_boolean",
               "missing_required", "text_too_long", "invalid_option", "malformed_date"],
    "persons": ["bad_phone", "missing_required", "text_too_long", "invalid_option",
                "malformed_date"],
    "contacts": ["bad_phone", "missing_required", "text_too_long", "invalid_option",
                 "malformed_date", "bad_email"],
}
# Where each layout keeps its phone, the default region its cells assume, its identifier.
PHONE = {"people": ("phoneNumber", "-"), "persons": ("mdn", "US"), "contacts": ("PHONE", "-")}
IDENT = {"people": "referenceId", "persons": "external_person_id", "contacts": "CONTACT_CODE"}


def gen_path():
    """The intake-gen binary: the first argument of the test, else the build tree's."""
    if len(sys.argv) > 1:
        return sys.argv[1]
    return os.path.join(os.environ.get("INTAKE_BUILD_ROOT", "build"), "tools/gen/intake-gen")


def run_gen(*args, check=True):
    """Runs intake-gen; returns (stdout bytes, stderr text, exit status)."""
    p = subprocess.run([gen_path()] + [str(a) for a in args], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    if check and p.returncode != 0:
        raise RuntimeError("intake-gen %s failed (%d): %s"
                           % (" ".join(map(str, args)), p.returncode, p.stderr.decode()))
    return p.stdout, p.stderr.decode("utf-8", "replace"), p.returncode


def read_records(data):
    """[(physical start line, fields)] of CSV bytes, header included, strict RFC 4180."""
    text = data.decode("utf-8")
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    out = []
    while True:
        start = reader.line_num + 1
        try:
            rec = next(reader)
        except StopIteration:
            return out
        out.append((start, rec))


def read_defects(path):
    """{record number: (line, kind, column, value)} of a --defects file."""
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, strict=True))
    assert rows[0] == ["record", "line", "defect", "column", "value"], rows[0]
    return {int(r[0]): (int(r[1]), r[2], r[3], r[4]) for r in rows[1:]}


class Tap:
    """Prints TAP: one 'ok' or 'not ok' line per case, the plan at the end."""

    def __init__(self):
        self.n = 0
        self.failed = 0

    def case(self, name, fn, *args):
        self.n += 1
        try:
            fn(*args)
        except Exception as e:  # a failed assertion or an unexpected error
            self.failed += 1
            print("not ok %d - %s" % (self.n, name))
            for line in ("%s: %s" % (type(e).__name__, e)).splitlines():
                print("# " + line)
        else:
            print("ok %d - %s" % (self.n, name))
        sys.stdout.flush()

    def skip(self, name, why):
        self.n += 1
        print("ok %d - %s # SKIP %s" % (self.n, name, why))

    def done(self):
        print("1..%d" % self.n)
        return 1 if self.failed else 0


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)
