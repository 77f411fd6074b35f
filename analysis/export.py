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
import json
import os
import re
import string
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Iterable, Mapping
from urllib.parse import quote

from . import excel, paths, reasons, report, word
from .report import MIME_HEADLINE, MIME_PLOTLY, MIME_PROVENANCE, MIME_TABLE, MIME_TEXT, MIME_TITLE, escape

TEMPLATES_DIR = paths.PACKAGE_DIR / "templates"
# The page may run its own inline scripts and styles and show data: images; nothing else loads.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; "
    "img-src data: blob:; font-src data:; connect-src 'none'; worker-src blob:; "
    "base-uri 'none'; form-action 'none'"
)
PLOTLY_SCRIPT_ID = "sa-plotly-js"
# Rows of one table shown on a page. A table that grows with the data (the supervision sample
# list of a province-sized ledger holds thousands of suggestions) is cut here on the page, with
# a note; the report's Excel workbook keeps every row. No report table of a district ledger
# comes near it.
HTML_TABLE_MAX_ROWS = 300
# Cells whose code or output a reader never sees (papermill's and jupyter-book's conventions).
HIDDEN_CELL_TAGS = {"parameters", "injected-parameters", "papermill-error-cell-tag", "remove-cell", "remove_cell"}
HIDDEN_OUTPUT_TAGS = {"remove-output", "remove_output"}
MIME_WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"  # ipywidgets' output, kept by JupyterLab

_WORDS = {
    "zh": {
        "index_title": "报告目录", "report": "报告", "status": "状态", "files": "文件", "message": "说明",
        "built": "生成时间", "pdf": "PDF", "this_run": "本次运行：重做 {made} 份，未改变沿用上次结果 {kept} 份。",
        "done": "完成", "failed": "失败", "skipped": "跳过", "notebook": "执行记录", "excel": "Excel 表格",
        "word": "Word 初稿", "html": "报告", "generated": "生成时间", "summary": "共 {total} 份：完成 {done}，"
        "失败 {failed}，跳过 {skipped}。", "chart_error": "图表无法显示", "error": "运行出错",
        "sample_page": "示例数据 · 非真实数字", "sample_sheet": "（示例数据）",
        "rows_cut": "网页只显示前 {shown:,} 行（共 {total:,} 行），完整表格见本报告的 Excel 表格。",
    },
    "en": {
        "index_title": "Reports", "report": "Report", "status": "Status", "files": "Files", "message": "Details",
        "built": "Built", "pdf": "PDF", "this_run": "This run: {made} made, {kept} unchanged since their last build.",
        "done": "done", "failed": "failed", "skipped": "skipped", "notebook": "executed notebook",
        "excel": "Excel tables", "word": "Word draft", "html": "report", "generated": "Generated",
        "summary": "{total} reports: {done} done, {failed} failed, {skipped} skipped.",
        "chart_error": "chart unavailable", "error": "Error", "sample_page": "Sample data · not real figures",
        "sample_sheet": " (sample)",
        "rows_cut": "Only the first {shown:,} of {total:,} rows are shown here; the report's Excel workbook has "
                    "them all.",
    },
}


def words(lang: str = "zh") -> dict[str, str]:
    """The fixed words of the index and export pages in ``lang``."""
    return _WORDS["en" if lang == "en" else "zh"]


class ExportError(Exception):
    """The page could not be made safe (it would reference something outside the file)."""


# ---------------------------------------------------------------------------------------
# Sanitising HTML we did not write ourselves, and checking pages for external references
# ---------------------------------------------------------------------------------------

_ALLOWED_TAGS = {
    "a", "abbr", "aside", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del", "div",
    "dl", "dt", "em", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i",
    "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "section", "small", "span",
    "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}
_VOID_TAGS = {"br", "col", "hr", "img", "wbr"}
# Dropped together with everything inside them.
_DROPPED_TAGS = {
    "applet", "audio", "base", "button", "canvas", "embed", "form", "frame", "frameset", "head", "iframe",
    "input", "link", "math", "meta", "noscript", "object", "script", "select", "style", "svg", "template",
    "textarea", "title", "video",
}
_ALLOWED_ATTRIBUTES = {"class", "colspan", "rowspan", "scope", "title", "alt", "lang", "dir", "role", "align",
                       "width", "height", "start", "data-table", "data-label"}
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
                kept.append(f' {name}="{html.escape(value, quote=True)}"')
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


@lru_cache(maxsize=None)
def _template(name: str) -> str:
    return (TEMPLATES_DIR / name).read_text(encoding="utf-8")


# plotly.js's official "basic" bundle (trace types bar, pie, scatter) is a quarter of the full
# bundle's 4.8 MB, and Chromium parses it in a third of the time: every report chart is a bar or
# a scatter trace. It is inlined only when it is the same plotly.js version as the installed
# plotly's (figures made by plotly.py then draw exactly as with the full bundle) and a page's
# charts use no other trace type; otherwise the page gets the full bundle. Provenance and how to
# update it: templates/vendor/plotly-basic.provenance.yaml.
BASIC_PLOTLY_JS = TEMPLATES_DIR / "vendor" / "plotly-basic.min.js"
BASIC_TRACE_TYPES = frozenset({"bar", "pie", "scatter"})
_BUNDLE_VERSION = re.compile(r"plotly\.js \(basic - minified\) v(\d+\.\d+\.\d+)")


@lru_cache(maxsize=1)
def _full_plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


@lru_cache(maxsize=1)
def _basic_plotly_js() -> str | None:
    """The vendored basic bundle, or None when it is missing or not the installed plotly.js version."""
    from plotly.offline import get_plotlyjs_version

    try:
        bundle = BASIC_PLOTLY_JS.read_text(encoding="utf-8")
    except OSError:
        return None
    found = _BUNDLE_VERSION.search(bundle[:300])
    if not found or found.group(1) != get_plotlyjs_version():
        return None
    # The header pages are checked by ("plotly.js v…"), saying which bundle this is.
    return f"/* plotly.js v{found.group(1)} basic bundle: bar, pie, scatter */\n{bundle}"


def chart_trace_types(figures: Iterable[Mapping]) -> set[str]:
    """The plotly trace types the figures draw (a trace without a type is a scatter, as in plotly)."""
    return {str(trace.get("type") or "scatter") for figure in figures for trace in (figure.get("data") or [])}


def plotly_js(trace_types: Iterable[str] = ()) -> str:
    """The plotly.js to inline (never fetched) for charts of ``trace_types``: the basic bundle when it serves them."""
    basic = _basic_plotly_js()
    if basic is not None and set(trace_types) <= BASIC_TRACE_TYPES:
        return basic
    return _full_plotly_js()


def _script_json(value: Any) -> str:
    """JSON safe inside a <script> element: no '<', '>' or '&' that HTML could act on; keys sorted.

    Sorted as a saved notebook holds them (nbformat sorts), so a page made from the saved notebook
    is the runner's page, byte for byte.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False, sort_keys=True)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


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


def _sample_print_style(lang: str) -> str:
    # Every printed page of a sample-data report says so in its top margin.
    label = words(lang)["sample_page"].replace("\\", "").replace('"', "")
    return f'@media print {{ @page {{ @top-center {{ content: "{label}"; color: #8a6100; }} }} }}'


def page_html(*, lang: str, title: str, content: str, footer: str = "", charts: list[tuple[str, dict]] = (),
              is_sample: bool = False, body_class: str = "sa-report") -> str:
    """A whole page from the template: CSS inline, plotly.js and the charts' JSON only when there are charts."""
    scripts = ""
    if charts:
        blocks = "\n".join(f'<script type="application/json" class="sa-chart-data" data-target="{escape(cid)}">'
                           f"{_script_json(figure)}</script>" for cid, figure in charts)
        bundle = plotly_js(chart_trace_types(figure for _, figure in charts))
        scripts = (f'<script id="{PLOTLY_SCRIPT_ID}">{bundle}</script>\n{blocks}\n'
                   f"<script>{_template('charts.js')}</script>\n")
    scripts += f"<script>{_template('page.js')}</script>"
    css = _template("report.css") + ("\n" + _sample_print_style(lang) if is_sample else "")
    return string.Template(_template("page.html")).substitute(
        lang="en" if lang == "en" else "zh",
        csp=escape(CONTENT_SECURITY_POLICY),
        version=escape(report.package_version()),
        chart_count=len(charts),
        title=escape(title),
        css=css,
        body_class=escape(body_class),
        banner=report.render_banner(lang) if is_sample else "",
        content=content,
        footer=footer,
        scripts=scripts,
    )


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
            charts.append((chart_id, figure))
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
        xlsx=excel.tables_xlsx(tables, lang=lang, when=when, title=title, **_sample_marks(provenance["is_sample"], lang))
        if tables else None,
        docx=word.word_draft(blocks, title=title, session=session, lang=lang, when=when,
                             **({"sample_mark": words(lang)["sample_page"], "sample_note": report.labels(lang)["banner"]}
                                if provenance["is_sample"] else {})),
    )


# ---------------------------------------------------------------------------------------
# The index of a run
# ---------------------------------------------------------------------------------------


@dataclass
class IndexEntry:
    """One report as the index lists it."""

    name: str
    title: str
    status: str  # "done" | "failed" | "skipped": the state of its files (an unchanged report is "done")
    why: reasons.Message = ()  # why it has that status ('' for a report done)
    session: str = ""
    session_words: Mapping[str, str] = field(default_factory=dict)  # the session as shown, by language
    links: dict[str, str] = field(default_factory=dict)  # kind ("html", "pdf", "notebook", "excel", "word") → path
    built_at: str = ""  # ISO time of the build its files come from ('' when it has none)
    made_now: bool = True  # made (or tried) in this run, not kept from an earlier one


def _session_words(entry: IndexEntry, lang: str) -> str:
    lang = "en" if lang == "en" else "zh"
    if entry.session_words.get(lang):  # worked out by the report's worker (no pandas here)
        return entry.session_words[lang]
    from . import labels  # imports pandas: only for a report that never ran (a no-change rerun stays quick)

    return labels.session_label(entry.session, lang)


def _href(path: str) -> str:
    return quote(path, safe="/.-_~")


def render_index(entries: list[IndexEntry], *, lang: str = "zh", generated_at: dt.datetime | None = None,
                 is_sample: bool = False) -> str:
    """``index.html``: every report of the run with its status, linking each file it produced."""
    w = words(lang)
    counts = {s: sum(1 for e in entries if e.status == s) for s in ("done", "failed", "skipped")}
    kept = sum(1 for e in entries if e.status == "done" and not e.made_now)
    made = sum(1 for e in entries if e.status != "skipped" and e.made_now)
    rows = []
    for entry in entries:
        links = []
        for kind in ("html", "pdf", "notebook", "excel", "word"):
            if entry.links.get(kind):
                links.append(f'<a href="{escape(_href(entry.links[kind]))}">{escape(w[kind])}</a>')
        title = escape(entry.title)
        if entry.links.get("html"):
            title = f'<a href="{escape(_href(entry.links["html"]))}">{title}</a>'
        session = f'<br><small>{escape(_session_words(entry, lang))}</small>' if entry.session else ""
        built = report.format_time(dt.datetime.fromisoformat(entry.built_at), lang) if entry.built_at else "—"
        head = {k: escape(w[k]) for k in ("report", "status", "built", "files", "message")}
        rows.append(
            f'<tr><td data-label="{head["report"]}">{title}{session}<br><small><code>{escape(entry.name)}</code>'
            f'</small></td><td class="sa-status-{escape(entry.status)}" data-label="{head["status"]}">'
            f'{escape(w.get(entry.status, entry.status))}</td>'
            f'<td class="sa-built" data-label="{head["built"]}">{escape(built)}</td>'
            f'<td data-label="{head["files"]}">{" · ".join(links)}</td>'
            f'<td data-label="{head["message"]}">{escape(reasons.text(entry.why, lang))}</td></tr>')
    when = generated_at or report.build_time()
    content = (
        report.render_title({"title": w["index_title"]}, lang)
        + f"<p>{escape(w['summary'].format(total=len(entries), **counts))} "
        f"{escape(w['this_run'].format(made=made, kept=kept))} "
        f"{escape(w['generated'])}: {escape(report.format_time(when, lang))}</p>"
        + '<figure class="sa-table-wrap sa-wide"><table class="sa-table sa-index"><thead><tr>'
        + "".join(f'<th scope="col">{escape(w[k])}</th>' for k in ("report", "status", "built", "files", "message"))
        + "</tr></thead><tbody>" + "".join(rows) + "</tbody></table></figure>"
    )
    return page_html(lang=lang, title=w["index_title"], content=content, is_sample=is_sample, body_class="sa-index")


# ---------------------------------------------------------------------------------------
# PDF: the page printed by headless Chromium, as a leader's printer would print it
# ---------------------------------------------------------------------------------------

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# What Chromium needs on a server, a container or a CI machine: no sandbox (root), no GPU, no
# network of its own (QUIC, component updates, sync), no first-run dialogs; a fresh profile.
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-extensions", "--no-pdf-header-footer", "--run-all-compositor-stages-before-draw")
# The window the page is laid out in before printing: the width of A4's printable area (182 mm at
# 96 px/in is 688 px) plus the page's own padding, so charts are drawn at the width they print at.
PDF_WINDOW = "720,1000"
PDF_RENDER_BUDGET_MS = 15_000  # virtual time for the page's scripts (the charts) before it prints
PDF_TIMEOUT_S = 180
_PDF_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:(\d{14})([^)]*)\)")
_PDF_NODE_ID = re.compile(rb"\(node(\d{8})\)")
_PDF_ID_NAMES = re.compile(rb"/Names \[((?:\s*\(node\d{8}\)\s+\d+ \d+ R)+)\s*\]")


class PdfError(Exception):
    """Chromium could not print a page to PDF (the reason is the message)."""


def find_chromium() -> tuple[str | None, str]:
    """The Chromium to print PDFs with and '' — or None and why not (``SA_PDF=off``, none installed)."""
    import shutil

    if os.environ.get("SA_PDF", "").strip().lower() in {"off", "0", "no", "false"}:
        return None, "SA_PDF=off"
    wanted = os.environ.get("SA_CHROMIUM", "").strip()
    for candidate in ([wanted] if wanted else CHROMIUM_CANDIDATES):
        found = candidate if os.path.isabs(candidate) and os.access(candidate, os.X_OK) else shutil.which(candidate)
        if found:
            return found, ""
    if wanted:
        return None, f"SA_CHROMIUM={wanted} is not an executable"
    return None, "Chromium is not installed (Debian: apt-get install chromium)"


def _fixed_pdf_dates(pdf: bytes, when: dt.datetime) -> bytes:
    """The PDF with its creation and modification dates set to ``when`` (UTC), byte for byte the same length.

    Chromium stamps the moment it printed; the build time instead makes a rebuild give the same
    bytes. A date of another length is left as it is (the cross-reference offsets must not move).
    """
    stamp = when.astimezone(dt.timezone.utc).strftime("%Y%m%d%H%M%S").encode()

    def fixed(match: re.Match) -> bytes:
        replacement = b"/" + match[1] + b" (D:" + stamp + b"+00'00')"
        return replacement if len(replacement) == len(match[0]) else match[0]

    return _PDF_DATE.sub(fixed, pdf)


_PDF_ID_LIMITS = re.compile(rb"/Limits \[\(node\d{8}\) \(node\d{8}\)\](\s*)(/Names \[((?:\s*\(node\d{8}\)\s+\d+ \d+ R)+))")
_PDF_ID_ENTRY = re.compile(rb"(\s*)\(node(\d{8})\)(\s+)(\d+ \d+ R)")


def _fixed_pdf_ids(pdf: bytes) -> bytes:
    """The tagged PDF's element ids (node00000033 …) renumbered 1, 2, 3 … in the order of the objects they name.

    Chromium numbers the elements of the accessibility structure in the order its renderer
    happened to reach them, which varies from run to run, while the objects themselves come out
    in the same order; numbering the ids by their objects makes the same bytes. The ids keep their
    width and the id tree's entries are put back in order of their new ids: the same entries in
    another order, so no offset moves and the tree stays sorted.
    """
    trees = list(_PDF_ID_NAMES.finditer(pdf))
    entries = [e for tree in trees for e in _PDF_ID_ENTRY.finditer(tree[1])]
    if not entries:
        return pdf
    by_object = sorted(entries, key=lambda e: tuple(int(n) for n in e[4].split()[:2]))
    renumbered = {e[2]: b"%08d" % (i + 1) for i, e in enumerate(by_object)}
    if len(renumbered) != len(entries):
        return pdf  # one id twice: not a tree this function understands; leave it as Chromium wrote it
    pdf = _PDF_NODE_ID.sub(lambda m: b"(node" + renumbered.get(m[1], m[1]) + b")", pdf)

    def sorted_tree(tree: re.Match) -> bytes:
        found = list(_PDF_ID_ENTRY.finditer(tree[1]))
        ordered = sorted(found, key=lambda e: e[2])
        body = b"".join(slot[1] + b"(node" + e[2] + b")" + slot[3] + e[4] for slot, e in zip(found, ordered))
        return tree[0].replace(tree[1], body, 1)

    pdf = _PDF_ID_NAMES.sub(sorted_tree, pdf)

    def limits(leaf: re.Match) -> bytes:  # a leaf's /Limits: its first and last id, as the entries now are
        ids = sorted(e[2] for e in _PDF_ID_ENTRY.finditer(leaf[3]))
        return b"/Limits [(node" + ids[0] + b") (node" + ids[-1] + b")]" + leaf[1] + leaf[2]

    return _PDF_ID_LIMITS.sub(limits, pdf)


def print_pdf(page: Path, chromium: str, *, when: dt.datetime | None = None) -> bytes:
    """The page at ``page`` printed to A4 PDF by headless Chromium (its print stylesheet, no browser header)."""
    import shutil
    import subprocess
    import tempfile

    work = Path(tempfile.mkdtemp(prefix="sa-pdf-"))
    target = work / "page.pdf"
    command = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={work / 'profile'}", f"--window-size={PDF_WINDOW}",
               f"--virtual-time-budget={PDF_RENDER_BUDGET_MS}", f"--print-to-pdf={target}",
               Path(page).resolve().as_uri()]
    env = {**os.environ, "TZ": "UTC"}  # dates Chromium writes are UTC, whatever the machine's zone
    try:
        done = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=PDF_TIMEOUT_S, env=env, cwd=work)
        pdf = target.read_bytes() if target.is_file() else b""
        if not pdf.startswith(b"%PDF"):
            last = [line for line in done.stderr.decode("utf-8", "replace").splitlines() if line.strip()][-1:]
            raise PdfError(f"Chromium exit code {done.returncode}, no PDF" + (f": {last[0][-200:]}" if last else ""))
    except subprocess.TimeoutExpired:
        raise PdfError(f"Chromium did not finish within {PDF_TIMEOUT_S} s") from None
    except OSError as exc:
        raise PdfError(f"cannot run {chromium}: {exc.strerror or exc}") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return _fixed_pdf_ids(_fixed_pdf_dates(pdf, when or report.build_time()))
