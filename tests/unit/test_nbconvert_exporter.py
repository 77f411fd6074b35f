"""The nbconvert exporter and `python -m analysis export`: an executed notebook → the runner's page."""
from __future__ import annotations

import subprocess
import sys

import nbformat
import pytest
from nbconvert.exporters import get_exporter

from analysis import export, nbconvert_exporter
from analysis.nbconvert_exporter import NotebookExportError, OfflinePageExporter
from analysis.report import MIME_PLOTLY, MIME_PROVENANCE, MIME_TITLE

WIDGET = "application/vnd.jupyter.widget-view+json"


def _display(data: dict, metadata: dict | None = None) -> nbformat.NotebookNode:
    return nbformat.v4.new_output("display_data", data=data, metadata=metadata or {})


def executed_notebook(*, papermill_lang: str | None = None, recorded_lang: str = "zh") -> nbformat.NotebookNode:
    """A small executed report notebook: parameters, title, a chart, a widget, stderr, provenance."""
    parameters = nbformat.v4.new_code_cell('lang = "zh"  # language', metadata={"tags": ["parameters"]})
    shown = nbformat.v4.new_code_cell("report.show_title(…)", execution_count=1, outputs=[
        _display({MIME_TITLE: {"title": "历年趋势", "session": "十八届", "subtitle": ""},
                  "text/plain": "历年趋势"}),
        _display({MIME_PLOTLY: {"data": [{"type": "bar", "x": ["a"], "y": [3]}], "layout": {}},
                  "text/plain": "Figure: 件数"}, {MIME_PLOTLY: {"escaped": True}}),
        _display({WIDGET: {"model_id": "0f", "version_major": 2, "version_minor": 0},
                  "text/plain": " 50%|#####     | 1/2 [00:01<00:01]"}),
        nbformat.v4.new_output("stream", name="stderr", text="UserWarning: something\n"),
        _display({MIME_PROVENANCE: {"files": [{"file": "sample_ledger.csv", "sha256": "ab" * 32, "rows": 3,
                                               "is_sample": True}],
                                    "params": {"lang": recorded_lang}, "package_version": "x",
                                    "generated_at": "2024-07-15T00:00:00+00:00", "is_sample": True},
                  "text/plain": "provenance"}),
    ])
    nb = nbformat.v4.new_notebook(cells=[parameters, shown])
    if papermill_lang:
        nb.metadata["papermill"] = {"parameters": {"lang": papermill_lang, "ledger_files": ["/data/台账.csv"]}}
    return nb


@pytest.fixture(autouse=True)
def fixed_build_time(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1721001600")


def test_the_entry_point_gives_nbconvert_this_exporter():
    assert get_exporter(nbconvert_exporter.EXPORTER_NAME) is OfflinePageExporter


def test_the_exporter_page_is_the_page_render_report_makes_with_papermills_parameters():
    nb = executed_notebook(papermill_lang="en")
    page, resources = OfflinePageExporter().from_notebook_node(nb, {"metadata": {"name": "trends"}})
    expected = export.render_report(nb, report_name="trends", lang="en",
                                    run_info={"parameters": nb.metadata["papermill"]["parameters"]}).html
    assert page == expected
    assert resources["output_extension"] == ".html"
    assert 'lang="en"' in page and "trends-fig-1" in page
    assert "台账.csv" in page and "/data/" not in page  # the parameters in the footer, file names only


def test_the_page_has_no_code_no_stderr_and_no_widget_text():
    page, _ = OfflinePageExporter().from_notebook_node(executed_notebook(), {"metadata": {"name": "nb"}})
    assert "report.show_title" not in page and 'lang = "zh"' not in page
    assert "UserWarning" not in page
    assert "50%|" not in page and "model_id" not in page
    assert page.count('class="sa-chart"') == 1
    assert export.external_references(page) == []


def test_the_language_is_the_notebooks_own_unless_one_is_given():
    assert nbconvert_exporter.notebook_lang(executed_notebook(papermill_lang="en", recorded_lang="zh")) == "en"
    assert nbconvert_exporter.notebook_lang(executed_notebook(recorded_lang="en")) == "en"
    assert nbconvert_exporter.notebook_lang(nbformat.v4.new_notebook()) == "zh"
    page, _ = OfflinePageExporter(lang="zh").from_notebook_node(executed_notebook(papermill_lang="en"),
                                                                {"metadata": {"name": "nb"}})
    assert '<html lang="zh"' in page
    with pytest.raises(Exception, match="lang must be zh or en"):
        OfflinePageExporter(lang="fr")


def test_a_notebook_never_executed_is_refused_with_the_reason():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    with pytest.raises(NotebookExportError, match="no outputs: execute it first"):
        nbconvert_exporter.page_of(nb, "draft")


def _cli(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analysis", "export", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120, env={**__import__("os").environ, "SOURCE_DATE_EPOCH": "1721001600"})


def test_the_export_command_writes_the_same_page_beside_the_notebook_or_into_out(tmp_path):
    nb = executed_notebook(papermill_lang="zh")
    nbformat.write(nb, tmp_path / "trends.ipynb")
    done = _cli("trends.ipynb", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "trends.html").read_text(encoding="utf-8")
    assert page == OfflinePageExporter().from_notebook_node(nb, {"metadata": {"name": "trends"}})[0]
    done = _cli("trends.ipynb", "--out", "pages", "--lang", "en", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert '<html lang="en"' in (tmp_path / "pages" / "trends.html").read_text(encoding="utf-8")


def test_the_export_command_names_each_bad_notebook_and_still_exports_the_good_ones(tmp_path):
    nbformat.write(executed_notebook(), tmp_path / "good.ipynb")
    (tmp_path / "broken.ipynb").write_text("{not json", encoding="utf-8")
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x")]), tmp_path / "draft.ipynb")
    done = _cli("broken.ipynb", "missing.ipynb", "draft.ipynb", "good.ipynb", cwd=tmp_path)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 3, done.stderr
    assert "broken.ipynb" in lines[0] and "not a readable notebook" in lines[0]
    assert "missing.ipynb" in lines[1] and "file not found" in lines[1]
    assert "draft.ipynb" in lines[2] and "execute it first" in lines[2]
    assert (tmp_path / "good.html").is_file() and not (tmp_path / "draft.html").exists()
    assert done.stdout.strip() == "good.html"  # where it was written, as the user named the notebook
