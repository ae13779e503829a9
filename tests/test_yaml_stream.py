"""A YAML recipient list is read row by row, each row exactly as ``yaml.safe_load`` builds it.

Reading the whole file as one node tree cost 54 MB for 3,300 rows (and the memory stayed with
the process); row by row the list costs what its rows cost.
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT
from wir_letters.errors import RecipientError
from wir_letters.inputs._yaml import yaml_list

AWKWARD = """\
title: vorher
defaults: &base
  kind: landkreis
  city: Fulda
recipients:
  - <<: *base
    id: a
    postcode: "01067"
    plz_as_number: 01067
    since: 2017-01-16
    active: yes
    empty:
    amount: 1.600.000,00
    ratio: 0.5
    text: !!str 123
    note: |
      zwei
      Zeilen
    names: [Anna, "Bernd, Dr."]
    nested: {a: 1, b: [x, y]}
  - &second
    id: b
    name: 'Stadt Gießen'
    kind: ~
  - *second
after: [1, 2, 3]
"""


def _compare(tmp_path: Path, text: str, key: str = "recipients") -> list[object]:
    path = tmp_path / "liste.yaml"
    path.write_text(text, encoding="utf-8")
    items = yaml_list(path, RecipientError, key)
    assert items is not None
    rows = list(items)
    expected = yaml.safe_load(text)
    assert rows == (expected[key] if isinstance(expected, dict) else expected)
    return rows


def test_rows_are_built_as_safe_load_builds_them(tmp_path: Path) -> None:
    rows = _compare(tmp_path, AWKWARD)
    assert rows[0]["kind"] == "landkreis" and rows[0]["postcode"] == "01067" and rows[2] == rows[1]


def test_the_shipped_list_and_a_bare_list(tmp_path: Path) -> None:
    assert len(_compare(tmp_path, (ROOT / "recipients" / "hessen-2017.yaml").read_text("utf-8"))) == 33
    _compare(tmp_path, "- {id: a}\n- {id: b, n: 2}\n")


@pytest.mark.parametrize("text", ["", "recipients: none\n", "just a scalar\n", "other: [1]\n", "recipients:\n"])
def test_no_list_gives_none(tmp_path: Path, text: str) -> None:
    path = tmp_path / "liste.yaml"
    path.write_text(text, encoding="utf-8")
    assert yaml_list(path, RecipientError, "recipients") is None


def test_a_syntax_error_after_the_list_is_still_reported(tmp_path: Path) -> None:
    path = tmp_path / "liste.yaml"
    path.write_text("recipients:\n  - {id: a}\nafter: [1, 2\n", encoding="utf-8")
    items = yaml_list(path, RecipientError, "recipients")
    assert items is not None
    with pytest.raises(RecipientError) as raised:
        list(items)
    assert "YAML syntax error" in str(raised.value) and "liste.yaml" in str(raised.value)


@pytest.mark.parametrize(("text", "message"), [
    ("- {id: a}\n---\n- {id: b}\n", "but found another document"),  # safe_load refuses it too
    ("recipients: [{id: a}]\nrecipients: [{id: b}]\n", "found 'recipients' a second time"),
])
def test_recipients_that_would_be_left_out_are_an_error(tmp_path: Path, text: str, message: str) -> None:
    """This test ensures that a second document, or a second ``recipients:`` list, is an error
    naming the line, not a list whose other half silently gets no letter."""
    path = tmp_path / "liste.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RecipientError, match="line 2") as raised:
        list(yaml_list(path, RecipientError, "recipients") or [])
    assert message in str(raised.value)


def test_an_undefined_alias_is_an_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "liste.yaml"
    path.write_text("- *nirgends\n", encoding="utf-8")
    with pytest.raises(RecipientError, match="liste.yaml"):
        list(yaml_list(path, RecipientError, "recipients") or [])


def test_a_long_list_is_not_held_as_one_tree(tmp_path: Path) -> None:
    """This test ensures that reading 1,500 rows row by row allocates a fraction of what one node
    tree of the whole file takes (memory, not time: measured with tracemalloc)."""
    row = ("  - id: r{n}\n    name: Kreisausschuss des Landkreises Nummer {n}\n    street: Wörthstraße 15\n"
           "    postcode: '36037'\n    city: Fulda\n    kind: landkreis\n    contact_last_name: Beispiel\n")
    text = "recipients:\n" + "".join(row.format(n=n) for n in range(1500))
    path = tmp_path / "liste.yaml"
    path.write_text(text, encoding="utf-8")
    tracemalloc.start()
    try:
        count = sum(1 for _ in yaml_list(path, RecipientError, "recipients") or [])
        streamed = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        whole = yaml.load(text, Loader=yaml.CSafeLoader)  # noqa: S506 (what the list was read with before)
        at_once = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == len(whole["recipients"]) == 1500
    assert streamed * 4 < at_once, (streamed, at_once)
