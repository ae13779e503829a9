"""Benchmark: what the report page (thumbnails included) adds to a build and to a rebuild.

Usage (from the repository root): python bench/report.py [--rounds 2]

Builds the shipped campaign from scratch without the report and with it, as ``wir-letters build``
makes it (page images rendered in a background thread while LibreOffice works, then the page),
alternating, and prints the medians and the difference as a share of the build. Then it changes
one contact and times the rebuild and the report (only that recipient's images are new).
Targets (issue #12): at most 10 % on a full build, about nothing on a rebuild of one recipient.
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

from wir_letters import build, load_campaign, load_recipients, make_recipient  # noqa: E402
from wir_letters.builder.results import Silent  # noqa: E402
from wir_letters.outputs.prefetch import ImagePrefetch  # noqa: E402
from wir_letters.outputs.report import write_report  # noqa: E402

CAMPAIGN = load_campaign(ROOT / "campaign.yaml")


def build_only(out: Path) -> float:
    start = time.perf_counter()
    build(CAMPAIGN, out=out)
    return time.perf_counter() - start


def build_with_report(out: Path) -> float:
    start = time.perf_counter()
    reporter = ImagePrefetch(out, Silent())
    result = build(CAMPAIGN, out=out, reporter=reporter)
    reporter.close()
    write_report(result, CAMPAIGN)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    rounds = parser.parse_args().rounds
    plain: list[float] = []
    reported: list[float] = []
    with tempfile.TemporaryDirectory(prefix="wir-report-bench-") as folder:
        for n in range(rounds):
            plain.append(build_only(Path(folder) / f"plain-{n}"))
            reported.append(build_with_report(Path(folder) / f"report-{n}"))
        out = Path(folder) / "report-0"
        recipients = [make_recipient({**r.fields, "contact_last_name": "Neu"}, CAMPAIGN.schema) if r.id == "kassel"
                      else r for r in load_recipients(CAMPAIGN.recipients, CAMPAIGN.schema)]
        start = time.perf_counter()
        result = build(CAMPAIGN, recipients, out=out)
        rebuild = time.perf_counter() - start
        start = time.perf_counter()
        again = write_report(result, CAMPAIGN)
        report = time.perf_counter() - start
    a, b = statistics.median(plain), statistics.median(reported)
    print(f"full build without report: {a:6.2f} s ({', '.join(f'{s:.2f}' for s in plain)})")
    print(f"full build with report:    {b:6.2f} s ({', '.join(f'{s:.2f}' for s in reported)}): "
          f"+{b - a:.2f} s = {100 * (b - a) / a:4.1f} %")
    print(f"rebuild of one recipient:  {rebuild:6.2f} s; report {report:.2f} s = {100 * report / rebuild:4.1f} % "
          f"({again.rendered} images rendered, {again.reused} reused)")


if __name__ == "__main__":
    main()
