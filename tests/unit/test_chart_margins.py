"""The margins a page's chart starts from: what its axis labels will need, never less than the figure gives.

That plotly then settles on exactly these margins in Chromium (each chart drawn once) and that no label is
cut off is checked in tests/e2e/test_layout.py.
"""
from __future__ import annotations

from analysis import chart_margins, charts, export, metrics, report
from analysis.config import load_config
from test_metrics import five_cases


def _page_figure(fig) -> dict:
    """A figure as a page draws it: escaped payload, title taken out into a caption."""
    return export.chart_title_out(report.figure_payload(fig))[1]


def test_text_width_counts_wide_characters_as_the_font_size_and_ascii_by_its_advance():
    assert chart_margins.text_width("区政府") == 42.0
    assert chart_margins.text_width("150") == 3 * 498 / 64  # 7.78 px a digit
    assert chart_margins.text_width("100%") == (3 * 498 + 826) / 64
    assert chart_margins.text_width("国际港务区生态…") == 8 * 14.0
    assert chart_margins.text_width("A&amp;B") == chart_margins.text_width("A&B")  # as shown, not as escaped
    assert chart_margins.text_width("Ünit") is None  # not in the table: nothing is guessed


def test_a_session_chart_starts_from_the_margins_its_labels_take():
    figures = metrics.ledger_figures(five_cases())
    figure = _page_figure(charts.plot_outcome_mix(figures))  # y: 0 to 100 %, x: sessions on two lines
    assert figure["layout"]["yaxis"]["range"] == [0, 100] and figure["layout"]["yaxis"]["ticksuffix"] == "%"
    widest = chart_margins.text_width("100%")
    lines = max(len(t.split("<br>")) for t in figure["data"][0]["x"])
    assert chart_margins.label_margins(figure) == {
        "l": round(widest + 40.5 + 0.49), "b": max(60, round(20 + (lines - 1) * 18.2 + 38.6 + 0.49))}
    drawn = chart_margins.with_label_margins(figure)
    assert drawn["layout"]["margin"] == {"t": export.CHART_TOP_MARGIN, **chart_margins.label_margins(figure)}
    assert drawn["data"] == figure["data"]
    assert figure["layout"]["margin"] == {"t": export.CHART_TOP_MARGIN}  # the figure given is left as it was


def test_a_unit_chart_starts_from_its_longest_shown_name():
    config = load_config()
    units = metrics.unit_table(five_cases(), config=config)
    figure = _page_figure(charts.plot_unit_ranking(units))
    shown = figure["layout"]["yaxis"]["ticktext"]  # a long name on two lines (charts.axis_lines): its longer line
    widest = max(chart_margins.text_width(line) for name in shown for line in name.split("<br>"))
    assert chart_margins.label_margins(figure)["l"] == round(widest + 40.5 + 0.49)


def test_an_axis_ranged_from_the_data_gets_its_margin_when_every_range_plotly_could_pick_labels_it_alike():
    figures = metrics.ledger_figures(five_cases())
    figure = _page_figure(charts.plot_port_zone_share(figures))  # rangemode tozero: the data's top decides
    assert "range" not in figure["layout"]["yaxis"]
    # the highest error bar ends at 90.5%: the axis reaches past it by 5% of its length (a point by 6.25 px more),
    # not as far as 100%: its widest label is "90%" or "80%" as plotly spaces its ticks 10 or 20 apart
    top = max(y + e for y, e in zip(figure["data"][0]["y"], figure["data"][0]["error_y"]["array"]))
    assert 90 < top < 100 * (0.95 - 10 / 1.6 / chart_margins.SHORTEST_AXIS_PX)
    assert chart_margins.label_margins(figure)["l"] == round(chart_margins.text_width("90%") + 40.5 + 0.49)
    low = _bars([[30, 20], [10, 5]], barmode="stack")  # stacks of 40 and 25: plotly's axis to 42.1, labels to "40"
    assert chart_margins.label_margins(low)["l"] == 60  # the figure's own margin: "40" needs less
    high = _bars([[300, 120], [151, 5]], barmode="stack")  # 451 / 0.95 = 474.7: "450" or "400", 3 digits either way
    assert chart_margins.label_margins(high)["l"] == round(chart_margins.text_width("450") + 40.5 + 0.49) > 60
    points = _bars([[58.0, 12.0]], rangemode="tozero", suffix="%")  # markers 10 px: 5% and 6.25 px past 58
    points["data"][0].update(type="scatter", mode="lines+markers", marker={"size": 10})
    assert chart_margins.label_margins(points)["l"] == round(chart_margins.text_width("60%") + 40.5 + 0.49)


def test_an_axis_ranged_from_the_data_is_left_to_plotly_when_its_labels_cannot_be_told():
    assert "l" not in chart_margins.label_margins(_bars([[96, 3]]))  # 96 / 0.95 = 101: "80" or "100"
    assert "l" not in chart_margins.label_margins(_bars([[960, 3]]))  # past 1000: plotly may write "1k" or "1000"
    assert "l" not in chart_margins.label_margins(_bars([[-5, 300]]))  # below 0: "-100" or none
    assert "l" in chart_margins.label_margins(_bars([[150, 120]]))
    labelled = _bars([[150, 120]])
    labelled["data"][0]["text"] = ["150", "120"]  # a value printed outside its bar may take the range further
    assert "l" not in chart_margins.label_margins(labelled)
    points = _bars([[150, 120]])
    points["data"][0].update(type="scatter", mode="markers")  # points alone: the range starts below the lowest
    assert "l" not in chart_margins.label_margins(points)
    points["layout"]["yaxis"]["rangemode"] = "tozero"
    assert "l" in chart_margins.label_margins(points)
    points["data"][0]["error_y"] = {"type": "data", "array": [5, 5], "arrayminus": [155, 5], "visible": True}
    assert "l" not in chart_margins.label_margins(points)  # an error bar below 0 takes the axis below 0


def _bars(series: list[list[float]], barmode: str = "group", rangemode: str | None = None, suffix: str = "") -> dict:
    """A chart of vertical bars on the theme's axes, one trace a series; the y range left to plotly."""
    axis = {"ticks": "outside", "title": {"text": "件数", "standoff": 8}}
    yaxis = {**axis, **({"rangemode": rangemode} if rangemode else {}), **({"ticksuffix": suffix} if suffix else {})}
    return {"data": [{"type": "bar", "x": ["甲", "乙"], "y": ys} for ys in series],
            "layout": {"barmode": barmode, "margin": {"l": 60, "r": 20, "t": 24, "b": 60}, "font": {"size": 14},
                       "xaxis": axis, "yaxis": yaxis}}


def test_margins_never_shrink_and_other_charts_are_left_alone():
    figure = {"data": [{"type": "bar", "x": ["a"], "y": [1]}],
              "layout": {"margin": {"l": 300, "b": 200}, "yaxis": {"range": [0, 10], "ticks": "outside",
                                                                   "title": {"text": "n", "standoff": 8}},
                         "xaxis": {"ticks": "outside", "title": {"text": "x", "standoff": 8}}, "font": {"size": 14}}}
    assert chart_margins.label_margins(figure) == {"l": 300, "b": 200}
    small = {**figure, "layout": {**figure["layout"], "margin": {"l": 10, "b": 10}}}
    assert chart_margins.label_margins(small) == {"l": round(chart_margins.text_width("10") + 40.5 + 0.49),
                                                  "b": round(20 + 38.6 + 0.49)}
    for other in ({"data": [{"type": "heatmap", "z": [[1]]}], "layout": figure["layout"]},  # not bar or scatter
                  {"data": figure["data"], "layout": {**figure["layout"], "font": {"size": 20}}},  # not the theme
                  {"data": figure["data"], "layout": {**figure["layout"], "yaxis2": {}}}):  # a second axis
        assert "l" not in chart_margins.label_margins(other)


def test_strings_plotly_would_read_as_numbers_or_dates_are_not_taken_for_categories():
    layout = {"xaxis": {"ticks": "outside", "title": {"text": "x", "standoff": 8}}, "margin": {"b": 10},
              "font": {"size": 14}}
    for values in (["1", "2"], ["2024-01-01", "2024-02-01"], ["-3.5"], ["1,200"], ["12%"], ["2024-01-01 10:00"]):
        assert chart_margins.label_margins({"data": [{"type": "bar", "x": values, "y": [1] * len(values)}],
                                            "layout": layout}) == {}, values
    for session in ("十八届一次<br>2022年", "2022年", "18th, 1st<br>2022"):  # categories, however they start
        assert chart_margins.label_margins({"data": [{"type": "bar", "x": [session], "y": [1]}], "layout": layout}) \
            == {"b": round(20 + 18.2 * session.count("<br>") + 38.6 + 0.49)}, session


def _rate_chart(top: float, right: int = 20) -> dict:
    """A peers-like chart: names down the left, a percent axis from 0 to ``top`` along the bottom."""
    axis = {"ticks": "outside", "title": {"text": "比率（%）", "standoff": 8}}
    return {"data": [{"type": "scatter", "x": [50.0], "y": ["甲地"], "mode": "markers"}],
            "layout": {"margin": {"l": 60, "r": right, "t": 24, "b": 60}, "font": {"size": 14},
                       "xaxis": {**axis, "range": [0, top], "ticksuffix": "%"}, "yaxis": {**axis, "title": {
                           "text": "", "standoff": 8}}}}


def test_a_percent_axis_ending_past_its_last_label_gets_the_right_margin_plotly_would_widen_it_to():
    figure = _rate_chart(101)  # "100%" centred 1/101 of the axis before its end: half of it sticks out
    margins = chart_margins.label_margins(figure)
    left = margins["l"]
    half = chart_margins.text_width("100%") / 2 - chart_margins.LABEL_INK_INSET
    at = 100 / 101
    expected = round((12 + half - (1 - at) * (chart_margins.DESK_CHART_PX - left)) / at)
    assert margins["r"] == expected > 20  # plotly's own fixed point (checked in Chromium: tests/e2e/test_layout.py)
    assert "r" not in chart_margins.label_margins(_rate_chart(101, right=40))  # never less than given
    assert "r" not in chart_margins.label_margins(_rate_chart(105))  # "100%" well inside the end: nothing to widen
    # 0 to 7.5: the last tick is 7, 6 or 5 as plotly spaces them 1, 2 or 5 apart: not told in advance
    assert "r" not in chart_margins.label_margins(_rate_chart(7.5))
