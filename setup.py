"""The one build step pyproject.toml cannot declare: the wheel carries the project's bundled files.

The settings, schemes, sample and published data (``data/``), the report notebooks
(``notebooks/``) and the run plan (``run_plan.yaml``) stay where they are in the repository,
where they are edited; a wheel gets a copy of them in ``analysis/_bundled/``, where
``analysis.paths`` finds them when the package is installed. An editable install reads them
from the checkout and copies nothing.

Why a copy step and not a ``package-dir`` mapping: ``run_plan.yaml`` is a single file at the
top of the repository, which no mapping can place inside the package, and ``data/`` has
sub-folders that would each have to be declared as a package of their own.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

PROJECT = Path(__file__).resolve().parent
BUNDLED = ("data", "notebooks", "run_plan.yaml")  # relative to PROJECT; copied whole
TARGET = Path("analysis", "_bundled")
# Never part of what the commands read: editor and Python leftovers.
LEFTOVERS = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", ".*")


class BuildPyWithBundledFiles(build_py):
    """``build_py`` that also copies ``BUNDLED`` into ``analysis/_bundled/`` of the build."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib, TARGET)
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        for name in BUNDLED:
            source = PROJECT / name
            if source.is_dir():
                shutil.copytree(source, target / name, ignore=LEFTOVERS)
            elif source.is_file():
                shutil.copy2(source, target / name)
            else:  # a wheel without them installs a package that fails on every command
                raise FileNotFoundError(f"cannot bundle {source}: not found (an sdist must include it: MANIFEST.in)")


setup(cmdclass={"build_py": BuildPyWithBundledFiles})
