"""Benchmark 2: ``make report`` a second time with nothing changed (every report skipped from the cache).

The whole command is timed, as a user waits for it: make, Python start-up, imports, hashing
the inputs and code, reading the manifests and rewriting the index. For context it also
times a bare ``python -c pass`` and the import of ``analysis.run`` (what the skip path needs).
"""
from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from . import harness

TARGET_S = 0.3  # issue 17
_SUMMARY = re.compile(r"完成 done (\d+), 失败 failed (\d+), 跳过 skipped (\d+)")


_HEAVY = ("pandas", "numpy", "scipy", "plotly", "openpyxl", "nbclient", "nbformat", "papermill", "jupyter_client",
          "docx", "mistune", "tqdm")
_SKIP_PATH_MODULES = (
    "import contextlib, io, sys\n"
    "from analysis.__main__ import main\n"
    "with contextlib.redirect_stdout(io.StringIO()):\n"
    "    main(['run', '--out', sys.argv[1]])\n"
    f"print(' '.join(m for m in {_HEAVY!r} if m in sys.modules) or '(none)')\n")


def make_report(out: Path) -> harness.Timed:
    """``make report`` into ``out`` (the project's own Makefile and .venv)."""
    return harness.run_timed(["make", "--no-print-directory", "report", f"ARGS=--out {out}"],
                             cwd=harness.PROJECT_DIR, env=harness.project_env()).check("make report")


def counts(timed: harness.Timed) -> tuple[int, int, int]:
    """(done, failed, skipped) from the run's closing line."""
    found = _SUMMARY.findall(timed.stdout)
    if not found:
        raise RuntimeError(f"make report printed no summary line:\n{timed.stdout[-1500:]}")
    return tuple(int(x) for x in found[-1])


def measure(runs: int = 3, keep: bool = False) -> dict:
    """One full ``make report`` into a fresh folder, then ``runs`` timed re-runs with nothing changed."""
    work = Path(tempfile.mkdtemp(prefix="sa-bench-rerun-"))
    out = work / "outputs"
    try:
        first = make_report(out)
        timings, redone = [], []
        attempts = 0
        while len(timings) < runs and attempts < runs + 3:
            attempts += 1
            again = make_report(out)
            done, failed, skipped = counts(again)
            if done or failed:
                # Someone changed code or data in the tree between two runs: not a no-change re-run.
                redone.append(again.wall_s)
                continue
            timings.append(again)
        if not timings:
            raise RuntimeError("every re-run redid reports: the tree kept changing under the benchmark")
        python = str(harness.VENV_BIN / "python")
        bare = harness.run_timed([python, "-c", "pass"], env=harness.project_env())
        imports = harness.run_timed([python, "-c", "import analysis.run"], cwd=harness.PROJECT_DIR,
                                    env=harness.project_env())
        # The skip path itself, in one process: which heavy libraries did it import?
        modules = harness.run_timed([python, "-c", _SKIP_PATH_MODULES, str(out)], cwd=harness.PROJECT_DIR,
                                    env=harness.project_env()).check("the skip path")
        return {
            "runs": runs, "first_run_s": first.wall_s, "first_run_counts": counts(first),
            "rerun_wall_s": [t.wall_s for t in timings], "rerun_cpu_s": [t.cpu_s for t in timings],
            "rerun_median_s": harness.median(t.wall_s for t in timings),
            "reruns_discarded_because_tree_changed": len(redone),
            "python_startup_s": bare.wall_s, "import_analysis_run_s": imports.wall_s,
            "heavy_modules_on_skip_path": modules.stdout.strip(),
            "target_s": TARGET_S, "work_dir": str(work) if keep else None,
        }
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


def render(result: dict) -> str:
    """The benchmark's figures as a table."""
    rows = [
        (f"make report, first run ({result['first_run_counts'][0]} reports made)", result["first_run_s"], ""),
        ("make report again, nothing changed (median)", result["rerun_median_s"],
         " / ".join(f"{x:.2f}" for x in result["rerun_wall_s"])),
        ("  for comparison: python -c pass", result["python_startup_s"], ""),
        ("  for comparison: import analysis.run", result["import_analysis_run_s"], ""),
    ]
    verdict = "met" if result["rerun_median_s"] < result["target_s"] else "MISSED"
    note = ""
    if result["reruns_discarded_because_tree_changed"]:
        note = (f"\n{result['reruns_discarded_because_tree_changed']} re-run(s) discarded: code changed in the tree "
                "meanwhile, so reports were redone")
    return (harness.table(("what", "wall s", "each run"), rows)
            + f"\nno-change re-run {result['rerun_median_s']:.2f} s (target < {result['target_s']:g} s: {verdict}); "
            f"heavy modules the skip path imports: {result['heavy_modules_on_skip_path']}" + note)
