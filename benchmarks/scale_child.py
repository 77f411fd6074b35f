"""The measured side of the scale benchmark: load + validate + every metric on one ledger, in a child process.

Run as ``python -m benchmarks.scale_child LEDGER.csv``; prints one JSON object of step times
(seconds), row counts and this process's peak resident memory (``VmHWM`` from /proc, which
starts afresh at exec) on stdout. The parent measures its wall and CPU time, so imports count,
as they would for a user.
"""
from __future__ import annotations

import json
import sys
import time


def measure(ledger: str) -> dict:
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
                  lambda: notebook_inputs.load_inputs([ledger], (), figures=False))
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


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1]), ensure_ascii=False))
