"""A template opened once and written many times: the parts rendering never changes are kept
compressed, and only the parts with tags are rendered and compressed for each recipient.

This is docxtpl's own rendering of each part (``patch_xml`` once, ``render_xml_part`` per
recipient) without python-docx opening and saving the whole package every time, which cost
most of the render time (a Word template's styles alone are often several hundred KB).
Templates that need docxtpl's whole-document fixes (``{%tc %}`` column loops, pictures) take
the ordinary docxtpl path instead.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import Environment

from wir_letters.documents.mergefields import prepared_template

_RENDERED = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml|docProps/core\.xml")
_NEEDS_DOCXTPL = ("{%tc", "<wp:docPr", "{%p include")
_DOS_DATE = (1 << 5) | 1  # 1980-01-01: every entry gets this timestamp, so equal content gives equal bytes


_SPLIT_TAG = re.compile(r"(?<={)(<[^>]*>)+(?=[{%#])|(?<=[%}#])(<[^>]*>)+(?=})", re.DOTALL)
_TAG_RUNS = re.compile(r"{%(?:(?!%}).)*|{#(?:(?!#}).)*|{{(?:(?!}}).)*", re.DOTALL)
_TEXT_BREAK = re.compile("</w:t>.*?(<w:t>|<w:t [^>]*>)", re.DOTALL)
_P_OR_R_TAG = re.compile(r"{{([pr])\s+([^}%]*?)\s*}}")
_NOTES = {f"application/vnd.openxmlformats-officedocument.wordprocessingml.{kind}+xml"
          for kind in ("footnotes", "endnotes")}


class WirTemplate(DocxTemplate):
    """docxtpl's template with two repairs: ``{{p x}}``/``{{r x}}`` with a plain text value give a
    paragraph/run holding the text (docxtpl would put bare text outside any paragraph, which
    LibreOffice drops), and endnotes are rendered like footnotes."""

    def patch_xml(self, src_xml: str) -> str:
        joined = _TAG_RUNS.sub(lambda m: _TEXT_BREAK.sub("", m.group(0)), _SPLIT_TAG.sub("", src_xml))
        marked = _P_OR_R_TAG.sub(lambda m: "{{%s (%s)|docx_%s }}" % (
            m.group(1), m.group(2), "paragraph" if m.group(1) == "p" else "run"), joined)
        return str(super().patch_xml(marked))

    def render_footnotes(self, context: dict[str, Any], jinja_env: Environment | None = None) -> None:
        for part in self.docx.part.package.parts:
            if part.content_type in _NOTES:
                blob = part.blob.decode("utf-8") if isinstance(part.blob, bytes) else part.blob
                part._blob = self.render_xml_part(self.patch_xml(blob), part, context, jinja_env).encode("utf-8")


@dataclass(frozen=True)
class _Entry:
    name: bytes
    crc: int
    size: int
    data: bytes  # raw deflate stream

    @classmethod
    def of(cls, name: str, content: bytes) -> _Entry:
        packer = zlib.compressobj(1, zlib.DEFLATED, -15)
        return cls(name.encode("utf-8"), zlib.crc32(content), len(content), packer.compress(content) + packer.flush())


@dataclass(frozen=True)
class PackedTemplate:
    """A template split into fixed, already compressed parts and Jinja sources to render."""

    order: tuple[str, ...]
    fixed: dict[str, _Entry]
    sources: dict[str, str]  # part name -> XML with docxtpl's tag repairs applied
    docxtpl: WirTemplate  # lends its render_xml_part

    def render(self, context: dict[str, Any], env: Environment) -> bytes:
        """Render every source part with ``context`` and return the DOCX bytes."""
        rendered = {name: _Entry.of(name, self.docxtpl.render_xml_part(source, None, context, env).encode("utf-8"))
                    for name, source in self.sources.items()}
        return _zip([rendered.get(name) or self.fixed[name] for name in self.order])


def packed_template(path: Path) -> PackedTemplate | None:
    """Return the packed form of a template, or None when it needs docxtpl's full render."""
    stat = path.stat()
    return _pack(path, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=32)
def _pack(path: Path, size: int, mtime_ns: int) -> PackedTemplate | None:
    source = prepared_template(path)
    with zipfile.ZipFile(source) as archive:
        contents = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    order = tuple(contents)
    docxtpl = WirTemplate(io.BytesIO(b""))  # only its string methods are used
    sources, fixed = {}, {}
    for name, content in contents.items():
        text = content.decode("utf-8") if _RENDERED.fullmatch(name) else ""
        if any(marker in text for marker in _NEEDS_DOCXTPL):
            return None
        if "{{" in text or "{%" in text:
            sources[name] = docxtpl.patch_xml(text)
        else:
            fixed[name] = _Entry.of(name, content)
    return PackedTemplate(order, fixed, sources, docxtpl)


def zip_parts(parts: list[tuple[str, bytes]]) -> bytes:
    """Pack ``(name, content)`` pairs into a reproducible zip (fixed timestamps, deflate level 1)."""
    return _zip([_Entry.of(name, content) for name, content in parts])


def _zip(entries: list[_Entry]) -> bytes:
    """Write a zip of already deflated entries (what zipfile cannot do)."""
    out, central = bytearray(), bytearray()
    for entry in entries:
        flags = 0 if entry.name.isascii() else 0x0800
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, 8, 0, _DOS_DATE, entry.crc, len(entry.data),
                           entry.size, len(entry.name), 0) + entry.name + entry.data
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, flags, 8, 0, _DOS_DATE, entry.crc,
                               len(entry.data), entry.size, len(entry.name), 0, 0, 0, 0, 0o644 << 16,
                               offset) + entry.name
    out += central
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central),
                       len(out) - len(central), 0)
    return bytes(out)
