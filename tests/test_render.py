"""Rendering: autoescape, strict undefined, sandbox, reproducible DOCX, template analysis."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest

from tests.conftest import make_template
from wir_letters import TemplateError
from wir_letters.documents.analysis import used_names
from wir_letters.documents.render import render_docx
from wir_letters.documents.rules import when_applies


def _text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs + section.footer.paragraphs]
    return "\n".join(parts)


def test_xml_specials_render_verbatim_in_body_header_and_footer(tmp_path: Path) -> None:
    template = make_template(tmp_path / "t.docx", ["Name: {{ recipient.name }}"],
                             header="H {{ recipient.name }}", footer="F {{ recipient.name }}")
    name = "Müller & Söhne <GmbH> \"A\" 'B'"
    render_docx(template, {"recipient": {"name": name}}, tmp_path / "out.docx")
    text = _text(tmp_path / "out.docx")
    assert f"Name: {name}" in text and f"H {name}" in text and f"F {name}" in text


def test_undefined_variable_names_template_recipient_and_variable(tmp_path: Path) -> None:
    template = make_template(tmp_path / "t.docx", ["{{ recipient.fax_number }}"])
    with pytest.raises(TemplateError) as caught:
        render_docx(template, {"recipient": {"name": "x"}}, tmp_path / "o.docx", recipient_id="kassel")
    assert str(caught.value).startswith(f"{template}: recipient kassel: fax_number: undefined variable 'fax_number'")
    assert not (tmp_path / "o.docx").exists()


def test_templates_run_in_the_sandbox(tmp_path: Path) -> None:
    template = make_template(tmp_path / "t.docx", ["{{ recipient.__class__.__mro__ }}"])
    with pytest.raises(TemplateError, match="unsafe|__class__"):
        render_docx(template, {"recipient": {}}, tmp_path / "o.docx")


def test_values_that_look_like_jinja_are_not_evaluated(tmp_path: Path) -> None:
    template = make_template(tmp_path / "t.docx", ["{{ recipient.name }}"])
    render_docx(template, {"recipient": {"name": "{{ 7*7 }} {% include 'x' %}"}}, tmp_path / "o.docx")
    assert "{{ 7*7 }} {% include 'x' %}" in _text(tmp_path / "o.docx")


def test_same_input_gives_identical_bytes(tmp_path: Path) -> None:
    template = make_template(tmp_path / "t.docx", ["{{ recipient.name }}"])
    render_docx(template, {"recipient": {"name": "A"}}, tmp_path / "a.docx")
    render_docx(template, {"recipient": {"name": "A"}}, tmp_path / "b.docx")
    assert (tmp_path / "a.docx").read_bytes() == (tmp_path / "b.docx").read_bytes()
    assert {i.date_time for i in zipfile.ZipFile(tmp_path / "a.docx").infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_syntax_error_names_template_and_text_around(tmp_path: Path) -> None:
    template = make_template(tmp_path / "t.docx", ["Hallo {{ recipient.name }", "Ende"])
    with pytest.raises(TemplateError) as caught:
        used_names(template)
    assert f"{template}: near: Hallo" in str(caught.value)
    assert "Jinja syntax error" in str(caught.value)


def test_used_names_include_headers_footers_and_attributes(tmp_path: Path) -> None:
    template = make_template(tmp_path / "t.docx", ["{% for l in address_lines %}{{ l }}{% endfor %}",
                                                   "{{ recipient['city'] }}"],
                             header="{{ sender.authority }}", footer="{{ recipient.postcode }}")
    assert used_names(template) == {"address_lines": set(), "recipient": {"city", "postcode"},
                                    "sender": {"authority"}}


def test_when_rules() -> None:
    fields = {"kind": "landkreis", "city": "Fulda"}
    assert when_applies('kind == "landkreis"', fields)
    assert not when_applies('recipient.kind != "landkreis"', fields)
    assert when_applies('kind in ["landkreis", "sonderstatusstadt"] and city.startswith("F")', fields)
    assert when_applies(None, fields)


def _table_template(path: Path, cell_tag: str) -> Path:
    document = docx.Document()
    document.add_paragraph("Posten für {{ recipient.name }}")
    table = document.add_table(rows=3, cols=2)
    table.cell(0, 0).text = "{%tr for item in recipient['items'] %}"
    table.cell(1, 0).text = "{{ item.label }}"
    table.cell(1, 1).text = cell_tag
    table.cell(2, 0).text = "{%tr endfor %}"
    document.save(path)
    return path


def test_packed_render_matches_docxtpl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """This test ensures that the fast path (only tagged parts rendered) writes what docxtpl writes."""
    from wir_letters.documents import render

    context = {"recipient": {"name": "A & B", "items": [{"label": "Stelle", "amount": "50.000 €"},
                                                          {"label": "Sachkosten", "amount": "5.000 €"}]}}
    template = _table_template(tmp_path / "table.docx", "{{ item.amount }}")
    assert render.packed_template(template) is not None
    render_docx(template, context, tmp_path / "fast.docx")
    monkeypatch.setattr(render, "packed_template", lambda path: None)
    render_docx(template, context, tmp_path / "docxtpl.docx")
    fast, slow = _text(tmp_path / "fast.docx"), _text(tmp_path / "docxtpl.docx")
    assert fast == slow and "Posten für A & B" in fast
    cells = [c.text for row in docx.Document(str(tmp_path / "fast.docx")).tables[0].rows for c in row.cells]
    assert cells == ["Stelle", "50.000 €", "Sachkosten", "5.000 €"]
    assert zipfile.ZipFile(tmp_path / "fast.docx").testzip() is None


def test_templates_needing_whole_document_fixes_use_docxtpl(tmp_path: Path) -> None:
    from wir_letters.documents import render

    template = _table_template(tmp_path / "columns.docx", "{%tc for x in [1] %}{{ x }}{%tc endfor %}")
    assert render.packed_template(template) is None


def test_syntax_error_excerpt_shows_the_broken_tag_not_the_start(tmp_path: Path) -> None:
    """This test ensures that "near:" quotes the broken tag even deep inside a long document."""
    paragraphs = ["Einleitung ohne Tags. " * 5] * 30 + ["Betrag: {{ recipient.amount|money( }} Euro", "Schluss"]
    template = make_template(tmp_path / "t.docx", paragraphs)
    with pytest.raises(TemplateError) as caught:
        used_names(template)
    assert f"{template}: near: Betrag: {{{{ recipient.amount|money( }}}} Euro: Jinja syntax error" in str(caught.value)


def test_unclosed_block_is_named(tmp_path: Path) -> None:
    """This test ensures that an {% if %} without {% endif %} is quoted, not the document's first line."""
    template = make_template(tmp_path / "t.docx", ["Anfang", "{%p if recipient.x %}", "Text", "Ende"])
    with pytest.raises(TemplateError) as caught:
        used_names(template)
    assert f"{template}: near: {{% if recipient.x %}}Text: Jinja syntax error" in str(caught.value)
