"""`jupyter nbconvert --to suggestion-analytics` on notebooks executed by the runner, papermill and JupyterLab.

The runner's executed notebooks become the runner's own pages, byte for byte; a notebook run by
papermill, and one run and saved in a real JupyterLab (driven in Chromium), become pages whose
charts draw offline in Chromium and which show no code. Plain `--to html --no-input` is shown
to need the network and to lose the charts (notebooks/README.md says which command to use).
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from e2e_support import EPOCH, PROJECT, open_offline

from analysis import export
from analysis.report import MIME_PLOTLY

pytestmark = [pytest.mark.slow]

BIN = Path(sys.executable).parent
RENDER_TIMEOUT_MS = 20_000  # generous for a loaded 2-core machine; this is not a timing test
CODE_MARKERS = ("notebook_inputs.", "report.show_", "from analysis import", "ledger_files =", "In [")


def _env() -> dict:
    return {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}


def nbconvert(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """`jupyter nbconvert ARGS` of this environment, with the fixed build time."""
    done = subprocess.run([str(BIN / "jupyter"), "nbconvert", *args], cwd=cwd, env=_env(), capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done


def test_nbconvert_and_export_give_the_runners_pages_byte_for_byte(default_run, tmp_path):
    assert default_run.first.returncode == 0, default_run.first.stdout + default_run.first.stderr
    notebooks = sorted((default_run.out / "notebooks").glob("*.ipynb"))
    assert len(notebooks) == 8  # the run plan's reports, the peers page among them
    nbconvert("--to", "suggestion-analytics", "--output-dir", str(tmp_path / "nbconvert"),
              *map(str, notebooks), cwd=tmp_path)
    done = subprocess.run([sys.executable, "-m", "analysis", "export", *map(str, notebooks),
                           "--out", str(tmp_path / "export")], cwd=tmp_path, env=_env(), capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    for notebook in notebooks:
        runner_page = (default_run.html / f"{notebook.stem}.html").read_bytes()
        assert (tmp_path / "nbconvert" / f"{notebook.stem}.html").read_bytes() == runner_page, notebook.stem
        assert (tmp_path / "export" / f"{notebook.stem}.html").read_bytes() == runner_page, notebook.stem


def assert_charts_drawn_offline_and_no_code(browser, path: Path, charts: int, lang: str) -> str:
    """The page draws ``charts`` charts with the network off, fetches nothing, shows no code; returns its text."""
    assert charts > 0
    context, page, requests, errors = open_offline(browser, path)
    try:
        page.wait_for_function(f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {charts}",
                               timeout=RENDER_TIMEOUT_MS)
        assert page.locator(".js-plotly-plot").count() == charts
        assert requests == [], requests
        assert errors == [], errors
        text = page.inner_text("main")
        for marker in CODE_MARKERS:
            assert marker not in text, f"{path.name} shows code: {marker}"
        assert page.locator(".sa-banner").is_visible()  # built from the bundled sample data: it says so
        assert page.evaluate("document.documentElement.lang") == lang
        return text
    finally:
        context.close()


def _plotly_outputs(nb) -> int:
    return sum(1 for cell in nb.cells for output in cell.get("outputs", []) if MIME_PLOTLY in output.get("data", {}))


@pytest.mark.browser
def test_a_notebook_executed_by_papermill_becomes_a_page_that_draws_offline(browser, tmp_path):
    executed = tmp_path / "session_report.ipynb"
    done = subprocess.run([str(BIN / "papermill"), str(PROJECT / "notebooks" / "session_report.ipynb"),
                           str(executed), "-p", "session", "十八届人大二次会议", "-p", "lang", "en",
                           "--no-progress-bar"], cwd=tmp_path, env=_env(), capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    nbconvert("--to", "suggestion-analytics", str(executed), cwd=tmp_path)
    nb = nbformat.read(executed, as_version=4)
    page = tmp_path / "session_report.html"
    text = assert_charts_drawn_offline_and_no_code(browser, page, _plotly_outputs(nb), "en")
    assert "18th Congress, 2nd Session" in text  # the session passed with -p, in the language passed
    assert "Figure:" not in text

    # What plain nbconvert makes of the same notebook: no chart, and scripts from the internet.
    nbconvert("--to", "html", "--no-input", "--output", "plain", str(executed), cwd=tmp_path)
    plain = (tmp_path / "plain.html").read_text(encoding="utf-8")
    assert plain.count("Figure: ") == _plotly_outputs(nb)
    assert "cdnjs.cloudflare.com/ajax/libs/require.js" in plain and "mathjax" in plain.lower()
    assert export.external_references(page.read_text(encoding="utf-8")) == []


# ---------------------------------------------------------------------------------------
# A notebook run and saved in JupyterLab
# ---------------------------------------------------------------------------------------

LAB_START_S = 120
RUN_ALL_TIMEOUT_MS = 300_000
_ALL_CELLS_RAN = """() => {
    const panel = window.jupyterapp.shell.currentWidget;
    const kernel = panel && panel.sessionContext.session && panel.sessionContext.session.kernel;
    if (!kernel || kernel.status !== 'idle') return false;
    const cells = panel.content.model.cells;
    for (let i = 0; i < cells.length; i++) {
        const cell = cells.get(i);
        if (cell.type === 'code' && !cell.executionCount) return false;
    }
    return true;
}"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _lab_api(port: int, token: str, path: str, method: str = "GET") -> None:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
                                     headers={"Authorization": f"token {token}"})
    urllib.request.urlopen(request, timeout=5).close()


def run_and_save_in_jupyterlab(browser, folder: Path, notebook: str) -> Path:
    """Open ``folder/notebook`` in a real JupyterLab, run all cells, save it (as a user would); returns its path."""
    port, token = _free_port(), "sa-test-token"
    state = folder / ".jupyter"
    env = {**_env(), "JUPYTER_CONFIG_DIR": str(state / "config"), "JUPYTER_RUNTIME_DIR": str(state / "runtime")}
    log = (folder / "lab.log").open("w")
    lab = subprocess.Popen(
        [str(BIN / "jupyter"), "lab", "--no-browser", "--allow-root", f"--ServerApp.port={port}",
         "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={folder}",
         f"--LabApp.user_settings_dir={state / 'settings'}", f"--LabApp.workspaces_dir={state / 'workspaces'}",
         "--LabApp.expose_app_in_browser=True"], cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + LAB_START_S
        while True:
            assert lab.poll() is None, (folder / "lab.log").read_text()
            try:
                _lab_api(port, token, "/api/status")
                break
            except OSError:
                assert time.monotonic() < deadline, (folder / "lab.log").read_text()
                time.sleep(0.5)
        context = browser.new_context()
        try:
            page = context.new_page()
            page.goto(f"http://127.0.0.1:{port}/lab/tree/{notebook}?token={token}")
            page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                                   " && window.jupyterapp.shell.currentWidget.sessionContext.session",
                                   timeout=LAB_START_S * 1000)
            page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
            page.wait_for_function(_ALL_CELLS_RAN, timeout=RUN_ALL_TIMEOUT_MS, polling=500)
            page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
        finally:
            context.close()
        _lab_api(port, token, "/api/shutdown", method="POST")  # stops its kernels too
        lab.wait(timeout=60)
    finally:
        if lab.poll() is None:
            lab.kill()
            lab.wait()
        log.close()
    return folder / notebook


def add_widget_state(nb) -> None:
    """What JupyterLab with ipywidgets also saves: the widget state in the metadata and a widget view output."""
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {
        "version_major": 2, "version_minor": 0,
        "state": {"5f1c": {"model_module": "@jupyter-widgets/controls", "model_name": "FloatProgressModel",
                           "model_module_version": "2.0.0", "state": {"value": 1.0, "max": 1.0}}}}}
    cell = next(c for c in nb.cells if c.cell_type == "code" and c.get("outputs"))
    cell.outputs.append(nbformat.v4.new_output("display_data", data={
        "application/vnd.jupyter.widget-view+json": {"model_id": "5f1c", "version_major": 2, "version_minor": 0},
        "text/plain": "FloatProgress(value=1.0, max=1.0)"}))


@pytest.mark.browser
def test_a_notebook_saved_from_jupyterlab_becomes_a_page_that_draws_offline(browser, tmp_path):
    source = json.loads((PROJECT / "notebooks" / "trends.ipynb").read_text(encoding="utf-8"))
    for cell in source["cells"]:
        cell["outputs"] = [] if cell["cell_type"] == "code" else cell.get("outputs")
        if cell["cell_type"] == "code":
            cell["execution_count"] = None
    (tmp_path / "trends.ipynb").write_text(json.dumps(source, ensure_ascii=False), encoding="utf-8")
    saved_path = run_and_save_in_jupyterlab(browser, tmp_path, "trends.ipynb")

    saved = nbformat.read(saved_path, as_version=4)
    outputs = [o for c in saved.cells for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    charts = _plotly_outputs(saved)
    assert charts >= 4, "the notebook ran in JupyterLab and was saved with its charts"
    # Lab's plotly renderer drew them and saved a PNG snapshot beside each chart's JSON
    assert all("image/png" in o.data for o in outputs if MIME_PLOTLY in o.get("data", {}))
    add_widget_state(saved)
    nbformat.write(saved, saved_path)

    nbconvert("--to", "suggestion-analytics", "--output", "page", str(saved_path), cwd=tmp_path)
    page = tmp_path / "page.html"
    text = assert_charts_drawn_offline_and_no_code(browser, page, charts, "zh")
    assert "FloatProgress" not in text and "Figure:" not in text
    html = page.read_text(encoding="utf-8")
    assert 'class="sa-image"' not in html  # the charts are drawn from their data, not Lab's PNG snapshots
    assert export.external_references(html) == []
