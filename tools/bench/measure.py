#!/usr/bin/env python3
"""Runs one benchmark command and prints one row of the 'make bench' table: wall seconds,
the command's CPU seconds (user + system), rows/s and MB/s (by wall time) and its peak RSS.
On a shared machine CPU seconds say more than wall seconds about the command itself.

Peak RSS and CPU time come from GNU time (Debian package 'time'), not from this process's wait4: a
child forked from Python starts as a copy of it, and Linux keeps that copy's high-water
mark across exec, so wait4 would report at least Python's own size (about 14 MiB).

  measure.py --header
  measure.py --name WHAT --rows N --bytes B [--stdin FILE] [--note TEXT] [--note-stderr]
             -- COMMAND ARGS...

The command's standard output is discarded. Its standard error is shown when it fails
(exit status 1 then, with the row marked 'failed'); with --note-stderr its last line
ends the row (a summary such as "1000000 rows, 0 rejected").
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

GNU_TIME = "/usr/bin/time"

ROW = "%-30s %7s %7s %11s %7s %10s  %s"


def header():
    print(ROW % ("measurement", "wall s", "cpu s", "rows/s", "MB/s", "peak RSS", ""))
    print(ROW % ("-" * 30, "-" * 7, "-" * 7, "-" * 11, "-" * 7, "-" * 10, ""))


def run(args):
    stdin = open(args.stdin, "rb") if args.stdin else subprocess.DEVNULL
    with tempfile.NamedTemporaryFile(mode="r", prefix="intake-bench-rss-") as rss, \
            tempfile.TemporaryFile() as err:
        start = time.monotonic()
        try:
            code = subprocess.call([GNU_TIME, "-f", "%M %U %S", "-o", rss.name] + args.command,
                                   stdin=stdin, stdout=subprocess.DEVNULL, stderr=err)
        except OSError as e:
            print(ROW % (args.name, "-", "-", "-", "-", "-", "failed: %s" % e))
            return 1
        wall = time.monotonic() - start
        if args.stdin:
            stdin.close()
        err.seek(0)
        lines = err.read().decode("utf-8", "replace").strip().splitlines()
        usage = rss.read().strip().splitlines()
    if code != 0:
        print(ROW % (args.name, "%.2f" % wall, "-", "-", "-", "-", "failed (exit %d)" % code))
        for line in lines[-5:]:
            print("    " + line)
        return 1
    kib, user, system = usage[-1].split()
    rss_mib = int(kib) / 1024.0   # GNU time's %M is in KiB
    note = args.note
    if args.note_stderr and lines:
        note = (note + "; " if note else "") + lines[-1]
    print(ROW % (args.name, "%.2f" % wall, "%.2f" % (float(user) + float(system)),
                 "{:,.0f}".format(args.rows / wall), "%.1f" % (args.bytes / wall / 1e6),
                 "%.1f MiB" % rss_mib, note))
    sys.stdout.flush()
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--header", action="store_true", help="print the table's header")
    p.add_argument("--name", default="")
    p.add_argument("--rows", type=int, default=0)
    p.add_argument("--bytes", type=int, default=0)
    p.add_argument("--stdin")
    p.add_argument("--note", default="")
    p.add_argument("--note-stderr", action="store_true")
    p.add_argument("command", nargs="*")
    args = p.parse_args()
    if args.header:
        header()
        return 0
    if not args.command:
        p.error("no command to measure")
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
