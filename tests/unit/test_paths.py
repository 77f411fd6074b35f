"""Where bundled files and outputs are: the checkout when running from one, else the installed package."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from analysis import paths

PROJECT = Path(__file__).resolve().parents[2]
SHOW = ("import json; from analysis import paths; print(json.dumps({k: str(getattr(paths, k)) for k in "
        "('IS_CHECKOUT', 'CONFIG_FILE', 'SAMPLE_LEDGER', 'NOTEBOOKS_DIR', 'RUN_PLAN', 'OUTPUTS_DIR')}))")


def test_in_the_checkout_bundled_files_are_the_checkouts_own():
    assert paths.IS_CHECKOUT
    assert paths.SAMPLE_LEDGER == PROJECT / "data" / "sample" / "sample_ledger.csv"
    assert paths.RUN_PLAN == PROJECT / "run_plan.yaml" and paths.RUN_PLAN.is_file()
    assert paths.NOTEBOOKS_DIR == PROJECT / "notebooks"


def _show(site: Path, cwd: Path, **env: str) -> dict:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SA_")}
    done = subprocess.run([sys.executable, "-c", SHOW], cwd=cwd, capture_output=True, text=True, timeout=60,
                          env={**clean, "PYTHONPATH": str(site), **env})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_installed_bundled_files_come_from_the_package_and_outputs_go_to_the_working_folder(tmp_path):
    site = tmp_path / "site-packages"  # an installed layout: the package, its _bundled copy, no pyproject.toml
    (site / "analysis" / "_bundled").mkdir(parents=True)
    for name in ("__init__.py", "paths.py"):
        shutil.copy2(PROJECT / "analysis" / name, site / "analysis" / name)
    work = tmp_path / "work"
    work.mkdir()
    shown = _show(site, work)
    bundled = site / "analysis" / "_bundled"
    assert shown["IS_CHECKOUT"] == "False"
    assert shown["CONFIG_FILE"] == str(bundled / "data" / "config.yaml")
    assert shown["SAMPLE_LEDGER"] == str(bundled / "data" / "sample" / "sample_ledger.csv")
    assert shown["NOTEBOOKS_DIR"] == str(bundled / "notebooks") and shown["RUN_PLAN"] == str(bundled / "run_plan.yaml")
    assert shown["OUTPUTS_DIR"] == str(work / "outputs")
    # the environment still overrides each folder
    shown = _show(site, work, SA_DATA_DIR=str(tmp_path / "mine"), SA_OUTPUTS_DIR=str(tmp_path / "out"))
    assert shown["CONFIG_FILE"] == str(tmp_path / "mine" / "config.yaml")
    assert shown["OUTPUTS_DIR"] == str(tmp_path / "out")
