"""Every bundled data file validates clean and carries its provenance beside it."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from analysis import load, paths

REPORTED = sorted(paths.REPORTED_DIR.glob("*.csv"))
SAMPLE = sorted(paths.SAMPLE_DIR.glob("*.csv"))


def test_the_source_documents_figures_are_bundled():
    # an empty data/reported/ must fail here rather than leave the parametrised tests below with nothing to do
    assert paths.SOURCE_FIGURES in REPORTED


@pytest.mark.parametrize("path", REPORTED + SAMPLE, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_bundled_file_validates_clean(path: Path):
    (report,) = load.validate_files([path])
    errors = [str(p) for p in report.problems if p.severity == "error"]
    assert report.ok and not errors, "\n".join(errors)
    assert report.rows > 0
    assert not report.unknown_columns


@pytest.mark.parametrize("path", REPORTED + SAMPLE, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_bundled_file_has_provenance_beside_it(path: Path):
    sidecar = path.with_name(f"{path.stem}.provenance.yaml")
    assert sidecar.is_file(), f"{sidecar.name} is missing"
    meta = yaml.safe_load(sidecar.read_text(encoding="utf-8"))
    assert meta.get("title"), f"{sidecar.name} has no title"


@pytest.mark.parametrize("path", REPORTED, ids=lambda p: p.name)
def test_reported_figures_load_one_row_per_line(path: Path):
    frame = load.load_figures(path)
    lines = [line for line in path.read_text(encoding="utf-8-sig").splitlines()[1:] if line.strip(", ")]
    assert len(frame) == len(lines)
    assert (frame["source"] != "").all()  # every printed figure says where it is printed


@pytest.mark.parametrize("path", SAMPLE, ids=lambda p: p.name)
def test_sample_ledgers_say_they_are_sample_data(path: Path):
    frame = load.load_cases(path)
    assert frame.attrs["provenance"][0]["is_sample"] is True
    assert frame["data_source"].str.contains("示例数据", regex=False).all()
