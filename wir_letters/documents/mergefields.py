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
import json
import re
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Union

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS = {"w": W}
STORY_PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml")
_FORMATS = {"upper": "upper", "lower": "lower", "caps": "title", "firstcap": "capitalize"}
_OPERATORS = ("<=", ">=", "<>", "=", "<", ">")
_INSTEAD_OF_SKIPPING = "leave recipients out with a 'when' rule in campaign.yaml, or filter the recipient list"
REFUSED = {
    "NEXT": "wir_letters makes one document per recipient, so there is no next record: delete the field",
    "NEXTIF": f"there is no next record in a per-recipient document: delete the field; {_INSTEAD_OF_SKIPPING}",
    "SKIPIF": f"delete the field; {_INSTEAD_OF_SKIPPING}",
    "ASK": "a batch cannot ask: put the value into a column of the recipient list and use a MERGEFIELD",
    "FILLIN": "a batch cannot ask: put the value into a column of the recipient list and use a MERGEFIELD",
    "SET": "use a column of the recipient list (MERGEFIELD) instead of SET and REF",
    "INCLUDETEXT": "paste the text into the template (or use a condition to choose it)",
    "INCLUDEPICTURE": "insert the picture into the template itself",
    "DATABASE": "use a per-recipient table (tables: in campaign.yaml) with a {%tr for %} row",
}


@dataclass(frozen=True)
class FieldFinding:
    """A field in a template that cannot be merged, with the part it is in and what to do."""

    part: str  # e.g. "word/footnotes.xml"
    instruction: str
    message: str
    fix: str

    @property
    def where(self) -> str:
        """The part as Word users know it: body, header1, footnotes …"""
        name = self.part.removeprefix("word/").removesuffix(".xml")
        return "body" if name == "document" else name


@dataclass
class _Field:
    """A complex field being read: its instruction (text and nested fields) and its runs."""

    parts: list[Union[str, _Field]] = field(default_factory=list)
    in_result: bool = False

    def text(self) -> str:
        return "".join(p if isinstance(p, str) else "{ " + p.text() + " }" for p in self.parts).strip()


Piece = Union[str, _Field]


class _Untranslatable(Exception):
    """The field cannot be merged; carries the message and the fix for ``check``."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message)
        self.message, self.fix = message, fix


def _tokens(parts: list[Piece]) -> list[list[Piece]]:
    """Split an instruction into tokens at spaces outside quotes; a nested field is part of a token."""
    tokens: list[list[Piece]] = []
    current: list[Piece] = []
    quoted = started = False
    for part in parts:
        if not isinstance(part, str):
            current.append(part)
            started = True
            continue
        for char in part:
            if char == '"':
                quoted, started = not quoted, True
                if not quoted:  # a closing quote ends the token, "" included
                    tokens.append(current)
                    current, started = [], False
            elif char.isspace() and not quoted:
                if started:
                    tokens.append(current)
                current, started = [], False
            else:
                if current and isinstance(current[-1], str):
                    current[-1] += char
                else:
                    current.append(char)
                started = True
    if started:
        tokens.append(current)
    return tokens


def _word(token: list[Piece]) -> str:
    return "".join(p for p in token if isinstance(p, str))


def _expression(token: list[Piece]) -> str:
    """A token as a Jinja expression: literal text and nested fields joined with ``~``."""
    if len(token) == 1 and not isinstance(token[0], str):
        return _field_expression(token[0])
    pieces = [json.dumps(p, ensure_ascii=False) if isinstance(p, str) else f"({_field_expression(p)})"
              for p in token]
    return " ~ ".join(pieces) if pieces else '""'


def _field_expression(item: _Field) -> str:
    return _translate(_tokens(item.parts), item.text())


def _translate(tokens: list[list[Piece]], instruction: str) -> str:
    """Return the Jinja expression for a field.

    Raises:
        _Untranslatable: for refused fields and fields that hold merge fields LibreOffice cannot fill.
        LookupError: for other fields (PAGE, DATE …), which stay as they are.
    """
    if not tokens:
        raise LookupError(instruction)
    kind = _word(tokens[0]).upper()
    if kind in REFUSED:
        raise _Untranslatable(f"the Word field {kind} cannot be used in a per-recipient merge", REFUSED[kind])
    if kind == "ADDRESSBLOCK":
        return 'address_lines|join("\\n")'
    if kind == "GREETINGLINE":
        return "salutation"
    if kind == "MERGEFIELD" and len(tokens) >= 2:
        return _merge_field(_word(tokens[1]), tokens[2:])
    if kind == "IF":
        return _if_field(tokens[1:], instruction)
    if any(not isinstance(p, str) for token in tokens for p in token):
        raise _Untranslatable(f"the Word field {kind or instruction!r} holds merge fields, which LibreOffice "
                              "cannot calculate", "use a MERGEFIELD with a \\# or \\@ switch, or an IF field, "
                              "or compute the value in a column of the recipient list")
    raise LookupError(instruction)


def _merge_field(name: str, rest: list[list[Piece]]) -> str:
    """``MERGEFIELD name`` with its switches, as Word applies them: picture, case, before/after."""
    value = f"recipient[{json.dumps(name, ensure_ascii=False)}]"
    switches = {_word(key).lower(): _word(arg) for key, arg in zip(rest[::2], rest[1::2])}
    shown = value
    if "\\#" in switches:
        shown = f"{value}|word_number({json.dumps(switches[chr(92) + '#'], ensure_ascii=False)})"
    elif "\\@" in switches:
        shown = f"{value}|word_date({json.dumps(switches[chr(92) + '@'], ensure_ascii=False)})"
    fmt = _FORMATS.get(switches.get("\\*", "").lower())
    if fmt:
        shown = f"{shown}|{fmt}" if shown != value else f"{value}|word_text|{fmt}"
    before, after = switches.get("\\b", ""), switches.get("\\f", "")
    if before or after:
        shown = f"({json.dumps(before, ensure_ascii=False)} ~ {shown} ~ {json.dumps(after, ensure_ascii=False)}) " \
                f"if {value} not in ('', none) else ''"
    return shown


def _if_field(args: list[list[Piece]], instruction: str) -> str:
    """``IF left op right then [else]``; an operator written against its operands is split off."""
    args = _split_operator(args)
    if len(args) < 4 or _word(args[1]) not in _OPERATORS or any(not isinstance(p, str) for p in args[1]):
        raise _Untranslatable(f"the IF field {instruction!r} cannot be read",
                              'write it as IF { MERGEFIELD Anrede } = "Frau" "text if true" "text if false"')
    left, op, right, then = args[:4]
    otherwise = args[4] if len(args) > 4 else []
    return (f"word_if({_expression(left)}, {json.dumps(_word(op))}, {_expression(right)}, "
            f"{_expression(then)}, {_expression(otherwise)})")


def _split_operator(args: list[list[Piece]]) -> list[list[Piece]]:
    """Turn ``{X}="Frau"`` or ``{X} ="Frau"`` into three tokens, as Word reads them."""
    if len(args) >= 2 and _word(args[1]) in _OPERATORS:
        return args
    for index, token in enumerate(args[:2]):
        for pos, piece in enumerate(token):
            if isinstance(piece, str):
                op = next((o for o in _OPERATORS if piece.startswith(o)), None)
                if op and (pos or index):
                    before, rest = token[:pos], piece[len(op):]
                    after = ([rest] if rest else []) + token[pos + 1:]
                    head = args[:index] + ([before] if before else [])
                    return head + [[op]] + ([after] if after else []) + args[index + 1:]
    return args


def _tag_run(text: str, like: etree._Element | None) -> etree._Element:
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
        try:
            expression = _translate(tokens, instruction)
        except LookupError:
            return None
        except _Untranslatable as err:
            self.findings.append(FieldFinding(self.part, instruction, err.message, err.fix))
            return None
        self.count += 1
        return "{{ " + expression + " }}"

    def simple_fields(self, root: etree._Element) -> None:
        for simple in list(root.iter(_q("fldSimple"))):
            instruction = simple.get(_q("instr"), "")
            tag = self.tag_for(_tokens([instruction]), instruction.strip())
            if tag is not None:
                simple.getparent().replace(simple, _tag_run(tag, simple.find("w:r", _NS)))

    def complex_fields(self, root: etree._Element) -> None:
        for paragraph in list(root.iter(_q("p"))):
            self._paragraph(paragraph)

    def _paragraph(self, paragraph: etree._Element) -> None:
        runs = [r for r in paragraph.iter(_q("r")) if _paragraph_of(r) is paragraph]
        stack: list[_Field] = []
        start = 0
        for index, run in enumerate(runs):
            char = run.find("w:fldChar", _NS)
            kind = char.get(_q("fldCharType")) if char is not None else None
            if kind == "begin":
                if not stack:
                    start = index
                elif not stack[-1].in_result:
                    stack[-1].parts.append(_Field())
                    stack.append(stack[-1].parts[-1])  # type: ignore[arg-type]
                    continue
                stack.append(_Field())
            elif kind == "separate" and stack:
                stack[-1].in_result = True
            elif kind == "end" and stack:
                done = stack.pop()
                if not stack:
                    self._replace(runs[start:index + 1], done)
            elif stack and not stack[-1].in_result:
                stack[-1].parts += [t.text or "" for t in run.findall("w:instrText", _NS)]

    def _replace(self, runs: list[etree._Element], item: _Field) -> None:
        tag = self.tag_for(_tokens(item.parts), item.text())
        if tag is None:
            return
        shown = [r for r in runs if r.find("w:t", _NS) is not None]
        runs[0].getparent().replace(runs[0], _tag_run(tag, shown[0] if shown else runs[0]))
        for run in runs[1:]:
            run.getparent().remove(run)


def _paragraph_of(run: etree._Element) -> etree._Element | None:
    parent = run.getparent()
    while parent is not None and parent.tag != _q("p"):
        parent = parent.getparent()
    return parent


def convert_part(xml: bytes, part: str = "word/document.xml") -> tuple[bytes, int, list[FieldFinding]]:
    """Return a part with its merge fields replaced by Jinja tags, how many there were, and the
    fields that cannot be merged (left in place)."""
    root = etree.fromstring(xml)
    converter = _PartConverter(part)
    converter.simple_fields(root)
    converter.complex_fields(root)
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return data, converter.count, converter.findings


def _drop_mail_merge_settings(xml: bytes) -> bytes:
    """Remove Word's link to its mail-merge data source (LibreOffice would look for it)."""
    root = etree.fromstring(xml)
    for element in root.findall("w:mailMerge", _NS):
        root.remove(element)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


_FIELD_MARKERS = (b"instrText", b"fldSimple")


@dataclass(frozen=True)
class _Prepared:
    data: bytes | None  # the converted DOCX, or None when the template has no merge fields
    findings: tuple[FieldFinding, ...]


@lru_cache(maxsize=64)
def _prepared(path: Path, size: int, mtime_ns: int) -> _Prepared:
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
        infos = source.infolist()
    converted: dict[str, bytes] = {}
    findings: list[FieldFinding] = []
    for name, data in parts.items():
        if STORY_PARTS.fullmatch(name) and any(marker in data for marker in _FIELD_MARKERS):
            new, count, found = convert_part(data, name)
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


def _prepare(path: Path) -> _Prepared:
    stat = path.stat()
    return _prepared(path, stat.st_size, stat.st_mtime_ns)


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
        return "{{ " + _translate(_tokens([instruction]), instruction.strip()) + " }}"
    except LookupError:
        return None
    except _Untranslatable as err:
        raise ValueError(f"{err.message} ({err.fix})") from err
