"""End-to-end fixtures: one run of `python -m analysis run` on the fixture notebooks, and a browser.

The suite run happens once per test session (it executes notebooks, which takes seconds) and
its outputs are shared by the command-line tests and the browser tests; so is the default run
(`make report`'s reports, with their PDFs). Both are read-only for their users: a test that runs
again into one of them or changes its files works on its own copy (``e2e_support.private_copy``), and each
fixture checks at the end of the session that no file of its outputs changed.
"""
from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from browser_support import chromium_path, launch
from e2e_support import MAIN_REPORTS, run_cli, unchanged, write_hostile_ledger, write_plan

from analysis import provenance


@dataclass
class Suite:
    """One run of the main fixture plan: where it wrote, what it printed, how it exited."""

    out: Path
    plan: Path
    ledger: Path
    first: subprocess.CompletedProcess
    code_hash: str  # of analysis/ when the suite ran: a later run may skip only if it is unchanged

    @property
    def html(self) -> Path:
        """The folder of the HTML pages."""
        return self.out / "html"

    def args(self, *extra: str, out: Path | None = None, plan: Path | None = None) -> list[str]:
        """The command-line arguments of this suite (or of its ledger into ``out`` by ``plan``), plus ``extra``."""
        return ["--plan", str(plan or self.plan), "--out", str(out or self.out), "--data", str(self.ledger),
                "--jobs", "2", *extra]


@pytest.fixture(scope="session")
def suite(tmp_path_factory) -> Suite:
    """The main fixture plan, run once: two session reports, an English copy, a failure, a skip."""
    folder = tmp_path_factory.mktemp("suite")
    ledger = write_hostile_ledger(folder / "ledger.csv")
    plan = write_plan(folder / "plan.yaml", MAIN_REPORTS)
    out = folder / "outputs"
    made = Suite(out, plan, ledger, None, provenance.code_hash.__wrapped__())
    made.first = run_cli(*made.args("--timeout", "60"))
    with unchanged(out):
        yield made


@dataclass
class DefaultRun:
    """`python -m analysis run` as `make report` calls it: the repository's plan, notebooks and bundled data."""

    out: Path
    first: subprocess.CompletedProcess

    @property
    def html(self) -> Path:
        """The folder of the HTML pages."""
        return self.out / "html"


@pytest.fixture(scope="session")
def default_run(tmp_path_factory) -> DefaultRun:
    """The real report notebooks run once on the bundled data into a temporary outputs folder."""
    out = tmp_path_factory.mktemp("default") / "outputs"
    made = DefaultRun(out, run_cli("--out", str(out)))
    with unchanged(out):
        yield made


@pytest.fixture(scope="session")
def english_run(tmp_path_factory) -> DefaultRun:
    """The default run again in English (``--lang en``): the pages an English reader gets, read by several tests."""
    out = tmp_path_factory.mktemp("english") / "outputs"
    made = DefaultRun(out, run_cli("--out", str(out), "--lang", "en"))
    with unchanged(out):
        yield made


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright; skipped with a reason when missing, except under CI."""
    reason = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        reason = "playwright is not installed (pip install playwright)"
    if reason is None and chromium_path() is None:
        reason = "Chromium is not installed (Debian: apt-get install chromium)"
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests must run under CI: {reason}")
        pytest.skip(reason)
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        try:
            yield chromium
        finally:
            chromium.close()
