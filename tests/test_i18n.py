"""German and English: the catalog is complete, translations keep their placeholders, messages are
marked for extraction, and the CLI speaks the language of the locale with the same codes and exit codes."""

from __future__ import annotations

import ast
import json
import os
import string
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from tests.conftest import RECIPIENTS, write_campaign
from wir_letters import i18n
from wir_letters.errors import Problem

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "wir_letters"
GERMAN = PACKAGE / "locale" / "de" / "LC_MESSAGES" / "wir_letters.po"
METHODS = [("**.py", "python"), ("**.j2", "jinja2")]


def _fields(message: str) -> set[tuple[str, str | None]]:
    return {(name, conversion) for _, name, _, conversion in string.Formatter().parse(message) if name is not None}


def _extracted() -> dict[str, str]:
    """Every message the code marks (msgid -> where)."""
    found: dict[str, str] = {}
    for filename, line, message, _, _ in extract_from_dir(str(PACKAGE), METHODS):
        for msgid in (message if isinstance(message, tuple) else (message,)):
            if msgid:
                found.setdefault(msgid, f"{filename}:{line}")
    return found


def test_every_message_in_the_code_has_a_german_translation_with_the_same_placeholders() -> None:
    """This test ensures that the German catalog has a reviewed (not fuzzy, not empty) entry for each
    marked message, and that no translation drops, adds or changes a {placeholder}."""
    with GERMAN.open("rb") as handle:
        catalog = read_po(handle, locale="de")
    missing, broken = [], []
    for msgid, where in sorted(_extracted().items()):
        entry = catalog.get(msgid)
        if entry is None or not entry.string or entry.fuzzy:
            missing.append(f"{where}: {msgid!r}")
        elif _fields(msgid) != _fields(str(entry.string)):
            broken.append(f"{where}: {msgid!r} -> {entry.string!r}")
    assert missing == [], "untranslated (run `make messages`, then translate):\n" + "\n".join(missing)
    assert broken == [], "placeholders differ:\n" + "\n".join(broken)


def test_the_catalog_check_fails_on_a_dropped_placeholder() -> None:
    """This test ensures that the placeholder comparison above really catches a lost or renamed field."""
    assert _fields("row {row} ({id})") != _fields("Zeile {row}")
    assert _fields("value {value!r}") != _fields("Wert {value}")
    assert _fields("{a} of {b}") == _fields("{b} von {a}")


def _calls(tree: ast.AST) -> list[ast.Call]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)]


def _name(call: ast.Call) -> str:
    return call.func.id if isinstance(call.func, ast.Name) else call.func.attr if isinstance(call.func, ast.Attribute) else ""


def _is_dynamic(node: ast.AST | None) -> bool:
    """A message built at run time (f-string, +, %, .format) that pybabel cannot extract."""
    return isinstance(node, (ast.JoinedStr, ast.BinOp)) or (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format")


def test_problems_have_codes_and_extractable_messages() -> None:
    """This test ensures that every Problem made in the package has a code, and that its message,
    where and fix are templates pybabel can extract (N_("...")), never f-strings."""
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for call in _calls(ast.parse(path.read_text(encoding="utf-8"))):
            where = f"{path.relative_to(ROOT)}:{call.lineno}"
            if _name(call) == "N_" and not (len(call.args) == 1 and isinstance(call.args[0], ast.Constant)):
                wrong.append(f"{where}: N_() needs one literal string")
            if _name(call) != "Problem":
                continue
            keywords = {k.arg: k.value for k in call.keywords}
            if "code" not in keywords:
                wrong.append(f"{where}: Problem without code=")
            texts = list(call.args[1:3]) + [keywords.get(k) for k in ("message", "where", "fix")]
            wrong += [f"{where}: a message built at run time" for node in texts if _is_dynamic(node)]
    assert wrong == []


def test_errors_raised_for_users_have_extractable_messages() -> None:
    """This test ensures that the errors wir_letters raises for people carry a template (no f-string)."""
    from wir_letters import errors

    classes = {name for name, value in vars(errors).items()
               if isinstance(value, type) and issubclass(value, errors.WirLettersError)}
    classes |= {"MailServerError", "SendStopped"}
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and _name(node.exc) in classes:
                if node.exc.args and _is_dynamic(node.exc.args[0]):
                    wrong.append(f"{path.relative_to(ROOT)}:{node.lineno}: {_name(node.exc)}")
    assert wrong == []


def test_language_follows_the_locale_and_can_be_chosen() -> None:
    """This test ensures that de_* locales give German, anything else English, and that
    WIR_LETTERS_LANG wins over LANG (and LC_ALL over LANG)."""
    assert i18n.language_from_environment({"LANG": "de_DE.UTF-8"}) == "de"
    assert i18n.language_from_environment({"LANG": "C.UTF-8"}) == "en"
    assert i18n.language_from_environment({"LANG": "de_AT.UTF-8", "LC_ALL": "en_GB.UTF-8"}) == "en"
    assert i18n.language_from_environment({"LANG": "de_DE.UTF-8", "WIR_LETTERS_LANG": "en"}) == "en"
    assert i18n.language_from_environment({}) == "en"


def test_a_problem_is_shown_in_the_chosen_language_and_keeps_its_code() -> None:
    """This test ensures that one Problem object renders in English and German from the same
    template, parameters and code (the library stays language-neutral)."""
    problem = Problem("list.csv", i18n.N_("e-mail address {value!r} is not valid"), i18n.N_("row {row} ({id})"),
                      "email", code="recipient.email_invalid", params={"value": "x@", "row": 2, "id": "kassel"})
    try:
        i18n.set_language("en")
        english = problem.describe()
        i18n.set_language("de")
        german = problem.describe()
    finally:
        i18n.set_language(None)
    assert english.startswith("list.csv: row 2 (kassel): email: e-mail address 'x@' is not valid")
    assert german.startswith("list.csv: Zeile 2 (kassel): email: ") and "'x@'" in german and german != english
    assert problem.code == "recipient.email_invalid"


def _cli(args: list[str], lang: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "WIR_LETTERS_LANG"))}
    env["LANG"] = lang
    return subprocess.run([sys.executable, "-m", "wir_letters", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture
def bad_campaign(tmp_path: Path) -> Path:
    """A campaign whose list has an invalid e-mail address and a template reading an unknown column."""
    rows = [{**RECIPIENTS[1], "email": "poststelle@kassel"}]
    path = write_campaign(tmp_path, rows)
    letter = tmp_path / "templates" / "call.docx"
    from tests.conftest import make_template
    make_template(letter, ["Ausschreibung für {{ recipient.district }}"])
    return path


def test_check_speaks_german_under_a_german_locale_and_english_otherwise(bad_campaign: Path) -> None:
    """This test ensures that the same bad input gives German text under LANG=de_DE.UTF-8 and English
    under LANG=C.UTF-8, with the same exit code and the same problem codes (check --json)."""
    german = _cli(["check", "-c", str(bad_campaign)], "de_DE.UTF-8", bad_campaign.parent)
    english = _cli(["check", "-c", str(bad_campaign)], "C.UTF-8", bad_campaign.parent)
    assert german.returncode == english.returncode == 1
    assert "e-mail address 'poststelle@kassel' is not valid" in english.stderr
    assert "no such column in the recipient list" in english.stderr
    assert "E-Mail-Adresse 'poststelle@kassel' ist ungültig" in german.stderr, german.stderr
    assert "Empfängerliste" in german.stderr and "Fehler" in german.stderr
    codes = [json.loads(_cli(["check", "--json", "-c", str(bad_campaign)], lang, bad_campaign.parent).stdout)
             for lang in ("de_DE.UTF-8", "C.UTF-8")]
    assert [p["code"] for p in codes[0]["problems"]] == [p["code"] for p in codes[1]["problems"]]
    assert "recipient.email_invalid" in [p["code"] for p in codes[0]["problems"]]


def test_lang_option_overrides_the_locale(bad_campaign: Path) -> None:
    """This test ensures that --lang en under a German locale (and --lang de under C) picks the language."""
    forced_english = _cli(["--lang", "en", "check", "-c", str(bad_campaign)], "de_DE.UTF-8", bad_campaign.parent)
    forced_german = _cli(["--lang", "de", "check", "-c", str(bad_campaign)], "C.UTF-8", bad_campaign.parent)
    assert "is not valid" in forced_english.stderr
    assert "ist ungültig" in forced_german.stderr
    help_de = _cli(["--lang", "de", "build", "--help"], "C.UTF-8", bad_campaign.parent)
    assert "Sammel-PDF" in help_de.stdout


def test_the_german_guide_shows_existing_screenshots_and_real_messages() -> None:
    """This test ensures that docs/anleitung.md links only screenshots that exist, and that the
    messages it quotes are the catalog's German texts (so the guide does not drift from the program)."""
    import re

    guide = (ROOT / "docs" / "anleitung.md").read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", guide)
    assert images and all((ROOT / "docs" / image).is_file() for image in images), images
    with GERMAN.open("rb") as handle:
        german = " ".join(str(m.string) for m in read_po(handle, locale="de") if m.id)
    for quoted in ("keine solche Spalte in der Empfängerliste", "ist ungültig", "hat nicht fünf Ziffern",
                   "im PDF fehlende Wörter", "seit dem Versand geändert", "es wurde nichts geschrieben"):
        assert quoted in guide and quoted in german, quoted
