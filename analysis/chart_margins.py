"""The margins a page's chart will need beside its axis labels, worked out before the browser draws it.

plotly's automatic margins (``automargin``) measure the axis labels once the chart is drawn and, when the
labels need more room than the margins gave them, draw the whole chart again: a third of the time a page
spends drawing its charts (benchmarks/README.md, benchmark 4). A page's chart therefore starts from the
left and bottom margins its labels will take, computed here from the text of the labels and the widths of
the theme's first font (Noto Sans CJK SC, as Chromium lays it out at 14 px), a pixel or so generous.
Automatic margins stay on: where this guess falls short (another font, a phone that tilts the labels) plotly
widens the margin itself, as before; an axis whose range plotly picks from the data gets its margin when every
range plotly could pick gives labels as wide, and a label that cannot be told in advance leaves that side as it
was. The notebook's own figure is not changed.
"""
from __future__ import annotations

import html
import math
import re
import unicodedata
from typing import Any, Mapping

THEME_FONT_PX = 14.0
# Advance widths of Noto Sans CJK SC's ASCII glyphs at 14 px in 64ths of a pixel, measured in Chromium (a space
# measured between two other letters); every wide (CJK) character is 14 px.
_ASCII_64THS = dict(zip(
    " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~",
    (201, 290, 425, 498, 498, 826, 610, 250, 303, 303, 419, 498, 250, 311, 250, 352, 498, 498, 498, 498, 498, 498,
     498, 498, 498, 498, 250, 250, 498, 498, 498, 425, 848, 545, 589, 572, 617, 528, 495, 618, 653, 263, 480, 579,
     487, 728, 648, 665, 568, 665, 569, 535, 537, 647, 516, 787, 514, 476, 541, 303, 352, 303, 498, 501, 543, 505,
     554, 457, 556, 497, 292, 506, 544, 247, 247, 495, 255, 830, 547, 543, 556, 556, 348, 420, 338, 544, 467, 719,
     447, 467, 426, 303, 242, 303, 498)))
# What plotly puts beside the widest y tick label, in px: tick, gaps, the axis title (one line, 14 px) and its
# standoff of 8 (the theme's); and below the x tick labels. Measured in Chromium: a left margin is the widest
# label + 40.5 to 40.96, a bottom margin the labels' height + 38.6; a line of 14 px labels is 20 px tall, each
# further one 18.2.
BESIDE_Y_LABELS = 40.5
# A chart on a desk is as wide as the page's text: report.css's .sa-page, at most 60rem (960 px) less 1.25rem of
# padding each side. On a narrower window the last x label needs a little more room, which plotly then gives it.
DESK_CHART_PX = 920
# A y axis a page draws is at least this long on any screen (a phone's is about 200 px), and a range from 0 is
# told in advance only below TOP_LIMIT: plotly writes 10000 and more as "10k".
SHORTEST_AXIS_PX = 150
TOP_LIMIT = 1000
PLOTLY_PAD = 12  # plotly adds min(12, each margin) to the room a label asks for (plots.autoMargin)
LABEL_INK_INSET = 0.5  # px each side: a tick label's drawn box is that much inside its characters' advances
BELOW_X_LABELS = 38.6
FIRST_LINE, NEXT_LINE = 20.0, 18.2
SLACK = 0.49  # px, then rounded: the page measures a label's ink, a little wider than its advance here
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"</?[a-z]+\s*/?>", re.IGNORECASE)
_NUMBER_OR_DATE = re.compile(r"[-+$]?(\d[\d,]*\.?\d*|\.\d+)([eE][-+]?\d+)?%?$|\d{4}-\d{1,2}(-\d{1,2})?([ T].*)?$")


def text_width(text: str) -> float | None:
    """The width in px of one line of chart text at 14 px, or None when it has a character not in the table."""
    width = 0.0
    for char in html.unescape(_TAG.sub("", text)):
        if char in _ASCII_64THS:
            width += _ASCII_64THS[char] / 64
        elif unicodedata.east_asian_width(char) in ("W", "F") or char == "…":
            width += THEME_FONT_PX
        else:
            return None
    return width


def _lines(label: str) -> list[str]:
    return _BR.split(str(label))


def _axis_labels(figure: Mapping, letter: str) -> list[str] | None:
    """The tick labels a chart's axis shows, or None when they cannot be told in advance."""
    layout = figure.get("layout") or {}
    axis = layout.get(f"{letter}axis") or {}
    if axis.get("tickmode") == "array" and isinstance(axis.get("ticktext"), list):
        return [str(t) for t in axis["ticktext"]]
    values = [v for trace in figure.get("data") or [] for v in (trace.get(letter) or [])
              if isinstance(trace.get(letter), list)]
    if values and all(isinstance(v, str) for v in values):
        # categories, shown as written; plotly would read numbers or dates in them as a numeric or date axis
        looks_numeric = any(_NUMBER_OR_DATE.match(v.strip()) for v in values)
        return None if looks_numeric or axis.get("type") not in (None, "category") else list(dict.fromkeys(values))
    tops = _fixed_top(axis) if "range" in axis else _data_tops(figure, letter)
    return _numeric_labels(axis, *tops) if tops else None


def _linear_from_zero(axis: Mapping) -> bool:
    """Whether plotly's automatic ticks label the axis as ``_tick_label`` writes them (plain numbers from 0)."""
    return not (axis.get("tickformat") or axis.get("type") not in (None, "linear") or axis.get("nticks")
                or axis.get("tickmode") not in (None, "auto") or axis.get("tickprefix"))


def _fixed_top(axis: Mapping) -> tuple[float, float] | None:
    """The top of an axis's fixed range from 0 (twice: as the lowest and highest it can be), else None."""
    bounds = axis.get("range")
    if (not isinstance(bounds, list) or len(bounds) != 2 or bounds[0] != 0 or not isinstance(bounds[1], (int, float))
            or not 0 < bounds[1] < TOP_LIMIT or not _linear_from_zero(axis)):
        return None
    return float(bounds[1]), float(bounds[1])


def _data_tops(figure: Mapping, letter: str) -> tuple[float, float] | None:
    """The lowest and highest top plotly's automatic range from 0 can give a y axis of vertical bars and points.

    plotly's range reaches past the highest bar (of a stack, its sum), point or error bar by 5% of the axis's
    length, and a point's marker by half its size more (autorange.js, scatter/calc.js): so the top lies between
    the data's highest value and that value over 0.95 less the marker's share of the shortest axis a page
    draws (``SHORTEST_AXIS_PX``). Only when the range starts at 0: bars alone, or ``rangemode="tozero"``.
    """
    layout = figure.get("layout") or {}
    axis = layout.get(f"{letter}axis") or {}
    traces = figure.get("data") or []
    if (letter != "y" or not traces or axis.get("autorange") not in (None, True) or not _linear_from_zero(axis)
            or layout.get("barnorm") or layout.get("barmode") not in (None, "group", "overlay", "stack")):
        return None
    bars = [t for t in traces if t.get("type") == "bar"]
    if axis.get("rangemode") != "tozero" and len(bars) < len(traces):
        return None  # points alone: the range starts below the lowest, with labels not told here
    highest, marker = 0.0, 0.0
    for trace in traces:
        ys = trace.get("y")
        if (trace.get("visible") not in (None, True) or trace.get("orientation") not in (None, "v")
                or trace.get("base") is not None or trace.get("yaxis") not in (None, "y") or not isinstance(ys, list)
                or trace.get("type") == "bar" and (trace.get("text") or trace.get("texttemplate"))  # may widen it
                or not all(y is None or (isinstance(y, (int, float)) and not isinstance(y, bool) and y >= 0)
                           for y in ys)):
            return None
        tops = [y or 0 for y in ys]
        error = trace.get("error_y") or {}
        if error.get("visible"):
            above = error.get("array")
            # plotly draws the bar symmetric unless it is given the part below (errorbars/defaults.js)
            below = above if error.get("symmetric") is True or "arrayminus" not in error else error["arrayminus"]
            if (error.get("type") != "data" or not isinstance(above, list) or not isinstance(below, list)
                    or len(above) < len(ys) or len(below) < len(ys)
                    or any(y is not None and y - (e or 0) < 0 for y, e in zip(ys, below))):
                return None  # an error bar below 0 takes the range below 0 too
            tops = [top + (e or 0) for top, e in zip(tops, above)]
        if trace.get("type") == "scatter" and "markers" in str(trace.get("mode") or "lines+markers"):
            size = (trace.get("marker") or {}).get("size", 6)
            if not isinstance(size, (int, float)):
                return None
            marker = max(marker, max(size / 1.6, 3))  # plotly's pad for a marker: scatter/calc.js calcMarkerSize
        highest = max([highest, *tops])
    if layout.get("barmode") == "stack" and bars:
        stacked = [sum(y or 0 for y in ys) for ys in zip(*(b["y"] for b in bars))]
        highest = max([highest, *stacked])
    if not 0 < highest:
        return None
    high = highest / (1 - 0.05 - marker / SHORTEST_AXIS_PX)
    return (highest, high) if high < TOP_LIMIT else None


def _tick_steps(low: float, high: float) -> list[float]:
    """Every tick spacing plotly's automatic ticks could choose for an axis from 0 to a top between low and high."""
    # plotly aims at 5 to 10 ticks (one per 40 px of a y axis, 80 of an x axis), then rounds the step up to 1, 2 or 5
    # times a power of ten (axes.js autoTicks): every such step from the roughest to the finest it can reach
    def round_up(rough: float) -> float:
        base = 10 ** math.floor(math.log10(rough))
        return base * next(n for n in (1, 2, 5, 10) if n >= rough / base - 1e-9)

    steps, step = [], round_up(low / 10)
    while step <= round_up(high / 5) * (1 + 1e-9):
        steps.append(step)
        step = round_up(step * 1.5)
    return steps


def _tick_label(axis: Mapping, value: float) -> str:
    return f"{round(value, 10):g}" + str(axis.get("ticksuffix") or "")


def _numeric_labels(axis: Mapping, low: float, high: float) -> list[str] | None:
    """The labels of plotly's automatic ticks from 0 to a top between low and high, when every tick spacing it could
    choose makes the widest of them equally wide; else None (the margin would depend on plotly's choice)."""
    choices = [[_tick_label(axis, k * step) for k in range(int(top / step + 1e-9) + 1)]
               for step in _tick_steps(low, high) for top in (low, high)]
    widest = {_widest(labels) for labels in choices}
    return choices[0] if len(widest) == 1 and None not in widest else None


def _right_margin(layout: Mapping, left: float) -> int | None:
    """The right margin (px) the last x tick label will need on a desk, when it reaches past the axis's end.

    The label is centred on its tick; what of it passes the end of the axis plotly adds to the right margin, with
    its pad (``DESK_CHART_PX``, ``PLOTLY_PAD``). Worked out only for a fixed range from 0 whose last tick is the
    same whatever spacing plotly picks (a percent axis to 101 ends with "100%" at 0, 20 or 50 apart).
    """
    axis = layout.get("xaxis") or {}
    found = _fixed_top(axis)
    margins = [_themed(layout, "margin", side) for side in ("l", "r", "t", "b")]
    if found is None or not all(isinstance(m, (int, float)) for m in margins):
        return None
    top = found[0]
    steps = _tick_steps(top, top)
    last = {round(math.floor(top / step + 1e-9) * step, 10) for step in steps}
    width = text_width(_tick_label(axis, last.pop())) if len(last) == 1 else None
    if width is None:
        return None
    at = math.floor(top / steps[0] + 1e-9) * steps[0] / top  # where the last tick is, as a share of the axis
    pad = min(PLOTLY_PAD, *margins)
    # plotly's own fixed point: right = pad + width / 2 - ink inset - (1 - at) * (chart width - left - right)
    right = (pad + width / 2 - LABEL_INK_INSET - (1 - at) * (DESK_CHART_PX - left)) / at
    return round(right) if round(right) > margins[1] else None


def _widest(labels: list[str]) -> float | None:
    widths = [text_width(line) for label in labels for line in _lines(label)]
    return None if not widths or None in widths else max(widths)


def _themed(layout: Mapping, *path: str) -> Any:
    """A layout setting as the figure gives it, else as its template does."""
    for source in (layout, ((layout.get("template") or {}).get("layout") or {})):
        value = source
        for key in path:
            value = value.get(key) if isinstance(value, Mapping) else None
        if value is not None:
            return value
    return None


def _as_theme_draws_it(layout: Mapping, letter: str) -> bool:
    """Whether the axis is drawn as the numbers above were measured: theme font, ticks outside, one-line title."""
    size = _themed(layout, f"{letter}axis", "tickfont", "size") or _themed(layout, "font", "size")
    title = str(_themed(layout, f"{letter}axis", "title", "text") or "")
    return (size == THEME_FONT_PX and _themed(layout, f"{letter}axis", "ticks") == "outside"
            and _themed(layout, f"{letter}axis", "title", "standoff") == 8 and not _BR.search(title)
            and _themed(layout, f"{letter}axis", "side") in (None, "left" if letter == "y" else "bottom")
            and _themed(layout, f"{letter}axis", "ticklen") in (None, 5)
            and _themed(layout, f"{letter}axis", "tickangle") in (None, "auto", 0))


def label_margins(figure: Mapping) -> dict[str, int]:
    """The left, bottom and right margins (px) a chart's axis labels will need, for the sides that can be told in advance."""
    layout = figure.get("layout") or {}
    if set(layout) & {"xaxis2", "yaxis2"} or any((t.get("type") or "scatter") not in ("bar", "scatter")
                                                  for t in figure.get("data") or []):
        return {}
    margins = {}
    y_labels = _axis_labels(figure, "y") if _as_theme_draws_it(layout, "y") else None
    widest = _widest(y_labels) if y_labels else None
    given = _themed(layout, "margin", "l")
    if widest is not None and isinstance(given, (int, float)):
        margins["l"] = max(int(given), round(widest + BESIDE_Y_LABELS + SLACK))
    x_labels = _axis_labels(figure, "x") if _as_theme_draws_it(layout, "x") else None
    given = _themed(layout, "margin", "b")
    if x_labels and _widest(x_labels) is not None and isinstance(given, (int, float)):
        lines = max(len(_lines(label)) for label in x_labels)
        margins["b"] = max(int(given), round(FIRST_LINE + (lines - 1) * NEXT_LINE + BELOW_X_LABELS + SLACK))
    right = _right_margin({**layout, "margin": {**(layout.get("margin") or {}), **margins}}, margins["l"]) \
        if x_labels and "l" in margins else None
    if right is not None:
        margins["r"] = right
    return margins


def with_label_margins(figure: Mapping) -> dict:
    """The figure, its layout's margins widened to what its axis labels will need (see ``label_margins``); and so
    its narrow screen's layout (``layout.meta.narrow``: names beside the y axis in shorter lines), for the margins
    those labels will need there."""
    given = figure.get("layout") or {}
    layout = dict(given)
    narrow = (given.get("meta") or {}).get("narrow") if isinstance(given.get("meta"), Mapping) else None
    margins = label_margins(figure)
    if margins:
        layout["margin"] = {**(given.get("margin") or {}), **margins}
    if isinstance(narrow, Mapping):
        on_a_phone = {**given, **{key: ({**(given.get(key) or {}), **value} if isinstance(value, Mapping) else value)
                                  for key, value in narrow.items()}}
        narrow_margins = label_margins({**figure, "layout": on_a_phone})
        if narrow_margins:
            margin = {**(given.get("margin") or {}), **narrow_margins}
            layout["meta"] = {**given["meta"], "narrow": {**narrow, "margin": margin}}
    return {**figure, "layout": layout}
