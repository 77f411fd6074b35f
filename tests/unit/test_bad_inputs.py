"""The bad-input corpus (tests/data/bad/): each file gets its expected message and exit code, never a traceback."""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis import load
from analysis.__main__ import main

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"
PROJECT = Path(__file__).resolve().parents[2]

# file, extra CLI arguments, exit code, fragments the zh report must contain (file, row, column, value, why)
CASES = [
    # files that must load (tolerated faults)
    ("gbk_no_bom.csv", [], 0, ["编码 gb18030", "没有问题"]),
    ("gb18030_rare_char.csv", [], 0, ["编码 gb18030", "没有问题"]),
    ("utf8_bom.csv", [], 0, ["编码 utf-8-sig", "没有问题"]),
    ("fullwidth_digits.csv", [], 0, ["2 行", "没有问题"]),
    ("merged_title.xlsx", [], 0, ["XLSX 工作簿", "届次来自标题行：十九届人大一次会议", "没有问题"]),
    ("named_sheet.xlsx", ["--sheet", "台账"], 0, ["工作表 台账", "没有问题"]),
    ("in_progress_blanks.csv", [], 0, ["没有问题"]),
    ("unknown_columns.csv", [], 0, ["[警告] 第1行", "未知的列", "经办人备注"]),
    ("english_headers.csv", [], 0, ["没有问题"]),
    ("台账_十九届一次会议.csv", [], 0, ["届次来自文件名：十九届人大一次会议"]),
    ("no_session.csv", ["--session", "第十九届人民代表大会第二次会议"], 0,
     ["届次来自命令行参数 --session：十九届人大二次会议"]),
    ("figures_fullwidth_percent.csv", [], 0, ["已公布数字", "没有问题"]),
    ("mixed_line_endings.csv", [], 0, ["5 行", "没有问题"]),
    ("formulas.xlsx", ["--sheet", "台账"], 0, ["工作表 台账", "0 个错误", "未知的列（保留但不分析）：是否解决"]),
    # encodings and file formats
    ("undecodable.csv", [], 1, ["第2行", "无法识别文件编码", "UTF-8", "GBK"]),
    ("binary_named.csv", [], 1, ["不是文本 CSV 文件"]),
    ("random_bytes.csv", [], 1, ["不是文本 CSV 文件（含有二进制内容）"]),
    ("picture_named.csv", [], 1, ["不是文本 CSV 文件（看起来是 PNG 文件）"]),
    ("old_format.xls", [], 1, ["旧版 Excel（.xls", ".xlsx"]),
    ("text_named.xlsx", [], 0, ["文件名是 .xlsx，但内容是文本（utf-8），已按 CSV 读取"]),
    ("damaged.xlsx", [], 1, ["不是有效的 XLSX 工作簿，或文件已损坏"]),
    ("damaged_second_sheet.xlsx", [], 1, ["不是有效的 XLSX 工作簿，或文件已损坏"]),
    ("formulas.xlsx", [], 1, ["打开文件时显示的工作表「填表说明」里没有表头", "有表头的工作表有 2 个：台账、汇总", "--sheet 台账"]),
    ("formulas_uncached.xlsx", [], 1, ["第2、3、4行, 列「办理结果」: 公式没有保存计算结果", '=IF(J2="是","A类","B类")',
                                       "列「答复日期」", "=G2+27", "在 Excel 中打开并保存", "9 个错误"]),
    ("formula_errors.xlsx", [], 1, ["第3行, 列「办理结果」", "Excel 错误值", "'#REF!'", "第4行, 列「承办主体」", "'#N/A'",
                                    "2 个错误"]),
    ("empty.csv", [], 1, ["文件是空的"]),
    ("blank_lines_only.csv", [], 1, ["文件是空的"]),
    ("empty_sheet.xlsx", [], 1, ["工作表「Sheet」是空的"]),
    ("header_only.csv", [], 1, ["第1行", "只有表头，没有数据行"]),
    ("unbalanced_quote.csv", [], 1, ["第2行", "引号", "没有配对"]),
    ("named_sheet.xlsx", [], 0, ["工作表 台账", "读取的是唯一有表头的可见工作表「台账」"]),
    # ledger columns and values
    ("missing_required_column.csv", [], 1, ["第1行", "缺少必需的列「承办主体」", "办理主体"]),
    ("duplicate_column.csv", [], 1, ["第1行", "列「编号」", "两列都表示「建议编号」"]),
    ("unknown_label.csv", [], 1, ["第3行", "列「办理结果」", "'D类'", "未知的办理结果类别", "A/A类"]),
    ("duplicate_id.csv", [], 1, ["第2、4行", "列「建议编号」", "'S-001'", "重复", "2 行用了同一编号"]),
    ("total_row.csv", [], 1, ["第4行", "合计", "请删除此行"]),
    ("reply_before_assignment.csv", [], 1, ["第3行", "列「答复日期」", "'2024-02-20'", "早于交办日期"]),
    ("impossible_date.csv", [], 1, ["第3行", "列「交办日期」", "'2024-02-30'", "不存在的日期"]),
    ("unknown_status.csv", [], 1, ["第3行", "列「办理状态」", "'已完成'", "办理中/已办结/续办"]),
    ("unknown_satisfaction.csv", [], 1, ["第3行", "列「代表满意度」", "'非常满意'", "满意/基本满意/不满意"]),
    ("completed_without_outcome.csv", [], 1, ["第3行", "列「办理结果」", "已办结/续办", "办理中"]),
    ("bad_year.csv", [], 1, ["第2行", "列「年度」", "'二〇二四年'", "不是整数"]),
    ("no_session.csv", [], 1, ["台账没有「届次」列", "--session", "文件名"]),
    ("xlsx_errors.xlsx", [], 1, ["第5行", "列「办理结果」", "'丁类'", "第6行", "合计"]),
    ("too_many_errors.csv", [], 1, ["250 个错误", "第2、3、4、5、6、7、8、9、10、11…行（另有 240 行，共 250 行）", "'X类'"]),
    # published figures
    ("figures_negative_count.csv", [], 1, ["第2行", "列「count」", "'-5'", "件数不能为负数"]),
    ("figures_percent_over_100.csv", [], 1, ["第2行", "列「percent」", "'152.3'", "百分比超过100"]),
    ("figures_unknown_measure.csv", [], 1, ["第2行", "列「measure」", "'solved_rate'", "未知的指标", "received"]),
    ("figures_non_numeric_count.csv", [], 1, ["第2行", "列「count」", "'若干'", "不是印出的数字"]),
    ("figures_bad_session.csv", [], 1, ["第2行", "列「session」", "'2023年第三季度'", "不是可识别的届次"]),
    ("figures_missing_source.csv", [], 1, ["第2行", "列「source」", "必填的「出处」是空的"]),
]


def _ids():
    return [f"{name}{' ' + ' '.join(args) if args else ''}" for name, args, _, _ in CASES]


@pytest.mark.parametrize("name, args, code, fragments", CASES, ids=_ids())
def test_corpus_file_gets_its_message(capsys, name, args, code, fragments):
    path = BAD / name
    assert main(["validate", str(path), *args]) == code
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert name in out  # every report names the file
    for fragment in fragments:
        assert fragment in out, f"{fragment!r} not in:\n{out}"


@pytest.mark.parametrize("name, args, code, fragments", [c for c in CASES if c[2] == 1][:12],
                         ids=[i for c, i in zip(CASES, _ids()) if c[2] == 1][:12])
def test_corpus_in_english(capsys, name, args, code, fragments):
    assert main(["validate", "--lang", "en", str(BAD / name), *args]) == code
    out, _ = capsys.readouterr()
    assert "[error]" in out and "错误" not in out.replace("[error]", "")  # no zh words of our own
    assert "Fix the errors above" in out


def test_loaders_raise_data_errors_with_the_same_problems():
    for name, args, code, _ in CASES:
        if args or name.startswith("figures_"):
            continue
        path = BAD / name
        if code == 0:
            assert len(load.load_cases(path)) >= 1, name
        else:
            with pytest.raises(load.DataError) as info:
                load.load_cases(path)
            assert all(p.file == str(path) for p in info.value.problems if p.code != "more"), name


def test_corpus_is_large_enough_and_every_file_has_an_expectation():
    files = sorted(p.name for p in BAD.iterdir() if p.is_file() and p.name != "make_corpus.py")
    assert len(files) >= 20
    assert sorted({name for name, *_ in CASES}) == files


def test_corpus_is_what_its_generator_writes():
    sys.path.insert(0, str(BAD))
    try:
        import make_corpus
    finally:
        sys.path.remove(str(BAD))
    assert make_corpus.main(["--check"]) == 0


def test_command_line_over_the_whole_corpus_never_shows_a_traceback(tmp_path):
    files = sorted(str(p) for p in BAD.iterdir() if p.name != "make_corpus.py")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    run = subprocess.run([sys.executable, "-m", "analysis", "validate", "--json", *files,
                          str(tmp_path / "missing.csv"), str(tmp_path)],
                         cwd=PROJECT, capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 1
    assert "Traceback" not in run.stdout + run.stderr
    reports = json.loads(run.stdout)
    assert len(reports) == len(files) + 2
    assert reports[-2]["problems"][0]["code"] == "missing_file"
    assert reports[-1]["problems"][0]["code"] == "not_a_file"
    assert all("ok" in r and "problems" in r for r in reports)


def test_command_line_clean_file_exits_zero():
    run = subprocess.run([sys.executable, "-m", "analysis", "validate", str(BAD / "gbk_no_bom.csv")],
                         cwd=PROJECT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "没有问题" in run.stdout


def test_an_unknown_scheme_is_a_message_not_a_traceback(capsys):
    assert main(["validate", "--scheme", "no_such_scheme", str(BAD / "gbk_no_bom.csv")]) == 1
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert "no_such_scheme" in err and "abc" in err


def test_another_scheme_from_the_command_line(capsys):
    # D类 is unknown to the default A/B/C scheme but a class of the four-class one
    assert main(["validate", "--scheme", "four_class", str(BAD / "unknown_label.csv")]) == 0
    assert "没有问题" in capsys.readouterr().out


# ---------------------------------------------------------------------------------------
# Files too big to commit, and faults that need their values checked
# ---------------------------------------------------------------------------------------


def _make_corpus():
    spec = importlib.util.spec_from_file_location("make_corpus", BAD / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def big_ledger(tmp_path_factory):
    path = tmp_path_factory.mktemp("big") / "big_ledger.csv"
    path.write_bytes(_make_corpus().big_ledger(100_000))
    return path


def test_100000_rows_with_errors_give_a_short_grouped_report(big_ledger):
    (report,) = load.validate_files([big_ledger])
    labels = [i for i in range(100_000) if i % 5 in (0, 2)]
    dates = [i for i in range(100_000) if i % 7 == 0]
    satisfaction = [i for i in range(100_000) if i % 11 == 0]
    assert (len(labels), len(dates), len(satisfaction)) == (40_000, 14_286, 9_091)
    assert report.rows == 100_000
    assert report.errors == 40_000 + 14_286 + 9_091 + 50 * 2  # and 50 ids used twice
    # every row counted in its group; the first rows named
    by_value = {g.problem.value: g for g in report.groups}
    assert by_value["X类"].count == 40_000
    assert by_value["X类"].rows[:10] == [i + 2 for i in labels[:10]]
    assert by_value["2024-02-30"].count == 14_286 and by_value["非常满意"].count == 9_091
    duplicates = [g for g in report.groups if g.problem.code == "duplicate_id"]
    assert len(duplicates) == 50 and duplicates[0].rows == [2000, 2001]
    # the listed problems are capped and shared: the first column's 14,286 bad dates do not hide the labels
    assert len(report.problems) == load.MAX_LISTED_PROBLEMS
    codes = {p.code for p in report.problems}
    assert {"unknown_label", "unknown_value", "bad_value", "duplicate_id"} <= codes

    text = load.render_reports([report])
    lines = text.splitlines()
    assert "第2、4、7、9、12、14、17、19、22、24…行（另有 39,990 行，共 40,000 行）" in text
    assert "'X类'" in text and "63,477 个错误" in text
    # 3 kinds of bad value + 50 duplicate ids, but only 30 kinds of problem are shown; the rest counted
    assert sum(line.startswith("  [错误]") for line in lines) == 30
    assert "另有 46 个其他问题未列出" in text  # 23 duplicate ids not shown, two rows each
    assert len(lines) < 40 and max(len(line) for line in lines) < 400
    english = load.render_reports([report], lang="en")
    assert "rows 2, 4, 7, 9, 12, 14, 17, 19, 22, 24 … (and 39,990 more, 40,000 in all)" in english
    assert len(json.dumps(report.to_dict(), ensure_ascii=False)) < 200_000


def test_100000_rows_with_errors_raise_a_short_data_error(big_ledger):
    with pytest.raises(load.SchemaError) as info:
        load.load_cases(big_ledger)
    message = str(info.value)
    assert "共 40,000 行" in message and len(message.splitlines()) < 40
    assert len(info.value.problems) == load.MAX_LISTED_PROBLEMS + 1
    assert info.value.problems[-1].code == "more" and "63277" in info.value.problems[-1].message


def test_mixed_line_endings_and_a_trailing_comma_keep_every_value():
    df = load.load_cases(BAD / "mixed_line_endings.csv")
    expected = [row.split(",") for row in _make_corpus().MIXED_ROWS]
    assert df["suggestion_id"].tolist() == [r[0] for r in expected]
    assert df["title"].tolist() == [r[2] for r in expected]
    assert df["handler"].tolist() == [r[3] for r in expected]
    assert df["outcome_class"].tolist() == ["A", "B", "C", pd.NA, "A"]
    assert df["status"].tolist() == [r[5] for r in expected]
    assert df["reply_date"].tolist() == [pd.Timestamp("2024-04-01"), pd.Timestamp("2024-04-02"),
                                         pd.Timestamp("2024-04-03"), pd.NaT, pd.Timestamp("2024-04-05")]
    assert df["satisfaction"].tolist() == ["满意", "基本满意", "不满意", pd.NA, "满意"]  # no '\r' left on the last cell
    assert df["source_row"].tolist() == [2, 3, 4, 5, 6]
    # the empty column after the trailing comma is neither an unknown column nor kept
    assert df.attrs["provenance"][0]["unknown_columns"] == []
    assert list(df.columns[-2:]) == ["source_file", "source_row"] and len(df.columns) == len(load.schema.LEDGER_FIELDS) + 2


def test_formulas_load_the_values_excel_saved():
    df = load.load_cases(BAD / "formulas.xlsx", sheet="台账")
    assert df["suggestion_id"].tolist() == ["S-001", "S-002", "S-003"]  # not '="S-"&TEXT(…)'
    assert df["outcome_class"].tolist() == ["A", "B", "A"]
    assert df["reply_date"].tolist() == [pd.Timestamp("2024-04-02"), pd.Timestamp("2024-04-03"),
                                         pd.Timestamp("2024-04-04")]
    assert df["assigned_date"].tolist() == [pd.Timestamp("2024-03-06"), pd.Timestamp("2024-03-07"),
                                            pd.Timestamp("2024-03-08")]


def test_formulas_without_saved_results_are_errors_not_blanks():
    with pytest.raises(load.SchemaError) as info:
        load.load_cases(BAD / "formulas_uncached.xlsx")
    found = sorted((p.code, p.row, p.column) for p in info.value.problems if p.code != "more")
    assert found == sorted((("formula_no_value", row, column) for row in (2, 3, 4)
                            for column in ("建议编号", "办理结果", "答复日期")))
    assert not any(p.value and p.value.startswith("=") for p in info.value.problems)  # formulas are not data


def test_a_formula_in_an_unknown_column_is_only_a_warning(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["建议编号", "届次", "标题", "承办主体", "办理状态", "经办人核对"])
    wb.active.append(["S-1", "十九届人大一次会议", "关于修路的建议", "区政府", "办理中", "=A2&\"已核\""])
    wb.save(tmp_path / "ledger.xlsx")
    (report,) = load.validate_files([tmp_path / "ledger.xlsx"])
    assert report.ok
    assert [(p.code, p.severity, p.row, p.column) for p in report.problems if p.code == "formula_no_value"] == \
        [("formula_no_value", "warning", 2, "经办人核对")]
