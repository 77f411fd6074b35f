"""The Word draft of a report: its 基本情况 laid out as a 公文 draft (GB/T 9704-2012) for staff to edit and forward.

What goes in: the outputs a notebook marked with a ``section`` (paragraphs, tables, headline
figures), in order, under the report's title. How it looks follows GB/T 9704-2012《党政机关
公文格式》: A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (a text block of
156 mm × 225 mm); the title in 2号 (22 pt) 小标宋, the body in 3号 (16 pt) 仿宋 with a
first-line indent of two characters and a fixed 28 pt line spacing; headings in 黑体 (一、)
and 楷体 (（一）); page numbers in 4号 半角 宋体 between dashes ("— 1 —") at the bottom,
on the outside edge (right on odd pages, left on even), and on a landscape page where the other
pages have it, turned with the paper (GB/T 9704-2012 on tables printed landscape). No colour anywhere: the only styles
kept from python-docx's template are those the draft uses, rewritten, and none names a
theme colour or theme font. Every font names its fallback in the font table (``w:altName``,
e.g. 方正小标宋简体 → 宋体, 仿宋_GB2312 → 仿宋), where Word looks when the first is not
installed. A table wider than the text block gets a landscape page of its own. A draft built
from sample data says so in the header of every page and in a line above the title.

Pure: the exporter's blocks in, .docx bytes out (the same bytes for the same content and build
time); ``analysis.run`` writes them atomically.
"""
from __future__ import annotations

import datetime as dt
import functools
import io
import re
from dataclasses import dataclass
from typing import Any, Mapping
from xml.sax.saxutils import quoteattr

from . import excel, report
from .report import MIME_HEADLINE, MIME_TABLE, MIME_TEXT

# --- GB/T 9704-2012 ---------------------------------------------------------------------------
A4_TWIPS = (11906, 16838)  # 210 mm × 297 mm
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}  # 天头, 地脚, 订口, 翻口
TEXT_WIDTH_MM = 210 - 28 - 26  # 156 mm
LANDSCAPE_TEXT_WIDTH_MM = 297 - 37 - 35  # 225 mm: the same margins turned with the page
TITLE_PT = 22  # 2号
BODY_PT = 16  # 3号
PAGE_NUMBER_PT = 14  # 4号
LINE_PT = 28  # fixed line spacing of the body
TITLE_LINE_PT = 36  # a 2号 title needs more than the body's 28 pt
TABLE_PT = 12  # 小四: tables are set smaller than the body
CELL_MARGIN_PT = 2.85  # left and right inside a table cell (Word's default 5.4 pt wastes a wide table's width)
WIDE_TABLE_PTS = (10.5, 9)  # 五号, then 小五: a table too wide for a landscape page at 小四
# The page number's dashes sit 7 mm below the text block: the footer line (4号, exact 14 pt) is
# centred 28 mm above the page's lower edge.
FOOTER_DISTANCE_MM = 35 - 7 - 2.5
HEADER_DISTANCE_MM = 15

# Font name → the fallbacks Word tries when it is not installed (the font table's w:altName).
FONTS = {
    "方正小标宋简体": "宋体,SimSun",
    "仿宋_GB2312": "仿宋,FangSong",
    "黑体": "SimHei",
    "楷体_GB2312": "楷体,KaiTi",
    "宋体": "SimSun",
    "Times New Roman": "",
}
TITLE_FONT, BODY_FONT, HEADING_FONTS, PAGE_NUMBER_FONT = "方正小标宋简体", "仿宋_GB2312", ("黑体", "楷体_GB2312"), "宋体"
LATIN_FONT_EN = "Times New Roman"  # Latin text of an English draft; Chinese text keeps the fonts above
_CHINESE_FONT_CHARSET = "86"  # GB2312: lets Word substitute a Chinese font when neither name is installed

# Styles kept from python-docx's template (rewritten below); every other style is dropped.
_KEPT_STYLES = {"Normal", "Title", "Heading 1", "Heading 2", "Caption", "Header", "Footer", "Table Grid",
                "Normal Table", "Default Paragraph Font", "No List"}
_CHINESE_NUMERALS = "一二三四五六七八九十"
# Word 2010's copy of the styles (python-docx's template has one, in the template's blue): dropped.
_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"

_WORDS = {  # names of the draft's own styles, as Word lists them
    "zh": {"table_text": "表格文字", "sample_note": "示例数据说明"},
    "en": {"table_text": "Table Text", "sample_note": "Sample Data Note"},
}


@dataclass(frozen=True)
class _Layout:
    landscape: bool
    widths_pt: list[float]
    font_pt: float


def _numbered(text: str, level: int, number: int, lang: str) -> str:
    """'一、基本情况' / '（一）…' as a 公文 numbers its headings (no numbering in English)."""
    if lang == "en" or number > len(_CHINESE_NUMERALS):
        return text
    numeral = _CHINESE_NUMERALS[number - 1]
    return f"{numeral}、{text}" if level == 1 else f"（{numeral}）{text}"


# --- styles and fonts ---------------------------------------------------------------------------


def _set_fonts(rPr, name: str, lang: str) -> None:
    """Every script slot of a run property set to ``name`` (Latin in Times New Roman for English), no theme font."""
    from docx.oxml.ns import qn

    fonts = rPr.get_or_add_rFonts()
    for attribute in list(fonts.attrib):
        del fonts.attrib[attribute]
    latin = LATIN_FONT_EN if lang == "en" else name
    for slot, value in (("ascii", latin), ("hAnsi", latin), ("eastAsia", name), ("cs", latin)):
        fonts.set(qn(f"w:{slot}"), value)
    fonts.set(qn("w:hint"), "eastAsia")


def _set_style(style, *, font: str, size: float, lang: str, bold: bool = False, align=None,
               indent_chars: int = 0, line_pt: float | None = LINE_PT, outline: int | None = None,
               keep_with_next: bool = False) -> None:
    """A paragraph style rewritten from nothing: its font, size, alignment, indent and line spacing."""
    from docx.enum.text import WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Pt

    element = style.element
    for child in list(element):
        if child.tag in {qn("w:pPr"), qn("w:rPr"), qn("w:link")}:
            element.remove(child)
    _set_fonts(element.get_or_add_rPr(), font, lang)
    style.font.size = Pt(size)
    style.font.bold = bold
    paragraph = style.paragraph_format
    paragraph.alignment = align
    paragraph.space_before = Pt(0)
    paragraph.space_after = Pt(0)
    if line_pt is None:
        paragraph.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        paragraph.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        paragraph.line_spacing = Pt(line_pt)
    paragraph.keep_with_next = keep_with_next or None
    # Always said, so no style inherits the body's indent. Word counts it in characters (hundredths)
    # when firstLineChars is set: it stays two characters if staff change the size.
    paragraph.first_line_indent = Pt(size * indent_chars)
    element.pPr.get_or_add_ind().set(qn("w:firstLineChars"), str(indent_chars * 100))
    if outline is not None:
        outline_level = element.pPr.makeelement(qn("w:outlineLvl"), {qn("w:val"): str(outline)})
        element.pPr.append(outline_level)


def _styles(document, lang: str) -> None:
    """Sets the draft's styles: body, title, headings, caption, table text, header, footer, sample note."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn

    styles = document.styles
    for style in list(styles):
        if style.name not in _KEPT_STYLES:
            style.delete()
    defaults = styles.element.find(qn("w:docDefaults"))
    default_run = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(default_run, BODY_FONT, lang)
    # Latin text (digits, 52.3%, 2025) is tagged English in either language, as Word in Chinese writes it: tagged
    # Chinese, LibreOffice and WPS break it anywhere ('5' at a line's end, '2.3%' on the next), like ideographs.
    language = default_run.find(qn("w:lang"))
    language.set(qn("w:val"), "en-US")
    language.set(qn("w:eastAsia"), "zh-CN")
    default_paragraph = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    for child in list(default_paragraph):
        default_paragraph.remove(child)
    words = _WORDS["en" if lang == "en" else "zh"]
    center, justify = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY
    _set_style(styles["Normal"], font=BODY_FONT, size=BODY_PT, lang=lang, align=justify, indent_chars=2)
    _set_style(styles["Title"], font=TITLE_FONT, size=TITLE_PT, lang=lang, align=center, line_pt=TITLE_LINE_PT,
               outline=0, keep_with_next=True)
    for level, font in enumerate(HEADING_FONTS, start=1):
        _set_style(styles[f"Heading {level}"], font=font, size=BODY_PT, lang=lang, align=justify, indent_chars=2,
                   outline=level - 1, keep_with_next=True)
    _set_style(styles["Caption"], font=HEADING_FONTS[0], size=PAGE_NUMBER_PT, lang=lang, align=center,
               line_pt=None, keep_with_next=True)
    _set_style(styles["Header"], font=HEADING_FONTS[0], size=TABLE_PT, lang=lang, align=center, line_pt=None)
    _set_style(styles["Footer"], font=PAGE_NUMBER_FONT, size=PAGE_NUMBER_PT, lang=lang, line_pt=PAGE_NUMBER_PT)
    table_text = styles.add_style(words["table_text"], WD_STYLE_TYPE.PARAGRAPH)
    table_text.style_id = "TableText"
    table_text.base_style = styles["Normal"]
    _set_style(table_text, font=BODY_FONT, size=TABLE_PT, lang=lang, align=center, line_pt=None)
    sample = styles.add_style(words["sample_note"], WD_STYLE_TYPE.PARAGRAPH)
    sample.style_id = "SampleNote"
    sample.base_style = styles["Normal"]
    _set_style(sample, font=HEADING_FONTS[0], size=TABLE_PT, lang=lang, align=center, line_pt=None)
    # No colour, no theme: whatever the kept styles still say of either goes.
    for element in styles.element.iter():
        if element.tag == qn("w:color"):
            element.getparent().remove(element)
        for attribute in [a for a in element.attrib if "theme" in a.lower()]:
            del element.attrib[attribute]


def _added_styles(document, lang: str) -> dict[str, Any]:
    """The styles ``_styles`` adds to the draft, by role: table text and the sample note."""
    words = _WORDS["en" if lang == "en" else "zh"]
    return {"table_text": document.styles[words["table_text"]], "sample": document.styles[words["sample_note"]]}


def _font_table(lang: str) -> bytes:
    """word/fontTable.xml naming each font the draft uses with its fallbacks (w:altName)."""
    entries = []
    for name, fallbacks in FONTS.items():
        chinese = any("\u4e00" <= ch <= "\u9fff" for ch in name + fallbacks)
        entries.append(
            f"<w:font w:name={quoteattr(name)}>"
            + (f"<w:altName w:val={quoteattr(fallbacks)}/>" if fallbacks else "")
            + f'<w:charset w:val="{_CHINESE_FONT_CHARSET if chinese else "00"}"/>'
            + f'<w:family w:val="{"modern" if chinese else "roman"}"/><w:pitch w:val="variable"/></w:font>')
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            + "".join(entries) + "</w:fonts>").encode("utf-8")


def _replace_parts(document, lang: str) -> None:
    """The font table with the fallbacks; no Word 2010 copy of the template's (blue) styles, no list
    definitions (the draft has no lists, and theirs name styles the draft dropped); none of the template's
    picture of an empty US Letter page (a file browser shows it as the draft's preview) nor its empty
    bibliography."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    part = document.part
    for rId, rel in list(part.rels.items()):
        if rel.reltype in {RT.FONT_TABLE, RT.NUMBERING, _STYLES_WITH_EFFECTS, RT.CUSTOM_XML}:
            part.drop_rel(rId)
    package = part.package
    for rId, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[rId]
    fonts = Part(PackURI("/word/fontTable.xml"),
                 "application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml",
                 _font_table(lang), part.package)
    part.relate_to(fonts, RT.FONT_TABLE)


# --- pages: size, margins, header and footer -------------------------------------------------------


def _page(section, landscape: bool) -> None:
    """A4 with the standard's margins; a landscape page turns the margins with it.

    A landscape page is printed on the portrait paper turned a quarter clockwise to be read: its top edge is the
    paper's left edge (the binding on odd pages, the outer edge on even ones, as GB/T 9704-2012 puts a landscape
    table's head), its left edge the paper's bottom edge, and so on round.
    """
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm, Twips

    width, height = A4_TWIPS
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Twips(height), Twips(width)) if landscape else (Twips(width), Twips(height))
    m = MARGINS_MM
    top, right, bottom, left = ((m["left"], m["top"], m["right"], m["bottom"]) if landscape
                                else (m["top"], m["right"], m["bottom"], m["left"]))
    section.top_margin, section.right_margin = Mm(top), Mm(right)
    section.bottom_margin, section.left_margin = Mm(bottom), Mm(left)
    section.header_distance, section.footer_distance = Mm(HEADER_DISTANCE_MM), Mm(FOOTER_DISTANCE_MM)
    section.gutter = Mm(0)


def _page_number(paragraph) -> None:
    """'— N —' with N Word's PAGE field, so each page shows its own number."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph.add_run("— ")
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()
        if kind:
            mark = OxmlElement("w:fldChar")
            mark.set(qn("w:fldCharType"), kind)
            run._r.append(mark)
        elif text == " PAGE ":
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = text
            run._r.append(instruction)
        else:
            run.text = text
    paragraph.add_run(" —")


def _number_paragraph(document, paragraph, odd: bool) -> None:
    """The page number's paragraph: on the outside edge (odd pages right, even left), one character in."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    paragraph.style = document.styles["Footer"]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
    if odd:
        paragraph.paragraph_format.right_indent = Pt(PAGE_NUMBER_PT)
    else:
        paragraph.paragraph_format.left_indent = Pt(PAGE_NUMBER_PT)
    _page_number(paragraph)


def _turned_page_number(document, footer, odd: bool) -> None:
    """The page number of a landscape page where every other page has it (GB/T 9704-2012: a table printed
    landscape keeps the page number where the other pages have it): on the paper's bottom edge, which is the
    landscape page's left edge (``_page``), turned with the paper. A one-cell table fixed to the page holds it:
    as wide as the portrait footer's line and as far from the edge (``FOOTER_DISTANCE_MM``), as long as the text
    block is wide, its text turned a quarter clockwise (``tbRl``), so the paragraph's right end (odd pages) is the
    paper's right."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    def element(tag: str, **attributes) -> Any:
        made = OxmlElement(tag)
        for name, value in attributes.items():
            made.set(qn(f"w:{name}"), str(value))
        return made

    line = Pt(PAGE_NUMBER_PT)
    table = footer.add_table(1, 1, line)
    properties = table._tbl.tblPr
    # in the schema's order of a table's properties, which Word holds to
    properties.insert_element_before(
        element("w:tblpPr", leftFromText=0, rightFromText=0, vertAnchor="page", horzAnchor="page",
                tblpX=Mm(FOOTER_DISTANCE_MM).twips, tblpY=Mm(MARGINS_MM["left"]).twips),
        "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize", "w:tblStyleColBandSize", "w:tblW", "w:jc",
        "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook")
    properties.get_or_add_tblLayout().set(qn("w:type"), "fixed")
    margins = element("w:tblCellMar")
    for side in ("top", "left", "bottom", "right"):
        margins.append(element(f"w:{side}", w=0, type="dxa"))
    properties.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription")
    row = table.rows[0]
    row.height, row.height_rule = Mm(TEXT_WIDTH_MM), _exact_rule()
    cell = row.cells[0]
    cell.width = line
    cell._tc.get_or_add_tcPr().append(element("w:textDirection", val="tbRl"))
    _number_paragraph(document, cell.paragraphs[0], odd)
    footer.paragraphs[0]._p.addprevious(table._tbl)  # a story ends with a paragraph, as Word wants it


def _exact_rule():
    from docx.enum.table import WD_ROW_HEIGHT_RULE

    return WD_ROW_HEIGHT_RULE.EXACTLY


def _footers(document, section, landscape: bool) -> None:
    """The section's page numbers, odd and even pages: in the footer of a portrait page, turned with the paper on
    a landscape one (``_turned_page_number``). A section after the first gets footers of its own, not its
    predecessor's, since the two may be turned differently."""
    document.settings.odd_and_even_pages_header_footer = True
    for footer, odd in ((section.footer, True), (section.even_page_footer, False)):
        footer.is_linked_to_previous = False
        if landscape:
            _turned_page_number(document, footer, odd)
        else:
            _number_paragraph(document, footer.paragraphs[0], odd)


def _header_and_footer(document, section, sample_mark: str) -> None:
    """Page numbers on the outside edge (odd right, even left, one character in); the sample mark on top."""
    _footers(document, section, landscape=False)
    for header in (section.header, section.even_page_header):
        paragraph = header.paragraphs[0]
        paragraph.style = document.styles["Header"]
        if sample_mark:
            paragraph.add_run(sample_mark)


# --- tables -----------------------------------------------------------------------------------------


# A digit or letter's width in ems: 仿宋's are half an em, but where no 仿宋 is installed the Latin text falls back to
# the system's sans (LibreOffice on Linux: DejaVu Sans, digits 0.64 em), and a column sized for 0.55 em broke
# '86（66.7%）' as '8' over '6（66.7%）'.
LATIN_EM = 0.64


def _text_width_pt(text: str, size: float) -> float:
    """How wide ``text`` sets in points at ``size`` (its widest line): a CJK character one em, a digit or letter
    ``LATIN_EM``."""
    def width(line: str) -> float:
        wide = excel.display_width(line) - len(line)  # characters counting two
        return (wide + (len(line) - wide) * LATIN_EM) * size

    return max((width(line) for line in text.split("\n")), default=0)


_UNBREAKABLE = re.compile(r"[^\s\u2e80-\uffff]+")  # a word, a number: no line breaks inside (CJK breaks anywhere)


def _unbreakable_pt(text: str, size: float) -> float:
    """The width of the widest run that cannot wrap: a Latin word or a number ('satisfaction', '66.7%')."""
    return max((_text_width_pt(run, size) for run in _UNBREAKABLE.findall(text)), default=0)


def _least_cell_width(text: str, size: float) -> float:
    """The least width a cell's text takes wrapped: its widest piece ('86' and '（66.7%）'), or half of an unbroken run."""
    pieces = [p for p in re.split(r"(?=[（(])|\s+", text) if p]
    if len(pieces) > 1:
        return max(_text_width_pt(p, size) for p in pieces)
    return min(_text_width_pt(text, size) / 2, 8 * size)


def _column_widths(header: str, texts: list[str], size: float) -> tuple[float, float, float]:
    """A column's widths in points: natural (cells on one line), snug (header on three lines, long text
    wrapped at 12 characters) and least (every cell wrapped at its widest piece)."""
    padding = 2 * CELL_MARGIN_PT + 2  # the cell's margins, and a little air
    cell = max((_text_width_pt(t, size) for t in texts), default=0)
    long_text = max((len(t) for t in texts), default=0) > 12
    cell_snug = min(cell, 12 * size) if long_text else cell
    # short cells (a count, a percent, a name) never wrap; longer text may take two lines or more
    cell_least = max((_text_width_pt(t, size) if len(t) <= 6 else _least_cell_width(t, size) for t in texts),
                     default=0)
    head, word = _text_width_pt(header, size), max(_unbreakable_pt(t, size) for t in [header, *texts])
    natural = max(cell, head / 2, word, 2 * size) + padding  # a header may always take two lines
    snug = max(cell_snug, head / 3, word, 2 * size) + padding
    least = max(min(cell_least, cell_snug), head / 3, word, 2 * size) + padding
    return natural, min(snug, natural), min(least, snug, natural)


def _cell_lines(text: str, width_pt: float, size: float) -> list[str]:
    """A cell's text in the lines it should take: whole when it fits the cell; text with a bracket that does not fit
    breaks before the bracket ('十八届人大一次会议' over '（2022年）', where Word broke it after '2022', leaving '年）' alone)."""
    room = width_pt - 2 * CELL_MARGIN_PT
    at = text.find("（", 1)
    if at < 0 or _text_width_pt(text, size) <= room or max(_text_width_pt(text[:at], size),
                                                             _text_width_pt(text[at:], size)) > room:
        return [text]
    return [text[:at], text[at:]]


def _shrunk(wider: list[float], narrower: list[float], available: float) -> list[float] | None:
    """``wider`` brought down toward ``narrower`` to fill ``available`` (each column in proportion to
    what it can give), or None when even ``narrower`` is too wide."""
    excess, slack = sum(wider) - available, sum(w - n for w, n in zip(wider, narrower))
    if excess <= 0:
        return [w * available / sum(wider) for w in wider]
    if slack < excess:
        return None
    return [w - (w - n) * excess / slack for w, n in zip(wider, narrower)]


def _table_layout(columns: list[str], rows: list[list[str]]) -> _Layout:
    """Column widths that fit the text block, in this order of preference: portrait at 小四; a landscape
    page at 小四, 五号, 小五. At each, headers and long text wrap before anything else does; numbers,
    words and short names wrap only at 小五 on a landscape page, and only when nothing else fits.
    """
    if not columns:
        return _Layout(False, [], TABLE_PT)
    mm_to_pt = 72 / 25.4
    sizes = [(False, TABLE_PT), (True, TABLE_PT)] + [(True, size) for size in WIDE_TABLE_PTS]
    for landscape, size in sizes:
        available = (LANDSCAPE_TEXT_WIDTH_MM if landscape else TEXT_WIDTH_MM) * mm_to_pt
        widths = [_column_widths(name, [row[i] for row in rows if i < len(row)], size) for i, name in enumerate(columns)]
        natural, snug, least = ([min(w[k], available * 0.45) for w in widths] for k in range(3))
        fitted = _shrunk(natural, snug, available)
        if fitted is None and size == WIDE_TABLE_PTS[-1]:
            fitted = _shrunk(snug, least, available) or [w * available / sum(least) for w in least]
        if fitted is not None:
            return _Layout(landscape, fitted, size)
    raise AssertionError("unreachable: the last layout always fits")


def _table(document, styles: Mapping, payload: Mapping, lang: str, layout: _Layout, cells: list[list[str]]) -> None:
    """A table in the table-text style, its header row repeated on each page, rows kept whole."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    columns = [str(c) for c in payload.get("columns") or []]
    # A column of numbers is right-aligned, its header too, as on the page: digits line up down the column.
    numeric = report.number_columns(columns, payload.get("rows") or [], payload.get("formats") or {}, lang)
    if payload.get("title"):
        document.add_paragraph(str(payload["title"]), style="Caption")
    table = document.add_table(rows=1, cols=max(len(columns), 1))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(round(CELL_MARGIN_PT * 20)))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    look = table._tbl.tblPr.find(qn("w:tblLook"))  # the schema's order: tblCellMar comes before tblLook
    if look is not None:
        look.addprevious(margins)
    else:
        table._tbl.tblPr.append(margins)
    for text_row, is_header in [(columns, True)] + [(row, False) for row in cells]:
        row = table.rows[0] if is_header else table.add_row()
        properties = row._tr.get_or_add_trPr()
        properties.append(OxmlElement("w:cantSplit"))
        if is_header:
            properties.append(OxmlElement("w:tblHeader"))
        for cell, text, width, is_number in zip(row.cells, text_row, layout.widths_pt, numeric):
            cell.width = Pt(width)
            paragraph = cell.paragraphs[0]
            paragraph.style = styles["table_text"]
            if is_number:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            elif not is_header and len(text) > 12:  # long text reads better from the left
                paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
            lines = [text] if is_header else _cell_lines(text, width, layout.font_pt)
            for i, line in enumerate(lines):
                run = paragraph.add_run(line)
                run.font.size = Pt(layout.font_pt)
                if is_header:
                    run.font.bold = True
                if i < len(lines) - 1:
                    run.add_break()
    for grid_column, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), layout.widths_pt):
        grid_column.set(qn("w:w"), str(round(width * 20)))
    if payload.get("note"):
        note = document.add_paragraph(str(payload["note"]), style=styles["table_text"])
        note.alignment = WD_ALIGN_PARAGRAPH.LEFT


# --- the draft --------------------------------------------------------------------------------------


def _markdown_lines(text: str) -> list[tuple[bool, str]]:
    """Markdown as (is a heading, plain text) lines: emphasis marks and list bullets dropped."""
    lines = []
    for line in text.splitlines():
        plain = line.strip().replace("**", "").replace("__", "")
        if not plain:
            continue
        heading = re.match(r"^#{1,6}\s+(.*)$", plain)
        lines.append((True, heading[1]) if heading else (False, re.sub(r"^[-*+]\s+", "", plain)))
    return lines


@functools.lru_cache(maxsize=8)
def _empty_draft(lang: str, sample_mark: str) -> bytes:
    """A draft before its content (styles, font table, first page, header and footer), saved: made once per
    language and sample mark, and opened for each draft (a fifteenth of the time it takes to make; the same bytes)."""
    import docx

    document = docx.Document()
    _styles(document, lang)
    _replace_parts(document, lang)
    section = document.sections[0]
    _page(section, landscape=False)
    _header_and_footer(document, section, sample_mark)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


class _Draft:
    """The document being written: its styles, its current page orientation, its heading numbers."""

    def __init__(self, lang: str, sample_mark: str):
        import docx

        self.lang = lang
        self.document = docx.Document(io.BytesIO(_empty_draft(lang, sample_mark)))
        self.styles = _added_styles(self.document, lang)
        self.landscape = False
        self.numbers = [0, 0]

    def orient(self, landscape: bool) -> None:
        """Start a new page section when the next block needs the other orientation (headers carry over, page
        numbers are placed for it)."""
        from docx.enum.section import WD_SECTION

        if landscape != self.landscape:
            section = self.document.add_section(WD_SECTION.NEW_PAGE)
            _page(section, landscape)
            _footers(self.document, section, landscape)
            self.landscape = landscape

    def heading(self, text: str, level: int) -> None:
        """A numbered heading: 一、 at level 1, （一） at level 2."""
        self.orient(False)
        self.numbers[level - 1] += 1
        if level == 1:
            self.numbers[1] = 0
        self.document.add_paragraph(_numbered(text, level, self.numbers[level - 1], self.lang),
                                    style=f"Heading {level}")

    def paragraph(self, text: str) -> None:
        """A body paragraph."""
        self.orient(False)
        self.document.add_paragraph(text)

    def table(self, payload: Mapping) -> None:
        """A table on a page of the orientation it fits."""
        formats = payload.get("formats") or {}
        columns = [str(c) for c in payload.get("columns") or []]
        cells = [[report.format_value(value, formats.get(column), self.lang) for column, value in zip(columns, row)]
                 for row in payload.get("rows") or []]
        layout = _table_layout(columns, cells)
        self.orient(layout.landscape)
        _table(self.document, self.styles, payload, self.lang, layout, cells)


def _bracketed(session: str, lang: str) -> str:
    """The session under the title in brackets; 〔…〕 outside when the label holds its own （…） (GB/T 15834: no
    round brackets inside round brackets), e.g. 〔十八届人大二次会议（2023年）〕."""
    if lang == "en":
        return f"[{session}]" if "(" in session else f"({session})"
    return f"〔{session}〕" if "（" in session or "(" in session else f"（{session}）"


def word_draft(blocks: list, *, title: str, session: str = "", lang: str = "zh", when: dt.datetime | None = None,
               sample_mark: str = "", sample_note: str = "") -> bytes | None:
    """A .docx 公文 draft of the outputs marked with a ``section`` (e.g. 基本情况), for staff to edit; None if none.

    ``sample_mark`` (short) goes in the header of every page and ``sample_note`` in a line above
    the title, when the report is built from sample data.
    """
    marked = [b for b in blocks if b.section and b.mime in {MIME_TEXT, MIME_TABLE, MIME_HEADLINE}]
    if not marked:
        return None
    # python-docx refuses text with control characters outright; a hostile or odd ledger must
    # not cost the whole report, so they become U+FFFD, as in the Excel tables.
    title, session = excel.xml_safe(title), excel.xml_safe(session)
    draft = _Draft(lang, excel.xml_safe(sample_mark))
    document = draft.document
    if sample_note:
        document.add_paragraph(excel.xml_safe(sample_note), style=draft.styles["sample"])
    heading = document.add_paragraph(title, style="Title")
    if session:
        heading.add_run().add_break()
        heading.add_run(_bracketed(session, lang))
    document.add_paragraph()  # 标题下空一行
    current = None
    for block in marked:
        if block.section != current:
            current = block.section
            draft.heading(excel.xml_safe(current), 1)
        payload = excel.xml_safe(block.payload)
        if block.mime == MIME_TABLE:
            draft.table(payload)
        elif block.mime == MIME_HEADLINE:
            draft.paragraph(report.plain_text(MIME_HEADLINE, payload))
        else:
            if payload.get("heading"):
                draft.heading(str(payload["heading"]), 2)
            if payload.get("kind") == "markdown":
                for is_heading, text in _markdown_lines(str(payload.get("text", ""))):
                    if is_heading:  # inside a section: a second-level heading
                        draft.heading(text, 2)
                    else:
                        draft.paragraph(text)
            else:
                for paragraph in payload.get("paragraphs") or [payload.get("text", "")]:
                    draft.paragraph(str(paragraph))
    when = when or report.build_time()
    naive = when.astimezone(dt.timezone.utc).replace(tzinfo=None)
    properties = document.core_properties
    properties.author = "suggestion-analytics"
    properties.last_modified_by = "suggestion-analytics"
    properties.created = naive
    properties.modified = naive
    properties.last_printed = naive
    properties.revision = 1
    properties.title = title
    buffer = io.BytesIO()
    document.save(buffer)
    return excel.fixed_zip(buffer.getvalue(), when)  # same bytes for the same content and build time
