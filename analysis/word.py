"""The Word draft of a report: the outputs a notebook marked with a ``section`` (e.g. 基本情况), for staff to edit.

Pure: the exporter's blocks in, .docx bytes out; ``analysis.run`` writes them atomically.
"""
from __future__ import annotations

import datetime as dt
import io
import re
from typing import Mapping

from . import excel, report
from .report import MIME_HEADLINE, MIME_TABLE, MIME_TEXT


def _docx_markdown(document, text: str) -> None:
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        plain = stripped.replace("**", "").replace("__", "")
        heading = re.match(r"^(#{1,6})\s+(.*)$", plain)
        if heading:
            document.add_heading(heading[2], level=min(len(heading[1]) + 1, 9))
        elif re.match(r"^[-*+]\s+", plain):
            document.add_paragraph(re.sub(r"^[-*+]\s+", "", plain), style="List Bullet")
        else:
            document.add_paragraph(plain)


def _docx_table(document, payload: Mapping, lang: str) -> None:
    columns = payload.get("columns") or []
    if payload.get("title"):
        document.add_paragraph(payload["title"], style="Caption")
    table = document.add_table(rows=1, cols=max(len(columns), 1))
    table.style = "Table Grid"
    for cell, name in zip(table.rows[0].cells, columns):
        cell.text = ""
        cell.paragraphs[0].add_run(str(name)).bold = True
    formats = payload.get("formats") or {}
    for row in payload.get("rows") or []:
        cells = table.add_row().cells
        for cell, column, value in zip(cells, columns, row):
            cell.text = report.format_value(value, formats.get(column), lang)
    if payload.get("note"):
        document.add_paragraph(payload["note"])


def word_draft(blocks: list, *, title: str, session: str = "", lang: str = "zh",
               when: dt.datetime | None = None) -> bytes | None:
    """A .docx of the outputs marked with a ``section`` (e.g. 基本情况), for staff to edit; None if none."""
    marked = [b for b in blocks if b.section and b.mime in {MIME_TEXT, MIME_TABLE, MIME_HEADLINE}]
    if not marked:
        return None
    import docx
    from docx.oxml.ns import qn

    # python-docx refuses text with control characters outright; a hostile or odd ledger must
    # not cost the whole report, so they become U+FFFD, as in the Excel tables.
    title, session = excel.xml_safe(title), excel.xml_safe(session)
    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name = "SimSun"
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    document.add_heading(title + (f"（{session}）" if session and lang != "en" else
                                  f" ({session})" if session else ""), level=0)
    current = None
    for block in marked:
        if block.section != current:
            current = block.section
            document.add_heading(excel.xml_safe(current), level=1)
        payload = excel.xml_safe(block.payload)
        if block.mime == MIME_TABLE:
            _docx_table(document, payload, lang)
        elif block.mime == MIME_HEADLINE:
            document.add_paragraph(report.plain_text(MIME_HEADLINE, payload))
        elif payload.get("kind") == "markdown":
            if payload.get("heading"):
                document.add_heading(payload["heading"], level=2)
            _docx_markdown(document, str(payload.get("text", "")))
        else:
            if payload.get("heading"):
                document.add_heading(payload["heading"], level=2)
            for paragraph in payload.get("paragraphs") or [payload.get("text", "")]:
                document.add_paragraph(str(paragraph))
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
