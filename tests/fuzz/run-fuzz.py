#!/usr/bin/env python3
"""Runs one libFuzzer target, bounded: replay the seeds (and regressions), then fuzz for
SECONDS with a memory cap. Prints TAP. Usage: run-fuzz.py TARGET SEEDDIR SECONDS"""
import os
import subprocess
import sys
import tempfile


def main(target, seeds, seconds):
    name = os.path.basename(target)
    regress = seeds.replace("/seeds/", "/regressions/")
    dirs = [d for d in (seeds, regress) if os.path.isdir(d)]
    print("1..2")
    replay = subprocess.run([target, "-runs=0"] + dirs, capture_output=True, text=True)
    if replay.returncode:
        print("not ok 1 - %s replays its corpus" % name)
        print("\n".join("# " + l for l in replay.stderr.splitlines()[-40:]))
    else:
        print("ok 1 - %s replays its corpus" % name)
    with tempfile.TemporaryDirectory() as work:
        corpus = os.path.join(work, "corpus")
        os.mkdir(corpus)
        run = subprocess.run(
            [target, corpus] + dirs + ["-max_total_time=" + seconds, "-timeout=5",
             "-rss_limit_mb=2048", "-malloc_limit_mb=512", "-max_len=65536",
             "-print_final_stats=1", "-artifact_prefix=" + work + "/"],
            capture_output=True, text=True)
        stats = [l for l in run.stderr.splitlines() if l.startswith("stat::number_of_executed_units")]
        if run.returncode:
            print("not ok 2 - %s fuzzes %ss without a finding" % (name, seconds))
            print("\n".join("# " + l for l in run.stderr.splitlines()[-60:]))
            for f in os.listdir(work):
                if f != "corpus":
                    print("# artifact: %s" % f)
        else:
            print("ok 2 - %s fuzzes %ss without a finding # %s" % (name, seconds, " ".join(stats)))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
