"""The page every HTML output shares: template, styles, Content-Security-Policy, plotly.js; and the run's index.

A page opens with no network at all: CSS and scripts are inline, plotly.js is inlined once (the
smallest official bundle that draws the page's charts, see ``plotly_scripts``), and a
Content-Security-Policy forbids any fetch. ``render_index`` makes the run's ``index.html`` from
what the runner knows (statuses, reasons as codes, files) without reading any notebook, so a run
that decides nothing changed writes its index without importing pandas or the exporter.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import string
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable, Mapping
from urllib.parse import quote

from . import paths, reasons, report
from .labels import report_status_label
from .report import escape

TEMPLATES_DIR = paths.PACKAGE_DIR / "templates"
# The page may run its own inline scripts and styles and show data: images; nothing else loads.
# plotly.js, unpacked in the page, runs from a blob: URL (compiled off the main thread; templates/plotly-loader.js):
# only the page's own scripts can make one.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval' blob:; style-src 'unsafe-inline'; "
    "img-src data: blob:; font-src data:; connect-src 'none'; worker-src blob:; "
    "base-uri 'none'; form-action 'none'"
)
PLOTLY_SCRIPT_ID = "sa-plotly-js"
CHART_TEMPLATE_ID = "sa-chart-template"  # the plotly template every chart of the page shares (charts.js)

_WORDS = {
    "zh": {
        "index_title": "报告目录", "report": "报告", "status": "状态", "files": "文件", "message": "说明",
        "built": "生成时间", "pdf": "PDF", "this_run": "本次运行：重做 {made} 份，未改变沿用上次结果 {kept} 份。",
        "notebook": "执行记录", "excel": "Excel 表格",
        "word": "Word 初稿", "html": "报告", "generated": "生成时间", "summary": "共 {total} 份：完成 {done}，"
        "失败 {failed}，跳过 {skipped}。", "chart_error": "图表无法显示", "error": "运行出错",
        "sample_page": "示例数据 · 非真实数字", "sample_sheet": "（示例数据）", "item": "项目", "value": "内容",
        "session": "届次",
        "rows_cut": "网页只显示前 {shown:,} 行（共 {total:,} 行），完整表格见本报告的 Excel 表格。",
    },
    "en": {
        "index_title": "Reports", "report": "Report", "status": "Status", "files": "Files", "message": "Details",
        "built": "Built", "pdf": "PDF", "this_run": "This run: {made} made, {kept} unchanged since their last build.",
        "notebook": "executed notebook",
        "excel": "Excel tables", "word": "Word draft", "html": "report", "generated": "Generated",
        "summary": "{total} reports: {done} done, {failed} failed, {skipped} skipped.",
        "chart_error": "chart unavailable", "error": "Error", "sample_page": "Sample data · not real figures",
        "sample_sheet": " (sample)", "item": "item", "value": "value", "session": "session",
        "rows_cut": "Only the first {shown:,} of {total:,} rows are shown here; the report's Excel workbook has "
                    "them all.",
    },
}


def words(lang: str = "zh") -> dict[str, str]:
    """The fixed words of the index and export pages in ``lang``."""
    return _WORDS["en" if lang == "en" else "zh"]


@lru_cache(maxsize=None)
def _template(name: str) -> str:
    return (TEMPLATES_DIR / name).read_text(encoding="utf-8")


# The comments and indentation of the page's own CSS and scripts are for whoever maintains them; a page
# carries neither (2.6 KB of every page, and 4.5 KB more of a page with charts: its loader and charts.js).
_BLOCK_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_INDENT_AND_BLANK_LINES = re.compile(r"\n\s+")


@lru_cache(maxsize=None)
def _shipped(name: str) -> str:
    """Template ``name`` (CSS, or a script commented only with /* */) as a page carries it: no comments, no indent."""
    return _INDENT_AND_BLANK_LINES.sub("\n", _BLOCK_COMMENT.sub("", _template(name))).strip()


# plotly.js's official "basic" bundle (trace types bar, pie, scatter) is a quarter of the full
# bundle's 4.8 MB, and Chromium parses it in a fraction of the time: every report chart is a bar or
# a scatter trace. It is vendored gzip-compressed (379 KB instead of 1.19 MB) and inlined so, as
# text of 94 characters (463 KB: see `in_script_text`; base85 took 474 KB, base64 506 KB, and a
# page must stay under 600 KB with the peers page's tables); the page unpacks it with the browser's own DecompressionStream (no fetch: the
# Content-Security-Policy forbids any) and runs it, then draws the charts. It is used only when it
# is the same plotly.js version as the installed plotly's (figures made by plotly.py then draw
# exactly as with the full bundle) and a page's charts use no trace type it lacks; otherwise the
# page gets the full bundle, inlined as it is. Provenance, pins and how to update it:
# templates/vendor/plotly-basic.provenance.yaml.
BASIC_PLOTLY_GZ = TEMPLATES_DIR / "vendor" / "plotly-basic.min.js.gz"
_BUNDLE_VERSION = re.compile(rb"plotly\.js \(basic - minified\) v(\d+\.\d+\.\d+)")
_BUNDLE_TRACES = re.compile(rb'moduleType:"trace",name:"([a-z0-9]+)"')
# Every printable ASCII character but "<" (and with the space): inside a <script> element the HTML parser acts
# on "<!--" and "</script", and this text must never hold either; nothing else in it is read as markup.
SCRIPT_TEXT_DIGITS = "".join(chr(code) for code in range(0x20, 0x7F) if chr(code) != "<")
_CHUNK_BYTES, _CHUNK_DIGITS = 9, 11  # 94**11 > 2**72: 9 bytes in 11 characters, 1.22 characters a byte


_DIGIT_PAIRS = [first + second for first in SCRIPT_TEXT_DIGITS for second in SCRIPT_TEXT_DIGITS]


def in_script_text(data: bytes) -> str:
    """``data`` as text a <script> element keeps as it is: each 9 bytes (the last padded with zeros) as 11 digits
    of base 94 (`SCRIPT_TEXT_DIGITS`), most significant first; templates/plotly-loader.js reads it back."""
    padded = data + bytes(-len(data) % _CHUNK_BYTES)
    pair = len(_DIGIT_PAIRS)  # two digits at a time: half the divisions (0.03 CPU s for the bundle, once a process)
    out = []
    for start in range(0, len(padded), _CHUNK_BYTES):
        value = int.from_bytes(padded[start:start + _CHUNK_BYTES], "big")
        pairs = []
        for _ in range(_CHUNK_DIGITS // 2):
            value, low = divmod(value, pair)
            pairs.append(_DIGIT_PAIRS[low])
        out.append(SCRIPT_TEXT_DIGITS[value] + "".join(reversed(pairs)))
    return "".join(out)


@dataclass(frozen=True)
class BasicBundle:
    """The vendored basic bundle: its plotly.js version, the trace types it draws, its gzip bytes as script text."""

    version: str
    trace_types: frozenset[str]
    packed: str
    packed_bytes: int


@lru_cache(maxsize=1)
def _full_plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


@lru_cache(maxsize=1)
def basic_bundle() -> BasicBundle | None:
    """The vendored basic bundle, or None when it is missing, unreadable or not the installed plotly.js version."""
    import gzip
    import zlib

    from plotly.offline import get_plotlyjs_version

    try:
        packed = BASIC_PLOTLY_GZ.read_bytes()
        bundle = gzip.decompress(packed)
    except (OSError, EOFError, zlib.error):
        return None
    found = _BUNDLE_VERSION.search(bundle[:300])
    if not found or found.group(1).decode() != get_plotlyjs_version():
        return None
    traces = frozenset(name.decode() for name in _BUNDLE_TRACES.findall(bundle))
    return BasicBundle(found.group(1).decode(), traces, in_script_text(packed), len(packed))


def chart_trace_types(figures: Iterable[Mapping]) -> set[str]:
    """The plotly trace types the figures draw (a trace without a type is a scatter, as in plotly)."""
    return {str(trace.get("type") or "scatter") for figure in figures for trace in (figure.get("data") or [])}


def _basic_bundle_draws(trace_types: Iterable[str]) -> bool:
    basic = basic_bundle()
    return basic is not None and set(trace_types) <= basic.trace_types


def plotly_scripts(trace_types: Iterable[str] = ()) -> str:
    """The plotly.js a page with charts of ``trace_types`` inlines (never fetched): the basic bundle when it serves
    them, compressed, with the few lines that unpack it; else the full bundle."""
    basic = basic_bundle()
    if _basic_bundle_draws(trace_types):
        # The first line names the bundle ("plotly.js v…"), as the full bundle's own header does; the loader's
        # comments stay in its template.
        loader = (f"/* plotly.js v{basic.version} basic bundle ({', '.join(sorted(basic.trace_types))}), "
                  f"gzip-compressed in this page: unpacked here by the browser, never fetched. */\n"
                  + _shipped("plotly-loader.js"))
        return (f'<script id="{PLOTLY_SCRIPT_ID}" type="application/gzip" data-encoding="base94" '
                f'data-bytes="{basic.packed_bytes}">{basic.packed}'
                f"</script>\n<script>{loader}</script>")
    return f'<script id="{PLOTLY_SCRIPT_ID}">{_full_plotly_js()}</script>'


def _script_json(value: Any) -> str:
    """JSON safe inside a <script> element: no '<', '>' or '&' that HTML could act on; keys sorted.

    Sorted as a saved notebook holds them (nbformat sorts), so a page made from the saved notebook
    is the runner's page, byte for byte.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False, sort_keys=True)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def shared_template(figures: list[Mapping]) -> tuple[dict | None, list[Mapping]]:
    """The plotly template every figure's layout carries, once, and the figures without it; (None, figures) else.

    Every chart of a page is themed alike (charts.theme_template): the page carries the theme once and charts.js gives it
    back to each chart before drawing it (0.9 KB a chart).
    """
    themes = [(figure.get("layout") or {}).get("template") for figure in figures]
    if len(figures) < 2 or themes[0] is None or any(theme != themes[0] for theme in themes[1:]):
        return None, figures
    return themes[0], [{**figure, "layout": {k: v for k, v in figure["layout"].items() if k != "template"}}
                       for figure in figures]


def _sample_print_style(lang: str) -> str:
    # Every printed page of a sample-data report says so in its top margin.
    label = words(lang)["sample_page"].replace("\\", "").replace('"', "")
    return f'@media print {{ @page {{ @top-center {{ content: "{label}"; color: #8a6100; }} }} }}'


def page_html(*, lang: str, title: str, content: str, footer: str = "", charts: list[tuple[str, dict]] = (),
              is_sample: bool = False, body_class: str = "sa-report") -> str:
    """A whole page from the template: CSS inline, plotly.js and the charts' JSON only when there are charts."""
    scripts = early_scripts = ""
    if charts:
        theme, figures = shared_template([figure for _, figure in charts])
        blocks = "\n".join(([f'<script type="application/json" id="{CHART_TEMPLATE_ID}">{_script_json(theme)}</script>']
                             if theme is not None else [])
                            + [f'<script type="application/json" class="sa-chart-data" data-target="{escape(cid)}">'
                               f"{_script_json(figure)}</script>" for (cid, _), figure in zip(charts, figures)])
        trace_types = chart_trace_types(figure for _, figure in charts)
        plotly = plotly_scripts(trace_types) + "\n"
        # The compressed basic bundle goes first: it is unpacked and compiled while the browser reads and lays
        # out the rest (benchmarks/README.md, benchmark 4). The full bundle runs where it stands, so it goes last,
        # after the text it would otherwise keep from the screen.
        if _basic_bundle_draws(trace_types):
            early_scripts, plotly = plotly, ""
        scripts = f"{plotly}{blocks}\n<script>{_shipped('charts.js')}</script>\n"
    scripts += f"<script>{_shipped('page.js')}</script>"
    css = _shipped("report.css") + ("\n" + _sample_print_style(lang) if is_sample else "")
    return string.Template(_template("page.html")).substitute(
        lang="en" if lang == "en" else "zh",
        csp=escape(CONTENT_SECURITY_POLICY),
        version=escape(report.package_version()),
        chart_count=len(charts),
        title=escape(title),
        css=css,
        body_class=escape(body_class),
        early_scripts=early_scripts,
        banner=report.render_banner(lang) if is_sample else "",
        content=content,
        footer=footer,
        scripts=scripts,
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
    from . import labels  # only for a report that never ran: a no-change rerun imports neither it nor the settings

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
        rows.append(
            f'<tr><td>{title}{session}<br><small><code>{escape(entry.name)}</code>'
            f'</small></td><td class="sa-status-{escape(entry.status)}">'
            f'{escape(report_status_label(entry.status, lang))}</td>'
            f'<td class="sa-built">{escape(built)}</td>'
            f'<td>{" · ".join(links)}</td>'
            f'<td>{escape(reasons.text(entry.why, lang))}</td></tr>')
    when = generated_at or report.build_time()
    en = lang == "en"  # Chinese sentences run on without spaces, and a Chinese label takes a full-width colon
    summary = (" " if en else "").join((
        w["summary"].format(total=len(entries), **counts), w["this_run"].format(made=made, kept=kept),
        f"{w['generated']}{': ' if en else '：'}{report.format_time(when, lang)}"))
    content = (
        report.render_title({"title": w["index_title"]}, lang)
        + f"<p>{escape(summary)}</p>"
        + '<figure class="sa-table-wrap sa-wide"><table class="sa-table sa-index"><thead><tr>'
        + "".join(f'<th scope="col">{escape(w[k])}</th>' for k in ("report", "status", "built", "files", "message"))
        + "</tr></thead><tbody>" + "".join(rows) + "</tbody></table></figure>"
    )
    return page_html(lang=lang, title=w["index_title"], content=content, is_sample=is_sample, body_class="sa-index")


