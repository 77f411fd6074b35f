"""A normal run prints its report lines and nothing else: no warnings, tracebacks or interrupt lines.

Kernels log "running over TCP without encryption" and print KeyboardInterrupt tracebacks when
shut down mid-import; neither may reach the person running `make report`. A no-change rerun
(`make report` a second time) also stays light: it never imports pandas.
"""
from __future__ import annotations

import re
import subprocess
import sys

import pytest
from e2e_support import PROJECT, cli_command, cli_env, private_copy

pytestmark = [pytest.mark.slow]

NOISE = re.compile(r"warning|traceback|keyboardinterrupt|without encryption", re.IGNORECASE)
STATUS_LINE = re.compile(r"^(完成 done|跳过 skipped|失败 failed|共 \d+ 份报告)")


def _noise(text: str) -> list[str]:
    return [line for line in text.splitlines() if NOISE.search(line)]


def test_the_default_run_prints_only_its_report_lines(default_run):
    done = default_run.first
    assert done.returncode == 0, done.stdout + done.stderr
    assert _noise(done.stdout) == [] and _noise(done.stderr) == [], done.stdout + done.stderr
    assert done.stderr == ""
    lines = done.stdout.splitlines()
    assert len(lines) == 9 and all(STATUS_LINE.match(line) for line in lines), done.stdout


def _rerun_with_import_times(default_run, folder) -> tuple[subprocess.CompletedProcess, set[str]]:
    """The default run again (nothing changed) on a copy of its outputs in ``folder``, with the modules it
    imported (-X importtime, on stderr)."""
    assert default_run.first.returncode == 0
    out = private_copy(default_run.out, folder)
    rerun = subprocess.run([sys.executable, "-X", "importtime", *cli_command("--out", str(out))[1:]],
                           cwd=PROJECT, env=cli_env(), capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert sum(line.startswith("跳过 skipped") for line in rerun.stdout.splitlines()) == 8, rerun.stdout
    imported = {line.rsplit("|", 1)[-1].strip() for line in rerun.stderr.splitlines()
                if line.startswith("import time")}
    assert "analysis.run" in imported  # the measurement works
    return rerun, imported


def test_a_no_change_rerun_is_quiet(default_run, tmp_path):
    rerun, _ = _rerun_with_import_times(default_run, tmp_path)
    assert _noise(rerun.stdout) == []
    assert _noise("\n".join(line for line in rerun.stderr.splitlines() if not line.startswith("import time"))) == []


# What a no-change rerun must not import: it decides from hashes and the manifests alone (issue 17). It says
# its reasons in the words of analysis.labels, which is light (tests/unit/test_labels.py checks it imports no
# settings and no pandas); the index reads the settings only for the time zone of its build time.
HEAVY = {"pandas", "numpy", "scipy", "plotly", "openpyxl", "docx", "nbformat", "nbconvert", "nbclient", "papermill",
         "jupyter_client", "zmq", "pyarrow", "duckdb", "analysis.export", "analysis.nbconvert_exporter",
         "analysis.excel", "analysis.word", "analysis.load", "analysis.run.kernels", "analysis.run.worker"}


def test_a_no_change_rerun_never_imports_pandas_the_exporter_or_a_kernel(default_run, tmp_path):
    _, imported = _rerun_with_import_times(default_run, tmp_path)
    assert not HEAVY & imported, sorted(HEAVY & imported)
