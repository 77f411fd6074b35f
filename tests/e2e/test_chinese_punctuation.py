"""Chinese text in what a run makes uses full-width punctuation: pages, workbooks and Word drafts (GB/T 15834).

The supervision sample's record wrote "sample_ledger.csv (e9e3…)" inside Chinese text. Every text a Chinese
run renders is read here as a reader gets it: an ASCII bracket, comma, semicolon, colon, question or exclamation
mark beside a Chinese character, or an ASCII bracket opened after a space (English style), is a fault. Left
alone: a quoted literal ("种子:建议编号", the exact text hashed), a formula's call (sha256(…)), a link, and
text the bundled data hold as written (a published figure's label as the report printed it). Not left alone: the
words of the peers' index (data/peers/sources.csv, our own transcription): a source's publisher written
"新华社(转载页)" there is printed 新华社（转载页） on the peers page.
"""
from __future__ import annotations

import csv
import html
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

pytestmark = pytest.mark.slow

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef"
# a quoted literal, a link or a call such as sha256(…): not prose, its punctuation is the literal's own
_NOT_PROSE = re.compile(r'"[^"\n]*"|https?://\S+|\w\([^()\n]*\)')
_IDEOGRAPHS = "\u3400-\u4dbf\u4e00-\u9fff"
# (an English label's closing bracket before a Chinese bracket, "(five years)（2017年）", is the label's own)
_ASCII_IN_CHINESE = re.compile(
    rf"(?<=[{_CJK}])[(),;:?!]|[(,;:?!](?=[{_CJK}])|\)(?=[{_IDEOGRAPHS}])| \((?=[^)\s])")
_REPO = Path(__file__).resolve().parents[2]


def ascii_punctuation_in_chinese(text: str, as_written: str = "") -> list[str]:
    """Each place in ``text`` where Chinese text has ASCII punctuation, with a few characters either side; a mark
    that ``as_written`` (the data) holds with the four characters either side of it is the data's own."""
    prose = _NOT_PROSE.sub(lambda m: " " * len(m.group()), text)
    places = []
    for m in _ASCII_IN_CHINESE.finditer(prose):
        at = m.end() - 1  # the mark itself
        if as_written and text[max(0, at - 4):at + 5] in as_written:
            continue
        places.append(text[max(0, m.start() - 8):m.end() + 8])
    return places


def test_the_rule_finds_ascii_punctuation_in_chinese_and_leaves_literals_alone():
    assert ascii_punctuation_in_chinese("来源文件 sample_ledger.csv (e9e390e2)") == ["dger.csv (e9e390e2"]
    assert ascii_punctuation_in_chinese("区政府(主办),国际港务区") != []
    assert ascii_punctuation_in_chinese("新华社(转载页)", "出处,新华社(转载页)") == []  # as the data write it
    assert ascii_punctuation_in_chinese("台账.csv (ab12)", "台账.csv,其他 (说明)") == ["台账.csv (ab12)"]
    assert ascii_punctuation_in_chinese("每件建议计算 sha256(\"种子:建议编号\")，取值最小者入样") == []
    assert ascii_punctuation_in_chinese("出处 https://example.org/a,b 台账.csv（ab12）；Wilson (z = 1.96)") == [
        "）；Wilson (z = 1.96"]  # the English-style bracket after a space


_PUNCTUATED_ON_THE_PAGE = {_REPO / "data" / "peers" / "sources.csv"}  # its words are printed in Chinese style


def _data_text() -> str:
    """The bundled data as written (every CSV and YAML under data/; of the peers' index, only its English cells,
    "Xinhua (ecns.cn)"): text a page shows as the data say it."""
    english = [cell for path in sorted(_PUNCTUATED_ON_THE_PAGE)
               for row in csv.reader(path.read_text(encoding="utf-8").splitlines()) for cell in row
               if not re.search(f"[{_IDEOGRAPHS}]", cell)]
    return "\n".join([p.read_text(encoding="utf-8", errors="ignore") for p in sorted((_REPO / "data").rglob("*"))
                       if p.is_file() and p.suffix in (".csv", ".yaml", ".yml") and p not in _PUNCTUATED_ON_THE_PAGE]
                      + english)


def _texts(out: Path):
    """(where, text) for every text node of every page, cell of every workbook and paragraph of every draft."""
    for page in sorted((out / "html").glob("*.html")):
        markup = re.sub(r"<script.*?</script>|<style.*?</style>", "", page.read_text(encoding="utf-8"), flags=re.S)
        for piece in re.split(r"<[^>]+>", markup):
            yield page.name, html.unescape(piece)
    for book in sorted((out / "tables").glob("*.xlsx")):
        for sheet in openpyxl.load_workbook(book).worksheets:
            for row in sheet.iter_rows(values_only=True):
                yield from ((f"{book.name} {sheet.title}", v) for v in row if isinstance(v, str))
    for draft in sorted((out / "tables").glob("*.docx")):
        xml = zipfile.ZipFile(draft).read("word/document.xml").decode("utf-8")
        for paragraph in re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S):
            yield draft.name, html.unescape("".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", paragraph)))


def test_chinese_text_on_every_page_workbook_and_draft_uses_full_width_punctuation(default_run):
    assert default_run.first.returncode == 0, default_run.first.stdout + default_run.first.stderr
    data = _data_text()
    found, read = [], 0
    for where, text in _texts(default_run.out):
        read += 1
        found += [f"{where}: …{place}…" for place in ascii_punctuation_in_chinese(text, data)]
    assert read > 1000 and not found, "\n".join(sorted(set(found)))
