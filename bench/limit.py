"""Limit (b): the same DOCX files converted by two soffice processes, nothing else.

Usage: python bench/limit.py DOCX_FOLDER OUT   (each process converts half, 200 files per call)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

PER_CALL = 200  # soffice ignores files beyond about 250 arguments


def convert(files: list[Path], out: Path, profile: Path) -> None:
    """One soffice process at a time over ``files``, PER_CALL files per call, in this thread."""
    for i in range(0, len(files), PER_CALL):
        subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
                        "--convert-to", "pdf", "--outdir", str(out), *map(str, files[i:i + PER_CALL])],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)


def main(folder: str, out: str) -> None:
    files = sorted(Path(folder).glob("*.docx"))
    with tempfile.TemporaryDirectory() as profiles:
        halves = [files[0::2], files[1::2]]
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(convert, halves, [Path(out)] * 2, [Path(profiles) / f"p{n}" for n in range(2)]))
    made = len(list(Path(out).glob("*.pdf")))
    if made != len(files):
        raise SystemExit(f"only {made} of {len(files)} PDFs were made")


if __name__ == "__main__":
    main(*sys.argv[1:])
