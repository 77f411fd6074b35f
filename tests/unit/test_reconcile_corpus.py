"""The corpus of real published reports (tests/data/published): every file read, every error caught, no false error.

Every ``expected*.csv`` there lists, for each file, the verdict a careful checker reaches for every
printed percent (ok, truncation, plug, plug+truncation, bound, error, no_count), a ``derive`` row
for every blank the other printed figures fix, and a ``count`` row for every count of a report that prints no percent
at all (U04: counts of several sessions, for the trends page from published figures alone). These tests hold the engine to them: it was not
designed on these files (``S…`` are the worked examples, ``T…`` reports transcribed separately,
``…b`` blanked and ``…e`` planted-error variants).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis import reconcile, sessions

PUBLISHED = Path(__file__).resolve().parents[1] / "data" / "published"
EXPECTED = pd.concat([pd.read_csv(p, dtype=str, keep_default_na=False)
                      for p in sorted(PUBLISHED.glob("expected*.csv"))], ignore_index=True)
FILES = sorted(p.name for p in PUBLISHED.glob("*.csv") if not p.name.startswith(("expected", "sources")))
# findings that say a row could not be read at all
UNREAD = {"bad_row", "bad_count", "bad_percent", "bad_base", "unknown_class"}


@pytest.fixture(scope="module")
def results() -> dict[str, reconcile.Reconciliation]:
    return {name: reconcile.reconcile_files(PUBLISHED / name) for name in FILES}


def figure_for(result: reconcile.Reconciliation, expected) -> pd.Series:
    """The figure an expected row speaks of: period, body, measure, and its category as printed."""
    f = result.figures
    label = sessions.canonical_period(expected.session) or expected.session
    rows = f[(f["session"] == label) & (f["handler"] == expected.handler) & (f["measure"] == expected.measure)]
    printed = rows["category_printed"].str.split("；").apply(lambda names: expected.category in names)
    found = rows[(rows["category"] == expected.category) | printed]
    if found.empty and expected.measure in ("received", "handled", "completed") and len(rows) == 1:
        found = rows  # a qualifier on a whole (议案建议, 建议) that the report's other rows leave out
    assert len(found) == 1, f"{expected.file}: no single figure for {expected.session} {expected.handler} " \
                            f"{expected.measure} {expected.category!r} ({len(found)} found)"
    return found.iloc[0]


def expected_of(name: str) -> pd.DataFrame:
    return EXPECTED[EXPECTED["file"] == name]


def test_the_corpus_is_there():
    assert len(FILES) >= 60
    assert set(EXPECTED["file"]) <= set(FILES), "an expected verdict names a file that is not in the folder"
    assert set(FILES) <= set(EXPECTED["file"]), "a corpus file has no expected verdict"
    assert set(EXPECTED["verdict"]) <= set(reconcile.VERDICTS) | {"derive", "count"}


@pytest.mark.parametrize("name", FILES)
def test_every_file_is_read(results, name):
    result = results[name]
    assert len(result.figures) > 0
    unread = result.findings[result.findings["convention"].isin(UNREAD)]
    assert unread.empty, unread["message"].tolist()


@pytest.mark.parametrize("name", FILES)
def test_every_printed_percent_gets_the_expected_verdict(results, name):
    wrong = []
    for expected in expected_of(name).itertuples():
        if expected.verdict in ("derive", "count"):
            continue
        row = figure_for(results[name], expected)
        if row["verdict"] != expected.verdict:
            wrong.append(f"{expected.measure} {expected.category} {expected.percent}: expected {expected.verdict}, "
                         f"got {row['verdict']} ({row['check']})")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("name", FILES)
def test_every_planted_or_real_error_is_caught_and_no_other(results, name):
    errors = results[name].findings
    errors = errors[errors["severity"] == "error"]
    found = {(r.session, r.handler, r.measure, r.category) for r in errors.itertuples()}
    listed = set()
    for expected in expected_of(name).itertuples():
        if expected.verdict == "error":
            row = figure_for(results[name], expected)
            listed.add((row["session"], row["handler"], row["measure"], row["category"]))
    assert listed <= found, f"errors not caught: {sorted(listed - found)}"
    assert found <= listed, "errors the expected verdicts do not list: " + "; ".join(
        errors[[k not in listed for k in zip(errors["session"], errors["handler"], errors["measure"],
                                             errors["category"])]]["message"])
    for error in errors.itertuples():
        assert error.source_file == name and not pd.isna(error.source_row)  # the reader can find the row


def test_a_report_printing_counts_alone_is_read_as_printed_with_no_finding(results):
    """U04 prints the suggestions received at six sessions and nothing else: each count as printed, each of its own
    session (the level word 自治区 not part of the period), no derived figure and no finding."""
    counts = EXPECTED[EXPECTED["verdict"] == "count"]
    assert set(counts["file"]) == {"U04.csv"}
    for expected in counts.itertuples():
        row = figure_for(results[expected.file], expected)
        assert (str(row["count"]), row["count_status"], row["percent_text"] or "") == (expected.count, "printed", "")
    figures = results["U04.csv"].figures
    assert len(figures) == len(counts) and set(figures["count_status"]) == {"printed"}
    assert results["U04.csv"].findings.empty


def test_at_least_nine_in_ten_fixed_blanks_are_derived_with_their_rule(results):
    derive = EXPECTED[EXPECTED["verdict"] == "derive"]
    missed = []
    for expected in derive.itertuples():
        row = figure_for(results[expected.file], expected)
        if not (row["count_status"] == "derived" and str(row["count"]) == expected.count and row["rule_name"]
                and row["rule"]):
            missed.append(f"{expected.file} {expected.measure} {expected.category}: expected {expected.count}, "
                          f"got {row['count']} ({row['count_status']})")
    assert len(derive) >= 20
    assert len(missed) <= len(derive) // 10, "\n".join(missed)


def test_derived_blanks_name_their_rows_and_assumptions(results):
    row = figure_for(results["T17.csv"], EXPECTED[(EXPECTED["file"] == "T17.csv")
                                                  & (EXPECTED["verdict"] == "derive")].iloc[0])
    assert row["count"] == 1338 and row["rule_name"] == "base_from_rounded_percent"
    assert "四舍五入" in row["assumption"] and row["input_rows"] == "2, 3"  # its own row and the 94.7% row
    b = figure_for(results["S12b.csv"], EXPECTED[(EXPECTED["file"] == "S12b.csv")].iloc[0])
    assert b["count"] == 195 and b["rule_name"] == "listed_classes_sum_to_handled"
    assert "所列" in b["assumption"]  # the report's own three classes, assumed to be all of them


def test_the_checker_runs_over_the_whole_folder_at_once():
    result = reconcile.reconcile_files(PUBLISHED, keep_going=True)
    assert set(FILES) <= set(result.files)  # each file a report of its own
    errors = result.findings[result.findings["severity"] == "error"]
    # the verdict tables look like figures files but have no source column: named as unreadable, not skipped
    unread = set(errors[errors["convention"] == "missing_column"]["source_file"])
    assert unread == {p.name for p in PUBLISHED.glob("expected*.csv")}
    planted = {name for name in FILES if (expected_of(name)["verdict"] == "error").any()}
    assert set(errors["source_file"]) - unread == planted
    skipped = result.findings[result.findings["convention"] == "not_figures"]
    assert list(skipped["source_file"]) == ["sources.csv"]
