"""Benchmark 6: how the runner's time grows with the plan: ledgers of 1, 3, 10 and 30 sessions.

A ten-year, multi-body plan makes many reports: one session report per session, and the
multi-year ones. For each count of sessions a synthetic ledger (``ROWS_PER_SESSION`` suggestions
a session, so the data grows with the plan but stays small) is made and the whole plan is run
from it into a fresh folder with ``--force`` and ``SA_PDF=off`` (printing adds the same seconds
per report at every size: the suite benchmark measures it). What grows is the cost per report;
the marginal cost between two sizes is what a report more costs.
"""
from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from . import harness, synthetic

DEFAULT_SESSIONS = (1, 3, 10, 30)
ROWS_PER_SESSION = 300
_SUMMARY = re.compile(r"完成 done (\d+), 失败 failed (\d+), 跳过 skipped (\d+)")


def run_plan(ledger: Path, out: Path) -> tuple[harness.Timed, int]:
    """The default plan from ``ledger`` into ``out``, every report made, no PDF; its timing and the reports made."""
    command = [str(harness.VENV_BIN / "python"), "-m", "analysis", "run", "--force", "--data", str(ledger),
               "--out", str(out)]
    timed = harness.run_timed(command, cwd=harness.PROJECT_DIR, env=harness.project_env(SA_PDF="off")
                              ).check("the runner")
    done, failed, _ = (int(x) for x in _SUMMARY.findall(timed.stdout)[-1])
    if failed:
        raise RuntimeError(f"{failed} report(s) failed from a ledger of {ledger.name}")
    return timed, done


def measure(sessions: tuple[int, ...] = DEFAULT_SESSIONS, keep: bool = False) -> dict:
    """One run for each count of sessions."""
    work = Path(tempfile.mkdtemp(prefix="sa-bench-growth-"))
    sizes = []
    try:
        for count in sessions:
            ledger = synthetic.write_ledger(work, ROWS_PER_SESSION * count, sessions=count)
            timed, made = run_plan(ledger.path, work / f"out-{count}")
            sizes.append({"sessions": count, "rows": ledger.rows, "reports": made, "wall_s": timed.wall_s,
                          "cpu_s": timed.cpu_s})
        return {"sizes": sizes, "rows_per_session": ROWS_PER_SESSION, "work_dir": str(work) if keep else None}
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


def render(result: dict) -> str:
    """The benchmark's figures as a table: time, time per report, and what each report more added."""
    rows, previous = [], None
    for size in result["sizes"]:
        marginal = ""
        if previous is not None and size["reports"] > previous["reports"]:
            marginal = (size["wall_s"] - previous["wall_s"]) / (size["reports"] - previous["reports"])
        rows.append((size["sessions"], size["rows"], size["reports"], size["wall_s"], size["cpu_s"],
                     size["wall_s"] / size["reports"], marginal))
        previous = size
    return (harness.table(("sessions", "rows", "reports", "wall s", "CPU s", "s/report", "marginal s/report"), rows)
            + f"\n{result['rows_per_session']} synthetic suggestions a session; SA_PDF=off; one run each; marginal: "
              "what a report more added, from the size before")
