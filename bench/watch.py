"""Full build of the shipped campaign vs a contact change with ``wir-letters watch`` running: the time
from saving one changed row of recipients/hessen-2017.yaml to that recipient's new bundle.

    python bench/watch.py [--changes 5]
"""

from __future__ import annotations

import argparse
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "wir_letters"]
ROW, STREET = "id: kassel\n", "street: Obere Königsstraße 8"


def copy_campaign(folder: Path) -> Path:
    for name in ("recipients", "templates"):
        shutil.copytree(ROOT / name, folder / name)
    shutil.copy(ROOT / "campaign.yaml", folder / "campaign.yaml")
    return folder / "campaign.yaml"


def wait_for(path: Path, text: str, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while text not in (path.read_text(encoding="utf-8") if path.exists() else ""):
        if time.monotonic() > deadline:
            raise SystemExit(f"no {text!r} in {path}")
        time.sleep(0.01)


def change_contact(listing: Path, bundle: Path, n: int) -> float:
    """Save kassel's row with another street; return seconds until its bundle's bytes change."""
    text = listing.read_text(encoding="utf-8")
    head, tail = text.split(ROW, 1)
    row, rest = tail.split("\n- id:", 1)
    row = "\n".join(f"  street: Obere Königsstraße {10 + n}" if line.strip().startswith("street:") else line
                    for line in row.split("\n"))
    before = bundle.read_bytes()
    started = time.perf_counter()
    listing.write_text(head + ROW + row + "\n- id:" + rest, encoding="utf-8")
    while not bundle.exists() or bundle.read_bytes() == before:
        time.sleep(0.005)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--changes", type=int, default=5)
    changes = parser.parse_args().changes
    with tempfile.TemporaryDirectory() as scratch:
        campaign = copy_campaign(Path(scratch) / "campaign")
        started = time.perf_counter()
        subprocess.run([*CLI, "build", "-q", "-c", str(campaign), "--out", str(Path(scratch) / "full")], check=True)
        full = time.perf_counter() - started
        log = Path(scratch) / "watch.log"
        with log.open("w", encoding="utf-8") as output:
            watching = subprocess.Popen([*CLI, "watch", "-c", str(campaign), "--out", str(Path(scratch) / "w")],
                                        stdout=output, stderr=subprocess.STDOUT, env={"PYTHONUNBUFFERED": "1",
                                                                                      "PATH": "/usr/bin:/bin"})
            try:
                wait_for(log, "watching")
                times = []
                for n in range(changes):
                    times.append(change_contact(campaign.parent / "recipients" / "hessen-2017.yaml",
                                                Path(scratch) / "w" / "kassel.pdf", n))
                    wait_for(log, f"Königsstraße {10 + n}'\n")
                    time.sleep(0.5)  # let the round finish (report page) before the next save
            finally:
                watching.send_signal(signal.SIGINT)
                watching.wait(timeout=30)
    change = statistics.median(times)
    print(f"full build (wir-letters build, 33 recipients): {full:.2f} s")
    print(f"watch: save of one contact change -> new bundle: median {change:.2f} s of {changes} "
          f"({', '.join(f'{t:.2f}' for t in times)})")
    print(f"ratio: {change / full:.3f} of the full build")


if __name__ == "__main__":
    main()
