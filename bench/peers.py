"""Peer benchmark: wir-letters build against Carbone 3 on the same single-letter campaign, in the same run.

Usage: python bench/peers.py [--sizes 33,330] [--rounds 3]
       make bench-peers (33 and 330 recipients; installs nodejs and npm if missing)

For each size N it generates a campaign of one document, the shipped 2-page cover letter
(templates/anschreiben.docx), for N recipients (the 33 shipped units, repeated with their own
contact person as in bench/run.py; no attachments, so the letter lists no enclosures). Then,
each round from scratch (new process, fresh output folder, LibreOffice started cold):

(a) `wir-letters build --jobs 2` (the whole process: reading the list, rendering, converting,
    bundling, its checks);
(b) Carbone 3 from Node (bench/peers/carbone_render.js) with two LibreOffice factories
    (`factories: 2`) rendering the same letter, with the same values, to one PDF per recipient.
    Its template is made from the shipped one by this script (python-docx): the docxtpl tags are
    replaced by Carbone markers ({d.salutation}, loops for the address lines and the optional
    blocks). The values are computed beforehand with wir-letters' own context code and handed to
    Node as JSON (not timed).

Prints the median wall time of --rounds rounds, letters per second, the peak resident memory of
the process tree (Python or Node plus the LibreOffice processes; the highest of the rounds) and
the ratio wir-letters / Carbone; checks that both made N PDFs of 2 pages with the same text.
Carbone is installed with `npm install carbone@3` into bench/work/carbone if missing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import docx
import yaml
from pypdf import PdfReader

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from measure import Measured, run_measured  # noqa: E402
from run import contact, libreoffice_version  # noqa: E402

PYTHON = sys.executable
WORK = BENCH / "work" / "peers"
CARBONE = BENCH / "work" / "carbone"
RENDER_JS = BENCH / "peers" / "carbone_render.js"
TEMPLATE = ROOT / "templates" / "anschreiben.docx"
FACTORIES = 2
# Carbone looks for `soffice.bin` on PATH (on Linux) and starts `python3` from PATH to drive LibreOffice
# over UNO; a Python without the uno module (pyenv, a venv) makes it hang silently. So for Node: the
# system's directories first, then LibreOffice's program folder.
_SOFFICE = shutil.which("soffice")
NODE_PATH = os.pathsep.join(["/usr/bin", "/bin", *([str(Path(_SOFFICE).resolve().parent)] if _SOFFICE else []),
                             os.environ.get("PATH", "")])


# --- the campaign ---------------------------------------------------------------------------------

def make_campaign(folder: Path, size: int) -> Path:
    """The shipped campaign reduced to its cover letter, with ``size`` recipients."""
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "templates").mkdir(parents=True)
    (folder / "recipients").mkdir()
    shutil.copy(TEMPLATE, folder / "templates" / TEMPLATE.name)
    campaign = yaml.safe_load((ROOT / "campaign.yaml").read_text("utf-8"))
    campaign["documents"] = [d for d in campaign["documents"] if d["id"] == "anschreiben"]
    for key in ("attachments", "mail", "smtp"):
        campaign.pop(key, None)
    shipped = yaml.safe_load((ROOT / "recipients" / "hessen-2017.yaml").read_text("utf-8"))["recipients"]
    rows = [contact(dict(shipped[n % len(shipped)]), n) for n in range(size)]
    (folder / "recipients" / "hessen-2017.yaml").write_text(
        yaml.safe_dump({"recipients": rows}, allow_unicode=True, sort_keys=False), "utf-8")
    path = folder / "campaign.yaml"
    path.write_text(yaml.safe_dump(campaign, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def carbone_letters(campaign_file: Path) -> list[dict[str, Any]]:
    """Each recipient's values for the Carbone template, from wir-letters' own context code."""
    from wir_letters.builder.plan import make_context, plan_recipient
    from wir_letters.documents.jinja import make_env
    from wir_letters.inputs.campaign import load_campaign
    from wir_letters.inputs.recipients import load_recipients

    campaign = load_campaign(campaign_file)
    date = make_env(autoescape=False).from_string("{{ campaign.date|date_de }}")
    letters = []
    for recipient in load_recipients(campaign.recipients, campaign.schema):
        plan = plan_recipient(campaign, recipient, campaign_file.parent / "unused")
        c = make_context(campaign, plan, plan.documents[0])
        sender, row = c["sender"], c["recipient"]
        data = {key: str(value) for key, value in sender.items() if value is not None}
        data.update(
            return_line=sender["return_line"].replace(" · ", "\n", 1),
            address=[{"line": line} for line in c["address_lines"]],
            salutation=c["salutation"],
            your_ref=str(row["your_ref"] or ""), your_message=str(row["your_message"] or ""),
            date=date.render(c),
            enclosures=[{"x": "", "items": [{"e": e} for e in c["enclosures"]]}] if c["enclosures"] else [],
            cc=[{"x": "", "district": str(row["district"])}] if c["conditions"]["kreisangehoerig"] else [],
        )
        letters.append({"file": f"{recipient.id}.pdf", "data": data})
    return letters


# --- the Carbone template -------------------------------------------------------------------------

INLINE = [  # docxtpl expression → Carbone marker
    (re.compile(r"\{\{\s*sender\.return_line\|replace\([^}]*\)\s*\}\}"), "{d.return_line:convCRLF}"),
    (re.compile(r"\{\{\s*campaign\.date\|date_de\s*\}\}"), "{d.date}"),
    (re.compile(r"\{\{\s*salutation\s*\}\}"), "{d.salutation}"),
    (re.compile(r"\{\{\s*recipient\.district\s*\}\}"), "{d.cc[i].district}"),
    (re.compile(r"\{\{\s*(?:sender|recipient)\.(\w+)\s*\}\}"), r"{d.\1}"),
]


def _set_text(paragraph: Any, text: str) -> None:
    """Replace the paragraph's text, keeping its first run's formatting."""
    runs = paragraph.runs
    runs[0].text = text
    for run in runs[1:]:
        run.text = ""


def _convert_paragraph(paragraph: Any, blocks: list[str]) -> None:
    """Turn one paragraph's docxtpl tags into Carbone markers; ``blocks`` is the stack of open ``{%p`` tags.

    A ``{%p for …%}``/``{%p if …%}`` paragraph is removed; the repeated or optional paragraphs become a
    Carbone loop ([i] … [i+1], the [i+1] paragraph is removed by Carbone; an empty list removes them all)."""
    text = paragraph.text.strip()
    tag = re.fullmatch(r"\{%p\s*(\w+)\s*(.*?)\s*%\}", text)
    if tag:
        word, rest = tag.groups()
        if word in ("for", "if"):
            blocks.append("address" if "address_lines" in rest else "items" if "enclosures" in rest and word == "for"
                          else "enclosures" if "enclosures" in rest else "cc")
            paragraph._p.getparent().remove(paragraph._p)
            return
        block = blocks.pop()
        closing = {"address": "{d.address[i+1].line}", "items": "{d.enclosures[i].items[i+1].e}",
                   "enclosures": "{d.enclosures[i+1].x}", "cc": "{d.cc[i+1].x}"}[block]
        _set_text(paragraph, closing)
        return
    new = paragraph.text
    if new.strip() == "{{ line }}":
        new = "{d.address[i].line}"
    elif new.strip() == "{{ e }}":
        new = "{d.enclosures[i].items[i].e}"
    elif blocks and blocks[-1] in ("enclosures", "cc") and "{" not in new and new.strip():
        new += "{d.enclosures[i].x}" if blocks[-1] == "enclosures" else "{d.cc[i].x}"  # the block's heading
    for pattern, replacement in INLINE:
        new = pattern.sub(replacement, new)
    if "{{" in new or "{%" in new:
        raise SystemExit(f"no Carbone marker for: {paragraph.text!r}")
    if new != paragraph.text:
        _set_text(paragraph, new)


def make_carbone_template(target: Path) -> Path:
    """The shipped cover letter with Carbone markers instead of docxtpl tags."""
    document = docx.Document(str(TEMPLATE))
    blocks: list[str] = []
    for paragraph in list(document.paragraphs):
        _convert_paragraph(paragraph, blocks)
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    _convert_paragraph(paragraph, blocks)
    for section in document.sections:
        for part in (section.header, section.first_page_header, section.footer, section.first_page_footer):
            for paragraph in part.paragraphs:
                _convert_paragraph(paragraph, blocks)
    assert not blocks, blocks
    target.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(target))
    return target


# --- Carbone --------------------------------------------------------------------------------------

def ensure_carbone() -> None:
    """Install Carbone 3 into bench/work/carbone unless it is there; exit 2 without node or npm."""
    missing = [tool for tool in ("node", "npm") if not shutil.which(tool)]
    if missing:
        print(f"{' and '.join(missing)} not found. Install them, e.g.\n"
              "  sudo apt-get update && sudo apt-get install -y --no-install-recommends nodejs npm\n"
              "or run `make bench-peers`, which does that.", file=sys.stderr)
        raise SystemExit(2)
    if (CARBONE / "node_modules" / "carbone" / "package.json").exists():
        return
    CARBONE.mkdir(parents=True, exist_ok=True)
    (CARBONE / "package.json").write_text('{"private": true}\n', "utf-8")
    subprocess.run(["npm", "install", "--no-audit", "--no-fund", "carbone@3"], cwd=CARBONE, check=True)


def carbone_version() -> str:
    return json.loads((CARBONE / "node_modules" / "carbone" / "package.json").read_text("utf-8"))["version"]


# --- measuring ------------------------------------------------------------------------------------

def pages_and_text(pdfs: list[Path]) -> tuple[set[int], dict[str, str]]:
    pages, texts = set(), {}
    for pdf in pdfs:
        reader = PdfReader(str(pdf))
        pages.add(len(reader.pages))
        texts[pdf.stem] = " ".join("".join(p.extract_text() for p in reader.pages).split())
    return pages, texts


def measure_size(size: int, rounds: int) -> dict[str, Any]:
    folder = WORK / str(size)
    campaign = make_campaign(folder, size)
    template = make_carbone_template(WORK / "letter-carbone.docx")
    letters = carbone_letters(campaign)
    build = [PYTHON, "-m", "wir_letters", "build", "-c", str(campaign), "--quiet", "--jobs", "2"]
    ours: list[Measured] = []
    theirs: list[Measured] = []
    for r in range(rounds):
        out = folder / f"out-wir-{r}"
        shutil.rmtree(out, ignore_errors=True)
        ours.append(run_measured([*build, "--out", str(out)], cwd=ROOT))
        carbone_out = folder / f"out-carbone-{r}"
        shutil.rmtree(carbone_out, ignore_errors=True)
        job = folder / f"carbone-job-{r}.json"
        job.write_text(json.dumps({"carbone": str(CARBONE), "template": str(template), "out": str(carbone_out),
                                   "temp": str(folder / f"carbone-temp-{r}"), "factories": FACTORIES,
                                   "letters": letters}, ensure_ascii=False), "utf-8")
        theirs.append(run_measured(["env", f"PATH={NODE_PATH}", "node", str(RENDER_JS), str(job)], cwd=ROOT))
        print(f"  {size} recipients, round {r + 1}: wir-letters {ours[-1].seconds:.1f} s, "
              f"Carbone {theirs[-1].seconds:.1f} s", flush=True)
    wir_pdfs = sorted((folder / "out-wir-0").glob("*.pdf"))  # the bundles, one per recipient
    carbone_pdfs = sorted((folder / "out-carbone-0").glob("*.pdf"))
    wir_pages, wir_text = pages_and_text(wir_pdfs)
    carbone_pages, carbone_text = pages_and_text(carbone_pdfs)
    differing = sorted(k for k in wir_text if wir_text[k] != carbone_text.get(k))
    return {"size": size, "wir": ours, "carbone": theirs, "wir_pdfs": len(wir_pdfs),
            "carbone_pdfs": len(carbone_pdfs), "wir_pages": wir_pages, "carbone_pages": carbone_pages,
            "differing": differing}


def summary(runs: list[Measured]) -> tuple[float, float, float]:
    """Median seconds and the highest peak memory (RSS, PSS) of the rounds."""
    return (statistics.median(m.seconds for m in runs), max(m.peak_mb for m in runs),
            max(m.peak_pss_mb for m in runs))


def table(rows: list[dict[str, Any]]) -> str:
    lines = ["| recipients (letters) | wir-letters build | Carbone 3, 2 factories | wir-letters / Carbone (time) "
             "| peak RSS wir-letters / Carbone | peak PSS wir-letters / Carbone | PDFs, pages each (wir / Carbone) | same text |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        ws, wm, wp = summary(r["wir"])
        cs, cm, cp = summary(r["carbone"])
        n = r["size"]
        same = "yes" if not r["differing"] else f"no: {len(r['differing'])} differ (e.g. {r['differing'][0]})"
        lines.append(f"| {n} | {ws:.1f} s, {n / ws:.1f} letters/s | {cs:.1f} s, {n / cs:.1f} letters/s "
                     f"| {ws / cs:.2f} | {wm:.0f} / {cm:.0f} MB | {wp:.0f} / {cp:.0f} MB "
                     f"| {r['wir_pdfs']} × {sorted(r['wir_pages'])} "
                     f"/ {r['carbone_pdfs']} × {sorted(r['carbone_pages'])} "
                     f"| {same} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="33,330")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    ensure_carbone()
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        started = time.perf_counter()
        rows.append(measure_size(size, args.rounds))
        print(f"measured {size} recipients in {time.perf_counter() - started:.0f} s", flush=True)
    node = subprocess.run(["node", "--version"], capture_output=True, text=True, check=False).stdout.strip()
    print()
    print(f"{dt.date.today().isoformat()}, {os.cpu_count()} cores, {libreoffice_version()}, "
          f"Python {sys.version.split()[0]}, Node {node}, Carbone {carbone_version()}. "
          f"Command: `python bench/peers.py --sizes {args.sizes} --rounds {args.rounds}` "
          f"(medians of {args.rounds} rounds; peak memory: the highest of the rounds).")
    print()
    print(table(rows))
    shutil.rmtree(WORK, ignore_errors=True)
    return 0 if all(not r["differing"] and r["wir_pdfs"] == r["carbone_pdfs"] == r["size"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
