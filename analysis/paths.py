"""The one place for folders. Imports nothing else of the project.

Bundled files — settings (``data/config.yaml``), outcome schemes, the sample ledger, the source
document's published figures, the report notebooks and the run plan — come from the checkout
when the package runs from one (``make``, ``pip install -e .``), and from the installed package
otherwise (``pip install .`` or the wheel, which carry a copy of them in ``analysis/_bundled/``,
made by setup.py). A user's own files are the paths they give, relative to the working
directory; outputs go to ``outputs/`` of the checkout, or of the working directory when installed.

Every folder can be overridden from the environment (``SA_DATA_DIR``, ``SA_OUTPUTS_DIR``,
``SA_NOTEBOOKS_DIR``) or, for a run, from the command line.
"""
from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent  # the checkout, when the package runs from one
# Only a built package carries _bundled/ (setup.py makes it; git ignores it): without it, the
# package runs from a checkout, or a copy of one, with data/ and notebooks/ beside it.
IS_CHECKOUT = not (PACKAGE_DIR / "_bundled").is_dir()


def _bundled_root() -> Path:
    """The folder holding data/, notebooks/ and run_plan.yaml: the checkout, or the installed copy."""
    if IS_CHECKOUT:
        return PROJECT_DIR
    # Notebooks and data are handed to papermill and to kernels as file paths, so the installed
    # copy must be a real folder: it is, for a package installed from a wheel (never zipped).
    return Path(str(resources.files(__package__).joinpath("_bundled")))


def _folder(env_name: str, default: Path) -> Path:
    value = os.environ.get(env_name)
    return Path(value).resolve() if value else default


BUNDLED_DIR = _bundled_root()
DATA_DIR = _folder("SA_DATA_DIR", BUNDLED_DIR / "data")
OUTPUTS_DIR = _folder("SA_OUTPUTS_DIR", (PROJECT_DIR if IS_CHECKOUT else Path.cwd()) / "outputs")
NOTEBOOKS_DIR = _folder("SA_NOTEBOOKS_DIR", BUNDLED_DIR / "notebooks")

SCHEMES_DIR = DATA_DIR / "schemes"
REPORTED_DIR = DATA_DIR / "reported"
SAMPLE_DIR = DATA_DIR / "sample"
PEERS_DIR = DATA_DIR / "peers"  # other congresses' published reports (analysis.peers)
CONFIG_FILE = DATA_DIR / "config.yaml"
SAMPLE_LEDGER = SAMPLE_DIR / "sample_ledger.csv"
SOURCE_FIGURES = REPORTED_DIR / "source_document_figures.csv"
RUN_PLAN = BUNDLED_DIR / "run_plan.yaml"


def output_folders(root: Path | None = None) -> dict[str, Path]:
    """The output layout under ``root`` (default ``OUTPUTS_DIR``)."""
    root = Path(root) if root else OUTPUTS_DIR
    return {
        "root": root,
        "html": root / "html",
        "notebooks": root / "notebooks",
        "tables": root / "tables",
    }
