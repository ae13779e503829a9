"""Cold start of the CLI: medians of ``wir-letters --help`` and ``status`` (shipped campaign, after
a build), and the eager baseline (importing everything a command used to import at start).

    python bench/startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
EAGER = ("import wir_letters.builder.build, wir_letters.checks.preflight, wir_letters.outputs.report, "
         "wir_letters.outputs.printrun, wir_letters.outputs.preview, wir_letters.outputs.prefetch, "
         "wir_letters.progress, rich.console")


def median_seconds(command: list[str], runs: int, before: Callable[[], None] = lambda: None) -> float:
    times = []
    for _ in range(runs):
        before()
        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    cli = [sys.executable, "-m", "wir_letters"]
    with tempfile.TemporaryDirectory() as folder:
        out = str(Path(folder) / "out")
        subprocess.run([*cli, "build", "-q", "--out", out], cwd=ROOT, check=True)
        campaign = Path(folder) / "plain"  # the shipped campaign without its mail: section
        for name in ("recipients", "templates"):
            shutil.copytree(ROOT / name, campaign / name)
        data = yaml.safe_load((ROOT / "campaign.yaml").read_text(encoding="utf-8"))
        data.pop("mail", None)
        (campaign / "campaign.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        subprocess.run([*cli, "build", "-q", "-c", str(campaign / "campaign.yaml"), "--out", out + "2"], check=True)
        os.environ["XDG_CACHE_HOME"] = str(Path(folder) / "cache")  # status snapshots of this run only
        (Path(folder) / "cache" / "wir-letters" / "status").mkdir(parents=True)  # made now: not a change later
        time.sleep(2.1)  # status stores no snapshot while files are younger than 2 s
        status, plain = [*cli, "status", "--out", out], [*cli, "status", "-c", str(campaign / "campaign.yaml"),
                                                          "--out", out + "2"]
        touch = lambda: os.utime(ROOT / "recipients" / "hessen-2017.yaml")  # noqa: E731  (a change: no replay)
        touch_plain = lambda: os.utime(campaign / "recipients" / "hessen-2017.yaml")  # noqa: E731
        rows = [
            ("python -c pass", median_seconds([sys.executable, "-c", "pass"], runs)),
            ("wir-letters --help", median_seconds([*cli, "--help"], runs)),
            ("wir-letters status, nothing changed since the last status (snapshot)", median_seconds(status, runs)),
            ("wir-letters status after a change (33 assessed)", median_seconds(status, runs, touch)),
            ("  the same, campaign without mail:", median_seconds(plain, runs, touch_plain)),
            ("eager baseline: python -c 'import <all command modules>'",
             median_seconds([sys.executable, "-c", EAGER], runs)),
        ]
    for name, seconds in rows:
        print(f"{name:60s} {seconds * 1000:7.0f} ms (median of {runs})")


if __name__ == "__main__":
    main()
