"""The researchers' API: `analysis` exports the documented functions, lazily; docs/api.md is current, its examples run."""
from __future__ import annotations

import doctest
import importlib
import inspect
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

import analysis

PROJECT = Path(__file__).resolve().parents[2]


def _api_docs_script():
    spec = importlib.util.spec_from_file_location("make_api_docs", PROJECT / "scripts" / "make_api_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_api_docs = _api_docs_script()


def test_docs_api_md_is_current():
    current = (PROJECT / "docs" / "api.md").read_text(encoding="utf-8")
    assert current == make_api_docs.render(), "docs/api.md is out of date: run `make api-docs`"


def test_the_page_documents_exactly_what_analysis_exports():
    documented = make_api_docs.documented_names()
    assert len(documented) == len(set(documented))
    assert sorted(documented) == sorted(analysis.__all__)
    page = make_api_docs.render()
    for name in analysis.__all__:
        assert f"### {name}\n" in page
        assert inspect.getdoc(getattr(analysis, name)) in page  # the docstring, whole
        assert f">>> from analysis import {name}\n" in page  # and an example that uses it


def test_every_example_on_the_page_runs_and_shows_what_it_says():
    examples = "\n".join(example for _, _, entries in make_api_docs.SECTIONS for _, example in entries)
    test = doctest.DocTestParser().get_doctest(examples, {}, "docs/api.md", None, 0)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    failures = []
    runner.run(test, out=failures.append)
    assert runner.failures == 0, "".join(failures)
    assert runner.tries >= 2 * len(analysis.__all__)


def test_each_export_is_the_function_of_its_module_with_a_one_line_summary():
    for name, module in analysis._EXPORTS.items():
        function = getattr(analysis, name)
        assert function is getattr(importlib.import_module(f"analysis.{module}"), name)
        assert callable(function) and function.__doc__ and function.__doc__.strip().splitlines()[0]
    with pytest.raises(AttributeError, match="no attribute 'no_such_function'"):
        analysis.no_such_function  # noqa: B018


def test_import_analysis_loads_no_pandas_until_a_function_is_used():
    code = ("import sys, analysis\n"
            "heavy = {'pandas', 'numpy', 'plotly', 'scipy'}\n"
            "assert not heavy & set(sys.modules), sorted(heavy & set(sys.modules))\n"
            "from analysis import paths, errors\n"  # submodules still import as before
            "assert not heavy & set(sys.modules)\n"
            "from analysis import load_cases\n"
            "assert 'pandas' in sys.modules and load_cases.__module__ == 'analysis.load'\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=PROJECT)
    assert done.returncode == 0, done.stderr


def test_the_check_mode_fails_on_a_stale_page(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(make_api_docs, "API_PAGE", tmp_path / "api.md")
    monkeypatch.setattr(make_api_docs, "PROJECT", tmp_path)
    (tmp_path / "api.md").write_text("stale\n", encoding="utf-8")
    assert make_api_docs.main(["--check"]) == 1
    assert "out of date: run `make api-docs`" in capsys.readouterr().err
    assert make_api_docs.main([]) == 0
    assert make_api_docs.main(["--check"]) == 0
