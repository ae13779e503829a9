"""Wall time and peak memory of a command: the process and all its descendants, sampled every 50 ms.

Two sums: resident memory (RSS) counts pages that processes share once per process (shared
libraries of two soffice, and the parent's pages in a child it just forked to start a helper
program); the proportional set size (PSS, from /proc/<pid>/smaps_rollup) divides each shared page
among the processes that map it, so the tree's pages are counted once.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class Measured:
    seconds: float
    peak_mb: float  # resident set (RSS), summed over the tree
    peak_pss_mb: float = 0.0  # proportional set size, summed over the tree


def _tree(root: int) -> list[int]:
    """``root`` and every process below it."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def _rss(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except (OSError, IndexError):
        return 0


def _pss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    return 0


def run_measured(command: list[str], cwd: Path | None = None) -> Measured:
    """Run ``command``; return its wall time and the peak memory (RSS and PSS) of its process tree."""
    peak = peak_pss = 0
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, peak_pss
        while not done.is_set():
            pids = _tree(process.pid)
            peak = max(peak, sum(map(_rss, pids)))
            peak_pss = max(peak_pss, sum(map(_pss, pids)))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = process.wait()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if code != 0:
        raise SystemExit(f"benchmark step failed (exit {code}): {' '.join(command)}")
    return Measured(seconds, peak / 1e6, peak_pss / 1e6)
