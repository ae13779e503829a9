"""Write the Word templates of the WIR mailing and the Aktionsplan II placeholder PDF.

Run from the repository root::

    .venv/bin/python tools/make_templates.py

It (re)writes, deterministically:

* ``templates/anschreiben.docx`` - the cover letter, DIN 5008 Form B;
* ``templates/ausschreibung-*.docx`` - the four calls for proposals;
* ``templates/aktionsplan-ii-platzhalter.pdf`` - a marked placeholder for the
  official brochure (built as a DOCX and converted with LibreOffice).

The ``.docx`` files are docxtpl/Jinja2 templates.  Every ``{{ }}`` or
``{% %}`` tag is written into exactly one run, and every ``{%p %}`` tag into a
paragraph of its own, as docxtpl requires.  The names they use are the
template context agreed with ``wir_letters``: ``recipient``,
``address_lines``, ``salutation``, ``enclosures``, ``document``,
``campaign``, ``sender`` and the filters ``date_de``, ``money`` and ``mio``.

Positions are in millimetres from the top-left page edge; OOXML wants twips
(1/1440 inch), see :func:`twips`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Emu, Mm, Pt, RGBColor
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, ByteStringObject

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
LO_PROFILE = "file:///tmp/lo-profile-templates"

FONT = "Liberation Sans"
BODY_PT = 11
#: Height of one empty line of 11 pt Liberation Sans at single spacing, as LibreOffice sets it.
BLANK_LINE_PT = 12.6
#: Fixed timestamp for the package metadata and zip entries (the campaign date).
FIXED_TIME = dt.datetime(2017, 1, 20, 0, 0, 0)
PLACEHOLDER_NOTE = "[{what}: Platzhalter – vor Versand aus der amtlichen Ausschreibung übernehmen]"
DEADLINE_PLACEHOLDER = "[Frist: TT.MM.2017 – Platzhalter, vor Versand eintragen]"
#: Child order of ``w:pPr`` (ECMA-376 CT_PPr), for inserting raw elements where they belong.
PPR_ORDER = (
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
    "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
    "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
    "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap",
    "jc", "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId",
    "cnfStyle", "rPr", "sectPr", "pPrChange",
)


# --------------------------------------------------------------------------
# Low-level OOXML helpers
# --------------------------------------------------------------------------


def twips(mm: float) -> int:
    """Return ``mm`` millimetres as whole twips (1 mm = 56.7 twips)."""
    return round(mm * 1440 / 25.4)


def insert_ppr_child(paragraph, element) -> None:
    """Insert ``element`` into the paragraph's ``w:pPr`` in schema order.

    An existing child with the same tag is replaced.
    """
    ppr = paragraph._p.get_or_add_pPr()
    for old in ppr.findall(element.tag):
        ppr.remove(old)
    tag = element.tag.split("}")[1]
    successors = PPR_ORDER[PPR_ORDER.index(tag) + 1 :]
    ppr.insert_element_before(element, *(f"w:{name}" for name in successors))


def set_frame(paragraph, x: float, y: float, width: float, height: float) -> None:
    """Make ``paragraph`` a frame at a fixed page position (all values in mm).

    Consecutive paragraphs with identical frame properties share one frame,
    as in Word; the frame height is exact, so overflowing text is clipped
    rather than pushing the letter body down.
    """
    insert_ppr_child(
        paragraph,
        parse_xml(
            f'<w:framePr {nsdecls("w")} w:w="{twips(width)}" w:h="{twips(height)}"'
            ' w:hRule="exact" w:wrap="around" w:hSpace="0" w:vSpace="0"'
            ' w:hAnchor="page" w:vAnchor="page"'
            f' w:x="{twips(x)}" w:y="{twips(y)}"/>'
        ),
    )


def set_border(paragraph, sides: tuple[str, ...], width_eighth_pt: int = 4, space_pt: int = 1):
    """Draw thin black single lines on ``sides`` ("top", "left", "bottom", "right")."""
    lines = "".join(
        f'<w:{side} w:val="single" w:sz="{width_eighth_pt}" w:space="{space_pt}"'
        ' w:color="000000"/>'
        for side in ("top", "left", "bottom", "right")
        if side in sides
    )
    insert_ppr_child(paragraph, parse_xml(f'<w:pBdr {nsdecls("w")}>{lines}</w:pBdr>'))


def add_field(paragraph, instruction: str, size_pt: float, shown: str = "1") -> None:
    """Append a complex field (e.g. ``PAGE``) to ``paragraph``.

    ``shown`` is the cached result that a reader displays before updating
    fields; LibreOffice recomputes PAGE and NUMPAGES when it lays out.
    """
    parts = (
        '<w:fldChar {ns} w:fldCharType="begin"/>',
        f'<w:instrText {{ns}} xml:space="preserve"> {instruction} </w:instrText>',
        '<w:fldChar {ns} w:fldCharType="separate"/>',
        f"<w:t {{ns}}>{shown}</w:t>",
        '<w:fldChar {ns} w:fldCharType="end"/>',
    )
    for part in parts:
        run = paragraph.add_run()
        run.font.size = Pt(size_pt)
        run._r.append(parse_xml(part.format(ns=nsdecls("w"))))


def add_page_x_of_y(paragraph, size_pt: float) -> None:
    """Append "Seite <PAGE> von <NUMPAGES>" to ``paragraph``."""
    add_run(paragraph, "Seite ", size_pt)
    add_field(paragraph, "PAGE", size_pt)
    add_run(paragraph, " von ", size_pt)
    add_field(paragraph, "NUMPAGES", size_pt)


def force_font(rpr) -> None:
    """Set every script slot of ``rpr`` to :data:`FONT`, dropping theme fonts."""
    for old in rpr.findall(qn("w:rFonts")):
        rpr.remove(old)
    rpr.insert(
        0,
        parse_xml(
            f'<w:rFonts {nsdecls("w")} w:ascii="{FONT}" w:hAnsi="{FONT}"'
            f' w:eastAsia="{FONT}" w:cs="{FONT}"/>'
        ),
    )


# --------------------------------------------------------------------------
# Paragraph helpers (one run per call: a template tag never spans runs)
# --------------------------------------------------------------------------


def add_run(paragraph, text: str, size_pt: float | None = None, bold: bool = False, color=None):
    """Append ``text`` as a single run; tabs and line breaks become OOXML elements.

    Without ``size_pt`` the run keeps the paragraph style's size.
    """
    run = paragraph.add_run(text)
    if size_pt is not None:
        run.font.size = Pt(size_pt)
    if bold:
        run.font.bold = True
    if color is not None:
        run.font.color.rgb = color
    return run


def add_par(
    container,
    text: str = "",
    *,
    size_pt: float | None = None,
    bold: bool = False,
    align=None,
    before=None,
    after=None,
    exact_line_pt: float | None = None,
    keep_with_next: bool = False,
    style: str | None = None,
    color=None,
):
    """Append a paragraph holding ``text`` in one run and return it.

    ``before``/``after`` are python-docx lengths; ``exact_line_pt`` fixes the
    line height, which keeps frames (address field, info block) predictable.
    """
    paragraph = container.add_paragraph(style=style) if style else container.add_paragraph()
    fmt = paragraph.paragraph_format
    if align is not None:
        fmt.alignment = align
    if before is not None:
        fmt.space_before = before
    if after is not None:
        fmt.space_after = after
    if exact_line_pt is not None:
        fmt.line_spacing = Pt(exact_line_pt)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    if keep_with_next:
        fmt.keep_with_next = True
    if text:
        add_run(paragraph, text, size_pt, bold, color)
    return paragraph


def blank_lines(count: int):
    """Return the paragraph spacing that stands for ``count`` empty lines (DIN 5008)."""
    return Pt(BLANK_LINE_PT * count)


def add_tag_par(container, tag: str):
    """Append a paragraph holding only a docxtpl paragraph tag like ``{%p endif %}``."""
    return add_par(container, tag)


def first_par(header_or_footer):
    """Return the (empty) paragraph python-docx creates in a new header or footer."""
    return header_or_footer.paragraphs[0]


# --------------------------------------------------------------------------
# Document set-up and deterministic saving
# --------------------------------------------------------------------------


def new_document(title: str, top: float, bottom: float, header: float, footer: float):
    """Return an empty A4 document with German defaults in :data:`FONT`.

    Margins are left 25 mm and right 20 mm (DIN 5008); ``top``/``bottom`` and
    the header/footer distances are given in mm.
    """
    doc = Document()
    drop_thumbnail(doc)
    set_defaults(doc)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(25), Mm(20)
    section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
    section.header_distance, section.footer_distance = Mm(header), Mm(footer)
    props = doc.core_properties
    props.title = title
    props.author = "Hessisches Ministerium für Soziales und Integration"
    props.last_modified_by = "tools/make_templates.py"
    props.comments = "Erzeugt von tools/make_templates.py (docxtpl-Vorlage)"
    props.language = "de-DE"
    props.created = props.modified = FIXED_TIME
    props.revision = 1
    return doc


def drop_thumbnail(doc) -> None:
    """Remove the thumbnail that python-docx's default template carries."""
    rels = doc.part.package.rels
    for rel_id, rel in list(rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del rels[rel_id]


def set_defaults(doc) -> None:
    """Make :data:`FONT` 11 pt, German, single-spaced without paragraph gaps the default.

    Also restyles "Heading 1"/"Heading 2" (used by the calls for proposals)
    from the template's blue theme fonts to black :data:`FONT`.
    """
    styles = doc.styles.element
    rpr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    force_font(rpr)
    rpr.find(qn("w:lang")).set(qn("w:val"), "de-DE")
    ppr = styles.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr"))
    spacing = ppr.find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")
    normal = doc.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    force_font(normal.element.get_or_add_rPr())
    for name, size, before, after in (("Heading 1", 16, 0, 6), ("Heading 2", 12, 12, 4)):
        style = doc.styles[name]
        force_font(style.element.get_or_add_rPr())
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(after)


def save_deterministic(doc, path: Path) -> None:
    """Save ``doc`` to ``path`` with fixed zip timestamps, so reruns give identical bytes."""
    buffer = io.BytesIO()
    doc.save(buffer)
    buffer.seek(0)
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    print(f"wrote {path.name}")


# --------------------------------------------------------------------------
# The cover letter (DIN 5008 Form B)
# --------------------------------------------------------------------------

SUBJECT = "Landesprogramm WIR – Ausschreibungen 2017"

#: Seed letter paragraphs before the bullet list (verbatim).
LETTER_INTRO = (
    "mit dem Landesprogramm WIR und weiteren integrationspolitischen Schwerpunkten haben wir"
    " in enger Zusammenarbeit mit den Landkreisen und Kommunen die hessische"
    " Integrationspolitik substantiell weiterentwickelt.",
    "Die Aufnahme einer hohen Zahl Geflüchteter hat uns alle jedoch in den vergangenen zwei"
    " Jahren auch vor weitere Herausforderungen gestellt. In einem gemeinsamen Schulterschluss"
    " ist es uns gelungen, die Erstversorgung und Unterbringung der Menschen, die vor Krieg und"
    " Verfolgung geflohen sind und bei uns Schutz suchen, zu meistern.",
    "Die nun vor uns liegende langfristige Aufgabe der Integration erfordert aber auch weiter"
    " all unsere Kraft. Die hessische Landesregierung wird 2017 mit dem Aktionsplan II"
    " „Es kommt nicht darauf an, wo Du her kommst, sondern wo Du hin willst“ Mittel in Höhe"
    " von 1,6 Mrd. Euro zur Verfügung stellen.",
    "Die Finanzausstattung im Landesprogramm WIR, das durch unsere gemeinsamen Anstrengungen"
    " als ein erfolgreiches Beispiel für eine gelungene Kooperation zwischen Land und Kommunen"
    " gilt, wird 2017 von derzeit 4,6 Mio. Euro auf 8,85 Mio. Euro erhöht. Damit einher geht"
    " die Ausweitung des Programms auf alle Zuwanderergruppen.",
)

#: The seed letter's four bullet points (verbatim; the seed's line-break
#: artefact "Partizipationsund" is restored to "Partizipations- und").
LETTER_BULLETS = (
    "Ein wichtiger Teil der Ausweitung richtet sich speziell an alle Landkreise,"
    " Sonderstatusstädte und kreisfreien Städte: sie können, analog zu den"
    " WIR-Koordinationen, eine neue Stelle eines WIR-Fallmanagers für Geflüchtete besetzen."
    " Die Aufgabe dieser neuen Stelle soll es sein, die Geflüchteten in ihren"
    " Integrationsbemühungen zu unterstützen und sie in passgenaue Angebote zu vermitteln.",
    "Darüber hinaus können die erfolgreichen Integrationslotsinnen und Integrationslotsen"
    " nunmehr alle Zuwanderergruppen in der Kommune unterstützen.",
    "Migrantenorganisationen unterstützen mit ihrer ehrenamtlichen Arbeit den Partizipations-"
    " und Integrationsprozess von Migrantinnen und Migranten. Sie können als Vermittler von"
    " Alltagswissen fungieren und Orientierung und Sicherheit bieten. Um sie in dieser"
    " integrationspolitischen Aufgabe zu stärken, gibt es im Landesprogramm WIR nun auch die"
    " Möglichkeit einer spezifischen Förderung.",
    "Frauen kommt im Integrationsprozess eine Schlüsselrolle zu. Um sie daher bereits kurz"
    " nach der Ankunft mit adäquaten Angeboten anzusprechen, sind spezifische Zugangswege und"
    " Instrumente notwendig. Für die Förderung innovativer Projekte zur Verbesserung der"
    " Integrationschancen von Migrantinnen stehen 2017 daher ebenfalls zusätzliche Mittel im"
    " Landesprogramm zur Verfügung.",
)

#: Seed letter paragraphs after the bullet list (verbatim, contact via sender.specialist).
LETTER_OUTRO = (
    "Die Hessische Landesregierung hat mit der Umsetzung des Aktionsplans I und II eine"
    " Konzeption zur langfristigen Gestaltung der integrationspolitischen Zukunftsaufgaben"
    " und gleichzeitig zur Sicherung des gesellschaftlichen Zusammenhalts vorgelegt. Damit"
    " wird unterstrichen, dass mit der Integration der Geflüchteten eine Aufgabe besteht, die"
    " nicht in wenigen Wochen abgeschlossen werden kann. Es ist eine Generationenaufgabe, die"
    " erfolgreich gemeistert werden muss.",
    "Im Anhang erhalten Sie die ausführlichen Ausschreibungen für die neuen Programmteile"
    " sowie den Aktionsplan II zu Ihrer Kenntnis.",
    "Ich würde mich freuen, wenn diese Ausschreibungen auf Ihr Interesse stoßen und Sie sich"
    " daran beteiligen, damit wir unsere aktive Integrationspartnerschaft weiter festigen und"
    " ausbauen können.",
    "Für Rückfragen steht Ihnen auch gerne die Fachabteilung ({{ sender.specialist }}) zur"
    " Verfügung.",
)

#: Information block rows (label, value tag) in the seed's order; "" = the gap before the date.
INFO_ROWS = (
    ("Geschäftszeichen", "{{ sender.reference }}"),
    ("Dokument-Nr.", "{{ sender.document_no }}"),
    ("Bearbeiter/in", "{{ sender.clerk }}"),
    ("Durchwahl", "{{ sender.clerk_phone }}"),
    ("Fax", "{{ sender.clerk_fax }}"),
    ("E-Mail", "{{ sender.clerk_email }}"),
    ("Ihr Zeichen", "{{ recipient.your_ref }}"),
    ("Ihre Nachricht", "{{ recipient.your_message }}"),
    ("", ""),
    ("Datum", "{{ campaign.date|date_de }}"),
)

#: DIN 5008 Form B geometry (mm from the top-left page edge).
ADDRESS_X, ADDRESS_Y, ADDRESS_W = 20.0, 45.0, 85.0
RETURN_ZONE_H, ADDRESS_ZONE_H = 17.7, 27.3
ADDRESS_INDENT = 5.0  # text on the 25 mm Fluchtlinie inside the 20 mm field
RETURN_LINE_PT = 9  # exact line height of the 8 pt return line
#: 10 pt address lines on an 11 pt grid: 7 lines (6 + one wrapped) fit the 27.3 mm zone.
ADDRESS_PT, ADDRESS_LINE_PT = 9, 11  # 9 pt: the longest Hessian addressee (87 mm at 10 pt) fits the 80 mm line
#: docxtpl turns the "\n" the replace filter puts in the value into a line break.
RETURN_LINE = '{{ sender.return_line|replace(" · ", "\\n", 1) }}'
#: Information block: position and width (mm), label column width (mm), sizes (pt).
#: 8 pt values on an exact 9 pt pitch with a 5 pt gap before the date leave room for
#: the six sender rows (one line each: fixed per campaign), the date and the longest
#: recipient values of INFO_MAX_CHARS.
INFO_X, INFO_Y, INFO_W, INFO_TAB = 125.0, 50.0, 75.0, 22.0
INFO_LABEL_PT, INFO_VALUE_PT, INFO_LINE_PT, INFO_GAP_PT = 7.5, 8, 9, 5
#: Longest recipient values (characters) the information block holds with the date
#: baseline at most 96 mm, clear of the subject line at 98 mm.  Measured with
#: LibreOffice 7.4 on the worst case, values without spaces of the widest characters:
#: a 53 mm value line holds 19 "W" or 18 "@"/"—" (1 em), so 90 + 36 such characters fill
#: 5 + 2 lines and put the date at 95.6 mm; one more line would put it at 98.8 mm
#: ("W" alone would allow 95 + 38).  Ordinary German text, also in capitals or with
#: umlauts, needs far fewer lines (86 + 36 characters: date at 86-92 mm).  Lines break
#: between words, so a value of long words that each waste most of a line (e.g. words
#: of ten "W") can need more lines than a count of characters can promise.
INFO_MAX_CHARS = {"your_ref": 90, "your_message": 36}
MARKS = ((105.0, 5.0), (148.5, 7.0), (210.0, 5.0))  # (y, length): fold, punch, fold
MARK_X = 4.0
LETTER_TOP, LETTER_BOTTOM = 30.0, 25.0
SUBJECT_Y = 98.0  # two blank lines below the info block


def build_letter() -> None:
    """Write ``templates/anschreiben.docx``."""
    doc = new_document("Anschreiben Landesprogramm WIR", LETTER_TOP, LETTER_BOTTOM, 12, 10)
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    build_letterhead(section.first_page_header)
    build_address_footer(section.first_page_footer)
    build_followup_header(section.header)
    build_info_block(doc)  # before the address field: a frame just before a table gets lost
    build_address_field(doc)
    build_marks(doc)
    build_letter_body(doc)
    save_deterministic(doc, TEMPLATES / "anschreiben.docx")


def build_letterhead(header) -> None:
    """Fill the first-page header with the ministry's name, right-aligned."""
    top = first_par(header)
    top.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    top.paragraph_format.space_before = Mm(3)
    add_run(top, "{{ sender.authority }}", 14, bold=True)
    add_par(header, "{{ sender.unit }}", size_pt=10, align=WD_ALIGN_PARAGRAPH.RIGHT, before=Pt(2))


def build_address_footer(footer) -> None:
    """Fill the first-page footer: address and contact data in three tab columns, 8 pt."""
    rows = (
        ("{{ sender.street }}", "Telefon: {{ sender.phone }}", "E-Mail: {{ sender.email }}"),
        ("{{ sender.postcode }} {{ sender.city }}", "Telefax: {{ sender.fax }}",
         "Internet: {{ sender.web }}"),
    )
    for index, row in enumerate(rows):
        paragraph = first_par(footer) if index == 0 else add_par(footer)
        for stop in (60, 110):
            paragraph.paragraph_format.tab_stops.add_tab_stop(Mm(stop))
        if index == 0:
            set_border(paragraph, ("top",), space_pt=4)
        add_run(paragraph, "\t".join(row), 8)


def build_followup_header(header) -> None:
    """Fill the header of pages 2 ff. with a centred "Seite x von y"."""
    paragraph = first_par(header)
    paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_page_x_of_y(paragraph, 9)


def build_address_field(doc) -> None:
    """Add the 85 x 45 mm address field: return line zone and Anschriftzone.

    The return line, broken after its first " · " (authority / postal
    address, as in the seed letter: at 8 pt it does not fit on one 80 mm
    line), fills the last two lines of the 17.7 mm zone; the address lines
    fill the 27.3 mm zone from the top, one paragraph per line.  Text starts
    on the 25 mm Fluchtlinie, so a line has 80 mm; a longer one wraps and
    still fits as long as there are at most 6 lines in all.
    """
    zone = add_par(doc, RETURN_LINE, size_pt=8, exact_line_pt=RETURN_LINE_PT,
                   before=Emu(Mm(RETURN_ZONE_H - 0.5) - Pt(2 * RETURN_LINE_PT)))
    set_frame(zone, ADDRESS_X, ADDRESS_Y, ADDRESS_W, RETURN_ZONE_H)
    zone.paragraph_format.left_indent = Mm(ADDRESS_INDENT)
    for text in ("{%p for line in address_lines %}", "{{ line }}", "{%p endfor %}"):
        line = add_par(doc, text, size_pt=ADDRESS_PT, exact_line_pt=ADDRESS_LINE_PT)
        set_frame(line, ADDRESS_X, ADDRESS_Y + RETURN_ZONE_H, ADDRESS_W, ADDRESS_ZONE_H)
        line.paragraph_format.left_indent = Mm(ADDRESS_INDENT)


def build_info_block(doc) -> None:
    """Add the information block at 125 mm / 50 mm: small labels, values beside them.

    The block is a borderless two-column table floating at a fixed page
    position (Word's ``w:tblpPr``; LibreOffice makes it a frame): labels in
    the :data:`INFO_TAB` wide first column, values in the second.  A long
    value wraps inside its cell, so continuation lines start under the value,
    not under the label, and a word longer than the cell breaks there instead
    of moving below the label.  Rows grow with their text: no line - above
    all not the date - is ever cut off.  The empty row of :data:`INFO_ROWS`
    is a gap of :data:`INFO_GAP_PT` before the date.
    """
    table = doc.add_table(rows=0, cols=2)
    tbl_pr = table._tbl.tblPr
    for child in list(tbl_pr):
        tbl_pr.remove(child)
    tbl_pr.append(parse_xml(
        f'<w:tblpPr {nsdecls("w")} w:leftFromText="0" w:rightFromText="0"'
        ' w:topFromText="0" w:bottomFromText="0" w:vertAnchor="page" w:horzAnchor="page"'
        f' w:tblpX="{twips(INFO_X)}" w:tblpY="{twips(INFO_Y)}"/>'
    ))
    tbl_pr.append(parse_xml(f'<w:tblOverlap {nsdecls("w")} w:val="never"/>'))
    tbl_pr.append(parse_xml(f'<w:tblW {nsdecls("w")} w:w="{twips(INFO_W)}" w:type="dxa"/>'))
    tbl_pr.append(parse_xml(f'<w:tblInd {nsdecls("w")} w:w="0" w:type="dxa"/>'))
    tbl_pr.append(parse_xml(f'<w:tblLayout {nsdecls("w")} w:type="fixed"/>'))
    tbl_pr.append(parse_xml(
        f'<w:tblCellMar {nsdecls("w")}>'
        + "".join(f'<w:{side} w:w="0" w:type="dxa"/>' for side in ("top", "left", "bottom", "right"))
        + "</w:tblCellMar>"
    ))
    widths = (INFO_TAB, INFO_W - INFO_TAB)
    for col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths):
        col.set(qn("w:w"), str(twips(width)))
    for label, value in INFO_ROWS:
        cells = table.add_row().cells
        for cell, width, text, size in zip(
            cells, widths, (label, value), (INFO_LABEL_PT, INFO_VALUE_PT)
        ):
            cell.width = Emu(Mm(width))
            paragraph = cell.paragraphs[0]
            fmt = paragraph.paragraph_format
            fmt.line_spacing = Pt(INFO_LINE_PT if label else INFO_GAP_PT)
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            if text:
                add_run(paragraph, text, size)


def build_marks(doc) -> None:
    """Add the two fold marks and the punch mark at the left page edge.

    Each is a tiny frame whose empty paragraph draws a top border.
    """
    for y, length in MARKS:
        mark = add_par(doc, exact_line_pt=1)
        set_frame(mark, MARK_X, y, length, 1.0)
        set_border(mark, ("top",), space_pt=0)


def build_letter_body(doc) -> None:
    """Add subject, salutation, the seed text, the closing and the enclosure list."""
    add_par(doc, SUBJECT, bold=True, before=Mm(SUBJECT_Y - LETTER_TOP),
            after=blank_lines(2), keep_with_next=True)
    add_par(doc, "{{ salutation }}", after=blank_lines(1))
    for text in LETTER_INTRO:
        add_par(doc, text, after=blank_lines(1))
    for number, text in enumerate(LETTER_BULLETS, start=1):
        add_bullet(doc, text, last=number == len(LETTER_BULLETS))
    for text in LETTER_OUTRO:
        add_par(doc, text, after=blank_lines(1))
    add_par(doc, "Mit freundlichen Grüßen", after=blank_lines(3), keep_with_next=True)
    add_par(doc, "{{ sender.signatory }}")
    add_tag_par(doc, "{%p if enclosures %}")
    add_par(doc, "Anlagen", bold=True, before=blank_lines(1), keep_with_next=True)
    add_tag_par(doc, "{%p for e in enclosures %}")
    add_par(doc, "{{ e }}")
    add_tag_par(doc, "{%p endfor %}")
    add_tag_par(doc, "{%p endif %}")
    # Conditional paragraph, declared in campaign.yaml under conditions: a Sonderstatusstadt
    # belongs to a Landkreis, which gets the same letter: say so (DIN 5008 "Nachrichtlich").
    add_tag_par(doc, "{%p if conditions.kreisangehoerig %}")
    add_par(doc, "Nachrichtlich", bold=True, before=blank_lines(1), keep_with_next=True)
    add_par(doc, "{{ recipient.district }}")
    add_tag_par(doc, "{%p endif %}")


def add_bullet(doc, text: str, last: bool) -> None:
    """Add a list item: dash, tab and a hanging indent of 5 mm.

    The last item is followed by a blank line, the others by 6 pt.
    """
    paragraph = add_par(doc, "–\t" + text, after=blank_lines(1) if last else Pt(6))
    fmt = paragraph.paragraph_format
    fmt.left_indent, fmt.first_line_indent = Mm(5), Mm(-5)
    fmt.tab_stops.add_tab_stop(Mm(5))


# --------------------------------------------------------------------------
# The calls for proposals (Ausschreibungen)
# --------------------------------------------------------------------------

#: Opening paragraph shared by all calls (figures from the seed letter).
CALL_INTRO = (
    "Die Finanzausstattung im Landesprogramm WIR wird 2017 von derzeit {{ 4600000|mio }}"
    " auf {{ 8850000|mio }} erhöht. Damit einher geht die Ausweitung des Programms auf alle"
    " Zuwanderergruppen. Diese Ausschreibung betrifft den folgenden neuen Programmteil."
)


@dataclass(frozen=True)
class CallSpec:
    """One call for proposals.

    Attributes:
        slug: file name part, ``ausschreibung-<slug>.docx``.
        part: programme part as it appears in the title.
        purpose: paragraphs for "Ziel und Zweck", paraphrasing the seed's bullet.
        eligible: text for "Antragsberechtigte" (a marked placeholder when the
            sources do not say).
        subject: text for "Gegenstand der Förderung".
        amount: sentence on the funding per project (or a placeholder).
        budget: Jinja expression of the part's 2017 budget (source S_WIR3).
    """

    slug: str
    part: str
    purpose: tuple[str, ...]
    eligible: str
    subject: str
    amount: str
    budget: str


CALLS = (
    CallSpec(
        slug="fallmanagement",
        part="WIR-Fallmanagement für Geflüchtete",
        purpose=(
            "Die Landkreise, Sonderstatusstädte und kreisfreien Städte können, analog zu den"
            " WIR-Koordinationen, eine neue Stelle eines WIR-Fallmanagers für Geflüchtete"
            " besetzen. Aufgabe dieser Stelle ist es, die Geflüchteten in ihren"
            " Integrationsbemühungen zu unterstützen und sie in passgenaue Angebote zu"
            " vermitteln.",
        ),
        eligible="Antragsberechtigt sind alle 33 hessischen Landkreise, kreisfreien Städte"
        " und Sonderstatusstädte.",
        subject="Gefördert wird die Besetzung einer neuen Stelle im WIR-Fallmanagement für"
        " Geflüchtete.",
        amount="Die Förderung beträgt bis zu {{ 50000|money }} je Vollzeitstelle.",
        budget="{{ 1650000|mio }}",
    ),
    CallSpec(
        slug="integrationslotsen",
        part="Integrationslotsinnen und Integrationslotsen",
        purpose=(
            "Die erfolgreichen Integrationslotsinnen und Integrationslotsen können nunmehr alle"
            " Zuwanderergruppen in der Kommune unterstützen.",
        ),
        eligible=PLACEHOLDER_NOTE.format(what="Antragsberechtigte"),
        subject="Gefördert wird der Einsatz von Integrationslotsinnen und Integrationslotsen"
        " zur Unterstützung aller Zuwanderergruppen in der Kommune.",
        amount=PLACEHOLDER_NOTE.format(what="Förderhöhe je Vorhaben"),
        budget="{{ 500000|money }}",
    ),
    CallSpec(
        slug="migrantenorganisationen",
        part="Förderung von Migrantenorganisationen",
        purpose=(
            "Migrantenorganisationen unterstützen mit ihrer ehrenamtlichen Arbeit den"
            " Partizipations- und Integrationsprozess von Migrantinnen und Migranten. Sie"
            " können als Vermittler von Alltagswissen fungieren und Orientierung und"
            " Sicherheit bieten.",
            "Um sie in dieser integrationspolitischen Aufgabe zu stärken, gibt es im"
            " Landesprogramm WIR nun die Möglichkeit einer spezifischen Förderung.",
        ),
        eligible=PLACEHOLDER_NOTE.format(what="Antragsberechtigte"),
        subject="Gefördert wird die integrationspolitische Arbeit von Migrantenorganisationen"
        " im Sinne von Nummer 1.",
        amount=PLACEHOLDER_NOTE.format(what="Förderhöhe je Vorhaben"),
        budget="{{ 400000|money }}",
    ),
    CallSpec(
        slug="migrantinnen",
        part="Projekte zur Verbesserung der Integrationschancen von Migrantinnen",
        purpose=(
            "Frauen kommt im Integrationsprozess eine Schlüsselrolle zu. Um sie bereits kurz"
            " nach der Ankunft mit adäquaten Angeboten anzusprechen, sind spezifische"
            " Zugangswege und Instrumente notwendig.",
        ),
        eligible=PLACEHOLDER_NOTE.format(what="Antragsberechtigte"),
        subject="Gefördert werden innovative Projekte zur Verbesserung der"
        " Integrationschancen von Migrantinnen.",
        amount=PLACEHOLDER_NOTE.format(what="Förderhöhe je Vorhaben"),
        budget="{{ 500000|money }}",
    ),
)


def call_sections(spec: CallSpec) -> list[tuple[str, tuple[str, ...]]]:
    """Return the numbered sections of ``spec`` as (heading, paragraphs)."""
    return [
        ("Ziel und Zweck der Förderung", spec.purpose),
        ("Antragsberechtigte", (spec.eligible,)),
        ("Gegenstand der Förderung",
         (spec.subject, PLACEHOLDER_NOTE.format(what="Förderfähige Ausgaben und Voraussetzungen"))),
        ("Höhe der Förderung", (
            spec.amount,
            f"Für diesen Programmteil stehen 2017 insgesamt {spec.budget} zur Verfügung."
            " Das Landesprogramm WIR ist 2017 insgesamt mit {{ 8850000|mio }} ausgestattet.",
        )),
        ("Antragsverfahren und Frist", (
            f"Anträge sind bis zum {DEADLINE_PLACEHOLDER} zu richten an:",
            "{{ sender.authority }}, {{ sender.street }}, {{ sender.postcode }} {{ sender.city }}",
            PLACEHOLDER_NOTE.format(what="Antragsformular und einzureichende Unterlagen"),
        )),
        ("Ansprechpartner", (
            "{{ sender.clerk }}\nTelefon: {{ sender.clerk_phone }}\nE-Mail: {{ sender.clerk_email }}",
            "Fachabteilung: {{ sender.specialist }}",
        )),
    ]


def build_call(spec: CallSpec) -> None:
    """Write ``templates/ausschreibung-<slug>.docx`` for ``spec``."""
    doc = new_document(f"Ausschreibung: {spec.part}", 30, 25, 12, 12)
    section = doc.sections[0]
    head = first_par(section.header)
    set_border(head, ("bottom",), space_pt=2)
    add_run(head, "{{ sender.authority }} – Landesprogramm WIR", 9)
    foot = first_par(section.footer)
    foot.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_page_x_of_y(foot, 9)

    add_par(doc, f"Ausschreibung: {spec.part}", style="Heading 1")
    add_par(doc, "Landesprogramm WIR – {{ campaign.date|date_de }}", after=Pt(12))
    box = add_par(doc, "Antragsteller: {{ recipient.name }}", bold=True, before=Pt(4), after=Pt(16))
    set_border(box, ("top", "left", "bottom", "right"), space_pt=4)
    add_par(doc, CALL_INTRO, after=Pt(6))
    for number, (heading, paragraphs) in enumerate(call_sections(spec), start=1):
        add_par(doc, f"{number}. {heading}", style="Heading 2")
        for text in paragraphs:
            add_par(doc, text, after=Pt(6))
    save_deterministic(doc, TEMPLATES / f"ausschreibung-{spec.slug}.docx")


# --------------------------------------------------------------------------
# The Aktionsplan II placeholder PDF
# --------------------------------------------------------------------------

PLACEHOLDER_MARK = "PLATZHALTER – ersetzt die offizielle Broschüre 'Aktionsplan II'"
PLAN_TITLE = (
    "Aktionsplan II der Hessischen Landesregierung: „Es kommt nicht darauf an, wo Du her"
    " kommst, sondern wo Du hin willst“"
)
RED = RGBColor(0xC0, 0x00, 0x00)

#: Pages after the title page: (heading, paragraphs).  Only figures the seed letter states.
PLAN_PAGES = (
    ("Wozu diese Datei dient", (
        "Das Anschreiben zum Landesprogramm WIR kündigt an: „Im Anhang erhalten Sie die"
        " ausführlichen Ausschreibungen für die neuen Programmteile sowie den Aktionsplan II"
        " zu Ihrer Kenntnis.“",
        "Die offizielle Broschüre liegt diesem Projekt nicht vor. Diese Datei hält ihren Platz"
        " im Versandpaket frei, damit Erstellung und Zusammenstellung der Unterlagen geprüft"
        " werden können. Sie gibt keine Inhalte des Aktionsplans II wieder.",
    )),
    ("Im Anschreiben genannte Zahlen", (
        "Das Anschreiben nennt zum Aktionsplan II und zum Landesprogramm WIR nur diese Zahlen:",
        "–\tDie Hessische Landesregierung stellt 2017 mit dem Aktionsplan II Mittel in Höhe"
        " von 1,6 Mrd. Euro zur Verfügung.",
        "–\tDie Finanzausstattung im Landesprogramm WIR wird 2017 von derzeit 4,6 Mio. Euro auf"
        " 8,85 Mio. Euro erhöht.",
        "Alle weiteren Angaben sind der offiziellen Broschüre zu entnehmen.",
    )),
    ("Vor einem echten Versand", (
        "1.\tDie offizielle Broschüre „Aktionsplan II“ als PDF beim Hessischen Ministerium"
        " für Soziales und Integration beschaffen.",
        "2.\tDiese Datei (templates/aktionsplan-ii-platzhalter.pdf) durch die offizielle"
        " Broschüre ersetzen oder die Kampagne auf die offizielle Datei verweisen lassen.",
        "3.\tDie Versandunterlagen neu erzeugen und prüfen, dass keine Seite mehr den Vermerk"
        " „PLATZHALTER“ trägt.",
    )),
    ("Weitere Seiten der Broschüre", (
        "Diese Seite steht für die weiteren Seiten der offiziellen Broschüre. Sie enthält"
        " absichtlich keine Inhalte des Aktionsplans II.",
    )),
)


def build_placeholder_docx(path: Path) -> None:
    """Write the DOCX source of the placeholder PDF: 5 pages, each marked in red."""
    doc = new_document("PLATZHALTER – Aktionsplan II", 30, 25, 12, 12)
    section = doc.sections[0]
    head = first_par(section.header)
    head.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_border(head, ("bottom",), width_eighth_pt=12, space_pt=2)
    add_run(head, PLACEHOLDER_MARK, 12, bold=True, color=RED)
    foot = first_par(section.footer)
    foot.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_run(foot, PLACEHOLDER_MARK + " · ", 9, color=RED)
    add_page_x_of_y(foot, 9)

    add_par(doc, "PLATZHALTER", size_pt=48, bold=True, color=RED, before=Mm(30),
            align=WD_ALIGN_PARAGRAPH.CENTER, after=Mm(15))
    add_par(doc, PLAN_TITLE, size_pt=20, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER,
            after=Mm(15))
    add_par(doc, "Dieses Dokument ist nicht die offizielle Broschüre. Vor einem echten Versand"
            " muss die offizielle Broschüre „Aktionsplan II“ an die Stelle dieser Datei treten.",
            size_pt=14, bold=True, color=RED, align=WD_ALIGN_PARAGRAPH.CENTER)
    for heading, paragraphs in PLAN_PAGES:
        title = add_par(doc, heading, style="Heading 1")
        title.paragraph_format.page_break_before = True
        for text in paragraphs:
            paragraph = add_par(doc, text, after=Pt(8))
            if "\t" in text:
                fmt = paragraph.paragraph_format
                fmt.left_indent, fmt.first_line_indent = Mm(7), Mm(-7)
                fmt.tab_stops.add_tab_stop(Mm(7))
        add_par(doc, PLACEHOLDER_MARK, size_pt=14, bold=True, color=RED, before=Mm(20),
                align=WD_ALIGN_PARAGRAPH.CENTER)
    save_deterministic(doc, path)


def convert_to_pdf(docx: Path, outdir: Path) -> Path:
    """Convert ``docx`` with LibreOffice (private profile) and return the PDF path.

    Raises:
        RuntimeError: if soffice fails or writes no PDF.
    """
    command = [
        "soffice", f"-env:UserInstallation={LO_PROFILE}", "--headless",
        "--convert-to", "pdf", "--outdir", str(outdir), str(docx),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    pdf = outdir / (docx.stem + ".pdf")
    if result.returncode != 0 or not pdf.exists():
        raise RuntimeError(f"soffice failed ({result.returncode}): {result.stderr.strip()}")
    return pdf


def normalise_pdf(source: Path, target: Path, seed: bytes) -> None:
    """Copy ``source`` to ``target`` with fixed metadata, so reruns give identical bytes.

    LibreOffice writes a creation date and a random file identifier; both are
    replaced, the identifier by an MD5 digest of ``seed`` (the DOCX source).
    """
    writer = PdfWriter(clone_from=PdfReader(source))
    digest = ByteStringObject(hashlib.md5(seed).digest())
    writer._ID = ArrayObject([digest, digest])  # pypdf has no public setter
    writer.metadata = None
    writer.add_metadata({
        "/Title": "PLATZHALTER – Aktionsplan II (nicht die offizielle Broschüre)",
        "/Author": "Hessisches Ministerium für Soziales und Integration",
        "/Creator": "tools/make_templates.py",
        "/Producer": "LibreOffice + pypdf",
    })
    with target.open("wb") as handle:
        writer.write(handle)
    print(f"wrote {target.name}")


def build_placeholder_pdf() -> None:
    """Write ``templates/aktionsplan-ii-platzhalter.pdf`` via a temporary DOCX."""
    with tempfile.TemporaryDirectory(prefix="wir-placeholder-") as tmp:
        tmpdir = Path(tmp)
        source = tmpdir / "aktionsplan-ii-platzhalter.docx"
        build_placeholder_docx(source)
        pdf = convert_to_pdf(source, tmpdir)
        normalise_pdf(pdf, TEMPLATES / "aktionsplan-ii-platzhalter.pdf", source.read_bytes())


def main() -> int:
    """Regenerate every file in ``templates/``; return the exit status."""
    TEMPLATES.mkdir(exist_ok=True)
    build_letter()
    for spec in CALLS:
        build_call(spec)
    if shutil.which("soffice") is None:
        print("soffice not found: placeholder PDF not written", file=sys.stderr)
        return 1
    build_placeholder_pdf()
    return 0


if __name__ == "__main__":
    sys.exit(main())
