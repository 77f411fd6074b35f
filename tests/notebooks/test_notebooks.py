"""The report notebooks as files: the house rules a notebook must keep, checked without running it.

Running them is nbval's job (``make test`` collects ``notebooks/``) and test_parameters.py's;
here: the parameters cell holds typed literal defaults with a comment each and every parameter
the runner injects, and the cell after it checks them first; no code of its own (no def, class or loop over data); paths only from
``analysis``; stored outputs are those of a clean default run (no errors, no warnings); every
volatile output is excluded from nbval's comparison by its cell's tag, every other output is
compared by ``--nbval-lax`` too, and a chart by the values it draws.
"""
from __future__ import annotations

import ast
import json

import nbformat
import papermill
import pytest

from analysis import paths, report, run

REPORTS = ("session_report", "trends", "handling_units", "supervision_sample", "figures_check", "peers")
# Notebooks for researchers to read and change, not reports: run by nbval, not by the run plan.
TOURS = ("explore",)
RUNNER_PARAMETERS = {"ledger_files", "figures_files", "lang", "pseudonymise"}
IGNORE = "nbval-ignore-output"
CHECK = "nbval-check-output"  # compared by --nbval-lax too
TYPES = {"str", "int", "float", "bool", "list[str]", "list[int]"}  # what a parameter may be declared as (notebook_inputs._KINDS)


def read(name: str) -> nbformat.NotebookNode:
    return nbformat.read(paths.NOTEBOOKS_DIR / f"{name}.ipynb", as_version=4)


def code_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code"]


def parameters_cell(nb):
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, "exactly one cell tagged 'parameters'"
    return cells[0]


def test_the_run_plan_names_exactly_these_notebooks():
    plan = run.load_plan(paths.RUN_PLAN)
    assert sorted(e.notebook.stem for e in plan.entries) == sorted(REPORTS)
    assert sorted(p.stem for p in paths.NOTEBOOKS_DIR.glob("*.ipynb")) == sorted(REPORTS + TOURS)


@pytest.mark.parametrize("name", REPORTS + TOURS)
def test_parameters_cell_holds_commented_literal_defaults(name):
    cell = parameters_cell(read(name))
    names = []
    for line in cell.source.splitlines():
        code, _, comment = line.partition("#")
        assert comment.strip(), f"{name}: parameter without a comment: {line!r}"
        tree = ast.parse(code)
        # typed, so papermill --help-notebook shows the type and check_parameters knows what to accept
        assert len(tree.body) == 1 and isinstance(tree.body[0], ast.AnnAssign), line
        assert ast.unparse(tree.body[0].annotation) in TYPES, line
        ast.literal_eval(tree.body[0].value)  # a literal, nothing computed
        names.append(tree.body[0].target.id)
    assert name in TOURS or RUNNER_PARAMETERS <= set(names), f"{name} lacks a parameter the runner injects"
    if name == "session_report":
        assert "session" in names  # for_each: session sets it
    # papermill can read every parameter (a second '=' on a line hides it from --help-notebook).
    inferred = papermill.inspect_notebook(str(paths.NOTEBOOKS_DIR / f"{name}.ipynb"))
    assert list(inferred) == names
    assert all(p["inferred_type_name"] in TYPES and p["help"] for p in inferred.values()), inferred


@pytest.mark.parametrize("name", REPORTS + TOURS)
def test_the_parameters_are_checked_first(name):
    """The cell after the parameters starts with the contract's check (a misspelt name or a bad value stops there)."""
    cells = code_cells(read(name))
    after = cells[[i for i, c in enumerate(cells) if "parameters" in c.metadata.get("tags", [])][0] + 1]
    calls = [ast.unparse(n) for n in ast.parse(after.source).body if not isinstance(n, (ast.Import, ast.ImportFrom))]
    assert calls[0] == "notebook_inputs.check_parameters(globals())", after.source


@pytest.mark.parametrize("name", REPORTS)
def test_notebook_code_only_calls_into_analysis(name):
    nb = read(name)
    source = "\n".join(c.source for c in code_cells(nb))
    tree = ast.parse(source)
    defined = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
                                                           ast.Lambda, ast.While))]
    assert not defined, f"{name}: define it in analysis/, not in the notebook"
    loops = [n for n in ast.walk(tree) if isinstance(n, ast.For)]
    # The loops allowed show display items, not data rows: the headline cards, the sections of the rates compared.
    assert all("headline_items" in ast.unparse(n.iter) or ast.unparse(n.iter) == "comparison.measures"
               for n in loops), f"{name}: a loop over data"
    imports = [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert all(isinstance(n, ast.ImportFrom) and n.module == "analysis" for n in imports), name
    code = ast.unparse(tree)  # without comments: a path in a comment is documentation, in code a rule broken
    assert "../" not in code and "data/" not in code and "open(" not in code, f"{name}: paths come from analysis"


@pytest.mark.parametrize("name", REPORTS + TOURS)
def test_stored_outputs_are_a_clean_default_run(name):
    nb = read(name)
    assert nb.metadata.kernelspec.name == "python3"
    for cell in code_cells(nb):
        tags = set(cell.metadata.get("tags", []))
        if "parameters" in tags:
            assert not cell.outputs
            continue
        assert "injected-parameters" not in tags, "commit the notebook, not a papermill run of it"
        assert "execution" not in cell.metadata, "cell timings make every refresh a diff"
        for output in cell.outputs:
            assert output.output_type != "error", f"{name}: stored error in cell {cell.id}"
            assert not (output.output_type == "stream" and output.name == "stderr"), \
                f"{name}: stored warning in cell {cell.id}: {output.text[:200]}"
            data = output.get("data", {})
            # Provenance (hashes, version, time) and the draw's record (time) change from run to
            # run: their cells must not be compared by nbval.
            if report.MIME_PROVENANCE in data or data.get(report.MIME_TABLE, {}).get("name") == "sample_record":
                assert IGNORE in tags, f"{name}: cell {cell.id} shows volatile output without {IGNORE}"
            # A chart is compared by its values (its text form; notebooks/conftest.py leaves out the JSON).
            if report.MIME_PLOTLY in data:
                assert IGNORE not in tags, f"{name}: cell {cell.id} hides a chart's values from nbval"
                summary = data["text/plain"].splitlines()
                assert summary[0].startswith("Figure: ") and len(summary) > 1, data["text/plain"]


@pytest.mark.parametrize("name", REPORTS)
def test_headline_cells_are_compared_by_nbval(name):
    """The cells that print numbers a reader relies on must not hide behind nbval-ignore-output.

    Each cell with output is tagged either way, so --nbval-lax compares exactly what --nbval does.
    """
    nb = read(name)
    for cell in code_cells(nb):
        tags = set(cell.metadata.get("tags", []))
        if cell.outputs:
            assert len(tags & {IGNORE, CHECK}) == 1, f"{name}: cell {cell.id} must be tagged {CHECK} or {IGNORE}"
    checked = [c for c in code_cells(nb) if CHECK in c.metadata.get("tags", [])]
    shown = [o.get("data", {}) for c in checked for o in c.outputs]
    numbers = [d for d in shown if report.MIME_HEADLINE in d or report.MIME_TABLE in d
               or (report.MIME_TEXT in d and d[report.MIME_TEXT].get("kind") == "paragraphs")]
    assert numbers, f"{name}: no checked cell shows a figure"


@pytest.mark.parametrize("name", TOURS)
def test_every_output_of_a_tour_is_compared_or_ignored_by_choice(name):
    """A tour's cells are tagged like a report's, so --nbval-lax compares what --nbval does; its charts by value."""
    for cell in code_cells(read(name)):
        if cell.outputs:
            assert len(set(cell.metadata.get("tags", [])) & {IGNORE, CHECK}) == 1, f"{name}: cell {cell.id} untagged"
        if "px." in cell.source:
            assert "report.show_figure(" in cell.source, f"{name}: cell {cell.id} shows a chart without its values"


def test_stored_outputs_hold_the_source_figures():
    """What nbval compares against is itself right: the default runs print the source's figures."""
    trends = json.dumps(read("trends").cells, ensure_ascii=False)
    assert "在连续三年的共466件代表建议中，直接由区政府办理的346件，交由国际港务区处理的120件，合计占比达25.75%。" in trends
    check = json.dumps(read("figures_check").cells, ensure_ascii=False)
    assert "172（推算）" in check and "15（9.9%，均为推算）" in check and "79（52.3%）" in check
    session = read("session_report")
    values = {o.data[report.MIME_HEADLINE]["name"]: o.data[report.MIME_HEADLINE]["value"]
              for c in code_cells(session) for o in c.outputs if report.MIME_HEADLINE in o.get("data", {})}
    assert (values["received"], values["handled:区政府"], values["handled:国际港务区"]) == (
        "135件", "66件（48.89%）", "69件（51.11%）")
