"""The data dictionary in data/README.md is generated from the declaration and must be current."""
from __future__ import annotations

import re

import pytest

from analysis import dictionary, load, schema, schemes
from analysis.__main__ import main

README = dictionary.README


def test_data_readme_is_up_to_date():
    assert not dictionary.write_data_readme(check=True), \
        "data/README.md is out of date with analysis/schema.py: run `python -m analysis dictionary`"


def test_command_line_check(capsys):
    assert main(["dictionary", "--check"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_dictionary_lists_every_declared_column_measure_and_scheme():
    text = dictionary.dictionary_markdown()
    for f in schema.LEDGER_FIELDS + schema.FIGURE_FIELDS:
        assert f"`{f.name}`" in text and f.zh in text
        for alias in f.aliases:
            assert alias in text
    for m in schema.MEASURES:
        assert f"`{m.name}`" in text and m.zh in text
    for name in schemes.available_schemes():
        scheme = schemes.load_scheme(name)
        assert f"`{scheme.name}`" in text
        for c in scheme.classes:
            assert all(label in text for label in c.labels)


def test_table_rows_have_as_many_cells_as_their_header():
    for line_block in dictionary.dictionary_markdown().split("\n\n"):
        rows = [line for line in line_block.splitlines() if line.startswith("|")]
        if not rows:
            continue
        cells = {len(re.split(r"(?<!\\)\|", row)) for row in rows}
        assert len(cells) == 1, line_block


def test_only_the_part_between_the_markers_is_rewritten(tmp_path):
    path = tmp_path / "README.md"
    path.write_text(f"# 手写\n\n说明文字\n\n{dictionary.BEGIN}\n旧内容\n{dictionary.END}\n\n## 结尾\n", encoding="utf-8")
    assert dictionary.write_data_readme(check=True, path=path)
    assert "旧内容" in path.read_text(encoding="utf-8")  # check does not write
    assert dictionary.write_data_readme(path=path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# 手写\n\n说明文字\n\n")
    assert text.endswith(f"{dictionary.END}\n\n## 结尾\n")
    assert "旧内容" not in text and "`suggestion_id`" in text
    assert not dictionary.write_data_readme(path=path)  # idempotent


def test_a_readme_without_markers_gets_the_dictionary_appended(tmp_path):
    path = tmp_path / "README.md"
    path.write_text("# 数据\n", encoding="utf-8")
    assert dictionary.write_data_readme(path=path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# 数据\n") and dictionary.BEGIN in text and text.rstrip().endswith(dictionary.END)


def test_pipes_are_escaped_in_cells():
    assert dictionary._cell("a|b") == "a\\|b"


def _readme_example() -> str:
    text = README.read_text(encoding="utf-8")
    match = re.search(r"```csv\n(.*?)```", text, re.S)
    assert match, "data/README.md has no ```csv example block"
    return match.group(1)


def test_the_published_figures_examples_in_the_readme_load(write_file):
    frame = load.load_figures(write_file("example.csv", _readme_example()))
    assert len(frame) == 7
    blank = frame[(frame["measure"] == "outcome") & (frame["category"] == "B") & (frame["count"] == "")]
    assert len(blank) == 1  # the blank example stays blank
    assert frame["percent_qualifier"].tolist().count("at_least") == 1  # 90以上
    assert "received@区政府" in frame["base"].tolist()  # a non-natural base
    assert frame["session"].str.contains("+", regex=False).sum() == 2  # '+' totals
    assert (frame["assumption"] != "").sum() >= 2


@pytest.mark.parametrize("label", ["第十九届人民代表大会第一次会议", "十九届一次", "第19届第1次会议", "19-1",
                                   "19th Congress, 1st Session"])
def test_session_spellings_documented_in_the_readme_are_recognised(label):
    assert label in README.read_text(encoding="utf-8")
    assert load.sessions.canonical_session(label) == "十九届人大一次会议"
