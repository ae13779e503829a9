"""LibreOffice that hangs, crashes or meets a damaged file: the build goes on and names the document.

The faults are injected at the program boundary: a small wrapper script stands in for
``soffice``, misbehaves as the test asks and otherwise runs the real LibreOffice.
"""

from __future__ import annotations

import os
import shutil
import stat
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import make_template, write_campaign
from wir_letters import build, check, load_campaign
from wir_letters.pdf.convert import ConversionJob, LibreOfficeConverter

pytestmark = pytest.mark.libreoffice

WRAPPER = '''#!{python}
import os, signal, sys, time, zipfile
pids = {pids!r}
with open(pids, "a") as f:
    f.write(f"{{os.getpid()}}\\n")
files = [a for a in sys.argv[1:] if a.endswith(".docx")]
if {mode!r} == "hang" and any(b"HANG" in zipfile.ZipFile(f).read("word/document.xml") for f in files):
    time.sleep(600)
if {mode!r} == "crash" and files and not os.path.exists({flag!r}):  # a conversion, not "--version"
    open({flag!r}, "w").close()
    os.kill(os.getpid(), signal.SIGSEGV)
os.execv({soffice!r}, [{soffice!r}] + sys.argv[1:])
'''


def wrapper(tmp_path: Path, mode: str) -> Path:
    script = tmp_path / f"soffice-{mode}"
    script.write_text(WRAPPER.format(python=sys.executable, pids=str(tmp_path / "pids"), mode=mode,
                                     flag=str(tmp_path / "crashed"), soffice=shutil.which("soffice")))
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


def test_a_hanging_conversion_is_killed_retried_once_and_reported(tmp_path: Path) -> None:
    path = write_campaign(tmp_path)
    make_template(tmp_path / "templates" / "call.docx", [
        "{% if recipient.id == 'kassel' %}HANG{% endif %}Ausschreibung für {{ recipient.name }}"])
    converter = LibreOfficeConverter(tmp_path / "work", workers=1, timeout=2,
                                     soffice=str(wrapper(tmp_path, "hang")))
    result = build(load_campaign(path), converter=converter)
    assert [r.id for r in result.failed] == ["kassel"]
    assert (f"LibreOffice stopped making progress converting {tmp_path}/out/kassel/call.docx (nothing for 2 s), "
            "twice" in result.failed[0].error)
    assert (tmp_path / "out" / "fulda.pdf").is_file() and (tmp_path / "out" / "landkreis-fulda.pdf").is_file()
    pids = [int(line) for line in (tmp_path / "pids").read_text().split()]
    assert len(pids) >= 3  # the batch, then the suspect alone and the others
    assert not any(alive(pid) for pid in pids)  # the hanging processes were killed


def test_a_crashed_soffice_is_restarted(tmp_path: Path) -> None:
    path = write_campaign(tmp_path)
    converter = LibreOfficeConverter(tmp_path / "work", workers=1, soffice=str(wrapper(tmp_path, "crash")))
    result = build(load_campaign(path), converter=converter)
    assert (tmp_path / "crashed").exists()
    assert not result.failed, [r.error for r in result.failed]
    assert sorted(p.name for p in (tmp_path / "out").glob("*.pdf")) == ["fulda.pdf", "kassel.pdf", "landkreis-fulda.pdf"]


def test_a_damaged_docx_is_named_not_a_stack_trace(tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.docx"
    with zipfile.ZipFile(damaged, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document")
    converter = LibreOfficeConverter(tmp_path / "work", workers=1)
    errors = converter.convert_batch([ConversionJob(damaged, tmp_path / "damaged.pdf")], slot=0)
    assert errors == {tmp_path / "damaged.pdf": f"LibreOffice could not convert {damaged} (the document may be "
                                                "damaged); open it in Word to check it"}


def test_damaged_template_is_found_by_the_preflight(tmp_path: Path) -> None:
    path = write_campaign(tmp_path)
    template = tmp_path / "templates" / "call.docx"
    data = {}
    with zipfile.ZipFile(template) as archive:
        data = {name: archive.read(name) for name in archive.namelist()}
    data["word/document.xml"] = data["word/document.xml"][:-20]
    with zipfile.ZipFile(template, "w") as archive:
        for name, content in data.items():
            archive.writestr(name, content)
    messages = [str(p) for p in check(load_campaign(path))]
    assert any(m.startswith(f"{template}: documents[1].template: is damaged: word/document.xml is not valid XML")
               for m in messages), messages

