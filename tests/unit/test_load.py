"""The loader on tiny inline files: what a clean file becomes, and what each mistake reports."""
from __future__ import annotations

import datetime as dt
import hashlib
import json

import numpy as np
import openpyxl
import pandas as pd
import pytest

from analysis import factors, load, metrics, normalize, paths, schema
from analysis.errors import DataError, FileFormatError, SchemaError
from reading_support import assert_same_reading, read_both_ways

HEADER = "建议编号,届次,标题,承办主体,办理结果,办理状态,交办日期,答复日期,代表满意度"
ROW1 = "S-1,十九届人大一次会议,关于修路的建议,区政府,A类,已办结,2024-03-05,2024-04-01,满意"
ROW2 = "S-2,十九届人大一次会议,关于建桥的建议,国际港务区,列入规划,已办结,45356,2024年4月2日,比较满意"
CONFIG = {"congress": "测试区人大常委会", "session_years": {"第十九届人民代表大会第一次会议": 2027}}


def ledger(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def error_codes(exc: DataError) -> list[str]:
    return [p.code for p in exc.problems]


# ---------------------------------------------------------------------------------------
# Ledgers: the typed frame
# ---------------------------------------------------------------------------------------


def test_clean_ledger_columns_and_dtypes(write_file):
    df = load.load_cases(write_file("l.csv", ledger(ROW1, ROW2)), config=CONFIG)
    assert list(df.columns[: len(schema.LEDGER_FIELDS)]) == [f.name for f in schema.LEDGER_FIELDS]
    assert list(df.columns[-2:]) == ["source_file", "source_row"]
    for f in schema.LEDGER_FIELDS:
        expected = {"int": "Int64", "bool": "boolean", "date": "datetime64[ns]"}.get(f.kind, "string")
        assert str(df[f.name].dtype) == expected, f.name
    assert df["source_row"].tolist() == [2, 3]
    assert df["source_row"].dtype == np.int64


def test_values_are_normalised(write_file):
    df = load.load_cases(write_file("l.csv", ledger(ROW1, ROW2)), config=CONFIG)
    assert df["outcome_class"].tolist() == ["A", "B"]
    assert df["satisfaction"].tolist() == ["满意", "基本满意"]  # 比较满意 counts as 基本满意
    assert df["assigned_date"].tolist() == [pd.Timestamp("2024-03-05")] * 2  # text and Excel serial
    assert df["reply_date"].tolist() == [pd.Timestamp("2024-04-01"), pd.Timestamp("2024-04-02")]
    assert df["session"].tolist() == ["十九届人大一次会议"] * 2


def test_congress_and_year_come_from_configuration_when_absent(write_file):
    df = load.load_cases(write_file("l.csv", ledger(ROW1)), config=CONFIG)
    assert df["congress"].tolist() == ["测试区人大常委会"]
    assert df["year"].tolist() == [2027]  # config keys are canonicalised too


def test_year_in_the_file_wins_over_configuration(write_file):
    path = write_file("l.csv", ledger(ROW1 + ",2026", header=HEADER + ",年度"))
    assert load.load_cases(path, config=CONFIG)["year"].tolist() == [2026]


def test_optional_columns_absent_are_all_na(write_file):
    df = load.load_cases(write_file("l.csv", ledger(ROW1)), config=CONFIG)
    assert df["lead_deputy"].isna().all()
    assert df["key_supervision"].isna().all()
    assert df["due_date"].isna().all()


def test_spaces_full_width_and_variants(write_file):
    row = "Ｓ－１, 十九届一次 ,  关于修路的建议 ,区政府 ,ａ类,办结,２０２４／３／５,2024.4.1,基本满意"
    df = load.load_cases(write_file("l.csv", ledger(row)), config=CONFIG)
    assert df.loc[0, "suggestion_id"] == "S-1"
    assert df.loc[0, "title"] == "关于修路的建议"
    assert df.loc[0, "handler"] == "区政府"
    assert df.loc[0, "outcome_class"] == "A"
    assert df.loc[0, "status"] == "已办结"
    assert df.loc[0, "assigned_date"] == pd.Timestamp("2024-03-05")


def test_bool_columns(write_file):
    header = HEADER + ",是否重点督办,是否见面,提出时段"
    rows = [ROW1 + ",√,是,闭会", ROW2 + ",×,否,会期", ROW1.replace("S-1", "S-3") + ",,,"]
    df = load.load_cases(write_file("l.csv", ledger(*rows, header=header)), config=CONFIG)
    assert df["key_supervision"].tolist() == [True, False, pd.NA]
    assert df["met_deputy"].tolist() == [True, False, pd.NA]
    assert df["after_meeting"].tolist() == [True, False, pd.NA]


def test_a_blank_complex_flag_is_an_error_not_the_three_month_rule(write_file):
    header = HEADER + ",复杂建议"
    rows = [ROW1 + ",是", ROW2 + ",", ROW1.replace("S-1", "S-3") + ",否"]
    with pytest.raises(DataError) as caught:
        load.load_cases(write_file("l.csv", ledger(*rows, header=header)), config=CONFIG)
    problem = next(p for p in caught.value.problems if p.code == "blank_complex_flag")
    assert (problem.row, problem.column, problem.allowed) == (3, "复杂建议", "是 / 否")
    assert "3个月还是6个月" in problem.message


def test_english_headers(write_file):
    text = ("suggestion_id,session,title,handler,outcome,status,assigned_date,reply_date,satisfaction\n"
            "S-1,19-1,Road,区政府,A,completed,2024-03-05,2024-04-01,satisfied\n")
    df = load.load_cases(write_file("en.csv", text), config=CONFIG)
    assert df.loc[0, "status"] == "已办结"
    assert df.loc[0, "satisfaction"] == "满意"
    assert df.loc[0, "session"] == "十九届人大一次会议"


def _many_rows(count: int) -> list[str]:
    return [ROW1.replace("S-1", f"S-{n}") for n in range(1, count + 1)]


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_a_csv_whose_lines_end_in_cr_alone_reads_as_the_same_ledger(write_file, encoding):
    # Excel for the old Mac OS ("CSV (Macintosh)") ends lines with CR alone; 200 rows hold over 1,000 commas,
    # which were once read as one line of too many cells
    text = ledger(*_many_rows(200))
    expected = load.load_cases(write_file("lf.csv", text, encoding=encoding), config=CONFIG)
    frame = load.load_cases(write_file("cr.csv", text.replace("\n", "\r"), encoding=encoding), config=CONFIG)
    pd.testing.assert_frame_equal(frame.drop(columns="source_file"), expected.drop(columns="source_file"))


@pytest.mark.parametrize("title", ["", "某县代表建议办理台账\n", "某县代表建议台账;2024年\n"],
                         ids=["no title", "title", "title with a semicolon"])
@pytest.mark.parametrize("delimiter", [";", "\t"], ids=["semicolon", "tab"])
def test_semicolons_and_tabs_between_cells_read_as_commas_do(write_file, delimiter, title):
    text = ledger(ROW1, ROW2)
    expected = load.load_cases(write_file("comma.csv", title.replace(";", "；") + text), config=CONFIG)
    frame = load.load_cases(write_file("other.csv", title + text.replace(",", delimiter)), config=CONFIG)
    pd.testing.assert_frame_equal(frame.drop(columns="source_file"), expected.drop(columns="source_file"))


def test_a_semicolon_in_the_title_line_of_a_comma_file_does_not_split_it(write_file):
    frame = load.load_cases(write_file("l.csv", "某县代表建议台账;2024年\n" + ledger(ROW1, ROW2)), config=CONFIG)
    assert frame["suggestion_id"].tolist() == ["S-1", "S-2"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_encodings_found_without_being_told(write_file, encoding):
    df = load.load_cases(write_file("l.csv", ledger(ROW1, ROW2), encoding=encoding), config=CONFIG)
    assert df["title"].tolist() == ["关于修路的建议", "关于建桥的建议"]
    expected = {"gbk": "gb18030"}.get(encoding, encoding)
    assert df.attrs["provenance"][0]["encoding"] == expected


def test_provenance_and_scheme(write_file):
    path = write_file("l.csv", ledger(ROW1 + ",x,示例数据", header=HEADER + ",经办人,数据来源"))
    df = load.load_cases(path, config=CONFIG)
    (prov,) = df.attrs["provenance"]
    assert prov["file"] == str(path)
    assert len(prov["sha256"]) == 64
    assert prov["rows"] == 1
    assert prov["session_from"] == "column"
    assert prov["unknown_columns"] == ["经办人"]
    assert prov["is_sample"] is True
    assert prov["sheet"] is None
    assert df.attrs["scheme"] == "abc"
    assert df["经办人"].tolist() == ["x"]  # unknown columns are kept


def test_several_files_are_concatenated(write_file):
    a = write_file("a.csv", ledger(ROW1))
    b = write_file("b.csv", ledger(ROW2.replace("十九届人大一次会议", "十九届人大二次会议")))
    df = load.load_cases([a, b], config=CONFIG)
    assert df["source_file"].tolist() == [str(a), str(b)]
    assert df["session"].tolist() == ["十九届人大一次会议", "十九届人大二次会议"]
    assert [p["file"] for p in df.attrs["provenance"]] == [str(a), str(b)]


def test_duplicate_id_across_files_in_the_same_session(write_file):
    a = write_file("a.csv", ledger(ROW1))
    b = write_file("b.csv", ledger(ROW1.replace("关于修路", "关于铺路")))
    with pytest.raises(SchemaError) as info:
        load.load_cases([a, b], config=CONFIG)
    message = str(info.value)
    assert "S-1" in message and str(a) in message and str(b) in message


def test_ids_differing_only_by_spaces_or_case_are_flagged_with_both_rows_and_never_merged(write_file):
    # "S 1" and "S1", "s-2" and "Ｓ-２" in one session; "S 3" and "S3" in two sessions are two suggestions
    rows = [ROW1.replace("S-1", "S 1"), ROW1.replace("S-1", "S1"), ROW2.replace("S-2", "s-2"), ROW2.replace("S-2", "Ｓ-２"),
            ROW1.replace("S-1", "S 3"), ROW1.replace("S-1", "S3").replace("一次会议", "二次会议")]
    with pytest.raises(SchemaError) as info:
        load.load_cases(write_file("ids.csv", ledger(*rows)), config=CONFIG)
    flagged = [p for p in info.value.problems if p.code == "duplicate_id_spelling"]
    assert [(p.row, p.message.split("只差")[0]) for p in flagged] == [
        (2, "建议编号「S 1」（第2行）、「S1」（第3行）"), (3, "建议编号「S 1」（第2行）、「S1」（第3行）"),
        (4, "建议编号「s-2」（第4行）、「Ｓ-２」（第5行）"), (5, "建议编号「s-2」（第4行）、「Ｓ-２」（第5行）")]
    assert all(p.severity == "error" and "没有合并" in p.message for p in flagged)
    # spelled one way each, in one session: nothing to flag
    assert load.load_cases(write_file("ok.csv", ledger(ROW1, ROW2, ROW1.replace("S-1", "s-1").replace("一次会议", "二次会议"))),
                           config=CONFIG)["suggestion_id"].tolist() == ["S-1", "S-2", "s-1"]


def test_ids_differing_only_by_spaces_or_case_across_files_are_flagged_naming_both_files_and_rows(write_file):
    # one session in two files: "S 1" / "s1" and "s-2" / "S-2" may be one suggestion each; "Ｓ-３" is S-3 on reading
    a = write_file("a.csv", ledger(ROW1.replace("S-1", "S 1"), ROW2.replace("S-2", "s-2"), ROW1.replace("S-1", "Ｓ-３")))
    b = write_file("b.csv", ledger(ROW2.replace("S-2", "s1"), ROW1.replace("S-1", "S-2"), ROW2.replace("S-2", "S-3")))
    with pytest.raises(SchemaError) as info:
        load.load_cases([a, b], config=CONFIG)
    flagged = [p for p in info.value.problems if p.code == "duplicate_id_spelling"]
    assert [p.message.split("只差")[0] for p in flagged] == [
        f"建议编号「S 1」（{a} 第2行）、「s1」（{b} 第2行）", f"建议编号「s-2」（{a} 第3行）、「S-2」（{b} 第3行）"]
    assert [(p.file, p.row) for p in flagged] == [(str(a), 2), (str(a), 3)]
    assert all(p.severity == "error" and "没有合并" in p.message and "十九届人大一次会议" in p.message for p in flagged)
    assert [(p.code, p.value) for p in info.value.problems if p.code == "duplicate_id"] == [("duplicate_id", "S-3")]
    # ids that differ otherwise, or the same spelling in another session, are different suggestions: nothing flagged
    c = write_file("c.csv", ledger(ROW1.replace("S-1", "S-01"), ROW2.replace("S-2", "S11"),
                                   ROW1.replace("S-1", "S 3").replace("一次会议", "二次会议")))
    d = write_file("d.csv", ledger(ROW1, ROW2.replace("S-2", "S1"), ROW2.replace("S-2", "S3")))
    assert load.load_cases([c, d], config=CONFIG)["suggestion_id"].tolist() == ["S-01", "S11", "S 3", "S-1", "S1", "S3"]


def test_an_id_written_with_di_and_hao_is_flagged_beside_its_bare_number_in_one_file_and_across_files(write_file):
    # 第12号, 12号, 建议第12号 and 12 are one number written four ways: in one session, flagged (never merged) alike
    # whether the spellings share a file or not; 12 and 120, A12 and B12, or 第12号 in another session are not
    rows = [ROW1.replace("S-1", "第12号"), ROW2.replace("S-2", "12"), ROW1.replace("S-1", "建议第 12 号"),
            ROW2.replace("S-2", "120"), ROW1.replace("S-1", "A12号"), ROW2.replace("S-2", "B12"),
            ROW1.replace("S-1", "第7号").replace("一次会议", "二次会议"), ROW2.replace("S-2", "7")]
    with pytest.raises(SchemaError) as info:
        load.load_cases(write_file("one.csv", ledger(*rows)), config=CONFIG)
    assert [(p.code, p.row, p.message.split("只差")[0]) for p in info.value.problems] == [
        ("duplicate_id_spelling", row, "建议编号「第12号」（第2行）、「12」（第3行）、「建议第 12 号」（第4行）") for row in (2, 3, 4)]
    assert "只差空格、全角半角、大小写或「第」「号」，在十九届人大一次会议内可能是同一件建议" in info.value.problems[0].message
    a = write_file("a.csv", ledger(ROW1.replace("S-1", "第12号"), ROW2.replace("S-2", "A12"),
                                   ROW1.replace("S-1", "第7号").replace("一次会议", "二次会议")))
    b = write_file("b.csv", ledger(ROW1.replace("S-1", "12"), ROW2.replace("S-2", "B12号"), ROW2.replace("S-2", "120"),
                                   ROW2.replace("S-2", "7")))
    with pytest.raises(SchemaError) as info:
        load.load_cases([a, b], config=CONFIG)
    assert [(p.code, p.file, p.row, p.message.split("只差")[0]) for p in info.value.problems] == [
        ("duplicate_id_spelling", str(a), 2, f"建议编号「第12号」（{a} 第2行）、「12」（{b} 第2行）")]
    first, second = load.validate_files([a, b])  # validate of the same files says the same, on the file named
    assert [(p.code, p.row) for p in first.problems] == [("duplicate_id_spelling", 2)] and second.ok
    # ids that are genuinely distinct load, in one file and across files
    c = write_file("c.csv", ledger(ROW1.replace("S-1", "12"), ROW2.replace("S-2", "120"), ROW1.replace("S-1", "A12"),
                                   ROW2.replace("S-2", "B12"), ROW1.replace("S-1", "2024第12号")))
    d = write_file("d.csv", ledger(ROW1.replace("S-1", "第13号"), ROW2.replace("S-2", "第1号"), ROW1.replace("S-1", "S01"),
                                   ROW2.replace("S-2", "S1")))
    assert len(load.load_cases([c, d], config=CONFIG)) == 9


def test_validate_checks_ledgers_together_as_run_loads_them_and_never_flags_unrelated_files(write_file):
    # what load_cases (and so run) refuses across files, validate of the same files reports, each on the file named
    a = write_file("a.csv", ledger(ROW1.replace("S-1", "S 1"), ROW2.replace("S-2", "s-2"), ROW1.replace("S-1", "Ｓ-３")))
    b = write_file("b.csv", ledger(ROW2.replace("S-2", "s1"), ROW1.replace("S-1", "S-2"), ROW2.replace("S-2", "S-3")))
    with pytest.raises(SchemaError) as info:
        load.load_cases([a, b], config=CONFIG)
    refused = sorted((p.code, p.row) for p in info.value.problems)
    first, second = load.validate_files([a, b])
    assert not first.ok and sorted((p.code, p.row) for p in first.problems) == refused
    assert first.errors == 3 and second.ok and second.problems == []
    spelling = next(p for p in first.problems if p.code == "duplicate_id_spelling")
    assert spelling.column == "建议编号" and f"（{a} 第2行）、「s1」（{b} 第2行）" in spelling.message
    assert all("几个台账一起校验，和 run 一样" in p.message for p in first.problems)
    assert "建议编号「S 1」" in load.render_reports([first, second])
    # unrelated: another session, a published-figures file, the same file named twice, a file refused on its own
    c = write_file("c.csv", ledger(ROW1.replace("一次会议", "二次会议"), ROW2.replace("一次会议", "二次会议")))
    figures = write_file("f.csv", FIG_HEADER + "\n十九届人大一次会议,2027,区政府,handled,,2,,,,第1段,\n")
    bad = write_file("bad.csv", ledger(ROW1, ROW2.replace("已办结", "办完了")))
    reports = load.validate_files([a, c, figures, a, bad])
    assert [r.ok for r in reports] == [True, True, True, True, False]
    assert [p.code for p in reports[-1].problems] == ["unknown_value"]
    # --each-file: each on its own
    assert all(r.ok for r in load.validate_files([a, b], together=False))


def test_signature_lines_below_the_last_record_are_read_past_with_a_warning(write_file):
    footer = ["制表人：张三,,审核人：,李四,,,,,", "填报日期：2024年5月6日,,,,,,,,"]
    frame = load.load_cases(write_file("a.csv", ledger(ROW1, ROW2, "", *footer)), config=CONFIG)
    assert frame["suggestion_id"].tolist() == ["S-1", "S-2"]
    # 李四 stands in the 承办主体 column of the signature line: no handling body of that name, with 0 suggestions
    assert factors.of(frame, "handler").labels == ("区政府", "国际港务区")
    assert "李四" not in metrics.handlers_of(frame, CONFIG)
    notes = [p for p in load.validate_files([write_file("a.csv", ledger(ROW1, ROW2, "", *footer))])[0].problems
             if p.code == "signature_rows"]
    assert len(notes) == 1 and notes[0].severity == "warning"
    assert "第5、6行在最后一条记录之下，只有签字栏（制表人：张三；审核人：李四；填报日期：2024年5月6日）" in notes[0].message
    # a signature line or a remark between records is no footer: the row is checked as a record
    # (a row of one cell: one error, not one for each blank column)
    for rows, code in (([ROW1, footer[0], ROW2], "blank_required"),
                       ([ROW1, "备注：以下为闭会期间提出的建议,,,,,,,,", ROW2], "one_cell_row")):
        with pytest.raises(SchemaError) as info:
            load.load_cases(write_file("b.csv", ledger(*rows)), config=CONFIG)
        assert {(p.code, p.row) for p in info.value.problems} == {(code, 3)}


def test_a_group_heading_between_records_is_one_error_naming_its_row_cell_and_value(write_file):
    # ledgers kept by hand group their records under headings: 一、区政府承办 … 二、国际港务区承办
    path = write_file("a.csv", ledger(ROW1, "二、国际港务区承办,,,,,,,,", ROW2))
    with pytest.raises(SchemaError) as info:
        load.load_cases(path, config=CONFIG)
    (problem,) = info.value.problems
    assert (problem.code, problem.row, problem.column, problem.value) == ("one_cell_row", 3, "建议编号", "二、国际港务区承办")
    assert "像是分组标题" in problem.message and "内容丢失的请补全" in problem.message
    # a heading in another column, and a record missing only some cells, keep their own messages
    assert _codes_of(write_file("b.csv", ledger(ROW1, ",,二、国际港务区承办,,,,,,", ROW2))) == {("one_cell_row", 3)}
    assert _codes_of(write_file("c.csv", ledger(ROW1, "S-3,,关于建桥的建议,,,,,,", ROW2))) == {
        ("blank_required", 3)}


def _codes_of(path) -> set:
    (report,) = load.validate_files([path])
    return {(p.code, p.row) for p in report.problems if p.severity == "error"}


def test_remarks_and_signatures_without_a_colon_below_the_last_record_are_read_past_naming_them(write_file):
    footer = ["备注：以上建议均已办结,,,,,,,,", "注1：满意度以代表反馈表为准,,,,,,,,", "说明,截至12月20日,,,,,,,,",
              "制表人 张三,,审核人,李四,,,,,", "填报单位（盖章）,,,,,,,,"]
    path = write_file("a.csv", ledger(ROW1, ROW2, *footer))
    assert load.load_cases(path, config=CONFIG)["suggestion_id"].tolist() == ["S-1", "S-2"]
    (report,) = load.validate_files([path])
    assert report.ok and [p.code for p in report.problems] == ["signature_rows"]
    assert report.problems[0].severity == "warning" and report.problems[0].row == 4
    assert ("第4、5、6、7、8行在最后一条记录之下，只有备注和签字栏（备注：以上建议均已办结；注1：满意度以代表反馈表为准；"
            "说明 截至12月20日；制表人 张三；审核人 李四；填报单位（盖章））") in report.problems[0].message
    only = load.validate_files([write_file("b.csv", ledger(ROW1, ROW2, footer[0]))])[0]
    assert "第4行在最后一条记录之下，只有备注（备注：以上建议均已办结）" in only.problems[0].message
    # a real record is never read past: a last row with its id, or whose only cell is no label, is checked as one
    for rows, row in (([ROW1, ROW2, ROW1.replace("S-1", "S-3").replace("关于修路", "说明：关于修路")], None),
                      ([ROW1, ROW2, "S-3,,,,,,,,"], 4), ([ROW1, ROW2, "制表人员培训,,,,,,,,"], 4),
                      ([ROW1, ROW2, "注意事项,,,,,,,,"], 4)):
        path = write_file("c.csv", ledger(*rows))
        if row is None:
            assert load.load_cases(path, config=CONFIG)["suggestion_id"].tolist() == ["S-1", "S-2", "S-3"]
            continue
        with pytest.raises(SchemaError) as info:
            load.load_cases(path, config=CONFIG)
        assert {(p.code, p.row) for p in info.value.problems} == {("one_cell_row", row)}, rows[-1]


def test_the_footer_patterns_built_from_one_vocabulary_match_what_the_two_rounds_matched():
    # the patterns as the two earlier rounds wrote them, one by one: the family built from shared words must match the
    # same texts, the same length (the end of a label tells whether its value is in the next cell)
    import itertools
    import re

    signature = re.compile(r"(?:制表|填表|填报|编制|审核|审批|复核|核对|校对|统计|经办|报送|联系|负责|主管|分管|签发)"
                           r"(?:人|日期|时间|电话|领导|单位|负责人)?(?:签字|签名)?\s*[:：]"
                           r"|(?:单位)?负责人\s*[:：]|(?:联系)?电话\s*[:：]|(?:日期|时间)\s*[:：]"
                           r"|(?:单位)?[（(]?(?:盖章|签章|签字|签名)[）)]?\s*[:：]")
    signed_by = (r"(?:(?:制表|填表|填报|编制|审核|审批|复核|核对|校对|统计|经办|报送|联系|主管|分管|签发)"
                 r"(?:人|日期|时间|电话|领导|负责人)|(?:单位)?负责人|联系电话)")
    bare = re.compile(signed_by + r"(?:\s+\S.{0,39})?"
                      r"|(?:(?:填报|报送|制表|填表)?单位|" + signed_by + r")?\s*[（(](?:盖章|签章|签字|签名)[）)]")
    old = {"_SIGNATURE": signature, "_SIGNATURE_BARE": bare, "_SIGNED_BY_ALONE": re.compile(signed_by),
           "_REMARK": re.compile(r"(?:备\s*注|附\s*注|注|说\s*明|填表说明)\s*\d{0,2}\s*[:：]"),
           "_REMARK_LABEL": re.compile(r"备\s*注|说\s*明|填表说明")}
    duties = ["", "单位", "制表", "填表", "填报", "编制", "审核", "审批", "复核", "核对", "校对", "统计", "经办", "报送", "联系",
              "负责", "主管", "分管", "签发", "备注", "备 注", "附注", "注", "说明", "说 明", "填表说明", "日期", "时间", "电话", "复"]
    roles = ["", "人", "日期", "时间", "电话", "领导", "单位", "负责人", "签字", "签名", "1", "12", "123"]
    stamps = ["", "（盖章）", "(签章)", "（签字", "签名）", "盖章"]
    tails = ["", "：", ":", " ：", " 张三", "：张三", "  2024年5月6日", "x", " " + "长" * 45]
    for text in map("".join, itertools.product(duties, roles, stamps, tails)):
        for name, pattern in old.items():
            new = getattr(load, name)
            assert (m.span() if (m := new.match(text)) else None) == (m.span() if (m := pattern.match(text)) else None), \
                (name, text)
            assert bool(new.fullmatch(text)) == bool(pattern.fullmatch(text)), (name, text)


def test_a_header_again_below_the_records_is_one_error_naming_it(write_file):
    # two exports joined (the second one's byte-order mark in the middle of the file): one error, no cascade
    with pytest.raises(SchemaError) as info:
        load.load_cases(write_file("a.csv", "\ufeff" + ledger(ROW1) + "\ufeff" + ledger(ROW2)), config=CONFIG)
    assert [(p.code, p.row) for p in info.value.problems] == [("header_again", 3)]
    assert "第3行又是一行表头（建议编号、届次、标题、承办主体、办理结果、办理状态）" in info.value.problems[0].message
    # a second table under its title in one sheet: one error naming both rows
    with pytest.raises(SchemaError) as info:
        load.load_cases(write_file("b.csv", ledger(ROW1, ",,,,,,,,", "闭会期间提出的建议,,,,,,,,", HEADER, ROW2)),
                        config=CONFIG)
    assert [(p.code, p.row) for p in info.value.problems] == [("header_again", 5)]
    assert "其上第4行「闭会期间提出的建议」像是它的标题" in info.value.problems[0].message
    # one value that is also its column's name is a value: a suggestion titled 标题 loads
    frame = load.load_cases(write_file("c.csv", ledger(ROW1, ROW2.replace("关于建桥的建议", "标题"))), config=CONFIG)
    assert frame["title"].tolist() == ["关于修路的建议", "标题"]


def test_a_summary_table_below_the_records_is_one_error_naming_where_it_starts(write_file):
    # a count table pasted under the ledger, with its title and a 合计 line: one error, none of its rows checked as records
    summary = [",,,,,,,,", "各单位办理情况汇总,,,,,,,,", "承办单位,建议数,A类,B类,C类,办结率,,,", "区政府,1,1,0,0,100%,,,",
               "国际港务区,1,0,1,0,100%,,,", "合计,2,1,1,0,100%,,,"]
    with pytest.raises(SchemaError) as info:
        load.load_cases(write_file("a.csv", ledger(ROW1, ROW2, *summary)), config=CONFIG)
    (problem,) = info.value.problems
    assert (problem.code, problem.row) == ("other_table", 5)
    assert problem.message.startswith("第5行「各单位办理情况汇总」起（到第9行）是另一张表，第6行是它的表头（承办单位、建议数、A类、B类、C类、办结率）")
    assert "移到另一个工作表或另一个文件" in problem.message
    # without a title or a blank row: it starts at its header
    with pytest.raises(SchemaError) as info:
        load.load_cases(write_file("b.csv", ledger(ROW1, ROW2, "承办单位,件数,占比,,,,,,", "区政府,2,100%,,,,,,")),
                        config=CONFIG)
    assert [(p.code, p.row) for p in info.value.problems] == [("other_table", 4)]
    # records whose cells are short words are records: an in-progress suggestion titled 提高入学率, class A类
    rows = [ROW1, ROW2, "S-3,十九届人大一次会议,提高入学率,区政府,A类,办理中,,,", "S-4,十九届人大一次会议,说明,区政府,,办理中,,,"]
    assert load.load_cases(write_file("c.csv", ledger(*rows)), config=CONFIG)["suggestion_id"].tolist() == \
        ["S-1", "S-2", "S-3", "S-4"]


def test_records_whose_cells_are_heading_words_are_records_in_any_layout(write_file, tmp_path):
    # the last record's first cells are words a summary is headed with (提高入学率, A类, 项目, 名称): in each layout
    # offices use (title, class or topic first; ids in the second column) the rows load, no other table is reported
    session = "十九届人大一次会议"
    layouts = {
        "title_first.csv": ("标题,建议编号,届次,承办主体,办理结果,办理状态",
                            [f"关于修路的建议,S-1,{session},区政府,B类,已办结", f"提高入学率,S-2,{session},区政府,A类,办理中"]),
        "class_first.csv": ("办理结果,建议编号,届次,标题,承办主体,办理状态",
                            [f"B类,S-1,{session},关于修路的建议,区政府,已办结", f"A类,S-2,{session},提高入学率,汇总中心,已办结"]),
        "topic_first.csv": ("类别,建议号,届次,标题,承办主体,代表满意度",
                            [f"城建环保,第1号,{session},关于修路的建议,区政府,基本满意", f"项目,第2号,{session},名称,区统计局,满意"]),
        "status_first.csv": ("办理状态,建议编号,届次,标题,承办主体,办理结果",
                             [f"办理中,S-1,{session},关于修路的建议,区政府,", f"已办结,S-2,{session},单位,区统计局,A类"]),
    }
    for name, (header, rows) in layouts.items():
        assert len(load.load_cases(write_file(name, ledger(*rows, header=header)), config=CONFIG)) == 2, name
    # a workbook: a title above the header, 序号 then 建议号, a record whose only short cells are heading words, 备注 below
    book = openpyxl.Workbook()
    for cells in (["2024年代表建议办理台账"], ["序号", "建议号", "届次", "标题", "承办主体", "办理结果"],
                  [1, "S-1", session, "关于全区合计供水能力的建议", "区统计局", "B类"],
                  [None, "S-2", session, "提高办结率", "区政府", "A类"], ["备注：本表截至2024年6月"]):
        book.active.append(cells)
    book.save(tmp_path / "a.xlsx")
    (report,) = load.validate_files([tmp_path / "a.xlsx"])
    assert report.ok and report.rows == 2, [p.message for p in report.problems]
    # published figures whose measure, class and base are heading words, with percents printed 约52 / 近42
    text = ("届次,承办主体,指标,分类,件数,百分比,百分比基数,出处\n十八届人大二次会议,区政府,received,,172,,,报告\n"
            "十八届人大二次会议,区政府,办理结果,A类,,约52,办理件数,报告\n十八届人大二次会议,,重点督办,,,近42,办理件数,报告\n")
    assert len(load.load_figures(write_file("f.csv", text), config=CONFIG)) == 3


def test_a_summary_headed_with_statuses_and_levels_is_still_another_table(write_file):
    # a count table's header of heading words the records also use (已办结, 满意): still one error, not its rows checked
    summary = [",,,,,,,,", "单位,交办件数,已办结,办理中,满意,基本满意,不满意,,", "区政府,2,2,0,1,1,0,,"]
    with pytest.raises(SchemaError) as info:
        load.load_cases(write_file("a.csv", ledger(ROW1, ROW2, *summary)), config=CONFIG)
    assert [(p.code, p.row) for p in info.value.problems] == [("other_table", 5)]
    assert "第5行是它的表头（单位、交办件数、已办结、办理中、满意、基本满意）" in info.value.problems[0].message


def test_an_id_excel_saved_in_scientific_notation_is_one_error_not_a_duplicate(write_file):
    rows = [ROW1.replace("S-1", "2.02403E+11"), ROW2.replace("S-2", "2.02403E+11"), ROW2.replace("S-2", "1.2e+11"),
            ROW1.replace("S-1", "2E05"), ROW1.replace("S-1", "202403050001")]
    with pytest.raises(SchemaError) as info:
        load.load_cases(write_file("a.csv", ledger(*rows)), config=CONFIG)
    assert [(p.code, p.row, p.value) for p in info.value.problems] == [
        ("id_scientific", 2, "2.02403E+11"), ("id_scientific", 3, "2.02403E+11"), ("id_scientific", 4, "1.2e+11")]
    assert "原来的数字已经丢了" in info.value.problems[0].message
    # ids that only hold an E are ids
    frame = load.load_cases(write_file("b.csv", ledger(ROW1.replace("S-1", "2E05"), ROW2.replace("S-2", "JE+01"))),
                            config=CONFIG)
    assert frame["suggestion_id"].tolist() == ["2E05", "JE+01"]


def test_satisfaction_ticked_under_one_merged_header_is_read_from_the_row_below_it(tmp_path):
    head = HEADER.split(",")
    book = openpyxl.Workbook()
    sheet = book.active
    for cells in (head + [None, None], [None] * 8 + ["满意", "基本满意", "不满意"], ROW1.split(",")[:8] + ["√", None, None],
                  ROW2.split(",")[:8] + [None, None, "√"]):
        sheet.append(cells)
    sheet.merge_cells("I1:K1")
    book.save(tmp_path / "a.xlsx")
    frame = load.load_cases(tmp_path / "a.xlsx", config=CONFIG)
    assert frame["satisfaction"].tolist() == ["满意", "不满意"] and frame["source_row"].tolist() == [3, 4]
    (report,) = load.validate_files([tmp_path / "a.xlsx"])
    assert [p.code for p in report.problems] == ["satisfaction_ticks"]
    assert "（表头占两行：第1行「代表满意度」下第2行分三列）" in report.problems[0].message
    # two levels only under the merged header: the header's second row, one error, no blank cells reported for it
    sheet["K2"] = None
    book.save(tmp_path / "b.xlsx")
    (report,) = load.validate_files([tmp_path / "b.xlsx"])
    assert [(p.code, p.row) for p in report.problems if p.severity == "error" and p.row == 2] == [("two_row_header", 2)]
    assert "第2行像是表头的第二行（满意、基本满意 是列名）" in report.problems[0].message
    # a first record rated 满意 with a stray 基本满意 in a column without a header is a record, not a header's row
    book = openpyxl.Workbook()
    for cells in (head, ROW1.split(",") + ["基本满意"], ROW2.split(",")):
        book.active.append(cells)
    book.save(tmp_path / "c.xlsx")
    assert load.load_cases(tmp_path / "c.xlsx", config=CONFIG)["satisfaction"].tolist() == ["满意", "基本满意"]


def test_satisfaction_in_three_tick_columns_is_read_when_each_row_ticks_one(write_file):
    head = HEADER.replace("代表满意度", "满意,基本满意,不满意（√）")
    one = [ROW1.replace(",满意", ",√,,"), ROW2.replace(",比较满意", ",,✓,"), ROW1.replace("S-1", "S-3").replace(",满意", ",,,1")]
    frame = load.load_cases(write_file("a.csv", ledger(*one, header=head)), config=CONFIG)
    assert frame["satisfaction"].tolist() == ["满意", "基本满意", "不满意"]
    # two ticks in a row, or a word in a tick column: an error naming the row and columns, no level guessed
    bad = [ROW1.replace(",满意", ",√,,√"), ROW2.replace(",比较满意", ",,较好,")]
    with pytest.raises(SchemaError) as info:
        load.load_cases(write_file("b.csv", ledger(*bad, header=head)), config=CONFIG)
    found = {(p.code, p.row, p.column, p.value) for p in info.value.problems if p.severity == "error"}
    assert found == {("several_ticks", 2, "满意、不满意（√）", None), ("bad_tick", 3, "基本满意", "较好")}
    # one message per fault: a row whose ticks are wrong is not also "satisfaction blank although completed"
    (report,) = load.validate_files([write_file("b.csv", ledger(*bad, header=head))])
    assert [p.code for p in report.problems if p.severity == "warning"] == ["satisfaction_ticks"]
    # a row ticking none while completed still gets that warning
    (report,) = load.validate_files([write_file("d.csv", ledger(ROW1.replace(",满意", ",,,"), header=head))])
    assert [(p.code, p.row) for p in report.problems if p.code == "blank_when_done"] == [("blank_when_done", 2)]
    # a satisfaction column of its own: the tick columns stay unknown columns
    both = load.load_cases(write_file("c.csv", ledger(ROW1 + ",√,,", header=HEADER + ",满意,基本满意,不满意")), config=CONFIG)
    assert both["satisfaction"].tolist() == ["满意"] and "基本满意" in both.columns


def test_another_scheme(write_file):
    path = write_file("l.csv", ledger(ROW1.replace("A类", "D类")))
    with pytest.raises(SchemaError):
        load.load_cases(path, config=CONFIG)
    df = load.load_cases(path, scheme="four_class", config=CONFIG)
    assert df["outcome_class"].tolist() == ["D"]
    assert df.attrs["scheme"] == "four_class"


def test_normalisers_run_once_per_distinct_value(write_file, monkeypatch):
    calls = []
    real = normalize.parse_date
    monkeypatch.setattr(normalize, "parse_date", lambda v: calls.append(v) or real(v))
    rows = [f"S-{i},十九届人大一次会议,建议{i},区政府,A类,已办结,2024-03-0{1 + i % 3},2024-04-01,满意"
            for i in range(3000)]
    df = load.load_cases(write_file("big.csv", ledger(*rows)), config=CONFIG)
    assert len(df) == 3000
    assert len(calls) == 4  # three distinct assigned dates and one reply date, not 6000 cells


# ---------------------------------------------------------------------------------------
# Ledgers: where the session comes from
# ---------------------------------------------------------------------------------------

NO_SESSION_HEADER = "建议编号,标题,承办主体,办理结果,办理状态,交办日期,答复日期,代表满意度"
NO_SESSION_ROW = "S-1,关于修路的建议,区政府,A类,已办结,2024-03-05,2024-04-01,满意"


def test_session_from_the_title_row(write_file):
    text = "某区第十九届人民代表大会第一次会议代表建议办理情况台账,,,\n" + ledger(NO_SESSION_ROW, header=NO_SESSION_HEADER)
    df = load.load_cases(write_file("ledger.csv", text), config=CONFIG)
    assert df["session"].tolist() == ["十九届人大一次会议"]
    assert df.attrs["provenance"][0]["session_from"] == "title"
    assert df["source_row"].tolist() == [3]  # the title row counts


def test_session_from_the_file_name(write_file):
    df = load.load_cases(write_file("台账_十九届二次会议.csv", ledger(NO_SESSION_ROW, header=NO_SESSION_HEADER)),
                         config=CONFIG)
    assert df["session"].tolist() == ["十九届人大二次会议"]
    assert df.attrs["provenance"][0]["session_from"] == "filename"


def test_session_from_the_option(write_file):
    df = load.load_cases(write_file("ledger.csv", ledger(NO_SESSION_ROW, header=NO_SESSION_HEADER)),
                         session="第十九届人民代表大会第三次会议", config=CONFIG)
    assert df["session"].tolist() == ["十九届人大三次会议"]
    assert df.attrs["provenance"][0]["session_from"] == "option"


def test_option_agreeing_with_the_file_name_is_fine(write_file):
    path = write_file("台账_十九届二次会议.csv", ledger(NO_SESSION_ROW, header=NO_SESSION_HEADER))
    df = load.load_cases(path, session="十九届人大二次会议", config=CONFIG)
    assert df.attrs["provenance"][0]["session_from"] == "filename"


def test_option_contradicting_the_title_is_an_error(write_file):
    text = "某区第十九届人民代表大会第一次会议代表建议办理情况台账\n" + ledger(NO_SESSION_ROW, header=NO_SESSION_HEADER)
    with pytest.raises(SchemaError) as info:
        load.load_cases(write_file("ledger.csv", text), session="十九届人大二次会议", config=CONFIG)
    assert error_codes(info.value) == ["session_conflict"]
    assert "十九届人大一次会议" in str(info.value) and "十九届人大二次会议" in str(info.value)


def test_no_session_anywhere_says_how_to_give_it(write_file):
    with pytest.raises(SchemaError) as info:
        load.load_cases(write_file("ledger.csv", ledger(NO_SESSION_ROW, header=NO_SESSION_HEADER)), config=CONFIG)
    (problem,) = info.value.problems
    assert problem.code == "no_session"
    assert "--session" in problem.allowed and "标题行" in problem.allowed and "文件名" in problem.allowed


def test_a_bad_session_option(write_file):
    with pytest.raises(SchemaError) as info:
        load.load_cases(write_file("ledger.csv", ledger(NO_SESSION_ROW, header=NO_SESSION_HEADER)),
                        session="去年", config=CONFIG)
    assert error_codes(info.value) == ["bad_session_option"]


# ---------------------------------------------------------------------------------------
# Ledgers: validation
# ---------------------------------------------------------------------------------------


def test_every_problem_is_collected_with_file_row_column_value(write_file):
    rows = [
        ROW1,
        "S-2,十九届人大一次会议,关于建桥的建议,区政府,D类,已完成,2024-02-30,2024-04-02,非常满意",
        "S-1,十九届人大一次会议,,区政府,B类,已办结,2024-03-05,2024-03-01,满意",
    ]
    path = write_file("bad.csv", ledger(*rows))
    with pytest.raises(SchemaError) as info:
        load.load_cases(path, config=CONFIG)
    found = {(p.code, p.row, p.column, p.value) for p in info.value.problems}
    assert found == {
        ("unknown_label", 3, "办理结果", "D类"),
        ("unknown_value", 3, "办理状态", "已完成"),
        ("bad_value", 3, "交办日期", "2024-02-30"),
        ("unknown_value", 3, "代表满意度", "非常满意"),
        ("blank_required", 4, "标题", None),
        ("date_order", 4, "答复日期", "2024-03-01"),
        ("duplicate_id", 2, "建议编号", "S-1"),
        ("duplicate_id", 4, "建议编号", "S-1"),
    }
    assert all(p.file == str(path) for p in info.value.problems)
    by_code = {p.code: p for p in info.value.problems}
    assert "A类" in by_code["unknown_label"].allowed
    assert by_code["unknown_value"].allowed in ("办理中/已办结/续办", "满意/基本满意/不满意")
    assert "不存在的日期" in by_code["bad_value"].message
    assert by_code["date_order"].message_en.startswith("reply_date is before the assigned date")


def missing_column(write_file, header: str, row: str):
    """The one problem of loading a ledger of ``header`` and one ``row``: a missing required column."""
    with pytest.raises(SchemaError) as info:
        load.load_cases(write_file("l.csv", ledger(row, header=header)), config=CONFIG)
    (problem,) = info.value.problems
    assert problem.code == "missing_column"
    return problem


def test_missing_required_column_lists_accepted_headers(write_file):
    problem = missing_column(write_file, "建议编号,届次,标题,办理结果", "S-1,十九届一次,修路,A")
    assert problem.row == 1
    assert "承办主体" in problem.message
    assert "办理主体" in problem.allowed and "handler" in problem.allowed


def test_a_towns_ledger_with_only_its_lead_units_is_told_how_to_add_the_handling_body(write_file):
    """A town's ledger naming only 承办单位 was told handler twice and not what to do."""
    problem = missing_column(write_file, "建议编号,届次,标题,承办单位,办理结果", "Z-1,十九届一次,修路,镇农业办,A")
    assert problem.message == ("缺少必需的列「承办主体」（handler）：请加一列「承办主体」，逐件写明办理该建议的机关，如 镇政府、"
                               "区政府（「承办单位」一列读作主办单位，不能代替）")
    assert "add a column 承办主体 naming the body that handled each suggestion, e.g. 镇政府" in problem.message_en
    assert problem.allowed == "可用的表头 accepted headers: handler、承办主体、办理主体、承办机关、handling body"
    listed = problem.allowed.split(": ", 1)[1].split("、")
    assert len(listed) == len(set(listed))  # each header once


def test_another_missing_required_column_says_what_it_holds_and_how_to_supply_it(write_file):
    problem = missing_column(write_file, "建议编号,届次,承办主体,办理结果", "S-1,十九届一次,区政府,A")
    assert problem.message.startswith("缺少必需的列「标题」（title）：请加一列「标题」（建议标题），或把已有的这一列的表头")
    assert problem.message_en.startswith("missing required column title (标题): add a column 标题 (Title of the suggestion)")


def test_in_progress_may_leave_outcome_reply_and_satisfaction_blank(write_file):
    row = "S-3,十九届人大一次会议,关于建桥的建议,区政府,,办理中,2024-03-05,,"
    df = load.load_cases(write_file("l.csv", ledger(ROW1, row)), config=CONFIG)
    assert df["outcome_class"].isna().tolist() == [False, True]


def test_an_unknown_column_of_satisfaction_levels_is_named_not_read_by_guess(write_file):
    header = HEADER.replace("代表满意度", "代表意见")  # a common header the loader does not read as satisfaction
    (report,) = load.validate_files([write_file("l.csv", ledger(ROW1, ROW2, header=header))])
    hint = [p for p in report.problems if p.column == "代表意见"]
    assert len(hint) == 1 and hint[0].severity == "warning" and "请把表头改为「代表满意度」" in hint[0].message
    assert "满意、比较满意" in hint[0].message and report.unknown_columns == ["代表意见"]  # still not read
    # the satisfaction column present, or text beside it: nothing more is said
    (report,) = load.validate_files([write_file("m.csv", ledger(ROW1 + ",满意", header=HEADER + ",代表意见"))])
    assert not [p for p in report.problems if p.column == "代表意见"]
    (report,) = load.validate_files([write_file("n.csv", ledger(ROW1.replace(",满意", ",很满意，希望继续跟进"),
                                                                 header=header))])
    assert not [p for p in report.problems if p.column == "代表意见"]


def test_completed_needs_an_outcome_and_a_reply_date(write_file):
    row = "S-3,十九届人大一次会议,关于建桥的建议,区政府,,已办结,2024-03-05,,"
    report = load.validate_files([write_file("l.csv", ledger(row))])[0]
    by_code = {(p.code, p.column): p.severity for p in report.problems}
    assert by_code == {("blank_when_done", "办理结果"): "error", ("blank_when_done", "答复日期"): "error",
                       ("blank_when_done", "代表满意度"): "warning"}


def test_unknown_columns_are_a_warning_not_an_error(write_file):
    path = write_file("l.csv", ledger(ROW1 + ",x", header=HEADER + ",经办人"))
    (report,) = load.validate_files([path])
    assert report.ok
    assert report.unknown_columns == ["经办人"]
    assert [(p.code, p.severity) for p in report.problems] == [("unknown_column", "warning")]


def test_total_row_is_an_error_naming_its_row(write_file):
    with pytest.raises(SchemaError) as info:
        load.load_cases(write_file("l.csv", ledger(ROW1, ROW2, "合 计,,2,,,,,,")), config=CONFIG)
    (problem,) = info.value.problems
    assert (problem.code, problem.row) == ("total_row", 4)
    assert "删除" in problem.message


@pytest.mark.parametrize("words", ["全区合计", "以上合计", "本页小计", "全部合计：2件", "汇总", "累计", "共2件", "共 2 件"])
def test_a_total_in_other_words_is_a_total_row(write_file, words):
    # how other offices write the total line: one total-row error, not three blank required cells
    with pytest.raises(SchemaError) as info:
        load.load_cases(write_file("l.csv", ledger(ROW1, ROW2, f"{words},,2,,,,,,")), config=CONFIG)
    assert [(p.code, p.row) for p in info.value.problems] == [("total_row", 4)]


@pytest.mark.parametrize("first", ["汇总各部门意见的建议", "共享单车停放", "全区道路", "以上", "S1", "共计划"])
def test_words_that_only_start_like_a_total_are_not_one(write_file, first):
    # a record whose id is blank and whose title starts like a total: its blank id is the error, not a total
    with pytest.raises(SchemaError) as info:
        load.load_cases(write_file("l.csv", ledger(ROW1, f"{first},十九届人大一次会议,标题,区政府,A类,已办结,2024-03-05,,")),
                        config=CONFIG)
    assert "total_row" not in [p.code for p in info.value.problems]


def test_a_total_in_a_later_column_is_found_once_the_first_columns_are_blank(write_file):
    # the search for each row's first filled cell stops once every row has one: not before
    with pytest.raises(SchemaError) as info:
        load.load_cases(write_file("l.csv", ledger(ROW1, ",,总计,,,,,,", ROW2)), config=CONFIG)
    assert [(p.code, p.row) for p in info.value.problems] == [("total_row", 3)]
    with pytest.raises(SchemaError) as info:  # 合计 after a filled cell is a title, not a total
        load.load_cases(write_file("l.csv", ledger(ROW1, "S-9,,合计,,,,,,")), config=CONFIG)
    assert "total_row" not in [p.code for p in info.value.problems]


def test_blank_rows_are_ignored_and_rows_keep_their_excel_numbers(write_file):
    df = load.load_cases(write_file("l.csv", ledger(ROW1, ",,,,,,,,", "", ROW2)), config=CONFIG)
    assert df["source_row"].tolist() == [2, 5]


@pytest.mark.parametrize("content, code", [
    (b"", "empty_file"),
    (b"\n \n", "empty_file"),
    ((HEADER + "\n").encode(), "no_rows"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
    (b"a,b\x00c\n", "nul_byte"),
    (ledger(ROW1).encode("utf-8").replace("修路".encode(), b"\x80\xff"), "encoding"),
])
def test_unusable_files(write_file, content, code):
    with pytest.raises(DataError) as info:
        load.load_cases(write_file("x.csv", content), config=CONFIG)
    assert error_codes(info.value) == [code]


def _long_ledger(rows: int = 12_000) -> str:
    """A ledger longer than the start the loader decodes to find the header (_HEAD_CHARS characters)."""
    body = [ROW1.replace("S-1", f"S-{i}").replace("修路", f"修第{i}条路") for i in range(1, rows + 1)]
    text = ledger(*body)
    assert len(text.encode("utf-8")) > 4 * load._HEAD_CHARS + 4  # more bytes than the decoded start can hold
    return text


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_a_long_utf8_ledger_loads_as_its_gbk_copy_does(write_file, encoding):
    """UTF-8 is read without decoding the whole file first; GB18030 takes the careful path: same frame."""
    text = _long_ledger()
    fast = load.load_cases(write_file("a.csv", text, encoding=encoding), config=CONFIG)
    careful = load.load_cases(write_file("b.csv", text, encoding="gb18030"), config=CONFIG)
    assert fast.attrs["provenance"][0]["encoding"] == encoding
    assert careful.attrs["provenance"][0]["encoding"] == "gb18030"
    pd.testing.assert_frame_equal(fast.drop(columns="source_file"), careful.drop(columns="source_file"))
    assert fast["title"].iloc[-1] == "关于修第12000条路的建议"


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_bytes_far_below_the_start_that_are_not_utf8_are_still_found(write_file, bom):
    lines = _long_ledger().encode("utf-8").split(b"\n")
    lines[5000] = lines[5000].replace("修第5000条路".encode(), b"\x80\xff")  # S-5000, Excel row 5001
    with pytest.raises(FileFormatError) as info:
        load.load_cases(write_file("x.csv", bom + b"\n".join(lines)), config=CONFIG)
    assert error_codes(info.value) == ["encoding"] and info.value.problems[0].row == 5001


def test_a_nul_byte_far_below_the_start_names_its_row(write_file):
    lines = _long_ledger().encode("utf-8").split(b"\n")
    lines[5000] += b"\x00"
    with pytest.raises(FileFormatError) as info:
        load.load_cases(write_file("x.csv", b"\n".join(lines)), config=CONFIG)
    assert error_codes(info.value) == ["nul_byte"] and info.value.problems[0].row == 5001

def test_format_errors_are_file_format_errors(write_file):
    with pytest.raises(FileFormatError):
        load.load_cases(write_file("x.csv", b""), config=CONFIG)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(FileFormatError) as info:
        load.load_cases(tmp_path / "nope.csv")
    assert error_codes(info.value) == ["missing_file"]
    with pytest.raises(FileFormatError) as info:
        load.load_cases(tmp_path)
    assert error_codes(info.value) == ["not_a_file"]


def test_problem_cap_lists_200_and_counts_the_rest(write_file):
    rows = [f"S-{i},十九届人大一次会议,建议{i},区政府,X类,已办结,2024-03-05,2024-04-01,满意" for i in range(260)]
    (report,) = load.validate_files([write_file("l.csv", ledger(*rows))])
    assert report.errors == 260
    assert len(report.problems) == load.MAX_LISTED_PROBLEMS == 200
    assert report.omitted == 60
    # the text report counts every row of the repeated problem, not only the listed ones
    (group,) = report.groups
    assert (group.count, group.problem.value, group.problem.row) == (260, "X类", 2)
    text = load.render_reports([report])
    assert "第2、3、4、5、6、7、8、9、10、11…行（另有 250 行，共 260 行）" in text
    assert len(text.splitlines()) == 6
    with pytest.raises(SchemaError) as info:
        load.load_cases(write_file("l.csv", ledger(*rows)), config=CONFIG)
    assert "60" in info.value.problems[-1].message and info.value.problems[-1].code == "more"


# ---------------------------------------------------------------------------------------
# XLSX
# ---------------------------------------------------------------------------------------


def _workbook(tmp_path, name, sheets):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    path = tmp_path / name
    wb.save(path)
    return path


def test_xlsx_with_a_merged_title_row_and_native_dates(tmp_path):
    header = NO_SESSION_HEADER.split(",")
    rows = [["某区第十九届人民代表大会第一次会议代表建议办理情况台账"], header,
            ["S-1", "修路", "区政府", "A", "已办结", dt.datetime(2024, 3, 5), 45383, "满意"],
            [2, "建桥", "区政府", "丙类", "已办结", "2024年3月5日", "2024/4/2", "满意"]]
    path = _workbook(tmp_path, "ledger.xlsx", {"台账": rows})
    wb = openpyxl.load_workbook(path)
    wb["台账"].merge_cells("A1:H1")
    wb.save(path)
    df = load.load_cases(path, config=CONFIG)
    assert df["suggestion_id"].tolist() == ["S-1", "2"]  # a number cell becomes text, not '2.0'
    assert df["reply_date"].tolist() == [pd.Timestamp("2024-04-01"), pd.Timestamp("2024-04-02")]
    assert df["outcome_class"].tolist() == ["A", "C"]
    assert df["source_row"].tolist() == [3, 4]
    prov = df.attrs["provenance"][0]
    assert (prov["encoding"], prov["sheet"], prov["session_from"]) == ("xlsx", "台账", "title")


def test_xlsx_named_sheet(tmp_path):
    path = _workbook(tmp_path, "ledger.xlsx", {"说明": [["每行一条建议"]], "数据": [HEADER.split(","), ROW1.split(",")]})
    # the cover sheet shown on opening has no header; the one sheet with a header is read, and the report says so
    assert len(load.load_cases(path, config=CONFIG)) == 1
    (report,) = load.validate_files([path])
    assert report.sheet == "数据" and [(p.code, p.severity) for p in report.problems] == [("other_sheet", "warning")]
    assert "读取的是唯一有表头的可见工作表「数据」" in load.render_reports([report])
    assert len(load.load_cases(path, sheet="数据", config=CONFIG)) == 1
    with pytest.raises(FileFormatError) as info:
        load.load_cases(path, sheet="台账", config=CONFIG)
    assert info.value.problems[0].allowed == "说明、数据"


def test_sheet_option_on_a_csv_is_refused(write_file):
    with pytest.raises(FileFormatError, match="--sheet"):
        load.load_cases(write_file("l.csv", ledger(ROW1)), sheet="台账", config=CONFIG)


# ---------------------------------------------------------------------------------------
# Published figures
# ---------------------------------------------------------------------------------------

FIG_HEADER = "session,year,handler,measure,category,count,percent,base,assumption,source,note"


def figures(*rows: str) -> str:
    return "\n".join([FIG_HEADER, *rows]) + "\n"


def test_figures_columns_and_values(write_file):
    path = write_file("f.csv", figures(
        "十八届人大二次会议,2023,区政府,outcome,A类,79,52.3%,,,第2段,",
        "十八届人大二次会议,2023,区政府,outcome,B,,,,,第2段,空白",
        "十八届一次+十八届人大二次会议,,国际港务区,handled,,120,25.75,received,三年按一至二次计,第5段,",
        "十八届人大二次会议,2023,,satisfied,,,90以上,,,第6段,",
        "十八届人大二次会议,2023,,deputies_trained,,160余,,,,第7段,",
        "十八届人大二次会议,2023,区政府,completed,,,96.5,received@区政府,,第8段,"))
    df = load.load_figures(path, config=CONFIG)
    assert list(df.columns) == list(load.FIGURE_COLUMNS)
    assert df["congress"].tolist() == ["测试区人大常委会"] * 6
    assert df["category"].tolist() == ["A类", "B", "", "", "", ""]  # as printed: reconcile reads the scheme
    assert df["session"][2] == "十八届人大一次会议+十八届人大二次会议"
    assert df["count"].tolist() == ["79", "", "120", "", "160余", ""]
    assert df["count_value"].tolist()[:3] == [79.0, pd.NA, 120.0]
    assert df["count_qualifier"].tolist() == ["", "", "", "", "more_than", ""]
    assert df["percent"].tolist() == ["52.3%", "", "25.75", "90以上", "", "96.5"]
    assert df["percent_value"][0] == 52.3 and df["percent_value"][3] == 90.0
    assert df["percent_decimals"].tolist() == [1, pd.NA, 2, 0, pd.NA, 1]
    assert df["percent_qualifier"].tolist() == ["", "", "", "at_least", "", ""]
    assert df["base"].tolist() == ["", "", "received", "", "", "received@区政府"]
    assert df["year"].tolist() == [2023, 2023, pd.NA, 2023, 2023, 2023]
    assert df["source_row"].tolist() == [2, 3, 4, 5, 6, 7]
    text_columns = ["congress", "session", "handler", "measure", "category", "count", "count_qualifier", "percent",
                    "percent_qualifier", "base", "assumption", "source", "note", "source_file"]
    for name in text_columns:
        assert str(df[name].dtype) == "string" and not df[name].isna().any(), name
    assert str(df["count_value"].dtype) == "Float64" and str(df["percent_decimals"].dtype) == "Int64"


def test_figures_accept_chinese_headers_and_measure_names(write_file):
    text = "届次,年度,承办主体,指标,分类,件数,百分比,百分比基数,假设,出处,备注\n" \
           "十八届人大一次会议,2022,,收到建议,,159,,,,第1段,\n"
    df = load.load_figures(write_file("f.csv", text), config=CONFIG)
    assert df["measure"].tolist() == ["received"]


@pytest.mark.parametrize("row, code, column, value", [
    ("十八届人大一次会议,2022,区政府,handled,,-5,,,,第1段,", "negative", "count", "-5"),
    ("十八届人大一次会议,2022,区政府,handled,,若干,,,,第1段,", "bad_number", "count", "若干"),
    ("十八届人大一次会议,2022,区政府,handled,,12.5,,,,第1段,", "bad_number", "count", "12.5"),
    ("十八届人大一次会议,2022,区政府,outcome,A,79,152.3,,,第1段,", "percent_over_100", "percent", "152.3"),
    ("十八届人大一次会议,2022,区政府,solved_rate,,,52.3,,,第1段,", "unknown_measure", "measure", "solved_rate"),
    ("十八届人大一次会议,2022,区政府,completed,,,52.3,finished,,第1段,", "unknown_measure", "base", "finished"),
    ("2023年第三季度,2022,区政府,handled,,151,,,,第1段,", "unknown_value", "session", "2023年第三季度"),
    ("十八届人大一次会议,1800,区政府,handled,,151,,,,第1段,", "bad_value", "year", "1800"),
    ("十八届人大一次会议,2022,区政府,handled,,151,,,,,", "blank_required", "source", None),
    ("合计,,,,,466,,,,第1段,", "total_row", None, None),
])
def test_figures_problems(write_file, row, code, column, value):
    path = write_file("f.csv", figures(row))
    with pytest.raises(SchemaError) as info:
        load.load_figures(path, config=CONFIG)
    (problem,) = info.value.problems
    assert (problem.code, problem.row, problem.column, problem.value) == (code, 2, column, value)
    assert problem.file == str(path)


def test_the_wrong_loader_for_the_file(write_file):
    with pytest.raises(SchemaError) as info:
        load.load_figures(write_file("l.csv", ledger(ROW1)), config=CONFIG)
    assert error_codes(info.value) == ["wrong_kind"]
    with pytest.raises(SchemaError) as info:
        load.load_cases(write_file("f.csv", figures("十八届人大一次会议,2022,,received,,159,,,,第1段,")), config=CONFIG)
    assert error_codes(info.value) == ["wrong_kind"]


def test_bundled_source_figures_load_with_their_blanks():
    df = load.load_figures(paths.SOURCE_FIGURES)
    b = df[(df["session"] == "十八届人大一次会议") & (df["measure"] == "outcome") & (df["category"] == "B")]
    assert b["count"].tolist() == [""] and b["count_value"].isna().all()
    a2 = df[(df["session"] == "十八届人大二次会议") & (df["category"] == "A")].iloc[0]
    assert (a2["count_value"], a2["percent_value"], a2["percent_decimals"]) == (79, 52.3, 1)


# ---------------------------------------------------------------------------------------
# Reports
# ---------------------------------------------------------------------------------------


def test_validate_files_tells_kinds_apart_and_never_raises_for_data(write_file, tmp_path):
    reports = load.validate_files([write_file("l.csv", ledger(ROW1)),
                                   write_file("f.csv", figures("十八届人大一次会议,2022,,received,,159,,,,第1段,")),
                                   tmp_path / "missing.csv"])
    assert [r.kind for r in reports] == ["ledger", "figures", "unknown"]
    assert [r.ok for r in reports] == [True, True, False]
    assert reports[0].rows == 1 and reports[0].sessions == ["十九届人大一次会议"]
    assert reports[0].session_from == "column" and reports[0].encoding == "utf-8"
    data = json.loads(json.dumps([r.to_dict() for r in reports], ensure_ascii=False))
    assert data[2]["problems"][0]["code"] == "missing_file" and data[2]["ok"] is False


def test_render_reports_in_both_languages(write_file):
    path = write_file("bad.csv", ledger(ROW1.replace("A类", "D类")))
    reports = load.validate_files([path])
    zh = load.render_reports(reports)
    assert "第2行" in zh and "列「办理结果」" in zh and "'D类'" in zh and "未知的办理结果类别" in zh
    assert "届次来自届次列" in zh
    en = load.render_reports(reports, lang="en")
    assert "row 2" in en and "unknown outcome label" in en and "session from the session column" in en
    assert "未知的办理结果类别" not in en


def test_xlsx_percent_cells_that_look_like_fractions_are_warned_about(tmp_path):
    rows = [FIG_HEADER.split(","), ["十八届人大二次会议", 2023, "区政府", "outcome", "A", 79, 0.523, None, None, "第2段", None],
            ["十八届人大二次会议", 2023, "区政府", "outcome", "B", 57, 37.7, None, None, "第2段", None]]
    (report,) = load.validate_files([_workbook(tmp_path, "figures.xlsx", {"数字": rows})])
    assert report.ok and report.kind == "figures"
    assert [(p.code, p.row, p.column, p.value) for p in report.problems] == [("percent_fraction", 2, "percent", "0.523")]


# ---------------------------------------------------------------------------------------
# Odd input: text that looks like a total, binary after a text start, cells in any order of lines
# ---------------------------------------------------------------------------------------


def test_only_a_rows_first_cell_marks_a_total(write_file):
    rows = [ROW1.replace("关于修路的建议", "合计3项措施的建议"), ROW2.replace("关于建桥的建议", "Total 2 bridges")]
    df = load.load_cases(write_file("l.csv", ledger(*rows)), config=CONFIG)
    assert df["title"].tolist() == ["合计3项措施的建议", "Total 2 bridges"]


def test_a_nul_byte_after_text_names_its_row(write_file):
    content = ledger(ROW1, ROW2).encode("utf-8") + b"S-3,\x00\x01,x\n"
    with pytest.raises(FileFormatError) as info:
        load.load_cases(write_file("l.csv", content), config=CONFIG)
    (problem,) = info.value.problems
    assert (problem.code, problem.row) == ("nul_byte", 4)


def test_a_lone_control_character_in_a_title_is_still_text(write_file):
    df = load.load_cases(write_file("l.csv", ledger(ROW1.replace("修路", "修\x1b[1m路"))), config=CONFIG)
    assert df["title"].tolist() == ["关于修\x1b[1m路的建议"]


def test_a_blank_unnamed_column_in_the_middle_is_dropped_silently(write_file):
    header = HEADER.replace("标题,", "标题,,")
    rows = [r.replace("的建议,", "的建议,,") for r in (ROW1, ROW2)]
    (report,) = load.validate_files([write_file("l.csv", ledger(*rows, header=header))])
    assert report.ok and report.problems == [] and report.unknown_columns == []


# ---------------------------------------------------------------------------------------
# Periods in published figures and ledgers (one parser: analysis.sessions)
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("printed, label", [
    ("市四届人大一次至三次会议(2016年以来)", "四届人大一次会议+四届人大二次会议+四届人大三次会议"),
    ("区十七届人大一次会议以来", "十七届人大一次会议以来"),
    ("2020年度", "2020年度"),
    ("人大常委会第十五次会议", "人大常委会第十五次会议"),
    ("第100届人大第2次会议", "一百届人大二次会议"),
])
def test_figures_read_every_kind_of_period(write_file, printed, label):
    df = load.load_figures(write_file("f.csv", figures(f"{printed},,区政府,handled,,151,,,,第2段,")), config=CONFIG)
    assert df["session"].tolist() == [label]


def test_figures_that_name_no_period_are_one_report(write_file):
    text = "handler,measure,count,source\n区政府,handled,151,第2段\n区政府,completed,150,第2段\n"
    df = load.load_figures(write_file("某区2027.csv", text), config=CONFIG)
    assert df["session"].tolist() == ["未注明会期（某区2027.csv）"] * 2
    blank = load.load_figures(write_file("b.csv", figures(",,区政府,handled,,151,,,,第2段,")), config=CONFIG)
    assert blank["session"].tolist() == ["未注明会期（b.csv）"]


@pytest.mark.parametrize("years, periods", [
    (("2020", "2020"), ["2020年度", "2020年度"]),
    (("2020", ""), ["2020年度", "2020年度"]),  # a total may leave the year blank
    (("2019", "2020"), ["2019年度", "2020年度"]),
    (("2019", ""), ["2019年度", "2019年度"]),
])
def test_figures_without_sessions_are_the_report_of_the_year_they_name(write_file, years, periods):
    rows = [f",{year},区政府,{measure},,151,,,,第2段," for year, measure in zip(years, ("handled", "completed"))]
    df = load.load_figures(write_file("f.csv", figures(*rows)), config=CONFIG)
    assert df["session"].tolist() == periods


def test_figures_naming_several_years_but_not_on_every_row_are_the_file_as_one_report(write_file):
    rows = (",2019,区政府,handled,,151,,,,第2段,", ",2020,区政府,completed,,150,,,,第2段,", ",,区政府,received,,301,,,,第2段,")
    df = load.load_figures(write_file("f.csv", figures(*rows)), config=CONFIG)
    assert df["session"].tolist() == ["未注明会期（f.csv）"] * 3


def test_figures_with_a_period_on_some_rows_only_name_the_blank_rows(write_file):
    path = write_file("f.csv", figures("十八届人大二次会议,2023,区政府,handled,,151,,,,第2段,",
                                       ",2023,区政府,completed,,150,,,,第2段,"))
    with pytest.raises(SchemaError) as info:
        load.load_figures(path, config=CONFIG)
    (problem,) = info.value.problems
    assert (problem.code, problem.row, problem.column) == ("blank_required", 3, "session")


def test_a_ledger_session_must_be_one_plenary_session(write_file):
    text = ledger(ROW1).replace("十九届人大一次会议", "十九届人大常委会第十五次会议", 1)
    with pytest.raises(SchemaError) as info:
        load.load_cases(write_file("l.csv", text), config=CONFIG)
    assert any("常委会会议" in p.message and p.column == "届次" for p in info.value.problems)


# ---------------------------------------------------------------------------------------
# Issue 14: sheets as a user sees them, files as they come, no guessed values
# ---------------------------------------------------------------------------------------


def _hidden_stale_workbook(tmp_path, *, active: int = 1, state: str = "hidden"):
    """A workbook whose first sheet is a hidden stale copy and whose second, shown, sheet is current."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    stale = wb.create_sheet("旧台账")
    for row in (HEADER.split(","), ROW1.replace("关于修路的建议", "旧数据：不应读入").split(",")):
        stale.append(row)
    stale.sheet_state = state
    current = wb.create_sheet("台账")
    for row in (HEADER.split(","), ROW1.split(","), ROW2.split(",")):
        current.append(row)
    wb.active = active
    path = tmp_path / "ledger.xlsx"
    wb.save(path)
    return path


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_hidden_sheet_is_never_read_unasked(tmp_path, state):
    path = _hidden_stale_workbook(tmp_path, state=state)
    df = load.load_cases(path, config=CONFIG)
    assert df["title"].tolist() == ["关于修路的建议", "关于建桥的建议"]  # the shown sheet, not the hidden first one
    assert df.attrs["provenance"][0]["sheet"] == "台账"
    (report,) = load.validate_files([path])
    assert report.sheet == "台账" and report.ok and report.warnings == 0
    assert "工作表 台账" in load.render_reports([report])  # validate names the sheet it read


def test_a_hidden_sheet_named_with_sheet_is_read_with_a_warning(tmp_path):
    path = _hidden_stale_workbook(tmp_path)
    df = load.load_cases(path, sheet="旧台账", config=CONFIG)
    assert df["title"].tolist() == ["旧数据：不应读入"]
    (report,) = load.validate_files([path], sheet="旧台账")
    assert [(p.code, p.severity) for p in report.problems] == [("hidden_sheet", "warning")]


def test_a_cover_sheet_headed_with_known_words_is_passed_over_for_the_one_whole_ledger(tmp_path):
    # 说明 and 备注 are headers a ledger may have, but a sheet of only them is a cover, not the ledger
    cover = [["说明", "备注"], ["本表为2024年代表建议办理台账", "填表人：某某"]]
    path = _workbook(tmp_path, "ledger.xlsx", {"填表说明": cover, "台账": [HEADER.split(","), ROW1.split(",")]})
    (report,) = load.validate_files([path])
    assert report.sheet == "台账" and [(p.code, p.severity) for p in report.problems] == [("other_sheet", "warning")]
    assert ("打开文件时显示的工作表「填表说明」的表头缺少台账必需的列（建议编号、标题、承办主体）；读取的是唯一表头齐全的"
            "可见工作表「台账」") in load.render_reports([report])
    assert load.load_cases(path, config=CONFIG)["suggestion_id"].tolist() == ["S-1"]


def test_a_shown_sheet_with_some_ledger_columns_is_the_users_ledger_and_its_fault_is_reported(tmp_path):
    # without 承办主体 it is still a ledger, not a cover: reading another sheet instead could be last year's data
    faulty = [[h for h in HEADER.split(",") if h != "承办主体"], [c for c in ROW1.split(",") if c != "区政府"]]
    path = _workbook(tmp_path, "ledger.xlsx", {"2024": faulty, "2023": [HEADER.split(","), ROW1.split(",")]})
    (report,) = load.validate_files([path])
    assert report.sheet == "2024"
    assert "missing_column" in [p.code for p in report.problems]


def test_the_active_sheet_is_read_and_other_ledger_sheets_are_named(tmp_path):
    path = _workbook(tmp_path, "two.xlsx", {"2023": [HEADER.split(","), ROW1.split(",")],
                                           "2024": [HEADER.split(","), ROW1.split(","), ROW2.split(",")]})
    wb = openpyxl.load_workbook(path)
    wb.active = 1
    wb.save(path)
    (report,) = load.validate_files([path])
    assert (report.sheet, report.rows) == ("2024", 2)
    (warning,) = report.problems
    assert warning.code == "several_sheets" and "2024、2023" in warning.message and "--sheet" in warning.message


def test_a_file_is_named_as_the_user_knows_it_whatever_copy_is_read(tmp_path, write_file):
    copy = write_file("copy.csv", ledger(ROW1))
    source = load.InputFile(copy, "D:/台账/我的台账.csv")
    df = load.load_cases(source, config=CONFIG)
    assert df["source_file"].tolist() == ["D:/台账/我的台账.csv"]
    assert df.attrs["provenance"][0]["file"] == "D:/台账/我的台账.csv"
    bad = write_file("bad.csv", ledger(ROW1.replace("A类", "X类")))
    with pytest.raises(SchemaError) as info:
        load.load_cases(load.InputFile(bad, "我的台账.csv"), config=CONFIG)
    assert {p.file for p in info.value.problems} == {"我的台账.csv"}


def test_a_long_cell_is_named_by_row_and_column(write_file):
    text = "长" * (load.MAX_CELL_CHARS + 1)
    with pytest.raises(SchemaError) as info:
        load.load_cases(write_file("l.csv", ledger(ROW1, ROW2.replace("关于建桥的建议", text))), config=CONFIG)
    (problem,) = [p for p in info.value.problems if p.code == "cell_too_long"]
    assert (problem.row, problem.column) == (3, "标题") and f"{len(text):,}" in problem.message
    # exactly at the limit is fine: what Excel itself can hold
    ok = load.load_cases(write_file("m.csv", ledger(ROW1.replace("关于修路的建议", "长" * load.MAX_CELL_CHARS))),
                         config=CONFIG)
    assert len(ok["title"].iloc[0]) == load.MAX_CELL_CHARS


@pytest.mark.parametrize("label, ok", [
    ("A类", True), ("已经解决、基本解决和采纳吸收", True), ("A类（已解决）", True),
    ("A类/B类", False), ("A、C", False), ("B-部分解决；另A", False), ("甲、乙", False),
])
def test_an_outcome_naming_two_classes_is_refused(write_file, label, ok):
    path = write_file("l.csv", ledger(ROW1.replace("A类", label)))
    if ok:
        assert load.load_cases(path, config=CONFIG)["outcome_class"].tolist() == ["A"]
        return
    with pytest.raises(SchemaError) as info:
        load.load_cases(path, config=CONFIG)
    (problem,) = info.value.problems
    assert (problem.code, problem.row, problem.column, problem.value) == ("several_classes", 2, "办理结果", label)


@pytest.mark.parametrize("scheme, label, code", [
    # labels offices write for a class (reports and ledgers: 已经解决或基本解决, 正在解决或列入计划解决, 留作参考 …)
    ("abc", "解决类", "A"), ("abc", "解决", "A"), ("abc", "已解决", "A"), ("abc", "已解决和基本解决", "A"),
    ("abc", "留作参考", "C"), ("abc", "参考类", "C"),
    ("abc", "留作参考类", "C"), ("abc", "A 类", "A"), ("abc", "甲类", "A"), ("abc", "Ａ", "A"), ("abc", "a", "A"),
    ("abc", "A类（部分解决）", "A"), ("abc", "C类（因条件限制留作参考）", "C"),
    ("four_class", "解决类", "A"), ("four_class", "正在解决", "B"), ("four_class", "计划解决", "C"),
    ("four_class", "参考类", "D"), ("jia_yi_bing", "已解决", "甲"), ("jia_yi_bing", "正在解决", "unknown_label"),
    # a code and a description naming another class, or no class of the scheme: an error, never a guess
    ("abc", "A类（留作参考）", "several_classes"), ("abc", "B类（已解决）", "several_classes"),
    ("abc", "B类已解决", "several_classes"), ("four_class", "C类（留作参考）", "several_classes"),
    ("four_class", "正在解决或列入计划解决", "several_classes"), ("abc", "部分解决", "unknown_label"),
    ("abc", "部分解决和已解决", "unknown_label"), ("abc", "已办结", "unknown_label"), ("abc", "一类", "unknown_label"),
    ("jia_yi_bing", "A类（已解决）", "unknown_label"), ("four_class", "甲类", "unknown_label"),
])
def test_outcome_labels_offices_write_are_read_as_their_class_and_ambiguous_ones_refused(write_file, scheme, label,
                                                                                         code):
    path = write_file("l.csv", ledger(ROW1.replace("A类", label)))
    if len(code) == 1:
        assert load.load_cases(path, config=CONFIG, scheme=scheme)["outcome_class"].tolist() == [code]
        return
    with pytest.raises(SchemaError) as info:
        load.load_cases(path, config=CONFIG, scheme=scheme)
    (problem,) = info.value.problems
    assert (problem.code, problem.row, problem.column, problem.value) == (code, 2, "办理结果", label)
    assert problem.allowed.startswith(f"方案 scheme {scheme}: ")  # what the scheme allows is named


def test_a_leading_apostrophe_before_a_date_or_number_is_read_as_the_value_and_only_then(write_file):
    # Excel users type '2024-03-05 and '12 to keep a value as text; some exports write the apostrophe too
    header = HEADER + ",年度,重点督办"
    rows = [ROW1.replace("2024-03-05", "'2024-03-05").replace("2024-04-01", "＇2024年4月1日") + ",'2024,'是",
            ROW2.replace("45356", "'45356") + ",2024,否"]
    frame = load.load_cases(write_file("a.csv", ledger(*rows, header=header)), config=CONFIG)
    assert frame["assigned_date"].tolist() == [pd.Timestamp("2024-03-05")] * 2
    assert frame["reply_date"].tolist() == [pd.Timestamp("2024-04-01"), pd.Timestamp("2024-04-02")]
    assert frame["year"].tolist() == [2024, 2024] and frame["key_supervision"].tolist() == [True, False]
    # the rest not a value: refused, naming the cell as written; text keeps its apostrophe
    bad = [ROW1.replace("2024-03-05", "'下周") + ",'2024年度x,是",
           ROW2.replace("关于建桥的建议", "'十四五'规划的建议") + ",2024,否"]
    with pytest.raises(SchemaError) as info:
        load.load_cases(write_file("b.csv", ledger(*bad, header=header)), config=CONFIG)
    assert sorted((p.row, p.column, p.value) for p in info.value.problems) == [(2, "交办日期", "'下周"),
                                                                                (2, "年度", "'2024年度x")]
    titles = load.load_cases(write_file("c.csv", ledger(*bad[1:], header=header)), config=CONFIG)["title"]
    assert titles.tolist() == ["'十四五'规划的建议"]
    # a published count or percent written so
    figures = write_file("f.csv", FIG_HEADER + "\n十八届人大二次会议,2023,区政府,outcome,A类,'79,'52.3%,,,第2段,\n")
    printed = load.load_figures(figures)
    assert printed["count_value"].tolist() == [79.0] and printed["percent"].tolist() == ["52.3%"]


@pytest.mark.parametrize("session", ["19.10", "19.1", "１９．１"])
def test_a_decimal_session_is_refused(write_file, session):
    with pytest.raises(SchemaError) as info:
        load.load_cases(write_file("l.csv", ledger(ROW1.replace("十九届人大一次会议", session))), config=CONFIG)
    assert "19.10 存成 19.1" in info.value.problems[0].message


def test_the_header_not_found_says_where_it_looked_and_what_for(write_file):
    titles = "".join(f"说明{i}\n" for i in range(load.HEADER_SEARCH_ROWS + 1))
    with pytest.raises(FileFormatError) as info:
        load.load_cases(write_file("l.csv", titles + ledger(ROW1)), config=CONFIG)
    (problem,) = info.value.problems
    assert problem.code == "header_not_found" and f"前 {load.HEADER_SEARCH_ROWS} 个非空行" in problem.message
    assert "建议编号" in problem.allowed and "measure" in problem.allowed
    # blank lines above the header do not count towards those rows
    blank = load.load_cases(write_file("b.csv", "\n" * 100 + ledger(ROW1)), config=CONFIG)
    assert blank["source_row"].tolist() == [102]


@pytest.mark.parametrize("kind", ["fifo", "folder", "loop", "dangling"])
def test_what_is_not_a_regular_file_is_refused_without_being_opened(tmp_path, kind):
    import os

    path = tmp_path / "ledger.csv"
    {"fifo": lambda: os.mkfifo(path), "folder": path.mkdir, "loop": lambda: os.symlink(path.name, path),
     "dangling": lambda: os.symlink("nowhere", path)}[kind]()
    with pytest.raises(FileFormatError) as info:  # a pipe would block forever if it were opened for reading
        load.load_cases(path, config=CONFIG)
    assert info.value.problems[0].code in {"not_a_file", "symlink_loop", "dangling_link"}


# ---------------------------------------------------------------------------------------
# The Arrow reader of UTF-8 CSV files and pandas' reader: the same cells, messages and numbers
# ---------------------------------------------------------------------------------------


def _without_arrow(monkeypatch):
    """Make the loader read every CSV file with pandas' C parser, the way it reads one Arrow declines."""
    monkeypatch.setattr(load, "_arrow_columns", lambda *args, **kwargs: None)


def _arrow_used(monkeypatch) -> list:
    """Record what the Arrow reader returned for each file (None when it left the file to pandas)."""
    used: list = []
    read = load._arrow_columns
    monkeypatch.setattr(load, "_arrow_columns", lambda *a, **k: used.append(read(*a, **k)) or used[-1])
    return used


def _read_both_ways(monkeypatch, path, **options) -> list:
    """(report, frame or the error's text) read with Arrow where it applies, then with pandas alone."""
    return read_both_ways(monkeypatch, path, lambda patch, arrow: arrow or _without_arrow(patch), **options)


QUOTED_CELLS = {  # a title as written in the file → what it must load as (pandas' reading of it)
    '"关于修路, 建桥的建议"': "关于修路, 建桥的建议",
    '"关于""十四五""规划的建议"': '关于"十四五"规划的建议',
    '"关于修路\n的建议"': "关于修路\n的建议",
    '"关于修路\r\n的建议"': "关于修路\r\n的建议",
    '关于"修路"的建议': '关于"修路"的建议',
    '"关于修路"的建议': "关于修路的建议",
    ' "关于修路的建议"': '"关于修路的建议"',  # the spaces are stripped, the quotes kept as written
    '"关于修路的建议"  ': "关于修路的建议",
}


@pytest.mark.parametrize("written", list(QUOTED_CELLS))
@pytest.mark.parametrize("line_end", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_quoted_cells_read_alike_by_arrow_and_pandas(write_file, monkeypatch, written, line_end):
    text = line_end.join([HEADER, ROW1.replace("关于修路的建议", written), ROW2]) + line_end
    path = write_file("ledger.csv", text)
    used = _arrow_used(monkeypatch)
    found = _read_both_ways(monkeypatch, path)
    assert_same_reading(found)
    assert found[0][1]["title"].tolist() == [QUOTED_CELLS[written], "关于建桥的建议"]
    assert used[0] is not None  # read by Arrow


@pytest.mark.parametrize("body", [
    ROW1 + '\nS-2,十九届人大一次会议,"关于建桥的建议\n',  # a quote left open at the end of the file
    ROW1 + "\nS-2,十九届人大一次会议,关于建桥的建议\n",  # a row shorter than the header
    ROW1 + ",多出的单元格\n" + ROW2 + "\n",  # a row longer than the header
    ROW1 + "\n   \n" + ROW2 + "\n",  # a line of spaces
    ROW1 + "\n\n" + ROW2 + "\n",  # a blank line
    ROW1 + "\n" + ROW2.replace("关于建桥的建议", "关于建桥的建议\x85") + "\n",
], ids=["open quote at end", "short row", "long row", "spaces line", "blank line", "NEL character"])
def test_rows_arrow_cannot_read_alike_are_left_to_pandas(write_file, monkeypatch, body):
    path = write_file("ledger.csv", HEADER + "\n" + body)
    assert_same_reading(_read_both_ways(monkeypatch, path))


def test_a_quoted_title_row_above_the_header_is_left_to_pandas(write_file, monkeypatch):
    path = write_file("ledger.csv", '"某区人大常委会,十九届人大一次会议台账"\n' + ledger(ROW1, ROW2))
    used = _arrow_used(monkeypatch)
    assert_same_reading(_read_both_ways(monkeypatch, path))
    assert all(columns is None for columns in used)  # where its rows end is the csv module's to say


def _messy_ledger(rows: int, seed: int) -> pd.DataFrame:
    """A synthetic ledger whose cells are written the many ways a real one is: all loadable."""
    from benchmarks import synthetic

    frame = synthetic.ledger_frame(rows, seed=seed)
    rng = np.random.default_rng(seed)

    def some(share: float) -> np.ndarray:
        return rng.random(len(frame)) < share

    def recast(column: str, share: float, how) -> None:
        where = some(share) & (frame[column] != "")
        frame.loc[where, column] = [how(v) for v in frame.loc[where, column]]

    recast("办理结果", 0.2, lambda v: v.replace("类", ""))
    recast("办理结果", 0.1, lambda v: normalize_width(v))
    recast("代表满意度", 0.2, lambda v: f" {v} ")
    recast("承办主体", 0.1, lambda v: v + "\u3000")
    recast("交办日期", 0.2, lambda v: f"{int(v[:4])}年{int(v[5:7])}月{int(v[8:])}日")
    recast("答复日期", 0.2, lambda v: v.replace("-", "/"))
    recast("复杂建议", 0.3, lambda v: {"是": "√", "否": "×"}[v])
    recast("见面沟通", 0.3, lambda v: {"是": "Y", "否": "N"}[v])
    recast("标题", 0.05, lambda v: v.replace("关于", "关于“加快”, ", 1))
    recast("标题", 0.02, lambda v: v + '\n（附"说明"）')
    return frame


def normalize_width(text: str) -> str:
    """ASCII letters and digits of ``text`` written full-width, as a Chinese input method types them."""
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


def _metrics(cases: pd.DataFrame) -> dict[str, pd.DataFrame]:
    from analysis import metrics

    figures = metrics.ledger_figures(cases)
    return {"figures": figures, "on_time": metrics.on_time_replies(cases),
            "topics": metrics.topic_breakdown(cases, by_handler=True), "units": metrics.unit_table(cases),
            "outcome_mix": metrics.outcome_mix_test(figures)}


def _assert_same_metrics(cases: pd.DataFrame, cases_pandas: pd.DataFrame) -> None:
    ours, theirs = _metrics(cases), _metrics(cases_pandas)
    for name in ("figures", "on_time", "topics", "units"):
        pd.testing.assert_frame_equal(ours[name], theirs[name], check_exact=True, obj=name)
    mix, mix_pandas = ours["outcome_mix"], theirs["outcome_mix"]
    pd.testing.assert_frame_equal(mix.table, mix_pandas.table, check_exact=True)
    np.testing.assert_equal((mix.statistic, mix.p_value, mix.method), (mix_pandas.statistic, mix_pandas.p_value,
                                                                      mix_pandas.method))


def test_the_bundled_ledger_gives_the_same_frame_and_metrics_through_arrow(monkeypatch):
    path = paths.SAMPLE_DIR / "sample_ledger.csv"
    used = _arrow_used(monkeypatch)
    found = _read_both_ways(monkeypatch, path)
    assert_same_reading(found)
    assert used[0] is not None
    _assert_same_metrics(found[0][1], found[1][1])


@pytest.mark.parametrize("line_end", ["\n", "\r\n"], ids=["LF", "CRLF"])
def test_a_messy_synthetic_ledger_gives_the_same_frame_and_metrics_through_arrow(tmp_path, monkeypatch, line_end):
    frame = _messy_ledger(3000, seed=7)
    path = tmp_path / "台账.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as stream:
        stream.write("某区人大常委会代表建议办理情况台账" + line_end)  # a title row above the header
        frame.to_csv(stream, index=False, lineterminator=line_end)
    used = _arrow_used(monkeypatch)
    found = _read_both_ways(monkeypatch, path)
    assert_same_reading(found)
    assert used[0] is not None and isinstance(found[0][1], pd.DataFrame), found[0][0]["problems"][:3]
    assert len(found[0][1]) == 3000
    _assert_same_metrics(found[0][1], found[1][1])


def test_a_messy_ledger_with_mistakes_gets_the_same_messages_through_arrow(tmp_path, monkeypatch):
    frame = _messy_ledger(2000, seed=11)
    frame.loc[[3, 700, 1500], "办理结果"] = ["A类/B类", "列入规划", "D"]
    frame.loc[[5, 6], "交办日期"] = ["2024-02-30", "24-3-5"]
    frame.loc[[9, 10], "建议编号"] = frame.loc[8, "建议编号"]
    frame.loc[12, "届次"] = "19.10"
    frame.loc[1999, "建议编号"] = "合计"
    path = tmp_path / "台账.csv"
    frame.to_csv(path, index=False, encoding="utf-8")
    used = _arrow_used(monkeypatch)
    found = _read_both_ways(monkeypatch, path)
    assert_same_reading(found)
    assert used[0] is not None
    assert isinstance(found[0][1], str) and "不存在的日期" in found[0][1] and "合计" in found[0][1]


# ---------------------------------------------------------------------------------------
# Large files: parsed from the file (never held whole), rows found from the codes, files joined by codes
# ---------------------------------------------------------------------------------------


def _streamed(monkeypatch, block_bytes: int = 64 << 10) -> list:
    """Read every CSV file as a large one (from the file, in many small Arrow blocks); the views it made."""
    views: list = []

    class Recorded(load._FileView):
        def __init__(self, *args):
            super().__init__(*args)
            views.append(self)

    monkeypatch.setattr(load, "_STREAM_BYTES", 0)
    monkeypatch.setattr(load, "_ARROW_BLOCK_BYTES", block_bytes)
    monkeypatch.setattr(load, "_FileView", Recorded)
    return views


def test_a_bad_value_far_down_a_large_file_is_named_by_its_row(tmp_path, monkeypatch):
    """The rows of a bad distinct value are found from its code in every Arrow block: the row is the one in Excel."""
    frame = _messy_ledger(12_000, seed=5)
    bad = {11_990: ("办理结果", "E类"), 9_001: ("代表满意度", "还行"), 4_321: ("届次", "19.10")}
    for at, (column, value) in bad.items():
        frame.loc[at, column] = value
    path = tmp_path / "台账.csv"
    frame.to_csv(path, index=False, encoding="utf-8-sig")
    assert path.stat().st_size > 40 * (64 << 10)  # many blocks
    in_memory = _read_both_ways(monkeypatch, path)
    assert_same_reading(in_memory)
    views = _streamed(monkeypatch)
    (report,) = load.validate_files([path])
    assert views and report.to_dict() == in_memory[0][0]
    found = {(p.column, p.value): p.row for p in report.problems}
    for at, (column, value) in bad.items():
        assert found[(column, value)] == at + 2  # the header is row 1: data row 0 is row 2
    assert report.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_large_file_read_from_the_file_gives_the_frame_read_from_its_bytes(tmp_path, monkeypatch):
    frame = _messy_ledger(3000, seed=13)
    path = tmp_path / "台账.csv"
    frame.to_csv(path, index=False, encoding="utf-8")
    (report_bytes, cases_bytes) = _read_both_ways(monkeypatch, path)[0]
    views = _streamed(monkeypatch)
    used = _arrow_used(monkeypatch)
    (report,) = load.validate_files([path])
    cases = load.load_cases(path)
    assert views and used[0] is not None
    assert report.to_dict() == report_bytes
    pd.testing.assert_frame_equal(cases, cases_bytes, check_exact=True)
    assert cases.attrs == cases_bytes.attrs


def test_ledgers_of_several_files_are_joined_as_pandas_joins_them_codes_and_all(tmp_path):
    from analysis import factors

    frame = _messy_ledger(3000, seed=17)
    paths_ = []
    for number, (_, part) in enumerate(frame.groupby("届次", sort=False)):
        paths_.append(tmp_path / f"part{number}.csv")
        part.to_csv(paths_[-1], index=False, encoding="utf-8")
    cases = load.load_cases(paths_)
    one_by_one = [load.load_cases(p) for p in paths_]
    expected = pd.concat(one_by_one, ignore_index=True)
    pd.testing.assert_frame_equal(cases, expected, check_exact=True)
    assert [p["file"] for p in cases.attrs["provenance"]] == [str(p) for p in paths_]
    for name in factors.COUNTED:
        kept = factors._known(factors._cells(cases[name]))
        assert kept is not None, name  # joined by their codes: nothing to factorise again
        assert [kept.labels[c] if c >= 0 else None for c in kept.codes] == \
            [None if pd.isna(v) else v for v in expected[name]], name


def test_ledgers_in_several_files_are_built_as_pandas_joins_them_whatever_each_file_leaves_out(tmp_path):
    from analysis import factors

    with_congress = HEADER + ",报告机关,年度"
    no_session = HEADER.replace("届次,", "")
    files = {
        "a.csv": ledger(ROW1 + ",,", ROW2 + ",某区人大常委会,2024", header=with_congress),  # congress and year blank
        "台账_十九届人大二次会议.csv": ledger(ROW1.replace("十九届人大一次会议,", ""), header=no_session),
        "c.csv": ledger(ROW1.replace("S-1", "S-3")),
        "d.csv": ledger(ROW1.replace("S-1", "S-4") + ",张三", header=HEADER + ",经办人"),  # a column the others lack
    }
    paths_ = []
    for name, text in files.items():
        paths_.append(tmp_path / name)
        paths_[-1].write_text(text, encoding="utf-8")
    for chosen in (paths_[:3], paths_):  # the same columns (built once from codes), then one file with more
        cases = load.load_cases(chosen, config=CONFIG)
        expected = pd.concat([load.load_cases(p, config=CONFIG) for p in chosen], ignore_index=True)
        pd.testing.assert_frame_equal(cases, expected, check_exact=True)
        assert [p["file"] for p in cases.attrs["provenance"]] == [str(p) for p in chosen]
    same = load.load_cases(paths_[:3], config=CONFIG)
    assert same["congress"].tolist() == ["测试区人大常委会", "某区人大常委会", "测试区人大常委会", "测试区人大常委会"]
    assert same["year"].tolist() == [2027, 2024, pd.NA, 2027]  # from the configuration where the file has none
    assert same["session"].tolist() == ["十九届人大一次会议", "十九届人大一次会议", "十九届人大二次会议", "十九届人大一次会议"]
    for name in factors.COUNTED:
        assert factors._known(factors._cells(same[name])) is not None, name  # handed over with their codes


def test_a_suggestion_id_in_two_files_of_one_session_is_still_an_error(tmp_path):
    first = tmp_path / "a.csv"
    second = tmp_path / "b.csv"
    first.write_text(ledger(ROW1), encoding="utf-8")
    second.write_text(ledger(ROW1.replace("关于修路的建议", "关于另一条路的建议")), encoding="utf-8")
    with pytest.raises(SchemaError) as info:
        load.load_cases([first, second])
    assert [(p.code, p.value) for p in info.value.problems] == [("duplicate_id", "S-1")]


@pytest.mark.parametrize("late", ['关于"修路",\n建桥的建议', '关于"修路"的建议', "关于\x00修路的建议"])
def test_a_quote_or_nul_past_a_large_files_first_block_has_it_read_again_searched_first(tmp_path, monkeypatch, late):
    """A large file is searched for a quote and a NUL byte in its first block before its parse, the rest beside the
    checks: one found there after all has the file read again, searched all through first, with what that gives."""
    from benchmarks import synthetic

    frame = synthetic.ledger_frame(3000, seed=31)  # no cell that needs a quote
    frame.loc[2_900, "标题"] = late
    path = tmp_path / "台账.csv"
    frame.to_csv(path, index=False, encoding="utf-8")
    data = path.read_bytes()
    block = 64 << 10
    assert b'"' not in data[:block] and b"\x00" not in data[:block] and (b'"' in data or b"\x00" in data)
    _streamed(monkeypatch)
    reads = []
    real = load._read_large_csv
    monkeypatch.setattr(load, "_read_large_csv", lambda *args: reads.append(args[2:]) or real(*args))

    def first_block_only(patch, assume):
        patch.setattr(load, "_SCAN_BYTES", block if assume else len(data) + 1)  # else: the whole file one block

    found = read_both_ways(monkeypatch, path, first_block_only)
    assert_same_reading(found, late)
    # validated and loaded: read assuming, then again searched first; then, the whole file one block, read once
    assert reads == [(False,), (True,), (False,), (True,), (False,), (False,)]
    assert found[0][0]["sha256"] == hashlib.sha256(data).hexdigest() or not found[0][0]["ok"]


def test_columns_encoded_beside_each_other_come_back_once_each_and_the_other_thread_is_waited_for():
    """A large file's columns are encoded by two threads from one queue: each position once, none lost; an error in
    either thread is raised to the caller, and closing early starts no new column and leaves no thread encoding."""
    import threading
    import time

    lock, calls, running = threading.Lock(), [], []

    def encode(position: int, fail_at: int | None = None) -> int:
        with lock:
            calls.append((position, threading.get_ident()))
            running.append(position)
        time.sleep(0.002)  # long enough for the other thread to take positions too
        with lock:
            running.remove(position)
        if position == fail_at:
            raise ValueError(f"column {position}")
        return position * 10

    positions = list(range(40))
    found = dict(load._encoded_beside(positions, encode))
    assert found == {p: p * 10 for p in positions}
    assert sorted(p for p, _ in calls) == positions  # each encoded exactly once
    assert not running

    for fail_at in (0, 20, 39):  # taken by this thread or the other: raised here either way, the other waited for
        calls.clear()
        with pytest.raises(ValueError, match=f"column {fail_at}"):
            list(load._encoded_beside(positions, lambda p: encode(p, fail_at)))
        assert not running
        assert len({p for p, _ in calls}) == len(calls)

    calls.clear()
    encoded = load._encoded_beside(positions, encode)
    next(encoded)
    encoded.close()
    taken = len(calls)
    assert not running and taken < len(positions)
    time.sleep(0.02)
    assert len(calls) == taken  # nothing encoded after the close


def test_a_large_file_whose_columns_are_encoded_in_two_threads_reads_as_one_thread_reads_it(tmp_path, monkeypatch):
    """The columns of a file read from the file itself, encoded beside each other, give the same report and frame as
    the same file's columns encoded one after another in one thread; bytes that are not UTF-8 far down a column
    still leave the file to pandas, with its message."""
    frame = _messy_ledger(6000, seed=29)
    path = tmp_path / "台账.csv"
    frame.to_csv(path, index=False, encoding="utf-8-sig")
    _streamed(monkeypatch, block_bytes=16 << 10)
    used = _arrow_used(monkeypatch)

    def beside_and_alone() -> list[tuple]:
        found = [_one_way_read(path)]
        with monkeypatch.context() as patch:
            patch.setattr(load, "_encoded_beside", lambda order, encode: ((p, encode(p)) for p in order))
            found.append(_one_way_read(path))
        return found

    found = beside_and_alone()
    assert used and all(columns is not None for columns in used)
    assert found[0][0] == found[1][0]
    pd.testing.assert_frame_equal(found[0][1], found[1][1], check_exact=True)
    assert found[0][1].attrs == found[1][1].attrs
    data = path.read_bytes()
    at = data.index("区政府".encode(), len(data) * 3 // 4)
    path.write_bytes(data[:at] + b"\xff\xfe" + data[at + 2:])
    used.clear()
    found = beside_and_alone()
    assert used and all(columns is None for columns in used)  # left to pandas both ways
    assert found[0][0] == found[1][0] and isinstance(found[0][1], str) and found[0][1] == found[1][1]


def _one_way_read(path) -> tuple:
    """(report, frame or error text) of one file as the loader reads it."""
    (report,) = load.validate_files([path])
    try:
        cases = load.load_cases(path)
    except DataError as exc:
        cases = str(exc)
    return report.to_dict(), cases


def test_large_files_read_one_ahead_report_and_join_as_each_file_read_alone(tmp_path, monkeypatch):
    """The next file is read while one is checked, and each large file hashed beside its checks: the messages come
    in the files' order, each file's as it reads alone, and every file's checksum is the one of its bytes."""
    frame = _messy_ledger(3000, seed=23)
    paths_ = []
    for number, (_, part) in enumerate(frame.groupby("届次", sort=False)):
        paths_.append(tmp_path / f"part{number}.csv")
        part.to_csv(paths_[-1], index=False, encoding="utf-8")
    assert len(paths_) >= 3
    cases = load.load_cases(paths_)  # read from the bytes, one file after another
    _streamed(monkeypatch)
    ahead = load.load_cases(paths_)
    pd.testing.assert_frame_equal(ahead, cases, check_exact=True)
    assert ahead.attrs == cases.attrs
    assert [p["sha256"] for p in ahead.attrs["provenance"]] == [
        hashlib.sha256(p.read_bytes()).hexdigest() for p in paths_]
    for bad in (paths_[0], paths_[2]):  # an unknown outcome class in the first and the third file
        text = bad.read_text(encoding="utf-8").splitlines()
        cells = text[5].split(",")
        cells[frame.columns.get_loc("办理结果")] = "E类"
        bad.write_text("\n".join(text[:5] + [",".join(cells)] + text[6:]) + "\n", encoding="utf-8")
    alone = [p for path in paths_ for p in load.validate_files([path])[0].problems if p.severity == "error"]
    with pytest.raises(SchemaError) as info:
        load.load_cases(paths_)
    assert info.value.problems == alone
    assert [p.file for p in alone] == [str(paths_[0]), str(paths_[2])]
