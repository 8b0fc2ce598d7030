#!/usr/bin/env python3
"""Black-box cases for the data commands (init, program, import, export, jobs, job,
template): each folder under tests/data/import/ is one case, run against the built intake
binary with a fresh data directory. Prints TAP: one line per step and per expected file.

A case folder holds:
  steps        one step per line ('#' starts a comment line):
                 [NAME=VALUE...] intake ARGS... [< IN] [> OUT] [2> ERR] [=> N]
                   runs the binary with --data pointing at the case's own data directory;
                   '=> N' is the exit status expected (default 0); OUT and ERR are files
                   in the output folder ($OUT); IN is read from the case folder
                 same A B [-KEY...]      two JSON files of $OUT are equal, keys named with
                                         '-' removed at every depth
                 absent GLOB TEXT        no file matching GLOB (under the data directory)
                                         contains TEXT
                 present GLOB TEXT       some file matching GLOB contains TEXT (a control
                                         for 'absent')
                 contains FILE TEXT      $OUT/FILE contains TEXT
                 replace FILE OLD NEW    replaces OLD with NEW in $OUT/FILE ('\\n' allowed)
                 copy A B                copies $CASE/A (or $OUT/A) to $OUT/B
                 samefile A B            $OUT/A and $OUT/B hold the same bytes
                 nokeys FILE             drops the record keys (random UUIDs) from an
                                         export: the "key" members of a JSON file, the
                                         "key" column of a CSV file
                 pick SRC DST COL=V C... from the CSV $OUT/SRC, the rows whose column COL
                                         is V, as a CSV $OUT/DST of the columns C... (a
                                         column written NAME:VALUE is a constant)
  expect/      every file here must equal $OUT/<same name>, byte for byte
  *.csv ...    fixtures; $CASE names the case folder, $OUT the output folder, $DATA
               the data directory

The clock is fixed (INTAKE_NOW), so reports and exports are stable.
Usage: run.py INTAKE_BINARY CASES_DIR [CASE...]
"""
import glob
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from testkit import intake_env, strip, tap  # noqa: E402


class Case:
    def __init__(self, binary, folder, work):
        self.binary = binary
        self.folder = folder
        self.name = os.path.basename(folder)
        self.out = os.path.join(work, "out")
        self.data = os.path.join(work, "data")
        os.makedirs(self.out)
        self.results = []

    def sub(self, s):
        return (s.replace("$CASE", self.folder).replace("$OUT", self.out)
                .replace("$DATA", self.data))

    def result(self, ok, what, detail=""):
        self.results.append((ok, "%s: %s" % (self.name, what), detail))

    def run_intake(self, line, words, extra_env):
        expect = 0
        if "=>" in words:
            i = words.index("=>")
            expect = int(words[i + 1])
            words = words[:i] + words[i + 2:]
        stdin = stdout = stderr = None
        args = []
        i = 0
        while i < len(words):
            w = words[i]
            if w in ("<", ">", "2>"):
                target = self.sub(words[i + 1])
                if w == "<":
                    stdin = target if os.path.isabs(target) else os.path.join(self.folder,
                                                                               target)
                elif w == ">":
                    stdout = os.path.join(self.out, target)
                else:
                    stderr = os.path.join(self.out, target)
                i += 2
                continue
            args.append(self.sub(w))
            i += 1
        env = intake_env(self.data, **extra_env)
        fin = open(stdin, "rb") if stdin else subprocess.DEVNULL
        try:
            proc = subprocess.run([self.binary] + args[1:], stdin=fin, capture_output=True,
                                  env=env, timeout=300, cwd=self.out)
        finally:
            if stdin:
                fin.close()
        if stdout:
            with open(stdout, "wb") as f:
                f.write(proc.stdout)
        if stderr:
            with open(stderr, "wb") as f:
                f.write(proc.stderr)
        detail = proc.stderr.decode("utf-8", "replace")[-2000:]
        self.result(proc.returncode == expect,
                    "'%s' exits %d (got %d)" % (line, expect, proc.returncode), detail)

    def step(self, line):
        words = shlex.split(line)
        extra_env = {}
        while words and "=" in words[0] and words[0].split("=")[0].isupper():
            k, v = words.pop(0).split("=", 1)
            extra_env[k] = v
        cmd = words[0]
        if cmd == "intake":
            self.run_intake(line, words, extra_env)
        elif cmd == "same":
            keys = {w[1:] for w in words[3:] if w.startswith("-")}
            try:
                a = strip(json.load(open(os.path.join(self.out, words[1]))), keys)
                b = strip(json.load(open(os.path.join(self.out, words[2]))), keys)
            except (OSError, ValueError) as e:
                self.result(False, line, str(e))
                return
            self.result(a == b, line, "%s\n!=\n%s" % (json.dumps(a)[:1500],
                                                        json.dumps(b)[:1500]))
        elif cmd in ("absent", "present"):
            pattern, text = self.sub(words[1]), words[2].encode()
            files = [f for f in glob.glob(os.path.join(self.data, pattern), recursive=True)
                     if os.path.isfile(f)]
            hits = [f for f in files if text in open(f, "rb").read()]
            if cmd == "absent":
                self.result(bool(files) and not hits, line,
                            "files: %s; found in: %s" % (files, hits))
            else:
                self.result(bool(hits), line, "files: %s" % files)
        elif cmd == "contains":
            path = os.path.join(self.out, words[1])
            got = open(path, "rb").read() if os.path.exists(path) else b""
            self.result(words[2].encode() in got, line, got.decode("utf-8", "replace")[:2000])
        elif cmd == "replace":
            path = os.path.join(self.out, words[1])
            old = words[2].replace("\\n", "\n")
            new = words[3].replace("\\n", "\n")
            with open(path, encoding="utf-8", newline="") as f:
                text = f.read()
            ok = old in text
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write(text.replace(old, new))
            self.result(ok, line, "'%s' not in %s" % (old, words[1]))
        elif cmd == "nokeys":
            path = os.path.join(self.out, words[1])
            with open(path, encoding="utf-8", newline="") as f:
                text = f.read()
            if words[1].endswith(".json"):
                data = strip(json.loads(text), {"key"})
                if isinstance(data, list):
                    text = "[\n" + ",\n".join(json.dumps(r, ensure_ascii=False)
                                                for r in data) + "\n]\n"
                else:
                    text = json.dumps(data, ensure_ascii=False) + "\n"
            else:
                import csv
                import io
                rows = list(csv.reader(io.StringIO(text)))
                k = rows[0].index("key") if rows and "key" in rows[0] else None
                out = io.StringIO()
                w = csv.writer(out, lineterminator="\n")
                for r in rows:
                    w.writerow([c for i, c in enumerate(r) if i != k])
                text = out.getvalue()
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write(text)
        elif cmd == "samefile":
            a = open(os.path.join(self.out, words[1]), "rb").read()
            b = open(os.path.join(self.out, words[2]), "rb").read()
            self.result(a == b, line, "%s\n!=\n%s" % (a[:1500], b[:1500]))
        elif cmd == "pick":
            import csv
            import io
            col, val = words[3].split("=", 1)
            with open(os.path.join(self.out, words[1]), encoding="utf-8", newline="") as f:
                rows = list(csv.DictReader(f))
            out = io.StringIO()
            w = csv.writer(out, lineterminator="\n")
            w.writerow([c.split(":", 1)[0] for c in words[4:]])
            n = 0
            for r in rows:
                if r.get(col) == val:
                    w.writerow([c.split(":", 1)[1] if ":" in c else r[c] for c in words[4:]])
                    n += 1
            with open(os.path.join(self.out, words[2]), "w", encoding="utf-8", newline="") as f:
                f.write(out.getvalue())
            self.result(n > 0, line, "no row where %s=%s" % (col, val))
        elif cmd == "copy":
            src = os.path.join(self.folder, self.sub(words[1]))
            if not os.path.exists(src):
                src = os.path.join(self.out, self.sub(words[1]))
            if not os.path.exists(src):
                self.result(False, line, "no file %s" % src)
                return
            shutil.copyfile(src, os.path.join(self.out, words[2]))
        else:
            self.result(False, "unknown step '%s'" % line)

    def run(self):
        with open(os.path.join(self.folder, "steps"), encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if line and not line.startswith("#"):
                    self.step(line)
        expect = os.path.join(self.folder, "expect")
        for name in sorted(os.listdir(expect)) if os.path.isdir(expect) else []:
            want = open(os.path.join(expect, name), "rb").read()
            path = os.path.join(self.out, name)
            got = open(path, "rb").read() if os.path.exists(path) else None
            detail = ""
            if got != want:
                detail = "want:\n%s\ngot:\n%s" % (want.decode("utf-8", "replace")[:3000],
                                                  "(missing)" if got is None else
                                                  got.decode("utf-8", "replace")[:3000])
            self.result(got == want, "%s equals expect/%s" % (name, name), detail)
        return self.results


def main(binary, cases_dir, only):
    folders = sorted(d for d in glob.glob(os.path.join(cases_dir, "*"))
                     if os.path.isfile(os.path.join(d, "steps")))
    if only:
        folders = [d for d in folders if os.path.basename(d) in only]
    results = []
    for folder in folders:
        with tempfile.TemporaryDirectory(prefix="intake-cli-") as work:
            results += Case(os.path.abspath(binary), os.path.abspath(folder), work).run()
    return tap(results)


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2], set(sys.argv[3:])))
