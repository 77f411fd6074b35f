"""The bad-input corpus (tests/data/bad/): each file gets its expected message and exit code, never a traceback."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

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
    # encodings and file formats
    ("undecodable.csv", [], 1, ["第2行", "无法识别文件编码", "UTF-8", "GBK"]),
    ("binary_named.csv", [], 1, ["不是文本 CSV 文件"]),
    ("picture_named.csv", [], 1, ["不是文本 CSV 文件（看起来是 PNG 文件）"]),
    ("old_format.xls", [], 1, ["旧版 Excel（.xls）", ".xlsx"]),
    ("text_named.xlsx", [], 1, ["不是有效的 XLSX 工作簿"]),
    ("damaged.xlsx", [], 1, ["不是有效的 XLSX 工作簿，或文件已损坏"]),
    ("empty.csv", [], 1, ["文件是空的"]),
    ("blank_lines_only.csv", [], 1, ["文件是空的"]),
    ("empty_sheet.xlsx", [], 1, ["工作表「Sheet」是空的"]),
    ("header_only.csv", [], 1, ["第1行", "只有表头，没有数据行"]),
    ("unbalanced_quote.csv", [], 1, ["第2行", "引号", "没有配对"]),
    ("named_sheet.xlsx", [], 1, ["第一个工作表「填表说明」里没有表头", "--sheet 台账"]),
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
