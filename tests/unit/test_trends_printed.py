"""The trends page made from printed reports alone (no ledger): what each section shows, once, and nothing of nothing.

The notebook (notebooks/trends.ipynb) shows a section only when these say it has something: ``report.draws`` (a
chart; ``report.show_figure(..., skip_empty=True)``), ``metrics.outcomes_known`` (the class section),
``metrics.rates_shown_each`` (the rates' bodies and measures; an empty table is not shown, ``skip_empty``) and
``views.intervals_shown`` (the Wilson note, ``views.rates_note``). tests/notebooks/test_parameters.py runs the page
itself on U04 and T17.
"""
from __future__ import annotations

import pandas as pd
import pytest

from analysis import charts, metrics, narrative, notebook_inputs, paths, reconcile, report, views
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
    assert metrics.rates_shown_each(u04) == []
    assert views.rates_table(u04, (), lang="zh").empty
    assert not report.draws(charts.plot_satisfaction_mix(u04))
    note = narrative.published_summary_note(narrative.trends_summary_table(u04))
    assert note == "原文未印出：闭会期间提出（会后）；全部承办主体的办理结果分类、办结率、满意率（含基本满意）、按期答复率。"
    assert note.count("未印出") == 1


def test_a_satisfaction_rate_printed_alone_is_drawn_under_its_own_name(t17):
    """T17's 市政府 prints 首次办理满意率 (满意 alone) 99.2% / 99.3% / 99.7%: the rates chart said nothing was drawn
    (no satisfied-alone measure, and the rate is a body's, not all bodies'). Now its line, named as the overview's
    column names it, never 满意率（含基本满意）."""
    [(body, measures)] = metrics.rates_shown_each(t17)
    assert (body, measures) == ("市政府", ("satisfied",))
    fig = charts.plot_rates_trend(t17, measures=measures, handler=body)
    assert [t.name for t in fig.data] == ["首次办理满意率"]  # as printed: whether it counts 基本满意 is not said
    assert [round(v, 1) for v in fig.data[0].y] == [99.2, 99.3, 99.7]
    assert fig.layout.title.text == "首次办理满意率（市政府）"  # no title naming rates it does not draw
    summary = narrative.trends_summary_table(t17)
    assert "市政府首次办理满意率" in summary.columns  # one name for the rate on the page
    english = charts.plot_rates_trend(t17, measures=measures, handler=body, lang="en")
    assert [t.name for t in english.data] == ["首次办理满意率"]  # the report's words, as the English figures check


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
    """R08 (全国人大) prints 得到解决或计划逐步解决 74.2% for 2021: the note said 办理结果分类 未印出, then 原文另有印出 (see
    the figures check). It is printed, in a wording our A/B/C does not read: in the overview as printed, the next
    session (no class printed) 暂缺, no A/B/C column of nothing, no class chart of nothing."""
    figures = _trends_of("R08.csv")
    assert not metrics.outcomes_known(figures)
    table = narrative.trends_summary_table(figures)
    assert [str(v) for v in table["全部承办主体 原文分类"]] == ["得到解决或计划逐步解决 74.2%", "暂缺"]
    assert not any(c.endswith("A类") for c in table.columns)
    assert "办理结果分类" not in narrative.published_summary_note(table)


def test_a_ledger_keeps_all_bodies_three_rates_and_its_class_section():
    figures = metrics.ledger_figures(five_cases())
    assert metrics.rates_shown_each(figures) == [("", metrics.RATE_TREND_MEASURES)]
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
    # each named as printed, as the figures check names it: whether it counts 基本满意 is not said
    assert {t.name: list(t.y) for t in fig.data} == {"满意率（对办理工作）": [96.0, 97.0], "满意率（对办理结果）": [91.0, 93.0]}
    table = views.rates_table(figures, ("satisfied",))
    assert sorted(set(table["指标"])) == ["满意率（对办理工作）", "满意率（对办理结果）"]
    assert not views.intervals_shown(table)


def test_a_rate_printed_for_all_bodies_is_the_overview_s_when_no_class_is_printed():
    """U12 (大兴镇) prints 代表满意率 100% for the town as a whole and 镇政府's count only: the overview named
    "镇政府的满意率 未印出" and showed no rate; now all bodies' column, as printed (100%, not 100.0%), in the table too."""
    figures = _trends_of("U12.csv")
    assert metrics.printed_rates(figures) == ("", ("satisfied",))
    summary = narrative.trends_summary_table(figures)
    assert [str(v) for v in summary["全部承办主体代表满意率"]] == ["暂缺", "100%"]
    assert "镇政府的" not in narrative.published_summary_note(summary)
    assert list(views.rates_table(figures, ("satisfied",))["比率"]) == ["100%"]


@pytest.mark.parametrize("name, lang, body, rate", [
    ("U12.csv", "zh", "全部承办主体", "代表满意率"), ("U12.csv", "en", "all handling bodies", "代表满意率"),
    ("T17.csv", "zh", "市政府", "首次办理满意率"), ("T17.csv", "en", "municipal government", "首次办理满意率")])
def test_a_printed_satisfaction_rate_has_one_name_on_every_page(name, lang, body, rate):
    """U12's 代表满意率 (T17's 首次办理满意率) was 代表满意率 on the figures check and 满意率（不含基本满意） on the trends
    page: whether it counts 基本满意 the report does not say. Now the trends page's column, table and chart name it as
    printed, as the figures check does."""
    figures = _trends_of(name)
    header = f"{body}{rate}" if lang == "zh" else f"{body}: {rate}"
    check = narrative.published_summary_note(
        narrative.published_summary_table(reconcile.reconcile_files([str(PUBLISHED / name)]), lang=lang), lang)
    assert (f"{body}的{rate}" if lang == "zh" else header) in check  # the figures check's line: printed elsewhere
    summary = narrative.trends_summary_table(figures, lang=lang)
    assert header in summary.columns
    assert not [c for c in summary.columns if "满意率（不含基本满意）" in c or "satisfied only" in c]
    measures = ("satisfied",)
    handler = "" if name == "U12.csv" else "市政府"
    assert set(views.rates_table(figures, measures, handler=handler, lang=lang)["指标" if lang == "zh" else "rate"]) \
        == {rate}
    fig = charts.plot_rates_trend(figures, measures=measures, handler=handler, lang=lang)
    assert [t.name for t in fig.data] == [rate]
    assert fig.layout.title.text == (f"{rate}（{body}）" if lang == "zh" else f"{rate} ({body})")


@pytest.mark.parametrize("lang, sentence", [
    ("zh", "在四届人大一次、二次、三次、四次会议的共312件（推算）代表建议中（其中四届人大一次、二次、三次会议合计印出245件），"
           "市政府办理的件数暂缺（四届人大一次、二次、三次会议的未印出）。"),
    ("en", "Of the 312 (derived) suggestions of the 4th Congress, sessions 1, 2, 3 and 4 (of them 245 for the 4th "
           "Congress, sessions 1, 2 and 3 together, as printed), the number handled by the municipal government is not "
           "available (none is printed for the 4th Congress, sessions 1, 2 and 3).")])
def test_periods_printed_only_together_are_added_up_as_printed(lang, sentence):
    """S08 prints 245 for sessions 1–3 together and 67 for session 4: the multi-year sentence said sessions 1–3's
    counts were 未印出. Now the total is 245 + 67 (derived) and the combined 245 is said as printed."""
    assert narrative.multi_year_paragraph(_trends_of("S08.csv"), lang=lang) == sentence


@pytest.mark.parametrize("lang, sentence", [
    ("zh", "在连续两年的共1437件（推算）代表建议中，市政府办理的件数暂缺（2018年度的未印出）。"),
    ("en", "Of the 1437 (derived) suggestions over two consecutive years, the number handled by the municipal "
           "government is not available (none is printed for year 2018).")])
def test_a_body_s_unknown_multi_year_count_is_a_finished_sentence(lang, sentence):
    """U07 prints 市政府's 592 for 2017 and nothing for 2018: the sentence ended "直接由市政府办理的（数据暂缺）。", cut
    short. Now it says the count is not available and which year leaves it open."""
    assert narrative.multi_year_paragraph(_trends_of("U07.csv"), lang=lang) == sentence


def test_each_body_printing_classes_has_its_columns_and_a_share_printed_alone_is_shown():
    """T01 prints all bodies' A/B/C (63.9% at session 5, and 56.7% at session 4 with no count), 市政府's and 其他's:
    the overview showed 市政府's alone and no row for session 4. Now each body's columns, named with it, and the 56.7%
    as printed."""
    figures = _trends_of("T01.csv")
    table = narrative.trends_summary_table(figures)
    assert list(table["届次"]) == ["十三届人大四次会议", "十三届人大五次会议"]
    rows = {r["届次"]: r for r in table.to_dict("records")}
    assert str(rows["十三届人大四次会议"]["全部承办主体 A类"]) == "56.7%"
    assert str(rows["十三届人大五次会议"]["全部承办主体 A类"]) == "248（63.9%）"
    assert str(rows["十三届人大五次会议"]["市政府 A类"]) == "234（63.4%）"
    assert str(rows["十三届人大五次会议"]["其他 A类"]) == "14（73.7%）"
    classes = [c for c in table.columns if c.endswith("类")]
    assert classes[:4] == ["全部承办主体 A类", "全部承办主体 B类", "全部承办主体 C类", "市政府 A类"]  # each names its body
    english = narrative.trends_summary_table(figures, lang="en")
    assert str(english.iloc[0]["all handling bodies Class A"]) == "56.7%"


@pytest.mark.parametrize("name, lang, heading", [
    ("U12.csv", "en", "代表满意率"), ("U12.csv", "zh", "代表满意率"), ("T01.csv", "en", "Completion rate"),
    ("T01.csv", "zh", "办结率")])
def test_the_rates_heading_names_the_rates_shown(name, lang, heading):
    """The rates section was headed "Completion, satisfaction and replies on time" (办结、满意与按期答复) over one rate
    printed. Now it names what it shows; a ledger's page keeps its three."""
    figures = _trends_of(name)
    assert views.rates_heading(figures, metrics.rates_shown_each(figures), lang=lang) == heading


def test_a_ledger_s_rates_heading_names_its_three_rates():
    figures = metrics.session_overview(five_cases())
    assert views.rates_heading(figures, metrics.rates_shown_each(figures), lang="en") == \
        "Completion, satisfaction and replies on time"


def _two_bodies_rates() -> pd.DataFrame:
    """Printed 办结率 of all bodies and 满意率（含基本满意） of 市政府 alone, in 2021 and 2022."""
    rows = []
    for year, done, happy in ((2021, 98.0, 96.0), (2022, 99.0, 97.0)):
        for body, measure, pct in (("", "completed", done), ("市政府", "satisfied_or_basic", happy)):
            rows.append({"session": f"{year}年度", "year": year, "handler": body, "measure": measure, "category": "",
                         "count": pd.NA, "base": pd.NA, "base_measure": "handled", "share_pct": pct,
                         "ci_low_pct": pd.NA, "ci_high_pct": pd.NA, "percent_text": f"{pct}%", "status": "printed",
                         "percent_status": "printed", "basis": "published"})
    return pd.DataFrame(rows)


def test_every_body_printing_a_rate_has_its_rows_in_the_rates_table():
    """A report printing 办结率 for all bodies and 满意率 for 市政府 alone: the page showed the first body's rates only.
    Now each body's rows, told apart by the body column (never two values under one label), the heading naming both."""
    figures = _two_bodies_rates()
    shown = metrics.rates_shown_each(figures, config={"handlers": ["市政府"]})
    assert shown == [("", ("completed",)), ("市政府", ("satisfied_or_basic",))]
    table = views.rates_table_each(figures, shown)
    assert [(r["承办主体"], r["指标"], r["比率"]) for r in table.to_dict("records")] == [
        ("全部承办主体", "办结率", "98.0%"), ("全部承办主体", "办结率", "99.0%"),
        ("市政府", "满意率（含基本满意）", "96.0%"), ("市政府", "满意率（含基本满意）", "97.0%")]
    assert views.rates_heading(figures, shown) == "办结率与满意率（含基本满意）"


@pytest.mark.parametrize("lang, title, names", [
    ("zh", "各承办主体的办结率与满意率（含基本满意）", ["全部承办主体办结率", "市政府满意率（含基本满意）"]),
    ("en", "Completion rate and satisfaction rate (incl. basically satisfied), by handling body",
     ["all handling bodies: completion rate", "municipal government: satisfaction rate (incl. basically satisfied)"])])
def test_the_rates_chart_draws_every_body_the_table_shows(lang, title, names):
    """The rates chart drew the first body printing rates only (全部承办主体's 办结率, its title naming that body) beside a
    table of both bodies' rates. Now one chart of both, each line named with its body and rate as the overview's
    columns name them, its title naming no one body."""
    figures = _two_bodies_rates()
    shown = metrics.rates_shown_each(figures, config={"handlers": ["市政府"]})
    fig = charts.plot_rates_trend_each(figures, shown, lang=lang)
    assert fig.layout.title.text == title
    assert [t.name for t in fig.data] == names
    assert [list(t.y) for t in fig.data] == [[98.0, 99.0], [96.0, 97.0]]
    # the table's rate names are the lines' (one name per figure on the page)
    table = views.rates_table_each(figures, shown, lang=lang)
    body, rate = table.columns[1], table.columns[2]
    assert [t.name for t in fig.data] == list(dict.fromkeys(
        f"{b}{r}" if lang == "zh" else f"{b}: {r}" for b, r in zip(table[body], table[rate])))
    assert [t.customdata[0][4] for t in fig.data] == names  # the hover names the body too
    # one body's chart is as it was: its title names the body, its line the rate alone
    one = charts.plot_rates_trend_each(figures, shown[1:], lang=lang)
    assert [t.name for t in one.data] == [names[1].split(": ")[-1].removeprefix("市政府")]


def test_a_rate_printed_as_satisfied_or_basically_is_the_column_of_that_name_once():
    """R01 prints 满意和基本满意 99%: the trends page called it 满意率（不含基本满意）, the figures check 满意率（含基本满意）.
    Named as printed, it is that column's figure: one column of that name, holding it (never a second one, 暂缺)."""
    figures = _trends_of("R01.csv")
    table = narrative.trends_summary_table(figures)
    assert [c for c in table.columns if "满意" in c] == ["县政府满意率（含基本满意）"]
    assert [str(v) for v in table["县政府满意率（含基本满意）"]] == ["99%"]
    shown = metrics.rates_shown_each(figures)
    assert views.rates_heading(figures, shown) == "满意率（含基本满意）"


def test_two_kinds_of_a_printed_rate_are_headed_by_the_name_they_share():
    """R13 prints 区政府's 满意率 对办理态度 and 对办理结果: the heading said 满意率（不含基本满意）, which neither says."""
    figures = _trends_of("R13.csv")
    assert views.rates_heading(figures, metrics.rates_shown_each(figures)) == "办结率与满意率"


@pytest.mark.parametrize("lang, title", [
    ("zh", "各次会议收到及办理代表建议件数<br><sup>以下只印出合计，未分别画出</sup>"
           "<br><sup>四届人大一次、二次、三次会议合计印出：</sup><br><sup>收到建议245件</sup>"),
    ("en", "Suggestions received and handled, by session<br><sup>Printed only as combined totals, not drawn apart</sup>"
           "<br><sup>The 4th Congress, sessions 1, 2 and 3</sup>"
           "<br><sup>together, as printed: suggestions received 245</sup>")])
def test_periods_printed_only_together_are_named_under_the_received_chart(lang, title):
    """S08 prints 245 for sessions 1–3 together and 67 for session 4: the received chart drew sessions 1–3 as blank
    bars with no word why, beside an overview adding 245 + 67. Now the chart says under its title which periods are
    printed only together and their figure, in the overview's words for them; the blank stays blank (no bar of 245
    beside session 4's 67, which would read as a fall)."""
    fig = charts.plot_received_trend(_trends_of("S08.csv"), lang=lang)
    assert fig.layout.title.text == title
    assert [list(t.y) for t in fig.data] == [[None, None, None, 80], [None, None, None, 67]]
    assert "合计印出245件" in narrative.multi_year_paragraph(_trends_of("S08.csv"), lang="zh")  # the overview's words


def test_years_printed_only_together_are_named_with_each_body_s_figure():
    """Any total of periods: 2019 and 2020 printed together (received 300, 区政府 200), 2021 alone (180, 区政府 120).
    A total whose every period has its own figure says nothing (the seed's three years beside each session's)."""
    rows = [("2019年度+2020年度", "", "received", 300), ("2019年度+2020年度", "区政府", "handled", 200),
            ("2019年度", "", "received", pd.NA), ("2020年度", "", "received", pd.NA),
            ("2021年度", "", "received", 180), ("2021年度", "区政府", "handled", 120),
            ("2020年度+2021年度", "", "received", 400)]  # 2020's own is not printed either: named too
    figures = pd.DataFrame([{"session": s, "handler": h, "measure": m, "category": "", "count": c, "base": pd.NA,
                             "share_pct": pd.NA, "status": "printed" if c is not pd.NA else "unknown",
                             "basis": "published"} for s, h, m, c in rows])
    fig = charts.plot_received_trend(figures, config={"handlers": ["区政府"]})
    assert fig.layout.title.text.split("<br>")[1:] == [
        "<sup>以下只印出合计，未分别画出</sup>", "<sup>2019年度和2020年度合计印出：</sup>", "<sup>收到建议300件，区政府200件</sup>",
        "<sup>2020年度和2021年度合计印出：</sup>", "<sup>收到建议400件</sup>"]
    seed = metrics.session_overview(five_cases())
    assert "<br>" not in charts.plot_received_trend(seed).layout.title.text


@pytest.fixture(scope="module")
def u13_u16():
    return _trends_of("U13.csv", "U16.csv")


def test_classes_printed_in_another_scheme_are_shown_as_printed_never_unknown(u13_u16):
    """U16 (大庆 1991) prints all its classes in its own wording (38 + 40 + 22 of 100) beside U13's A类–D类: its A/B/C
    cells said 暂缺, the class test called its counts 不全, and U13's D 4 was left out (the page read both in our
    A/B/C). Now U13's four classes are the columns, U16's are listed as printed in a column of their own, and the
    verdict says the periods' classes are of different kinds."""
    table = narrative.trends_summary_table(u13_u16)
    row = dict(zip(table.columns, table.iloc[0]))  # 四届人大五次会议 (1991) first
    assert [row[f"市政府 {c}类"] for c in "ABCD"] == ["—"] * 4
    assert str(row["市政府 原文分类"]) == ("得到解决或正在实施 38（38%）；已经予以采纳并计划在今后逐步解决 40（40%）；"
                                      "暂时无法解决,向代表进行说明、解释 22（22%）")
    later = dict(zip(table.columns, table.iloc[1]))
    assert [str(later[f"市政府 {c}类"]) for c in "ABCD"] == ["54（58.07%）", "33（35.48%）", "2（2.15%）", "4（4.30%）"]
    assert later["市政府 原文分类"] == "—"
    assert "不全" not in narrative.published_summary_note(table)
    english = narrative.trends_summary_table(u13_u16, lang="en")
    assert str(english.iloc[0]["municipal government: classes as printed"]).startswith("得到解决或正在实施 38 (38%); ")
    mix = metrics.trend_tests(u13_u16).mixes[0]
    assert mix.verdict("zh") == ("无法检验市政府办理的建议分类构成是否变化：各期印出的办理结果分类不是同一套，不能相互比较。"
                                 "（四届人大五次会议的分类按原文自己的一套印出，未纳入检验。）")
    assert mix.verdict("en") == (
        "Whether the mix of the suggestions handled by the municipal government changed cannot be tested: the periods' "
        "outcome classes are printed in different schemes and cannot be compared. Left out, their classes being "
        "printed in a scheme of their own: 4th Congress, 5th Session.")


def test_one_period_s_own_classes_are_never_called_unprinted():
    """U16 alone: its three classes are printed in its own wording; the verdict said 原文未印出办理结果分类."""
    mix = metrics.trend_tests(_trends_of("U16.csv")).mixes[0]
    assert "未印出" not in mix.verdict("zh")
    assert mix.verdict("zh").endswith("（四届人大五次会议的分类按原文自己的一套印出，未纳入检验。）")


@pytest.mark.parametrize("names", [("U13.csv", "U16.csv"), ("U10.csv", "U15.csv")])
def test_periods_from_several_files_are_one_congress_s_by_a_stated_assumption(names):
    """Two files naming no congress (U13 and U16 are two cities'; U10 and U15 one body's, 2022 and 2025): the page
    cannot tell, so it says what it assumes, never that they differ."""
    figures = _trends_of(*names)
    assert narrative.data_note(figures).endswith(
        "；各期分别取自2个文件，本页假定它们是同一人大的各期报告，并据此比较；文件未注明报告机关，数据无法核实这一点。")
    assert narrative.data_note(figures, lang="en").endswith(
        "; the periods come from 2 files, which this page assumes to be reports of one congress and compares as such; "
        "the files do not name the reporting congress, so the data cannot confirm it.")
    assert "假定" not in narrative.data_note(_trends_of(names[0]))  # one file: nothing assumed


def test_files_naming_different_congresses_are_said_not_to_be_one_congress(tmp_path):
    """Files with a 报告机关 column naming two congresses: the note says their periods are not one congress's."""
    head = "报告机关,session,year,handler,measure,category,count,percent,base,source,note\n"
    for name, congress, session, year in (("a.csv", "甲市人大常委会", "市六届人大二次会议", 2024),
                                          ("b.csv", "乙市人大常委会", "市四届人大五次会议", 1991)):
        (tmp_path / name).write_text(head + f"{congress},{session},{year},,received,,100,,,{name},\n", encoding="utf-8")
    inputs = notebook_inputs.load_inputs([], [str(tmp_path / "a.csv"), str(tmp_path / "b.csv")], figures_alone=True)
    figures = notebook_inputs.report_figures(inputs, sessions=notebook_inputs.pick_sessions([], inputs))
    note = narrative.data_note(figures)
    assert note.endswith("；注意：这些文件注明的报告机关不同（乙市人大常委会、甲市人大常委会），各期不是同一人大的报告，"
                         "本页各期之间的比较不能当作同一人大的变化。")
    assert "假定" not in note
