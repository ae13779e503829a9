"""Benchmark: full build of the shipped campaign vs the rebuild after one contact change.

Run: make bench-incremental   (or .venv/bin/python bench/incremental.py)
Prints both wall times and their ratio (target: rebuild < 1/10 of the full build).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wir_letters import build, load_campaign  # noqa: E402


def copy_campaign(target: Path) -> Path:
    """Copy campaign.yaml, templates and recipients so the benchmark may edit them."""
    for folder in ("templates", "recipients"):
        shutil.copytree(ROOT / folder, target / folder)
    shutil.copy(ROOT / "campaign.yaml", target / "campaign.yaml")
    return target / "campaign.yaml"


def change_contact(recipients: Path, rid: str) -> None:
    data = yaml.safe_load(recipients.read_text("utf-8"))
    row = next(r for r in data["recipients"] if r["id"] == rid)
    row.update(contact_salutation="Herr", contact_role="Oberbürgermeister", contact_last_name="Beispiel")
    recipients.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")


def timed(action) -> tuple[float, object]:
    start = time.perf_counter()
    value = action()
    return time.perf_counter() - start, value


def main() -> int:
    with tempfile.TemporaryDirectory() as work:
        campaign_file = copy_campaign(Path(work))
        full, result = timed(lambda: build(load_campaign(campaign_file)))
        assert not result.failed
        change_contact(Path(work) / "recipients" / "hessen-2017.yaml", "kassel")
        rebuild, result = timed(lambda: build(load_campaign(campaign_file)))
        rebuilt = [r.id for r in result.results if r.status.needs_build]
        assert rebuilt == ["kassel"], rebuilt
        noop, _ = timed(lambda: build(load_campaign(campaign_file)))
    print(f"full build, 33 recipients:          {full:6.2f} s")
    print(f"rebuild after one contact change:   {rebuild:6.2f} s  (1 recipient rebuilt)")
    print(f"rebuild with nothing changed:       {noop:6.2f} s")
    print(f"ratio rebuild / full:               {rebuild / full:6.3f}  (target < 0.100)")
    return 0 if rebuild / full < 0.1 else 1


if __name__ == "__main__":
    sys.exit(main())
