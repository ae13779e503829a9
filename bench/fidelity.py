"""Benchmark: what the text-fidelity check (wir_letters.checks.fidelity) costs in a build.

Usage (from the repository root): python bench/fidelity.py [--rounds 3]

Builds the shipped campaign from scratch with the check (the default) and without it
(a LibreOffice converter that declares ``renders_text = False``), alternating, and prints the
median wall-clock times and their difference as a share of the build. It also times the check
alone over every (DOCX, PDF) pair of the output, which is its cost if nothing overlapped it.
Target (issue #9): the check costs at most 5 % of the full build.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wir_letters import build, load_campaign  # noqa: E402
from wir_letters.pdf.convert import LibreOfficeConverter  # noqa: E402
from wir_letters.checks.fidelity import fidelity_problem  # noqa: E402


class _Unchecked(LibreOfficeConverter):
    renders_text = False  # the build skips the fidelity check


def timed_build(out: Path, checked: bool) -> float:
    campaign = load_campaign(ROOT / "campaign.yaml")
    kind = LibreOfficeConverter if checked else _Unchecked
    converter = kind(out / ".wir", workers=2, day=campaign.date)
    start = time.perf_counter()
    result = build(campaign, out=out, jobs=2, converter=converter)
    seconds = time.perf_counter() - start
    assert result.ok, [r.error for r in result.failed]
    return seconds


def check_alone(out: Path) -> tuple[float, int, int]:
    """Seconds for the check over every pair, the number of pairs, and the problems found."""
    pairs = [(docx, docx.with_suffix(".pdf")) for docx in sorted(out.glob("*/*.docx"))]
    start = time.perf_counter()
    problems = [p for docx, pdf in pairs if (p := fidelity_problem(docx, pdf))]
    return time.perf_counter() - start, len(pairs), len(problems)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    rounds = parser.parse_args().rounds
    with_check: list[float] = []
    without: list[float] = []
    with tempfile.TemporaryDirectory(prefix="wir-fidelity-bench-") as folder:
        for n in range(rounds):
            with_check.append(timed_build(Path(folder) / f"on-{n}", checked=True))
            without.append(timed_build(Path(folder) / f"off-{n}", checked=False))
        alone, documents, problems = check_alone(Path(folder) / "on-0")
    on, off = statistics.median(with_check), statistics.median(without)
    print(f"shipped campaign, {documents} documents, {rounds} rounds, medians")
    print(f"build with the check:    {on:7.2f} s   ({', '.join(f'{s:.2f}' for s in with_check)})")
    print(f"build without the check: {off:7.2f} s   ({', '.join(f'{s:.2f}' for s in without)})")
    print(f"difference:              {on - off:7.2f} s = {100 * (on - off) / on:5.1f} % of the build")
    print(f"check alone:             {alone:7.2f} s = {100 * alone / on:5.1f} % of the build "
          f"({1000 * alone / documents:.1f} ms per document, {problems} problems)")


if __name__ == "__main__":
    main()
