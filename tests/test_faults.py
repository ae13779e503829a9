"""Faults and awkward input: the right exit code, a message a clerk understands, nothing lost.

Disk-full and read-only cases run on a real tmpfs where the machine lets the tests mount one
(root in CI), and through a fault-injecting file layer everywhere.
"""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.conftest import RECIPIENTS, ROOT, FakeConverter, write_campaign
from wir_letters import DiskFull, InputError, build, check, load_campaign
from wir_letters.errors import OutputNotWritable


def _outputs(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and ".wir" not in p.relative_to(out).parts
            and p.relative_to(out).parts[0] not in ("index.html", "_report")}  # the report changes every build


@pytest.fixture
def built(tmp_path: Path) -> Path:
    """A campaign built once (fake converter), so each fault can be tried on existing outputs."""
    campaign = write_campaign(tmp_path)
    assert build(load_campaign(campaign), converter=FakeConverter()).ok
    return campaign


def test_attachment_damaged_in_the_middle_is_found_by_check(built: Path, run_cli) -> None:
    """This test ensures that check reads attachments completely and build stops with exit 1, writing nothing."""
    out = built.parent / "out"
    before = _outputs(out)
    plan = built.parent / "templates" / "plan.pdf"
    data = bytearray((ROOT / "templates" / "aktionsplan-ii-platzhalter.pdf").read_bytes())
    stream = data.index(b"stream", len(data) // 2) + 20  # 8 bytes in the middle of a compressed stream
    data[stream:stream + 8] = b"XXXXXXXX"
    plan.write_bytes(bytes(data))
    problems = [str(p) for p in check(load_campaign(built)) if p.field == "attachments[0].file"]
    assert len(problems) == 1 and problems[0].startswith(f"{plan}: attachments[0].file: cannot be read as a PDF")
    assert problems[0].endswith("(export it again as PDF, or name the right file in the campaign)")
    result = run_cli("build", "-c", str(built))
    assert result.code == 1 and "cannot be read as a PDF" in result.err and "Traceback" not in result.err
    assert _outputs(out) == before


def test_bad_bundle_name_exits_1_before_writing(built: Path, run_cli) -> None:
    """This test ensures that bundle_name "{id}" (a folder's name) is refused with exit 1, not IsADirectoryError."""
    data = yaml.safe_load(built.read_text(encoding="utf-8"))
    data["output"]["bundle_name"] = "{id}"
    built.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    before = _outputs(built.parent / "out")
    result = run_cli("build", "-c", str(built))
    assert result.code == 1
    assert "output.bundle_name: '{id}' does not end in .pdf" in result.err
    assert _outputs(built.parent / "out") == before


@pytest.mark.parametrize("content", ["", '{\n"format": 1,\n"recipients": {\n"kassel": {"na', "[1, 2]",
                                     '{"format": 1, "recipients": {"kassel": {"files": "x"}}}',
                                     '{"format": 99, "recipients": {}}'],
                         ids=["empty", "truncated", "not a mapping", "wrong entry", "newer format"])
def test_damaged_manifest_is_set_aside_not_a_traceback(built: Path, run_cli, content: str) -> None:
    """This test ensures that status explains a damaged manifest and build sets it aside and rebuilds."""
    out = built.parent / "out"
    (out / "manifest.json").write_text(content, encoding="utf-8")
    status = run_cli("status", "-c", str(built))
    assert status.code == 0, status.err
    assert f"{out / 'manifest.json'} cannot be read (" in status.out
    assert "the next build sets it aside and builds every recipient again" in status.out
    result = build(load_campaign(built), converter=FakeConverter())
    assert result.ok and len(result.warnings) == 1 and "every recipient is built again" in result.warnings[0]
    assert (out / ".wir" / "damaged-manifest" / "manifest.json").read_text(encoding="utf-8") == content
    assert run_cli("status", "-c", str(built)).out.strip().endswith("3 up to date")


def test_outputs_follow_the_umask(built: Path) -> None:
    """This test ensures that bundles are readable by colleagues (0644 under umask 022), not 0600."""
    mask = os.umask(0o022)
    os.umask(mask)
    modes = {p.name: p.stat().st_mode & 0o777 for p in (built.parent / "out").rglob("*.pdf")}
    assert set(modes.values()) == {0o666 & ~mask}


def test_hand_edited_bundle_is_kept_and_named(built: Path, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """This test ensures that a bundle edited by hand is moved to _stale/ before the rebuild, and said so."""
    out = built.parent / "out"
    (out / "kassel.pdf").write_bytes(b"%PDF-1.4 edited by hand")
    monkeypatch.setattr("wir_letters.builder.build.build", _with_fake_converter)
    result = run_cli("build", "-c", str(built))
    assert result.code == 0, result.err
    assert "kassel: kassel.pdf was changed by hand; kept as _stale/kassel/kassel.pdf before it was built again" \
        in result.out
    assert (out / "_stale" / "kassel" / "kassel.pdf").read_bytes() == b"%PDF-1.4 edited by hand"


def _with_fake_converter(*args: object, **kwargs: object):  # noqa: ANN202 - the CLI's build, without LibreOffice
    return build(*args, converter=FakeConverter(), **kwargs)  # type: ignore[arg-type]


def test_a_partial_list_adds_and_updates_only(built: Path, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """This test ensures that --recipients with one row keeps the others; --prune retires them, and a
    second removal is reported with the folder it really went to."""
    out = built.parent / "out"
    late = built.parent / "late.yaml"
    late.write_text(yaml.safe_dump([RECIPIENTS[1]], allow_unicode=True), encoding="utf-8")
    before = _outputs(out)
    monkeypatch.setattr("wir_letters.builder.build.build", _with_fake_converter)
    assert run_cli("build", "-c", str(built), "--recipients", str(late)).code == 0
    assert _outputs(out) == before and not (out / "_removed").exists()
    status = run_cli("status", "-c", str(built), "--recipients", str(late))
    assert "fulda: not in this list\n    not in this list: kept; build --prune would move its outputs to _removed/" \
        in status.out
    (out / "_removed" / "fulda").mkdir(parents=True)  # left by an earlier removal
    pruned = run_cli("build", "-c", str(built), "--recipients", str(late), "--prune")
    assert "removed from the list: fulda (outputs moved to _removed/fulda-2)" in pruned.out
    assert (out / "_removed" / "fulda-2" / "fulda.pdf").read_bytes() == before["fulda.pdf"]


def test_api_build_of_a_subset_does_not_retire_the_rest(built: Path) -> None:
    """This test ensures that build(campaign, [one]) adds and updates only, unless prune=True."""
    from wir_letters import load_recipients

    campaign = load_campaign(built)
    one = [r for r in load_recipients(campaign.recipients) if r.id == "kassel"]
    assert build(campaign, one, converter=FakeConverter()).removed == []
    assert sorted(build(campaign, one, converter=FakeConverter(), prune=True).removed) == ["fulda", "landkreis-fulda"]


def test_ctrl_c_exits_130(built: Path, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """This test ensures that Ctrl-C gives the shell's 130, not the input-problem code 1."""
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("wir_letters.builder.build.build", interrupted)
    result = run_cli("build", "-c", str(built))
    assert result.code == 130
    assert "Stopped. Every file written is complete; run the same command again to finish." in result.err


# --- full and read-only disks ------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB tmpfs (needs root and mount); the test is skipped where it cannot be mounted
    (the fault-injection tests below cover the same code everywhere)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(folder: Path, leave: int) -> None:
    """Fill the file system of ``folder`` until only ``leave`` bytes are free."""
    free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
    (folder / "filler").write_bytes(b"\0" * max(free - leave, 0))


def test_full_disk_exits_3_and_keeps_earlier_outputs(tmp_path: Path, small_disk: Path, run_cli,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """This test ensures that ENOSPC on a real full disk is exit 3 with what to do, earlier bundles intact,
    and no rendered documents left filling the disk."""
    campaign = write_campaign(tmp_path, output={"folder": str(small_disk / "out")})
    assert build(load_campaign(campaign), converter=FakeConverter()).ok
    before = _outputs(small_disk / "out")
    _fill(small_disk, leave=4096)
    monkeypatch.setattr("wir_letters.builder.build.build", _with_fake_converter)
    result = run_cli("build", "-c", str(campaign), "--force")
    assert result.code == 3, result.err
    assert "is full" in result.err and "free space or use --out on another disk" in result.err
    assert "Traceback" not in result.err
    assert _outputs(small_disk / "out") == before


def test_read_only_disk_exits_3(tmp_path: Path, small_disk: Path, run_cli) -> None:
    """This test ensures that a read-only output folder (even for build.lock) is exit 3 with the fix."""
    campaign = write_campaign(tmp_path, output={"folder": str(small_disk / "out")})
    assert build(load_campaign(campaign), converter=FakeConverter()).ok
    before = _outputs(small_disk / "out")
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    result = run_cli("build", "-c", str(campaign), "--force")
    assert result.code == 3
    assert f"cannot write {small_disk / 'out' / '.wir' / 'build.lock'} (Read-only file system)" in result.err
    assert "check its permissions, or build into another folder with --out" in result.err
    assert _outputs(small_disk / "out") == before


@pytest.mark.parametrize(("code", "error"), [(errno.ENOSPC, DiskFull), (errno.EDQUOT, DiskFull),
                                             (errno.EROFS, OutputNotWritable), (errno.EACCES, OutputNotWritable)])
def test_write_faults_become_environment_problems(built: Path, monkeypatch: pytest.MonkeyPatch, code: int,
                                                  error: type[Exception]) -> None:
    """This test ensures (by failing every atomic write) that a full or read-only disk is an environment
    problem (exit 3), and that the outputs of the earlier build stay byte-identical."""
    out = built.parent / "out"
    before = _outputs(out)

    def failing(target: Path, *args: object, **kwargs: object) -> bool:
        raise OSError(code, os.strerror(code), str(target))

    monkeypatch.setattr("wir_letters.files._replace", failing)
    with pytest.raises(error) as caught:
        build(load_campaign(built), converter=FakeConverter(), force=True)
    assert caught.value.exit_code == 3
    assert _outputs(out) == before


def test_input_errors_are_not_environment_errors(built: Path) -> None:
    """This test ensures that the preflight still reports input problems as InputError (exit 1)."""
    data = yaml.safe_load(built.read_text(encoding="utf-8"))
    data["documents"][0]["when"] = "kind =="
    built.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        build(load_campaign(built), converter=FakeConverter())
    assert caught.value.exit_code == 1
