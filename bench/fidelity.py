"""Benchmark: what the PDF fidelity check (wir_letters.fidelity) costs next to a build.

Usage (from the repository root): python bench/fidelity.py

Builds the shipped campaign into a temporary folder (force: every document is converted),
then runs ``fidelity_problem`` over every (DOCX, PDF) pair in the output and prints both
times, the number of documents, the check's share of the build and any problem found.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wir_letters import build, load_campaign  # noqa: E402
from wir_letters.fidelity import fidelity_problem  # noqa: E402


def pairs(out: Path) -> list[tuple[Path, Path]]:
    """Every ``<out>/<recipient-id>/<doc>.docx`` that has its ``.pdf`` beside it."""
    return [(docx, docx.with_suffix(".pdf")) for docx in sorted(out.glob("*/*.docx"))
            if docx.with_suffix(".pdf").exists()]


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="wir-fidelity-bench-") as folder:
        out = Path(folder) / "out"
        start = time.perf_counter()
        result = build(load_campaign(ROOT / "campaign.yaml"), out=out, force=True)
        build_seconds = time.perf_counter() - start
        documents = pairs(out)
        start = time.perf_counter()
        problems = [p for docx, pdf in documents if (p := fidelity_problem(docx, pdf))]
        check_seconds = time.perf_counter() - start
    print(f"build:          {build_seconds:8.2f} s ({len(result.results)} recipients, {len(result.failed)} failed; "
          f"{result.converted} documents converted, {result.cache_hits} identical ones reused)")
    print(f"fidelity check: {check_seconds:8.3f} s for {len(documents)} documents "
          f"({1000 * check_seconds / max(len(documents), 1):.1f} ms each)")
    print(f"share of build: {100 * check_seconds / build_seconds:8.2f} %")
    print(f"problems found: {len(problems)}")
    for problem in problems:
        print(f"  {problem}")


if __name__ == "__main__":
    main()
