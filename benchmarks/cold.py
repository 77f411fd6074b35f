"""Benchmark 5: ``make report`` and ``make test`` from a clean clone, environment set-up included.

The committed HEAD of the project is cloned into a temporary folder and, there, ``make report``
(which first creates ``.venv`` and installs the pinned dependencies) and then ``make test`` are
timed. pip's download cache is left as it is: the figure says whether it was warm. This takes
minutes; ``python -m benchmarks`` runs it last, and ``--skip cold`` leaves it out.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from . import harness

_PYTEST_LINE = re.compile(r"^=+ (.*\d+ (?:passed|failed|error).*) =+$", re.M)


def clean_env() -> dict:
    """The environment without the project's .venv on PATH, as in a fresh shell."""
    env = dict(os.environ)
    env.pop("VIRTUAL_ENV", None)
    venv_bin = str(harness.VENV_BIN)
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != venv_bin)
    return env


def pip_cache_mib() -> float | None:
    """Size of pip's download cache before the run (a warm cache makes set-up faster)."""
    folder = Path(os.environ.get("PIP_CACHE_DIR") or Path.home() / ".cache" / "pip")
    if not folder.is_dir():
        return None
    total = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    return round(total / 2**20, 1)


def measure(keep: bool = False, test: bool = True) -> dict:
    """Clone HEAD, then time ``make report`` (with set-up) and ``make test`` in the clone."""
    work = Path(tempfile.mkdtemp(prefix="sa-bench-cold-"))
    clone = work / "suggestion-analytics"
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=harness.PROJECT_DIR, capture_output=True, text=True,
                              check=True).stdout.strip()
        cache = pip_cache_mib()
        cloned = harness.run_timed(["git", "clone", "--quiet", "--no-hardlinks", str(harness.PROJECT_DIR), str(clone)],
                                   env=clean_env()).check("git clone")
        report = harness.run_timed(["make", "--no-print-directory", "report"], cwd=clone, env=clean_env())
        result = {"commit": head, "pip_cache_mib_before": cache, "clone_s": cloned.wall_s,
                  "make_report_s": report.wall_s, "make_report_cpu_s": report.cpu_s,
                  "make_report_exit": report.returncode}
        if report.returncode != 0:
            result["make_report_tail"] = (report.stdout + report.stderr)[-1500:]
        if test:
            tested = harness.run_timed(["make", "--no-print-directory", "test"], cwd=clone, env=clean_env())
            found = _PYTEST_LINE.findall(tested.stdout)
            result.update({"make_test_s": tested.wall_s, "make_test_cpu_s": tested.cpu_s,
                           "make_test_exit": tested.returncode, "make_test_summary": found[-1] if found else ""})
        result["work_dir"] = str(work) if keep else None
        return result
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


def render(result: dict) -> str:
    """The benchmark's figures as a table."""
    rows = [("git clone", result["clone_s"], ""),
            ("make report (creates .venv, installs, makes 7 reports)", result["make_report_s"],
             f"exit {result['make_report_exit']}")]
    if "make_test_s" in result:
        rows.append(("make test (every test)", result["make_test_s"],
                     f"exit {result['make_test_exit']}: {result['make_test_summary']}"))
    cache = result["pip_cache_mib_before"]
    return (harness.table(("step, in a clean clone of " + result["commit"][:10], "wall s", "outcome"), rows)
            + f"\npip download cache before the run: {'none' if cache is None else f'{cache} MiB'}")
