"""Reproducible builds of the real reports (issue 7): same inputs, parameters, code and build time, same bytes.

The repository's run plan and report notebooks are run twice on the bundled data, with
``SOURCE_DATE_EPOCH`` fixed, into two different folders, with everything that must not matter
changed between the two: the number of workers (so the order reports run in and which warm
kernel runs which), the time zone, Python's hash seed and the outputs folder. Every HTML page,
executed notebook, Excel workbook and Word draft must come out byte-identical.

Both builds run from one snapshot of the project (``analysis/``, ``notebooks/``, ``data/``, the
run plan) copied at the start, so engineers editing the working tree meanwhile cannot make the
two builds differ; the test checks that the kernels did import the snapshot.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from e2e_support import EPOCH, PROJECT, unchanged

from analysis import export, report

pytestmark = pytest.mark.slow

STAMP = dt.datetime.fromtimestamp(int(EPOCH), dt.timezone.utc)  # 2024-07-15 00:00:00 UTC
KINDS = ("html", "notebooks", "tables", "pdf")  # pdf: empty where Chromium is not installed
BUILDS = {  # what differs between the two builds, none of which may change a byte
    "a": {"jobs": "1", "env": {"TZ": "UTC", "PYTHONHASHSEED": "0"}},
    "b": {"jobs": "2", "env": {"TZ": "Asia/Shanghai", "PYTHONHASHSEED": "random"}},
}


def _snapshot(folder: Path) -> Path:
    """A copy of what a build reads from the project: package, notebooks, data, run plan."""
    ignore = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints")
    for name in ("analysis", "notebooks", "data"):
        shutil.copytree(PROJECT / name, folder / name, ignore=ignore)
    shutil.copy2(PROJECT / "run_plan.yaml", folder / "run_plan.yaml")
    return folder


def _environment(project: Path, extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SA_")}  # no folder overrides
    env.update(extra, SOURCE_DATE_EPOCH=EPOCH, PYTHONPATH=str(project))  # the runner, workers and kernels
    return env


def _hashes(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for kind in KINDS for p in sorted((out / kind).iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """The snapshot, its package version, and the two builds: name → (outputs folder, completed run)."""
    folder = tmp_path_factory.mktemp("reproducible")
    project = _snapshot(folder / "project")
    version = subprocess.run(
        [sys.executable, "-c", "import analysis; from analysis import report; "
                               "print(analysis.__file__); print(report.package_version())"],
        cwd=project, env=_environment(project, {}), capture_output=True, text=True, check=True).stdout.split()
    assert Path(version[0]).parent == project / "analysis"
    made = {}
    for name, build in BUILDS.items():
        out = folder / f"outputs_{name}"
        made[name] = out, subprocess.run(
            [sys.executable, "-m", "analysis", "run", "--out", str(out), "--jobs", build["jobs"], "--force"],
            cwd=project, env=_environment(project, build["env"]), capture_output=True, text=True, timeout=900)
    with unchanged(made["a"][0]), unchanged(made["b"][0]):  # read by every test of the module
        yield project, version[1], made


def test_both_builds_make_every_report(builds):
    _, _, made = builds
    for out, result in made.values():
        assert result.returncode == 0, result.stdout + result.stderr
        assert result.stdout.splitlines()[-1].startswith("共 8 份报告 8 reports: 完成 done 8, 失败 failed 0")


def test_two_builds_give_byte_identical_pages_notebooks_workbooks_and_drafts(builds):
    _, _, made = builds
    first, second = (_hashes(out) for out, _ in made.values())
    names = {Path(k).stem for k in first if k.startswith("notebooks/")}
    assert len(names) == 8
    for name in names:  # every kind of output of every report is compared
        assert {f"html/{name}.html", f"notebooks/{name}.ipynb", f"tables/{name}.xlsx"} <= set(first), name
    assert sum(k.endswith(".docx") for k in first) >= 3  # the session reports' Word drafts
    differing = sorted(k for k in set(first) | set(second) if first.get(k) != second.get(k))
    assert differing == [], f"differ between the two builds: {differing}"


def test_the_kernels_ran_the_snapshot_and_stamped_its_version(builds):
    _, version, made = builds
    out, _ = made["a"]
    for page in (out / "html").glob("*.html"):
        assert f'<meta name="generator" content="suggestion-analytics {version}">' in page.read_text(encoding="utf-8")
    for path in (out / "notebooks").glob("*.ipynb"):  # the version each kernel recorded itself
        nb = nbformat.read(path, as_version=4)
        recorded = [o["data"][report.MIME_PROVENANCE]["package_version"] for c in nb.cells
                    for o in c.get("outputs", []) if report.MIME_PROVENANCE in o.get("data", {})]
        assert recorded == [version], path.name


def test_chart_element_ids_are_the_report_name_and_position(builds):
    _, _, made = builds
    out, _ = made["a"]
    charts = 0
    for page in sorted((out / "html").glob("*.html")):
        if page.name == "index.html":
            continue
        text = page.read_text(encoding="utf-8")
        expected = export.count_figures(nbformat.read(out / "notebooks" / f"{page.stem}.ipynb", as_version=4))
        ids = re.findall(r'<div class="sa-chart" id="([^"]+)"', text)
        targets = re.findall(r'class="sa-chart-data" data-target="([^"]+)"', text)
        assert ids == targets == [f"{page.stem}-fig-{n}" for n in range(1, expected + 1)], page.name
        for block in re.findall(r'class="sa-chart-data" data-target="[^"]+">(.*?)</script>', text, re.S):
            assert '"uid"' not in block  # no random trace ids
        charts += expected
    assert charts >= 20


def test_every_output_carries_the_fixed_build_time(builds):
    _, _, made = builds
    out, _ = made["b"]  # built with TZ=Asia/Shanghai: the page shows the configured zone, stored times are UTC
    shown = "2024-07-15 08:00（Asia/Shanghai，UTC+08:00）"  # the epoch in data/config.yaml's time_zone
    for page in (out / "html").glob("*.html"):
        assert shown in page.read_text(encoding="utf-8"), page.name
    for archive_path in (out / "tables").iterdir():
        with zipfile.ZipFile(archive_path) as archive:
            assert {i.date_time for i in archive.infolist()} == {STAMP.timetuple()[:6]}, archive_path.name
            core = archive.read("docProps/core.xml").decode("utf-8")
        assert core.count(STAMP.strftime("%Y-%m-%dT%H:%M:%SZ")) >= 2, archive_path.name  # created, modified
    for path in (out / "notebooks").glob("*.ipynb"):
        nb = json.loads(path.read_text(encoding="utf-8"))
        times = {nb["metadata"]["papermill"]["start_time"], nb["metadata"]["papermill"]["end_time"]}
        times |= {c["metadata"]["papermill"][k] for c in nb["cells"] for k in ("start_time", "end_time")
                  if c["metadata"].get("papermill", {}).get(k)}
        assert times == {STAMP.isoformat()}, path.name
        assert not any("execution" in c["metadata"] for c in nb["cells"]), path.name  # no wall-clock timings
