"""Any value a spreadsheet cell can hold is safe: printed literally, or one clear error for that field."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import RECIPIENTS, make_template
from wir_letters import TemplateError
from wir_letters.checks.output import paragraphs
from wir_letters.inputs.recipients import RawRow, check_rows
from wir_letters.documents.render import render_docx

FIELDS = ("name", "department", "street", "city", "contact_last_name", "Bemerkung")
NASTY = st.sampled_from([
    "&", "<", ">", "\"'", "<w:t>", "]]>", "&amp;", "{{ 7*7 }}", "{% include 'x' %}", "{# c #}", "{%p if x %}",
    "\u202eRTL override", "مرحبا بالعالم", "שלום", "👩‍👩‍👧 🇩🇪", "Zeile 1\nZeile 2", "Tab\tTab", "x" * 10_000,
    "\x00", "\x07", "\x1b[31m", "\ufffe", "Straße ß Äöü", "\u00a0nbsp", "a\r\nb",
])
VALUES = st.one_of(NASTY, st.text(max_size=200), st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x40),
                                                            max_size=30))


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("any-value")
    return make_template(folder / "fields.docx", [f"{f}: {{{{ recipient[{f!r}] }}}}" for f in FIELDS],
                         header="{{ recipient.name }}", footer="{{ recipient.Bemerkung }}")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(FIELDS), value=VALUES)
def test_any_value_is_printed_literally_or_refused_for_its_field(template: Path, tmp_path_factory, field: str,
                                                                  value: str) -> None:
    row = {**RECIPIENTS[1], "Bemerkung": "-", field: value}
    listed = check_rows(Path("list.csv"), [RawRow(2, row)])
    if listed.problems:
        assert len({(p.where, p.field) for p in listed.problems}) == 1, listed.problems
        problem = listed.problems[0]
        assert problem.describe(with_file=False).startswith("row 2 (kassel): ") and problem.field == field
        assert "control character" in problem.text or problem.text == "is empty"
        return
    recipient = listed.recipients[0]
    target = tmp_path_factory.mktemp("out") / "out.docx"
    render_docx(template, {"recipient": dict(recipient.fields)}, target, recipient_id="kassel")
    text = paragraphs(target)
    assert f"{field}: {recipient.fields[field]}" in text


@pytest.mark.parametrize("tag", [
    "{{ recipient.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{% include '/etc/passwd' %}",
    "{% import 'os' as os %}",
    "{{ self._TemplateReference__context }}",
])
def test_templates_cannot_reach_python_internals_or_files(tmp_path: Path, tag: str) -> None:
    template = make_template(tmp_path / "evil.docx", [tag])
    with pytest.raises(TemplateError) as caught:
        render_docx(template, {"recipient": {"name": "x"}}, tmp_path / "o.docx", recipient_id="kassel")
    assert str(caught.value).startswith(f"{template}: recipient kassel: ")
    assert "root:" not in str(caught.value)
