"""Word documents written part by part, with fields in the XML forms Word itself writes.

python-docx cannot add footnotes, endnotes, text boxes or nested fields; these helpers write
the WordprocessingML directly, so tests can use templates shaped like Word's own.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NAMESPACES = (f'xmlns:w="{W_NS}" xmlns:r="{_R_NS}" xmlns:v="urn:schemas-microsoft-com:vml" '
               'xmlns:o="urn:schemas-microsoft-com:office:office"')
Instruction = Sequence["str | Field"]


class Field:
    """A complex field: instruction pieces (text or nested fields) and the result Word shows."""

    def __init__(self, *instruction: str | Field, result: str = "«field»") -> None:
        self.instruction, self.result = instruction, result

    def xml(self) -> str:
        parts = ['<w:r><w:fldChar w:fldCharType="begin"/></w:r>']
        for piece in self.instruction:
            if isinstance(piece, Field):
                parts.append(piece.xml())
            else:  # Word often splits an instruction over runs: do the same, one run per word
                parts += [f'<w:r><w:instrText xml:space="preserve">{escape(word)}</w:instrText></w:r>'
                          for word in _split_keep_spaces(piece)]
        parts.append('<w:r><w:fldChar w:fldCharType="separate"/></w:r>')
        parts.append(f'<w:r><w:t xml:space="preserve">{escape(self.result)}</w:t></w:r>')
        parts.append('<w:r><w:fldChar w:fldCharType="end"/></w:r>')
        return "".join(parts)


def _split_keep_spaces(text: str) -> list[str]:
    words = text.split(" ")
    return [w + (" " if i < len(words) - 1 else "") for i, w in enumerate(words) if w or i < len(words) - 1]


def run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def simple_field(instruction: str, result: str = "«field»") -> str:
    return f'<w:fldSimple w:instr="{escape(instruction, {chr(34): "&quot;"})}">{run(result)}</w:fldSimple>'


def paragraph(*content: str | Field) -> str:
    """A paragraph of runs: plain strings become runs, ``Field``s complex fields; raw XML
    (starting with ``<``) is kept as it is."""
    body = "".join(c.xml() if isinstance(c, Field) else c if c.startswith("<") else run(c) for c in content)
    return f"<w:p>{body}</w:p>"


def text_box(*paragraphs: str) -> str:
    """A VML text box (as Word writes in its compatibility fallback) holding paragraphs."""
    return ('<w:r><w:pict><v:shape id="box1" style="position:absolute;margin-left:0;margin-top:0;'
            'width:300pt;height:60pt;z-index:1" type="#_x0000_t202"><v:textbox><w:txbxContent>'
            + "".join(paragraphs) + "</w:txbxContent></v:textbox></v:shape></w:pict></w:r>")


def note_reference(kind: str, number: int) -> str:
    return f'<w:r><w:{kind}Reference w:id="{number}"/></w:r>'


def _notes(kind: str, notes: Sequence[str]) -> str:
    separators = (f'<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>'
                  f'<w:{kind} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
                  f"</w:r></w:p></w:{kind}>")
    items = "".join(f'<w:{kind} w:id="{n}">{p}</w:{kind}>' for n, p in enumerate(notes, start=1))
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:{kind}s {_NAMESPACES}>{separators}{items}</w:{kind}s>'


def write_docx(path: Path, body: Sequence[str], *, header: Sequence[str] = (), footer: Sequence[str] = (),
               footnotes: Sequence[str] = (), endnotes: Sequence[str] = ()) -> Path:
    """Write a DOCX whose body, header, footer, footnotes and endnotes hold the given paragraphs."""
    parts: dict[str, str] = {}
    rels = []
    types = []
    refs = ""
    for name, kind, content in (("header1", "header", header), ("footer1", "footer", footer)):
        if content:
            tag = "hdr" if kind == "header" else "ftr"
            parts[f"word/{name}.xml"] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                                         f'<w:{tag} {_NAMESPACES}>{"".join(content)}</w:{tag}>')
            rels.append(f'<Relationship Id="r{name}" Type="{_REL}/{kind}" Target="{name}.xml"/>')
            types.append(f'<Override PartName="/word/{name}.xml" ContentType="application/vnd.openxmlformats-'
                         f'officedocument.wordprocessingml.{kind}+xml"/>')
            refs += f'<w:{kind}Reference w:type="default" r:id="r{name}"/>'
    for kind, notes in (("footnote", footnotes), ("endnote", endnotes)):
        if notes:
            parts[f"word/{kind}s.xml"] = _notes(kind, notes)
            rels.append(f'<Relationship Id="r{kind}s" Type="{_REL}/{kind}s" Target="{kind}s.xml"/>')
            types.append(f'<Override PartName="/word/{kind}s.xml" ContentType="application/vnd.openxmlformats-'
                         f'officedocument.wordprocessingml.{kind}s+xml"/>')
    section = (f'<w:sectPr>{refs}<w:pgSz w:w="11906" w:h="16838"/>'
               '<w:pgMar w:top="1417" w:right="1417" w:bottom="1134" w:left="1417" w:header="708" '
               'w:footer="708" w:gutter="0"/></w:sectPr>')
    parts["word/document.xml"] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                                  f'<w:document {_NAMESPACES}><w:body>{"".join(body)}{section}</w:body></w:document>')
    parts["word/_rels/document.xml.rels"] = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                                             f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                                             f'relationships">{"".join(rels)}</Relationships>')
    parts["_rels/.rels"] = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://'
                            'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
                            f'Type="{_REL}/officeDocument" Target="word/document.xml"/></Relationships>')
    parts["[Content_Types].xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
        'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override '
        'PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        f'wordprocessingml.document.main+xml"/>{"".join(types)}</Types>')
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return path
