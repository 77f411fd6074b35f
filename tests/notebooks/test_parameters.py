"""The report notebooks run with papermill under parameters other than their defaults.

nbval (``make test``) checks each notebook's default run against its stored outputs; these
tests change what a user changes — the session, the language, the seed, their own ledger
(GBK CSV, XLSX), their own published figures, their own scoring weights — and assert on
what the executed notebook displayed, read from the MIME payloads ``analysis.report`` attaches
to every output (the same data the exporter builds the HTML, Excel and Word draft from).
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import nbformat
import openpyxl
import papermill
import pytest

from analysis import load, paths, report, sampling

pytestmark = pytest.mark.slow

NOTEBOOKS = paths.PROJECT_DIR / "notebooks"
S1, S2, S3 = "十八届人大一次会议", "十八届人大二次会议", "十八届人大三次会议"


# ---------------------------------------------------------------------------------------
# Running a notebook and reading what it showed
# ---------------------------------------------------------------------------------------


def execute(name: str, tmp_path: Path, **parameters) -> nbformat.NotebookNode:
    """Run notebooks/NAME.ipynb with ``parameters`` (as the runner does) and return the executed notebook."""
    out = tmp_path / f"{name}-executed.ipynb"
    return papermill.execute_notebook(str(NOTEBOOKS / f"{name}.ipynb"), str(out), parameters=parameters,
                                      kernel_name="python3", cwd=str(NOTEBOOKS), progress_bar=False,
                                      log_output=False)


def payloads(nb, mime: str) -> list[dict]:
    """Every payload of one of ``analysis.report``'s MIME types, in the order shown."""
    return [output["data"][mime] for cell in nb.cells if cell.cell_type == "code"
            for output in cell.get("outputs", []) if mime in output.get("data", {})]


def headlines(nb) -> dict[str, dict]:
    """The headline figures shown, by their stable name (e.g. 'handled:国际港务区')."""
    return {p["name"]: p for p in payloads(nb, report.MIME_HEADLINE)}


def table(nb, name: str) -> dict:
    """The table shown under ``name`` as {columns, rows}."""
    found = [p for p in payloads(nb, report.MIME_TABLE) if p["name"] == name]
    assert len(found) == 1, f"expected one table {name!r}, found {len(found)}"
    return found[0]


def shown(value):
    """A table cell as the page shows it when it is a printed figure ('86（66.7%）'), else as it is."""
    return value["text"] if isinstance(value, dict) else value


def shown_rows(payload: dict) -> list[list]:
    """A table payload's rows, printed figures as their text."""
    return [[shown(value) for value in row] for row in payload["rows"]]


def column(payload: dict, header: str) -> list:
    """One column of a table payload, printed figures as their text."""
    index = payload["columns"].index(header)
    return [shown(row[index]) for row in payload["rows"]]


def paragraphs(nb) -> str:
    """All paragraph text shown, one paragraph a line."""
    return "\n".join(p for payload in payloads(nb, report.MIME_TEXT) for p in payload.get("paragraphs") or [])


def shown_text(nb) -> str:
    """Everything a reader is shown as text (payloads serialised), to search for words."""
    return json.dumps([payloads(nb, m) for m in report.OWN_MIMES], ensure_ascii=False)


def charts(nb) -> list[dict]:
    """The plotly figures shown."""
    return payloads(nb, report.MIME_PLOTLY)


# ---------------------------------------------------------------------------------------
# A user's own files, made from the sample ledger
# ---------------------------------------------------------------------------------------


def sample_rows() -> tuple[list[str], list[list[str]]]:
    """The bundled sample ledger as text: header and rows, exactly as stored."""
    text = paths.SAMPLE_LEDGER.read_bytes().decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text)))
    return header, rows


def write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str) -> Path:
    """A ledger saved as CSV in ``encoding`` (GBK is what Excel on a Chinese Windows writes)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([header, *rows])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    """A ledger saved as an Excel workbook, a title row above the header as exports often have."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["代表建议办理台账（导出）"])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.fixture(scope="module")
def user_files(tmp_path_factory) -> dict[str, Path]:
    """The sample ledger as a user might send it: GBK CSV, XLSX, and a ledger of the first two sessions only."""
    folder = tmp_path_factory.mktemp("user_files")
    header, rows = sample_rows()
    session = header.index("届次")
    return {
        "gbk": write_csv(folder / "台账_gbk.csv", header, rows, "gbk"),
        "xlsx": write_xlsx(folder / "台账.xlsx", header, rows),
        "two_sessions": write_csv(folder / "台账_两次会议.csv", header,
                                  [r for r in rows if r[session] != S3], "utf-8-sig"),
    }


# ---------------------------------------------------------------------------------------
# Session report: each session, English, a user's ledger
# ---------------------------------------------------------------------------------------


def test_session_report_first_session_has_the_source_figures_and_no_change(tmp_path):
    # a plan that runs the supervision report on this session too (supervision_sample's `session`)
    nb = execute("session_report", tmp_path, session=S1, supervision_session=S1)
    head = headlines(nb)
    assert head["received"]["value"] == "159件"
    assert head["received_after_meeting"]["value"] == "1件"
    assert head["handled:区政府"]["value"] == "129件（81.13%）"
    assert head["handled:国际港务区"]["value"] == "30件（18.87%）"
    assert all(p["change"] == "" for p in head.values())  # nothing before the first session
    text = paragraphs(nb)
    assert "区十八届人大一次会议（2022年）期间，共收到代表建议159件（会后1件）" in text  # the year: session_years
    assert "（A类）有86件，占66.7%" in text and "（C类）有11件，占8.5%" in text
    assert "本次会议159件建议应抽取16件，抽查名单和抽样记录见《联合督办随机抽查》报告。" in text
    assert payloads(nb, report.MIME_TITLE)[0]["session"] == f"{S1}（2022年）"
    summary = table(nb, "summary")
    assert column(summary, "届次") == [f"{S1}（2022年）"]  # a session report shows no later session


def test_session_report_of_a_users_gbk_ledger_prints_172_151_21_and_52_3(tmp_path, user_files):
    nb = execute("session_report", tmp_path, ledger_files=[str(user_files["gbk"])], session=S2)
    head = headlines(nb)
    assert head["received"]["value"] == "172件"
    assert head["received"]["change"] == "比上次会议增加13件"
    assert head["handled:区政府"]["value"] == "151件（87.79%）"
    assert head["handled:国际港务区"]["value"] == "21件（12.21%）"
    assert head["handled:国际港务区"]["change"] == "比上次会议减少9件"
    assert head["solved:区政府"]["value"] == "52.3%"
    overview = [p for p in payloads(nb, report.MIME_TEXT) if p.get("section") == "基本情况"]
    assert overview, "the 基本情况 paragraphs must be marked for the Word draft"
    text = "\n".join(overview[0]["paragraphs"])
    assert "区十八届人大二次会议（2023年）期间，共收到代表建议172件" in text
    assert "其中，区政府办理代表建议151件，国际港务区承办代表建议21件。" in text
    assert "（A类）有79件，占52.3%；所提问题列入规划解决的（B类）有57件，占37.7%" in text
    assert "与十八届人大一次会议相比，收到建议增加13件（159件→172件）" in text
    assert table(nb, "summary")["section"] == "基本情况"
    # The user's file, not the bundled one, is what the report rests on; and no sample figures are mixed in.
    provenance = payloads(nb, report.MIME_PROVENANCE)[0]
    assert [f["file"] for f in provenance["files"]] == ["台账_gbk.csv"]
    assert "公开数字" not in paragraphs(nb)


def test_session_report_in_english_by_a_session_alias(tmp_path):
    nb = execute("session_report", tmp_path, session="18-3", lang="en")
    title = payloads(nb, report.MIME_TITLE)[0]
    assert title["title"] == "Handling of deputies' suggestions: session report"
    assert title["session"] == "18th Congress, 3rd Session (2024)"
    head = headlines(nb)
    assert head["received"]["label"] == "Suggestions received"
    assert head["received"]["value"] == "135"
    assert head["received"]["change"] == "-37 on the previous session"
    assert head["handled:国际港务区"]["label"] == "Handled by the International Port Zone"
    text = paragraphs(nb)
    assert "135 suggestions from deputies were received" in text
    assert "the district government handled 66 and the International Port Zone handled 69" in text
    assert "SAMPLE DATA" in text
    units = table(nb, "units")
    assert units["columns"][:4] == ["rank", "handling body", "lead unit", "suggestions led"]
    # Every chart is in English: no Chinese left in titles or axis titles.
    for figure in charts(nb):
        layout = figure["layout"]
        titles = [layout.get("title", {}).get("text", "")] + [
            (layout.get(axis) or {}).get("title", {}).get("text", "") for axis in ("xaxis", "yaxis")]
        assert not any("\u4e00" <= ch <= "\u9fff" for t in titles for ch in t), titles
    assert len(charts(nb)) == 7


# ---------------------------------------------------------------------------------------
# Trends: a session known only from published figures
# ---------------------------------------------------------------------------------------


def test_trends_mark_a_session_known_only_from_published_figures(tmp_path, user_files):
    nb = execute("trends", tmp_path, ledger_files=[str(user_files["two_sessions"])],
                 figures_files=[str(paths.SOURCE_FIGURES)])
    summary = table(nb, "summary")
    # sessions are shown with their year (data/config.yaml session_years)
    rows = {row[0].split("（")[0]: dict(zip(summary["columns"], row)) for row in shown_rows(summary)}
    assert rows[S1]["依据"] == "台账" and rows[S2]["依据"] == "台账"
    assert rows[S3]["依据"] == "公开数字"
    assert rows[S3]["收到建议"] == "135（推算）"
    assert "在连续三年的共466件代表建议中，直接由区政府办理的346件，交由国际港务区处理的120件，合计占比达25.75%。" \
        in paragraphs(nb)
    assert "十八届人大三次会议（2024年）的数字取自公开数字（source_document_figures.csv）" in paragraphs(nb)
    # The received chart marks the published session on its axis.
    received = charts(nb)[0]
    assert received["data"][0]["x"][-1].endswith("公开数字·推算")
    # The mix test uses the sessions with every class count known and says which it left out.
    assert "十八届人大三次会议的分类件数不全，未纳入检验" in paragraphs(nb)


PUBLISHED = paths.PROJECT_DIR / "tests" / "data" / "published"


@pytest.mark.parametrize("lang, sentence, unprinted", [
    ("zh", "在十一届人大一次、三次、四次、五次、七次会议和十二届人大一次会议的共1354件（推算）代表建议中，"
           "各承办主体办理的件数均未印出。",
     "原文未印出：闭会期间提出（会后）；全部承办主体的办理结果分类、办结率、满意率（含基本满意）、按期答复率。"),
    ("en", "Of the 1354 (derived) suggestions of the 11th Congress, sessions 1, 3, 4, 5 and 7, and the 12th Congress, "
           "1st Session, no handling body's count is given.",
     "Not printed in the report: raised after the meeting; all handling bodies: outcome classes, completion rate, "
     "satisfaction rate (incl. basically satisfied), on-time reply rate.")])
def test_trends_of_another_congresss_printed_reports_alone(tmp_path, lang, sentence, unprinted):
    """U04 (宁夏: received at six sessions, nothing else) with no ledger: the trends page is made from its figures, in
    order of term and number, the sum marked derived, only the columns it prints in the overview (never a column of
    暂缺 or 0: what it does not print is named under the table), and nothing of ours (no sample ledger, no 区政府 or
    国际港务区, no level word of ours)."""
    nb = execute("trends", tmp_path, ledger_files=[], figures_files=[str(PUBLISHED / "U04.csv")], lang=lang)
    assert sentence in paragraphs(nb)
    summary = table(nb, "summary")
    rows = shown_rows(summary)
    assert len(summary["columns"]) == 3 and {len(row) for row in rows} == {3}
    assert [row[2] for row in rows] == ["251", "219", "205", "238", "227", "214"]
    assert summary["note"] == unprinted
    text = shown_text(nb)
    for ours in ("区政府", "国际港务区", "本区", "示例", "sample data", "district", "Port Zone", '"is_sample": true'):
        assert ours not in text, ours
    received = charts(nb)[0]
    assert list(received["data"][0]["y"]) == [251, 219, 205, 238, 227, 214]
    # counts alone: their chart and the one line naming what is not printed; no section of nothing, no note about
    # no chart, no Wilson note under no interval, no table of no test
    assert len(charts(nb)) == 1
    assert [p["name"] for p in payloads(nb, report.MIME_TABLE)] == ["summary"]
    notes = [p.get("text", "") for p in payloads(nb, report.MIME_TEXT) if p.get("kind") == "note"]
    assert notes == []
    assert text.count("原文未印出" if lang == "zh" else "Not printed in the report") == 1  # the overview's note
    assert "Wilson" not in text


@pytest.mark.parametrize("lang, name, classes", [("zh", "首次办理满意率", "办理结果分类"),
                                                 ("en", "首次办理满意率", "outcome classes")])
def test_trends_of_printed_reports_draw_a_rate_printed_alone(tmp_path, lang, name, classes):
    """T17 (a city's three years; 市政府 prints 满意率 = 满意 alone, 99.2/99.3/99.7): its rates chart said nothing was
    drawn; the page said "no outcome classes printed" twice (the overview's note and the class section)."""
    nb = execute("trends", tmp_path, ledger_files=[], figures_files=[str(PUBLISHED / "T17.csv")], lang=lang)
    rates = [c for c in charts(nb) if [t.get("name") for t in c["data"]] == [name]]
    assert len(rates) == 1 and [round(v, 1) for v in rates[0]["data"][0]["y"]] == [99.2, 99.3, 99.7]
    assert "outcome_mix" not in shown_text(nb) and shown_text(nb).count(classes) == 1
    assert column(table(nb, "rates"), "比率" if lang == "zh" else "rate (%)") == ["99.2%", "99.3%", "99.7%"]
    assert "Wilson" in table(nb, "rates")["note"]  # 2020's interval (its count derived from the printed 99.7%)


# ---------------------------------------------------------------------------------------
# Handling units: other weights from the user's settings file
# ---------------------------------------------------------------------------------------


def test_handling_units_score_under_the_users_weights(tmp_path):
    settings = tmp_path / "settings.yaml"
    settings.write_text("performance:\n  weights: {solved_share: 1.0, on_time_share: 0, satisfaction_share: 0}\n"
                        "  flag_below: 0.5\n  min_cases: 5\n", encoding="utf-8")
    nb = execute("handling_units", tmp_path, config_file=str(settings), sessions=[S2])
    weights = table(nb, "weights")
    # weights that sum to 1 are their own shares: each said once (views.weights_table)
    assert shown_rows(weights)[:3] == [["解决类占比权重", "1"], ["按期答复率权重", "0"], ["满意率（含基本满意）权重", "0"]]
    assert shown_rows(weights)[3:] == [["低于此得分标注", "0.5"], ["参与评定的最少件数", "5"]]
    units = table(nb, "units")
    scores = column(units, "绩效得分")
    solved = column(units, "解决类占比")
    # With all the weight on the solved share, the score is that share (0.523 ↔ 52.3%, each rounded once).
    pairs = [(float(sc), float(so.rstrip("%"))) for sc, so in zip(scores, solved) if sc != "—"]
    assert pairs and all(abs(sc * 100 - so) <= 0.1 for sc, so in pairs)
    assert sum(column(units, "主办件数")) == 172  # the second session only
    flagged = [row for row in shown_rows(units) if row[units["columns"].index("低于阈值")] == "是"]
    assert flagged and all(float(row[units["columns"].index("绩效得分")]) < 0.5 for row in flagged)
    assert all(row[units["columns"].index("主办件数")] >= 5 for row in flagged)
    assert f"得分低于阈值 0.5 的承办单位共 {len(flagged)} 个" in units["note"]


# ---------------------------------------------------------------------------------------
# Supervision sample: another seed, a user's XLSX ledger
# ---------------------------------------------------------------------------------------


def drawn_ids(nb) -> list[str]:
    return sorted(column(table(nb, "sample_list"), "建议编号"))


def test_supervision_sample_changes_with_the_seed_not_with_the_file_format(tmp_path, user_files):
    stored = nbformat.read(NOTEBOOKS / "supervision_sample.ipynb", as_version=4)  # the default run (seed 20240715)
    nb = execute("supervision_sample", tmp_path, ledger_files=[str(user_files["xlsx"])], seed=7,
                 strata="handler")
    ids = drawn_ids(nb)
    assert len(ids) == 14  # 10% of 135 = 13.5 → 14
    assert ids != drawn_ids(stored)
    # The same draw computed here from the CSV: the workbook gives the same sample for the same seed.
    expected = sampling.draw_sample(load.load_cases(paths.SAMPLE_LEDGER), session=S3, fraction=0.10, seed=7,
                                    strata="handler")
    assert ids == expected.ids
    record = dict(table(nb, "sample_record")["rows"])
    assert record["随机种子"] == 7
    assert record["分层"] == "承办主体"  # in the reader's words, not the code "handler"
    assert record["台账指纹 SHA-256"] == expected.record["ledger_sha256"]  # canonical: CSV and XLSX alike
    assert "抽中编号：" + "、".join(ids) in paragraphs(nb)
    assert not set(column(table(nb, "sample_list"), "建议编号")) - set(ids)
    # No deputy's name in the list.
    assert "领衔代表" not in table(nb, "sample_list")["columns"]


@pytest.mark.parametrize("supervision, session, share, drawn", [
    ("{session: 十八届一次, fraction: 0.2}", S1, "20%", 32),  # 20% of 159 = 31.8 → 32, drawn from the first session
    ("{size: 12}", S3, "", 12),  # a number of the latest session's 135
])
def test_a_plans_supervision_draw_is_the_one_the_session_report_describes(tmp_path, supervision, session, share,
                                                                          drawn):
    """A plan that sets the supervision report's session, fraction or size: both pages print that draw."""
    from analysis import run

    plan = tmp_path / "plan.yaml"
    plan.write_text("reports:\n  - {notebook: session_report.ipynb, for_each: session}\n"
                    f"  - {{notebook: supervision_sample.ipynb, parameters: {supervision}}}\n", encoding="utf-8")
    planned = {p.name: p for p in run.expand_plan(run.load_plan(plan), [S1, S2, S3])}
    listed = {S1: "session_report_18-1", S3: "session_report_18-3"}[session]
    drawn_page = execute("supervision_sample", tmp_path, **planned["supervision_sample"].parameters)
    session_page = execute("session_report", tmp_path, **planned[listed].parameters)
    population = {S1: 159, S3: 135}[session]
    assert payloads(drawn_page, report.MIME_TITLE)[0]["session"].startswith(session)
    assert f"总体 {population} 件，抽取 {drawn} 件（{share}" in paragraphs(drawn_page)
    assert len(drawn_ids(drawn_page)) == drawn
    sentence = (f"联合督办按{share}的比例随机抽取代表建议，本次会议{population}件建议应抽取{drawn}件" if share else
                f"联合督办从本次会议{population}件建议中随机抽取{drawn}件")
    assert sentence + "，抽查名单和抽样记录见《联合督办随机抽查》报告。" in paragraphs(session_page)


# ---------------------------------------------------------------------------------------
# Published figures check: a user's file with a wrong percent
# ---------------------------------------------------------------------------------------


def test_figures_check_reports_a_printed_percent_that_no_rounding_explains(tmp_path):
    figures = tmp_path / "公开数字.csv"
    figures.write_text(
        "session,year,handler,measure,category,count,percent,base,assumption,source,note\n"
        "十九届人大一次会议,2027,,received,,200,,,,测试报告 第1段,\n"
        "十九届人大一次会议,2027,区政府,handled,,150,,,,测试报告 第1段,\n"
        "十九届人大一次会议,2027,国际港务区,handled,,50,,,,测试报告 第1段,\n"
        "十九届人大一次会议,2027,区政府,outcome,A,79,60.0,,,测试报告 第2段,\n", encoding="utf-8")
    nb = execute("figures_check", tmp_path, figures_files=[str(figures)], lang="en")
    note = [p for p in payloads(nb, report.MIME_TEXT) if p.get("kind") == "note"][0]
    assert note["level"] == "warning"
    assert note["text"] == ("6 figures: 4 printed, 0 derived by arithmetic, 2 unknown. "
                            "Findings: 1 error, 0 warnings, 2 notes.")  # one error, not "1 errors"
    findings = table(nb, "findings")
    first = dict(zip(findings["columns"], findings["rows"][0]))
    assert first["severity"] == "error" and first["row"] == 5
    assert "60.0%" in first["note"] and "52.7%" in first["note"]
    checked = table(nb, "figures")
    row = [dict(zip(checked["columns"], r)) for r in checked["rows"] if r[checked["columns"].index("category")] == "A"]
    assert row[0]["check"] == "does not match the counts"
    assert [f["file"] for f in payloads(nb, report.MIME_PROVENANCE)[0]["files"]] == ["公开数字.csv"]


def test_figures_check_of_several_files_shows_each_as_a_report_of_its_own(tmp_path):
    """Two congresses' reports of one period: a row each in the overview and the report named on every row, as the
    CLI reads them; ``figures_together`` reads the files as one report."""
    header = "session,year,handler,measure,category,count,percent,base,assumption,source,note\n"
    files = []
    for name, handled in (("甲区.csv", 150), ("乙县.csv", 90)):
        files.append(tmp_path / name)
        files[-1].write_text(header + f"十九届人大一次会议,2027,区政府,handled,,{handled},,,,第1段,\n"
                             f"十九届人大一次会议,2027,区政府,outcome,A,60,,,,第2段,\n", encoding="utf-8")
    nb = execute("figures_check", tmp_path, figures_files=[str(f) for f in files])
    summary = table(nb, "summary")
    assert summary["columns"][0] == "报告"
    assert [(r[0], shown(r[summary["columns"].index("区政府办理件数")])) for r in summary["rows"]] == [
        ("甲区.csv", "150"), ("乙县.csv", "90")]
    figures = table(nb, "figures")
    assert figures["columns"][0] == "报告" and {r[0] for r in figures["rows"]} == {"甲区.csv", "乙县.csv"}
    together = table(execute("figures_check", tmp_path, figures_files=[str(f) for f in files], figures_together=True),
                     "figures")
    assert "报告" not in together["columns"]


# ---------------------------------------------------------------------------------------
# Pseudonymisation: the parameter reaches the data
# ---------------------------------------------------------------------------------------


def test_pseudonymise_replaces_names_before_the_draw(tmp_path):
    header, rows = sample_rows()
    names = {r[header.index("领衔代表")] for r in rows if r[header.index("领衔代表")]}
    stored = nbformat.read(NOTEBOOKS / "supervision_sample.ipynb", as_version=4)  # the default run, names kept
    nb = execute("supervision_sample", tmp_path, pseudonymise=True)
    # The draw depends on ids and seed only, so the same suggestions are drawn …
    assert drawn_ids(nb) == drawn_ids(stored)
    # … but from a ledger whose name columns changed: its canonical SHA-256 covers every column.
    plain = sampling.ledger_sha256(load.load_cases(paths.SAMPLE_LEDGER).query("session == @S3"))
    record = dict(table(nb, "sample_record")["rows"])
    assert record["台账指纹 SHA-256"] != plain
    assert f"台账指纹 SHA-256 {plain[:16]}" in paragraphs(stored)
    assert f"台账指纹 SHA-256 {record['台账指纹 SHA-256'][:16]}" in paragraphs(nb)
    assert payloads(nb, report.MIME_PROVENANCE)[0]["params"]["pseudonymise"] is True
    text = json.dumps(nb, ensure_ascii=False)
    assert not [n for n in names if n in text]
