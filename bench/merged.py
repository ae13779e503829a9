"""Merged conversion against one file per document, in the same run on the same DOCX files.

Usage: python bench/merged.py [--sizes 33,330] [--rounds 3]

For each size N: N different 2-page letters (header and footer with the recipient's name,
"Seite x von y") converted by one LibreOffice worker one file per document (merge=False, the
baseline) and merged (the default); then the shipped campaign's documents for its 33
recipients. Prints the median seconds of ``--rounds`` rounds and the ratio; each round uses a
fresh converter (fresh profile, nothing learnt about page counts).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import docx
from docx.oxml import parse_xml

from wir_letters.builder.build import build
from wir_letters.inputs.campaign import load_campaign
from wir_letters.pdf.convert import ConversionJob, LibreOfficeConverter

ROOT = Path(__file__).resolve().parent.parent
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
TEXT = ("Die Hessische Landesregierung hat mit der Umsetzung des Aktionsplans begonnen und bittet Sie um "
        "Ihre Mitwirkung bei der Integration der Geflüchteten in den Landkreisen und Städten. ") * 3


def _field(code: str) -> str:
    return (f'<w:p {W}><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> '
            f'{code} </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')


def letters(folder: Path, count: int) -> list[Path]:
    """``count`` 2-page letters, each to its own recipient."""
    paths = []
    for n in range(count):
        document = docx.Document()
        document.add_paragraph(f"Brief an Empfänger Nummer {n}")
        for p in range(18):
            document.add_paragraph(f"{p + 1}. Absatz: " + TEXT)
        document.sections[0].header.paragraphs[0].text = f"Empfänger Nummer {n}"
        footer = document.sections[0].footer.paragraphs[0]
        footer.text = "Seite "
        footer._p.extend(parse_xml(_field("PAGE")))
        footer.add_run(" von ")
        footer._p.extend(parse_xml(_field("NUMPAGES")))
        paths.append(folder / f"letter{n:04d}.docx")
        document.save(str(paths[-1]))
    return paths


def shipped(folder: Path) -> list[Path]:
    """The shipped campaign's rendered documents (33 recipients × 5), rendered without converting."""

    class Render:
        workers = 1
        renders_text = False

        def convert_batch(self, jobs: list[ConversionJob], slot: int) -> dict[Path, str]:
            return {job.target: "not converted" for job in jobs}

    build(load_campaign(ROOT / "campaign.yaml"), out=folder / "out", converter=Render())
    return sorted((folder / "out").glob("*/*.docx"))


def seconds(docs: list[Path], merge: bool, rounds: int, folder: Path) -> tuple[float, int]:
    """Median seconds to convert ``docs`` in one worker; and how many were converted alone."""
    times, alone = [], 0
    for r in range(rounds):
        out = folder / f"pdf-{merge}-{r}"
        converter = LibreOfficeConverter(folder / f"work-{merge}-{r}", workers=1, merge=merge)
        jobs = [ConversionJob(d, out / f"{d.parent.name}-{d.stem}.pdf") for d in docs]
        started = time.monotonic()
        errors = converter.convert_batch(jobs, 0)
        times.append(time.monotonic() - started)
        assert not errors, errors
        alone = len(converter.notes)
    return statistics.median(times), alone


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="33,330")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        cases = [(f"{n} letters of 2 pages", letters(folder / f"l{n}", n)) for n in map(int, args.sizes.split(","))
                 if (folder / f"l{n}").mkdir(parents=True) is None]
        cases.append(("shipped campaign, 33 recipients", shipped(folder / "shipped")))
        print("| documents | one file per document | merged | merged / alone | converted alone (merged run) |")
        print("|---|---|---|---|---|")
        for title, docs in cases:
            baseline, _ = seconds(docs, False, args.rounds, folder)
            merged, alone = seconds(docs, True, args.rounds, folder)
            print(f"| {title} ({len(docs)} DOCX) | {baseline:.1f} s | {merged:.1f} s | {merged / baseline:.2f} "
                  f"| {alone} |", flush=True)


if __name__ == "__main__":
    main()
