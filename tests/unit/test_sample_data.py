"""Tests of the bundled sample ledger and its generator (analysis.sample_data, scripts/make_sample_ledger.py)."""
from __future__ import annotations

import hashlib
import subprocess
import sys

import pandas as pd
import pytest
import yaml

from analysis import paths, sample_data
from analysis.errors import DataError
from analysis.load import load_cases
from analysis.schema import LEDGER_FIELDS

S1, S2, S3 = "十八届人大一次会议", "十八届人大二次会议", "十八届人大三次会议"
GOV, PORT = "区政府", "国际港务区"
SOURCE_UNITS = ("区文旅体育局", "区城管局", "区住建局", "区交通局", "区医保局", "区教育局", "席王街道", "狄寨街道")


@pytest.fixture(scope="module")
def figures() -> pd.DataFrame:
    return sample_data.source_figures()


@pytest.fixture(scope="module")
def cases() -> pd.DataFrame:
    return load_cases(paths.SAMPLE_LEDGER)


# --- determinism -----------------------------------------------------------------------

def test_same_seed_gives_byte_identical_files(tmp_path, figures):
    first = sample_data.write_sample_ledger(tmp_path / "a" / "ledger.csv", figures=figures)
    second = sample_data.write_sample_ledger(tmp_path / "b" / "ledger.csv", figures=figures)
    assert first["csv"].read_bytes() == second["csv"].read_bytes()
    assert first["provenance"].read_bytes() == second["provenance"].read_bytes()


def test_another_seed_gives_another_ledger_with_the_same_source_counts(tmp_path, figures):
    other = sample_data.write_sample_ledger(tmp_path / "other.csv", seed=1, figures=figures)
    assert other["csv"].read_bytes() != paths.SAMPLE_LEDGER.read_bytes()
    comparison = sample_data.compare_with_figures(load_cases(other["csv"]), figures)
    assert len(comparison) and comparison["agrees"].all()


def test_committed_ledger_equals_a_fresh_generation_by_the_script(tmp_path):
    out = tmp_path / "sample_ledger.csv"
    done = subprocess.run([sys.executable, str(paths.PROJECT_DIR / "scripts" / "make_sample_ledger.py"),
                           "--out", str(out)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == paths.SAMPLE_LEDGER.read_bytes(), "run `make sample-data` and commit the result"
    committed = yaml.safe_load(sample_data.provenance_path(paths.SAMPLE_LEDGER).read_text(encoding="utf-8"))
    fresh = yaml.safe_load(sample_data.provenance_path(out).read_text(encoding="utf-8"))
    # The reconciliation's wording of its rules may be polished without changing a count;
    # everything else in the provenance must match a fresh generation.
    for record in (committed, fresh):
        for figure in record["from_source"]["figures"]:
            figure.pop("rule"), figure.pop("assumption")
    assert committed == fresh, "run `make sample-data` and commit the result"


# --- agreement with the source ---------------------------------------------------------

def test_every_printed_and_derived_count_is_reproduced(cases, figures):
    comparison = sample_data.compare_with_figures(cases, figures)
    measures = set(comparison["measure"])
    assert measures == {"received", "received_after_meeting", "handled", "outcome"}
    assert set(comparison["status"]) == {"printed", "derived"}
    assert comparison["agrees"].all(), comparison[~comparison["agrees"]].to_string()


def _n(frame: pd.DataFrame, **where) -> int:
    for column, value in where.items():
        frame = frame[frame[column] == value]
    return len(frame)


def test_the_source_figures_by_name(cases):
    assert [_n(cases, session=s) for s in (S1, S2, S3)] == [159, 172, 135]
    assert len(cases) == 466
    assert [_n(cases, session=s, handler=GOV) for s in (S1, S2, S3)] == [129, 151, 66]
    assert [_n(cases, session=s, handler=PORT) for s in (S1, S2, S3)] == [30, 21, 69]
    assert _n(cases, handler=GOV) == 346 and _n(cases, handler=PORT) == 120
    assert round(100 * _n(cases, handler=PORT) / len(cases), 2) == 25.75
    gov1, gov2 = cases[(cases["session"] == S1) & (cases["handler"] == GOV)], \
        cases[(cases["session"] == S2) & (cases["handler"] == GOV)]
    assert [_n(gov1, outcome_class=c) for c in "ABC"] == [86, 32, 11]
    assert [_n(gov2, outcome_class=c) for c in "ABC"] == [79, 57, 15]
    assert round(100 * 79 / len(gov2), 1) == 52.3 and round(100 * 57 / len(gov2), 1) == 37.7
    s1 = cases[cases["session"] == S1]
    assert int(s1["after_meeting"].sum()) == 1


def test_targets_come_from_the_reconciliation(figures):
    targets = {t.session: t for t in sample_data.targets_from_figures(figures, [GOV, PORT], ("A", "B", "C"))}
    assert list(targets) == [S1, S2, S3]
    assert targets[S2].received == 172 and targets[S2].after_meeting is None
    assert targets[S3].handled == {GOV: 66, PORT: 69}
    assert targets[S3].outcomes[GOV] == {"A": None, "B": None, "C": None}
    assert targets[S1].outcomes[GOV] == {"A": 86, "B": 32, "C": 11}


# --- the file as a user sees it --------------------------------------------------------

def test_file_format_chinese_headers_utf8_bom():
    data = paths.SAMPLE_LEDGER.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    header = data[3:].split(b"\n", 1)[0].decode("utf-8")
    assert header.split(",") == [f.zh for f in LEDGER_FIELDS]
    assert b"\r" not in data


def test_loaded_file_equals_the_generated_frame(cases, figures):
    targets = sample_data.targets_from_figures(figures, [GOV, PORT], ("A", "B", "C"))
    generated = sample_data.generate_ledger(targets).cases
    columns = [f.name for f in LEDGER_FIELDS]
    pd.testing.assert_frame_equal(cases[columns].reset_index(drop=True), generated[columns], check_dtype=False)


def test_every_row_and_the_provenance_say_sample(cases):
    assert (cases["data_source"] == sample_data.DATA_SOURCE_TEXT).all()
    assert cases.attrs["provenance"][0]["is_sample"] is True
    record = yaml.safe_load(sample_data.provenance_path(paths.SAMPLE_LEDGER).read_text(encoding="utf-8"))
    assert record["is_sample"] is True and "示例数据" in record["every_row"]
    assert record["sha256"] == hashlib.sha256(paths.SAMPLE_LEDGER.read_bytes()).hexdigest()
    assert record["seed"] == sample_data.DEFAULT_SEED and record["rows"] == 466
    assert {item["field"] for item in record["invented"]} >= {"outcome_class", "topic", "lead_unit", "reply_date",
                                                              "satisfaction", "key_supervision", "met_deputy"}


def test_provenance_lists_each_source_figure_with_its_status(figures):
    record = yaml.safe_load(sample_data.provenance_path(paths.SAMPLE_LEDGER).read_text(encoding="utf-8"))
    listed = {(f["session"], "" if f["handler"] == "（全部）" else f["handler"], f["measure"], f["category"]):
              (f["count"], f["status"]) for f in record["from_source"]["figures"]}
    known = figures[figures["status"].isin(["printed", "derived"])
                    & figures["measure"].isin(sample_data.LEDGER_MEASURES)]
    expected = {(r.session, r.handler, r.measure, r.category): (int(r.count), r.status)
                for r in known.itertuples()}
    assert listed == expected
    invented = record["invented_counts"]["counts"]
    assert set(invented[S3]) == {"after_meeting", f"outcome:{GOV}", f"outcome:{PORT}"}
    assert sum(invented[S3][f"outcome:{PORT}"].values()) == 69


# --- plausibility of what is invented --------------------------------------------------

def test_ids_unique_and_dates_in_order(cases):
    assert cases["suggestion_id"].is_unique
    assert (cases["assigned_date"] < cases["due_date"]).all()
    assert (cases["assigned_date"] < cases["reply_date"]).all()
    for session, year in ((S1, 2022), (S2, 2023), (S3, 2024)):
        assigned = cases.loc[cases["session"] == session, "assigned_date"]
        assert (assigned.dt.year == year).all()
        assert (cases.loc[cases["session"] == session, "year"] == year).all()


def test_reply_times_follow_the_three_and_six_month_rule_mostly(cases):
    on_time = (cases["reply_date"] <= cases["due_date"]).mean()
    assert 0.85 <= on_time < 1.0  # most on time, some late
    months = (cases["due_date"] - cases["assigned_date"]).dt.days
    assert months[cases["complex_case"]].between(180, 185).all()
    assert months[~cases["complex_case"]].between(89, 93).all()


def test_shares_are_plausible(cases):
    assert 0.05 <= cases["key_supervision"].mean() <= 0.10
    assert 0.75 <= cases["met_deputy"].mean() <= 0.92
    satisfaction = cases["satisfaction"].value_counts(normalize=True)
    assert satisfaction["满意"] > 0.7 and satisfaction["不满意"] < 0.06
    port, gov = cases[cases["handler"] == PORT], cases[cases["handler"] == GOV]
    assert (port["satisfaction"] == "满意").mean() < (gov["satisfaction"] == "满意").mean()
    assert set(cases.loc[cases["status"] == "续办", "outcome_class"]) == {"B"}
    assert set(cases["topic"]) == set(sample_data.TOPIC_SHARES)


def test_units_include_those_the_source_names(cases):
    gov_units = set(cases.loc[cases["handler"] == GOV, "lead_unit"])
    assert set(SOURCE_UNITS) <= gov_units
    assert all(u.startswith("国际港务区") for u in cases.loc[cases["handler"] == PORT, "lead_unit"])


def test_deputies_are_fictitious_by_construction(cases):
    names = set(cases["lead_deputy"])
    assert all(len(n) == 3 and n[1] == "某" and n[2] in sample_data.GIVEN for n in names)
    assert 50 <= len(names) <= sample_data.DEPUTIES


# --- refusing targets that cannot be met -----------------------------------------------

def _figures(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["session", "handler", "measure", "category", "count", "status"])
    frame["count"] = frame["count"].astype("Int64")
    return frame


def test_received_that_differs_from_the_bodies_sum_is_refused():
    figures = _figures([(S1, "", "received", "", 10, "printed"), (S1, GOV, "handled", "", 6, "printed"),
                        (S1, PORT, "handled", "", 3, "printed")])
    targets = sample_data.targets_from_figures(figures, [GOV, PORT], ("A", "B", "C"))
    with pytest.raises(DataError, match="received 10"):
        sample_data.generate_ledger(targets)


def test_unknown_handled_count_is_refused():
    figures = _figures([(S1, "", "received", "", 10, "printed"), (S1, GOV, "handled", "", 6, "printed"),
                        (S1, PORT, "handled", "", None, "unknown")])
    targets = sample_data.targets_from_figures(figures, [GOV, PORT], ("A", "B", "C"))
    with pytest.raises(DataError, match="neither printed nor"):
        sample_data.generate_ledger(targets)


def test_classes_that_exceed_the_handled_count_are_refused():
    figures = _figures([(S1, GOV, "handled", "", 6, "printed"), (S1, PORT, "handled", "", 3, "printed"),
                        (S1, GOV, "outcome", "A", 7, "printed")])
    targets = sample_data.targets_from_figures(figures, [GOV, PORT], ("A", "B", "C"))
    with pytest.raises(DataError, match="do not fit"):
        sample_data.generate_ledger(targets)


def test_small_targets_are_met_exactly():
    figures = _figures([(S1, GOV, "handled", "", 6, "printed"), (S1, PORT, "handled", "", 3, "derived"),
                        (S1, GOV, "outcome", "A", 4, "printed"), (S1, "", "received_after_meeting", "闭会", 2,
                                                                  "printed")])
    targets = sample_data.targets_from_figures(figures, [GOV, PORT], ("A", "B", "C"))
    cases = sample_data.generate_ledger(targets, seed=3).cases
    assert len(cases) == 9 and _n(cases, handler=GOV, outcome_class="A") == 4
    assert int(cases["after_meeting"].sum()) == 2
    assert sample_data.compare_with_figures(cases, figures.assign(rule="", assumption=""))["agrees"].all()
