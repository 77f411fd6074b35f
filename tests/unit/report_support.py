"""Helpers for unit tests that need what a notebook displayed: the outputs of ``report.show_*`` calls."""
from __future__ import annotations

from typing import Callable

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output


def captured(monkeypatch, show: Callable[[], None]) -> list:
    """Outputs (as in an executed notebook) of the show_* calls ``show`` makes."""
    outputs = []

    def fake_display(bundle, raw=False, metadata=None):
        outputs.append(new_output("display_data", data=bundle, metadata=metadata or {}))

    monkeypatch.setattr("IPython.display.display", fake_display)
    show()
    return outputs


def shown_notebook(monkeypatch, show: Callable[[], None]) -> nbformat.NotebookNode:
    """An executed notebook of one code cell holding the outputs of ``show``."""
    nb = new_notebook(cells=[new_code_cell("x", execution_count=1)])
    nb.cells[0].outputs = captured(monkeypatch, show)
    return nb
