"""The command line: exit codes and messages that name the place (fake-free: no conversion needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import RECIPIENTS, make_template, write_campaign


def test_check_ok(run_cli, campaign_file: Path) -> None:
    result = run_cli("check", "-c", str(campaign_file))
    assert result.code == 0, result.err
    assert "OK: 3 recipients, 2 documents, 1 attachments" in result.out


def test_campaign_defaults_to_the_current_folder(run_cli, campaign_file: Path) -> None:
    assert run_cli("check", cwd=campaign_file.parent).code == 0


def test_unknown_campaign_key(run_cli, tmp_path: Path) -> None:
    path = write_campaign(tmp_path, outptu={"folder": "x"})
    result = run_cli("build", "-c", str(path))
    assert result.code == 1
    assert f"{path}\n  error: outptu: unknown key" in result.err


def test_duplicate_id(run_cli, tmp_path: Path) -> None:
    path = write_campaign(tmp_path, recipients=[RECIPIENTS[0], RECIPIENTS[1], RECIPIENTS[1]])
    for command in ("check", "build"):
        result = run_cli(command, "-c", str(path))
        assert result.code == 1
        assert "recipients.yaml\n  error: row 3 (kassel): id: duplicate id 'kassel', first used in row 2" in result.err
    assert not (tmp_path / "out").exists()


def test_missing_required_column(run_cli, tmp_path: Path) -> None:
    path = write_campaign(tmp_path)
    csv = tmp_path / "list.csv"
    csv.write_text("id;name;kind;street;city\nkassel;Stadt Kassel;kreisfreie_stadt;Weg 1;Kassel\n", "utf-8")
    result = run_cli("check", "-c", str(path), "--recipients", str(csv))
    assert result.code == 1
    assert f"{csv}\n  error: header: missing required column(s): postcode" in result.err


def test_undefined_template_variable(run_cli, tmp_path: Path) -> None:
    path = write_campaign(tmp_path)
    template = make_template(tmp_path / "templates" / "call.docx", ["{{ recipient.funding_code }}"])
    checked = run_cli("check", "-c", str(path))
    assert checked.code == 1
    assert f"{template}\n  error: recipient.funding_code: no such column in the recipient list" in checked.err
    built = run_cli("build", "-c", str(path), "--only", "kassel")
    assert built.code == 1
    assert f"{template}\n  error: recipient.funding_code: no such column in the recipient list" in built.err
    assert not (tmp_path / "out").exists()


def test_check_lists_every_problem(run_cli, tmp_path: Path) -> None:
    bad = dict(RECIPIENTS[1], postcode="341")
    path = write_campaign(tmp_path, recipients=[bad], documents=[
        {"id": "letter", "title": "A", "template": "templates/letter.docx", "when": "bundesland == 'HE'"},
        {"id": "call", "title": "B", "template": "templates/call.docx"}])
    make_template(tmp_path / "templates" / "call.docx", ["{{ absender }} {% if %}"])
    result = run_cli("check", "-c", str(path))
    assert result.code == 1
    assert "postcode '341' is not five digits" in result.err
    assert "call.docx\n  error: near: {{ absender }} {% if %}: Jinja syntax error" in result.err
    assert "documents.letter.when: rule \"bundesland == 'HE'\" uses unknown field 'bundesland'" in result.err


def test_missing_soffice_is_an_environment_error(run_cli, campaign_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIR_LETTERS_SOFFICE", "/nonexistent/soffice")
    result = run_cli("build", "-c", str(campaign_file))
    assert result.code == 3
    assert "LibreOffice not found (/nonexistent/soffice)" in result.err
    assert "apt-get install libreoffice-writer-nogui" in result.err


def test_unknown_only_id(run_cli, campaign_file: Path) -> None:
    result = run_cli("build", "-c", str(campaign_file), "--only", "kassel,berlin")
    assert result.code == 1
    assert "--only: unknown recipient id(s): berlin" in result.err


def test_wrong_usage_exits_2(run_cli, campaign_file: Path) -> None:
    assert run_cli("build", "--jobs", "0", "-c", str(campaign_file)).code == 2
    assert run_cli("frobnicate").code == 2
