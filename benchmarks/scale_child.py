"""The measured side of the scale benchmark: load + validate + every metric on one ledger, in a child process.

Run as ``python -m benchmarks.scale_child LEDGER.csv…`` (a ledger of one file, or one per session); prints one JSON object of step times
(seconds), row counts and this process's peak resident memory (``VmHWM`` from /proc, which
starts afresh at exec) on stdout. The parent measures its wall and CPU time, so imports count,
as they would for a user.

``python -m benchmarks.scale_child --reference LEDGER.csv…`` is the reference beside it: DuckDB
reads the same file (every cell as text, no validation) and computes the plain group counts the
metrics rest on, per session and body: suggestions, outcome classes, statuses, satisfaction,
replies by their deadline, topics, and per lead unit.
"""
from __future__ import annotations

import json
import sys
import time


def measure(ledger: list[str]) -> dict:
    """Time each step a report makes from a ledger, in the order the notebooks make them."""
    steps: dict[str, float] = {}
    started = time.perf_counter()

    def step(name: str, func, into: dict = steps):
        begun = time.perf_counter()
        value = func()
        into[name] = round(time.perf_counter() - begun, 3)
        return value

    from analysis import metrics, notebook_inputs, sampling

    steps["import"] = round(time.perf_counter() - started, 3)
    # What every report notebook does first: read, normalise and validate the ledger.
    inputs = step("load (read + normalise + validate)",
                  lambda: notebook_inputs.load_inputs(list(ledger), (), figures=False))
    cases, config = inputs.cases, inputs.config
    sessions = notebook_inputs.ledger_sessions(cases)
    latest = sessions[-1]
    # Every metric of analysis.metrics, once each (ledger_figures holds session_overview and handling_rates).
    figures = step("ledger_figures (session_overview + handling_rates)", lambda: notebook_inputs.report_figures(inputs))
    step("on_time_replies (with reply_deadlines)", lambda: metrics.on_time_replies(cases, config=config))
    step("topic_breakdown (by body)", lambda: metrics.topic_breakdown(cases, config=config, by_handler=True))
    step("unit_table (all sessions)", lambda: metrics.unit_table(cases, config=config))
    step("unit_table (latest session)", lambda: metrics.unit_table(cases, config=config, sessions=[latest]))
    step("port_zone_share", lambda: metrics.port_zone_share(figures, config=config))
    step("with_change", lambda: metrics.with_change(figures))
    step("headline_figures", lambda: metrics.headline_figures(figures))
    step("outcome_table", lambda: metrics.outcome_table(figures, config=config))
    step("outcome_mix_test", lambda: metrics.outcome_mix_test(figures, config=config))
    step("up_to_session (latest)", lambda: notebook_inputs.up_to_session(cases, latest))
    measured_s = round(time.perf_counter() - started, 3)
    # Not a metric, but what the supervision-sample report does with the same ledger.
    other: dict[str, float] = {}
    step("sampling.draw_sample (10% of latest)", lambda: sampling.draw_sample(
        cases, session=latest, fraction=0.10, seed=20240715), into=other)
    from benchmarks.harness import peak_rss_mib

    return {"rows": int(len(cases)), "sessions": len(sessions), "figures_rows": int(len(figures)),
            "steps_s": steps, "load_and_metrics_s": measured_s, "other_steps_s": other,
            "total_s": round(time.perf_counter() - started, 3), "peak_rss_mib": peak_rss_mib()}


# The group counts of the reference, one query each over the table DuckDB read the CSV into.
REFERENCE_QUERIES = {
    "by session, body and outcome class": "SELECT 届次, 承办主体, 办理结果, count(*) FROM ledger GROUP BY ALL",
    "by session, body and status": "SELECT 届次, 承办主体, 办理状态, count(*) FROM ledger GROUP BY ALL",
    "by session, body and satisfaction": "SELECT 届次, 承办主体, 代表满意度, count(*) FROM ledger GROUP BY ALL",
    "replies by their deadline, by session and body": (
        "SELECT 届次, 承办主体, count(答复日期), count_if(TRY_CAST(答复日期 AS DATE) <= TRY_CAST(要求办结日期 AS DATE))"
        " FROM ledger GROUP BY ALL"),
    "by session, body and topic": "SELECT 届次, 承办主体, 类别, count(*) FROM ledger GROUP BY ALL",
    "by session, body and lead unit": (
        "SELECT 届次, 承办主体, 主办单位, count(*), count_if(办理结果 = 'A类'), count_if(代表满意度 = '满意')"
        " FROM ledger GROUP BY ALL"),
}


def reference(ledger: list[str]) -> dict:
    """DuckDB's plain aggregation of the same file: read it, then every group count, timed."""
    steps: dict[str, float] = {}
    started = time.perf_counter()
    import duckdb

    steps["import duckdb"] = round(time.perf_counter() - started, 3)
    connection = duckdb.connect()
    begun = time.perf_counter()
    connection.execute("CREATE TABLE ledger AS SELECT * FROM read_csv(?, header = true, all_varchar = true)",
                       [list(ledger)])
    steps["read the CSV"] = round(time.perf_counter() - begun, 3)
    groups = 0
    for name, query in REFERENCE_QUERIES.items():
        begun = time.perf_counter()
        groups += len(connection.execute(query).fetchall())
        steps[name] = round(time.perf_counter() - begun, 3)
    rows = connection.execute("SELECT count(*) FROM ledger").fetchone()[0]
    threads = connection.execute("SELECT current_setting('threads')").fetchone()[0]
    from benchmarks.harness import peak_rss_mib

    return {"engine": f"duckdb {duckdb.__version__}", "threads": int(threads), "rows": int(rows), "groups": groups,
            "steps_s": steps, "total_s": round(time.perf_counter() - started, 3), "peak_rss_mib": peak_rss_mib()}


if __name__ == "__main__":
    if sys.argv[1] == "--reference":
        print(json.dumps(reference(sys.argv[2:]), ensure_ascii=False))
    else:
        print(json.dumps(measure(sys.argv[1:]), ensure_ascii=False))
