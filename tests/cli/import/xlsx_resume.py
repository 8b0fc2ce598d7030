#!/usr/bin/env python3
"""A workbook import stopped at crash sites and resumed ends as an uninterrupted run, and
every rejected row names its sheet row as its line, also after cells that hold line
breaks (CONTRACT 9 intake_line; docs/internals/source.md). The workbook is written here
with inline strings: 3,000 rows, every seventh name on two lines, some rows invalid.
Prints TAP.

Usage: xlsx_resume.py INTAKE_BINARY SCHEMA.json   (the schema: tests/data/import/_schemas/people.json)
"""
import csv
import io
import os
import sys
import tempfile
import zipfile
from xml.sax.saxutils import escape

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from testkit import Intake, tap  # noqa: E402

ROWS = 3000
NS = "http://schemas.openxmlformats.org/"


def workbook(path):
    """Writes the workbook; returns the rows (header first)."""
    rows = [["ref", "name", "age"]]
    for i in range(1, ROWS + 1):
        name = "Line one %d\nline two" % i if i % 7 == 0 else "Name %d" % i
        rows.append(["R%d" % i, name, str(i % 150)])  # names over 20 and ages over 130 fail
    sheet = ['<?xml version="1.0"?><worksheet xmlns="%sspreadsheetml/2006/main"><sheetData>'
             % NS]
    for r, row in enumerate(rows, 1):
        cells = "".join('<c r="%s%d" t="inlineStr"><is><t xml:space="preserve">%s</t></is></c>'
                        % ("ABC"[c], r, escape(v)) for c, v in enumerate(row))
        sheet.append('<row r="%d">%s</row>' % (r, cells))
    sheet.append("</sheetData></worksheet>")
    rel = NS + "officeDocument/2006/relationships"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0"?><Types xmlns="%spackage/2006/content-types">'
                   '<Default Extension="xml" ContentType="application/xml"/></Types>' % NS)
        z.writestr("_rels/.rels",
                   '<?xml version="1.0"?><Relationships xmlns="%spackage/2006/relationships">'
                   '<Relationship Id="rId1" Type="%s/officeDocument" Target="xl/workbook.xml"/>'
                   '</Relationships>' % (NS, rel))
        z.writestr("xl/workbook.xml",
                   '<?xml version="1.0"?><workbook xmlns="%sspreadsheetml/2006/main" '
                   'xmlns:r="%s"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets>'
                   '</workbook>' % (NS, rel))
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<?xml version="1.0"?><Relationships xmlns="%spackage/2006/relationships">'
                   '<Relationship Id="rId1" Type="%s/worksheet" Target="worksheets/sheet1.xml"/>'
                   '</Relationships>' % (NS, rel))
        z.writestr("xl/worksheets/sheet1.xml", "".join(sheet))
    return rows


def export(intake):
    """The stored records as CSV rows without id and key (they differ between stores)."""
    out = intake.run("export", "--program", "p", "--entity", "person").stdout.decode()
    return [r[2:] for r in csv.reader(io.StringIO(out, newline=""))]


def main(binary, schema):
    results = []

    def check(ok, what, detail=""):
        results.append((ok, what, detail))

    with tempfile.TemporaryDirectory(prefix="intake-xlsx-resume-") as work:
        book = os.path.join(work, "people.xlsx")
        workbook(book)
        runs = {}
        for name in ("straight", "crashed"):
            runs[name] = Intake(binary, os.path.join(work, name), INTAKE_COMMIT_ROWS="100")
            runs[name].run("init")
            runs[name].run("program", "create", "p", "--schema", schema)
        rej = {n: os.path.join(work, n + "-rejects.csv") for n in runs}

        runs["straight"].run("import", "--program", "p", book, "--rejects", rej["straight"])
        c = runs["crashed"]
        first = Intake(binary, c.data, INTAKE_COMMIT_ROWS="100",
                       INTAKE_CRASH_AT="after-commit:7")
        p = first.run("import", "--program", "p", book, "--rejects", rej["crashed"], ok=None)
        check(p.returncode == 70, "the first crash site ends the import", "exit %d"
              % p.returncode)
        second = Intake(binary, c.data, INTAKE_COMMIT_ROWS="100",
                        INTAKE_CRASH_AT="before-commit:12")
        p = second.run("job", "resume", "1", "--rejects", rej["crashed"], ok=None)
        check(p.returncode == 70, "the second crash site ends the resume", "exit %d"
              % p.returncode)
        p = c.run("job", "resume", "1", "--rejects", rej["crashed"])
        check(p.returncode == 3, "the last resume finishes the job (partial: rows rejected)",
              "exit %d" % p.returncode)

        with open(rej["straight"], newline="") as f:
            straight = f.read()
        with open(rej["crashed"], newline="") as f:
            crashed = f.read()
        check(straight == crashed, "the rejection file equals the uninterrupted run's",
              "%d bytes against %d" % (len(crashed), len(straight)))
        a, b = export(runs["straight"]), export(c)
        check(a == b and len(a) > 1, "the export equals the uninterrupted run's",
              "%d rows against %d" % (len(b), len(a)))

        rejected = list(csv.DictReader(io.StringIO(straight, newline="")))
        off = [r for r in rejected if int(r["intake_line"]) != int(r["ref"][1:]) + 1]
        two_line = [r for r in rejected if "\n" in r["name"]]
        check(len(rejected) > 100 and not off,
              "every rejected row's intake_line is its sheet row",
              "%d rejected, %d off, e.g. %s" % (len(rejected), len(off), off[:2]))
        check(len(two_line) > 100, "names on two lines are among the rejected rows",
              "%d" % len(two_line))
    return tap(results)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
