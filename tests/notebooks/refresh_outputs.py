"""Re-execute the report notebooks in place so their stored outputs are those of a default run.

    .venv/bin/python tests/notebooks/refresh_outputs.py [NAME ...]

nbval (``make test``) compares the checked cells of each notebook against these stored outputs,
so run this after a change that is meant to change what a report shows, look at the diff, and
commit the notebooks with it. The run is reproducible: ``SOURCE_DATE_EPOCH`` is fixed, cell
timings are not recorded, the kernel is "python3" and nothing random is left in the outputs.
A notebook that raises is not written back (its stored outputs never hold an error).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

PROJECT = Path(__file__).resolve().parents[2]
NOTEBOOKS = PROJECT / "notebooks"
# Every notebook of the folder: the reports of the run plan and the researchers' tour (explore).
REPORTS = tuple(sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")))
EPOCH = "1721001600"  # 2024-07-15 00:00:00 UTC, the same fixed build time as the end-to-end tests


def refresh(name: str) -> Path:
    """Execute notebooks/NAME.ipynb top to bottom with its default parameters and write it back."""
    path = NOTEBOOKS / f"{name}.ipynb"
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name="python3", timeout=600, record_timing=False,
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()  # raises CellExecutionError on the first failing cell: nothing is written
    for cell in nb.cells:
        cell.get("metadata", {}).pop("execution", None)
    nb.metadata.pop("widgets", None)
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return path


def main(names: list[str]) -> int:
    """Refresh the named notebooks (default: every notebook in notebooks/)."""
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH  # the kernel inherits it: fixed build and draw times
    os.environ["PYTHONHASHSEED"] = "0"
    for name in names or REPORTS:
        print("refreshed", refresh(name).relative_to(PROJECT))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
