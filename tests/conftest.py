"""Shared fixtures: tiny campaigns built by the tests themselves, a fake converter, CLI runner."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import docx
import pytest
import yaml
from pypdf import PdfWriter

from wir_letters import BuildResult, build, cli, load_campaign
from wir_letters.pdf.convert import ConversionJob, LibreOfficeConverter
from wir_letters.files import write_atomic

ROOT = Path(__file__).resolve().parent.parent

# The suite asserts English messages, whatever the machine's locale (test_i18n checks German itself).
os.environ["WIR_LETTERS_LANG"] = "en"
# status snapshots (wir_letters.cli._status_snapshot) go to a scratch cache, not the user's ~/.cache
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="wir-letters-test-cache-")

RECIPIENTS = [
    {"id": "landkreis-fulda", "name": "Kreisausschuss des Landkreises Fulda", "kind": "landkreis",
     "street": "Wörthstraße 15", "postcode": "36037", "city": "Fulda",
     "contact_salutation": "Frau", "contact_role": "Landrätin", "contact_title": "Dr.",
     "contact_first_name": "Anna", "contact_last_name": "Beispiel"},
    {"id": "kassel", "name": "Magistrat der Stadt Kassel", "kind": "kreisfreie_stadt",
     "street": "Obere Königsstraße 8", "postcode": "34117", "city": "Kassel"},
    {"id": "fulda", "name": "Magistrat der Stadt Fulda", "kind": "sonderstatusstadt",
     "street": "Schlossstraße 1", "postcode": "36037", "city": "Fulda"},
]


def make_template(path: Path, paragraphs: Sequence[str], header: str | None = None,
                  footer: str | None = None) -> Path:
    """Write a DOCX whose paragraphs (one run each) hold the given template text."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if header is not None:
        document.sections[0].header.paragraphs[0].text = header
    if footer is not None:
        document.sections[0].footer.paragraphs[0].text = footer
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    return path


def blank_pdf(pages: int = 1, source_hash: str = "") -> bytes:
    """Return a PDF of blank pages; a ``source_hash`` sets its page width, so that a bundle
    made from it changes whenever the source changes."""
    writer = PdfWriter()
    width = 500 + int(source_hash[:4], 16) % 100 if source_hash else 595
    for _ in range(pages):
        writer.add_blank_page(width=width, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


class FakeConverter:
    """Stands in for LibreOffice in unit tests: one blank page per document, its width
    derived from the DOCX's hash (tests/test_end_to_end.py and tests/test_crash_safety.py
    use the real LibreOffice)."""

    workers = 1
    renders_text = False  # blank pages: the text-fidelity check needs LibreOffice's real PDFs

    def __init__(self, fail: Sequence[str] = (), pages: int = 1) -> None:
        self.fail = set(fail)
        self.pages = pages
        self.converted: list[Path] = []

    def convert_batch(self, jobs: Sequence[ConversionJob], slot: int) -> dict[Path, str]:
        errors = {}
        for job in jobs:
            self.converted.append(job.source)
            if job.source.parent.name in self.fail:
                errors[job.target] = f"LibreOffice produced no PDF for {job.source}"
                continue
            digest = hashlib.sha256(job.source.read_bytes()).hexdigest()
            write_atomic(job.target, blank_pdf(self.pages, source_hash=digest))
        return errors


def write_campaign(folder: Path, recipients: list[dict[str, str]] | None = None, **overrides: object) -> Path:
    """Write a small campaign (letter + call + 2-page attachment) into ``folder``; return its path."""
    make_template(folder / "templates" / "letter.docx", [
        "{% for line in address_lines %}{{ line }}, {% endfor %}",
        "{{ salutation }}",
        "Brief an {{ recipient.name }} in {{ recipient.postcode }} {{ recipient.city }}.",
        "Datum: {{ campaign.date|date_de }}",
    ], header="{{ sender.authority }}", footer="{{ sender.street }}")
    make_template(folder / "templates" / "call.docx", ["Ausschreibung für {{ recipient.name }}"])
    (folder / "templates" / "plan.pdf").write_bytes(blank_pdf(2))
    (folder / "recipients.yaml").write_text(
        yaml.safe_dump({"recipients": recipients if recipients is not None else RECIPIENTS}, allow_unicode=True),
        encoding="utf-8")
    data: dict[str, object] = {
        "title": "Testkampagne",
        "date": "2017-01-16",
        "sender": {"authority": "Hessisches Ministerium für Soziales und Integration",
                   "street": "Dostojewskistraße 4"},
        "recipients": "recipients.yaml",
        "documents": [
            {"id": "letter", "title": "Anschreiben", "template": "templates/letter.docx"},
            {"id": "call", "title": "Ausschreibung", "template": "templates/call.docx",
             "when": 'kind != "landkreis"'},
        ],
        "attachments": [{"title": "Aktionsplan II", "file": "templates/plan.pdf"}],
        "output": {"folder": "out"},
    }
    data.update(overrides)
    path = folder / "campaign.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def german():
    """Messages, pages and lists in German for the test (as under LANG=de_DE.UTF-8)."""
    from wir_letters.i18n import set_language

    set_language("de")
    yield
    set_language(None)


@pytest.fixture
def campaign_file(tmp_path: Path) -> Path:
    return write_campaign(tmp_path)


class CliResult:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    """Run ``wir-letters ARGS`` in-process and return its exit code, stdout and stderr."""

    def run(*args: str, cwd: Path | None = None) -> CliResult:
        if cwd:
            monkeypatch.chdir(cwd)
        capsys.readouterr()
        try:
            cli.main(list(args))
            code = 0
        except SystemExit as done:
            code = int(done.code or 0)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run



SHIPPED_CAMPAIGN = ROOT / "campaign.yaml"


@pytest.fixture(scope="session")
def shipped_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """One real LibreOffice build of the shipped campaign, shared by every end-to-end test."""
    return build(load_campaign(SHIPPED_CAMPAIGN), out=tmp_path_factory.mktemp("shipped") / "out")


_PROBE = """
import json, sys
from wir_letters.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})), file=sys.stderr)
"""


def fresh_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> tuple[str, set[str]]:
    """Run ``wir-letters ARGS`` in a fresh interpreter; return its output and the top-level modules it loaded."""
    done = subprocess.run([sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, cwd=cwd,
                          check=True, env=env)
    return done.stdout, set(json.loads(done.stderr.strip().splitlines()[-1]))


def offices(profiles: Path) -> list[int]:
    """Live processes whose command line names a folder under ``profiles`` (soffice, soffice.bin)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and str(profiles) in (entry / "cmdline").read_bytes().decode(errors="replace"):
                found.append(int(entry.name))
        except OSError:
            pass
    return found


def convert_watched(shipped_build: BuildResult, folder: Path, letters: int,
                    sample: Callable[[Path], Iterable[object]], merge: bool = True) -> tuple[dict[str, bytes], set[object]]:
    """Convert the first ``letters`` cover letters of the shipped build with a new converter whose work
    folder is ``folder / "work"``, calling ``sample(work folder)`` every 20 ms meanwhile; the PDFs by
    name, and everything the samples gave."""
    docs = sorted(shipped_build.out.glob("*/anschreiben.docx"))[:letters]
    jobs = [ConversionJob(docx, folder / f"{docx.parent.name}.pdf") for docx in docs]
    seen: set[object] = set()
    stop = threading.Event()

    def watch() -> None:
        while not stop.wait(0.02):
            seen.update(sample(folder / "work"))

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        failed = LibreOfficeConverter(folder / "work", workers=1, merge=merge).convert_batch(jobs, slot=0)
    finally:
        stop.set()
        watcher.join()
    assert failed == {}
    return {job.target.name: job.target.read_bytes() for job in jobs}, seen
