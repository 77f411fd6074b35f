"""The trends page made from printed reports alone (no ledger): what each section shows, once, and nothing of nothing.

The notebook (notebooks/trends.ipynb) shows a section only when these say it has something: ``report.draws`` (a
chart), ``metrics.outcomes_known`` (the class section), ``charts.rates_shown`` (the rates' body and measures) and
``views.intervals_shown`` (the Wilson note). tests/notebooks/test_parameters.py runs the page itself on U04 and T17.
"""
from __future__ import annotations

import pandas as pd
import pytest

from analysis import charts, metrics, narrative, notebook_inputs, paths, report, views
from test_metrics import five_cases

PUBLISHED = paths.PROJECT_DIR / "tests" / "data" / "published"


def _trends_of(*names: str) -> pd.DataFrame:
    """The trends page's figures frame of published-figures files alone (as the notebook makes it)."""
    inputs = notebook_inputs.load_inputs([], [str(PUBLISHED / n) for n in names], figures_alone=True)
    return notebook_inputs.report_figures(inputs, sessions=notebook_inputs.pick_sessions([], inputs))


@pytest.fixture(scope="module")
def u04():
    return _trends_of("U04.csv")


@pytest.fixture(scope="module")
def t17():
    return _trends_of("T17.csv")


def test_received_counts_alone_give_the_counts_and_one_sentence_naming_what_is_not_printed(u04):
    """U04 (宁夏) prints the count received at six sessions and nothing else: the page showed four "各项数字均暂缺，
    未画此图" lines and a Wilson note under an empty rates table. Now: the counts' chart, no class or rate section,
    and the overview's one line naming every measure not printed."""
    assert report.draws(charts.plot_received_trend(u04))
    assert not metrics.outcomes_known(u04)
    assert charts.rates_shown(u04) == ("", ())
    assert views.rates_table(u04, (), lang="zh").empty
    assert not report.draws(charts.plot_satisfaction_mix(u04))
    note = narrative.published_summary_note(narrative.trends_summary_table(u04))
    assert note == "原文未印出：闭会期间提出（会后）；全部承办主体的办理结果分类、办结率、满意率（含基本满意）、按期答复率。"
    assert note.count("未印出") == 1


def test_a_satisfaction_rate_printed_alone_is_drawn_under_its_own_name(t17):
    """T17's 市政府 prints 首次办理满意率 (满意 alone) 99.2% / 99.3% / 99.7%: the rates chart said nothing was drawn
    (no satisfied-alone measure, and the rate is a body's, not all bodies'). Now its line, named as the overview's
    column names it, never 满意率（含基本满意）."""
    body, measures = charts.rates_shown(t17)
    assert (body, measures) == ("市政府", ("satisfied",))
    fig = charts.plot_rates_trend(t17, measures=measures, handler=body)
    assert [t.name for t in fig.data] == ["满意率（不含基本满意）"]
    assert [round(v, 1) for v in fig.data[0].y] == [99.2, 99.3, 99.7]
    assert fig.layout.title.text == "满意率（不含基本满意）（市政府）"  # no title naming rates it does not draw
    summary = narrative.trends_summary_table(t17)
    assert "市政府满意率（不含基本满意）" in summary.columns  # one name for the rate on the page
    english = charts.plot_rates_trend(t17, measures=measures, handler=body, lang="en")
    assert [t.name for t in english.data] == ["satisfaction rate (satisfied only)"]


def test_the_rates_table_shows_the_rate_s_own_status_and_the_wilson_note_only_under_an_interval(t17):
    """2018 and 2019 print a percent with no count: no interval, so no Wilson note for them alone; 2020's percent is
    printed and its count (1263 of 1267) derived from it: the status says both."""
    table = views.rates_table(t17, ("satisfied",), handler="市政府")
    assert list(table["比率"]) == ["99.2%", "99.3%", "99.7%"]
    assert list(table["数字状态"]) == ["原文印出", "原文印出", "原文印出（件数推算）"]
    assert views.intervals_shown(table)
    printed_only = views.rates_table(t17[t17["year"].astype(str) != "2020"], ("satisfied",), handler="市政府")
    assert len(printed_only) == 2 and not views.intervals_shown(printed_only)
    assert list(printed_only["件数"]) == list(printed_only["基数"]) == ["暂缺", "暂缺"]  # not printed: not known
    assert list(table["件数"])[-1] == 1263  # a count stays a number beside them
    english = views.rates_table(t17, ("satisfied",), handler="市政府", lang="en")
    assert list(english["status"])[-1] == "printed (count derived)"


def test_no_classes_printed_is_said_once(t17):
    """T17 prints no outcome class: the overview's note says so and the class section (whose verdict said it again)
    is left out."""
    assert not metrics.outcomes_known(t17)
    note = narrative.published_summary_note(narrative.trends_summary_table(t17))
    assert note.count("办理结果分类") == 1


def test_a_class_printed_in_the_report_s_own_wording_is_not_called_unprinted():
    """R08 (全国人大) prints 得到解决或计划逐步解决 74.2% for 2021: the note said 办理结果分类 未印出. It is printed,
    in a wording our A/B/C does not read: 原文另有印出, see the figures check; no class chart of nothing."""
    figures = _trends_of("R08.csv")
    assert not metrics.outcomes_known(figures)
    note = narrative.published_summary_note(narrative.trends_summary_table(figures))
    unprinted, _, otherwise = note.partition("。")
    assert "办理结果分类" not in unprinted
    assert otherwise.startswith("全部承办主体的办理结果分类：原文另有印出")


def test_a_ledger_keeps_all_bodies_three_rates_and_its_class_section():
    figures = metrics.ledger_figures(five_cases())
    assert charts.rates_shown(figures) == ("", charts.RATE_TREND_MEASURES)
    assert metrics.outcomes_known(figures)
    assert charts.plot_rates_trend(figures).layout.title.text == "办结率、满意率与按期答复率（全部承办主体）"


def test_two_kinds_of_one_printed_rate_are_two_lines_each_named():
    """A report printing satisfaction with the work and with the result gives two satisfied rows a period: two lines
    and two table rows, each with its kind, never two values under one name."""
    rows = []
    for year, work, result in ((2021, 96.0, 91.0), (2022, 97.0, 93.0)):
        for kind, pct in (("对办理工作", work), ("对办理结果", result)):
            rows.append({"session": f"{year}年度", "year": year, "handler": "", "measure": "satisfied",
                         "category": kind, "count": pd.NA, "base": pd.NA, "base_measure": "handled",
                         "share_pct": pct, "ci_low_pct": pd.NA, "ci_high_pct": pd.NA, "percent_text": f"{pct}%",
                         "status": "printed", "percent_status": "printed", "basis": "published"})
    figures = pd.DataFrame(rows)
    fig = charts.plot_rates_trend(figures, measures=("satisfied",))
    assert {t.name: list(t.y) for t in fig.data} == {"满意率（不含基本满意）（对办理工作）": [96.0, 97.0],
                                                    "满意率（不含基本满意）（对办理结果）": [91.0, 93.0]}
    table = views.rates_table(figures, ("satisfied",))
    assert sorted(set(table["指标"])) == ["满意率（不含基本满意）（对办理工作）", "满意率（不含基本满意）（对办理结果）"]
    assert not views.intervals_shown(table)


def test_a_rate_printed_for_all_bodies_is_the_overview_s_when_no_class_is_printed():
    """U12 (大兴镇) prints 代表满意率 100% for the town as a whole and 镇政府's count only: the overview named
    "镇政府的满意率 未印出" and showed no rate; now all bodies' column, as printed (100%, not 100.0%), in the table too."""
    figures = _trends_of("U12.csv")
    assert metrics.printed_rates(figures) == ("", ("satisfied",))
    summary = narrative.trends_summary_table(figures)
    assert [str(v) for v in summary["全部承办主体满意率（不含基本满意）"]] == ["暂缺", "100%"]
    assert "镇政府的" not in narrative.published_summary_note(summary)
    assert list(views.rates_table(figures, ("satisfied",))["比率"]) == ["100%"]
