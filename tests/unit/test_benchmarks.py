"""Smoke tests of the benchmarks: the synthetic ledger generator and the harness, on tiny sizes (no timings asserted)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

from analysis import load, schema

# benchmarks/ is a folder of the project, not part of the installed package: import it from the checkout.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from benchmarks import __main__ as bench_main  # noqa: E402
from benchmarks import floor, growth, harness, html_pages, rerun, scale, scale_child, suite, synthetic  # noqa: E402


# Large enough that every session's class counts suit the chi-square test: with a few hundred rows
# over 13 sessions, stats.count_tables (the exact test's table count) runs for minutes.
ROWS = 3000


@pytest.fixture(scope="module")
def tiny_ledger(tmp_path_factory):
    return synthetic.write_ledger(tmp_path_factory.mktemp("synthetic"), ROWS, seed=7)


def test_the_synthetic_ledger_loads_without_a_problem_and_has_what_it_says(tiny_ledger):
    cases = load.load_cases([tiny_ledger.path])
    assert len(cases) == tiny_ledger.rows == ROWS
    assert sorted(set(cases["session"])) == sorted(tiny_ledger.sessions)
    assert len(tiny_ledger.sessions) == len(synthetic.session_labels()) == 13
    assert set(cases["handler"]) == set(tiny_ledger.handlers) <= set(synthetic.HANDLERS)
    assert cases["lead_unit"].nunique() == tiny_ledger.lead_units
    report, = load.validate_files([tiny_ledger.path])
    assert report.ok and not report.problems and not report.is_sample
    # ids are unique within a session, and open cases only in the latest session
    assert not cases.duplicated(["session", "suggestion_id"]).any()
    open_cases = cases[cases["status"] == "办理中"]
    assert set(open_cases["session"]) <= {synthetic.session_labels()[-1][0]}
    assert open_cases["reply_date"].isna().all() and open_cases["outcome_class"].isna().all()


def test_the_synthetic_ledger_has_the_sample_ledgers_headers(tiny_ledger):
    header = tiny_ledger.path.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert header == [f.zh for f in schema.LEDGER_FIELDS]


def test_the_same_seed_gives_the_same_bytes_and_another_seed_others(tmp_path, tiny_ledger):
    again = synthetic.write_ledger(tmp_path / "a", ROWS, seed=7)
    other = synthetic.write_ledger(tmp_path / "b", ROWS, seed=8)
    assert again.sha256 == tiny_ledger.sha256 and other.sha256 != tiny_ledger.sha256
    assert again.path.read_bytes() == tiny_ledger.path.read_bytes()


def test_a_ledger_written_chunk_by_chunk_is_the_ledger_drawn_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(synthetic, "CHUNK_ROWS", 700)
    written = synthetic.write_ledger(tmp_path, 2000, seed=3, sessions=4)
    whole = tmp_path / "whole.csv"
    synthetic.ledger_frame(2000, seed=3, sessions=4).to_csv(whole, index=False, encoding="utf-8-sig",
                                                           lineterminator="\n")
    assert written.path.read_bytes() == whole.read_bytes()  # one BOM, one header, every row once
    cases = load.load_cases([written.path])
    assert len(cases) == 2000 and not cases.duplicated(["session", "suggestion_id"]).any()
    assert written.sessions == tuple(label for label, _ in synthetic.session_labels(4))


def test_a_ledger_past_the_loaders_size_limit_is_written_one_file_per_session(tmp_path, monkeypatch, tiny_ledger):
    monkeypatch.setattr(synthetic, "BYTES_PER_ROW_AT_MOST", 2**40)  # as if 3000 rows passed 2 GiB
    split = synthetic.write_ledger(tmp_path, ROWS, seed=7)
    assert len(split.files) == 13 and split.bytes > tiny_ledger.bytes  # a BOM and a header in each
    assert [p.name for p in split.files][-1] == "synthetic_ledger_3000_13s_十八届人大三次会议.csv"
    with pytest.raises(ValueError, match="13 files"):
        split.path
    together = load.load_cases(list(split.files))
    whole = load.load_cases([tiny_ledger.path])
    provenance = ["source_file", "source_row"]  # each row's file and line differ, nothing else
    assert together.drop(columns=provenance).equals(whole.drop(columns=provenance))
    assert scale_child.reference([str(p) for p in split.files])["rows"] == ROWS


def test_a_ledger_of_thirty_sessions_counts_back_from_the_latest_and_loads(tmp_path):
    labels = synthetic.session_labels(30)
    assert labels[-1] == ("十八届人大三次会议", 2024) and labels[0] == ("十二届人大四次会议", 1995)
    assert [year for _, year in labels] == list(range(1995, 2025))
    ledger = synthetic.write_ledger(tmp_path, 3000, sessions=30)
    report, = load.validate_files([ledger.path])
    assert report.ok and not report.problems and len(ledger.sessions) == 30
    with pytest.raises(ValueError, match="at least 1"):
        synthetic.session_labels(0)


def test_adding_months_clips_to_the_end_of_the_month():
    days = np.array(["2024-01-31", "2023-11-30", "2024-03-15"], dtype="datetime64[D]").astype(np.int64)
    got = synthetic._add_months(days, np.array([1, 3, 6])).astype("datetime64[D]").astype(str)
    assert list(got) == ["2024-02-29", "2024-02-29", "2024-09-15"]


def test_a_ledger_needs_at_least_one_row():
    with pytest.raises(ValueError, match="at least 1"):
        synthetic.ledger_frame(0)


def test_the_scale_child_measures_every_step_on_a_tiny_ledger(tiny_ledger):
    measured = scale_child.measure([str(tiny_ledger.path)])
    assert measured["rows"] == ROWS and measured["sessions"] == 13
    assert {"load (read + normalise + validate)", "unit_table (all sessions)", "outcome_mix_test"} \
        <= set(measured["steps_s"])
    assert list(measured["other_steps_s"]) == ["sampling.draw_sample (10% of latest)"]
    assert all(seconds >= 0 for seconds in measured["steps_s"].values())
    assert measured["load_and_metrics_s"] <= measured["total_s"] and measured["peak_rss_mib"] > 50


def test_the_reference_counts_the_same_ledger_with_duckdb(tiny_ledger):
    counted = scale_child.reference([str(tiny_ledger.path)])
    assert counted["rows"] == ROWS and counted["engine"].startswith("duckdb")
    assert set(scale_child.REFERENCE_QUERIES) <= set(counted["steps_s"]) and counted["groups"] > 13 * 5


def test_the_floor_runs_a_notebook_with_the_parameters_after_its_parameters_cell(tmp_path):
    import nbformat

    def notebook(name, *cells):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
                                             *(nbformat.v4.new_code_cell(c) for c in cells)])
        nbformat.write(nb, tmp_path / name)
        return str(tmp_path / name)

    ok = notebook("ok.ipynb", "assert 'left' not in dir()", "left = 1\nopen('seen.txt', 'a').write(str(x))")
    assert floor.run_all([{"name": f"r{i}", "notebook": ok, "parameters": {"x": i}} for i in (5, 6, 7)],
                         workers=1) == 3
    assert (tmp_path / "seen.txt").read_text() == "567"  # injected each time; the names of one gone in the next
    failing = notebook("bad.ipynb", "raise ValueError('no such session')")
    with pytest.raises(RuntimeError, match="bad.ipynb: ValueError: no such session"):
        floor.run_all([{"name": "bad", "notebook": failing, "parameters": {}}], workers=1)


def test_the_suite_says_its_ratios_against_the_targets():
    result = {"runs": 1, "reports": ["a", "b"], "wall_s": {w: [s] for w, s in zip(suite.WAYS, (9.0, 6.0, 60.0, 5.0))},
              "cpu_s": {w: [1.0] for w in suite.WAYS}, "median_s": dict(zip(suite.WAYS, (9.0, 6.0, 60.0, 5.0))),
              "ratio": 10.0, "ratio_with_pdf": 6.67, "of_floor": 1.2, "of_floor_with_pdf": 1.8, "target_ratio": 8.0,
              "target_of_floor": 1.3}
    text = suite.render(result)
    assert "10.00× faster than the plain way (target ≥ 8×: met), 1.20× the floor (target ≤ 1.3×: met)" in text
    assert "MISSED" in suite.render({**result, "of_floor": 1.5})


def test_the_suite_pairs_each_rounds_ways_and_says_the_median_of_their_ratios():
    def timed(*walls):
        return [harness.Timed(wall_s=w, cpu_s=w, returncode=0, stdout="", stderr="") for w in walls]

    # Round 2's load made ours and the floor slow alike: its ratio is like the others', the medians' ratio is not.
    assert suite._paired(timed(15.0, 24.0, 13.0), timed(12.0, 20.0, 10.0)) == 1.25
    ones = {w: [1.0] for w in suite.WAYS}
    result = {"runs": 3, "reports": ["a"], "wall_s": ones, "cpu_s": ones,
              "median_s": dict.fromkeys(suite.WAYS, 1.0), "ratio": 8.0, "ratio_with_pdf": 4.0, "of_floor": 1.43,
              "of_floor_with_pdf": 3.0, "target_ratio": 8.0, "target_of_floor": 1.3, "ratio_paired": 8.21,
              "of_floor_paired": 1.29}
    assert "paired by round (each round's ratio, then their median): 8.21× faster than the plain way, 1.29× the " \
           "floor" in suite.render(result)
    # Ours without the PDFs runs next to both ways it is set against, in either direction of a round.
    for order in (suite.RUN_ORDER, suite.RUN_ORDER[::-1]):
        assert abs(order.index("ours_no_pdf") - order.index("floor")) == 1
        assert abs(order.index("ours_no_pdf") - order.index("plain")) == 1
    assert suite.RUN_ORDER[0] == "ours"  # the first run gives the others their parameters


def test_the_floor_deals_the_reports_in_our_runners_start_order():
    from analysis import run

    plan = run.load_plan()
    names = ["figures_check", "handling_units", "peers", "session_report_18-1", "session_report_18-2",
             "supervision_sample", "trends"]
    notebooks = {"session_report": "session_report"}
    reports = [{"name": n, "notebook": f"notebooks/{notebooks.get(n.rsplit('_', 1)[0], n)}.ipynb", "parameters": {}}
               for n in names]
    # As analysis.run.jobs.longest_first deals them: the plan's expected_seconds first (peers 3, trends 1.2), then
    # the others in the plan's order.
    assert [r["name"] for r in suite.start_order(reports, plan)] == [
        "peers", "trends", "session_report_18-1", "session_report_18-2", "handling_units", "supervision_sample",
        "figures_check"]


def test_growth_says_what_a_report_more_costs():
    sizes = [{"sessions": 1, "rows": 300, "reports": 4, "wall_s": 8.0, "cpu_s": 6.0},
             {"sessions": 3, "rows": 900, "reports": 6, "wall_s": 10.0, "cpu_s": 8.0}]
    lines = growth.render({"sizes": sizes, "rows_per_session": 300}).splitlines()
    assert lines[2].split()[-1] == "2.00" and lines[3].split()[-2:] == ["1.67", "1.00"]


def test_run_timed_reports_exit_code_output_and_cpu_time():
    timed = harness.run_timed([sys.executable, "-c", "import sys; print('out'); print('err', file=sys.stderr); "
                                                     "sys.exit(3)"])
    assert (timed.returncode, timed.stdout.strip(), timed.stderr.strip()) == (3, "out", "err")
    assert timed.wall_s > 0 and timed.cpu_s >= 0
    with pytest.raises(RuntimeError, match=r"(?s)the thing failed \(exit 3\).*out"):
        timed.check("the thing")


_PEAK = ("import sys; sys.path.insert(0, sys.argv[1]); from benchmarks import harness; "
         "x = bytearray(int(sys.argv[2]) * 2**20); x[::4096] = b'1' * len(x[::4096]); print(harness.peak_rss_mib())")


def test_peak_memory_is_the_measured_programs_own_not_its_parents():
    # this test process holds pandas and more; a child's own peak must not include that
    root = str(Path(__file__).resolve().parents[2])
    small = float(harness.run_timed([sys.executable, "-c", _PEAK, root, "0"]).check("small").stdout)
    big = float(harness.run_timed([sys.executable, "-c", _PEAK, root, "300"]).check("big").stdout)
    assert small < 100 and 300 < big < 400


def test_run_timed_counts_the_childs_page_faults_and_kernel_time():
    # 100 MiB touched a page at a time: at least one fault per 2 MiB (a huge page), most often one per 4 KiB
    root = str(Path(__file__).resolve().parents[2])
    small = harness.run_timed([sys.executable, "-c", _PEAK, root, "0"]).check("small")
    big = harness.run_timed([sys.executable, "-c", _PEAK, root, "100"]).check("big")
    assert big.minor_faults >= small.minor_faults + 50
    assert 0 <= big.system_s <= big.cpu_s


def test_results_of_one_benchmark_keep_the_others(tmp_path):
    path = tmp_path / "latest.json"
    harness.save_result("suite", {"ratio": 4.5}, path=path)
    harness.save_result("rerun", {"rerun_median_s": 0.4}, path=path)
    harness.save_result("suite", {"ratio": 5.0}, path=path)
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["suite"]["ratio"] == 5.0 and saved["rerun"]["rerun_median_s"] == 0.4
    assert "taken_at" in saved["suite"]


def test_tables_align_numbers_and_chinese_text():
    text = harness.table(("what", "s"), [("甲乙", 1.5), ("abcd", 12345)])
    lines = text.splitlines()
    assert lines[0].startswith("what") and set(lines[1]) <= {"-", " "}
    assert lines[2].endswith("1.50") and lines[3].endswith("12,345")
    assert harness._width(lines[2]) == harness._width(lines[3])  # 甲乙 takes as many terminal columns as abcd


def test_the_machine_is_described():
    info = harness.machine()
    assert info["cores"] >= 1 and info["python"] == sys.version.split()[0]
    assert info["packages"]["pandas"] != "-"
    assert "cores" in harness.machine_text(info)


def test_rerun_reads_the_runners_closing_line():
    timed = harness.Timed(1.0, 1.0, 0, "…\n共 7 份报告 7 reports: 完成 done 0, 失败 failed 0, 跳过 skipped 7 → x\n", "")
    assert rerun.counts(timed) == (0, 0, 7)
    with pytest.raises(RuntimeError, match="no summary line"):
        rerun.counts(harness.Timed(1.0, 1.0, 0, "nothing", ""))


def test_page_sizes_are_compared_per_notebook_with_and_without_plotly_js(tmp_path):
    def page(name, body, rows):
        path = tmp_path / f"{name}.html"
        table = "<table>" + "<tr><td>x</td></tr>" * rows + "</table>"
        path.write_text(f'<html><script id="sa-plotly-js">{"P" * 1000}</script>{body}{table}</html>', encoding="utf-8")
        return scale.page_facts(path)

    sample = {"session_report_18-1": page("s1", "a" * 100, 3), "session_report_18-2": page("s2", "a" * 100, 3),
              "trends": page("t", "b" * 100, 2)}
    large = {"session_report_16-1": page("l1", "a" * 150, 3), "trends": page("lt", "b" * 100, 20)}
    assert sample["trends"]["bytes"] - sample["trends"]["bytes_without_plotly_js"] == 1000 + len(
        '<script id="sa-plotly-js"></script>')
    rows = {r["notebook"]: r for r in scale.compare(sample, large)}
    assert rows["session_report"]["pages_sample"] == 2 and rows["session_report"]["pages_large"] == 1
    assert rows["session_report"]["change_pct"] > 0 and rows["session_report"]["content_change_pct"] > \
        rows["session_report"]["change_pct"]
    assert (rows["trends"]["sample_table_rows"], rows["trends"]["large_table_rows"]) == (2, 20)
    assert scale.notebook_of("session_report_18-2") == "session_report" and scale.notebook_of("trends") == "trends"


def test_scale_says_how_much_of_the_childs_cpu_was_the_kernels():
    reference = {"engine": "duckdb", "threads": 2, "groups": 70, "steps_s": {"read the CSV": 1.0}, "total_s": 1.5,
                 "peak_rss_mib": 600.0, "wall_s": 1.6, "cpu_s": 2.9}
    size = {"rows": 1000, "sessions": 13, "handlers": 5, "lead_units": 69, "ledger_mib": 0.3, "ledger_files": 1,
            "generate_s": 0.1, "seed": 1, "load_and_metrics_s": 2.0, "child_wall_s": 2.5, "child_cpu_s": 80.5,
            "child_system_s": 40.3, "child_minor_faults": 1883761, "peak_rss_mib": 500.0,
            "steps_s": {"import": 0.4}, "other_steps_s": {}, "reference": reference, "target_s": None, "target_gib": None}
    assert "80.5 s CPU (40.3 s of it the kernel's, 1,883,761 page faults" in scale.render({"sizes": [size]})


def test_the_command_line_refuses_unknown_benchmarks(capsys):
    assert bench_main.main(["nope"]) == 2
    assert "unknown benchmark" in capsys.readouterr().err
    assert bench_main.main(["suite", "--runs", "0"]) == 2
    assert bench_main.main(["scale", "--rows", "1000", "0"]) == 2
    args = bench_main.build_parser().parse_args([])
    assert args.rows == [1_000_000, 10_000_000] and args.sessions == [1, 3, 10, 30]


def test_the_xlsx_ledger_loads_as_the_same_frame_as_the_csv_one(tmp_path):
    import pandas as pd

    from benchmarks.synthetic_xlsx import write_xlsx_ledger

    as_csv = load.load_cases(synthetic.write_ledger(tmp_path, 1500).path)
    as_xlsx = load.load_cases(write_xlsx_ledger(tmp_path, 1500).path)
    pd.testing.assert_frame_equal(as_xlsx.drop(columns="source_file"), as_csv.drop(columns="source_file"),
                                  check_exact=True)


def test_scale_in_xlsx_measures_both_readers():
    from benchmarks import scale_xlsx

    result = scale_xlsx.measure(sizes=(800,))
    (size,) = result["sizes"]
    assert size["rows"] == 800 and size["calamine"]["rows"] == size["expat"]["rows"] == 800
    assert size["expat"]["read_by"] == ["expat"]  # calamine turned off
    assert size["calamine"]["read_by"] == ["expat"]  # a small sheet: calamine is not worth starting
    assert "calamine (expat)" in scale_xlsx.render(result)


def test_the_html_benchmark_says_when_an_english_page_is_over_the_size_target():
    page = {"page": "peers.html", "bytes": 590_000, "charts": 4, "rendered_ms_median": 500,
            "plotly_ready_ms_median": 300, "load_ms_median": 100, "rendered_ms": [500], "cpu_ms_median": 270,
            "all_charts_drawn": True, "network_requests": [], "errors": []}
    result = {"runs": 1, "target_bytes": 600_000, "target_render_ms": 600, "pages": [page],
              "english_bytes": {"peers.html": 600_100, "trends.html": 540_000}}
    english = html_pages.render(result).splitlines()[3]
    assert english.startswith("(English, largest) peers.html") and "600,100" in english
    assert english.endswith("size MISSED: peers.html")
    result["english_bytes"]["peers.html"] = 599_999
    assert html_pages.render(result).splitlines()[3].endswith("ok")
