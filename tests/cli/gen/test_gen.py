#!/usr/bin/env python3
"""Black-box tests of intake-gen: determinism, layout, defects and their list, repeated
identifiers, well-formed CSV, and the rules every valid row keeps. Prints TAP.
Usage: test_gen.py [path/to/intake-gen]
"""
import datetime
import os
import re
import subprocess
import sys
import tempfile
import time

from genlib import (HEADERS, IDENT, KINDS, Tap, check, gen_path, read_defects, read_records,
                    run_gen)

FORMATS = ("people", "persons", "contacts")
TMP = tempfile.mkdtemp(prefix="intake-gen-test-")


def tmp(name):
    return os.path.join(TMP, name)


# ---------------------------------------------------------------- the layouts' rules

LANGS = {"en", "sw", "fr", "ar", "nl", "ln", "lg", "so", "am"}
DISTRICTS = {"kisumu", "turkana", "garissa", "nairobi", "kampala", "gulu", "arua", "goma",
             "bukavu", "kinshasa", "addis-ababa", "gambela", "utrecht", "den-haag",
             "rotterdam"}
BOOLS = {"yes", "no", "true", "false", "1", "0"}
INTERESTS = {"sports", "music", "travel", "food", "fashion", "gaming", "movies", "tech",
             "outdoors", "books"}
OPS = {"INSERT", "UPDATE", "UPDATEACT", "DELETE", "INVALIDATE", "ANONYMIZE"}
# The WHATWG "valid e-mail address" rule.
EMAIL = re.compile(r"^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}"
                   r"[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$")
# The shape of a phone cell with country code ('+' or '00' optional); validity itself is
# libphonenumber's to say (test_gen_phones.py).
PHONE_SHAPE = re.compile(r"^(\+|00)?[1-9][0-9]*([ -]?(\([0-9]+\)|[0-9]+))*$")
DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")


def real_date(s):
    try:
        datetime.date.fromisoformat(s)
        return re.fullmatch(r"\d{4}-\d\d-\d\d", s) is not None
    except ValueError:
        return False


def real_datetime(s):
    if not DATETIME.match(s):
        return False
    try:
        datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))
        return True
    except ValueError:
        return False


def int_min1(s):
    return s == "" or (re.fullmatch(r"[0-9]+", s) is not None and int(s) >= 1)


def phone_shape(s):
    digits = re.sub(r"[^0-9]", "", s)
    return PHONE_SHAPE.match(s) is not None and 8 <= len(digits) <= 16


def bad_columns(fmt, row):
    """The columns of a row that break its layout's rules."""
    c = dict(zip(HEADERS[fmt], row))
    bad = set()

    def rule(col, ok):
        if not ok:
            bad.add(col)

    if fmt == "people":
        rule("referenceId", re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                                         r"[0-9a-f]{12}", c["referenceId"]))
        rule("phoneNumber", phone_shape(c["phoneNumber"]))
        rule("preferredLanguage", c["preferredLanguage"] in LANGS)
        for col in ("paymentAmountMultiplier", "maxPayments", "householdSize"):
            rule(col, int_min1(c[col]))
        rule("fullName", 1 <= len(c["fullName"]) <= 100)
        rule("isHeadOfHousehold", c["isHeadOfHousehold"] == ""
             or c["isHeadOfHousehold"].lower() in BOOLS)
        rule("district", c["district"] == "" or c["district"] in DISTRICTS)
        rule("registeredAt", c["registeredAt"] == "" or real_datetime(c["registeredAt"]))
    elif fmt == "persons":
        rule("external_person_id", c["external_person_id"] or c["mdn"])
        rule("mdn", c["mdn"] == "" or re.fullmatch(r"\+[1-9][0-9]{7,14}|[2-9][0-9]{9}",
                                                    c["mdn"]))
        rule("first_name", 1 <= len(c["first_name"]) <= 50)
        rule("last_name", 1 <= len(c["last_name"]) <= 50)
        rule("gender", c["gender"] in ("", "M", "F"))
        b = c["birth_date"]
        rule("birth_date", b == "" or (b.endswith("T00:00:00Z") and real_date(b[:10])))
        picks = c["interests"].split("|") if c["interests"] else []
        rule("interests", all(p in INTERESTS for p in picks) and len(set(picks)) == len(picks))
    else:
        op = c["OPERATION"]
        for col in ("INSTIT", "ORGANIZATION"):
            rule(col, 1 <= len(c[col]) <= 15)
        rule("OPERATION", op in OPS)
        rule("CONTACT_CODE", re.fullmatch(r"CT[0-9]{9}", c["CONTACT_CODE"]))
        rule("FIRSTNAME", len(c["FIRSTNAME"]) <= 50)
        rule("LASTNAME", len(c["LASTNAME"]) <= 50 and (op != "INSERT" or c["LASTNAME"]))
        rule("EMAIL", c["EMAIL"] in ("", "=") or EMAIL.match(c["EMAIL"]))
        rule("PHONE", c["PHONE"] in ("", "=") or phone_shape(c["PHONE"]))
        rule("BIRTHDATE", c["BIRTHDATE"] in ("", "=") or real_date(c["BIRTHDATE"]))
        if op in ("DELETE", "INVALIDATE", "ANONYMIZE"):
            for col in ("FIRSTNAME", "LASTNAME", "EMAIL", "PHONE", "BIRTHDATE"):
                rule(col, c[col] == "")
    return bad


# ---------------------------------------------------------------- cases

def same_args_same_bytes():
    for fmt in FORMATS:
        for extra in ([], ["--line-ending", "crlf", "--quote", "all", "--bom"]):
            args = ["--format", fmt, "--rows", 3000, "--seed", 7, "--invalid-rate", 0.1] + extra
            a, _, _ = run_gen(*args)
            b, _, _ = run_gen(*args)
            check(a == b, "%s %s: two runs differ" % (fmt, extra))
            run_gen(*args, "-o", tmp("same.csv"))
            with open(tmp("same.csv"), "rb") as f:
                check(f.read() == a, "%s: -o FILE differs from standard output" % fmt)


def other_seed_other_bytes():
    for fmt in FORMATS:
        a = read_records(run_gen("--format", fmt, "--rows", 50, "--seed", 7)[0])
        b = read_records(run_gen("--format", fmt, "--rows", 50, "--seed", 8)[0])
        check(a[0] == b[0], "%s: the header depends on the seed" % fmt)
        same = sum(1 for x, y in zip(a[1:], b[1:]) if x[1] == y[1])
        check(same == 0, "%s: %d of 50 rows equal under another seed" % (fmt, same))


def header_and_row_count():
    for fmt in FORMATS:
        for rows in (0, 1, 2500):
            recs = read_records(run_gen("--format", fmt, "--rows", rows, "--seed", 3,
                                        "--invalid-rate", 0.2)[0])
            check(recs[0][1] == HEADERS[fmt], "%s: header %r" % (fmt, recs[0][1]))
            check(len(recs) == rows + 1, "%s: %d records for --rows %d"
                  % (fmt, len(recs) - 1, rows))
            widths = {len(r) for _, r in recs}
            check(widths == {len(HEADERS[fmt])}, "%s: field counts %s" % (fmt, widths))


def stats_of(text):
    m = re.match(r"(\w+): (\d+) rows, (\d+) persons, (\d+) repeated identifiers, (\d+) valid, "
                 r"(\d+) with a defect, (\d+) line breaks in cells, (\d+) bytes", text)
    check(m, "no stats line in %r" % text)
    kinds = dict((k, int(n)) for k, n in re.findall(r"^  (\w+) +(\d+)$", text, re.M))
    return [int(x) for x in m.groups()[1:]], kinds


def defect_rate():
    rows = 20000
    for fmt in FORMATS:
        out, err, _ = run_gen("--format", fmt, "--rows", rows, "--seed", 11,
                              "--invalid-rate", 0.1, "--defects", tmp("d.csv"), "--stats")
        defects = read_defects(tmp("d.csv"))
        # 5 standard deviations either side of the expected 2000.
        check(1790 <= len(defects) <= 2210, "%s: %d defects in %d rows at 0.1"
              % (fmt, len(defects), rows))
        (n, persons, repeats, valid, bad, breaks, nbytes), kinds = stats_of(err)
        check(n == rows and bad == len(defects) and valid == rows - bad,
              "%s: stats %s disagree with %d listed defects" % (fmt, err, len(defects)))
        check(nbytes == len(out), "%s: stats say %d bytes, wrote %d" % (fmt, nbytes, len(out)))
        listed = {}
        for line, kind, col, value in defects.values():
            listed[kind] = listed.get(kind, 0) + 1
        check(set(listed) == set(KINDS[fmt]), "%s: kinds %s" % (fmt, sorted(listed)))
        check(all(kinds[k] == listed[k] for k in listed), "%s: %s vs %s" % (fmt, kinds, listed))
        check(persons + repeats == rows, "%s: persons + repeats != rows" % fmt)
    for rate, want in ((0, 0), (1, 300)):
        run_gen("--rows", 300, "--invalid-rate", rate, "--defects", tmp("d.csv"))
        got = len(read_defects(tmp("d.csv")))
        check(got == want, "--invalid-rate %s: %d defects, want %d" % (rate, got, want))


def defects_file_agrees():
    broken_before = 0
    for fmt, rows, seed in (("people", 40000, 5), ("persons", 4000, 5), ("contacts", 4000, 5)):
        for eol in ("lf", "crlf"):
            out, err, _ = run_gen("--format", fmt, "--rows", rows, "--seed", seed,
                                  "--invalid-rate", 0.15, "--defects", tmp("d.csv"),
                                  "--line-ending", eol, "--bom", "--stats")
            recs = read_records(out)
            defects = read_defects(tmp("d.csv"))
            check(defects, "%s: no defects listed" % fmt)
            header = recs[0][1]
            for number, (line, kind, col, value) in defects.items():
                start, fields = recs[number]
                check(start == line, "%s %s: record %d starts on line %d, listed %d"
                      % (fmt, eol, number, start, line))
                check(fields[header.index(col)] == value, "%s: record %d %s is %r, listed %r"
                      % (fmt, number, col, fields[header.index(col)], value))
                if line != number + 1:
                    broken_before += 1
            breaks = stats_of(err)[0][5]
            check(recs[-1][0] == rows + 1 + breaks - sum(
                x.count("\n") for x in recs[-1][1]),
                  "%s %s: the last record starts on line %d" % (fmt, eol, recs[-1][0]))
            multi = sum(1 for s, r in recs if any("\n" in x for x in r))
            check(multi == breaks, "%s: %d records hold a line break, stats say %d"
                  % (fmt, multi, breaks))
    check(broken_before > 0, "no listed defect follows a record with a line break in a cell")


def valid_rows_keep_the_rules():
    for fmt in FORMATS:
        out, _, _ = run_gen("--format", fmt, "--rows", 6000, "--seed", 9, "--invalid-rate", 0.2,
                            "--defects", tmp("d.csv"))
        defects = read_defects(tmp("d.csv"))
        recs = read_records(out)
        for number, (start, row) in enumerate(recs[1:], 1):
            bad = bad_columns(fmt, row)
            if number not in defects:
                check(not bad, "%s: valid record %d breaks %s: %r" % (fmt, number, bad, row))
                continue
            kind, col = defects[number][1], defects[number][2]
            if kind == "bad_phone":
                continue    # validity is libphonenumber's to say (test_gen_phones.py)
            check(col in bad, "%s: record %d's %s defect in %s breaks no rule: %r"
                  % (fmt, number, kind, col, row))


def dup_rate_repeats_identifiers():
    for fmt in FORMATS:
        out, err, _ = run_gen("--format", fmt, "--rows", 10000, "--seed", 4, "--dup-rate", 0.3,
                              "--invalid-rate", 0.05, "--defects", tmp("d.csv"), "--stats")
        defects = read_defects(tmp("d.csv"))
        recs = read_records(out)
        header = recs[0][1]
        ident = header.index(IDENT[fmt])
        (n, persons, repeats, *_), _ = stats_of(err)
        # 5 standard deviations either side of the expected 3000.
        check(2770 <= repeats <= 3230, "%s: %d repeats at 0.3" % (fmt, repeats))
        seen = {}
        for number, (start, row) in enumerate(recs[1:], 1):
            if number in defects or not row[ident]:
                continue
            seen.setdefault(row[ident], []).append(row)
        many = [rows for rows in seen.values() if len(rows) > 1]
        check(len(many) > 1000, "%s: only %d identifiers repeat" % (fmt, len(many)))
        # Identity columns stay the person's.
        keep = {"people": ["fullName"], "persons": ["first_name", "last_name"],
                "contacts": ["INSTIT"]}[fmt]
        for rows in many:
            for col in keep:
                vals = {r[header.index(col)].replace("\n", " ") for r in rows} - {""}
                check(len(vals) <= 1, "%s: %s differs between rows of one person: %s"
                      % (fmt, col, vals))
        if fmt == "contacts":
            # A contact's first row is its INSERT, unless a defect emptied its code.
            first, late = set(), 0
            for number, (start, row) in enumerate(recs[1:], 1):
                code, op = row[ident], row[header.index("OPERATION")]
                if not code:
                    continue
                if code not in first:
                    first.add(code)
                    late += number not in defects and op != "INSERT"
                elif number not in defects:
                    check(op != "INSERT", "contacts: a repeat of %s is an INSERT" % code)
            cleared = sum(1 for d in defects.values() if d[2] == "CONTACT_CODE")
            check(late <= cleared, "contacts: %d first rows are not INSERTs" % late)
        # Without --dup-rate every person appears once (contacts repeat by default).
        if fmt != "contacts":
            recs = read_records(run_gen("--format", fmt, "--rows", 5000, "--seed", 4)[0])
            ids = [r[ident] for _, r in recs[1:] if r[ident]]
            check(len(ids) == len(set(ids)), "%s: identifiers repeat without --dup-rate" % fmt)


def quoting_bom_and_line_ends():
    out, err, _ = run_gen("--rows", 30000, "--seed", 2, "--line-ending", "crlf", "--quote", "all",
                          "--bom", "--stats")
    breaks = stats_of(err)[0][5]
    check(out.startswith(b"\xef\xbb\xbf\"referenceId\",\"phoneNumber\","), out[:40])
    recs = read_records(out)
    check(len(recs) == 30001, "%d records" % len(recs))
    check(out.count(b"\r\n") == 30001, "%d CRLF for 30001 records" % out.count(b"\r\n"))
    check(out.count(b"\n") - out.count(b"\r\n") == breaks, "bare LF count != line breaks")
    lines = out[3:].split(b"\r\n")[:-1]
    check(all(l.startswith(b'"') and l.endswith(b'"') for l in lines), "a field is not quoted")
    check(b',""' in out, "--quote all leaves empty cells unquoted")
    # Minimal quoting: only cells holding a comma, a quote or a line break are quoted.
    out, _, _ = run_gen("--rows", 30000, "--seed", 2)
    for _, row in read_records(out)[1:]:
        pass
    quoted = re.findall(rb'(?:^|,)"((?:[^"]|"")*)"(?=,|\n)', out, re.M)
    check(quoted, "no quoted cells among 30000 people rows")
    for q in quoted:
        check(any(ch in q for ch in (b",", b'"', b"\n", b"\r")), "needless quotes: %r" % q)
    names = [r[5] for _, r in read_records(out)[1:]]
    check(any('"' in n for n in names), "no name holds a doubled quote")
    check(any("," in n for n in names), "no name holds a comma")
    check(any(any(ord(ch) > 0x7f for ch in n) for n in names), "no name outside ASCII")


def bad_arguments():
    for args in (["--invalid-rate", "2"], ["--dup-rate", "-0.1"], ["--rows", "-1"],
                 ["--rows", "12x"], ["--format", "nope"], ["--line-ending", "cr"],
                 ["--quote", "some"], ["--bogus"], ["extra"]):
        out, err, rc = run_gen(*args, check=False)
        check(rc == 2, "%s: exit %d" % (args, rc))
        check(err.startswith("intake-gen: ") and out == b"", "%s: %r" % (args, err))
    out, err, rc = run_gen("--help", check=False)
    check(rc == 0 and b"--invalid-rate" in out, "--help")
    out, err, rc = run_gen("-o", os.path.join(TMP, "no", "such", "dir.csv"), check=False)
    check(rc == 1 and "cannot create" in err, "unwritable output: %d %r" % (rc, err))


def peak_rss_kib(args):
    """intake-gen's own peak RSS, from VmHWM in /proc while it runs (a child forked from
    Python would report Python's size through wait4). Samples taken before the exec, while
    the child is still a copy of Python, are left out."""
    p = subprocess.Popen([gen_path()] + args, stdout=subprocess.DEVNULL)
    proc, peak, samples = "/proc/%d/" % p.pid, 0, 0
    while p.poll() is None:
        try:
            with open(proc + "cmdline", "rb") as f:
                ours = f.read().split(b"\0")[0].endswith(b"intake-gen")
            with open(proc + "status") as f:
                hwm = [l for l in f if l.startswith("VmHWM:")]
        except OSError:
            break
        if ours and hwm:
            peak = max(peak, int(hwm[0].split()[1]))
            samples += 1
        time.sleep(0.002)
    check(p.wait() == 0, "intake-gen %s failed" % args)
    check(samples > 0, "no sample of intake-gen %s" % args)
    return peak


def memory_does_not_grow():
    small = peak_rss_kib(["--rows", "200000", "--invalid-rate", "0.1"])
    large = peak_rss_kib(["--rows", "2000000", "--invalid-rate", "0.1"])
    check(large < small + 2048, "peak RSS %d KiB for 2M rows, %d KiB for 200k" % (large, small))


def main():
    t = Tap()
    t.case("same arguments give the same bytes (and -o writes them too)", same_args_same_bytes)
    t.case("another seed gives other rows", other_seed_other_bytes)
    t.case("header and row count of each layout", header_and_row_count)
    t.case("defect count follows --invalid-rate and --stats agrees", defect_rate)
    t.case("--defects names the right line, column and value", defects_file_agrees)
    t.case("valid rows keep the layout's rules; a defect breaks the rule it names",
           valid_rows_keep_the_rules)
    t.case("--dup-rate repeats identifiers and keeps identity columns",
           dup_rate_repeats_identifiers)
    t.case("--quote all, --bom, --line-ending crlf; minimal quoting; names",
           quoting_bom_and_line_ends)
    t.case("bad arguments exit 2 with a message", bad_arguments)
    t.case("memory stays flat as rows grow", memory_does_not_grow)
    rc = t.done()
    subprocess.run(["rm", "-rf", TMP])
    return rc


if __name__ == "__main__":
    sys.exit(main())
