"""Display words: every code the metrics produce has a Chinese and an English label."""
from __future__ import annotations

import pickle
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from analysis import config, labels, metrics, normalize, reconcile, schema, schemes
from test_metrics import S1, TOTAL, five_cases


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_column_of_every_metric_frame_has_a_label(lang):
    cases = five_cases()
    frames = [
        metrics.ledger_figures(cases),
        metrics.with_change(metrics.ledger_figures(cases)),
        metrics.unit_table(cases),
        metrics.on_time_replies(cases),
        metrics.topic_breakdown(cases),
        metrics.unit_table(cases.drop(columns="complex_case")),  # with the on-time parts of a range
    ]
    for frame in frames:
        for column in frame.columns:
            assert column in labels.COLUMN_LABELS, column
            assert labels.column_label(column, lang) != "" and labels.column_label(column, lang)


def test_every_measure_and_status_has_both_languages():
    figures = metrics.ledger_figures(five_cases())
    for measure in set(figures["measure"]) | {m.name for m in schema.MEASURES}:
        assert measure in labels.MEASURE_LABELS, measure
        zh, en = labels.MEASURE_LABELS[measure]
        assert zh != en
    for status in ("ledger", "printed", "derived", "unknown"):
        assert labels.status_label(status, "zh") != labels.status_label(status, "en")
    for base in set(figures["base_measure"]):
        assert base in labels.BASE_LABELS, base


# Codes whose words are the same sign in both languages: a separator and a command-line option.
NOT_WORDS = {labels.Reason.AND: ("；", "; "), labels.Reason.FORCED: ("--force", "--force")}


def test_every_code_of_every_kind_has_chinese_and_english():
    cjk = re.compile(r"[\u4e00-\u9fff]")
    assert labels.CODE_TABLES, "no code tables"
    assert {labels.Reason, labels.Changed} <= set(labels.CODE_TABLES)  # the runner's reasons too
    for kind, table in labels.CODE_TABLES.items():
        assert set(table) == set(kind), f"{kind.__name__}: codes without words or words without a code"
        for code, (zh, en) in table.items():
            if code in NOT_WORDS:
                assert (zh, en) == NOT_WORDS[code]
                continue
            assert cjk.search(zh) and en.strip() and not cjk.search(en), (kind.__name__, code, zh, en)
    assert set(labels.CONGRESS_OF_LEVEL) == set(labels.Level)  # a congress named by its level, in both
    assert labels.congress_label("区", "en") == "District People's Congress"
    assert labels.report_status_label("skipped", None) == "跳过 skipped"  # the runner's line
    assert labels.report_status_label("done", None) == "完成 done   "  # padded: the report names line up
    for code in [*labels.Reason, *labels.Changed]:  # the console's line holds both
        zh, en = labels.reason_label(code, "zh", 4), labels.reason_label(code, "en", 4)
        both = labels.reason_label(code, None, 4)
        assert set(cjk.findall(zh)) <= set(both) and set(re.findall(r"[A-Za-z]{2,}", en)) <= set(
            re.findall(r"[A-Za-z]{2,}", both)), code
    assert {labels.yes_no(v, lang) for v in (True, False) for lang in labels.LANGS} == {"是", "否", "yes", "no"}
    # the codes data frames, the settings and the reconciliation hold are exactly these
    assert set(metrics.SCORE_COMPONENTS) == set(labels.ScorePart) == set(config.DEFAULTS["performance"]["weights"])
    assert set(reconcile.SEVERITIES) == set(labels.Severity)
    assert set(reconcile.STATUSES) < set(labels.FigureStatus)
    assert {q for q in normalize.QUALIFIERS.values()} == set(labels.Qualifier)


def test_the_words_of_codes_are_written_in_labels_only():
    """No module keeps a copy of a code table: each English phrase of one is written once, in labels.py."""
    sources = {path: path.read_text(encoding="utf-8") for path in Path(labels.__file__).parent.rglob("*.py")
               if path.name != "labels.py"}
    for kind, table in labels.CODE_TABLES.items():
        for code, (zh, en) in table.items():
            pair = re.compile(rf'"{re.escape(zh)}"\s*,\s*"{re.escape(en)}"')
            for path, text in sources.items():
                # ("说明", "note") is also a column's header: a pair of short common words proves nothing
                assert len(en) < 6 or not pair.search(text), f"{path.name} repeats the words of {kind.__name__}.{code}"
                # a phrase long enough to be the table's own, not a common one
                assert len(en) < 20 or f'"{en}"' not in text, f"{path.name} repeats {kind.__name__}.{code}: {en!r}"


def test_importing_labels_reads_no_settings_and_no_pandas():
    """The runner's no-change rerun and the index page say their words from labels: importing it must stay light."""
    code = ("import sys, analysis.labels; "
            "print(sorted(m for m in ('analysis.config', 'yaml', 'pandas', 'numpy', 'plotly', 'openpyxl', 'nbformat') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          cwd=Path(labels.__file__).parent.parent)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]", done.stdout


def test_the_settings_are_read_when_a_word_needs_them():
    """A body's English name and a session's year come from the settings, loaded on first use."""
    assert labels.handler_label("区政府", "en", config={"handler_names_en": {"区政府": "district government"}}) == (
        "district government")
    assert labels.session_year("十八届人大二次会议", {"session_years": {"18-2": 2023}}) == 2023


def test_rate_names_as_reports_print_them():
    assert labels.rate_label("completed") == "办结率"
    assert labels.rate_label("replied") == "办复率"
    assert labels.rate_label("satisfied_or_basic") == "满意率（含基本满意）"
    assert labels.rate_label("satisfied") == "满意率（不含基本满意）"
    assert labels.rate_label("met", "en") == "met-deputy rate"


def test_session_labels_long_short_and_totals():
    # the year where the settings know it (data/config.yaml: session_years)
    assert labels.session_label(S1) == "十八届人大一次会议（2022年）"
    assert labels.session_label(S1, "en") == "18th Congress, 1st Session (2022)"
    assert labels.session_label(S1, short=True) == "十八届一次（2022年）"
    assert labels.session_label(S1, short=True, year=False) == "十八届一次"
    assert labels.session_label("十九届人大一次会议") == "十九届人大一次会议"  # no year known: none shown
    assert labels.session_label(S1, config={"session_years": {}}) == "十八届人大一次会议"
    assert labels.session_label(S1, config={"session_years": {"十八届一次": 2021}}) == "十八届人大一次会议（2021年）"
    assert labels.session_label(S1, "en", short=True) == "18-1 (2022)"
    # a total named one way on every page (the figures check's sentences said 十八届人大一次、二次会议合计 beside a
    # table row of 十八届人大一次会议、十八届人大二次会议合计)
    assert labels.session_label(TOTAL) == "十八届人大一次、二次会议合计"
    assert labels.session_label(TOTAL) == labels.period_label(TOTAL)
    assert labels.session_label(TOTAL, "en") == "18th Congress, sessions 1, 2 together"
    # a total of years too: as the sentences name it, never its label's '+'
    assert labels.session_label("2019年度+2020年度") == "2019—2020年度合计" == labels.period_label("2019年度+2020年度")
    assert labels.session_label(TOTAL, short=True) == "2次会议合计"
    assert labels.session_label("某次会议") == "某次会议"


def test_a_span_or_a_year_is_in_english_on_an_english_page():
    # U05 (五届人大二次会议以来) and U07 (2017年度) showed their Chinese labels in every table of the English figures
    # check, while `reconcile --lang en` says them in English
    assert labels.session_label("五届人大二次会议以来", "en") == "since 5th Congress, 2nd Session"
    assert labels.session_label("2017年度", "en") == "year 2017"
    assert labels.session_label("五届人大二次会议以来") == "五届人大二次会议以来"  # Chinese pages as before
    assert labels.session_label("2017年度") == "2017年度"


def test_a_national_session_reads_as_national_never_as_a_local_one():
    # U02 (十三届全国人大五次会议, the NPC) read 十三届人大五次会议 / '13th Congress, 5th Session' on the figures check,
    # as if it were a local congress's session
    npc = "十三届全国人大五次会议"
    assert labels.session_label(npc) == npc
    assert labels.session_label(npc, "en") == "5th Session of the 13th National People's Congress"
    assert labels.session_label(npc, short=True) == "十三届全国五次"
    assert labels.session_label(npc, "en", short=True) == "NPC 13-5"
    # a year set for the local congress's 13th-5th is not the NPC's
    assert labels.session_label(npc, config={"session_years": {"十三届人大五次会议": 2021}}) == npc
    assert labels.session_label(npc, config={"session_years": {npc: 2022}}) == "十三届全国人大五次会议（2022年）"
    assert labels.session_label("十三届全国人大（全届）", "en") == "the whole 13th National People's Congress"
    assert labels.period_label("十三届全国人大一次会议+十三届全国人大二次会议") == "十三届全国人大一次、二次会议合计"
    # a local level still matches as before
    assert labels.session_label("十三届人大五次会议", "en") == "13th Congress, 5th Session"


def _corpus_periods() -> set[str]:
    """Every period label of the corpus of published reports and of the peers' index (canonical)."""
    import csv

    from analysis import paths, sessions

    found = set()
    folder = Path(__file__).resolve().parents[1] / "data" / "published"
    for path in [*folder.glob("*.csv"), paths.PEERS_DIR / "sources.csv"]:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                for text in [row.get("session") or "", *(row.get("period") or "").split(";")]:
                    label = sessions.canonical_period(text)
                    if label:
                        found.add(label)
        found.add(sessions.no_period_label(path.name))
    return found


def test_every_period_of_the_corpus_is_in_english_on_an_english_page():
    periods = _corpus_periods()
    kinds = {__import__("analysis.sessions").sessions.parse_period(p).kind.value for p in periods}
    assert kinds >= {"session", "total", "since", "year", "term", "none"}
    for period in periods:
        for text in (labels.session_label(period, "en"), labels.session_label(period, "en", short=True),
                     labels.period_label(period, "en")):
            outside_file_names = re.sub(r"\([^()]*\.csv\)", "", text)
            assert not re.search(r"[\u4e00-\u9fff]", outside_file_names), (period, text)


def test_class_labels_come_from_the_scheme():
    scheme = schemes.load_scheme("abc")
    assert labels.class_label("B") == "B类"
    assert labels.class_label("B", "en") == "Class B"
    assert labels.class_long_label(scheme, "A") == "A类（已经解决、基本解决和采纳吸收）"


def test_format_pct_and_count_say_not_available():
    assert labels.format_pct(Decimal("52.25")) == "52.3%"
    assert labels.format_pct(25.751073, 2) == "25.75%"
    assert labels.format_pct(None) == "（数据暂缺）"
    assert labels.format_pct(pd.NA, lang="en") == "(not available)"
    assert labels.format_count(172) == "172"
    assert labels.format_count(pd.NA) == "（数据暂缺）"


def test_printed_numbers_carry_the_number_behind_their_text():
    share = labels.format_pct(Decimal("52.25"), 1, suffix="（推算）")
    assert share == "52.3%（推算）" and isinstance(share, str)
    assert share.numbers == (labels.Number(0.523, "percent", 1, "（推算）"),)
    assert labels.format_count(172).numbers == (labels.Number(172, "count", 0),)
    assert labels.format_decimal(0.9087, 3) == "0.909" and labels.format_decimal(0.9087, 3).numbers[0].value == 0.909
    assert labels.format_decimal(0.4) == "0.4" and labels.format_decimal(0.4).numbers[0].decimals is None
    count = labels.format_count(86)
    both = labels.combined(f"{count}（{share}）", (count, ""), (share, "占比"))
    assert both == "86（52.3%（推算））"
    assert [(n.value, n.header) for n in both.numbers] == [(86, ""), (0.523, "占比")]
    assert f"共{count}件" == "共86件" and type(f"{count}") is str  # text built from a cell is plain text
    assert pickle.loads(pickle.dumps(both)).numbers == both.numbers


def test_a_rows_printed_percent_is_read_in_one_place_with_its_digits_and_whether_the_counts_give_it():
    """narrative, the tables and the charts' hovers read a row's printed percent through ``labels.printed_percent``:
    the digits printed, a bound kept as printed, and whether count ÷ base at those digits gives it."""
    from collections import namedtuple

    Row = namedtuple("Row", "count base percent_text percent_status percent_check")
    truncated = labels.printed_percent(Row(8, 115, "6.95", "printed", "truncation"))  # 8/115 = 6.956…: 6.96 rounded
    assert (truncated.exact, truncated.agrees, truncated.flagged, truncated.apart) == (Decimal("6.95"), False, False,
                                                                                       True)
    wrong = labels.printed_percent(Row(74, 115, " 64.25 ", "printed", "error"))  # 74/115 = 64.35
    assert (wrong.text, wrong.exact, wrong.agrees, wrong.flagged) == ("64.25", Decimal("64.25"), False, True)
    assert wrong.apart
    agrees = labels.printed_percent(Row(79, 151, "52.30", "printed", ""))  # 52.3179…: 52.32 at two digits
    assert (agrees.digits, agrees.agrees, agrees.apart) == ("52.30", False, True)
    assert labels.printed_percent(Row(79, 151, "52.3", "printed", "")).agrees is True
    assert labels.printed_percent(Row(79, 151, "52.3", "printed", "")).apart is False
    # named beside a share computed from the counts when it is another value: 原文为 …, the check's words after it
    assert labels.printed_apart_label(wrong) == "原文为 64.25%（与件数不符）"
    assert labels.printed_apart_label(wrong, "en", inner=True) == "the report prints 64.25%, does not match the counts"
    assert labels.printed_apart_label(truncated, inner=True, shown=Decimal("7.0")) == "原文为6.95%"
    assert labels.printed_apart_label(agrees, shown=Decimal("52.3")) == ""  # 52.30 beside 52.3: the same value
    assert labels.printed_apart_label(agrees) == "原文为 52.30%" and labels.printed_apart_label(None) == ""
    bound = labels.printed_percent(Row(pd.NA, pd.NA, "90以上", "printed", ""))
    assert (bound.exact, bound.digits, bound.agrees, bound.apart) == (None, "90", None, False)
    assert labels.format_printed_pct(bound) == "90%以上" == labels.format_printed_pct("90以上")
    assert labels.format_printed_pct(agrees).numbers == labels.format_printed_pct("52.30").numbers
    unreadable = labels.printed_percent(Row(1, 2, "五成", "printed", ""))
    assert unreadable.number is None and unreadable.exact is None and not unreadable.apart
    with pytest.raises(ValueError):
        labels.format_printed_pct(unreadable)
    # none printed: a derived or a ledger's share, a blank text, no row; or the row's fields given one by one
    assert labels.printed_percent(Row(79, 151, "52.3", "derived", "")) is None
    assert labels.printed_percent(Row(79, 151, pd.NA, "printed", "")) is None
    assert labels.printed_percent(Row(79, 151, "  ", pd.NA, "")) is None and labels.printed_percent(None) is None
    assert labels.printed_percent(text="6.95", count=8, base=115) == truncated.__class__(
        "6.95", normalize.parse_printed("6.95"), False, False)


def test_relabel_translates_codes_and_headers():
    figures = metrics.ledger_figures(five_cases())
    row = figures[(figures["session"] == S1) & (figures["measure"] == "handled") & (figures["handler"] == "国际港务区")]
    zh = labels.relabel(row)
    assert list(zh.columns[:5]) == ["届次", "年度", "承办主体", "指标", "分类"]
    assert zh.iloc[0]["指标"] == "办理件数"
    assert zh.iloc[0]["数字状态"] == "台账统计"
    assert zh.iloc[0]["示例数据"] == "是"
    assert "推算依据（英文）" not in zh.columns
    en = labels.relabel(row, "en")
    assert en.iloc[0]["handling body"] == "International Port Zone"
    assert en.iloc[0]["session"] == "18th Congress, 1st Session (2022)"
    assert en.iloc[0]["status"] == "counted from the ledger"
    assert en.iloc[0]["count"] == 1  # numbers untouched


def test_relabel_keeps_the_frame_untouched():
    figures = metrics.ledger_figures(five_cases())
    before = figures.copy()
    labels.relabel(figures, "en")
    pd.testing.assert_frame_equal(figures, before)


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="zh"):
        labels.measure_label("received", "fr")


def test_relabel_gives_english_readers_the_english_rule():
    table = metrics.on_time_replies(five_cases())
    en = labels.relabel(table, "en")
    assert en.iloc[0]["deadline rule"] == "reply within 3 months from assignment (6 months for complex cases)"
    zh = labels.relabel(table)
    assert zh.iloc[0]["期限规则"].startswith("自交办之日起3个月内答复")
    assert "期限规则（英文）" not in zh.columns


def test_a_frame_built_of_cells_keeps_their_numbers_before_anything_else_of_the_package_is_imported():
    """pandas 3 makes a column of Python strings Arrow text when pyarrow is importable, which would turn each
    labels.Shown cell into plain text: the Word draft and the workbook would not know the cell holds numbers.
    A fresh process, so that no module imported by earlier tests has set pandas' string storage already."""
    import subprocess
    import sys

    script = ("import pandas as pd\n"
              "from analysis import labels\n"
              "share = labels.format_pct(18.87, 2)\n"
              "cell = labels.combined(f'30/159（{share}）', (share, '占比'))\n"
              "kept = pd.DataFrame({'占比': [cell, '暂缺']})['占比'].iloc[0]\n"
              "print(type(kept).__name__, [n.value for n in kept.numbers])")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "Shown [0.1887]"


def test_a_unit_with_its_body_keeps_its_own_closing_bracket():
    # not with_body, which merges a trailing bracket: 市中院（立案庭，市政府） would read as a unit of that name
    assert labels.unit_with_body("市中院（立案庭）", "市政府") == "市中院（立案庭）（市政府）"
    assert labels.unit_with_body("区住建局", "国际港务区", "en") == "区住建局 (International Port Zone)"
    assert labels.unit_with_body("Court (filing)", "区政府", "en") == "Court (filing) (district government)"
    assert labels.unit_with_body("区住建局", "") == "区住建局"  # no body: the name alone, never 全部承办主体
    assert labels.unit_with_body("区住建局", "国际港务区", fit=lambda body: body[:2] + "…") == "区住建局（国际…）"


def test_units_under_two_bodies_are_names_listed_under_more_than_one_body():
    units = ["立案庭", "立案庭", "区住建局", "区教育局", "区教育局", ""]
    bodies = ["市政府", "市中级人民法院", "市政府", "市政府", "市政府", "市政府"]
    assert labels.units_under_two_bodies(units, bodies) == {"立案庭"}
    assert labels.units_under_two_bodies(pd.Series(["", ""], dtype="string"), ["甲", "乙"]) == {""}
    assert labels.units_under_two_bodies([], []) == set()


@pytest.mark.parametrize("name, english", [
    ("市政府", "municipal government"), ("省政府", "provincial government"), ("县政府", "county government"),
    ("镇政府", "town government"), ("自治州政府", "autonomous prefectural government"),
    ("自治县人民政府", "autonomous county people's government"), ("市人民政府", "municipal people's government"),
    # names the rule does not know stay as printed: a place's own name, an office, a zone, a court
    ("济源市政府", "济源市政府"), ("市政府办公室", "市政府办公室"), ("开发区管委会", "开发区管委会"), ("市法院", "市法院"),
])
def test_other_congresses_bodies_have_english_names_by_their_level_and_kind(name, english):
    assert labels.handler_label(name, "en", config={}) == english
    assert labels.handler_label(name, "zh", config={}) == name  # Chinese pages name a body as printed
    assert labels.peer_body_label(name, "en") == english  # the peers page by the same rule


def test_a_configured_english_name_comes_before_the_rule():
    assert labels.handler_label("市政府", "en", config={"handler_names_en": {"市政府": "city government"}}) == (
        "city government")


def test_a_date_in_a_chinese_sentence_is_written_as_a_chinese_document_writes_it():
    # GB/T 9704-2012 7.3.5.4: year, month and day in full in Arabic numerals, no leading zeros (not 2025-01-16)
    assert labels.date_label("2025-01-16") == "2025年1月16日"
    assert labels.date_label("2024-12-31") == "2024年12月31日"
    assert labels.date_label("2025-01-16", "en") == "2025-01-16"
    assert labels.date_label("") == "" and labels.date_label("2025年初") == "2025年初"  # no date: as it is


@pytest.mark.parametrize("written, printed", [
    ("新华社(转载页)", "新华社（转载页）"),
    ("上海法治报(2023-12-29,第A03版)", "上海法治报（2023-12-29，第A03版）"),  # a date's own marks stay
    ("重庆市人民政府(市人大网;2023-11-29在会上)", "重庆市人民政府（市人大网；2023-11-29在会上）"),
    ("ttnews.xyz(转载)", "ttnews.xyz（转载）"),  # brackets holding Chinese
    ("如何?820件已办复,近八成“解决采纳”", "如何？820件已办复，近八成“解决采纳”"),
    ("广西新闻网(通讯员稿, 转载页)", "广西新闻网（通讯员稿，转载页）"),  # no space after a full-width comma
    ("代表议案建议:内容高质量", "代表议案建议：内容高质量"),
    ("Shanghai Daily (2019), p. 3", "Shanghai Daily (2019), p. 3"),  # English as it is
    ("http://www.haishu.gov.cn/art/2021/12/1/a.html", "http://www.haishu.gov.cn/art/2021/12/1/a.html"),
    ("区十一届人大五次会议（2021年）", "区十一届人大五次会议（2021年）"),
])
def test_ascii_punctuation_beside_chinese_becomes_full_width(written, printed):
    assert labels.chinese_punctuation(written) == printed


def test_a_period_column_is_headed_by_what_its_periods_are():
    # U10 + U15 (2022年度, 2025年度) were headed 届次, a word for sessions
    assert labels.period_column(["十八届人大一次会议", "十八届人大一次会议+十八届人大二次会议"]) == "届次"
    assert labels.period_column(["2022年度", "2025年度", ""]) == "年度"
    assert labels.period_column(["2025年度", "镇十九届人大十四次会议"]) == "期间"
    assert labels.period_column(["五届人大二次会议以来"], "en") == "period"
    assert labels.period_column([], "en") == "session"
    table = pd.DataFrame({"届次": ["2022年度"], "件数": [1]})
    assert list(labels.periods_named(table, ["2022年度"]).columns) == ["年度", "件数"]
    assert list(labels.periods_named(table, ["十八届人大一次会议"]).columns) == ["届次", "件数"]
    # headed by one report's periods, renamed to the page's when tables of several reports are put together
    assert list(labels.periods_named(labels.periods_named(table, ["2022年度"]), ["2022年度", "十八届人大一次会议"]).columns) == [
        "期间", "件数"]
    # a table with a 年度 column of its own keeps 届次 beside it: never two columns of one name
    with_year = pd.DataFrame({"届次": ["2022年度"], "年度": [2022]})
    assert list(labels.periods_named(with_year, ["2022年度"]).columns) == ["届次", "年度"]
