"""What a report notebook calls to show things: titles, headline figures, tables, charts, text, provenance.

Notebooks never write files and never reach into ``analysis.run`` or ``analysis.export``.
Each ``show_*`` function displays HTML for JupyterLab *and* attaches the same content as data
in a MIME bundle of its own (``application/vnd.suggestion-analytics.<kind>+json``). The
exporter rebuilds the offline HTML, the Excel tables and the Word draft from that data, so
what a leader reads is rendered by one set of functions (``render_payload``) in one place,
with every piece of text HTML-escaped: a title such as ``<script>`` shows as text.

Charts are displayed as plotly JSON (``application/vnd.plotly.v1+json``): JupyterLab renders
them interactively and the exporter inlines plotly.js once per file. Their text form
(``chart_summary``) lists the values drawn, which nbval compares instead of the JSON. Text inside a chart is
escaped too, except a few harmless formatting tags plotly understands (``<br>``, ``<b>``…);
a trace's ``customdata``, ``text`` and ``hovertext`` are data and escaped wholly, tags and
all, so a hover shows them exactly as written.

The functions that only build or render data (``table_payload``, ``figure_payload``,
``provenance_payload``, ``render_payload``) are pure; ``show_*`` add the display.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import html
import json
import math
import re
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping

from . import __version__, paths
from .files import build_time  # noqa: F401 (the notebooks' and pages' time)
from .provenance import code_hash, file_sha256  # noqa: F401 (a page's footer names both)

MIME_TITLE = "application/vnd.suggestion-analytics.title+json"
MIME_HEADLINE = "application/vnd.suggestion-analytics.headline+json"
MIME_TABLE = "application/vnd.suggestion-analytics.table+json"
MIME_TEXT = "application/vnd.suggestion-analytics.text+json"
MIME_PROVENANCE = "application/vnd.suggestion-analytics.provenance+json"
MIME_PLOTLY = "application/vnd.plotly.v1+json"
OWN_MIMES = (MIME_TITLE, MIME_HEADLINE, MIME_TABLE, MIME_TEXT, MIME_PROVENANCE)

FLOAT_DECIMALS = 4  # default shown decimals of a float cell (trailing zeros dropped)

_LABELS = {
    "zh": {
        "banner": "示例数据：本报告由随机生成的示例数据制作，数字不反映真实办理情况，仅供演示和测试。",
        "provenance": "数据来源与生成信息",
        "files": "数据文件",
        "file": "文件",
        "rows": "行数",
        "file_count": "{n}个文件",
        "sheet": "工作表",
        "sample": "示例数据",
        "params": "参数",
        "version": "程序版本",
        "generated": "生成时间",
        "figure": "图表",
        "table": "表",
        "change": "变化",
        "note": "说明",
        "warning": "注意",
        "code": "代码",
        "scroll_cue": "表格较宽：左右滑动可看全部 {n} 列",
        "empty_table": "{title}：无",
        "fold": "{title}（共 {n} 行）",
    },
    "en": {
        "banner": "Sample data: this report is built from generated sample data; its figures are not real "
                  "and are for demonstration and testing only.",
        "provenance": "Data and provenance",
        "files": "Data files",
        "file": "File",
        "rows": "Rows",
        "file_count": "{n} files",
        "sheet": "sheet",
        "sample": "sample data",
        "params": "Parameters",
        "version": "Package version",
        "generated": "Generated",
        "figure": "Figure",
        "table": "Table",
        "change": "change",
        "note": "Note",
        "warning": "Caution",
        "code": "code",
        "scroll_cue": "Wide table: swipe sideways to see all {n} columns",
        "empty_table": "{title}: none",
        "fold": "{title} ({n} rows)",
    },
}

# Plotly draws a small pseudo-HTML in chart text. After escaping, these attribute-free tags are
# given back so chart builders can still break lines and bold; nothing with an attribute (a
# link, a style) survives, so a hostile label cannot become a link or a script.
_PLOTLY_TAGS = re.compile(r"&lt;(/?)(br|b|i|em|sup|sub|s|u|extra)\s*(/?)&gt;", re.IGNORECASE)
_PLOTLY_SKIP_KEYS = {"template", "bdata", "dtype", "shape"}  # no reader text below these
# A trace's data text: a hover shows it through %{customdata[i]} / %{text}, and plotly reads tags
# in it ('<b>', '<extra>'), so none is given back.
_PLOTLY_DATA_KEYS = {"customdata", "text", "hovertext"}


def labels(lang: str = "zh") -> dict[str, str]:
    """The fixed words of report pages in ``lang`` ("zh" or "en")."""
    return _LABELS["en" if lang == "en" else "zh"]


def escape(value: object) -> str:
    """Any value as HTML text: markup shown as characters, never interpreted."""
    return html.escape("" if value is None else str(value), quote=True)


# An id or a date joined by hyphens (S18-3-032, 市17-3-001, 2024-07-15): a browser may break a line after a hyphen,
# and a phone did, leaving "S18-" at the end of one line and "3-032" on the next. Each is kept on one line; it is
# short (at most 5 parts of 12 characters), so it still fits a 390 px screen.
# an id or a date holds a digit: an English word with a hyphen (twenty-two) wraps as the reader's browser likes
_HYPHENATED = re.compile(r"(?<![\w-])(?=[\w-]*\d)\w{1,12}(?:-\w{1,12}){1,4}(?![\w-])")


def keep_ids_whole(escaped: str) -> str:
    """Escaped text with each hyphenated id or date in a ``<span class="sa-id">`` that never breaks (report.css)."""
    if "-" not in escaped:
        return escaped
    return _HYPHENATED.sub(lambda m: f'<span class="sa-id">{m.group(0)}</span>', escaped)


# ---------------------------------------------------------------------------------------
# Provenance facts: file hashes, package version, build time
# ---------------------------------------------------------------------------------------


def package_version() -> str:
    """The version shown in reports: the release number and the first 12 digits of the code hash."""
    return f"{__version__}+{code_hash()[:12]}"


def format_time(moment: dt.datetime, lang: str = "zh", config: Mapping | None = None) -> str:
    """A build time as readers see it, in the configured zone: '2024-07-15 08:00（Asia/Shanghai，UTC+08:00）'."""
    from zoneinfo import ZoneInfo

    from . import config as settings

    name = str((config if config is not None else settings.load_config()).get("time_zone") or "UTC")
    local = (moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)).astimezone(ZoneInfo(name))
    offset = local.strftime("%z")
    zone = f"UTC{offset[:3]}:{offset[3:]}"
    shown = local.strftime("%Y-%m-%d %H:%M")
    return f"{shown} ({name}, {zone})" if lang == "en" else f"{shown}（{name}，{zone}）"


# ---------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------


def json_value(value: object) -> object:
    """A cell value as plain JSON: None for blanks, int/float/bool/str otherwise, dates as ISO text.

    A ``labels.Shown`` cell (text as printed with the numbers behind it) becomes
    ``{"text": …, "numbers": [{"value", "kind", "decimals", "suffix", "header"}, …]}``, each
    number without the fields that keep ``labels.Number``'s defaults (a plain count is
    ``{"value": 159}``): pages show its text, the Excel workbook writes its numbers.
    """
    if value is None:
        return None
    numbers = getattr(value, "numbers", None)
    if isinstance(value, str) and numbers:
        return {"text": str(value), "numbers": [_number_json(number) for number in numbers]}
    pd = sys.modules.get("pandas")  # a pandas value exists only once pandas is imported (the workers import none)
    if pd is not None:
        if value is pd.NA or value is pd.NaT:
            return None
        if isinstance(value, pd.Timestamp):
            return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        try:
            value = value.item()
        except (ValueError, TypeError):
            pass
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return portable_float(value) if math.isfinite(value) else str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) and value.tzinfo is None else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


# digits a stored number keeps: the last of a float's 17 differ between CPUs (numpy and scipy pick vectorised log and
# exp by the processor: a p-value 0.6608509338158164 on one machine is …163 on another), and a stored notebook, its
# page and its workbook must be the same on every machine; 12 are past any figure a report prints or a workbook shows
PORTABLE_DIGITS = 12


def portable_float(value: float) -> float:
    """A finite float to ``PORTABLE_DIGITS`` significant digits: the same on every machine (1/3 → 0.333333333333)."""
    return float(f"{value:.{PORTABLE_DIGITS}g}")


def _number_json(number) -> dict:
    defaults = {f.name: f.default for f in dataclasses.fields(number)}
    out = {key: value for key, value in dataclasses.asdict(number).items()
           if key == "value" or value != defaults[key]}
    if isinstance(out["value"], float) and math.isfinite(out["value"]):
        out["value"] = portable_float(out["value"])
    return out


def format_value(value: object, spec: str | None = None, lang: str = "zh") -> str:
    """A JSON cell value as text for a reader: blanks empty, floats trimmed, booleans as 是/否, printed cells as printed."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return str(value.get("text", ""))
    if spec:
        try:
            return spec.format(value)
        except (ValueError, TypeError, IndexError, KeyError):
            pass  # a format that does not fit this value: fall back to the default
    if isinstance(value, bool):
        # labels reads the settings: imported here, so a no-change rerun (which imports this module) does not
        from .labels import yes_no

        return yes_no(value, "en" if lang == "en" else "zh")
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        text = f"{value:.{FLOAT_DECIMALS}f}".rstrip("0").rstrip(".")
        return "0" if text in {"-0", ""} else text
    return str(value)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# ---------------------------------------------------------------------------------------
# Payloads: the data each show_* attaches (pure)
# ---------------------------------------------------------------------------------------


def table_payload(df, name: str, title: str | None = None, *, note: str | None = None,
                  section: str | None = None, formats: Mapping[str, str] | None = None) -> dict:
    """The table data a ``show_table`` output carries: columns, rows of JSON values, formats, date columns.

    A cell is a JSON value, or a printed cell with its numbers (see ``json_value``); ``dates``
    names the columns holding dates (ISO text in JSON), which the workbook writes as dates.
    """
    import pandas as pd

    frame = df
    if not isinstance(frame.index, pd.RangeIndex) or any(n is not None for n in frame.index.names):
        frame = frame.reset_index()
    columns = [" / ".join(str(p) for p in c) if isinstance(c, tuple) else str(c) for c in frame.columns]
    rows = [[json_value(v) for v in row] for row in frame.itertuples(index=False, name=None)]
    dates = [name for name, dtype in zip(columns, frame.dtypes) if pd.api.types.is_datetime64_any_dtype(dtype)]
    return {
        "name": str(name),
        "title": "" if title is None else str(title),
        "note": "" if note is None else str(note),
        "section": "" if section is None else str(section),
        "columns": columns,
        "rows": rows,
        "formats": {str(k): str(v) for k, v in (formats or {}).items()},
        "dates": dates,
    }


def _escape_chart_text(text: str) -> str:
    escaped = html.escape(text, quote=False)
    return _PLOTLY_TAGS.sub(lambda m: f"<{m[1]}{m[2].lower()}{m[3]}>", escaped)


def _escape_chart(node: Any, data: bool = False) -> Any:
    if isinstance(node, str):
        return html.escape(node, quote=False) if data else _escape_chart_text(node)
    if isinstance(node, list):
        return [_escape_chart(item, data) for item in node]
    if isinstance(node, dict):
        return {key: (value if key in _PLOTLY_SKIP_KEYS else _escape_chart(value, data)) for key, value in node.items()}
    return node


def _escape_trace(trace: Any) -> Any:
    if not isinstance(trace, dict):
        return _escape_chart(trace)
    return {key: (value if key in _PLOTLY_SKIP_KEYS else _escape_chart(value, key in _PLOTLY_DATA_KEYS))
            for key, value in trace.items()}


def figure_payload(fig) -> dict:
    """A plotly figure as escaped plotly JSON ({data, layout, config}) ready to display or inline."""
    import plotly.io as pio

    raw = fig if isinstance(fig, dict) else json.loads(pio.to_json(fig, validate=False, pretty=False))
    return {
        "data": [_escape_trace(trace) for trace in raw.get("data", [])],
        "layout": _escape_chart(raw.get("layout", {})),
        # the toolbar offers one thing a reader needs, saving the chart as a picture: zoom and pan tools are technical,
        # and a toolbar of eight upright buttons lay over the right end of a legend filling its row (English, 1366 px)
        "config": {"displaylogo": False, "responsive": True, "modeBarButtons": [["toImage"]], **raw.get("config", {})},
    }


_TYPED_ARRAYS = {"f8": "d", "f4": "f", "i1": "b", "u1": "B", "i2": "h", "u2": "H", "i4": "i", "u4": "I"}


def _trace_values(value: Any) -> list:
    """A trace's array as a list: as written, or decoded from plotly's typed-array form ({dtype, bdata})."""
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, Mapping) and value.get("dtype") in _TYPED_ARRAYS and "bdata" in value:
        import array
        import base64

        return array.array(_TYPED_ARRAYS[value["dtype"]], base64.b64decode(value["bdata"])).tolist()
    return []


def _chart_text(value: Any) -> str:
    """Chart text as a reader sees it: plotly's line breaks as spaces, its tags dropped, escapes undone."""
    text = re.sub(r"<br\s*/?>", " ", str(value), flags=re.IGNORECASE)
    return html.unescape(re.sub(r"</?[a-z]+\s*/?>", "", text, flags=re.IGNORECASE)).strip()


def _chart_number(value: Any) -> str:
    if isinstance(value, float):
        return "—" if math.isnan(value) else f"{value:.6g}"  # six digits: no float noise, every real change
    return "—" if value is None else _chart_text(value)


def _figure_meta(fig) -> dict:
    """A figure's ``layout.meta`` as the chart builder wrote it (not escaped for the page)."""
    meta = fig.get("layout", {}).get("meta") if isinstance(fig, dict) else fig.layout.meta
    return dict(meta) if isinstance(meta, Mapping) else {}


def chart_title(payload: Mapping, *, first_line: bool = False) -> str:
    """A chart's title as a reader sees it (plotly's tags dropped); ``first_line``: without its subtitle lines."""
    title = payload.get("layout", {}).get("title")
    text = str(title.get("text", "") if isinstance(title, Mapping) else title or "")
    return _chart_text(re.split(r"<br\s*/?>", text, maxsplit=1, flags=re.IGNORECASE)[0] if first_line else text)


def _trace_points(trace: Mapping) -> tuple[list, list]:
    """A trace's categories and values, whichever way it is drawn (a pie, bars across, a marker line up the side)."""
    if "values" in trace:  # a pie
        return _trace_values(trace.get("labels")), _trace_values(trace.get("values"))
    if trace.get("orientation") == "h":
        return _trace_values(trace.get("y")), _trace_values(trace.get("x"))
    labels, values = _trace_values(trace.get("x")), _trace_values(trace.get("y"))
    if values and all(isinstance(v, str) for v in values):  # categories up the side (a marker line)
        return values, labels
    return labels, values


def draws_anything(payload: Mapping) -> bool:
    """Whether a chart has at least one value to draw (an unknown figure is a gap, None or NaN, not a value)."""
    return any(isinstance(v, (int, float)) and not isinstance(v, bool) and not math.isnan(v)
               for trace in payload.get("data", []) for v in _trace_points(trace)[1])


def draws(fig) -> bool:
    """Whether a plotly figure has a value to draw or says why it has none (``meta.not_drawn``, an on-time rate known
    only as a range): a page shows a section for it only then."""
    return draws_anything(figure_payload(fig)) or bool(_figure_meta(fig).get("not_drawn"))


def chart_summary(payload: Mapping) -> str:
    """A chart's values as short text (its title, then each trace: category value (hover text); …): what nbval compares.

    The plotly JSON itself is not compared (its form changes with plotly's version); this text
    changes exactly when what the chart draws does.
    """
    lines = [f"Figure: {chart_title(payload)}"]
    for trace in payload.get("data", []):
        labels, values = _trace_points(trace)
        # a point's hover text, where a trace gives one per point, says what its value is (an interval, a bound)
        hover = trace.get("hovertext") if isinstance(trace.get("hovertext"), list) else []
        notes = [f" ({_chart_text(h)})" if h else "" for h in hover] + [""] * max(0, len(labels) - len(hover))
        pairs = "; ".join(f"{_chart_text(label)} {_chart_number(value)}{note}"
                          for label, value, note in zip(labels, values, notes))
        lines.append(f"{_chart_text(trace.get('name') or trace.get('type', ''))}: {pairs}")
    return "\n".join(lines)


def _provenance_files(frames: Iterable[Any], files: Iterable[str | Path]) -> list[dict]:
    seen: dict[tuple[str, str], dict] = {}
    for frame in frames:
        for entry in (getattr(frame, "attrs", {}) or {}).get("provenance", []) or []:
            record = {
                "file": Path(str(entry.get("file", ""))).name,
                "sha256": str(entry.get("sha256", "")),
                "rows": json_value(entry.get("rows")),
                "is_sample": bool(entry.get("is_sample", False)),
            }
            if entry.get("sheet"):
                record["sheet"] = str(entry["sheet"])  # the workbook's sheet that was read
            if entry.get("file_count") is not None:
                record["file_count"] = int(entry["file_count"])  # a folder read as one input (peers)
            seen.setdefault((record["file"], record["sha256"]), record)
    for file in files:
        record = {"file": Path(file).name, "sha256": file_sha256(file), "rows": None, "is_sample": False}
        seen.setdefault((record["file"], record["sha256"]), record)
    return list(seen.values())


def _shown_param(value: object) -> object:
    """Parameters as shown: file paths cut to their names (folders can hold a person's name)."""
    if isinstance(value, (list, tuple)):
        return [_shown_param(v) for v in value]
    if isinstance(value, str) and ("/" in value or "\\" in value) and Path(value).suffix:
        return Path(value).name
    return json_value(value)


def provenance_payload(*frames, params: Mapping[str, object] | None = None,
                       files: Iterable[str | Path] = ()) -> dict:
    """Where a report's numbers come from: data files and hashes, parameters, version, build time."""
    records = _provenance_files(frames, files)
    return {
        "files": records,
        "params": {str(k): _shown_param(v) for k, v in (params or {}).items()},
        "package_version": package_version(),
        "generated_at": build_time().isoformat(),
        "is_sample": any(r["is_sample"] for r in records),
    }


# ---------------------------------------------------------------------------------------
# Rendering (pure): payload → HTML and plain text. The exporter calls these too.
# ---------------------------------------------------------------------------------------


def render_banner(lang: str = "zh") -> str:
    """The sample-data banner."""
    return f'<div class="sa-banner" role="note">{escape(labels(lang)["banner"])}</div>'


def render_title(payload: Mapping, lang: str = "zh") -> str:
    """HTML of a report title with its session and subtitle."""
    parts = [f'<h1 class="sa-title">{escape(payload.get("title"))}</h1>']
    for key in ("session", "subtitle"):
        if payload.get(key):
            parts.append(f'<p class="sa-{key}">{escape(payload[key])}</p>')
    return '<header class="sa-header">' + "".join(parts) + "</header>"


def render_headline(payload: Mapping, lang: str = "zh") -> str:
    """HTML of one headline figure: label, value, change, note."""
    parts = [f'<span class="sa-headline-label">{escape(payload.get("label"))}</span>',
             f'<span class="sa-headline-value">{escape(payload.get("value"))}</span>']
    if payload.get("change"):
        parts.append(f'<span class="sa-headline-change">{escape(payload["change"])}</span>')
    if payload.get("note"):
        parts.append(f'<span class="sa-headline-note">{escape(payload["note"])}</span>')
    return '<div class="sa-headline">' + "".join(parts) + "</div>"


_SHORT_CELL = 12  # characters: a cell this short is never wrapped
# A table with this many columns shows each row as a card of "header: value" lines on a phone
# (a 390 px screen shows two or three columns of it at once); a narrower one scrolls, with a cue.
WIDE_TABLE_COLUMNS = 6
# A table of more rows is folded on a phone (page.js closes its <details>): the page reads as text,
# headline figures and charts first, each long table one tap away under its caption. Open on a
# desk and on paper, and whenever scripts do not run.
FOLD_ROWS = 10


# Text that is a figure as a report printed it (159, 10%, 57；37.7%, 160余): aligned as the counts beside it.
_PRINTED_FIGURE = re.compile(r"\d[\d.,%％；; ]*(余|以上|多)?")


def _is_printed_number(value: object) -> bool:
    """A cell that shows numbers: a printed cell that carries them (86（66.7%）, 48.1%, < 0.001), or a figure as printed."""
    if isinstance(value, str):
        return _PRINTED_FIGURE.fullmatch(value) is not None
    return isinstance(value, dict) and bool(value.get("numbers"))


def number_columns(columns: list, rows: list, formats: Mapping, lang: str = "zh") -> list[bool]:
    """For each column of a table payload: does it hold numbers, every other cell a short word or mark (暂缺, —)?

    Such a column is right-aligned, its header too, on the page, on paper and in the Word draft.
    """
    found = []
    for index, column in enumerate(columns):
        values = [row[index] for row in rows if index < len(row) and row[index] not in (None, "")]
        words = [v for v in values if not (_is_number(v) or _is_printed_number(v))]
        found.append(len(words) < len(values) and all(
            len(format_value(v, formats.get(column), lang)) <= _SHORT_CELL for v in words))
    return found


def render_table(payload: Mapping, lang: str = "zh") -> str:
    """HTML of a table payload, every cell escaped, numbers right-aligned in tabular figures, short cells on one line.

    A column of numbers (counts, percents, "30/159（18.87%）", p-values, with a short mark such as
    暂缺 where one is missing) is right-aligned, its header too; a number in a column of text is
    right-aligned in its cell. A table of more than ``FOLD_ROWS`` rows sits in a ``<details>``
    that a phone shows folded under the caption and the row count (report.css, page.js).
    """
    formats = payload.get("formats") or {}
    columns = payload.get("columns") or []
    rows = payload.get("rows") or []
    if not rows:  # a header over nothing reads as a table that failed to fill: say there is none
        words = labels(lang)["empty_table"].format(title=payload.get("title") or "")
        note = f'<figcaption class="sa-table-note">{escape(payload["note"])}</figcaption>' if payload.get("note") else ""
        return (f'<figure class="sa-table-wrap" data-table="{escape(payload.get("name"))}">'
                f'<p class="sa-table-empty">{escape(words.lstrip("：: "))}</p>{note}</figure>')
    numeric = number_columns(columns, rows, formats, lang)
    wide = " sa-wide" if len(columns) >= WIDE_TABLE_COLUMNS else ""
    out = [f'<figure class="sa-table-wrap{wide}" data-table="{escape(payload.get("name"))}">',
           f'<p class="sa-scroll-cue">{escape(labels(lang)["scroll_cue"].format(n=len(columns)))}</p>',
           '<table class="sa-table sa-data">']
    if payload.get("title"):
        out.append(f"<caption>{escape(payload['title'])}</caption>")
    heads = (f'<th scope="col" class="num">{escape(c)}</th>' if is_number else f'<th scope="col">{escape(c)}</th>'
             for c, is_number in zip(columns, numeric))
    out.append("<thead><tr>" + "".join(heads) + "</tr></thead>")
    out.append("<tbody>")
    for row in rows:
        cells = []
        for column, value, in_numbers in zip(columns, row, numeric):
            shown = format_value(value, formats.get(column), lang)
            # short text (ids, dates, unit names) stays on one line; long text wraps in a wide column
            # (short, the common case, is the table's default and needs no class: a page stays under 600 KB).
            # A phone's card layout labels each cell with its header: page.js copies it from <thead>.
            if _is_number(value) or _is_printed_number(value) or (in_numbers and shown):
                kind = "num"
            else:
                kind = "" if len(shown) <= _SHORT_CELL else "long"
            if kind == "long":  # a long cell wraps: never inside an id (the drawn ids of a sample)
                cells.append(f'<td class="long">{keep_ids_whole(escape(shown))}</td>')
            elif kind:
                cells.append(f'<td class="{kind}">{escape(shown)}</td>')
            else:  # nor a short one, which wraps on paper: 2024-02-16 and S18-3-029 were printed "2024-" over "02-16"
                cells.append(f"<td>{keep_ids_whole(escape(shown))}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    if payload.get("note"):
        out.append(f'<figcaption class="sa-table-note">{escape(payload["note"])}</figcaption>')
    out.append("</figure>")
    if len(rows) > FOLD_ROWS:
        fold = labels(lang)["fold"].format(title=payload.get("title") or labels(lang)["table"], n=len(rows))
        out.insert(0, f'<details class="sa-fold" open><summary>{escape(fold)}</summary>')
        out.append("</details>")
    return "".join(out)


def markdown_html(text: str) -> str:
    """Markdown as HTML, with any HTML in the text escaped first (so data cannot become markup)."""
    import mistune

    renderer = mistune.create_markdown(escape=True, plugins=["table", "strikethrough"])
    return renderer(text)


def render_text(payload: Mapping, lang: str = "zh") -> str:
    """HTML of a text payload: markdown, plain paragraphs, or a note box."""
    kind = payload.get("kind")
    heading = payload.get("heading")
    head = f"<h2>{escape(heading)}</h2>" if heading else ""
    if kind == "markdown":
        body = markdown_html(str(payload.get("text", "")))
    elif kind == "note":
        word = labels(lang)["warning" if payload.get("level") == "warning" else "note"]
        css = "sa-note sa-warning" if payload.get("level") == "warning" else "sa-note"
        colon = ": " if lang == "en" else "："
        return (f'<aside class="{css}"><strong>{escape(word)}{colon}</strong>'
                f'{keep_ids_whole(escape(payload.get("text", "")))}</aside>')
    else:
        body = "".join(f"<p>{keep_ids_whole(escape(p))}</p>" for p in payload.get("paragraphs") or [])
    return f'<div class="sa-text">{head}{body}</div>'


def render_provenance(payload: Mapping, lang: str = "zh") -> str:
    """HTML of the provenance block: data files and hashes, parameters, version, build time."""
    words = labels(lang)
    files = []
    for record in payload.get("files") or []:
        extra = []
        if record.get("sheet"):
            extra.append(f'{escape(words["sheet"])} {escape(record["sheet"])}')
        if record.get("file_count") is not None:
            extra.append(escape(words["file_count"].format(n=record["file_count"])))
        if record.get("rows") is not None:
            extra.append(f'{escape(words["rows"])} {escape(record["rows"])}')
        if record.get("is_sample"):
            extra.append(escape(words["sample"]))
        # Chinese punctuation on a Chinese page: （行数 466；示例数据）
        suffix = ("" if not extra else f' ({"; ".join(extra)})' if lang == "en" else f'（{"；".join(extra)}）')
        files.append(f'<li><span class="sa-file">{escape(record.get("file"))}</span>{suffix}'
                     f'<br><code class="sa-hash">sha256 {escape(record.get("sha256"))}</code></li>')
    # each in words a reader reads (代表姓名化名：否), then its literal for whoever runs the report again
    from .labels import parameter_label

    params = "".join(
        f"<li>{escape(parameter_label(k, v, lang))}{'<br>' if parameter_label(k, v, lang) else ''}"
        f'<code class="sa-param">{escape(k)} = {escape(json.dumps(v, ensure_ascii=False))}</code></li>'
        for k, v in (payload.get("params") or {}).items())
    generated = payload.get("generated_at")
    shown_time = format_time(dt.datetime.fromisoformat(generated), lang) if generated else ""
    colon = ": " if lang == "en" else "："  # a Chinese page's colon is full-width, with no space after it
    return (
        '<section class="sa-provenance">'
        f'<h2>{escape(words["provenance"])}</h2>'
        f'<h3>{escape(words["files"])}</h3><ul>{"".join(files)}</ul>'
        f'<h3>{escape(words["params"])}</h3><ul>{params}</ul>'
        f'<p>{escape(words["version"])}{colon}<code>{escape(payload.get("package_version"))}</code>'
        f' · {escape(words["generated"])}{colon}{escape(shown_time)}</p>'
        "</section>"
    )


_RENDERERS = {
    MIME_TITLE: render_title,
    MIME_HEADLINE: render_headline,
    MIME_TABLE: render_table,
    MIME_TEXT: render_text,
    MIME_PROVENANCE: render_provenance,
}


def render_payload(mime: str, payload: Mapping, lang: str = "zh") -> str:
    """HTML for one of this module's payloads (dispatch on its MIME type)."""
    return _RENDERERS[mime](payload, lang)


def plain_text(mime: str, payload: Mapping) -> str:
    """The text/plain form of a payload: stable and short, what notebook tests compare."""
    if mime == MIME_TITLE:
        return " — ".join(str(payload[k]) for k in ("title", "session", "subtitle") if payload.get(k))
    if mime == MIME_HEADLINE:
        text = f"{payload.get('label')}: {payload.get('value')}"
        if payload.get("change"):
            text += f" ({payload['change']})"
        if payload.get("note"):
            text += f" — {payload['note']}"
        return text
    if mime == MIME_TABLE:
        lines = [payload.get("title") or payload.get("name", ""), "\t".join(payload.get("columns", []))]
        formats = payload.get("formats") or {}
        for row in payload.get("rows", []):
            lines.append("\t".join(format_value(v, formats.get(c)) for c, v in zip(payload["columns"], row)))
        return "\n".join(lines)
    if mime == MIME_TEXT:
        if payload.get("kind") == "paragraphs":
            return "\n\n".join(payload.get("paragraphs") or [])
        return str(payload.get("text", ""))
    if mime == MIME_PROVENANCE:
        return "provenance: " + ", ".join(f"{r['file']} sha256 {r['sha256'][:12]}" for r in payload.get("files", []))
    raise KeyError(mime)


# ---------------------------------------------------------------------------------------
# Display: what notebooks call
# ---------------------------------------------------------------------------------------


def _display(mime: str, payload: dict, lang: str, *, prefix_html: str = "") -> None:
    from IPython.display import display

    bundle = {
        mime: payload,
        "text/html": prefix_html + render_payload(mime, payload, lang),
        "text/plain": plain_text(mime, payload),
    }
    display(bundle, raw=True, metadata={mime: {"lang": lang}})


def show_title(title: str, *, session: str | None = None, subtitle: str | None = None, lang: str = "zh") -> None:
    """Show the report title (and session); the exporter uses it as the page title."""
    payload = {"title": str(title), "session": "" if session is None else str(session),
               "subtitle": "" if subtitle is None else str(subtitle)}
    _display(MIME_TITLE, payload, lang)


def show_headline(label: str, value: object, *, change: str | None = None, note: str | None = None,
                  name: str | None = None, section: str | None = None, lang: str = "zh") -> None:
    """Show one headline figure (e.g. 收到建议 172件) with its change and a note."""
    payload = {"label": str(label), "value": format_value(json_value(value), lang=lang),
               "change": "" if change is None else str(change), "note": "" if note is None else str(note),
               "name": "" if name is None else str(name), "section": "" if section is None else str(section)}
    _display(MIME_HEADLINE, payload, lang)


def show_table(df, name: str, title: str | None = None, *, lang: str = "zh", note: str | None = None,
               section: str | None = None, formats: Mapping[str, str] | None = None, skip_empty: bool = False) -> None:
    """Show a table; the exporter also writes it as sheet ``name`` of the report's Excel workbook. ``skip_empty``: a
    table of no row shows nothing (no heading over nothing, no empty sheet)."""
    if skip_empty and not len(df):
        return
    _display(MIME_TABLE, table_payload(df, name, title, note=note, section=section, formats=formats), lang)


def show_figure(fig, name: str | None = None, *, section: str | None = None, heading: str | None = None,
                skip_empty: bool = False) -> None:
    """Show a plotly figure: interactive in JupyterLab, inlined in the offline HTML, its values as text (nbval).
    ``heading``: a section heading above it; ``skip_empty``: a chart with nothing to draw nor to say why (``draws``)
    shows nothing, heading included, rather than a note that it is not drawn."""
    from IPython.display import display

    if skip_empty and not draws(fig):
        return
    if heading is not None:
        show_markdown("", heading=heading, lang="en" if _figure_meta(fig).get("lang") == "en" else "zh")
    payload = figure_payload(fig)
    if not draws_anything(payload):  # every figure it would draw is unknown: a frame of empty axes says nothing
        meta = _figure_meta(fig)
        lang = "en" if meta.get("lang") == "en" else "zh"
        title = chart_title(payload, first_line=True)  # the on-time chart's rule, its second line, is said elsewhere
        # a chart may say why it has nothing to draw (an on-time rate known only as a range: charts._with_ranges)
        why = str(meta.get("not_drawn") or ("not drawn, none of its figures is known" if lang == "en" else "各项数字均暂缺，未画此图"))
        show_note(f"{title}: {why}" if lang == "en" else f"{title}：{why}", section=section, lang=lang)
        return
    # "escaped" tells the exporter this figure's text is already safe (not to escape it twice).
    metadata = {MIME_PLOTLY: {"name": "" if name is None else str(name),
                              "section": "" if section is None else str(section), "escaped": True}}
    # The text form holds the values drawn: nbval compares it (not the plotly JSON), so a changed value fails.
    display({MIME_PLOTLY: payload, "text/plain": chart_summary(payload)}, raw=True, metadata=metadata)


def show_markdown(text: str, *, section: str | None = None, heading: str | None = None, lang: str = "zh") -> None:
    """Show generated Markdown text (HTML inside it is shown as text, not interpreted)."""
    payload = {"kind": "markdown", "text": str(text), "heading": "" if heading is None else str(heading),
               "section": "" if section is None else str(section)}
    _display(MIME_TEXT, payload, lang)


def show_paragraphs(paragraphs: Iterable[str] | str, *, heading: str | None = None, section: str | None = None,
                    lang: str = "zh") -> None:
    """Show plain paragraphs (e.g. the 汇报 paragraphs); a ``section`` also puts them in the Word draft."""
    items = [paragraphs] if isinstance(paragraphs, str) else [str(p) for p in paragraphs]
    if not heading and not any(items):  # a sentence that has nothing to say ('') is no paragraph
        return
    payload = {"kind": "paragraphs", "paragraphs": items, "heading": "" if heading is None else str(heading),
               "section": "" if section is None else str(section)}
    _display(MIME_TEXT, payload, lang)


def show_note(text: str, *, level: str = "info", section: str | None = None, lang: str = "zh") -> None:
    """Show a data note or caveat in a box (``level`` "info" or "warning")."""
    payload = {"kind": "note", "text": str(text), "level": "warning" if level == "warning" else "info",
               "section": "" if section is None else str(section)}
    _display(MIME_TEXT, payload, lang)


def show_provenance(*frames, params: Mapping[str, object] | None = None, files: Iterable[str | Path] = (),
                    lang: str = "zh") -> None:
    """Show where the numbers come from (files from ``frames``' attrs and ``files``); banner if sample data."""
    payload = provenance_payload(*frames, params=params, files=files)
    _display(MIME_PROVENANCE, payload, lang, prefix_html=render_banner(lang) if payload["is_sample"] else "")
