"""The comparison page (notebooks/peers.ipynb) run with papermill under parameters other than its defaults.

nbval checks the default run against the stored outputs; here a user changes what they would —
the language, our level, the levels and years of the reports compared, the rates, a peers
folder of their own with a report dropped in — and the tests read what the executed notebook
displayed (the payloads ``analysis.report`` attaches, from which the page and workbook are made).
"""
from __future__ import annotations

import shutil

import papermill
import pytest
from test_parameter_contract import assert_stopped_with_one_line, run_papermill
from test_parameters import column, execute, headlines, paragraphs, payloads, shown_text, table

from analysis import paths, report

pytestmark = pytest.mark.slow


def test_a_county_among_county_and_district_reports_of_some_years_in_english(tmp_path):
    nb = execute("peers", tmp_path, lang="en", level="县", levels=["区", "县"], years=[2019, 2021, 2023, 2024],
                 measures=["solved", "replied"])
    assert list(headlines(nb)) == ["peer:solved", "peer:replied"]
    solved = table(nb, "peers_solved")
    reports = column(solved, "report")
    assert reports[0] == "our county (sample data)"  # ours first, then the reports from the highest
    assert set(column(solved, "level")[1:]) <= {"district", "county"}
    assert {r.split()[0] for r in reports[1:]} == {"T03", "T09", "S05", "S02", "S10"}  # 区/县 of those years
    assert all(p.endswith(("(2021)", "(2023)", "(2024)")) for p in column(solved, "period")[1:])
    assert "T09 肃南裕固族自治县" in [r for r, lvl in zip(reports, column(solved, "level")) if lvl == "county"]
    assert [t["name"] for t in payloads(nb, report.MIME_TABLE)] == ["peers_solved", "peers_replied", "reports",
                                                                    "harmonisation", "tests"]
    text = paragraphs(nb)
    assert "share solved or largely solved (all handling bodies): our county (sample data) 48.1%" in text
    assert "SAMPLE data" in shown_text(nb) and "demonstration only" in shown_text(nb)


def test_a_users_own_folder_with_a_report_dropped_in_without_an_index_row(tmp_path):
    folder = tmp_path / "peers"
    folder.mkdir()
    for name in ("T03.csv", "T09.csv"):
        shutil.copy(paths.PEERS_DIR / name, folder / name)
    index = (paths.PEERS_DIR / "sources.csv").read_text(encoding="utf-8").splitlines()
    (folder / "sources.csv").write_text("\n".join([index[0], *[r for r in index if r.startswith(("T03", "T09"))]])
                                        + "\n", encoding="utf-8")
    dropped = (paths.PEERS_DIR / "S05.csv").read_text(encoding="utf-8").replace("一时难以解决和有待以后解决", "暂缓办理")
    (folder / "我的报告.csv").write_text(dropped, encoding="utf-8")
    nb = execute("peers", tmp_path, peers_dir=str(folder))
    listed = table(nb, "reports")
    assert column(listed, "报告") == ["T03", "T09", "我的报告"]
    assert column(listed, "层级")[2] == "（层级未知）" and column(listed, "网址")[2] == "（无）"
    labels = table(nb, "harmonisation")
    mine = {c: h for r, c, h in zip(column(labels, "报告"), column(labels, "原文标签"), column(labels, "统一归类"))
            if r.startswith("我的报告")}
    assert mine["暂缓办理"] == "—" and mine["已经解决或基本解决"] == "已解决或基本解决"
    warnings = shown_text(nb)
    assert "尚无统一归类" in warnings and "我的报告“暂缓办理”" in warnings
    # its one unmapped label leaves its body with no harmonised solved share: not among the reports compared on it
    assert not any(r.startswith("我的报告") for r in column(table(nb, "peers_solved"), "报告"))
    assert any(r.startswith("我的报告") for r in column(table(nb, "peers_replied"), "报告"))
    files = [(f["file"], f.get("file_count")) for shown in payloads(nb, report.MIME_PROVENANCE) for f in shown["files"]]
    assert ("peers", 4) in files  # the folder as one entry: three reports and the index


def test_a_level_that_is_no_level_stops_the_page_with_its_name(tmp_path):
    with pytest.raises(papermill.PapermillExecutionError) as caught:
        execute("peers", tmp_path, level="乡")
    assert "level" in str(caught.value) and "乡" in str(caught.value) and "全国 / 省 / 市 / 区 / 县" in str(caught.value)


def test_a_misspelt_name_or_a_year_that_is_not_a_number_stops_the_page_in_one_line(tmp_path):
    done, nb = run_papermill("peers", tmp_path, "-p", "levle", "县")
    assert_stopped_with_one_line(done, nb, "levle", "did you mean level?")
    done, nb = run_papermill("peers", tmp_path, "-y", "years: [二〇二〇]")
    assert_stopped_with_one_line(done, nb, "years", "must be a list of whole numbers", "[2019, 2020]")


@pytest.mark.parametrize("body, named", [("市政府", "本市"), ("镇政府", "本地")])
def test_another_offices_ledger_is_never_called_our_district_anywhere_on_the_page(tmp_path, body, named):
    """The title and the tests' heading of a city's (or a town's) ledger still said 本区 after its cards and tables
    had stopped: every 本区 on the page comes from the level of the congress compared."""
    path = tmp_path / "台账.csv"
    path.write_text("建议编号,届次,标题,承办主体,办理结果,办理状态\n" + "".join(
        f"X-{i},十七届人大三次会议,关于第{i}件事的建议,{body if i % 4 else '县直部门'},A,已办结\n" for i in range(1, 13)),
        encoding="utf-8")
    nb = execute("peers", tmp_path, ledger_files=[str(path)])
    [title] = payloads(nb, report.MIME_TITLE)
    assert title["title"] == f"与其他人大比较：{named}处于什么位置"
    assert table(nb, "tests")["title"] == f"与{named}差异的统计检验"
    assert "本区" not in shown_text(nb)
