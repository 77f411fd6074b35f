"""Hostile text in a ledger: kept exactly as text by the loader, quoted safely in validation messages."""
from __future__ import annotations

import csv
import importlib.util
import io
import json
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from analysis import load
from analysis.__main__ import main

HOSTILE = Path(__file__).resolve().parents[1] / "data" / "hostile"


def _generator():
    spec = importlib.util.spec_from_file_location("make_hostile", HOSTILE / "make_hostile.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gen = _generator()
TEXT_COLUMNS = [c for c in gen.COLUMNS if c not in ("session", "outcome_class", "assigned_date", "reply_date")]


def _expected(column: str) -> list:
    i = gen.COLUMNS.index(column)
    return [row[i] if row[i] != "" else pd.NA for row in gen.ROWS]


def _unsafe(text: str) -> list[str]:
    """Characters that would act on a terminal or reorder text: controls (but newline), format, separators."""
    return [ch for ch in text if ch != "\n" and unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs")]


# ---------------------------------------------------------------------------------------
# The committed fixture loads clean and every value round-trips
# ---------------------------------------------------------------------------------------


def test_fixture_is_what_its_generator_writes():
    assert gen.main(["--check"]) == 0


def test_hostile_ledger_loads_clean_as_utf8():
    (report,) = load.validate_files([gen.LEDGER])
    assert report.ok and report.warnings == 0 and report.problems == []
    assert report.encoding == "utf-8" and report.rows == len(gen.ROWS)


@pytest.mark.parametrize("column", TEXT_COLUMNS)
def test_text_values_round_trip_exactly(column):
    df = load.load_cases(gen.LEDGER)
    assert df[column].tolist() == _expected(column)


def test_the_odd_characters_survive():
    df = load.load_cases(gen.LEDGER).set_index("suggestion_id")
    assert df.loc["H-01", "title"].startswith("<script>alert(1)</script>")  # not stripped, not escaped
    assert gen.RLO in df.loc["H-02", "lead_deputy"]
    assert gen.ZWSP in df.loc["H-02", "lead_unit"]
    assert len(df.loc["H-03", "title"]) == 10_000
    note = df.loc["H-03", "note"]
    assert all(ch in note for ch in (gen.LRI, gen.PDI, gen.ZWJ, gen.WJ, gen.ZWNBSP))  # a BOM inside text is kept
    assert df.loc["H-04", "lead_deputy"] == "郑十一👩‍👩‍👧" and "𪚥" in df.loc["H-04", "note"]
    assert df.loc["H-05", "title"].startswith("=HYPERLINK(")  # formula-like text stays text
    assert df.loc["H-06", "title"].endswith("\n（第二行）") and gen.LINE_SEP in df.loc["H-06", "note"]
    assert df.loc["H-08", "title"].startswith(gen.ESC + "[31m") and df.loc["H-08", "note"].endswith(gen.BEL)
    # a quoted line break inside a cell does not shift the rows the user sees in Excel
    assert df["source_row"].tolist() == list(range(2, 2 + len(gen.ROWS)))
    assert df["outcome_class"].tolist() == ["A", "B", "C", "A", "A", "B", pd.NA, "C"]


@pytest.mark.parametrize("encoding, found", [("gb18030", "gb18030"), ("utf-8-sig", "utf-8-sig")])
def test_hostile_values_in_other_encodings_are_not_misdetected(tmp_path, encoding, found):
    path = tmp_path / "hostile.csv"
    path.write_bytes(gen.ledger_bytes().decode("utf-8").encode(encoding))  # GB18030 covers emoji too
    df = load.load_cases(path)
    assert df.attrs["provenance"][0]["encoding"] == found
    for column in TEXT_COLUMNS:
        assert df[column].tolist() == _expected(column), column


# ---------------------------------------------------------------------------------------
# Messages that quote hostile values are safe to print
# ---------------------------------------------------------------------------------------

BAD_LABEL = f"X{gen.RLO}<script>alert(1)</script>"
LONG_STATUS = "已" * 10_000
ESCAPE_SATISFACTION = f"{gen.ESC}[2J满意{gen.BEL}"


@pytest.fixture
def hostile_with_errors(tmp_path):
    rows = [list(r) for r in gen.ROWS]
    rows[0][gen.COLUMNS.index("outcome_class")] = BAD_LABEL
    rows[1][gen.COLUMNS.index("status")] = LONG_STATUS
    rows[3][gen.COLUMNS.index("satisfaction")] = ESCAPE_SATISFACTION
    header = list(gen.HEADER) + [f"经办人{gen.RLO}<b>备注</b>" + "长" * 200]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header] + [row + ["x"] for row in rows])
    path = tmp_path / "hostile_errors.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def test_problem_values_are_escaped_and_cut(hostile_with_errors):
    (report,) = load.validate_files([hostile_with_errors])
    values = {p.column: p.value for p in report.problems if p.value}
    assert values["办理结果"] == "X\\u202e<script>alert(1)</script>"
    assert values["办理状态"] == "已" * 79 + "…"
    assert values["代表满意度"] == "\\x1b[2J满意\\x07"
    for p in report.problems:
        for part in (p.value, p.column, p.message, p.message_en):
            assert not _unsafe(part or ""), (p.code, part)


def test_text_json_and_exception_are_safe_to_print(hostile_with_errors, capsys):
    assert main(["validate", str(hostile_with_errors)]) == 1
    out = capsys.readouterr().out
    assert not _unsafe(out)
    assert "'X\\u202e<script>alert(1)</script>'" in out and "\\x1b[2J" in out
    assert max(len(line) for line in out.splitlines()) < 600  # the 10,000-character value is cut
    assert "未知的列（保留但不分析）：经办人\\u202e<b>备注</b>" in out

    assert main(["validate", "--json", str(hostile_with_errors)]) == 1
    printed = capsys.readouterr().out
    assert not _unsafe(printed) and json.loads(printed)[0]["ok"] is False

    with pytest.raises(load.SchemaError) as info:
        load.load_cases(hostile_with_errors)
    assert not _unsafe(str(info.value)) and "…" in str(info.value)
    assert all(not _unsafe(str(p)) for p in info.value.problems)


def test_unknown_hostile_columns_are_kept_verbatim_in_the_frame(tmp_path):
    header = f"<img src=x onerror=alert(1)>{gen.RLO}"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([list(gen.HEADER) + [header]] + [list(r) + ["x"] for r in gen.ROWS])
    path = tmp_path / "extra.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    df = load.load_cases(path)
    assert header in df.columns and df[header].tolist() == ["x"] * len(gen.ROWS)
    # the data keeps the real name; the validation report, meant for reading, shows it escaped
    assert df.attrs["provenance"][0]["unknown_columns"] == [header]
    (report,) = load.validate_files([path])
    assert report.unknown_columns == ["<img src=x onerror=alert(1)>\\u202e"]


@pytest.mark.parametrize("value, limit, shown", [
    ("关于修路的建议", 80, "关于修路的建议"),
    ("a\u202eb", 80, "a\\u202eb"),
    ("\x1b[31mred", 80, "\\x1b[31mred"),
    ("tab\there\nnew", 80, "tab\\there\\nnew"),
    ("x" * 80, 80, "x" * 80),
    ("x" * 81, 80, "x" * 79 + "…"),
    ("x" * 78 + "\u200b", 80, "x" * 78 + "…"),  # never half an escape
    ("😀👩‍👧", 80, "😀👩\\u200d👧"),
    (12.0, 80, "12.0"),
])
def test_safe_text(value, limit, shown):
    assert load.safe_text(value, limit) == shown
    assert len(load.safe_text(value, limit)) <= limit
