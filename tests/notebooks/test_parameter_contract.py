"""Parameters as a contract: what a papermill, nbval or JupyterLab user sees when a parameter is wrong.

Each notebook declares its parameters with a type and a comment (``papermill --help-notebook``
lists them); a name the notebook does not declare, a value of the wrong kind or a settings file
that is not there stops it in the first cell after the parameters, with one line naming the
parameter and what is allowed, and the run fails (non-zero exit). The output notebook's error
cell holds that line and no traceback: IPython shows ``AnalysisError._render_traceback_``.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from analysis import paths

pytestmark = pytest.mark.slow

PAPERMILL = [sys.executable, "-m", "papermill", "--no-progress-bar", "-k", "python3"]


def run_papermill(name: str, tmp_path: Path, *arguments: str) -> tuple[subprocess.CompletedProcess, nbformat.NotebookNode]:
    """``papermill notebooks/NAME.ipynb out.ipynb ARGUMENTS`` as a user types it; the process and the output notebook."""
    out = tmp_path / f"{name}-out.ipynb"
    done = subprocess.run([*PAPERMILL, str(paths.NOTEBOOKS_DIR / f"{name}.ipynb"), str(out), *arguments],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    return done, nbformat.read(out, as_version=4)


def error_cell(nb) -> tuple[int, nbformat.NotebookNode]:
    """(position among the code cells, cell) of the one cell holding an error output."""
    code = [c for c in nb.cells if c.cell_type == "code"]
    failed = [(i, c) for i, c in enumerate(code) if any(o.output_type == "error" for o in c.outputs)]
    assert len(failed) == 1, [c.source[:80] for _, c in failed]
    return failed[0]


def assert_stopped_with_one_line(done, nb, *words: str) -> str:
    """The run failed in the first cell after papermill's injected one, with one line holding ``words``."""
    assert done.returncode != 0, done.stdout + done.stderr
    position, cell = error_cell(nb)
    tags = [c.metadata.get("tags", []) for c in nb.cells if c.cell_type == "code"]
    assert "injected-parameters" in tags[position - 1], "stopped in the first cell after the parameters"
    assert all(c.execution_count is None for c in [c for c in nb.cells if c.cell_type == "code"][position + 1:])
    (error,) = [o for o in cell.outputs if o.output_type == "error"]
    assert len(error.traceback) == 1, error.traceback  # the message, no traceback
    line = error.traceback[0]
    assert line.startswith("错误 error: ") and "File " not in line and "\x1b[" not in line
    for word in words:
        assert word in line, line
    assert line.removeprefix("错误 error: ") in done.stderr  # papermill's own report ends with it
    return line


def test_a_misspelt_parameter_stops_the_notebook(tmp_path):
    done, nb = run_papermill("session_report", tmp_path, "-p", "sesion", "十八届人大二次会议")
    line = assert_stopped_with_one_line(done, nb, "sesion", "did you mean session?", "是不是 session")
    assert "ledger_files、figures_files、lang、pseudonymise、session、as_of_date" in line  # what it does take


def test_a_parameter_of_another_notebook_stops_this_one(tmp_path):
    done, nb = run_papermill("trends", tmp_path, "-p", "seed", "7")
    assert_stopped_with_one_line(done, nb, "seed", "this notebook has no such parameter")


@pytest.mark.parametrize("arguments, words", [
    (("-p", "lang", "fr"), ("lang", "'fr'", '"zh" / "en"')),
    (("-p", "top", "ten"), ("top", "must be a whole number", "'ten'")),
    (("-p", "pseudonymise", "yes"), ("pseudonymise", "must be True or False")),
])
def test_a_wrong_value_stops_the_notebook(tmp_path, arguments, words):
    done, nb = run_papermill("handling_units", tmp_path, *arguments)
    assert_stopped_with_one_line(done, nb, *words)


def test_a_settings_file_that_is_not_there_stops_the_notebook(tmp_path):
    done, nb = run_papermill("handling_units", tmp_path, "-p", "config_file", "权重.yaml")
    assert_stopped_with_one_line(done, nb, "权重.yaml", "settings file not found")


def test_nbval_shows_the_one_line_too(tmp_path):
    """nbval (make test) reports a wrong parameter typed into the parameters cell by its message alone."""
    nb = nbformat.read(paths.NOTEBOOKS_DIR / "figures_check.ipynb", as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source = cell.source.replace('lang: str = "zh"', 'lang: str = "fr"')
    nbformat.write(nb, tmp_path / "figures_check.ipynb")
    done = subprocess.run([sys.executable, "-m", "pytest", "--nbval-lax", "-p", "no:cacheprovider", "-p", "no:randomly",
                           "-q", "figures_check.ipynb"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stdout
    # nbval runs every cell, each a test of its own: the first to fail is the cell after the parameters.
    shown = re.sub(r"\x1b\[[0-9;]*m", "", done.stdout)  # nbval colours its report
    first = shown.split("figures_check.ipynb::Cell 1 _")[1].split("figures_check.ipynb::Cell 2 _")[0]
    assert first.split("Traceback:")[1].strip().splitlines()[0] == (
        "错误 error: 笔记本参数 (notebook parameters), 列「lang」: 不是允许的值 / not an allowed value — "
        "值 value: 'fr' — 允许 allowed: \"zh\" / \"en\""), first
    assert "most recent call last" not in first and "File " not in first, first


def test_help_notebook_gives_every_parameter_a_type_and_a_meaning():
    for notebook in sorted(paths.NOTEBOOKS_DIR.glob("*.ipynb")):
        done = subprocess.run([*PAPERMILL, "--help-notebook", str(notebook)], capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stderr
        listed = [line for line in done.stdout.splitlines() if line.startswith("  ") and "(default " in line]
        cell = next(c for c in json.loads(notebook.read_text(encoding="utf-8"))["cells"]
                    if "parameters" in c["metadata"].get("tags", []))
        assert len(listed) == len("".join(cell["source"]).splitlines()), done.stdout
        assert "Unknown type" not in done.stdout, done.stdout
