"""Text columns as integer codes into their distinct values, worked out once per column.

A report counts the same few text columns of a ledger (session, handling body, outcome class …)
dozens of times; with a million rows, turning a column into codes costs a tenth of a second
each time. ``of(frame, name)`` does it once per column array and keeps the result while the
column still holds the very same cells: each entry keeps a copy of the cells, so an edit in
place (``cases.loc[i, "handler"] = …``) is seen and the column factorised afresh, and a filtered,
copied or replaced column has an array of its own. An entry goes when its column's array does.

The loader has factorised every column already; it hands its codes over with ``remember``.
"""
from __future__ import annotations

import ctypes
import weakref
from dataclasses import dataclass

import numpy as np
import pandas as pd

# Text columns hold Python strings (pandas' "python" storage), with or without pyarrow installed:
# pandas 3 would otherwise switch every "string" and "str" column to Arrow storage as soon as
# pyarrow is importable (the loader reads large CSV files with it), and the frames the notebooks,
# pages and workbooks are made from would change under them. Set here because the loader and the
# metrics, which make every frame a report shows, both import this module first.
pd.set_option("mode.string_storage", "python")


@dataclass(frozen=True)
class Factor:
    """A text column as one code per row into its distinct values, stripped (-1 = blank or missing)."""

    codes: np.ndarray
    labels: tuple[str, ...]

    def series(self, index: pd.Index, name: str) -> pd.Series:
        """The column as stripped text, blank as NA."""
        table = np.array([*self.labels, pd.NA], dtype=object)
        values = pd.array(table[self.codes], dtype="string")  # code -1 takes the last slot: NA
        return pd.Series(values, index=index, name=name)


# The text columns of a ledger the metrics count by: the loader hands over its codes for these.
COUNTED = ("session", "handler", "outcome_class", "status", "satisfaction", "topic", "lead_unit", "data_source")

_FACTORS: dict[int, tuple[weakref.ref, np.ndarray, Factor]] = {}


def of(frame: pd.DataFrame, name: str) -> Factor:
    """The column ``name`` of ``frame`` factorised (all blank when the frame lacks it), computed once per column."""
    if name not in frame.columns:
        return Factor(np.full(len(frame), -1, dtype=np.intp), ())
    series = frame[name]
    cells = _cells(series)
    known = _known(cells)
    if known is not None:
        return known
    factor = _factorise(series)
    if cells is not None:
        _keep(cells, factor)
    return factor


def remember(frame: pd.DataFrame, name: str, codes: np.ndarray, values: list) -> None:
    """Take the codes of a column the loader built as ``values[codes]`` (None and code -1 = blank)."""
    cells = _cells(frame[name])
    labels: dict[str, int] = {}
    table = np.array([labels.setdefault(v, len(labels)) if v is not None else -1 for v in values] + [-1],
                     dtype=np.intp)
    if cells is not None and all(label and label == label.strip() for label in labels):
        _keep(cells, Factor(table[codes], tuple(labels)))


def _known(cells: np.ndarray | None) -> Factor | None:
    entry = _FACTORS.get(id(cells)) if cells is not None else None
    if entry is not None and entry[0]() is cells and np.array_equal(_addresses(entry[1]), _addresses(cells)):
        return entry[2]
    return None


def _keep(cells: np.ndarray, factor: Factor) -> None:
    entry = _FACTORS.get(id(cells))
    if entry is None or entry[0]() is not cells:
        weakref.finalize(cells, _FACTORS.pop, id(cells), None)
    # the copy holds the cells' objects alive, so equal addresses later mean the very same objects
    _FACTORS[id(cells)] = (weakref.ref(cells), cells.copy(), factor)


def _cells(series: pd.Series) -> np.ndarray | None:
    """The object array behind a text column of the pandas "string" dtype, when it has one of its own."""
    values = series.array
    cells = getattr(values, "_ndarray", None) if isinstance(series.dtype, pd.StringDtype) else None
    if isinstance(cells, np.ndarray) and cells.dtype == object and cells.ndim == 1 and cells.flags.c_contiguous:
        return cells
    return None


def _addresses(cells: np.ndarray) -> np.ndarray:
    """The addresses of the objects an object array holds, as integers (a view, no copy)."""
    if not len(cells):
        return np.zeros(0, dtype=np.intp)
    return np.ctypeslib.as_array((ctypes.c_ssize_t * len(cells)).from_address(cells.ctypes.data))


def _factorise(series: pd.Series) -> Factor:
    codes, uniques = pd.factorize(series.astype("string"), use_na_sentinel=True)
    # The loader strips every cell; a hand-made frame may hold " A", "A" and "": one label and a blank.
    stripped = [str(u).strip() for u in uniques]
    if all(s and s == str(u) for s, u in zip(stripped, uniques)):
        return Factor(codes.astype(np.intp, copy=False), tuple(stripped))
    labels: dict[str, int] = {}
    remap = np.array([labels.setdefault(s, len(labels)) if s else -1 for s in stripped] + [-1], dtype=np.intp)
    return Factor(remap[codes], tuple(labels))
