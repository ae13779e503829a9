"""Word mail-merge templates: merge fields become Jinja tags, so classic templates work unedited.

Both field forms are handled in every story part Word prints (body, headers, footers,
footnotes, endnotes, text boxes): the simple form (``<w:fldSimple w:instr="MERGEFIELD Name">``)
and the complex one (``fldChar`` begin, ``instrText`` runs – Word may split the instruction
over several runs and nest fields in it –, separate, the ``«Name»`` result, end).

- ``MERGEFIELD X`` reads column ``X``, with the switches ``\\*`` (Upper, Lower, Caps,
  FirstCap), ``\\b``/``\\f`` (text before/after a non-empty value), ``\\#`` (numeric picture)
  and ``\\@`` (date-time picture), formatted in the campaign's locale.
- ``IF left op right "then" "else"`` is evaluated, with nested MERGEFIELDs and IFs.
- ``ADDRESSBLOCK`` and ``GREETINGLINE`` give the DIN 5008 address and the salutation.
- Fields that cannot be honoured when one document is made per recipient (``REFUSED``)
  are findings that ``check`` reports; every other field (PAGE, DATE, …) is left to LibreOffice.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from wir_letters.documents._filecache import per_file_version
from wir_letters.documents._fieldcodes import Field, Piece, Untranslatable, split_tokens, translate
from wir_letters.i18n import render
from wir_letters.documents.parts import STORY_PARTS, story_place

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS = {"w": W}


@dataclass(frozen=True)
class FieldFinding:
    """A field in a template that cannot be merged, with the part it is in and what to do.

    ``message`` and ``fix`` are English templates (``N_``) filled from ``params``, as in a Problem;
    ``code`` names the kind of finding (``template.field_refused``).
    """

    part: str  # e.g. "word/footnotes.xml"
    instruction: str
    message: str
    fix: str
    code: str = ""
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)

    @property
    def where(self) -> str:
        """The part as Word users know it (body, header1, footnotes …): a template filled from ``where_params``."""
        return story_place(self.part)[0]

    @property
    def where_params(self) -> dict[str, str]:
        """The parameters of ``where`` (the number of a header or footer)."""
        return story_place(self.part)[1]


def _tag_run(text: str, like: etree._Element | None) -> etree._Element:
    """A run holding ``text``, formatted like the run ``like``."""
    run = etree.Element(_q("r"))
    properties = like.find("w:rPr", _NS) if like is not None else None
    if properties is not None:
        run.append(_copy(properties))
    t = etree.SubElement(run, _q("t"))
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    t.text = text
    return run


def _q(name: str) -> str:
    return f"{{{W}}}{name}"


def _copy(element: etree._Element) -> etree._Element:
    return etree.fromstring(etree.tostring(element))


class _PartConverter:
    """Replaces the merge fields of one part; collects the fields it must refuse."""

    def __init__(self, part: str) -> None:
        self.part = part
        self.findings: list[FieldFinding] = []
        self.count = 0

    def tag_for(self, tokens: list[list[Piece]], instruction: str) -> str | None:
        """The Jinja tag for a field, or None (a finding is kept for a field that cannot be merged)."""
        try:
            expression = translate(tokens, instruction)
        except LookupError:
            return None
        except Untranslatable as err:
            self.findings.append(FieldFinding(self.part, instruction, err.message, err.fix, err.code,
                                              {**err.params, "field_text": instruction}))
            return None
        self.count += 1
        return "{{ " + expression + " }}"

    def simple_fields(self, root: etree._Element) -> None:
        """Replace each ``<w:fldSimple>`` merge field by a run holding its tag."""
        for simple in list(root.iter(_q("fldSimple"))):
            instruction = simple.get(_q("instr"), "")
            tag = self.tag_for(split_tokens([instruction]), instruction.strip())
            parent = simple.getparent()
            if tag is not None and parent is not None:
                parent.replace(simple, _tag_run(tag, simple.find("w:r", _NS)))

    def complex_fields(self, root: etree._Element) -> None:
        """Replace each complex merge field (``fldChar`` begin … end) by a run holding its tag."""
        for paragraph in list(root.iter(_q("p"))):
            self._paragraph(paragraph)

    def _paragraph(self, paragraph: etree._Element) -> None:
        runs = [r for r in paragraph.iter(_q("r")) if _paragraph_of(r) is paragraph]
        stack: list[Field] = []
        start = 0
        for index, run in enumerate(runs):
            char = run.find("w:fldChar", _NS)
            kind = char.get(_q("fldCharType")) if char is not None else None
            if kind == "begin":
                if not stack:
                    start = index
                elif not stack[-1].in_result:
                    nested = Field()
                    stack[-1].parts.append(nested)
                    stack.append(nested)
                    continue
                stack.append(Field())
            elif kind == "separate" and stack:
                stack[-1].in_result = True
            elif kind == "end" and stack:
                done = stack.pop()
                if not stack:
                    self._replace(runs[start:index + 1], done)
            elif stack and not stack[-1].in_result:
                stack[-1].parts += [t.text or "" for t in run.findall("w:instrText", _NS)]

    def _replace(self, runs: list[etree._Element], item: Field) -> None:
        tag = self.tag_for(split_tokens(item.parts), item.text())
        if tag is None:
            return
        shown = [r for r in runs if r.find("w:t", _NS) is not None]
        _parent(runs[0]).replace(runs[0], _tag_run(tag, shown[0] if shown else runs[0]))
        for run in runs[1:]:
            _parent(run).remove(run)


def _parent(element: etree._Element) -> etree._Element:
    """The element's parent (a run always has one: its paragraph, hyperlink …)."""
    parent = element.getparent()
    if parent is None:
        raise ValueError(f"a {element.tag} element without a parent")
    return parent


def _paragraph_of(run: etree._Element) -> etree._Element | None:
    parent = run.getparent()
    while parent is not None and parent.tag != _q("p"):
        parent = parent.getparent()
    return parent


def _convert_part(xml: bytes, part: str = "word/document.xml") -> tuple[bytes, int, list[FieldFinding]]:
    """Return a part with its merge fields replaced by Jinja tags, how many there were, and the
    fields that cannot be merged (left in place)."""
    root = etree.fromstring(xml)
    converter = _PartConverter(part)
    converter.simple_fields(root)
    converter.complex_fields(root)
    return _xml_bytes(root), converter.count, converter.findings


def _drop_mail_merge_settings(xml: bytes) -> bytes:
    """Remove Word's link to its mail-merge data source (LibreOffice would look for it)."""
    root = etree.fromstring(xml)
    for element in root.findall("w:mailMerge", _NS):
        root.remove(element)
    return _xml_bytes(root)


def _xml_bytes(root: etree._Element) -> bytes:
    """A part's XML as Word writes it: UTF-8, with a standalone declaration."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


_FIELD_MARKERS = (b"instrText", b"fldSimple")


@dataclass(frozen=True)
class _Prepared:
    """A template's merge fields converted, and the fields that cannot be merged."""

    data: bytes | None  # the converted DOCX, or None when the template has no merge fields
    findings: tuple[FieldFinding, ...]


@per_file_version(maxsize=64)
def _prepare(path: Path) -> _Prepared:
    """Convert the merge fields in the story parts of a template."""
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
        infos = source.infolist()
    converted: dict[str, bytes] = {}
    findings: list[FieldFinding] = []
    for name, data in parts.items():
        if STORY_PARTS.fullmatch(name) and any(marker in data for marker in _FIELD_MARKERS):
            new, count, found = _convert_part(data, name)
            findings += found
            if count:
                converted[name] = new
    if not converted:
        return _Prepared(None, tuple(findings))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in infos:
            data = converted.get(info.filename, parts[info.filename])
            if info.filename == "word/settings.xml":
                data = _drop_mail_merge_settings(data)
            target.writestr(info.filename, data)
    return _Prepared(out.getvalue(), tuple(findings))


def prepared_template(path: Path) -> Path | io.BytesIO:
    """Return the template as docxtpl should read it: the file itself, or a converted copy
    in memory when it holds Word merge fields."""
    data = _prepare(path).data
    return path if data is None else io.BytesIO(data)


def field_findings(path: Path) -> list[FieldFinding]:
    """Return the fields of a template that cannot be merged (NEXT, ASK, an unreadable IF …)."""
    return list(_prepare(path).findings)


def jinja_for(instruction: str) -> str | None:
    """Translate one flat field instruction into a Jinja tag; None for fields left to LibreOffice.

    Raises:
        ValueError: for a field that cannot be merged (the message says what to do instead).
    """
    try:
        return "{{ " + translate(split_tokens([instruction]), instruction.strip()) + " }}"
    except LookupError:
        return None
    except Untranslatable as err:
        params = {**err.params, "field_text": instruction.strip()}
        raise ValueError(f"{render(err.message, params)} ({render(err.fix, params)})") from err
