"""Figure builders: an aggregated frame in, a plotly Figure out, one theme, no I/O.

Every builder takes the frames of ``analysis.metrics`` (never one row per suggestion: a
ledger may hold a million) and returns a ``plotly.graph_objects.Figure`` with Chinese
labels by default (``lang="en"`` for English). One theme throughout: a CJK-capable font
stack, a white background, colours per outcome class and per handling body taken by
position from colour-blind-safe palettes (Okabe–Ito, Paul Tol) whose neighbours differ in
lightness, and bar patterns so that print in black and white still tells them apart.
Figures carry no random ids, so the same data gives the same figure JSON.

Names that come from data or settings (handling bodies, units, topics, outcome classes)
reach a hover only through ``customdata`` (``%{customdata[i]}``), never pasted into a
``hovertemplate``: plotly would read ``%{…}``, ``<extra>`` or ``<b>`` in a name as its own
syntax. ``report.figure_payload`` escapes ``customdata`` wholly, so a hover shows the name
exactly as written.
"""
from __future__ import annotations

import html
import math
import os
import re
from collections.abc import Iterable

import pandas as pd
import plotly.graph_objects as go

from . import chart_margins, labels, metrics, schema, stats
from . import sessions as _sessions

FONT_FAMILY = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "SimHei", sans-serif'

# Outcome classes by position in the scheme: blue, orange, bluish green, … (Okabe–Ito).
CLASS_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
# Handling bodies by position in the configured order: dark indigo, light sand, … (Tol muted).
BODY_COLOURS = ("#332288", "#DDCC77", "#44AA99", "#CC6677", "#88CCEE", "#999933", "#AA4499")
# Bar fill patterns by position, so series stay apart in greyscale.
PATTERNS = ("", "/", ".", "x", "\\", "+", "-")
SATISFACTION_COLOURS = {"satisfied": "#117733", "basically_satisfied": "#88CCEE", "unsatisfied": "#CC6677"}
UNCLASSIFIED_COLOUR = "#BBBBBB"
FLAGGED_COLOUR = "#D55E00"
NORMAL_COLOUR = "#0072B2"
NOT_RATED_COLOUR = "#BBBBBB"
INK = "#222222"
GRID = "#E5E5E5"


# ---------------------------------------------------------------------------------------
# Theme
# ---------------------------------------------------------------------------------------


def theme_template() -> go.layout.Template:
    """The one chart theme: fonts, white background, light grid, no chart junk."""
    axis = {"showgrid": False, "zeroline": False, "linecolor": INK, "ticks": "outside",
            "tickcolor": INK, "title": {"standoff": 8}, "automargin": True}
    return go.layout.Template(layout={
        "font": {"family": FONT_FAMILY, "size": 14, "color": INK},
        "title": {"x": 0, "xanchor": "left", "font": {"size": 17}},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "xaxis": axis,
        "yaxis": {**axis, "showgrid": True, "gridcolor": GRID, "linecolor": INK},
        # Above the plot, left-aligned: it wraps to more rows on a narrow screen and pushes the plot
        # down (margin.autoexpand) rather than covering it; pages show the title as a caption above.
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0,
                   "title": {"text": ""}, "font": {"size": 13}},
        "margin": {"l": 60, "r": 20, "t": 80, "b": 60},
        # The toolbar (shown on a desk when the pointer is over a chart) stands upright in the top right corner:
        # lying flat there it covered the right end of a legend that fills its row (the English category legend).
        "modebar": {"orientation": "v"},
        "hoverlabel": {"font": {"family": FONT_FAMILY}},
        "bargap": 0.3,
    })


def class_style(scheme, code: str) -> dict:
    """Colour and pattern of an outcome class, by its position in the scheme."""
    i = list(scheme.codes).index(code)
    return {"color": CLASS_COLOURS[i % len(CLASS_COLOURS)], "pattern": PATTERNS[i % len(PATTERNS)]}


def body_style(handler: str, handlers: list[str]) -> dict:
    """Colour and pattern of a handling body, by its position in the configured order."""
    i = handlers.index(handler) if handler in handlers else len(handlers)
    return {"color": BODY_COLOURS[i % len(BODY_COLOURS)], "pattern": PATTERNS[i % len(PATTERNS)]}


def _figure(title: str, x_title: str, y_title: str, lang: str) -> go.Figure:
    """An empty figure in the house theme; ``meta.lang`` lets the page say in the reader's language that a chart with
    nothing known to draw was left out (``report.show_figure``)."""
    fig = go.Figure()
    fig.update_layout(template=theme_template(), title={"text": title}, meta={"lang": lang},
                      xaxis={"title": {"text": x_title}}, yaxis={"title": {"text": y_title}})
    return fig


def _bar_marker(style: dict) -> dict:
    return {"color": style["color"], "line": {"color": INK, "width": 0.5},
            "pattern": {"shape": style["pattern"], "fgcolor": INK, "size": 6, "solidity": 0.25}}


def _require(frame: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    if "suggestion_id" in frame.columns:
        raise ValueError(f"{what}: charts plot aggregated figures (analysis.metrics), not one row per suggestion")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what}: the frame lacks column(s) {', '.join(missing)}; pass a frame from analysis.metrics")


def _num(value):
    """A plain float for plotly, None for unknown (a gap, not a zero)."""
    return None if value is None or value is pd.NA or pd.isna(value) else float(value)


def _int(value):
    return None if value is None or value is pd.NA or pd.isna(value) else int(value)


def _pct_text(value, decimals: int = 1, lang: str = "zh") -> str:
    return labels.format_pct(value, decimals, lang) if _num(value) is not None else labels.not_available(lang)


def _single_sessions(frame: pd.DataFrame) -> list[str]:
    return metrics.order_sessions((s for s in frame["session"] if not metrics.is_total_label(s)),
                                  metrics.frame_years(frame))


def _period_axis(session_list: list[str], lang: str) -> str:
    """The periods axis's name: 会议 / 年度 / 期间 ('session', 'year', 'period'), as ``sessions.periods_noun`` says."""
    noun = _sessions.periods_noun(session_list, lang)
    return noun[:-1] if lang == "en" else noun.removeprefix("次")


def _ticks(frame: pd.DataFrame, session_list: list[str], lang: str) -> list[str]:
    """Axis labels: the short session name, and a second line when it rests on published or derived figures."""
    out = []
    for s in session_list:
        rows = frame[frame["session"] == s]
        text = labels.session_label(s, lang, short=True, year=False)
        held = labels.session_year(s)
        if held is not None:  # the year on a line of its own keeps the ticks narrow on a phone
            text += f"<br>{held}" + ("年" if lang != "en" else "")
        marks = []
        if "basis" in rows.columns and (rows["basis"] == "published").any():
            marks.append(labels.basis_label("published", lang))
        if "status" in rows.columns and (rows["status"] == "derived").any():
            marks.append(labels.status_label("derived", lang))
        if "is_sample" in rows.columns and rows["is_sample"].fillna(False).astype(bool).any():
            marks.append("示例数据" if lang != "en" else "sample data")
        out.append(text + ("<br>" + "·".join(marks) if marks else ""))
    return out


def _status_words(row, lang: str) -> str:
    if row is None:
        return labels.not_available(lang)
    words = labels.status_label(row.status, lang) if row.status else ""
    basis = labels.basis_label(row.basis, lang) if row.basis else ""
    parts = (basis, words, _printed_apart(row, lang))
    return "，".join(w for w in parts if w) if lang != "en" else ", ".join(w for w in parts if w)


def _printed_apart(row, lang: str) -> str:
    """The percent the report printed, when it is not what the chart shows: the chart plots count ÷ base, and a page's
    cards and tables show the printed figure (a truncation, a plug, or one the checker marks 与件数不符), so the hover
    names it — 原文为 64.25%（与件数不符） — and no reader meets two values for one share unexplained. '' otherwise."""
    return labels.printed_apart_label(labels.printed_percent(row), lang)  # '' when none printed is apart


def _lookup(frame: pd.DataFrame, session: str, handler: str, measure: str, category: str = ""):
    hit = frame[(frame["session"] == session) & (frame["handler"] == handler)
                & (frame["measure"] == measure) & (frame["category"] == category)]
    return next(hit.itertuples(), None) if len(hit) else None


_FIGURE_COLUMNS = ("session", "handler", "measure", "category", "count", "base", "share_pct", "status", "basis")


# ---------------------------------------------------------------------------------------
# Builders
# ---------------------------------------------------------------------------------------


def plot_received_trend(figures: pd.DataFrame, *, lang: str = "zh", config=None) -> go.Figure:
    """Suggestions handled by each body per session (stacked bars) and received (line), from a figures frame."""
    labels.check_lang(lang)
    _require(figures, _FIGURE_COLUMNS, "plot_received_trend")
    cfg = metrics._config(config, figures)
    session_list = _single_sessions(figures)
    ticks = _ticks(figures, session_list, lang)
    handlers = metrics.handlers_of(None, cfg)
    present = set(figures.loc[figures["measure"] == "handled", "handler"])
    bodies = [h for h in handlers if h in present] + sorted(present - set(handlers) - {""})
    noun = _sessions.periods_noun(session_list, lang)
    fig = _figure(f"各{noun}收到及办理代表建议件数" if lang != "en" else f"Suggestions received and handled, by {noun[:-1]}",
                  _period_axis(session_list, lang), "件数" if lang != "en" else "suggestions", lang)
    for body in bodies:
        rows = [_lookup(figures, s, body, "handled") for s in session_list]
        name = labels.handler_label(body, lang, cfg)
        fig.add_trace(go.Bar(
            name=name, x=ticks, y=[_int(r.count) if r else None for r in rows],
            marker=_bar_marker(body_style(body, bodies)),
            customdata=[[_pct_text(r.share_pct if r else None, 2, lang), _status_words(r, lang), name] for r in rows],
            hovertemplate=("%{x}<br>%{customdata[2]}"
                           + ("：%{y}件（占%{customdata[0]}）<br>%{customdata[1]}" if lang != "en"
                              else ": %{y} (%{customdata[0]})<br>%{customdata[1]}") + "<extra></extra>"),
        ))
    received = [_lookup(figures, s, "", "received") for s in session_list]
    fig.add_trace(go.Scatter(
        name=labels.measure_label("received", lang), x=ticks, y=[_int(r.count) if r else None for r in received],
        mode="lines+markers+text", text=[str(_int(r.count)) if r and _int(r.count) is not None else "" for r in received],
        textposition="top center", line={"color": INK, "dash": "dash", "width": 1.5},
        marker={"symbol": "diamond", "size": 9, "color": INK},
        customdata=[[_status_words(r, lang)] for r in received],
        hovertemplate="%{x}<br>" + labels.measure_label("received", lang)
                      + ("：%{y}件" if lang != "en" else ": %{y}") + "<br>%{customdata[0]}<extra></extra>",
        cliponaxis=False,
    ))
    # headroom above the tallest bar or point, so the value printed above it is not cut off
    stacked = [sum(v for v in values if v is not None) for values in zip(*(t.y for t in fig.data[:-1]))] or [0]
    top = max([v for v in fig.data[-1].y if v is not None] + stacked + [0])
    if top:
        fig.update_yaxes(range=[0, top * 1.15])
    fig.update_layout(barmode="stack")
    series = [("", "received", labels.measure_label("received", lang))] + [
        (body, "handled", labels.handler_label(body, lang, cfg)) for body in bodies]
    return _with_totals(fig, figures, session_list, series, lang)


def _with_totals(fig: go.Figure, figures: pd.DataFrame, session_list: list[str],
                 series: list[tuple[str, str, str]], lang: str) -> go.Figure:
    """Periods a report prints only together (S08: 245 for sessions 1–3, each session's own count not printed) have no
    bar of their own: the chart says so under its title, with the combined figure as printed, so a blank bar never
    reads as zero or as unknown. ``series``: (body, measure, name) of what the chart draws; any total of periods the
    chart shows (sessions or years) whose figure is printed and some of whose periods have none of their own."""
    items = []
    for total in dict.fromkeys(str(s) for s in figures["session"] if metrics.is_total_label(s)):
        parts = _sessions.split_total(total)
        if not set(parts) <= set(session_list):
            continue
        printed = []
        for body, measure, name in series:
            row = _lookup(figures, total, body, measure)
            own = [_lookup(figures, s, body, measure) for s in parts]
            if row is not None and _int(row.count) is not None and any(p is None or _int(p.count) is None for p in own):
                printed.append(f"{name}{_int(row.count)}件" if lang != "en" else f"{name} {_int(row.count)}")
        if printed:
            periods = _sessions.periods_words(parts, lang)
            items.append((f"{periods}合计印出：", "，".join(printed)) if lang != "en"
                         else (f"{periods[:1].upper()}{periods[1:]}", f"together, as printed: {', '.join(printed)}"))
    if not items:
        return fig
    head = "以下只印出合计，未分别画出" if lang != "en" else "Printed only as combined totals, not drawn apart"
    said = ("只印出合计，未分别画出：" + "；".join(a.removesuffix("：") + b for a, b in items) if lang != "en"
            else f"{head}: " + "; ".join(f"{a} {b}" for a, b in items))
    # the periods on a line, their figures on the next: each whole on a phone, never broken inside a word
    lines = [part.strip() for pair in items for line in pair for part in axis_lines(line, NOTE_LINE_PX).split("<br>")]
    return _under_title(fig, [head, *lines], said)


# A line under a chart's title, in plotly's smaller <sup> text: within a 360 px phone's chart, at the theme's 14 px.
NOTE_LINE_PX = 300.0


def _under_title(fig: go.Figure, lines: list[str], said: str) -> go.Figure:
    """``lines`` under ``fig``'s title, the plot moved down to make room; ``said`` is what a page shows in the chart's
    place when it has nothing else to draw (``meta.not_drawn``)."""
    title = fig.layout.title.text or ""
    fig.update_layout(title={"text": title + "".join(f"<br><sup>{line}</sup>" for line in lines)},
                      meta={**(fig.layout.meta or {}), "not_drawn": said},
                      margin={"t": max(int(fig.layout.margin.t or 0), 90) + 18 * len(lines)})
    return fig


def plot_port_zone_share(figures: pd.DataFrame, *, lang: str = "zh", config=None) -> go.Figure:
    """The port zone's share of suggestions per session with its Wilson 95% interval; totals as a reference line."""
    labels.check_lang(lang)
    _require(figures, _FIGURE_COLUMNS, "plot_port_zone_share")
    cfg = metrics._config(config, figures)
    zone = str(cfg.get("port_zone", ""))
    rows = metrics.port_zone_share(figures, config=cfg)
    session_list = _single_sessions(rows)
    ticks = _ticks(figures, session_list, lang)
    zone_name = labels.handler_label(zone, lang, cfg)
    fig = _figure(f"{zone_name}承办建议占比" if lang != "en" else f"Share of suggestions handled by the {zone_name}",
                  _period_axis(session_list, lang), "占比（%）" if lang != "en" else "share (%)", lang)
    points = [_lookup(rows, s, zone, "handled") for s in session_list]
    share = [_num(p.share_pct) if p else None for p in points]
    high = [(_num(p.ci_high_pct) - _num(p.share_pct)) if p and _num(p.ci_high_pct) is not None else None
            for p in points]
    low = [(_num(p.share_pct) - _num(p.ci_low_pct)) if p and _num(p.ci_low_pct) is not None else None
           for p in points]
    fig.add_trace(go.Scatter(
        name=zone_name, x=ticks, y=share, mode="lines+markers",
        # Dark line, body-coloured markers with dark edges: light fills vanish on white and in print.
        line={"color": INK, "width": 1.5},
        marker={"size": 10, "symbol": "circle", "color": body_style(zone, metrics.handlers_of(None, cfg))["color"],
                "line": {"color": INK, "width": 1}},
        error_y={"type": "data", "array": high, "arrayminus": low, "visible": True, "color": INK, "thickness": 1},
        customdata=[[_int(p.count) if p else None, _int(p.base) if p else None, _pct_text(p.share_pct, 2, lang),
                     _pct_text(p.ci_low_pct, 1, lang), _pct_text(p.ci_high_pct, 1, lang), _status_words(p, lang)]
                    if p else [None] * 6 for p in points],
        hovertemplate=("%{x}<br>%{customdata[0]} / %{customdata[1]} = %{customdata[2]}<br>"
                       + ("95%区间 " if lang != "en" else "95% CI ")
                       + "%{customdata[3]} – %{customdata[4]}<br>%{customdata[5]}<extra></extra>"),
    ))
    for total in rows[rows["is_total"].astype(bool)].itertuples():
        if _num(total.share_pct) is None or not ticks:
            continue
        # A dotted line across the sessions, named in the legend: a text label on the line could
        # land on the legend or a point when a phone squeezes the chart.
        text = f"{labels.session_label(total.session, lang, short=True)} {_pct_text(total.share_pct, 2, lang)}"
        fig.add_trace(go.Scatter(
            name=text, x=[ticks[0], ticks[-1]], y=[float(total.share_pct)] * 2, mode="lines",
            line={"dash": "dot", "color": INK, "width": 1}, customdata=[[text]] * 2,
            hovertemplate="%{customdata[0]}<extra></extra>"))
    fig.update_yaxes(rangemode="tozero", ticksuffix="%")
    return fig


def plot_outcome_mix(figures: pd.DataFrame, *, handler: str | None = None, scheme=None, config=None,
                     lang: str = "zh", value: str = "percent") -> go.Figure:
    """Outcome-class mix per session (stacked bars, one per class of the scheme); counts and percents in hover.

    ``handler`` defaults to the first configured body with a count of a class of the scheme in
    ``figures`` (``metrics.outcome_body``; "" = all bodies); ``value`` is "percent" (share of handled) or "count".
    """
    labels.check_lang(lang)
    _require(figures, _FIGURE_COLUMNS, "plot_outcome_mix")
    if value not in ("percent", "count"):
        raise ValueError("value must be 'percent' or 'count'")
    cfg = metrics._config(config, figures)
    active = metrics._scheme(scheme, figures, cfg)
    body = metrics.outcome_body(figures, scheme=active, config=cfg) if handler is None else handler
    rows = figures[(figures["handler"] == body) & figures["measure"].isin(["outcome", "unclassified"])]
    session_list = _single_sessions(rows)
    ticks = _ticks(rows, session_list, lang)
    owner = labels.handler_label(body, lang, cfg)
    # The counts' chart says so in its title: a page may show both, and one title must not carry two sets of values.
    counted = value == "count"
    fig = _figure(f"{owner}办理结果分类构成" + ("（件数）" if counted else "") if lang != "en"
                  else f"Outcome classes, {owner}" + (" (counts)" if counted else ""),
                  _period_axis(session_list, lang),
                  ("占办理件数比例（%）" if lang != "en" else "share of handled (%)") if value == "percent"
                  else ("件数" if lang != "en" else "suggestions"), lang)
    series = [(c.code, labels.class_label(c.code, lang), c.en if lang == "en" else c.zh, class_style(active, c.code),
               "outcome", c.code) for c in active.classes]
    unclassified = rows[(rows["measure"] == "unclassified") & (rows["count"].fillna(0) > 0)]
    if len(unclassified):
        series.append(("", labels.measure_label("unclassified", lang), "", {"color": UNCLASSIFIED_COLOUR,
                       "pattern": "-"}, "unclassified", ""))
    for _, name, meaning, style, measure, category in series:
        points = [_lookup(rows, s, body, measure, category) for s in session_list]
        y = [(_num(p.share_pct) if value == "percent" else _int(p.count)) if p else None for p in points]
        named = name + ((f"（{meaning}）" if lang != "en" else f" ({meaning})") if meaning else "")
        fig.add_trace(go.Bar(
            name=name, x=ticks, y=y, marker=_bar_marker(style),
            customdata=[[_int(p.count) if p else None, _pct_text(p.share_pct if p else None, 1, lang),
                         _int(p.base) if p else None, _status_words(p, lang), named] for p in points],
            hovertemplate=("%{x}<br>%{customdata[4]}"
                           + ("<br>%{customdata[0]}件，占%{customdata[1]}（办理%{customdata[2]}件）"
                              if lang != "en" else "<br>%{customdata[0]}, %{customdata[1]} of %{customdata[2]} handled")
                           + "<br>%{customdata[3]}<extra></extra>"),
        ))
    fig.update_layout(barmode="stack")
    if value == "percent":
        fig.update_yaxes(range=[0, 100], ticksuffix="%")
    return fig


def plot_satisfaction_mix(figures: pd.DataFrame, *, handler: str = "", lang: str = "zh") -> go.Figure:
    """Deputies' satisfaction per session (满意 / 基本满意 / 不满意, share of rated suggestions, stacked)."""
    labels.check_lang(lang)
    _require(figures, _FIGURE_COLUMNS, "plot_satisfaction_mix")
    levels = ("satisfied", "basically_satisfied", "unsatisfied")
    rows = figures[(figures["handler"] == handler) & figures["measure"].isin(levels) & figures["count"].notna()]
    session_list = _single_sessions(rows)
    ticks = _ticks(rows, session_list, lang)
    owner = labels.handler_label(handler, lang)
    fig = _figure(f"代表满意度构成（{owner}，占已测评建议比例）" if lang != "en"
                  else f"Deputies' satisfaction ({owner}; share of rated suggestions)",
                  _period_axis(session_list, lang), "占比（%）" if lang != "en" else "share (%)", lang)
    for i, measure in enumerate(levels):
        points = [_lookup(rows, s, handler, measure) for s in session_list]
        name = labels.measure_label(measure, lang)
        fig.add_trace(go.Bar(
            name=name, x=ticks, y=[_num(p.share_pct) if p else None for p in points],
            marker=_bar_marker({"color": SATISFACTION_COLOURS[measure], "pattern": PATTERNS[i]}),
            customdata=[[_int(p.count) if p else None, _pct_text(p.share_pct if p else None, 1, lang),
                         _int(p.base) if p else None] for p in points],
            hovertemplate=("%{x}<br>" + name + ("：%{customdata[0]}件，占%{customdata[1]}（已测评%{customdata[2]}件）"
                                                if lang != "en" else ": %{customdata[0]}, %{customdata[1]} of "
                                                                     "%{customdata[2]} rated") + "<extra></extra>"),
        ))
    fig.update_layout(barmode="stack")
    fig.update_yaxes(range=[0, 100], ticksuffix="%")
    return fig


def plot_on_time(figures: pd.DataFrame, *, lang: str = "zh", config=None) -> go.Figure:
    """On-time reply rate per session and body (grouped bars with Wilson 95% intervals)."""
    labels.check_lang(lang)
    _require(figures, _FIGURE_COLUMNS, "plot_on_time")
    cfg = metrics._config(config, figures)
    rows = figures[(figures["measure"] == "replied_on_time") & figures["count"].notna()]
    session_list = _single_sessions(rows)
    ticks = _ticks(rows, session_list, lang)
    handlers = metrics.handlers_of(None, cfg)
    present = set(rows["handler"])
    bodies = [""] * ("" in present) + [h for h in handlers if h in present] + sorted(present - set(handlers) - {""})
    rule = metrics.deadline_rule_text(cfg, lang)
    fig = _figure(("按期答复率" if lang != "en" else "Replies on time") + f"<br><sup>{rule}</sup>",
                  _period_axis(session_list, lang), "按期答复率（%）" if lang != "en" else "on time (%)", lang)
    styles = {b: ({"color": "#777777", "pattern": ""} if b == "" else body_style(b, [h for h in bodies if h]))
              for b in bodies}
    for body in bodies:
        points = [_lookup(rows, s, body, "replied_on_time") for s in session_list]
        share = [_num(p.share_pct) if p else None for p in points]
        name = labels.handler_label(body, lang, cfg)
        fig.add_trace(go.Bar(
            name=name, x=ticks, y=share, marker=_bar_marker(styles[body]),
            error_y={"type": "data", "visible": True, "color": INK, "thickness": 1,
                     "array": [(_num(p.ci_high_pct) - _num(p.share_pct)) if p and _num(p.ci_high_pct) is not None
                               else None for p in points],
                     "arrayminus": [(_num(p.share_pct) - _num(p.ci_low_pct)) if p and _num(p.ci_low_pct) is not None
                                    else None for p in points]},
            customdata=[[_int(p.count) if p else None, _int(p.base) if p else None,
                         _pct_text(p.share_pct if p else None, 1, lang), name] for p in points],
            hovertemplate=("%{x}<br>%{customdata[3]}"
                           + ("：按期%{customdata[0]}件 / %{customdata[1]}件 = %{customdata[2]}" if lang != "en"
                              else ": %{customdata[0]} of %{customdata[1]} = %{customdata[2]}") + "<extra></extra>"),
        ))
    # The rule is a second title line; give it room above the legend. The legend names the body of even one bar
    # (plotly hides a lone trace's): a court's 100% beside its city's range must not read as the city's rate.
    fig.update_layout(barmode="group", margin={"t": 110}, showlegend=True)
    fig.update_yaxes(range=[0, 105], ticksuffix="%")
    return _with_ranges(fig, figures, None, lang, cfg)


_RANGE_LINES = 3  # ranges named under a chart's title


def _with_ranges(fig: go.Figure, figures: pd.DataFrame, handler: str | None, lang: str, cfg=None) -> go.Figure:
    """An on-time rate known only as a range (a ledger without 复杂建议, ``metrics.on_time_bounds``) has no bar or
    point: the chart says so under its title, with the range, so a missing bar never reads as a missing figure. A
    chart with nothing else to draw is replaced by that sentence (``report.show_figure``, ``meta.not_drawn``)."""
    rows = figures[figures["measure"] == metrics.ON_TIME_BOUND]
    if handler is not None:
        rows = rows[rows["handler"] == handler]
    items = []
    for session, body in dict.fromkeys(zip(rows["session"], rows["handler"])):
        bounds = None if metrics.is_total_label(session) else metrics.on_time_bounds(figures, session, body)
        if bounds is None:
            continue
        where = labels.session_label(session, lang, short=True, year=False)
        span = labels.on_time_range(bounds.low_pct, bounds.high_pct, lang)
        if handler is not None:  # the chart is one body's: the session is enough
            items.append(f"{where} {span}" if lang != "en" else f"{where}: {span}")
        else:
            owner = labels.handler_label(body, lang, cfg)
            items.append(f"{owner}（{where}）{span}" if lang != "en" else f"{owner} ({where}): {span}")
    if not items:
        return fig
    # one short line each, so a phone shows them whole under the title; more than a few are in the tables
    shown = items[:_RANGE_LINES] + ([f"另有{len(items) - _RANGE_LINES}项，见表格" if lang != "en" else
                                     f"{len(items) - _RANGE_LINES} more in the tables"] if len(items) > _RANGE_LINES else [])
    head = ("按期答复率只知范围，未画（台账未注明是否复杂建议）" if lang != "en" else
            "On-time rate known only as a range (complex cases not marked), not drawn")
    said = head + ("：" if lang != "en" else ": ") + ("；".join(items) if lang != "en" else "; ".join(items))
    return _under_title(fig, [head, *shown], said)


RATE_TREND_MEASURES = metrics.RATE_TREND_MEASURES
_LINE_DASHES = ("solid", "dash", "dot", "dashdot", "longdash")
_LINE_SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x")


def plot_rates_trend(figures: pd.DataFrame, *, measures: tuple[str, ...] = RATE_TREND_MEASURES, handler: str = "",
                     lang: str = "zh") -> go.Figure:
    """Rates over sessions (default 办结率, 满意率含基本满意, 按期答复率), one line each with Wilson 95% intervals."""
    return plot_rates_trend_each(figures, [(handler, tuple(measures))], lang=lang)


def plot_rates_trend_each(figures: pd.DataFrame, shown: list[tuple[str, tuple[str, ...]]], *,
                          lang: str = "zh") -> go.Figure:
    """``plot_rates_trend`` of several bodies (``metrics.rates_shown_each``: each body's printed rates) in one chart,
    as the rates table shows them: one body's chart names it in its title; several bodies' lines are each named
    with their body and rate ('市政府满意率（含基本满意）', as the overview's column names it), so no line reads as
    another body's."""
    labels.check_lang(lang)
    _require(figures, _FIGURE_COLUMNS, "plot_rates_trend")
    wanted = {(body, m) for body, measures in shown for m in measures}
    rows = figures[[(str(h), str(m)) in wanted for h, m in zip(figures["handler"], figures["measure"])]]
    session_list = _single_sessions(rows)
    ticks = _ticks(rows, session_list, lang)
    several = len(shown) > 1
    names = list(dict.fromkeys(n for body, measures in shown for n in rate_names(rows, body, measures, lang)))
    fig = _figure(_rates_title(shown, names, lang), _period_axis(session_list, lang),
                  "比率（%）" if lang != "en" else "rate (%)", lang)
    styles: dict[tuple[str, str], int] = {}  # one colour, dash and marker per body's rate (its bases share them)
    for body, measures in shown:
        for _, measure, points, name in _rate_lines(rows, session_list, body, measures, lang):
            i = styles.setdefault((body, measure), len(styles))
            colour = CLASS_COLOURS[i % len(CLASS_COLOURS)]
            name = labels.body_rate_label(body, name, lang) if several else name
            share = [_num(p.share_pct) if p else None for p in points]
            fig.add_trace(go.Scatter(
                name=name, x=ticks, y=share, mode="lines+markers",
                line={"color": colour, "dash": _LINE_DASHES[i % len(_LINE_DASHES)], "width": 2},
                marker={"symbol": _LINE_SYMBOLS[i % len(_LINE_SYMBOLS)], "size": 9, "color": colour,
                        "line": {"color": INK, "width": 1}},
                error_y={"type": "data", "visible": True, "color": colour, "thickness": 1,
                         "array": [(_num(p.ci_high_pct) - _num(p.share_pct)) if p and _num(p.ci_high_pct) is not None
                                   else None for p in points],
                         "arrayminus": [(_num(p.share_pct) - _num(p.ci_low_pct))
                                        if p and _num(p.ci_low_pct) is not None else None for p in points]},
                # the name through customdata: a body's name is data, never hover syntax
                customdata=[[_int(p.count) if p else None, _int(p.base) if p else None,
                             _pct_text(p.share_pct if p else None, 1, lang), _status_words(p, lang), name]
                            for p in points],
                hovertemplate=("%{x}<br>%{customdata[4]}"
                               + ("：%{customdata[0]}件 / %{customdata[1]}件 = %{customdata[2]}" if lang != "en"
                                  else ": %{customdata[0]} of %{customdata[1]} = %{customdata[2]}")
                               + "<br>%{customdata[3]}<extra></extra>"),
            ))
    fig.update_yaxes(range=[0, 105], ticksuffix="%")
    fig.update_layout(showlegend=True)  # a lone line is named too: the title names three rates
    if not any("replied_on_time" in measures for _, measures in shown):
        return fig
    return _with_ranges(fig, figures, shown[0][0] if not several else None, lang)


def _rates_title(shown: list[tuple[str, tuple[str, ...]]], names: list[str], lang: str) -> str:
    """The chart's title: the three usual rates by their short names, other rates (those printed reports give,
    ``metrics.rates_shown_each``) each by its ``names``, so a title never names a rate the chart does not draw; one body's
    chart names its body, several bodies' name theirs on each line."""
    if len(shown) > 1:
        return (f"各承办主体的{rates_words(names, lang)}" if lang != "en"
                else f"{rates_words(names, lang)}, by handling body")
    owner = labels.handler_label(shown[0][0] if shown else "", lang)
    if shown and tuple(shown[0][1]) == RATE_TREND_MEASURES:
        return (f"办结率、满意率与按期答复率（{owner}）" if lang != "en"
                else f"Completion, satisfaction and on-time replies ({owner})")
    return f"{rates_words(names, lang)} ({owner})" if lang == "en" else f"{rates_words(names, lang)}（{owner}）"


def rates_words(names: list[str], lang: str) -> str:
    """Rates named together, as a title or heading starts: '办结率与代表满意率', 'Completion rate and 代表满意率'."""
    if lang == "en":
        joined = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)  # none: no chart
        return f"{joined[:1].upper()}{joined[1:]}"
    return "、".join(names[:-1]) + "与" + names[-1] if len(names) > 1 else "".join(names)


def _rate_lines(rows: pd.DataFrame, session_list: list[str], handler: str, measures, lang: str):
    """(colour index, measure, points, name) per line: a rate whose base differs between sessions is drawn apart,
    one line per base, each named with its base, so shares of different bases are never joined. A rate a report
    prints under a kind of its own (T17's 满意率 of 首次办理, in ``category``) is found under it; two kinds of one rate
    (satisfaction with the work and with the result) are two lines, each named with its kind."""
    for i, measure in enumerate(measures):
        kinds = metrics.rate_kinds(rows, handler, measure)
        for kind in kinds:
            points = [_lookup(rows, s, handler, measure, kind) for s in session_list]
            bases = list(dict.fromkeys(str(p.base_measure) for p in points if p is not None))
            name = rate_name(rows, handler, measure, kind, lang)
            if len(bases) <= 1:
                yield i, measure, points, name
                continue
            for base in bases:
                words = labels.base_label(base, lang)
                yield (i, measure, [p if p is not None and str(p.base_measure) == base else None for p in points],
                       f"{name}（基数：{words}）" if lang != "en" else f"{name} (base: {words})")


def rate_name(figures: pd.DataFrame, handler: str, measure: str, kind: str, lang: str) -> str:
    """A rate's name on the trends page, one name per figure across pages: a printed one (its ``kind`` the report's
    wording) as the figures check names it (``labels.printed_rate_label``: U12's 代表满意率, never 满意率（不含基本满意）),
    a ledger's by its measure; with its kind beside it when two kinds of the rate would otherwise read alike."""
    def named(k: str) -> str:
        return labels.printed_rate_label(measure, k, lang) if k else labels.rate_label(measure, lang)

    kinds = metrics.rate_kinds(figures, handler, measure)
    if len(kinds) > 1 and len({named(k) for k in kinds}) < len(kinds):
        return labels.rate_label(measure, lang, kind=kind)
    return named(kind)


def rate_names(figures: pd.DataFrame, handler: str, measures, lang: str) -> list[str]:
    """Each rate's name (``rate_name``) where ``handler`` gives it in one kind, else the name its kinds share: what a
    title or heading over them names."""
    out = []
    for measure in measures:
        kinds = metrics.rate_kinds(figures, handler, measure)
        # several kinds (满意 with the work and with the result): the rate by the name they share, a plain 满意率
        out.append(rate_name(figures, handler, measure, kinds[0], lang) if len(kinds) == 1
                   else labels.printed_rate_label(measure, "", lang))
    return out


def _rank_text(rank, lang: str) -> str:
    """'第3名' / 'rank 3', or 'not rated' for a unit below the minimum number of cases."""
    if _int(rank) is None:
        return "不评定" if lang != "en" else "not rated"
    return f"第{_int(rank)}名" if lang != "en" else f"rank {_int(rank)}"


def plot_unit_ranking(units: pd.DataFrame, *, lang: str = "zh", top: int | None = None) -> go.Figure:
    """Handling units by performance score (horizontal bars, best on top); flagged units stand out, threshold drawn."""
    labels.check_lang(lang)
    _require(units, ("lead_unit", "handler", "cases", "score", "flagged", "rank"), "plot_unit_ranking")
    rows = units[units["score"].notna()].reset_index(drop=True)
    if top:
        rows = rows.head(top)
    perf = units.attrs.get("performance", {})
    min_cases = int(perf.get("min_cases", 0))
    bodies = sorted({str(h) for h in rows["handler"] if h})
    owner = bodies[0] if len(bodies) == 1 else ""
    owner_name = labels.handler_label(owner, lang)
    fig = _figure(f"承办单位绩效得分（{owner_name}）" if lang != "en" else f"Handling units by performance score ({owner_name})",
                  "绩效得分（0–1）" if lang != "en" else "score (0–1)", "", lang)
    groups = [
        ("flagged", "低于阈值" if lang != "en" else "below threshold", FLAGGED_COLOUR, "x"),
        ("normal", "达到阈值" if lang != "en" else "at or above threshold", NORMAL_COLOUR, ""),
        ("few", f"件数少于{min_cases}件（不评定）" if lang != "en" else f"fewer than {min_cases} cases (not rated)",
         NOT_RATED_COLOUR, "."),
    ]
    names = [_unit_name(r.lead_unit, r.handler, lang) for r in rows.itertuples()]
    # A unit without a rank (too few cases, or no lead unit filled in) is drawn as not rated.
    kind = ["flagged" if bool(r.flagged) else ("few" if _int(r.rank) is None else "normal")
            for r in rows.itertuples()]
    for key, name, colour, pattern in groups:
        idx = [i for i, k in enumerate(kind) if k == key]
        if not idx:
            continue
        part = rows.iloc[idx]
        fig.add_trace(go.Bar(
            name=name, orientation="h", y=[names[i] for i in idx], x=[float(v) for v in part["score"]],
            marker=_bar_marker({"color": colour, "pattern": pattern}),
            customdata=[[int(r.cases), _pct_text(r.solved_share_pct, 1, lang), _pct_text(r.on_time_share_pct, 1, lang),
                         _pct_text(r.satisfaction_share_pct, 1, lang), _rank_text(r.rank, lang), names[i]]
                        for i, r in zip(idx, part.itertuples())],
            hovertemplate=("%{customdata[5]}<br>" + ("得分 %{x:.3f}（%{customdata[4]}）<br>主办%{customdata[0]}件；解决类%{customdata[1]}，"
                                         "按期答复%{customdata[2]}，满意率%{customdata[3]}" if lang != "en" else
                                         "score %{x:.3f} (%{customdata[4]})<br>%{customdata[0]} cases; solved "
                                         "%{customdata[1]}, on time %{customdata[2]}, satisfied %{customdata[3]}")
                           + "<extra></extra>"),
        ))
    # Long unit names are shortened on the axis (a phone has room for a few characters beside the
    # bars); the hover shows the full name and body.
    fig.update_yaxes(categoryorder="array", categoryarray=names, autorange="reversed", showgrid=False,
                     tickmode="array", tickvals=names)
    _names_beside_y(fig, _unit_ticks(rows, lang), row_px=28, room_px=160)
    fig.update_xaxes(range=[0, 1], showgrid=True, gridcolor=GRID)
    if "flag_below" in perf and names:
        # The threshold is a line named in the legend, not a label that could sit on the legend.
        threshold = float(perf["flag_below"])
        name = f"阈值 {threshold:g}" if lang != "en" else f"threshold {threshold:g}"
        fig.add_trace(go.Scatter(
            name=name, x=[threshold, threshold], y=[names[0], names[-1]], mode="lines",
            line={"dash": "dash", "color": INK, "width": 1.5}, customdata=[[name]] * 2,
            hovertemplate="%{customdata[0]}<extra></extra>"))
    fig.update_layout(barmode="overlay")
    return fig


def _names_beside_y(fig: go.Figure, names: list[str], *, row_px: float, room_px: float) -> None:
    """The names beside a chart's y axis (one a row) and the chart's height: on a desk and on paper each name in
    lines of ``DESK_AXIS_LINE_PX`` (a unit's shortened name, a peer's name, on one line); where the screen is narrow
    the page draws them in lines of ``AXIS_LINE_PX`` instead, each row taller by its extra lines
    (``layout.meta.narrow``: those names and that height, which the page's charts.js puts in)."""
    def height(ticks: list[str]) -> int:
        return max(360, round((row_px + ROW_PX_PER_EXTRA_LINE * (_lines_of(ticks) - 1)) * len(ticks) + room_px))

    desk, narrow = [axis_lines(n, DESK_AXIS_LINE_PX) for n in names], [axis_lines(n) for n in names]
    fig.update_yaxes(ticktext=desk)
    fig.update_layout(height=height(desk))
    if narrow != desk:
        fig.update_layout(meta={**(fig.layout.meta or {}),
                                "narrow": {"height": height(narrow), "yaxis": {"ticktext": narrow}}})


# A name beside a chart's y axis is broken into lines of at most AXIS_LINE_PX: 7 characters at the theme's 14 px.
# On a 360 px phone a chart is about 338 px wide; a margin for such lines (98 + 40.5 px, chart_margins) leaves the
# plot at least half the chart (169 px), where names on one line of 8 or more characters left it under 100 px.
AXIS_LINE_PX = 98.0
# On a desk and on paper (a chart 688 px wide or more) a name beside the axis is one line of up to 14 characters:
# the margin it takes (196 + 40.5 px) leaves the plot more than half the chart.
DESK_AXIS_LINE_PX = 2 * AXIS_LINE_PX
SHORT_NAME_CHARS = 14  # a unit name on a chart axis, two lines of AXIS_LINE_PX; the hover has it whole
_KEPT_HEAD = 2  # at least this much of a name's start stays before the '…' of a name cut in the middle
ROW_PX_PER_EXTRA_LINE = 14  # a row of names on two lines is this much taller, so neighbouring names stay apart
# plotly's attribute-free formatting tags (no width), an HTML entity (one character), or one character
_AXIS_TOKEN = re.compile(r"<(?:/?(?:b|i|em|sup|sub|span|a)|br\s*/?)>|&#?\w+;|.", re.IGNORECASE | re.DOTALL)
_NO_LINE_START = set("）)]】》」』…，、。：；！？")  # what a Chinese line never starts with
_OPENING = set("（([【《「『")


def _token_px(token: str) -> float:
    if token.startswith("<") and token.endswith(">") and len(token) > 1:
        return 0.0
    width = chart_margins.text_width(html.unescape(token) if token.startswith("&") else token)
    return chart_margins.THEME_FONT_PX if width is None else width  # a character not measured: as wide as CJK


def axis_lines(text: str, line_px: float = AXIS_LINE_PX) -> str:
    """``text`` broken with ``<br>`` into lines of at most ``line_px`` (at the theme's 14 px) for a chart's y axis,
    never cut, every character kept (a space ends its line): as few lines as at ``line_px``, as even as they can
    be ('国际港务区<br>财政局', not '国际港务区财政<br>局'); after a space or before an opening bracket when the line has
    one ('T01 杭州市<br>（十三届五次）'), never before a closing bracket or '…' ('国际港务<br>区教育…')."""
    tokens = _AXIS_TOKEN.findall(str(text))
    fewest = _broken(tokens, line_px)
    total = sum(0.0 if t == " " else _token_px(t) for t in tokens)
    even = math.ceil(total / len(fewest))
    while even < line_px and len(_broken(tokens, even)) > len(fewest):
        even += 1
    lines = _broken(tokens, even) if even < line_px else fewest
    if len(lines) == 2:
        lines = _after_place(tokens, line_px) or lines
    return "<br>".join("".join(line) for line in lines)


# Where a place's name ends (国际港务区, 某某市): two lines read best split after it ('国际港务区<br>财政局', never
# '国际港务<br>区财政局'); a level word alone (the 市 of 市政府办公室) is no place's name.
_PLACE_ENDS = frozenset("省市区县州旗乡镇")


def _after_place(tokens: list[str], line_px: float) -> list[list[str]] | None:
    """Two lines split after the end of a place's name (at least two characters) nearest the middle, each within
    ``line_px``; None when the name has no such place."""
    px = [0.0 if t == " " else _token_px(t) for t in tokens]
    total, best = sum(px), None
    for i in range(2, len(tokens)):
        head = sum(px[:i])
        if (tokens[i - 1] in _PLACE_ENDS and tokens[i] not in _NO_LINE_START and tokens[i] != " "
                and head <= line_px and total - head <= line_px
                and (best is None or abs(head - total / 2) < abs(sum(px[:best]) - total / 2))):
            best = i
    return None if best is None else [tokens[:best], tokens[best:]]


def _broken(tokens: list[str], line_px: float) -> list[list[str]]:
    """``tokens`` in lines of at most ``line_px`` (``axis_lines``), as many lines as that takes."""
    lines: list[list[str]] = [[]]
    width, preferred = 0.0, 0  # the line's width so far (its spaces not counted); where in it a break reads best
    for token in tokens:
        line = lines[-1]
        px = 0.0 if token == " " else _token_px(token)
        if width + px > line_px and any(t.strip() for t in line):
            at = preferred or len(line)
            while at > 1 and (line[at:] or [token])[0] in _NO_LINE_START:
                at -= 1
            lines[-1], line = line[:at], line[at:]
            lines.append(line)
            width, preferred = sum(0.0 if t == " " else _token_px(t) for t in line), 0
        line.append(token)
        width += px
        if token == " ":
            preferred = len(line)
        elif token in _OPENING and len(line) > 1:
            preferred = len(line) - 1
    return [line for line in lines if line] or [[]]


def _lines_of(ticks: Iterable[str]) -> int:
    return max((len(re.findall(r"<br\s*/?>", t, re.IGNORECASE)) + 1 for t in ticks), default=1)


def short_name(name: str, limit: int = SHORT_NAME_CHARS) -> str:
    """A name cut to ``limit`` characters with '…' for a chart axis ('国际港务区教育卫…')."""
    text = str(name)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def short_names(names: Iterable[str], limit: int = SHORT_NAME_CHARS) -> list[str]:
    """Names cut for one axis (``short_name``), no two names alike: names that would cut to one label keep the part
    that tells them apart ('国际港务…卫体局', '国际港务…体育局'), so two bars never stand beside one label."""
    texts = [str(n) for n in names]
    shown = [short_name(t, limit) for t in texts]
    alike: dict[str, set[str]] = {}
    for text, tick in zip(texts, shown):
        alike.setdefault(tick, set()).add(text)
    shown = [_tell_apart(text, len(os.path.commonprefix(sorted(alike[tick]))), limit) if len(alike[tick]) > 1 else tick
             for text, tick in zip(texts, shown)]
    return _whole_where_alike(shown, texts)


def _tell_apart(text: str, common: int, limit: int) -> str:
    """``text`` cut in the middle so that its part after the ``common`` first characters (shared with the names it
    would be mistaken for) stays: '国际港务区教育卫体局' beside '国际港务区教育体育局' → '国际港务…卫体局'."""
    tail = len(text) - common
    head = max(_KEPT_HEAD, limit - 1 - tail)
    if tail == 0 or head + tail + 1 >= len(text):  # nothing after the shared start, or nothing worth cutting
        return text
    return text[:head] + "…" + text[-tail:]


def _whole_where_alike(shown: list[str], whole: list[str]) -> list[str]:
    """``shown`` with each label that stands for two different ``whole`` names replaced by its whole name (a name
    that is itself another's cut, '国际港务区教育…'), until no label stands for two."""
    shown = list(shown)
    while True:
        meant: dict[str, set[str]] = {}
        for tick, name in zip(shown, whole):
            meant.setdefault(tick, set()).add(name)
        twice = {tick for tick, names in meant.items() if len(names) > 1}
        if not twice:
            return shown
        shown = [name if tick in twice else tick for tick, name in zip(shown, whole)]


def _unit_ticks(rows: pd.DataFrame, lang: str) -> list[str]:
    """The axis's unit names, short and each distinct (``short_names``); a name listed under two bodies (one 庭 filed
    under 市政府 and under the court) says its body too, so two bars never stand beside one name."""
    twice = labels.units_under_two_bodies(rows["lead_unit"], rows["handler"])
    units = [r.lead_unit or labels.not_available(lang) for r in rows.itertuples()]
    bodies = sorted({labels.handler_label(h, lang) for u, h in zip(rows["lead_unit"], rows["handler"]) if u in twice})
    fitted = dict(zip(bodies, short_names(bodies, 5 if lang != "en" else 12)))
    ticks = [labels.unit_with_body(unit, r.handler if r.lead_unit in twice else "", lang, fit=fitted.get)
             for unit, r in zip(short_names(units), rows.itertuples())]
    return _whole_where_alike(ticks, [_unit_name(r.lead_unit, r.handler, lang) for r in rows.itertuples()])


def _unit_name(unit: str, handler: str, lang: str) -> str:
    """A unit's name with its body (the hover's, the axis's values), '（数据暂缺）' for a unit not filled in."""
    return labels.unit_with_body(unit or labels.not_available(lang), handler, lang)


def plot_topic_breakdown(topics: pd.DataFrame, *, lang: str = "zh", handler: str = "",
                         session: str | None = None) -> go.Figure:
    """Suggestions by topic (类别) per session as a share of received (stacked), from ``metrics.topic_breakdown``."""
    labels.check_lang(lang)
    _require(topics, ("session", "handler", "topic", "count", "base", "share_pct"), "plot_topic_breakdown")
    rows = topics[topics["handler"] == handler]
    session_list = [session] if session else _single_sessions(rows)
    ticks = _ticks(rows, session_list, lang)
    known = [t for t in schema.TOPICS if t in set(rows["topic"])]
    order = known + sorted(set(rows["topic"]) - set(known) - {""}) + ([""] if "" in set(rows["topic"]) else [])
    owner = labels.handler_label(handler, lang)
    fig = _figure(f"代表建议类别构成（{owner}）" if lang != "en" else f"Suggestions by topic ({owner})",
                  _period_axis(session_list, lang), "占收到建议比例（%）" if lang != "en" else "share of received (%)", lang)
    palette = (*CLASS_COLOURS, *BODY_COLOURS)
    for i, topic in enumerate(order):
        points = []
        for s in session_list:
            hit = rows[(rows["session"] == s) & (rows["topic"] == topic)]
            points.append(next(hit.itertuples(), None))
        name = labels.topic_label(topic, lang)
        fig.add_trace(go.Bar(
            name=name, x=ticks, y=[_num(p.share_pct) if p else None for p in points],
            marker=_bar_marker({"color": UNCLASSIFIED_COLOUR if topic == "" else palette[i % len(palette)],
                                "pattern": PATTERNS[i % len(PATTERNS)]}),
            customdata=[[_int(p.count) if p else None, _pct_text(p.share_pct if p else None, 1, lang), name]
                        for p in points],
            hovertemplate=("%{x}<br>%{customdata[2]}" + ("：%{customdata[0]}件，占%{customdata[1]}" if lang != "en"
                                                         else ": %{customdata[0]} (%{customdata[1]})")
                           + "<extra></extra>"),
        ))
    # on a 360 px phone the legend takes a row per topic above the plot (English names are long): the chart grows
    # with its topics, so the plot keeps its height (it was squashed to 88 px under six English topics)
    fig.update_layout(barmode="stack", height=max(450, 360 + 30 * len(order)))
    fig.update_yaxes(range=[0, 100], ticksuffix="%")
    return fig


def wilson_note(lang: str = "zh") -> str:
    """A caption explaining the interval bars."""
    z = stats.round_half_up(stats.Z_95, 2)
    if lang == "en":
        return f"Bars show Wilson 95% intervals (z = {z}): the range a share would plausibly take by chance alone."
    return f"误差线为 Wilson 95% 区间（z = {z}），表示仅因偶然波动占比可能落入的范围。"


# ---------------------------------------------------------------------------------------
# Other congresses (analysis.peers)
# ---------------------------------------------------------------------------------------

PEER_COLOURS = {"district": "#D55E00", "same_level": "#0072B2", "other": "#009E73", "percent_only": "#777777",
                "no_base": "#777777", "approximate": "#777777", "bound": "#777777"}
# A bound points the way the rate lies from it: above (超过90, 90以上) or below (不到60, 近60, 60以下).
_BOUND_SYMBOLS = {labels.Qualifier.AT_LEAST: "triangle-right", labels.Qualifier.MORE_THAN: "triangle-right",
                  labels.Qualifier.NEARLY: "triangle-left", labels.Qualifier.LESS_THAN: "triangle-left",
                  labels.Qualifier.AT_MOST: "triangle-left"}


def peer_names(rows: pd.DataFrame, lang: str = "zh", *, district: str = "") -> list[str]:
    """A name per compared row ('T18 杭州市'), whole (a chart's axis breaks it into lines, ``axis_lines``: two names
    cut alike could not be told apart); a report shown twice gets its period too; ours is ``district``."""
    seen = rows["peer"].value_counts()
    names = []
    for r in rows.itertuples():
        if r.is_district:
            names.append(district)
            continue
        name = f"{r.peer} {r.congress}"
        if seen[r.peer] > 1:  # a report printing two periods: which one
            period = labels.session_label(r.period, lang, short=True, year=False)
            name += f"（{period}）" if lang != "en" else f" ({period})"
        names.append(name)
    return names


def plot_peer_rates(rows: pd.DataFrame, *, rate: str, district: str, level: str = "",
                    lang: str = "zh") -> go.Figure:
    """One rate of the district among its peers (``peers.Comparison.of``): a dot per report, highest on top.

    A dot with a bar is a count over its base (Wilson 95% interval); a hollow dot is a percent
    printed alone; a hollow square, at the bottom and outside the order, a percent printed only with 约
    (约84: a value of unknown precision, never given an interval); a hollow triangle, there too, a
    percent printed only as a bound (超过90: not a value), pointing the way the rate lies. Each point's
    interval, approximation or bound is its hover text, so the chart's text form (nbval) lists it.
    ``rate`` names the rate, ``district`` our congress as the page calls it.
    """
    labels.check_lang(lang)
    _require(rows, ("peer", "congress", "percent", "ci_low", "ci_high", "is_district", "same_level"),
             "plot_peer_rates")
    en = lang == "en"
    rows = rows[rows["percent"].notna()].copy()
    rows["shown_pct"] = [float(p) for p in rows["percent"]]
    is_bound = rows["bound"].fillna("") != "" if "bound" in rows.columns else pd.Series(False, index=rows.index)
    is_about = (rows["approximate"].fillna(False).astype(bool) & ~rows["is_district"] if "approximate" in rows.columns
                else pd.Series(False, index=rows.index))
    # values first, from the highest; approximations and bounds after them, outside the order (as in the table)
    rows = rows.assign(_bound=is_bound, _about=is_about, _apart=is_bound | is_about).sort_values(
        ["_apart", "shown_pct"], ascending=[True, False], kind="stable")
    is_bound, is_about = rows.pop("_bound").to_numpy(), rows.pop("_about").to_numpy()
    # no interval: a percent printed alone, or a count printed without the base it is a share of
    no_interval = ~rows["is_district"] & rows["ci_low"].isna() & ~is_bound & ~is_about
    has_count = rows["count"].notna() if "count" in rows.columns else pd.Series(False, index=rows.index)
    rows = rows.drop(columns="_apart")
    names = peer_names(rows, lang, district=district)
    keys = [f"{r.peer}|{r.period}" for r in rows.itertuples()]  # unique categories; the axis shows ``names``
    body = labels.handler_label("", lang)
    fig = _figure(f"{rate}：{labels.with_body(district, body, lang)}与各地报告" if not en
                  else f"{rate}: {labels.with_body(district, body, lang)} among others",
                  "比率（%）" if not en else "rate (%)", "", lang)
    same = labels.level_label(level, lang)
    groups = (
        ("district", district, rows["is_district"]),
        ("same_level", f"同级（{same}）" if not en else f"same level ({same})",
         ~rows["is_district"] & rows["same_level"] & rows["ci_low"].notna()),
        ("other", "其他层级" if not en else "other levels",
         ~rows["is_district"] & ~rows["same_level"] & rows["ci_low"].notna()),
        ("percent_only", "只印百分比" if not en else "percent only", no_interval & ~has_count),
        ("no_base", "有件数、没有基数" if not en else "a count without its base", no_interval & has_count),
        ("approximate", "只印约数（不是确切数值）" if not en else "an approximation only (not an exact value)",
         ~rows["is_district"] & is_about),
        ("bound", "只印界限（不是数值）" if not en else "a bound only (not a value)", ~rows["is_district"] & is_bound),
    )
    for key, name, mask in groups:
        part = rows[mask.to_numpy()]
        if part.empty:
            continue
        idx = [i for i, m in enumerate(mask.to_numpy()) if m]
        hollow = key in ("percent_only", "no_base", "approximate", "bound")
        symbols = ([_BOUND_SYMBOLS.get(r.bound, "circle") for r in part.itertuples()] if key == "bound"
                   else "diamond" if key == "district" else "square" if key == "approximate"
                   else "circle-dot" if key == "no_base" else "circle")
        fig.add_trace(go.Scatter(
            name=name, x=list(part["shown_pct"]), y=[keys[i] for i in idx], mode="markers",
            cliponaxis=False,  # a dot at 100% sits on the plot's edge: on a phone (1% ≈ 2 px) it was cut in half
            marker={"color": "white" if hollow else PEER_COLOURS[key], "size": 11 if key == "district" else 9,
                    "symbol": symbols,
                    "line": {"color": PEER_COLOURS[key], "width": 2}},
            error_x={"type": "data", "symmetric": False, "color": PEER_COLOURS[key], "thickness": 1.5,
                     "array": [(_num(r.ci_high) or r.shown_pct) - r.shown_pct for r in part.itertuples()],
                     "arrayminus": [r.shown_pct - (_num(r.ci_low) or r.shown_pct) for r in part.itertuples()],
                     "visible": not hollow},
            customdata=[[names[i], r.period, labels.peer_body_label(r.body, lang), _peer_pct(r, lang),
                         labels.against_district_label(r.against_district, lang, level)]
                        for i, r in zip(idx, part.itertuples())],
            hovertext=[_peer_range(r, lang) for r in part.itertuples()],
            hovertemplate=("%{customdata[0]}<br>%{customdata[1]} · %{customdata[2]}<br>%{customdata[3]}"
                           "<br>%{hovertext}<br>%{customdata[4]}<extra></extra>"),
        ))
    fig.update_yaxes(categoryorder="array", categoryarray=keys, autorange="reversed", showgrid=True,
                     gridcolor=GRID, tickmode="array", tickvals=keys)
    fig.update_xaxes(range=[0, 101], ticksuffix="%", showgrid=True, gridcolor=GRID)
    _names_beside_y(fig, names, row_px=26, room_px=200)  # the theme's upright toolbar stays clear of the legend
    return fig


def _peer_range(row, lang: str) -> str:
    """Where a compared rate may lie: its Wilson interval, that it is a bound or an approximation, or that it has no interval."""
    if getattr(row, "bound", ""):
        return f"{row.percent_shown}：界限，不是数值" if lang != "en" else f"{row.percent_shown}: a bound, not a value"
    if bool(getattr(row, "approximate", False)) and not row.is_district:
        return (f"{row.percent_shown}：约数，不是确切数值，没有区间" if lang != "en"
                else f"{row.percent_shown}: an approximation, not an exact value; no interval")
    if _num(row.ci_low) is None and _num(getattr(row, "count", None)) is not None and not row.is_district:
        return "有件数、没有基数，没有区间" if lang != "en" else "a count without its base: no interval"
    if _num(row.ci_low) is None:
        return "只印百分比，没有区间" if lang != "en" else "a percent alone: no interval"
    interval = f"{_pct_text(row.ci_low, 1, lang)}–{_pct_text(row.ci_high, 1, lang)}"
    return f"95%区间 {interval}" if lang != "en" else f"95% interval {interval}"


def _peer_pct(row, lang: str) -> str:
    """A compared figure's percent: as printed (with its bound) or as computed."""
    return row.percent_shown or _pct_text(row.percent, 1, lang)
