"""Chart builders: the traces hold the right numbers, one theme, deterministic JSON."""
from __future__ import annotations

import html
import re

import pandas as pd
import pytest

from analysis import chart_margins, charts, export, labels, metrics, report, schemes
from analysis.config import load_config
from test_metrics import S1, S2, five_cases, reconciliation_like


@pytest.fixture(scope="module")
def figures():
    return metrics.ledger_figures(five_cases())


def _read(fig) -> list[str]:
    """The y axis's names as a reader reads them: each one's lines (``charts.axis_lines``) joined."""
    return [t.replace("<br>", "") for t in fig.layout.yaxis.ticktext]


def _trace(fig, name):
    hits = [t for t in fig.data if t.name == name]
    assert len(hits) == 1, [t.name for t in fig.data]
    return hits[0]


def test_received_trend_numbers(figures):
    fig = charts.plot_received_trend(figures)
    assert [t.name for t in fig.data] == ["区政府", "国际港务区", "收到建议"]
    assert list(_trace(fig, "区政府").y) == [2, 1]
    assert list(_trace(fig, "国际港务区").y) == [1, 1]
    assert list(_trace(fig, "收到建议").y) == [3, 2]
    assert list(_trace(fig, "收到建议").text) == ["3", "2"]
    assert fig.layout.barmode == "stack"
    assert list(fig.data[0].x) == ["十八届一次<br>2022年<br>示例数据", "十八届二次<br>2023年<br>示例数据"]


def test_published_sessions_are_marked_on_the_axis(figures):
    combined = metrics.combine_overviews(figures, metrics.overview_from_published(reconciliation_like()))
    fig = charts.plot_received_trend(combined)
    assert list(_trace(fig, "收到建议").y) == [3, 2, 6]
    assert fig.data[0].x[-1] == "十八届三次<br>2024年<br>公开数字·推算"
    assert "推算" in fig.data[0].customdata[-1][1]


def test_a_printed_share_apart_from_the_counts_is_named_in_the_hover():
    # the report prints 52.3% for 区政府's 2 of 4: the chart draws 2 ÷ 4 = 50.00%, the cards and tables show the
    # printed 52.3%: the hover names it, and marks one the checker finds wrong; shares that agree get nothing more
    published = metrics.overview_from_published(reconciliation_like())
    hover = _trace(charts.plot_received_trend(published), "区政府").customdata[0]
    assert hover[0] == "50.00%" and hover[1] == "公开数字，原文印出，原文为 52.3%"
    wrong = published.assign(percent_check=["error" if m == "handled" else "" for m in published["measure"]])
    hover_en = _trace(charts.plot_received_trend(wrong, lang="en"), "district government").customdata[0]
    assert hover_en[1].endswith("the report prints 52.3% (does not match the counts)")
    agrees = _trace(charts.plot_outcome_mix(published, handler="区政府"), "A类").customdata[0]
    assert "原文为" not in " ".join(str(c) for c in agrees)


def test_english_labels(figures):
    fig = charts.plot_received_trend(figures, lang="en")
    assert [t.name for t in fig.data] == ["district government", "International Port Zone", "suggestions received"]
    assert fig.layout.title.text == "Suggestions received and handled, by session"
    assert fig.data[0].x[0] == "18-1<br>2022<br>sample data"


def test_port_zone_share_with_wilson_interval(figures):
    fig = charts.plot_port_zone_share(figures)
    trace = fig.data[0]
    assert list(trace.y) == pytest.approx([100 / 3, 50.0])
    # Wilson 95 % for 1/3: 6.15 % – 79.23 %
    assert trace.error_y.array[0] == pytest.approx(79.234 - 100 / 3, abs=1e-3)
    assert trace.error_y.arrayminus[0] == pytest.approx(100 / 3 - 6.149, abs=1e-3)
    assert list(trace.customdata[0][:3]) == [1, 3, "33.33%"]
    # The total over both sessions is drawn as a reference line with its share.
    # A dotted line named in the legend (a label on the line could land on the legend on a phone).
    total = _trace(fig, "2次会议合计 40.00%")
    assert list(total.y) == [40.0, 40.0] and total.line.dash == "dot" and not fig.layout.annotations


def test_outcome_mix_percent_and_count(figures):
    fig = charts.plot_outcome_mix(figures, handler="")
    assert [t.name for t in fig.data] == ["A类", "B类", "C类", "尚无办理结果"]
    assert list(_trace(fig, "A类").y) == pytest.approx([200 / 3, 0.0])
    assert list(_trace(fig, "尚无办理结果").y) == pytest.approx([0.0, 50.0])
    assert list(_trace(fig, "A类").customdata[0][:3]) == [2, "66.7%", 3]
    counts = charts.plot_outcome_mix(figures, handler="", value="count")
    assert list(_trace(counts, "C类").y) == [0, 1]
    # a page showing both tells them apart by their titles
    assert fig.layout.title.text.startswith("全部承办主体办理结果分类构成") and "（件数）" not in fig.layout.title.text
    assert counts.layout.title.text.startswith("全部承办主体办理结果分类构成（件数）")
    assert "%{customdata[0]}件" in fig.data[0].hovertemplate


def test_outcome_mix_follows_the_scheme_and_styles_by_position(figures):
    four = schemes.load_scheme("four_class")
    overview = metrics.ledger_figures(five_cases(), scheme=four)
    fig = charts.plot_outcome_mix(overview, scheme=four, handler="")
    names = [t.name for t in fig.data]
    assert names[:4] == ["A类", "B类", "C类", "D类"]
    colours = [t.marker.color for t in fig.data[:4]]
    patterns = [t.marker.pattern.shape for t in fig.data[:4]]
    assert len(set(colours)) == 4 and len(set(patterns)) == 4
    assert colours[:3] == list(charts.CLASS_COLOURS[:3])


def test_satisfaction_mix(figures):
    fig = charts.plot_satisfaction_mix(figures)
    assert [t.name for t in fig.data] == ["满意", "基本满意", "不满意"]
    assert list(_trace(fig, "满意").y) == [50.0, 0.0]
    assert list(_trace(fig, "不满意").y) == [0.0, 100.0]
    assert _trace(fig, "满意").customdata[0][2] == 2  # base = rated


def test_on_time_only_plots_sessions_that_can_be_judged(figures):
    fig = charts.plot_on_time(figures)
    assert [t.name for t in fig.data] == ["全部承办主体", "区政府", "国际港务区"]
    assert list(_trace(fig, "全部承办主体").y) == pytest.approx([200 / 3])
    assert list(_trace(fig, "区政府").y) == [50.0]
    assert "3个月" in fig.layout.title.text


def test_unit_ranking_orders_and_flags():
    config = load_config()
    config["performance"] = {**config["performance"], "min_cases": 2, "flag_below": 0.6}
    units = metrics.unit_table(five_cases(), config=config)
    fig = charts.plot_unit_ranking(units)
    flagged = _trace(fig, "低于阈值")
    assert list(flagged.y) == ["港务区建设局（国际港务区）"]
    assert list(flagged.x) == [0.5]
    assert list(_trace(fig, "达到阈值").x) == [pytest.approx(0.65)]
    assert list(fig.layout.yaxis.categoryarray) == ["区城管局（区政府）", "港务区建设局（国际港务区）", "区教育局（区政府）"]
    assert list(_read(fig)) == ["区城管局", "港务区建设局", "区教育局"]  # the body is in the hover
    assert list(_trace(fig, "阈值 0.6").x) == [0.6, 0.6] and not fig.layout.annotations
    assert fig.layout.title.text == "承办单位绩效得分（全部承办主体）"


def test_an_on_time_rate_known_only_as_a_range_is_named_under_the_chart_not_left_out_silently(monkeypatch):
    # a ledger without 复杂建议: replies in month 4 to 6 leave the rate a range, which has no bar or point
    cases = five_cases().drop(columns=["complex_case"], errors="ignore")
    cases["reply_date"] = cases["assigned_date"] + pd.DateOffset(months=4)
    figures = metrics.ledger_figures(cases)
    assert figures[(figures["measure"] == "replied_on_time")]["count"].isna().all()
    bounds = metrics.on_time_bounds(figures, S1, "")
    fig = charts.plot_on_time(figures)
    said = f"全部承办主体（{labels.session_label(S1, 'zh', short=True, year=False)}）" \
           f"{labels.format_pct(bounds.low_pct, 1)}至{labels.format_pct(bounds.high_pct, 1)}"
    assert "<sup>按期答复率只知范围，未画（台账未注明是否复杂建议）</sup>" in fig.layout.title.text
    assert f"<sup>{said}</sup>" in fig.layout.title.text
    # nothing else to draw: the page shows the sentence with the ranges instead of empty axes
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda bundle, raw=False, metadata=None: shown.append(bundle))
    report.show_figure(fig, "on_time")
    (bundle,) = shown
    assert report.MIME_PLOTLY not in bundle and said in bundle[report.MIME_TEXT]["text"]
    # the trend of one body names its sessions' ranges too, in English as well
    trend = charts.plot_rates_trend(figures, lang="en")
    assert "On-time rate known only as a range" in trend.layout.title.text
    assert f"{labels.format_pct(bounds.low_pct, 1, 'en')} – {labels.format_pct(bounds.high_pct, 1, 'en')}" in \
        trend.layout.title.text
    # one body drawn beside the others' ranges is named by the legend (plotly hides a lone trace's legend)
    court = figures.copy()
    court.loc[(court["measure"] == "replied_on_time") & (court["handler"] == "国际港务区"),
              ["count", "base", "share_pct", "status"]] = [1, 1, 100.0, "computed"]
    assert charts.plot_on_time(court).layout.showlegend is True and trend.layout.showlegend is True
    # a ledger with the flag: no such line
    assert "只知范围" not in charts.plot_on_time(metrics.ledger_figures(five_cases())).layout.title.text


def test_a_unit_name_under_two_bodies_says_its_body_on_the_axis():
    config = load_config()
    config["performance"] = {**config["performance"], "min_cases": 1}
    cases = five_cases().assign(lead_unit="立案庭")  # one name filed under both bodies
    fig = charts.plot_unit_ranking(metrics.unit_table(cases, config=config))
    assert sorted(_read(fig)) == ["立案庭（区政府）", "立案庭（国际港务区）"]  # a body of five or fewer characters whole
    english = charts.plot_unit_ranking(metrics.unit_table(cases, config=config), lang="en")
    assert all(t.startswith("立案庭 (") for t in _read(english))
    assert len(set(_read(english))) == 2


def test_a_unit_name_ending_in_a_bracket_keeps_it_whole_beside_its_body_on_the_axis_and_in_the_hover():
    config = load_config()
    config["performance"] = {**config["performance"], "min_cases": 1}
    cases = five_cases().assign(lead_unit="市中院（立案庭）")  # one name filed under both bodies
    fig = charts.plot_unit_ranking(metrics.unit_table(cases, config=config))
    assert sorted(_read(fig)) == ["市中院（立案庭）（区政府）", "市中院（立案庭）（国际港务区）"]
    english = _read(charts.plot_unit_ranking(metrics.unit_table(cases, config=config), lang="en"))
    assert sorted(english) == ["市中院（立案庭） (Internation…)", "市中院（立案庭） (district go…)"]
    hovers = {row[-1] for t in fig.data if t.type == "bar" for row in t.customdata}
    assert hovers == {"市中院（立案庭）（区政府）", "市中院（立案庭）（国际港务区）"}
    # a name listed once keeps the axis to itself; the hover names its body
    one = charts.plot_unit_ranking(metrics.unit_table(cases[cases["handler"] == "区政府"], config=config))
    assert list(_read(one)) == ["市中院（立案庭）"]
    assert [row[-1] for t in one.data if t.type == "bar" for row in t.customdata] == ["市中院（立案庭）（区政府）"]


def test_long_unit_names_are_shortened_on_the_axis_and_whole_in_the_hover():
    assert charts.short_name("国际港务区教育卫体局", 8) == "国际港务区教育…"
    assert charts.short_name("区教育局") == "区教育局"
    assert charts.short_name("国际港务区管委会社会事业服务中心") == "国际港务区管委会社会事业服…"  # two lines of 7


def test_a_name_beside_the_axis_is_broken_into_lines_that_fit_a_phone_and_read_as_the_name():
    line = charts.AXIS_LINE_PX
    assert charts.axis_lines("区教育局") == "区教育局"
    assert charts.axis_lines("国际港务区教育卫体局") == "国际港务区<br>教育卫体局"  # 7 at most a line, evenly
    # after the place's name, not 国际港务区财政 over 局 nor 国际港务 over 区财政局
    assert charts.axis_lines("国际港务区财政局") == "国际港务区<br>财政局"
    assert charts.axis_lines("某某县人民医院外科") == "某某县<br>人民医院外科"
    assert charts.axis_lines("市政府办公室综合一处") == "市政府办公<br>室综合一处"  # a level word alone is no place
    assert charts.axis_lines("T01 杭州市（十三届五次）") == "T01 杭州市<br>（十三届五次）"  # at the bracket
    assert charts.axis_lines("T09 肃南裕固族…") == "T09 <br>肃南裕固族…"  # after the space
    assert charts.axis_lines("区一二三）四五六") == "区一二三）<br>四五六"  # no line starts with '）' or '…'
    assert charts.axis_lines("区一二三…四五六") == "区一二三…<br>四五六"
    assert charts.axis_lines("<b>粗体的很长很长单位名</b>") == "<b>粗体的很长<br>很长单位名</b>"  # a tag is no width
    for name in ("国际港务区管委会社会事业服…", "市中院立案庭（市中级人…）", "Education and Sports Bureau", "A&amp;B局" * 4):
        lines = charts.axis_lines(name).split("<br>")
        assert "".join(lines) == name  # every character kept, in order
        assert all(chart_margins.text_width(x.strip()) <= line for x in lines), lines
        assert len(lines) <= 2 or name.startswith("A&amp;")


def test_on_a_360_px_phone_unit_names_leave_the_bars_half_the_chart_and_on_a_desk_take_one_line():
    """At 360 px a chart is 338 px wide: unit names on one line of 8 characters left the bars 95 px. On a desk and on
    paper they took two lines too (the chart 1420 px tall, not 1000; squeezed onto A4 the lines ran together)."""
    config = load_config()
    config["performance"] = {**config["performance"], "min_cases": 1}
    long = ["国际港务区管委会社会事业服务中心", "市中级人民法院立案庭", "国际港务区生态环境局", "区教育局", "区文旅体育局"]
    fig = charts.plot_unit_ranking(metrics.unit_table(five_cases().assign(lead_unit=long), config=config))
    page = chart_margins.with_label_margins(export.chart_title_out(report.figure_payload(fig))[1])
    # a desk (and paper): each name on one line, rows 28 px apart; the plot keeps more than half a 688 px chart
    assert not any("<br>" in t for t in fig.layout.yaxis.ticktext)
    assert fig.layout.height == max(360, 5 * 28 + 160) and 688 - page["layout"]["margin"]["l"] - 36 >= 688 / 2
    # a phone (the page's narrow layout): two lines of at most 7 characters, rows 14 px further apart
    narrow = page["layout"]["meta"]["narrow"]
    assert narrow["yaxis"]["ticktext"] == [charts.axis_lines(t) for t in fig.layout.yaxis.ticktext]
    assert max(t.count("<br>") for t in narrow["yaxis"]["ticktext"]) == 1
    assert narrow["height"] == 5 * (28 + charts.ROW_PX_PER_EXTRA_LINE) + 160
    assert 338 - narrow["margin"]["l"] - 29 >= 338 / 2, narrow  # 29: the right margin plotly takes on a phone
    assert _read(fig) == [charts.short_name(n) for n in fig.layout.yaxis.tickvals] or \
        sorted(_read(fig)) == sorted(charts.short_name(n.split("（")[0]) for n in fig.layout.yaxis.tickvals)


def test_two_long_unit_names_that_cut_alike_get_two_labels_on_the_axis_each_short_and_whole_in_the_hover():
    config = load_config()
    config["performance"] = {**config["performance"], "min_cases": 1}
    cases = five_cases().assign(lead_unit=["国际港务区管委会教育卫体局", "国际港务区管委会教育体育局",
                                           "市政府办公室综合协调处第一科", "市政府办公室综合协调处第二科", "区教育局"])
    for lang in ("zh", "en"):
        fig = charts.plot_unit_ranking(metrics.unit_table(cases, config=config), lang=lang)
        ticks = dict(zip(fig.layout.yaxis.tickvals, _read(fig)))
        # before: 国际港务区管委会教育… twice and 市政府办公室综合协调处第… twice, beside bars with different scores
        assert sorted(ticks.values()) == ["区教育局", "国际港务区管委会教育体育局", "国际港务区管委会教育卫体局",
                                          "市政府办公室综合协调处第一科", "市政府办公室综合协调处第二科"]
        hovers = {row[-1] for t in fig.data if t.type == "bar" for row in t.customdata}
        assert hovers == set(ticks)  # each bar's hover names the unit whole (with its body), the axis value it sits on
        assert {v.split("（")[0].split(" (")[0] for v in hovers} == set(cases["lead_unit"])


def test_short_names_on_one_axis_are_distinct_and_keep_what_tells_them_apart():
    assert charts.short_names(["国际港务区教育卫体局", "国际港务区教育局", "区教育局"], 8) == \
        ["国际港务区教育…", "国际港务区教育局", "区教育局"]  # no two alike: cut as before
    assert charts.short_names(["国际港务区教育卫体局", "国际港务区教育体育局"], 8) == ["国际港务…卫体局", "国际港务…体育局"]
    # a name that ends where another goes on is shown whole; so is a name that reads as another's cut
    assert charts.short_names(["市政府办公室综合处", "市政府办公室综合处一科"], 8) == ["市政府办公室综合处", "市政府办公…一科"]
    assert charts.short_names(["国际港务区教育卫体局", "国际港务区教育…"], 8) == ["国际港务…卫体局", "国际港务区教育…"]
    assert charts.short_names(["国际港务区管委会", "国际港务区党工委"], 5) == ["国际…管委会", "国际…党工委"]


def test_two_bodies_whose_names_cut_alike_are_told_apart_beside_a_unit_listed_under_both(monkeypatch):
    config = load_config()
    config["performance"] = {**config["performance"], "min_cases": 1}
    cases = five_cases().assign(lead_unit="立案庭")
    long = {"区政府": "国际港务区管委会", "国际港务区": "国际港务区党工委"}
    monkeypatch.setattr(labels, "handler_label", lambda body, lang="zh", config=None: long.get(body, body))
    ticks = _read(charts.plot_unit_ranking(metrics.unit_table(cases, config=config)))
    assert sorted(ticks) == ["立案庭（国际…党工委）", "立案庭（国际…管委会）"]  # before: 立案庭（国际港务…） twice


def test_topic_breakdown(figures):
    topics = metrics.topic_breakdown(five_cases())
    fig = charts.plot_topic_breakdown(topics)
    assert [t.name for t in fig.data] == ["城建环保", "教科文卫", "（未分类）"]
    assert list(_trace(fig, "城建环保").y) == pytest.approx([200 / 3, 50.0])
    one = charts.plot_topic_breakdown(topics, session=S2)
    assert len(one.data[0].x) == 1


def test_one_theme_cjk_fonts_and_no_random_ids(figures):
    builders = [charts.plot_received_trend, charts.plot_port_zone_share, charts.plot_outcome_mix,
                charts.plot_satisfaction_mix, charts.plot_on_time]
    for build in builders:
        first, second = build(figures).to_json(), build(figures).to_json()
        assert first == second, build.__name__
        assert '"uid"' not in first
        fig = build(figures)
        assert fig.layout.template.layout.font.family == charts.FONT_FAMILY
        assert "Noto Sans CJK SC" in charts.FONT_FAMILY and charts.FONT_FAMILY.endswith("sans-serif")
        assert fig.layout.template.layout.plot_bgcolor == "white"


def test_charts_refuse_case_level_frames():
    with pytest.raises(ValueError, match="aggregated"):
        charts.plot_received_trend(five_cases())


def test_unknown_values_are_gaps_not_zeros():
    published = metrics.overview_from_published(reconciliation_like())
    fig = charts.plot_outcome_mix(published)
    assert _trace(fig, "B类").y[0] is None
    assert _trace(fig, "A类").y[0] == 50.0


def test_body_styles_differ_in_colour_and_pattern():
    handlers = ["区政府", "国际港务区", "某街道"]
    styles = [charts.body_style(h, handlers) for h in handlers]
    assert len({s["color"] for s in styles}) == 3
    assert len({s["pattern"] for s in styles}) == 3
    assert charts.body_style(S1, handlers)["color"] == charts.BODY_COLOURS[3]


def test_rates_trend(figures):
    fig = charts.plot_rates_trend(figures)
    assert [t.name for t in fig.data] == ["办结率", "满意率（含基本满意）", "按期答复率"]
    assert list(_trace(fig, "办结率").y) == pytest.approx([200 / 3, 50.0])
    assert list(_trace(fig, "按期答复率").y)[1] is None  # session 2 cannot be judged: a gap
    assert len({t.line.dash for t in fig.data}) == 3  # apart in black and white too


def test_unit_ranking_hover_says_not_rated_for_units_below_the_minimum():
    units = metrics.unit_table(five_cases())  # every unit has fewer than 3 cases: none rated
    fig = charts.plot_unit_ranking(units)
    ranks = [row[4] for trace in fig.data if trace.type == "bar" for row in trace.customdata]
    assert ranks and set(ranks) == {"不评定"}
    fig_en = charts.plot_unit_ranking(units, lang="en")
    assert {row[4] for trace in fig_en.data if trace.type == "bar" for row in trace.customdata} == {"not rated"}


# --- names from data reach a hover as text ----------------------------------------------------

# plotly's own hover syntax in a name: placeholders, a formatting tag and the <extra> box
PLOTLY_SYNTAX = "区%{x}<b>局</b>%{customdata[0]}<extra>%{y}</extra>"
# Charts whose hover names a body, unit, topic or class (the port zone's share names it in the title).
NAMED_IN_HOVER = {"received_trend", "outcome_mix", "on_time", "unit_ranking", "topics"}


def _hostile_cases():
    cases = five_cases()
    for column in ("handler", "lead_unit", "topic"):
        cases[column] = cases[column].replace({"区政府": PLOTLY_SYNTAX, "区城管局": PLOTLY_SYNTAX,
                                               "城建环保": PLOTLY_SYNTAX})
    return cases


def _hostile_charts(lang):
    """Every builder, with the name in plotly's syntax as a body, a unit, a topic and a class meaning."""
    cases = _hostile_cases()
    config = {**load_config(), "handlers": [PLOTLY_SYNTAX, "国际港务区"], "port_zone": PLOTLY_SYNTAX}
    abc = schemes.load_scheme("abc")
    scheme = schemes.OutcomeScheme(abc.name, abc.title_zh, abc.title_en, tuple(
        schemes.OutcomeClass(c.code, PLOTLY_SYNTAX, PLOTLY_SYNTAX, c.solved, c.labels) for c in abc.classes))
    figures = metrics.ledger_figures(cases, config=config)
    return {
        "received_trend": charts.plot_received_trend(figures, lang=lang, config=config),
        "port_zone_share": charts.plot_port_zone_share(figures, lang=lang, config=config),
        "outcome_mix": charts.plot_outcome_mix(figures, handler=PLOTLY_SYNTAX, scheme=scheme, config=config,
                                               lang=lang),
        "satisfaction_mix": charts.plot_satisfaction_mix(figures, handler=PLOTLY_SYNTAX, lang=lang),
        "on_time": charts.plot_on_time(figures, lang=lang, config=config),
        "rates_trend": charts.plot_rates_trend(figures, handler=PLOTLY_SYNTAX, lang=lang),
        "unit_ranking": charts.plot_unit_ranking(metrics.unit_table(cases, config=config), lang=lang),
        "topics": charts.plot_topic_breakdown(metrics.topic_breakdown(cases), lang=lang),
    }


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_names_from_data_never_enter_a_hovertemplate(lang):
    named = set()
    for chart, fig in _hostile_charts(lang).items():
        for trace in fig.data:
            template = trace.hovertemplate
            assert PLOTLY_SYNTAX not in template and "<b>" not in template, (chart, trace.name, template)
            assert template.endswith("<extra></extra>") and template.count("<extra>") == 1, (chart, template)
            assert not re.findall(r"%\{(?!x\}|y\}|x:\.3f\}|customdata\[\d\]\})[^}]*\}", template), (chart, template)
            # the name reaches the hover through a customdata column the template shows
            rows = [list(row) for row in trace.customdata]
            columns = [k for k in range(len(rows[0])) if any(PLOTLY_SYNTAX in str(row[k]) for row in rows)]
            if columns:
                assert any(f"%{{customdata[{k}]}}" in template for k in columns), (chart, trace.name, template)
                named.add(chart)
    assert named == NAMED_IN_HOVER


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_gets_names_in_hovers_escaped_whole(lang):
    escaped = html.escape(PLOTLY_SYNTAX, quote=False)
    named = set()
    for chart, fig in _hostile_charts(lang).items():
        for trace in report.figure_payload(fig)["data"]:
            cells = [str(cell) for row in trace.get("customdata") or [] for cell in row]
            assert not any("<" in cell for cell in cells), (chart, cells)  # no tag for plotly to read
            if any(escaped in cell for cell in cells):
                named.add(chart)
            assert trace["hovertemplate"].count("<extra>") == 1
    assert named == NAMED_IN_HOVER


def test_english_names_of_bodies_follow_the_configuration(figures):
    config = {**load_config(), "handler_names_en": {"区政府": "District Government"}}
    fig = charts.plot_received_trend(figures, lang="en", config=config)
    assert [t.name for t in fig.data] == ["District Government", "国际港务区", "suggestions received"]
    assert fig.data[1].customdata[0][2] == "国际港务区"  # none configured: the name as written
    zone = charts.plot_port_zone_share(figures, lang="en", config=config)
    assert zone.layout.title.text == "Share of suggestions handled by the 国际港务区"


def test_the_axis_runs_from_a_report_of_2019_to_a_ledger_session_of_2024():
    from test_metrics import Y2019, S17_3, ledger_of_2024, report_of_2019

    combined = metrics.combine_overviews(metrics.ledger_figures(ledger_of_2024()), report_of_2019())
    fig = charts.plot_received_trend(combined)
    assert [x.split("<br>")[0] for x in fig.data[0].x] == [Y2019, "十七届三次"]
    assert list(_trace(fig, "收到建议").y) == [4, 5]
    undated = metrics.combine_overviews(metrics.ledger_figures(ledger_of_2024(dates=False)), report_of_2019())
    assert [x.split("<br>")[0] for x in charts.plot_received_trend(undated).data[0].x] == ["十七届三次", Y2019]
    # a year and a session: the axis and the title say periods, not sessions
    assert fig.layout.title.text.startswith("各期间收到及办理代表建议件数")
    assert fig.layout.xaxis.title.text == "期间"


def test_a_chart_of_years_names_its_axis_and_title_by_year(figures):
    single = figures[~figures["session"].map(metrics.is_total_label)]
    by_year = single.assign(session=single["session"].map(
        {s: f"{2020 + i}年度" for i, s in enumerate(metrics.order_sessions(single["session"]))}))
    fig = charts.plot_received_trend(by_year)
    assert fig.layout.title.text.startswith("各年度收到及办理代表建议件数")
    assert fig.layout.xaxis.title.text == "年度"
    assert charts.plot_received_trend(by_year, lang="en").layout.xaxis.title.text == "year"
    assert charts.plot_received_trend(figures).layout.xaxis.title.text == "会议"
