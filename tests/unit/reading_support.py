"""Read one file by two readers of the loader and compare: shared by the Arrow and calamine tests."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import pandas as pd

from analysis import load
from analysis.errors import DataError


def read_both_ways(monkeypatch, path: Path, use_fast_reader: Callable, **options) -> list:
    """(report, frame or the error's text), read first with the fast reader, then without it;
    ``use_fast_reader(patch, on)`` switches it on or off within a monkeypatch context."""
    found = []
    for on in (True, False):
        with monkeypatch.context() as patch:
            use_fast_reader(patch, on)
            (report,) = load.validate_files([path], **options)
            try:
                frame = load.load_cases(path, **options)
            except DataError as exc:
                frame = str(exc)
        found.append((report.to_dict(), frame))
    return found


def assert_same_reading(found: list, name: str = "") -> None:
    """The two readings of ``read_both_ways`` give the same report and the same frame, or the same message;
    ``name`` says which file in a failure."""
    (report, frame), (report_slow, frame_slow) = found
    assert report == report_slow, name
    if isinstance(frame, str) or isinstance(frame_slow, str):
        assert frame == frame_slow, name
    else:
        pd.testing.assert_frame_equal(frame, frame_slow, check_exact=True, obj=name or "DataFrame")
        assert frame.attrs == frame_slow.attrs, name
