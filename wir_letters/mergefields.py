"""Word mail-merge templates: MERGEFIELD fields become Jinja tags, so classic templates work unedited.

Both field forms are handled, in the body, headers and footers: the simple form
(``<w:fldSimple w:instr="MERGEFIELD Name">``) and the complex one (``fldChar`` begin,
``instrText`` runs – Word may split the instruction over several runs –, separate, the
``«Name»`` result, end). ``MERGEFIELD X`` reads the recipient column ``X``;
``ADDRESSBLOCK`` and ``GREETINGLINE`` give the DIN 5008 address and the salutation.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from functools import lru_cache
from pathlib import Path

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS = {"w": W}
_PARTS = re.compile(r"word/(document|header\d*|footer\d*)\.xml")
_TOKEN = re.compile(r'"([^"]*)"|(\S+)')
_FORMATS = {"upper": "upper", "lower": "lower", "caps": "title", "firstcap": "capitalize"}


def _q(name: str) -> str:
    return f"{{{W}}}{name}"


def jinja_for(instruction: str) -> str | None:
    """Translate a field instruction into a Jinja expression tag, or None if it is not a merge field."""
    tokens = [m.group(1) if m.group(1) is not None else m.group(2) for m in _TOKEN.finditer(instruction)]
    if not tokens:
        return None
    kind = tokens[0].upper()
    if kind == "ADDRESSBLOCK":
        return '{{ address_lines|join("\\n") }}'
    if kind == "GREETINGLINE":
        return "{{ salutation }}"
    if kind != "MERGEFIELD" or len(tokens) < 2:
        return None
    value = f"recipient[{json.dumps(tokens[1], ensure_ascii=False)}]"
    switches = dict(zip(tokens[2::2], tokens[3::2]))
    fmt = _FORMATS.get(switches.get("\\*", "").lower())
    shown = f"{value}|{fmt}" if fmt else value
    before, after = switches.get("\\b", ""), switches.get("\\f", "")
    if before or after:
        shown = f"({json.dumps(before)} ~ {shown} ~ {json.dumps(after)}) if {value} else \"\""
    return "{{ " + shown + " }}"


def _tag_run(text: str, like: etree._Element | None) -> etree._Element:
    run = etree.Element(_q("r"))
    properties = like.find("w:rPr", _NS) if like is not None else None
    if properties is not None:
        run.append(_copy(properties))
    t = etree.SubElement(run, _q("t"))
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    t.text = text
    return run


def _copy(element: etree._Element) -> etree._Element:
    return etree.fromstring(etree.tostring(element))


def _replace_simple_fields(root: etree._Element) -> int:
    count = 0
    for field in root.iter(_q("fldSimple")):
        tag = jinja_for(field.get(_q("instr"), ""))
        if tag is None:
            continue
        field.getparent().replace(field, _tag_run(tag, field.find("w:r", _NS)))
        count += 1
    return count


def _replace_complex_fields(root: etree._Element) -> int:
    count = 0
    for paragraph in root.iter(_q("p")):
        runs = [child for child in paragraph if child.tag == _q("r")]
        depth, start, instruction, in_result = 0, None, [], False
        for index, run in enumerate(runs):
            char = run.find("w:fldChar", _NS)
            kind = char.get(_q("fldCharType")) if char is not None else None
            if kind == "begin":
                depth += 1
                if depth == 1:
                    start, instruction, in_result = index, [], False
            elif kind == "separate" and depth == 1:
                in_result = True
            elif kind == "end":
                depth -= 1
                if depth == 0 and start is not None:
                    count += _replace_field(paragraph, runs[start:index + 1], "".join(instruction))
                    start = None
            elif depth == 1 and not in_result:  # Word may split the instruction over several runs
                instruction += [t.text or "" for t in run.findall("w:instrText", _NS)]
    return count


def _replace_field(paragraph: etree._Element, runs: list[etree._Element], instruction: str) -> int:
    tag = jinja_for(instruction)
    if tag is None:
        return 0
    shown = [r for r in runs if r.find("w:t", _NS) is not None]
    paragraph.replace(runs[0], _tag_run(tag, shown[0] if shown else runs[0]))
    for run in runs[1:]:
        paragraph.remove(run)
    return 1


def convert_part(xml: bytes) -> tuple[bytes, int]:
    """Return a document part with its merge fields replaced by Jinja tags, and how many there were."""
    root = etree.fromstring(xml)
    count = _replace_simple_fields(root) + _replace_complex_fields(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True), count


def _drop_mail_merge_settings(xml: bytes) -> bytes:
    """Remove Word's link to its mail-merge data source (LibreOffice would look for it)."""
    root = etree.fromstring(xml)
    for element in root.findall("w:mailMerge", _NS):
        root.remove(element)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


@lru_cache(maxsize=64)
def _prepared(path: Path, size: int, mtime_ns: int) -> bytes | None:
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
        infos = source.infolist()
    if not any(b"MERGEFIELD" in data or b"ADDRESSBLOCK" in data or b"GREETINGLINE" in data
               for name, data in parts.items() if _PARTS.fullmatch(name)):
        return None
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in infos:
            data = parts[info.filename]
            if _PARTS.fullmatch(info.filename):
                data, _ = convert_part(data)
            elif info.filename == "word/settings.xml":
                data = _drop_mail_merge_settings(data)
            target.writestr(info.filename, data)
    return out.getvalue()


def prepared_template(path: Path) -> Path | io.BytesIO:
    """Return the template as docxtpl should read it: the file itself, or a converted copy
    in memory when it holds Word merge fields."""
    stat = path.stat()
    data = _prepared(path, stat.st_size, stat.st_mtime_ns)
    return path if data is None else io.BytesIO(data)
