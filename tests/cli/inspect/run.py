#!/usr/bin/env python3
"""Black-box cases of 'intake inspect': each tests/data/inspect/<case>.json runs the built
binary and compares what it prints with the JSON the case expects. Prints TAP.

A case file holds:
  {"args":   ["$FILES/utf16le-bom.csv", "--encoding", "utf-16"],  # after 'inspect'
   "stdin":  "$FILES/x.csv",        # optional: standard input
   "setup":  [["init"], ["program", "create", "demo", "--preset", "vibes"]],
                                    # optional: intake commands run first, on a data
                                    # directory of the case's own (for --program;
                                    # $FILES may stand in their words too)
   "status": 0,                     # the exit status expected
   "output": [ ... ]}               # one JSON value per line printed, in order
$FILES is tests/data/inspect/files/; $GEN holds inputs this runner makes with the Python
standard library before the cases run (archives, a workbook, files too big to keep).

A case without setup runs with a data directory that does not exist, and must not create
it (inspect reads no data directory without --program). Every case runs in an empty job
folder, which must stay empty: nothing is written while inspecting, hostile archives
included.
Usage: run.py INTAKE_BINARY CASES_DIR [CASE...]
"""
import json
import os
import stat
import subprocess
import sys
import tempfile
import zipfile


def make_inputs(gen):
    """Inputs made here rather than kept in the repository."""
    os.makedirs(gen)

    def path(name):
        return os.path.join(gen, name)

    # The first 64 KiB decide: ASCII up to there, then a Latin-1 byte.
    with open(path("ascii-then-latin1.csv"), "wb") as f:
        f.write(b"id,name\n")
        n = 0
        while f.tell() < 70000:
            n += 1
            f.write(b"%d,name %d\n" % (n, n))
        f.write(b"0,caf\xe9\n")
    # Enough rows to pass through several buffers of the reader.
    with open(path("big.csv"), "wb") as f:
        f.write(b"id;name;phone\r\n")
        for i in range(200000):
            f.write(b"%d;Person %d;+3161%07d\r\n" % (i, i, i))
    # An archive of several entries, some refused.
    with zipfile.ZipFile(path("upload.zip"), "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("customers.csv", "code;name\r\nC1;Ada\r\nC2;Bob\r\n")
        z.writestr("folder/", "")
        z.writestr("folder/accounts.txt", "Fields: code,customer\n\nA1,C1\n")
        z.writestr("__MACOSX/folder/._accounts.txt", b"\x00\x05\x16\x07\x00\x02")
        z.writestr("../../escape.csv", "x\n1\n")
        z.writestr("/etc/absolute.csv", "x\n1\n")
        z.writestr("..\\back.csv", "x\n1\n")
        link = zipfile.ZipInfo("link.csv")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        link.create_system = 3
        z.writestr(link, "/etc/passwd")
        z.writestr("latin1.csv", "n\ncaf\xe9\n".encode("latin-1"))
        z.writestr("empty.csv", "")
        inner = tempfile.SpooledTemporaryFile()
        with zipfile.ZipFile(inner, "w") as zi:
            zi.writestr("x.csv", "a\n")
        inner.seek(0)
        z.writestr("nested.zip", inner.read())
    # A truncated archive: the first half of the one above.
    with open(path("upload.zip"), "rb") as f:
        data = f.read()
    with open(path("truncated.zip"), "wb") as f:
        f.write(data[: len(data) // 2])
    # One entry more than the limit.
    with zipfile.ZipFile(path("many.zip"), "w", zipfile.ZIP_STORED) as z:
        for i in range(1001):
            z.writestr("f%04d.csv" % i, "a\n")
    # A workbook: shared and inline strings, a date, a number, empty cells, a skipped row.
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(path("book.xlsx"), "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("_rels/.rels", '<Relationships><Relationship Id="rId1" Type="%s/'
                   'officeDocument" Target="xl/workbook.xml"/></Relationships>' % rel)
        z.writestr("xl/workbook.xml", '<workbook %s xmlns:r="%s"><sheets><sheet name="People"'
                   ' sheetId="1" r:id="rId1"/></sheets></workbook>' % (ns, rel))
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<Relationships><Relationship Id="rId1" Type="%s/worksheet" '
                   'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="%s/'
                   'sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" '
                   'Type="%s/styles" Target="styles.xml"/></Relationships>' % (rel, rel, rel))
        z.writestr("xl/sharedStrings.xml", '<sst %s><si><t>name</t></si><si><t>birth</t></si>'
                   '<si><t>Zo\u00eb, \u201cZ\u201d</t></si></sst>' % ns)
        z.writestr("xl/styles.xml", '<styleSheet %s><cellXfs><xf numFmtId="0"/>'
                   '<xf numFmtId="14"/></cellXfs></styleSheet>' % ns)
        z.writestr("xl/worksheets/sheet1.xml",
                   '<worksheet %s><sheetData>'
                   '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
                   '<c r="C1" t="inlineStr"><is><t>score</t></is></c></row>'
                   '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" s="1"><v>45000</v></c>'
                   '<c r="C2"><v>12.5</v></c></row>'
                   '<row r="4"><c r="A4" t="inlineStr"><is><t>Bob</t></is></c>'
                   '<c r="C4"><v>-3</v></c></row>'
                   '</sheetData></worksheet>' % ns)


def tree(root):
    out = []
    for d, dirs, files in os.walk(root):
        out += [os.path.join(d, x) for x in sorted(dirs + files)]
    return sorted(out)


def run_case(binary, cases_dir, name, work, gen):
    with open(os.path.join(cases_dir, name + ".json"), encoding="utf-8") as f:
        case = json.load(f)
    files = os.path.join(cases_dir, "files")

    def sub(s):
        return s.replace("$FILES", files).replace("$GEN", gen)

    job = os.path.join(work, "job-" + name)
    os.makedirs(job)
    nodata = os.path.join(work, "no-data-" + name)
    stdin = None
    if "stdin" in case:
        stdin = open(sub(case["stdin"]), "rb")
    env = dict(os.environ, INTAKE_DATA=nodata)
    for step in case.get("setup", []):
        env["INTAKE_DATA"] = os.path.join(work, "data-" + name)
        p = subprocess.run([binary] + [sub(a) for a in step], cwd=job, capture_output=True,
                           env=env)
        if p.returncode:
            return ["setup 'intake %s' failed: %s" % (" ".join(step), p.stderr.decode())]
    gen_before = tree(gen)
    try:
        p = subprocess.run([binary, "inspect"] + [sub(a) for a in case["args"]], cwd=job,
                           stdin=stdin if stdin else subprocess.DEVNULL, capture_output=True,
                           env=env, timeout=600)
    finally:
        if stdin:
            stdin.close()
    problems = []
    if p.returncode != case.get("status", 0):
        problems.append("exit status %d, want %d" % (p.returncode, case.get("status", 0)))
    try:
        got = [json.loads(line) for line in p.stdout.decode("utf-8").splitlines()]
    except ValueError as e:
        got = None
        problems.append("output is not JSON lines: %s" % e)
    want = json.loads(sub(json.dumps(case["output"])))
    if got is not None and got != want:
        problems.append("output differs")
        problems.append("got:  " + json.dumps(got, ensure_ascii=False))
        problems.append("want: " + json.dumps(want, ensure_ascii=False))
    if os.path.exists(nodata):
        problems.append("the data directory was created")
    if os.listdir(job):
        problems.append("files were written in the job folder: %s" % os.listdir(job))
    if tree(gen) != gen_before:
        problems.append("files were written next to the inputs")
    for stray in ("escape.csv", "back.csv"):
        for d in (work, os.path.dirname(work), job):
            if os.path.exists(os.path.join(d, stray)):
                problems.append("'%s' was written" % os.path.join(d, stray))
    if os.path.exists("/etc/absolute.csv"):
        problems.append("/etc/absolute.csv was written")
    if problems and p.stderr:
        problems.append("stderr: " + p.stderr.decode("utf-8", "replace").strip())
    return problems


def main(binary, cases_dir, only):
    names = sorted(f[:-5] for f in os.listdir(cases_dir) if f.endswith(".json"))
    if only:
        names = [n for n in names if n in only]
    print("1..%d" % len(names))
    failed = 0
    with tempfile.TemporaryDirectory(prefix="intake-inspect-") as work:
        gen = os.path.join(work, "gen")
        make_inputs(gen)
        for i, name in enumerate(names, 1):
            problems = run_case(binary, cases_dir, name, work, gen)
            print("%s %d - inspect %s" % ("not ok" if problems else "ok", i, name))
            for line in problems:
                print("# " + line)
            failed += bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]), sys.argv[3:]))
