"""Executed notebook → what a reader receives: one self-contained HTML page, with its Excel workbook and Word draft.

The page works with no network at all: no code, no parameter cells, no prompts; plotly.js is
inlined once and every chart is drawn from its JSON with an id derived from the report name
and its position (so two builds give the same bytes); fonts come from the system; a
Content-Security-Policy forbids any fetch; a final check (``external_references``) refuses
a page that would still reference anything outside the file. Output of this package's
``analysis.report`` helpers is re-rendered from its data by the same functions the notebook
used; any other HTML (a Markdown cell, a DataFrame's repr) passes an allow-list sanitiser.

Everything here is pure: notebooks and payloads in, text and bytes out. ``analysis.run``
decides where the results go and writes them atomically.
"""
from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Mapping

from . import chart_margins, excel, labels, report, word
from .html_page import PLOTLY_SCRIPT_ID, page_html, words
from .report import MIME_HEADLINE, MIME_PLOTLY, MIME_PROVENANCE, MIME_TABLE, MIME_TEXT, MIME_TITLE, escape

# Rows of one table shown on a page. A table that grows with the data (the supervision sample
# list of a province-sized ledger holds thousands of suggestions) is cut here on the page, with
# a note; the report's Excel workbook keeps every row. No report table of a district ledger
# comes near it.
HTML_TABLE_MAX_ROWS = 300
# Cells whose code or output a reader never sees (papermill's and jupyter-book's conventions).
HIDDEN_CELL_TAGS = {"parameters", "injected-parameters", "papermill-error-cell-tag", "remove-cell", "remove_cell"}
HIDDEN_OUTPUT_TAGS = {"remove-output", "remove_output"}
MIME_WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"  # ipywidgets' output, kept by JupyterLab

class ExportError(Exception):
    """The page could not be made safe (it would reference something outside the file)."""


# ---------------------------------------------------------------------------------------
# Sanitising HTML we did not write ourselves, and checking pages for external references
# ---------------------------------------------------------------------------------------

_ALLOWED_TAGS = {
    "a", "abbr", "aside", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del", "details", "div",
    "dl", "dt", "em", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i",
    "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "section", "small", "span",
    "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}
_VOID_TAGS = {"br", "col", "hr", "img", "wbr"}
# Dropped together with everything inside them.
_DROPPED_TAGS = {
    "applet", "audio", "base", "button", "canvas", "embed", "form", "frame", "frameset", "head", "iframe",
    "input", "link", "math", "meta", "noscript", "object", "script", "select", "style", "svg", "template",
    "textarea", "title", "video",
}
_ALLOWED_ATTRIBUTES = {"class", "colspan", "rowspan", "scope", "title", "alt", "lang", "dir", "role", "align",
                       "width", "height", "start", "data-table", "open"}
# A value of letters, digits, "-" and "_" needs no quotes in HTML (class=num, scope=col): 2 bytes an attribute,
# 2.6 KB of the English peers page's tables.
_BARE_VALUE = re.compile(r"[A-Za-z0-9_-]+")
_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,[a-z0-9+/=\s]*$", re.IGNORECASE)


class _Sanitiser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []
        self.dropping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.dropping:
            if tag == self.dropping[0] and tag not in _VOID_TAGS:
                self.dropping.append(tag)
            return
        if tag in _DROPPED_TAGS:
            if tag not in _VOID_TAGS and tag not in {"link", "meta", "base", "input", "embed", "frame"}:
                self.dropping.append(tag)
            return
        if tag not in _ALLOWED_TAGS:
            return  # unknown tag: keep its text, lose the tag
        kept = []
        for name, value in attrs:
            value = value or ""
            if name in _ALLOWED_ATTRIBUTES:
                kept.append(f" {name}={value}" if _BARE_VALUE.fullmatch(value)
                            else f' {name}="{html.escape(value, quote=True)}"')
            elif name == "href" and tag == "a" and value.strip().startswith("#"):
                kept.append(f' href="{html.escape(value.strip(), quote=True)}"')
            elif name == "src" and tag == "img":
                if not _DATA_IMAGE.match(value.strip()):
                    return  # an image from elsewhere is dropped whole
                kept.append(f' src="{html.escape(value.strip(), quote=True)}"')
        self.out.append(f"<{tag}{''.join(kept)}>")
        if tag not in _VOID_TAGS:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID_TAGS and self.open and self.open[-1] == tag and not self.dropping:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.dropping:
            if tag == self.dropping[0]:
                self.dropping.pop()
            return
        if tag in self.open:
            while self.open:
                closing = self.open.pop()
                self.out.append(f"</{closing}>")
                if closing == tag:
                    break

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.out.append(html.escape(data, quote=False))

    def close(self) -> None:
        super().close()
        while self.open:
            self.out.append(f"</{self.open.pop()}>")


# HTML lets a cell's end tag go when the next cell or the end of its row follows, and a row's when the next row or the
# end of the table's body follows: the browser builds the same table without them (the same DOM, so the same page on
# screen, on paper and to page.js). 5 bytes a cell: 12 KB of the English peers page, whose 2,000 cells hold mostly short
# words. Only in the tables the package renders (report.render_table, then sanitised: every "<" in them is a tag, a
# cell's text being escaped); header cells keep theirs.
_IMPLIED_END_TAG = re.compile(r"</td>(?=<td[ >]|</tr>)|</tr>(?=<tr>|</tbody>)")


def without_implied_end_tags(table_html: str) -> str:
    """A rendered table without the end tags of body cells and rows that HTML implies (the same table to a browser)."""
    return _IMPLIED_END_TAG.sub("", table_html)


def sanitise_html(fragment: str) -> str:
    """An HTML fragment reduced to an allow-list: no scripts, styles, handlers, links out or foreign images."""
    parser = _Sanitiser()
    parser.feed(fragment)
    parser.close()
    return "".join(parser.out)


_URL_ATTRIBUTES = {"src", "href", "action", "formaction", "poster", "background", "data", "srcset", "xlink:href",
                   "manifest", "ping", "cite", "longdesc", "codebase", "archive", "usemap", "lowsrc", "dynsrc",
                   "profile", "icon"}
_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*:", re.IGNORECASE)
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(?!data:|#)([^)'\"]*)\1\s*\)|@import", re.IGNORECASE)
_SCRIPT_URL = re.compile(r"https?://|[\"'`]//[a-z0-9]|\bimport\s*\(|importScripts|\bfetch\s*\(|XMLHttpRequest",
                         re.IGNORECASE)


def _is_external(value: str) -> bool:
    text = "".join(value.split()).lower()  # browsers ignore whitespace inside URLs
    if text.startswith("//") or text.startswith("\\\\"):
        return True
    if _SCHEME.match(text):
        return not text.startswith("data:")
    return False


class _ReferenceFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.in_tag: str | None = None
        self.script_kind = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        for name, value in attributes.items():
            if name in _URL_ATTRIBUTES and _is_external(value):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name == "style" and _CSS_URL.search(value):
                self.found.append(f"<{tag} style={value!r}>")
        if tag in {"link", "base", "iframe", "object", "embed", "frame"}:
            self.found.append(f"<{tag}> element")
        if tag == "meta" and attributes.get("http-equiv", "").lower() == "refresh":
            self.found.append("<meta http-equiv=refresh>")
        if tag in {"script", "style"}:
            self.in_tag = tag
            if tag == "script":
                if attributes.get("id") == PLOTLY_SCRIPT_ID:
                    self.script_kind = "plotly"
                elif attributes.get("type", "").lower() == "application/json":
                    self.script_kind = "data"
                else:
                    self.script_kind = "code"

    def handle_endtag(self, tag: str) -> None:
        if tag == self.in_tag:
            self.in_tag = None

    def handle_data(self, data: str) -> None:
        if self.in_tag == "style" and _CSS_URL.search(data):
            self.found.append(f"<style> {_CSS_URL.search(data)[0]!r}")
        elif self.in_tag == "script" and self.script_kind == "code":
            match = _SCRIPT_URL.search(data)
            if match:
                self.found.append(f"<script> {data[max(0, match.start() - 30):match.end() + 30]!r}")
        elif self.in_tag == "script" and self.script_kind == "data" and "<" in data:
            self.found.append("<script type=application/json> holds a raw '<'")


def external_references(page: str) -> list[str]:
    """Every place a page would reach outside its own file (empty for a self-contained page).

    The inlined plotly.js bundle (``id="sa-plotly-js"``) is exempt: it is the library's own code,
    whose map-tile URLs are only used by map charts, which reports do not draw; the
    Content-Security-Policy would block them anyway.
    """
    finder = _ReferenceFinder()
    finder.feed(page)
    finder.close()
    return finder.found


# ---------------------------------------------------------------------------------------
# Reading an executed notebook
# ---------------------------------------------------------------------------------------


@dataclass
class Block:
    """One thing a reader sees, in page order: HTML, or a chart to draw."""

    kind: str  # "html" | "chart" | "title" | "provenance"
    html: str = ""
    mime: str = ""
    payload: Any = None
    section: str = ""


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value or "")


def _cell_tags(cell: Mapping) -> set[str]:
    return set((cell.get("metadata") or {}).get("tags") or [])


def _first_rows(payload: Mapping, lang: str) -> Mapping:
    """A table payload cut to ``HTML_TABLE_MAX_ROWS`` rows for the page, its note saying so (Excel keeps all)."""
    rows = payload.get("rows") or []
    if len(rows) <= HTML_TABLE_MAX_ROWS:
        return payload
    cut = words(lang)["rows_cut"].format(shown=HTML_TABLE_MAX_ROWS, total=len(rows))
    return {**payload, "rows": rows[:HTML_TABLE_MAX_ROWS], "note": " ".join(filter(None, [payload.get("note"), cut]))}


def _output_blocks(output: Mapping, lang: str) -> list[Block]:
    kind = output.get("output_type")
    if kind == "stream":
        if output.get("name") == "stderr":
            return []  # warnings and logs belong in the executed notebook, not in a leader's page
        return [Block("html", f'<pre class="sa-stdout">{escape(_text(output.get("text")))}</pre>')]
    if kind == "error":
        message = f'{output.get("ename", "")}: {output.get("evalue", "")}'
        return [Block("html", f'<div class="sa-error"><strong>{escape(words(lang)["error"])}</strong> '
                              f'{escape(message)}</div>')]
    if kind not in {"display_data", "execute_result"}:
        return []
    data = output.get("data") or {}
    metadata = output.get("metadata") or {}
    if MIME_WIDGET_VIEW in data:
        return []  # a live widget (a progress bar…): nothing a page can draw offline; its text form is noise
    if MIME_PLOTLY in data:
        figure = data[MIME_PLOTLY]
        meta = metadata.get(MIME_PLOTLY) or {}
        if not meta.get("escaped"):
            figure = report.figure_payload(figure)  # shown by plotly itself: escape its text now
        return [Block("chart", payload=figure, mime=MIME_PLOTLY, section=str(meta.get("section") or ""))]
    for mime in (MIME_TITLE, MIME_PROVENANCE):
        if mime in data:
            return [Block("title" if mime == MIME_TITLE else "provenance", mime=mime, payload=data[mime])]
    for mime in (MIME_HEADLINE, MIME_TABLE, MIME_TEXT):
        if mime in data:
            payload = data[mime]
            shown = _first_rows(payload, lang) if mime == MIME_TABLE else payload
            rendered = sanitise_html(report.render_payload(mime, shown, lang))
            if mime == MIME_TABLE:
                rendered = without_implied_end_tags(rendered)
            return [Block("html", rendered, mime=mime, payload=payload, section=str(payload.get("section") or ""))]
    if "text/html" in data:
        return [Block("html", f'<div class="sa-output">{sanitise_html(_text(data["text/html"]))}</div>')]
    for mime in ("image/png", "image/jpeg", "image/gif"):
        if mime in data:
            encoded = "".join(_text(data[mime]).split())
            return [Block("html", f'<img class="sa-image" alt="" src="data:{mime};base64,{encoded}">')]
    if "image/svg+xml" in data:
        # An SVG shown as an image cannot run scripts or fetch anything.
        import base64

        encoded = base64.b64encode(_text(data["image/svg+xml"]).encode("utf-8")).decode("ascii")
        return [Block("html", f'<img class="sa-image" alt="" src="data:image/svg+xml;base64,{encoded}">')]
    if "text/markdown" in data:
        return [Block("html", f'<div class="sa-text">{_markdown_cell_html(_text(data["text/markdown"]))}</div>')]
    if "text/plain" in data:
        return [Block("html", f'<pre class="sa-plain">{escape(_text(data["text/plain"]))}</pre>')]
    return []


@lru_cache(maxsize=1)
def _markdown_renderer():
    import mistune

    # Markdown cells are written by the notebook's author; raw HTML in them is allowed but
    # still passes the sanitiser.
    return mistune.create_markdown(escape=False, plugins=["table", "strikethrough"])


def _markdown_cell_html(source: str) -> str:
    return sanitise_html(_markdown_renderer()(source))


def notebook_blocks(nb: Mapping, lang: str = "zh") -> list[Block]:
    """What a reader sees of an executed notebook, in order: no code, no parameter cells."""
    blocks: list[Block] = []
    for cell in nb.get("cells", []):
        tags = _cell_tags(cell)
        if tags & HIDDEN_CELL_TAGS:
            continue
        if cell.get("cell_type") == "markdown":
            source = _text(cell.get("source"))
            if source.strip():
                blocks.append(Block("html", f'<div class="sa-markdown">{_markdown_cell_html(source)}</div>'))
        elif cell.get("cell_type") == "code" and not tags & HIDDEN_OUTPUT_TAGS:
            for output in cell.get("outputs", []):
                blocks.extend(_output_blocks(output, lang))
    return blocks


def count_figures(nb: Mapping) -> int:
    """How many charts an executed notebook shows (what the HTML page must draw)."""
    return sum(1 for b in notebook_blocks(nb) if b.kind == "chart")


def collect_tables(nb: Mapping) -> list[dict]:
    """The table payloads an executed notebook showed with ``report.show_table``, in order."""
    return [b.payload for b in notebook_blocks(nb) if b.mime == MIME_TABLE]


# ---------------------------------------------------------------------------------------
# The report page
# ---------------------------------------------------------------------------------------


def element_id(report_name: str, kind: str, number: int) -> str:
    """A deterministic element id: the report name, the kind of element and its position."""
    slug = re.sub(r"[^0-9A-Za-z_-]+", "_", report_name).strip("_") or "report"
    return f"{slug}-{kind}-{number}"


CHART_TOP_MARGIN = 24  # px above the plot once its title is a caption; a legend on top pushes it further


def chart_title_out(figure: Mapping) -> tuple[str, dict]:
    """A chart's title as HTML for a caption above it, and the figure without it.

    A title drawn inside the chart has a fixed place; the legend above the plot grows when a
    phone's width makes it wrap and then covers the title. As a caption the title wraps like text,
    prints like text, and the legend has the chart's top to itself. The title is escaped already
    (``report.figure_payload``) with plotly's attribute-free tags kept; it passes the sanitiser too.
    """
    layout = dict(figure.get("layout") or {})
    title = layout.get("title")
    text = (title or {}).get("text", "") if isinstance(title, dict) else str(title or "")
    if not text:
        return "", dict(figure)
    layout["title"] = {"text": ""}
    margin = dict(layout.get("margin") or {})
    margin["t"] = CHART_TOP_MARGIN
    layout["margin"] = margin
    caption = sanitise_html(re.sub(r"<br\s*/?>", "<br>", text))
    return caption, {**figure, "layout": layout}


@dataclass
class ExportedReport:
    """A report ready to write: the page, its Excel workbook and Word draft (None when it has none)."""

    html: str
    title: str
    n_figures: int
    is_sample: bool
    tables: list[dict] = field(default_factory=list)
    xlsx: bytes | None = None
    docx: bytes | None = None


def _merged_provenance(blocks: list[Block], run_info: Mapping) -> dict:
    """The footer's provenance: the files the notebook says it read, else every file of the run.

    A report that recorded its own inputs (``show_provenance``) lists only those, so a page built
    from real published figures alone carries no sample-data banner because another report of
    the same run used the sample ledger. A notebook that stopped before recording its inputs gets
    the whole run's files, and the banner whenever any of them is sample data.
    """
    files: dict[tuple[str, str], dict] = {}
    for block in blocks:
        if block.kind == "provenance":
            for record in block.payload.get("files") or []:
                files.setdefault((record.get("file"), record.get("sha256")), dict(record))
    own_record = bool(files)
    for record in ([] if own_record else run_info.get("files") or []):
        key = (Path(record["file"]).name, record["sha256"])
        files.setdefault(key, {"file": key[0], "sha256": key[1], "rows": None, "is_sample": False})
        if record.get("is_sample"):
            files[key]["is_sample"] = True
    params = run_info.get("parameters")
    if params is None:  # exported outside the runner: the notebook's own record of its parameters
        params = next((b.payload.get("params") for b in blocks if b.kind == "provenance"), {})
    return {
        "files": list(files.values()),
        # sorted: a saved notebook holds them sorted (nbformat), so a page made from it is this one
        "params": {k: report._shown_param(v) for k, v in sorted((params or {}).items())},
        "package_version": run_info.get("package_version") or report.package_version(),
        "generated_at": run_info.get("generated_at") or report.build_time().isoformat(),
        "is_sample": any(r.get("is_sample") for r in files.values())
        or (not own_record and bool(run_info.get("is_sample"))),
    }


def _provenance_sheet(provenance: Mapping, title: str, session: str, lang: str) -> dict[str, excel.Cells]:
    """The workbook's last sheet: what the page's footer says of where its figures come from (item | value rows).

    A workbook is pasted from and forwarded without its page; this sheet keeps the report, each data file (its
    name, sheet, rows and SHA-256), the package version and the build time with it. The run's parameters stay
    on the page: they are the program's, not the reader's.
    """
    said, shown = report.labels(lang), words(lang)
    rows: list[tuple[str, object]] = [(shown["report"], title)]
    if session:
        rows.append((shown["session"], session))
    for record in provenance.get("files") or []:
        rows.append((said["files"], Path(str(record.get("file") or "")).name))
        if record.get("sheet"):
            rows.append((said["sheet"], record["sheet"]))
        if record.get("file_count") is not None:
            rows.append((said["files"], said["file_count"].format(n=record["file_count"])))
        if record.get("rows") is not None:
            rows.append((said["rows"], record["rows"]))
        if record.get("is_sample"):
            rows.append((said["sample"], True))  # 是 / yes in the sheet
        rows.append(("sha256", record.get("sha256")))
    rows.append((said["version"], provenance.get("package_version")))
    generated = provenance.get("generated_at")
    if generated:
        rows.append((said["generated"], report.format_time(dt.datetime.fromisoformat(generated), lang)))
    # what a cell holding no number means, in every table of the workbook (the page and the draft use the same marks)
    rows += list(labels.MARK_MEANINGS[lang])
    cells = excel.Cells([shown["item"], shown["value"]], [[item for item, _ in rows], [value for _, value in rows]])
    return {said["provenance"]: cells}


def _sample_marks(is_sample: bool, lang: str) -> dict[str, str]:
    """How a workbook built from sample data says so: the banner as its sheets' first row, and their names."""
    if not is_sample:
        return {}
    return {"note": report.labels(lang)["banner"], "sheet_suffix": words(lang)["sample_sheet"]}


def render_report(nb: Mapping, *, report_name: str, lang: str = "zh", run_info: Mapping | None = None) -> ExportedReport:
    """The offline HTML page of an executed notebook, with its tables and Word draft."""
    run_info = run_info or {}
    blocks = notebook_blocks(nb, lang)
    title_block = next((b for b in blocks if b.kind == "title"), None)
    title = (title_block.payload.get("title") if title_block else "") or run_info.get("title") or report_name
    session = (title_block.payload.get("session") if title_block else "") or \
        str((run_info.get("parameters") or {}).get("session") or "")
    provenance = _merged_provenance(blocks, run_info)
    header_payload = {"title": title, "session": session,
                      "subtitle": title_block.payload.get("subtitle", "") if title_block else ""}
    content = [report.render_title(header_payload, lang)]
    charts: list[tuple[str, dict]] = []
    for block in blocks:
        if block.kind == "html":
            content.append(block.html)
        elif block.kind == "chart":
            chart_id = element_id(report_name, "fig", len(charts) + 1)
            title_html, figure = chart_title_out(block.payload)
            charts.append((chart_id, chart_margins.with_label_margins(figure)))  # drawn once, not twice
            caption = f'<figcaption class="sa-chart-title">{title_html}</figcaption>' if title_html else ""
            content.append(f'<figure class="sa-chart-figure">{caption}<div class="sa-chart" id="{escape(chart_id)}" '
                           f'data-error="{escape(words(lang)["chart_error"])}"></div></figure>')
    footer = f'<footer class="sa-footer">{report.render_provenance(provenance, lang)}</footer>'
    page = page_html(lang=lang, title=f"{title} · {session}" if session else title, content="\n".join(content),
                     footer=footer, charts=charts, is_sample=provenance["is_sample"])
    problems = external_references(page)
    if problems:
        raise ExportError(f"{report_name}: the page would reference outside the file: {problems[:5]}")
    when = dt.datetime.fromisoformat(provenance["generated_at"])
    tables = [b.payload for b in blocks if b.mime == MIME_TABLE]
    return ExportedReport(
        html=page, title=title, n_figures=len(charts), is_sample=provenance["is_sample"], tables=tables,
        xlsx=excel.tables_xlsx(tables, lang=lang, when=when, title=title, **_sample_marks(provenance["is_sample"], lang),
                               last=_provenance_sheet(provenance, title, session, lang))
        if tables else None,
        docx=word.word_draft(blocks, title=title, session=session, lang=lang, when=when,
                             **({"sample_mark": words(lang)["sample_page"], "sample_note": report.labels(lang)["banner"]}
                                if provenance["is_sample"] else {})),
    )


