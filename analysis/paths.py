"""The one place for folders. Imports nothing else of the project.

Every folder can be overridden from the environment (``SA_DATA_DIR``, ``SA_OUTPUTS_DIR``,
``SA_NOTEBOOKS_DIR``) or, for a run, from the command line.
"""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent


def _folder(env_name: str, default: Path) -> Path:
    value = os.environ.get(env_name)
    return Path(value).resolve() if value else default


DATA_DIR = _folder("SA_DATA_DIR", PROJECT_DIR / "data")
OUTPUTS_DIR = _folder("SA_OUTPUTS_DIR", PROJECT_DIR / "outputs")
NOTEBOOKS_DIR = _folder("SA_NOTEBOOKS_DIR", PROJECT_DIR / "notebooks")

SCHEMES_DIR = DATA_DIR / "schemes"
REPORTED_DIR = DATA_DIR / "reported"
SAMPLE_DIR = DATA_DIR / "sample"
CONFIG_FILE = DATA_DIR / "config.yaml"
SAMPLE_LEDGER = SAMPLE_DIR / "sample_ledger.csv"
SOURCE_FIGURES = REPORTED_DIR / "source_document_figures.csv"
RUN_PLAN = PROJECT_DIR / "run_plan.yaml"


def output_folders(root: Path | None = None) -> dict[str, Path]:
    """The output layout under ``root`` (default ``OUTPUTS_DIR``)."""
    root = Path(root) if root else OUTPUTS_DIR
    return {
        "root": root,
        "html": root / "html",
        "notebooks": root / "notebooks",
        "tables": root / "tables",
    }
