"""Benchmark: naive docxtpl recipe (a) vs the LibreOffice conversion limit (b) vs wir-letters build (c).

Usage: python bench/run.py [--sizes 33,330] [--naive-sample 10]
       make bench (33 and 330 recipients), make bench-large (adds 3,300)

For each size it generates a campaign from the shipped templates, then measures in the same
run, on the same data: (c) `wir-letters build`; (b) two soffice processes converting the
same distinct DOCX files (nothing else); (a) the common recipe – docxtpl in a loop, one
soffice call per document, pypdf merge – on the first --naive-sample recipients, scaled
linearly to the size (it starts one process per document, so it is linear by construction);
and the rebuild after one contact change. Results go to bench/results.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from measure import Measured, run_measured  # noqa: E402

PYTHON = sys.executable
ALL_DOCUMENTS_LIMIT = 2000  # (b) over every document, not only the distinct ones, up to this many


def make_campaign(folder: Path, size: int) -> Path:
    """A copy of the shipped campaign with ``size`` recipients (the 33 units, repeated)."""
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(ROOT / "templates", folder / "templates")
    (folder / "recipients").mkdir(parents=True)
    shutil.copy(ROOT / "campaign.yaml", folder / "campaign.yaml")
    shipped = yaml.safe_load((ROOT / "recipients" / "hessen-2017.yaml").read_text("utf-8"))["recipients"]
    rows = [contact(dict(shipped[n % len(shipped)]), n) for n in range(size)]
    (folder / "recipients" / "hessen-2017.yaml").write_text(
        yaml.safe_dump({"recipients": rows}, allow_unicode=True, sort_keys=False), "utf-8")
    return folder / "campaign.yaml"


def contact(row: dict[str, str], n: int) -> dict[str, str]:
    """Give a copy of a shipped unit its own id and contact person, so every letter differs.

    The calls name only the authority, so they repeat for copies of the same unit (as a call
    without personal fields would for every recipient)."""
    female = n % 2 == 0
    role = {"landkreis": ("Landrätin", "Landrat")}.get(row["kind"], ("Oberbürgermeisterin", "Oberbürgermeister"))
    row.update(id=f"{row['id']}-{n // 33:04d}", contact_salutation="Frau" if female else "Herr",
               contact_role=role[0] if female else role[1], contact_last_name=f"Beispiel {n:04d}")
    return row


def all_docx(out: Path, target: Path) -> int:
    target.mkdir(parents=True)
    files = sorted(out.glob("*/*.docx"))
    for n, docx in enumerate(files):
        shutil.copy(docx, target / f"{n:06d}.docx")
    return len(files)


def distinct_docx(out: Path, target: Path) -> int:
    target.mkdir(parents=True)
    seen = set()
    for docx in out.glob("*/*.docx"):
        digest = hashlib.sha256(docx.read_bytes()).hexdigest()
        if digest not in seen:
            seen.add(digest)
            shutil.copy(docx, target / f"{digest}.docx")
    return len(seen)


def change_one_contact(campaign: Path) -> None:
    path = campaign.parent / "recipients" / "hessen-2017.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    data["recipients"][1].update(contact_salutation="Frau", contact_role="Landrätin", contact_last_name="Beispiel")
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")


def measure_size(size: int, naive_sample: int, work: Path) -> dict[str, object]:
    campaign = make_campaign(work / str(size), size)
    folder = campaign.parent
    build = [PYTHON, "-m", "wir_letters", "build", "-c", str(campaign), "--quiet", "--jobs", "2"]
    c = run_measured([*build, "--out", str(folder / "out-c")], cwd=ROOT)
    documents = len(list((folder / "out-c").glob("*/*.docx")))
    distinct = distinct_docx(folder / "out-c", folder / "docx")
    b = run_measured([PYTHON, str(BENCH / "limit.py"), str(folder / "docx"), str(folder / "out-b")])
    b_all = None
    if distinct < documents <= ALL_DOCUMENTS_LIMIT:
        all_docx(folder / "out-c", folder / "docx-all")
        b_all = run_measured([PYTHON, str(BENCH / "limit.py"), str(folder / "docx-all"), str(folder / "out-b-all")])
    sample = min(size, naive_sample)
    a_sample = run_measured([PYTHON, str(BENCH / "naive.py"), str(campaign), str(folder / "out-a"), str(sample)])
    a = Measured(a_sample.seconds * size / sample, a_sample.peak_mb)
    change_one_contact(campaign)
    rebuild = run_measured([*build, "--out", str(folder / "out-c")], cwd=ROOT)
    return {"size": size, "documents": documents, "distinct": distinct, "a": a, "b": b, "b_all": b_all, "c": c,
            "a_sampled": sample < size, "sample": sample, "rebuild": rebuild}


def table(rows: list[dict[str, object]]) -> str:
    lines = [
        "| recipients | documents (distinct) | (a) naive | (b) conversion limit, distinct documents "
        "| (b') limit, every document | (c) wir-letters build | c vs a | c / b | c / b' "
        "| rebuild after 1 contact change | peak memory a / b / c |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        a, b, b_all, c, rebuild = r["a"], r["b"], r["b_all"], r["c"], r["rebuild"]
        docs = r["documents"]
        naive = f"{a.seconds:.1f} s" + (f" (from {r['sample']})" if r["a_sampled"] else "")
        lines.append(
            f"| {r['size']} | {docs} ({r['distinct']}) | {naive}, {docs / a.seconds:.1f} docs/s "
            f"| {b.seconds:.1f} s, {r['distinct'] / b.seconds:.1f} docs/s "
            f"| {f'{b_all.seconds:.1f} s' if b_all else '–'} | {c.seconds:.1f} s, {docs / c.seconds:.1f} docs/s "
            f"| {a.seconds / c.seconds:.1f}× faster | {c.seconds / b.seconds:.2f} "
            f"| {f'{c.seconds / b_all.seconds:.2f}' if b_all else '–'} "
            f"| {rebuild.seconds:.2f} s = {rebuild.seconds / c.seconds:.3f} of full "
            f"| {a.peak_mb:.0f} / {b.peak_mb:.0f} / {c.peak_mb:.0f} MB |")
    return "\n".join(lines)


def libreoffice_version() -> str:
    done = subprocess.run(["soffice", "--version"], capture_output=True, text=True, check=False)
    return done.stdout.strip() or "unknown"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="33,330")
    parser.add_argument("--naive-sample", type=int, default=10)
    args = parser.parse_args()
    work = BENCH / "work"
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        started = time.perf_counter()
        rows.append(measure_size(size, args.naive_sample, work))
        print(f"measured {size} recipients in {time.perf_counter() - started:.0f} s", flush=True)
    report = "\n".join([
        f"## {dt.date.today().isoformat()}: `bench/run.py`",
        "",
        f"{dt.date.today().isoformat()}, {os.cpu_count()} cores, {libreoffice_version()}, "
        f"Python {sys.version.split()[0]}. Command: `python bench/run.py --sizes {args.sizes} "
        f"--naive-sample {args.naive_sample}`.",
        "",
        table(rows),
        "",
        "(a) docxtpl in a loop, one `soffice --convert-to pdf` per document, pypdf merge; measured on the first "
        f"{args.naive_sample} recipients and scaled to the size. (b) two soffice processes converting the distinct "
        "DOCX files of (c), 200 per call, nothing else; (b') the same over every document (what a tool without a "
        "conversion cache must convert). Recipients beyond the 33 units are copies with their own contact person: "
        "every letter differs, the calls repeat per unit. (c) `wir-letters build --jobs 2` from scratch. "
        "Rebuild: `wir-letters build` again after one recipient's contact changed. Peak memory: resident memory "
        "of the process and all its children (LibreOffice included), sampled every 50 ms.",
        "",
    ])
    _add_to_results(report)
    print(report)
    shutil.rmtree(work, ignore_errors=True)
    return 0


def _add_to_results(section: str) -> None:
    """Put ``section`` on top of bench/results.md, below its title; earlier results stay."""
    results = BENCH / "results.md"
    earlier = results.read_text("utf-8").removeprefix("# Benchmark results\n").lstrip("\n") if results.exists() else ""
    results.write_text(f"# Benchmark results\n\n{section}\n{earlier}", "utf-8")


if __name__ == "__main__":
    sys.exit(main())
