"""Unit tests of analysis.word: the Word draft of a report's marked sections, read back as Word reads it (XML)."""
from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile

import docx
import openpyxl
import pandas as pd
import pytest
from lxml import etree

from analysis import export, report, word
from report_support import shown_notebook

HOSTILE = "<script>window.__pwned=1</script>"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}


def w(name: str) -> str:
    """A WordprocessingML attribute's qualified name."""
    return f"{{{W}}}{name}"


@pytest.fixture
def epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1721001600")  # 2024-07-15 00:00:00 UTC


def _overview(sample: bool = True, wide: bool = False):
    cases = pd.DataFrame({"handler": ["区政府", "区政府", "国际港务区"]})
    cases.attrs["provenance"] = [{"file": "ledger.csv", "sha256": "ab" * 32, "rows": 3, "is_sample": sample}]
    summary = cases.groupby("handler").size().rename("件数").reset_index()
    if wide:  # thirteen columns, as the session report's 各次会议概况
        summary = pd.DataFrame({f"区政府 {c}类办理件数": ["86（66.7%）", "79（52.3%）"] for c in "ABCDEFGHIJKLM"})

    def show():
        report.show_title(f"报告 {HOSTILE}", session="十八届人大二次会议")
        report.show_headline("收到建议", 172, change="+13", section="基本情况")
        report.show_paragraphs(["区十八届人大二次会议期间，共收到代表建议172件。"], section="基本情况")
        report.show_table(summary, "handlers", "表1 承办主体", section="基本情况")
        report.show_paragraphs(["联合督办按10%的比例随机抽取代表建议。"], heading="督办", section="基本情况")
        report.show_table(cases, "not_in_the_draft", "不在初稿中")
        report.show_provenance(cases, params={"session": "十八届人大二次会议"})

    return show


def _draft(monkeypatch, show=None, **options) -> bytes | None:
    nb = shown_notebook(monkeypatch, show or _overview())
    return export.render_report(nb, report_name="r", **options).docx


def _xml(data: bytes, part: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return etree.fromstring(archive.read(part))


def _parts(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist() if name.endswith(".xml")}


def _style(styles: etree._Element, style_id: str) -> etree._Element:
    (style,) = styles.xpath("w:style[@w:styleId=$id]", namespaces=NS, id=style_id)
    return style


def _fonts(style: etree._Element) -> dict[str, str]:
    (fonts,) = style.xpath("w:rPr/w:rFonts", namespaces=NS)
    return {etree.QName(k).localname: v for k, v in fonts.attrib.items()}


def _value(node: etree._Element, path: str, attribute: str = "val") -> str | None:
    found = node.xpath(path, namespaces=NS)
    return found[0].get(w(attribute)) if found else None


def _sections(data: bytes) -> list[etree._Element]:
    return _xml(data, "word/document.xml").xpath("//w:sectPr", namespaces=NS)


# --- what goes in ----------------------------------------------------------------------------------


def test_word_draft_holds_the_marked_section_under_a_numbered_heading(monkeypatch, epoch):
    data = _draft(monkeypatch)
    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == report.labels("zh")["banner"]  # the line at the top of a sample-data draft
    assert texts[1] == f"报告 {HOSTILE}\n（十八届人大二次会议）"  # the title, the session on its second line
    assert "一、基本情况" in texts and "（一）督办" in texts
    assert "区十八届人大二次会议期间，共收到代表建议172件。" in texts and "收到建议: 172 (+13)" in texts
    assert "不在初稿中" not in texts
    table, = document.tables
    assert [c.text for c in table.rows[1].cells] == ["区政府", "2"]
    assert document.core_properties.created == dt.datetime(2024, 7, 15, tzinfo=dt.timezone.utc)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2024, 7, 15, 0, 0, 0)}


def test_a_session_with_its_year_in_brackets_is_not_put_in_round_brackets_again(monkeypatch, epoch):
    """GB/T 15834: round brackets are not nested; the outer pair becomes 〔〕 (六角括号)."""
    def show():
        report.show_title("年度代表建议办理情况分析", session="十八届人大二次会议（2023年）")
        report.show_paragraphs(["区十八届人大二次会议期间，共收到代表建议172件。"], section="基本情况")

    title, = [p.text for p in docx.Document(io.BytesIO(_draft(monkeypatch, show))).paragraphs if p.style.name == "Title"]
    assert title == "年度代表建议办理情况分析\n〔十八届人大二次会议（2023年）〕"
    assert "））" not in title


def test_the_same_report_and_build_time_give_the_same_bytes(monkeypatch, epoch):
    assert _draft(monkeypatch) == _draft(monkeypatch)


def test_no_word_draft_without_marked_sections(monkeypatch):
    assert _draft(monkeypatch, lambda: report.show_title("只有标题")) is None


# --- GB/T 9704-2012: page, margins, type ----------------------------------------------------------


def test_the_page_is_a4_with_the_standards_margins(monkeypatch, epoch):
    section, = _sections(_draft(monkeypatch))
    assert (_value(section, "w:pgSz", "w"), _value(section, "w:pgSz", "h")) == ("11906", "16838")  # 210 × 297 mm
    assert _value(section, "w:pgSz", "orient") in (None, "portrait")
    margins = {side: _value(section, "w:pgMar", side) for side in ("top", "bottom", "left", "right")}
    assert margins == {"top": "2098", "bottom": "1984", "left": "1587", "right": "1474"}  # 37, 35, 28, 26 mm


def test_body_title_and_headings_have_the_standards_fonts_sizes_indent_and_line_spacing(monkeypatch, epoch):
    styles = _xml(_draft(monkeypatch), "word/styles.xml")
    body = _style(styles, "Normal")
    assert _fonts(body) == {"ascii": "仿宋_GB2312", "hAnsi": "仿宋_GB2312", "eastAsia": "仿宋_GB2312",
                            "cs": "仿宋_GB2312", "hint": "eastAsia"}
    assert _value(body, "w:rPr/w:sz") == "32"  # 3号 = 16 pt, in half points
    assert (_value(body, "w:pPr/w:ind", "firstLineChars"), _value(body, "w:pPr/w:ind", "firstLine")) == ("200", "640")
    assert (_value(body, "w:pPr/w:spacing", "line"), _value(body, "w:pPr/w:spacing", "lineRule")) == ("560", "exact")
    title = _style(styles, "Title")
    assert _fonts(title)["eastAsia"] == "方正小标宋简体" and _value(title, "w:rPr/w:sz") == "44"  # 2号 = 22 pt
    assert _value(title, "w:pPr/w:jc") == "center" and _value(title, "w:pPr/w:ind", "firstLineChars") == "0"
    assert _fonts(_style(styles, "Heading1"))["eastAsia"] == "黑体"
    assert _fonts(_style(styles, "Heading2"))["eastAsia"] == "楷体_GB2312"
    for level in ("Heading1", "Heading2"):
        assert _value(_style(styles, level), "w:rPr/w:sz") == "32"
    defaults = styles.xpath("w:docDefaults/w:rPrDefault/w:rPr/w:rFonts", namespaces=NS)[0]
    assert defaults.get(w("eastAsia")) == "仿宋_GB2312"


def test_every_font_names_its_fallback_in_the_font_table(monkeypatch, epoch):
    table = _xml(_draft(monkeypatch), "word/fontTable.xml")
    fallbacks = {font.get(w("name")): _value(font, "w:altName") for font in table.xpath("w:font", namespaces=NS)}
    assert fallbacks["方正小标宋简体"].split(",")[0] == "宋体"
    assert fallbacks["仿宋_GB2312"].split(",")[0] == "仿宋"
    assert fallbacks["楷体_GB2312"].split(",")[0] == "楷体"
    charsets = {font.get(w("name")): _value(font, "w:charset") for font in table.xpath("w:font", namespaces=NS)}
    assert charsets["仿宋_GB2312"] == "86"  # GB2312: Word substitutes a Chinese font when neither is installed


def test_no_colour_and_no_theme_anywhere(monkeypatch, epoch):
    parts = _parts(_draft(monkeypatch))
    assert "word/stylesWithEffects.xml" not in parts  # the template's Word 2010 copy of its blue styles
    assert "word/numbering.xml" not in parts  # its lists named styles the draft does not have
    for name in ("word/styles.xml", "word/document.xml", "word/header1.xml", "word/footer1.xml"):
        text = next(v for k, v in parts.items() if k.startswith(name.split("1")[0]))
        assert "<w:color " not in text and not re.search(r'w:\w*[tT]heme\w*="', text), name
    names = {s.get(w("styleId")) for s in _xml(_draft(monkeypatch), "word/styles.xml").xpath("w:style", namespaces=NS)}
    assert not {"IntenseQuote", "LightShading-Accent1", "Heading3"} & names  # unused template styles are gone


def test_the_drafts_preview_is_not_a_blank_letter_page_of_the_template(monkeypatch, epoch):
    # python-docx's template carries a picture of an empty US Letter page (docProps/thumbnail.jpeg), which a file
    # browser (Finder, Quick Look) shows as the draft's preview, and an empty bibliography: neither is the draft's.
    with zipfile.ZipFile(io.BytesIO(_draft(monkeypatch))) as archive:
        names = archive.namelist()
        relations = archive.read("_rels/.rels").decode() + archive.read("word/_rels/document.xml.rels").decode()
    assert not [n for n in names if n.startswith(("docProps/thumbnail", "customXml/"))], names
    assert "thumbnail" not in relations and "customXml" not in relations
    assert docx.Document(io.BytesIO(_draft(monkeypatch))).paragraphs  # Word still opens it


# A number after 18 to 29 characters: in one of these paragraphs it reaches the first line's end, whatever the font.
_NUMBERS_PARAGRAPHS = ["代" * n + "，占52.3%，满意率97.4%，截至2025年1月16日得分0.886。" for n in range(18, 30)]


def _numbers_draft(monkeypatch) -> bytes:
    def show():
        report.show_title("年度代表建议办理情况分析", session="十八届人大二次会议（2023年）")
        report.show_paragraphs(_NUMBERS_PARAGRAPHS, section="基本情况")

    return _draft(monkeypatch, show)


def test_latin_text_is_tagged_english_so_no_number_is_broken_across_lines(monkeypatch, epoch):
    """Tagged Chinese (w:val zh-CN), LibreOffice and WPS broke numbers like ideographs: '5' / '2.3%', '20' / '25-01-16'.
    Word in Chinese tags Latin text English and Chinese text Chinese; the draft does the same, for every run."""
    data = _numbers_draft(monkeypatch)
    (language,) = _xml(data, "word/styles.xml").xpath("w:docDefaults/w:rPrDefault/w:rPr/w:lang", namespaces=NS)
    assert (language.get(w("val")), language.get(w("eastAsia"))) == ("en-US", "zh-CN")
    for part, text in _parts(data).items():
        assert part == "word/styles.xml" or "<w:lang " not in text, part  # nothing overrides it


@pytest.mark.slow
@pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftotext")),
                    reason="LibreOffice (soffice) and poppler's pdftotext are not installed")
def test_libreoffice_keeps_every_number_and_date_on_one_line(monkeypatch, epoch, tmp_path):
    """What a reader of the draft opened in LibreOffice sees: each number of the paragraph whole on a line."""
    (tmp_path / "draft.docx").write_bytes(_numbers_draft(monkeypatch))
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(tmp_path / "draft.docx")], check=True, capture_output=True,
                   timeout=180)
    lines = subprocess.run(["pdftotext", str(tmp_path / "draft.pdf"), "-"], check=True, capture_output=True,
                           text=True).stdout.splitlines()
    for number in ("52.3%", "97.4%", "2025", "0.886"):
        assert sum(line.count(number) for line in lines) == len(_NUMBERS_PARAGRAPHS), (number, lines)


# --- header and footer --------------------------------------------------------------------------------


def _footers(data: bytes, section: int = 0) -> dict[str, etree._Element]:
    """Footer parts by their kind (default = odd pages, even), as a section (the first) references them."""
    document = _xml(data, "word/document.xml")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        rels = etree.fromstring(archive.read("word/_rels/document.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels}
        found = {}
        for reference in _sections(data)[section].xpath("w:footerReference", namespaces=NS):
            rid = reference.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
            found[reference.get(w("type"))] = etree.fromstring(archive.read("word/" + targets[rid]))
    return found


def test_page_numbers_are_a_page_field_between_dashes_at_the_outside_edge(monkeypatch, epoch):
    data = _draft(monkeypatch)
    footers = _footers(data)
    assert set(footers) == {"default", "even"}
    settings = _xml(data, "word/settings.xml")
    assert settings.xpath("w:evenAndOddHeaders", namespaces=NS)  # odd and even pages differ
    for kind, side in (("default", "right"), ("even", "left")):
        footer = footers[kind]
        text = "".join(footer.xpath("//w:t/text()", namespaces=NS))
        assert text == "— 1 —"  # the field's last result; Word and LibreOffice show each page's number
        assert [i.strip() for i in footer.xpath("//w:instrText/text()", namespaces=NS)] == ["PAGE"]
        assert [f.get(w("fldCharType")) for f in footer.xpath("//w:fldChar", namespaces=NS)] == [
            "begin", "separate", "end"]
        (paragraph,) = footer.xpath("//w:p", namespaces=NS)
        assert _value(paragraph, "w:pPr/w:jc") == side  # outside: right on odd pages, left on even
        assert _value(paragraph, "w:pPr/w:pStyle") == "Footer"
    footer_style = _style(_xml(data, "word/styles.xml"), "Footer")
    assert _fonts(footer_style)["eastAsia"] == "宋体" and _value(footer_style, "w:rPr/w:sz") == "28"  # 4号 宋体


def _headers_text(data: bytes) -> list[str]:
    parts = _parts(data)
    return ["".join(etree.fromstring(v.encode()).xpath("//w:t/text()", namespaces=NS))
            for k, v in sorted(parts.items()) if k.startswith("word/header")]


def test_a_sample_data_draft_says_so_in_every_page_header_and_above_the_title(monkeypatch, epoch):
    data = _draft(monkeypatch)
    headers = _headers_text(data)
    assert len(headers) == 2 and all(h == export.words("zh")["sample_page"] for h in headers)  # odd and even pages
    document = _xml(data, "word/document.xml")
    assert len(document.xpath("//w:sectPr/w:headerReference", namespaces=NS)) == 2  # later sections inherit them


def test_a_draft_from_real_data_carries_no_sample_mark(monkeypatch, epoch):
    data = _draft(monkeypatch, _overview(sample=False))
    assert _headers_text(data) == ["", ""]
    texts = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
    assert texts[0].startswith("报告 ") and report.labels("zh")["banner"] not in texts


# --- tables ------------------------------------------------------------------------------------------


def _grid_twips(data: bytes) -> list[int]:
    return [int(c.get(w("w"))) for c in _xml(data, "word/document.xml").xpath("//w:tblGrid/w:gridCol", namespaces=NS)]


def test_a_narrow_table_fills_the_portrait_text_block(monkeypatch, epoch):
    data = _draft(monkeypatch)
    assert len(_sections(data)) == 1
    assert abs(sum(_grid_twips(data)) - round(word.TEXT_WIDTH_MM / 25.4 * 1440)) <= 20  # 156 mm
    table = _xml(data, "word/document.xml").xpath("//w:tbl", namespaces=NS)[0]
    assert table.xpath("w:tr[1]/w:trPr/w:tblHeader", namespaces=NS)  # the header row repeats on each page
    assert _value(table, "w:tblPr/w:tblLayout", "type") == "fixed"


def test_a_column_of_numbers_is_right_aligned_with_its_header_and_text_keeps_the_table_style(monkeypatch, epoch):
    from analysis import labels

    share = labels.format_pct(18.87, 2)
    frame = pd.DataFrame({"承办主体": ["区政府", "国际港务区"], "件数": [129, 30],
                          "占比": [labels.combined(f"30/159（{share}）", (share, "占比")), "暂缺"]})

    def show():
        report.show_title("报告", session="十八届人大二次会议")
        report.show_table(frame, "t", "表1", section="基本情况")
        report.show_provenance(pd.DataFrame({"a": [1]}))

    table = docx.Document(io.BytesIO(_draft(monkeypatch, show))).tables[0]
    aligned = [[cell.paragraphs[0].alignment for cell in row.cells] for row in table.rows]
    right = docx.enum.text.WD_ALIGN_PARAGRAPH.RIGHT
    assert all(row[1] == row[2] == right for row in aligned)  # counts, "30/159（18.87%）", 暂缺 and their headers
    assert all(row[0] is None for row in aligned)  # text: the table style's (centred, as 公文 tables are)


def test_a_wide_table_gets_a_landscape_page_and_fits_it(monkeypatch, epoch):
    data = _draft(monkeypatch, _overview(wide=True))
    sections = _sections(data)
    assert len(sections) == 3  # portrait, the table's landscape page, portrait again for what follows
    portrait, landscape, after = sections
    assert (_value(landscape, "w:pgSz", "w"), _value(landscape, "w:pgSz", "h"),
            _value(landscape, "w:pgSz", "orient")) == ("16838", "11906", "landscape")
    assert _value(after, "w:pgSz", "w") == "11906"
    width = 16838 - int(_value(landscape, "w:pgMar", "left")) - int(_value(landscape, "w:pgMar", "right"))
    assert sum(_grid_twips(data)) <= width + 20
    table = docx.Document(io.BytesIO(data)).tables[0]
    # thirteen such columns: a cell may take two lines, broken before its bracket, never inside its number
    assert [c.text for c in table.rows[1].cells][:2] in (["86（66.7%）"] * 2, ["86\n（66.7%）"] * 2)


def test_a_landscape_page_keeps_its_page_number_where_the_other_pages_have_it(monkeypatch, epoch):
    """GB/T 9704-2012: an A4 table printed landscape keeps the page number where the other pages have it. The draft
    put it in the landscape page's own footer: along the paper's long side, where no other page has one."""
    mm = 1440 / 25.4  # twips
    data = _draft(monkeypatch, _overview(wide=True))
    portrait, landscape, after = _sections(data)
    # the page turned a quarter clockwise: its top is the paper's left (binding) edge, its left the paper's bottom
    assert [int(_value(landscape, "w:pgMar", side)) for side in ("top", "right", "bottom", "left")] == \
        [int(_value(portrait, "w:pgMar", side)) for side in ("left", "top", "right", "bottom")]
    (portrait_line,) = _footers(data, 0)["default"].xpath("//w:p", namespaces=NS)
    footer_twips = int(_value(portrait, "w:pgMar", "footer"))  # the number's line, up from the paper's bottom
    for kind, side in (("default", "right"), ("even", "left")):
        footer = _footers(data, 1)[kind]
        (table,) = footer.xpath("//w:tbl", namespaces=NS)
        assert footer.xpath("w:*", namespaces=NS)[-1].tag == w("p")  # the footer still ends with a paragraph
        assert not "".join(footer.xpath("/w:ftr/w:p//w:t/text()", namespaces=NS))  # no number along the long side
        # on the landscape page's left edge (the paper's bottom), as far in as the portrait footer is up
        position = table.xpath("w:tblPr/w:tblpPr", namespaces=NS)[0]
        assert (position.get(w("horzAnchor")), position.get(w("vertAnchor"))) == ("page", "page")
        assert int(position.get(w("tblpX"))) == pytest.approx(footer_twips, abs=2)
        assert int(_value(table, "w:tblGrid/w:gridCol", "w")) == word.PAGE_NUMBER_PT * 20  # one 4号 line
        # along the paper's bottom where the portrait footer is: from the binding margin, the text block's width
        assert int(position.get(w("tblpY"))) == pytest.approx(int(_value(portrait, "w:pgMar", "left")), abs=2)
        assert int(_value(table, "w:tr/w:trPr/w:trHeight")) == pytest.approx(word.TEXT_WIDTH_MM * mm, abs=2)
        assert _value(table, "w:tr/w:trPr/w:trHeight", "hRule") == "exact"
        # turned with the paper, the same paragraph as a portrait page's: '— N —', outside edge, one character in
        assert _value(table, "w:tr/w:tc/w:tcPr/w:textDirection") == "tbRl"
        (paragraph,) = table.xpath(".//w:p", namespaces=NS)
        assert "".join(paragraph.xpath(".//w:t/text()", namespaces=NS)) == "— 1 —"
        assert [i.strip() for i in paragraph.xpath(".//w:instrText/text()", namespaces=NS)] == ["PAGE"]
        assert _value(paragraph, "w:pPr/w:jc") == side and _value(paragraph, "w:pPr/w:pStyle") == "Footer"
        if kind == "default":
            assert etree.tostring(paragraph.find(w("pPr"))) == etree.tostring(portrait_line.find(w("pPr")))
    # the portrait page after it has its numbers in the footer again, not the turned ones
    for kind, side in (("default", "right"), ("even", "left")):
        footer = _footers(data, 2)[kind]
        assert not footer.xpath("//w:tbl", namespaces=NS)
        (paragraph,) = footer.xpath("//w:p", namespaces=NS)
        assert _value(paragraph, "w:pPr/w:jc") == side and "".join(paragraph.xpath(".//w:t/text()", namespaces=NS)) == "— 1 —"


def test_a_session_that_does_not_fit_its_column_breaks_before_its_bracket_not_inside_it(monkeypatch, epoch):
    """Word broke '十八届人大一次会议（2022年）' after '2022' in the sessions table, leaving '年）' on a line alone."""
    columns = ["届次", "依据", "收到建议", "闭会期间提出（会后）", "区政府办理件数", "国际港务区办理件数", "国际港务区占比",
               "区政府 A类", "区政府 B类", "区政府 C类", "区政府办结率", "区政府满意率（含基本满意）", "区政府按期答复率"]
    frame = pd.DataFrame([["十八届人大一次会议（2022年）", "台账", 159, 1, 129, 30, "18.87%", "86（66.7%）", "32（24.8%）",
                           "11（8.5%）", "92.2%", "99.2%", "93.8%"]], columns=columns)  # the session draft's overview

    def show():
        report.show_title("报告", session="十八届人大二次会议")
        report.show_table(frame, "t", "各次会议概况", section="基本情况")

    data = _draft(monkeypatch, show)
    table = docx.Document(io.BytesIO(data)).tables[0]
    assert table.rows[1].cells[0].text == "十八届人大一次会议\n（2022年）"  # two lines, broken at the bracket
    assert table.rows[1].cells[7].text == "86（66.7%）"  # a cell that fits stays one line
    (cell,) = _xml(data, "word/document.xml").xpath("//w:tbl/w:tr[2]/w:tc[1]", namespaces=NS)
    assert [etree.QName(e).localname for e in cell.xpath(".//w:r/*[not(self::w:rPr)]", namespaces=NS)] == ["t", "br", "t"]


@pytest.mark.parametrize("columns, rows, landscape", [
    (["承办主体", "件数"], [["区政府", "129"]], False),
    ([f"列{i}" for i in range(13)], [["86（66.7%）"] * 13], True),
    (["标题"], [["关于" + "加快雨污管网改造" * 20 + "的建议"]], False),  # long text wraps in portrait
])
def test_table_layouts_fit_the_text_block(columns, rows, landscape):
    layout = word._table_layout(columns, rows)
    available = (word.LANDSCAPE_TEXT_WIDTH_MM if layout.landscape else word.TEXT_WIDTH_MM) * 72 / 25.4
    assert layout.landscape is landscape and abs(sum(layout.widths_pt) - available) < 0.01
    assert all(width > 0 for width in layout.widths_pt)


def test_numbers_do_not_wrap_when_a_landscape_page_holds_them():
    columns = ["届次", "依据", "收到建议"] + [f"区政府 {c}类" for c in "ABC"] + ["办结率", "满意率（含基本满意）"]
    rows = [["十八届人大一次会议", "台账", "159", "86（66.7%）", "32（24.8%）", "11（8.5%）", "92.2%", "99.2%"]]
    layout = word._table_layout(columns, rows)
    for text, width in zip(rows[0], layout.widths_pt):
        assert width >= word._text_width_pt(text, layout.font_pt), text


# --- text from the data --------------------------------------------------------------------------------


def test_word_draft_holds_hostile_and_control_characters_as_text(monkeypatch, epoch):
    # python-docx refuses ESC/BEL outright; they must not cost the report its Word draft
    odd = "\x1b[31m红色\x1b[0m<script>alert(1)</script>=1+2"
    frame = pd.DataFrame({"标题": [odd, "响铃\x07"], "件数": [1, 2]})

    def show():
        report.show_title(f"报告\x1b{HOSTILE}", session="十八届人大二次会议")
        report.show_table(frame, "odd", "表\x07", section="基本\x1b情况")
        report.show_paragraphs([odd], heading="说明\x0b", section="基本\x1b情况")
        report.show_markdown(f"- {odd}", section="基本\x1b情况")

    exported = export.render_report(shown_notebook(monkeypatch, show), report_name="r")
    assert openpyxl.load_workbook(io.BytesIO(exported.xlsx)).sheetnames == ["表\ufffd", "数据来源与生成信息"]  # a sheet name is XML too
    document = docx.Document(io.BytesIO(exported.docx))
    shown = "\ufffd[31m红色\ufffd[0m<script>alert(1)</script>=1+2"
    texts = [p.text for p in document.paragraphs]
    assert texts[0].startswith(f"报告\ufffd{HOSTILE}") and "一、基本\ufffd情况" in texts
    assert texts.count(shown) == 2  # the paragraph and the Markdown list item, as text
    assert [[c.text for c in row.cells] for row in document.tables[0].rows] == [
        ["标题", "件数"], [shown, "1"], ["响铃\ufffd", "2"]]
    with zipfile.ZipFile(io.BytesIO(exported.docx)) as archive:
        body = archive.read("word/document.xml").decode("utf-8")
    assert "<script>" not in body and "&lt;script&gt;alert(1)" in body
    assert not re.search(r"<w:(instrText|fldSimple|hyperlink)\b", body)  # no field or link made from text


def test_an_english_draft_sets_latin_text_in_times_and_chinese_in_fangsong(monkeypatch, epoch):
    data = _draft(monkeypatch, lang="en")
    body = _style(_xml(data, "word/styles.xml"), "Normal")
    assert _fonts(body)["ascii"] == "Times New Roman" and _fonts(body)["eastAsia"] == "仿宋_GB2312"
    texts = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
    assert texts[0] == report.labels("en")["banner"] and "基本情况" in texts  # English drafts number no headings
    assert _headers_text(data)[0] == export.words("en")["sample_page"]
