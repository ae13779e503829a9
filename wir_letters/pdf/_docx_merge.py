"""Join letters of one template into one DOCX: a glyph prelude, then one section per letter.

The merged document keeps the first letter's package. It opens with a *prelude* section that
prints :data:`~wir_letters.pdf._docx_parts.ALPHABET` in every font of the template, so that
LibreOffice numbers the glyphs of its font subsets the same way whatever letters follow: a
letter's pages then come out the same in any group (reproducible bytes). Each letter follows
in a section of its own: the template's section properties, page numbers restarting at 1,
its own copies of its headers and footers, NUMPAGES frozen to ``counts[k]`` (checked after
conversion), and a bookmark ``WirMerge<k>`` whose PDF destination marks its first page.
"""

from __future__ import annotations

import copy
import io
import zipfile
from collections.abc import Sequence

from lxml import etree

from wir_letters.pdf._docx_parts import ALPHABET, DOCUMENT, LIGATURES, NS, PKG, RELS, W, R, Letter, field_names

MARKER = "WirMerge"
SEPARATE = False
CONTENT_TYPES = "[Content_Types].xml"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def merged_docx(letters: Sequence[Letter], counts: Sequence[int]) -> bytes:
    """The DOCX joining ``letters`` (same template key); ``counts``: each one's NUMPAGES value."""
    first = letters[0].parts
    parts = dict(first)
    rels = etree.fromstring(first[RELS])
    types = etree.fromstring(first[CONTENT_TYPES])
    document = etree.fromstring(first[DOCUMENT])
    body = document.find("w:body", NS)
    assert body is not None
    template_sect = body[-1]
    for child in list(body):
        body.remove(child)
    body.extend(_prelude(first, template_sect))
    for k, (letter, count) in enumerate(zip(letters, counts)):
        ids = _copy_own(letter, k, count, parts, rels, types)
        own = etree.fromstring(letter.parts[DOCUMENT]).find("w:body", NS)
        assert own is not None
        content, sect = list(own)[:-1], copy.deepcopy(own[-1])
        for node in content:
            _remap(node, ids)
            if letter.numpages:
                freeze_numpages(node, count)
        _remap(sect, ids)
        _restart_numbers(sect)
        if letter.placed:
            content.insert(0, _hidden_paragraph())
        _mark(content, k)
        body.extend(content)
        if k < len(letters) - 1:
            if SEPARATE:
                content.append(etree.SubElement(body, _w("p")))
            _end_section(content[-1], sect)
        else:
            body.append(sect)
    parts[DOCUMENT] = etree.tostring(document, xml_declaration=True, encoding="UTF-8", standalone=True)
    parts[RELS] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8", standalone=True)
    parts[CONTENT_TYPES] = etree.tostring(types, xml_declaration=True, encoding="UTF-8", standalone=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _copy_own(letter: Letter, k: int, count: int, parts: dict[str, bytes], rels: etree._Element,
              types: etree._Element) -> dict[str, str]:
    """Add letter ``k``'s headers and footers as parts of their own; return old → new relationship id."""
    ids: dict[str, str] = {}
    own_rels = etree.fromstring(letter.parts[RELS])
    for n, rel in enumerate(r for r in own_rels.iterfind("p:Relationship", NS)
                            if "word/" + r.get("Target", "") in letter.own):
        target = rel.get("Target", "")
        folder, _, name = target.rpartition("/")
        new_target = f"{folder}/m{k}-{name}" if folder else f"m{k}-{name}"
        root = etree.fromstring(letter.parts["word/" + target])
        if letter.numpages:
            freeze_numpages(root, count)
        parts["word/" + new_target] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        part_rels = f"word/{folder + '/' if folder else ''}_rels/{name}.rels"
        if part_rels in letter.parts:
            parts[f"word/{folder + '/' if folder else ''}_rels/m{k}-{name}.rels"] = letter.parts[part_rels]
        new_id = f"rIdWirMerge{k}x{n}"
        ids[rel.get("Id", "")] = new_id
        etree.SubElement(rels, f"{{{PKG}}}Relationship", Id=new_id, Type=rel.get("Type", ""), Target=new_target)
        _add_type(types, "/word/" + target, "/word/" + new_target)
    return ids


def _add_type(types: etree._Element, old: str, new: str) -> None:
    for override in types.iterfind(f"{{{CT}}}Override"):
        if override.get("PartName") == old:
            etree.SubElement(types, f"{{{CT}}}Override", PartName=new, ContentType=override.get("ContentType", ""))
            return
    raise ValueError(f"no content type for {old}")


def _remap(node: etree._Element, ids: dict[str, str]) -> None:
    for ref in node.iter(_w("headerReference"), _w("footerReference")):
        ref.set(f"{{{R}}}id", ids[ref.get(f"{{{R}}}id", "")])


def _restart_numbers(sect: etree._Element) -> None:
    """Page numbers start at 1 in every letter's section (schema order: before cols)."""
    for old in sect.findall("w:pgNumType", NS):
        sect.remove(old)
    numbers = etree.Element(_w("pgNumType"))
    numbers.set(_w("start"), "1")
    anchor = next((child for child in sect if etree.QName(child).localname in
                   ("cols", "formProt", "vAlign", "noEndnote", "titlePg", "textDirection", "bidi", "rtlGutter",
                    "docGrid", "printerSettings", "sectPrChange")), None)
    if anchor is None:
        sect.append(numbers)
    else:
        anchor.addprevious(numbers)


def _hidden_paragraph() -> etree._Element:
    """An empty hidden paragraph to start a letter's section with.

    LibreOffice puts a section's page style and page number restart on its first paragraph; when
    that paragraph is inside a positioned table or frame, the restart is lost ("Seite 28 von 2").
    A hidden empty paragraph takes no room (the pages stay pixel-identical) and keeps the restart.
    """
    paragraph = etree.Element(_w("p"))
    properties = etree.SubElement(etree.SubElement(paragraph, _w("pPr")), _w("rPr"))
    etree.SubElement(properties, _w("vanish"))
    return paragraph


def _mark(content: list[etree._Element], k: int) -> None:
    """Put bookmark ``WirMerge<k>`` at the start of the letter's first paragraph."""
    paragraph = next(node if node.tag == _w("p") else node.find(".//w:p", NS) for node in content
                     if node.tag == _w("p") or node.find(".//w:p", NS) is not None)
    if paragraph is None:
        raise ValueError("a letter without paragraphs")
    start = etree.Element(_w("bookmarkStart"))
    start.set(_w("id"), str(900000 + k))
    start.set(_w("name"), f"{MARKER}{k}")
    end = etree.Element(_w("bookmarkEnd"))
    end.set(_w("id"), str(900000 + k))
    properties = paragraph.find("w:pPr", NS)
    index = 0 if properties is None else paragraph.index(properties) + 1
    paragraph.insert(index, start)
    paragraph.insert(index + 1, end)


def _end_section(paragraph: etree._Element, sect: etree._Element) -> None:
    """Make ``paragraph`` (the letter's last) end its section with ``sect``."""
    properties = paragraph.find("w:pPr", NS)
    if properties is None:
        properties = etree.Element(_w("pPr"))
        paragraph.insert(0, properties)
    change = properties.find("w:pPrChange", NS)
    if change is not None:
        change.addprevious(sect)
    else:
        properties.append(sect)


def _prelude(parts: dict[str, bytes], template_sect: etree._Element) -> list[etree._Element]:
    """Paragraphs printing the alphabet in every font and bullet of the template, then a section end."""
    text = ALPHABET + " " + " ".join(LIGATURES)
    fonts: list[dict[str, str]] = [{}, {"asciiTheme": "majorHAnsi", "hAnsiTheme": "majorHAnsi"},
                                   {"asciiTheme": "minorHAnsi", "hAnsiTheme": "minorHAnsi"}]
    if "word/fontTable.xml" in parts:
        table = etree.fromstring(parts["word/fontTable.xml"])
        names = [font.get(_w("name"), "") for font in table.iterfind("w:font", NS)]
        fonts += [{"ascii": name, "hAnsi": name} for name in names if name]
    paragraphs = []
    for attributes in fonts:
        paragraph = etree.Element(_w("p"))
        for bold, italic in ((False, False), (True, False), (False, True), (True, True)):
            run = etree.SubElement(paragraph, _w("r"))
            properties = etree.SubElement(run, _w("rPr"))
            if attributes:
                fonts_element = etree.SubElement(properties, _w("rFonts"))
                for name, value in attributes.items():
                    fonts_element.set(_w(name), value)
            if bold:
                etree.SubElement(properties, _w("b"))
            if italic:
                etree.SubElement(properties, _w("i"))
            etree.SubElement(run, _w("t")).text = text
        paragraphs.append(paragraph)
    paragraphs.append(_bullets(parts))
    sect = copy.deepcopy(template_sect)
    for child in sect.findall("w:headerReference", NS) + sect.findall("w:footerReference", NS) + \
            sect.findall("w:titlePg", NS) + sect.findall("w:pgNumType", NS):
        sect.remove(child)
    _end_section(paragraphs[-1], sect)
    return paragraphs


def _bullets(parts: dict[str, bytes]) -> etree._Element:
    """A paragraph printing each bullet of the template's numbering in its own font."""
    paragraph = etree.Element(_w("p"))
    if "word/numbering.xml" not in parts:
        return paragraph
    numbering = etree.fromstring(parts["word/numbering.xml"])
    for level in numbering.iterfind(".//w:lvl", NS):
        shown = level.find("w:lvlText", NS)
        if shown is None or "%" in shown.get(_w("val"), "%"):
            continue
        run = etree.SubElement(paragraph, _w("r"))
        properties = level.find("w:rPr", NS)
        if properties is not None:
            run.append(copy.deepcopy(properties))
        etree.SubElement(run, _w("t")).text = shown.get(_w("val"), "")
    return paragraph


def freeze_numpages(root: etree._Element, count: int) -> None:
    """Replace every NUMPAGES field under ``root`` by its result showing ``count``."""
    for simple in list(root.iter(_w("fldSimple"))):
        if field_names(simple) == ["NUMPAGES"]:
            runs = simple.findall("w:r", NS) or [etree.Element(_w("r"))]
            _show(runs[0], count)
            parent = simple.getparent()
            assert parent is not None
            simple.addprevious(runs[0])
            parent.remove(simple)
    for begin in [node.getparent() for node in root.iter(_w("fldChar"))
                  if node.get(_w("fldCharType")) == "begin"]:
        assert begin is not None
        runs = _field_runs(begin)
        if "NUMPAGES" in field_names(_holder(runs)):
            result = _result_runs(runs) or [runs[1]]
            _show(result[0], count)
            for run in runs:
                if run is not result[0]:
                    parent = run.getparent()
                    assert parent is not None
                    parent.remove(run)


def _field_runs(begin: etree._Element) -> list[etree._Element]:
    runs = [begin]
    for run in begin.itersiblings():
        runs.append(run)
        if run.find("w:fldChar[@w:fldCharType='end']", NS) is not None:
            return runs
        if run.tag != _w("r"):
            raise ValueError("a field spans other elements")
    raise ValueError("a field without end")


def _holder(runs: list[etree._Element]) -> etree._Element:
    holder = etree.Element(_w("p"))
    for run in runs:
        holder.append(copy.deepcopy(run))
    return holder


def _result_runs(runs: list[etree._Element]) -> list[etree._Element]:
    separate = next((n for n, run in enumerate(runs)
                     if run.find("w:fldChar[@w:fldCharType='separate']", NS) is not None), None)
    return [] if separate is None else [run for run in runs[separate + 1:-1] if run.find("w:t", NS) is not None]


def _show(run: etree._Element, count: int) -> None:
    for child in list(run):
        if etree.QName(child).localname != "rPr":
            run.remove(child)
    text = etree.SubElement(run, _w("t"))
    text.text = str(count)
