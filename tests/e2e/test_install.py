"""A real install: the wheel, installed in a fresh venv outside the checkout, runs every command.

The wheel is built from a copy of the files git would commit (so nothing left in the checkout,
like an old ``build/`` folder, can slip in), installed with the pinned versions
(``-c requirements.lock``) into a new virtual environment, and used from a temporary working
folder: ``suggestion-analytics validate`` on the bundled data, ``run`` of the bundled plan,
``jupyter nbconvert --to suggestion-analytics`` on one of its executed notebooks.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from e2e_support import EPOCH, PROJECT

from analysis import report

pytestmark = [pytest.mark.slow]

INSTALL_TIMEOUT_S = 1200  # ~110 packages; from pip's cache this takes a minute or two
BUNDLED = ("data", "notebooks", "run_plan.yaml")  # what setup.py copies into analysis/_bundled/


@dataclass
class Installed:
    """The wheel, what building it printed, and the venv it is installed in."""

    wheel: Path
    build_output: str
    venv: Path
    workdir: Path

    def command(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
        """Run ``args`` (the first a program in the venv's bin/) from the working folder, outside the checkout."""
        env = {key: value for key, value in os.environ.items()
               if key not in {"PYTHONPATH", "VIRTUAL_ENV", "SA_DATA_DIR", "SA_NOTEBOOKS_DIR", "SA_OUTPUTS_DIR"}}
        env.update(PATH=f"{self.venv / 'bin'}{os.pathsep}{env.get('PATH', '')}", SOURCE_DATE_EPOCH=EPOCH,
                   VIRTUAL_ENV=str(self.venv))
        return subprocess.run([str(self.venv / "bin" / args[0]), *args[1:]], cwd=self.workdir, env=env,
                              capture_output=True, text=True, timeout=timeout)


def _source_files() -> list[str]:
    """The checkout's files as git would commit them: tracked, and new ones not ignored."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=PROJECT,
                            capture_output=True, text=True, check=True).stdout
    return [name for name in listed.split("\0") if name and (PROJECT / name).is_file()]


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Installed:
    """The project's wheel built from a clean copy and installed into a fresh venv."""
    if not shutil.which("git"):
        pytest.skip("git is needed to list the project's files")
    folder = tmp_path_factory.mktemp("install")
    source = folder / "source"
    for name in _source_files():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(PROJECT / name, source / name)
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check",
                            "-w", str(folder / "dist"), str(source)], capture_output=True, text=True,
                           timeout=INSTALL_TIMEOUT_S)
    assert built.returncode == 0, built.stdout + built.stderr
    wheel = next((folder / "dist").glob("suggestion_analytics-*.whl"))
    venv = folder / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    done = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                           "--disable-pip-version-check", "-c", str(PROJECT / "requirements.lock"), str(wheel)],
                          capture_output=True, text=True, timeout=INSTALL_TIMEOUT_S)
    assert done.returncode == 0, done.stdout + done.stderr
    workdir = folder / "work"
    workdir.mkdir()
    return Installed(wheel, built.stdout + built.stderr, venv, workdir)


def test_the_wheel_carries_every_bundled_file_and_builds_without_deprecation_banners(installed):
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    files = _source_files()
    expected = {name for name in files if name.startswith("analysis/")}  # code and templates
    expected |= {f"analysis/_bundled/{name}" for name in files if name.split("/", 1)[0] in BUNDLED}
    assert expected - names == set(), f"missing from the wheel: {sorted(expected - names)}"
    assert "analysis/_bundled/data/config.yaml" in names and "analysis/_bundled/run_plan.yaml" in names
    assert any(n.endswith("dist-info/licenses/LICENSE") for n in names)
    entry_points = next(n for n in names if n.endswith("dist-info/entry_points.txt"))
    text = zipfile.ZipFile(installed.wheel).read(entry_points).decode()
    assert "suggestion-analytics = analysis.__main__:main" in text
    assert "suggestion-analytics = analysis.nbconvert_exporter:OfflinePageExporter" in text
    for banner in ("BuildBackendWarning", "SetuptoolsDeprecationWarning", "deprecated"):
        assert banner not in installed.build_output, installed.build_output


def test_the_installed_package_reads_its_bundled_files_from_site_packages(installed):
    done = installed.command("python", "-c", "from analysis import paths; print(paths.IS_CHECKOUT);"
                                             "print(paths.SAMPLE_LEDGER); print(paths.RUN_PLAN);"
                                             "print(paths.OUTPUTS_DIR)")
    assert done.returncode == 0, done.stderr
    is_checkout, ledger, plan, outputs = done.stdout.split("\n")[:4]
    assert is_checkout == "False"
    for path in (ledger, plan):
        assert Path(path).is_file() and "site-packages/analysis/_bundled" in path and str(PROJECT) not in path
    assert Path(outputs) == installed.workdir / "outputs"  # the user's working folder, not site-packages


def test_validate_and_run_on_the_bundled_data_from_any_folder(installed):
    located = installed.command("python", "-c", "from analysis import paths;"
                                                "print(paths.SAMPLE_LEDGER); print(paths.SOURCE_FIGURES)")
    ledger, figures = located.stdout.split()
    done = installed.command("suggestion-analytics", "validate", ledger, figures)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "sample_ledger.csv" in done.stdout and "Traceback" not in done.stderr

    done = installed.command("suggestion-analytics", "run", "--jobs", "2", timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    html = installed.workdir / "outputs" / "html"
    pages = sorted(p.stem for p in html.glob("*.html"))
    assert {"index", "trends", "figures_check", "handling_units", "supervision_sample"} <= set(pages), pages
    assert any(p.startswith("session_report_") for p in pages), pages
    page = (html / "trends.html").read_text(encoding="utf-8")
    assert report.render_banner("zh") in page  # the sample-data mark
    assert "plotly.js v" in page and 'class="sa-chart"' in page

    executed = installed.workdir / "outputs" / "notebooks" / "trends.ipynb"
    done = installed.command("jupyter", "nbconvert", "--to", "suggestion-analytics", "--output-dir", "exported",
                             str(executed))
    assert done.returncode == 0, done.stderr
    assert (installed.workdir / "exported" / "trends.html").read_text(encoding="utf-8") == page

    done = installed.command("suggestion-analytics", "--help")
    assert done.returncode == 0 and done.stdout.startswith("usage: suggestion-analytics"), done.stdout
