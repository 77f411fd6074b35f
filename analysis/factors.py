"""Text columns as integer codes into their distinct values, worked out once per column.

A report counts the same few text columns of a ledger (session, handling body, outcome class …)
dozens of times; with a million rows, turning a column into codes costs a tenth of a second
each time. ``of(frame, name)`` does it once per column array and keeps the result while the
column still holds the very same cells, so an edit in place (``cases.loc[i, "handler"] = …``) is
seen and the column factorised afresh, and a filtered, copied or replaced column has an array of
its own. An entry goes when its column's array does.

Whether the cells are still the same is told without a copy of them when each label is held by
one string object, as in the loader's columns (built from their labels) and in any frame filtered
from them: the entry keeps those objects alive, so a cell holds its label exactly when it holds
that object, and one comparison of addresses checks every row. A column whose equal labels are
different objects (a hand-made frame) keeps a copy of its cells instead.

The loader builds the counted columns from their codes (``text_array``) and hands them over with
``remember``; ``concat`` joins the columns of several files, codes and all.
"""
from __future__ import annotations

import ctypes
import weakref
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import pandas_options  # noqa: F401 (text columns in Python strings: see there)


@dataclass(frozen=True)
class Factor:
    """A text column as one code per row into its distinct values, stripped (-1 = blank or missing)."""

    codes: np.ndarray  # ``CODE``: 4 bytes a row, kept for every counted column while its frame lives
    labels: tuple[str, ...]

    def series(self, index: pd.Index, name: str) -> pd.Series:
        """The column as stripped text, blank as NA."""
        return pd.Series(text_array(self.labels, self.codes), index=index, name=name)


CODE = np.int32  # a code per row: half the memory of NumPy's default integer (a ledger holds fewer than 2**31 rows)

# The text columns of a ledger counted by (the metrics; source_file when files are joined): the loader hands
# over its codes for these.
COUNTED = ("session", "handler", "outcome_class", "status", "satisfaction", "topic", "lead_unit", "data_source",
           "source_file")

# id of the column's object array → (a weak reference to it, the label objects and the addresses
# each row must hold, or a copy of the cells; the factor)
_FACTORS: dict[int, tuple[weakref.ref, tuple | np.ndarray, Factor]] = {}


def text_array(values, codes: np.ndarray) -> pd.arrays.StringArray:
    """``values[codes]`` as pandas text (the "python" storage, whatever the session's options); code -1 = NA.

    The cells are the very objects of ``values``: equal cells share one object, which ``of`` relies on.
    """
    table = np.array([*values, None], dtype=object)
    table[pd.isna(table)] = pd.NA  # None (a blank or bad value) and the last slot, for code -1
    try:
        # pandas checks that every cell is text or NA: done once per distinct value, not once per row
        distinct = pd.arrays.StringArray(table)
    except ValueError:  # a value that is not text: the rows are built as before, and refused as before
        return pd.arrays.StringArray(table[codes])
    return distinct.take(codes)  # code -1 takes the last slot, NA, as ``table[codes]`` would


def of(frame: pd.DataFrame, name: str) -> Factor:
    """The column ``name`` of ``frame`` factorised (all blank when the frame lacks it), computed once per column."""
    if name not in frame.columns:
        return Factor(np.full(len(frame), -1, dtype=CODE), ())
    series = frame[name]
    cells = _cells(series)
    known = _known(cells)
    if known is not None:
        return known
    factor = _factorise(series)
    if cells is not None:
        _keep(cells, factor, _objects(cells, factor))
    return factor


def of_cells(frame: pd.DataFrame, name: str) -> Factor | None:
    """``of(frame, name)`` when its labels are the column's cells themselves (none blank or padded), else None."""
    cells = _cells(frame[name]) if name in frame.columns else None
    if cells is None:
        return None
    factor = of(frame, name)
    # each row holds its label's very object (a missing cell pd.NA): no cell was stripped, merged or made blank
    objects = _objects(cells, factor)
    return factor if objects is not None and objects == factor.labels else None


def remember(frame: pd.DataFrame, name: str, factor: Factor) -> None:
    """Take the codes of a column the loader built as ``text_array(factor.labels, factor.codes)``."""
    cells = _cells(frame[name])
    if cells is not None and all(label and label == label.strip() for label in factor.labels):
        _keep(cells, factor, factor.labels)


def from_values(codes: np.ndarray, values: list) -> Factor:
    """The factor of a column held as ``values[codes]`` (None and code -1 = blank; equal values one label)."""
    labels: dict[str, int] = {}
    table = np.array([labels.setdefault(v, len(labels)) if v is not None else -1 for v in values] + [-1],
                     dtype=CODE)
    return Factor(table[codes], tuple(labels))


def used(factor: Factor) -> Factor:
    """The factor with only the labels some row holds, in their order.

    A loader's values may hold those of rows it left out (a signature line below the records): they must not become a
    handling body or a session with no suggestion.
    """
    held = np.bincount(factor.codes[factor.codes >= 0], minlength=len(factor.labels)).astype(bool)
    if held.all():
        return factor
    renumbered = np.full(len(factor.labels) + 1, -1, dtype=CODE)  # the last slot keeps -1 (blank) as -1
    renumbered[:-1][held] = np.arange(int(held.sum()), dtype=CODE)
    return Factor(renumbered[factor.codes], tuple(label for label, kept in zip(factor.labels, held) if kept))


def concat(parts: list[Factor]) -> Factor:
    """The factors of columns set one after another, as one (labels in order of first use over the parts)."""
    labels: dict[str, int] = {}
    codes = np.empty(sum(len(part.codes) for part in parts), dtype=CODE)
    at = 0
    for part in parts:  # each part's codes remapped straight into the joined array (no copy per part beside it)
        remap = np.array([labels.setdefault(label, len(labels)) for label in part.labels] + [-1], dtype=CODE)
        # "wrap" takes code -1 to the last slot as indexing does; "raise" would buffer a copy of the part
        np.take(remap, part.codes, out=codes[at:at + len(part.codes)], mode="wrap")
        at += len(part.codes)
    return Factor(codes, tuple(labels))


def _known(cells: np.ndarray | None) -> Factor | None:
    entry = _FACTORS.get(id(cells)) if cells is not None else None
    if entry is None or entry[0]() is not cells:
        return None
    kept, factor = entry[1], entry[2]
    if isinstance(kept, np.ndarray):  # a copy of the cells
        same = np.array_equal(_addresses(kept), _addresses(cells))
    else:  # the label objects, NA last: each row must hold the object of its code
        same = _holds(np.array([id(v) for v in kept], dtype=np.intp), factor.codes, _addresses(cells))
    return factor if same else None


def _holds(objects: np.ndarray, codes: np.ndarray, addresses: np.ndarray, block: int = 1 << 15) -> bool:
    """Whether each row holds the object of its code (-1: the last), checked a block of rows at a time: the
    blocks stay in a core's cache (a million rows: about a third of the time of one pass over them all)."""
    return all(np.array_equal(objects.take(codes[i:i + block]), addresses[i:i + block])
               for i in range(0, len(codes), block))


def _keep(cells: np.ndarray, factor: Factor, objects: tuple | None) -> None:
    """Keep ``factor`` for ``cells``; ``objects`` are the label objects when each label is held by one object."""
    entry = _FACTORS.get(id(cells))
    if entry is None or entry[0]() is not cells:
        weakref.finalize(cells, _FACTORS.pop, id(cells), None)
    # what is kept holds the cells' objects alive, so equal addresses later mean the very same objects
    kept = (*objects, pd.NA) if objects is not None else cells.copy()
    _FACTORS[id(cells)] = (weakref.ref(cells), kept, factor)


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
        return Factor(codes.astype(CODE), tuple(stripped))
    labels: dict[str, int] = {}
    remap = np.array([labels.setdefault(s, len(labels)) if s else -1 for s in stripped] + [-1], dtype=CODE)
    return Factor(remap[codes], tuple(labels))


def _objects(cells: np.ndarray, factor: Factor) -> tuple | None:
    """The one object each label is held by in ``cells`` (and NA only as pd.NA), or None when there are several."""
    count = len(factor.labels)
    first = np.full(count + 1, -1, dtype=np.intp)
    positions = np.arange(len(cells) - 1, -1, -1)
    first[factor.codes[::-1]] = positions  # the last write wins: each code's first row
    objects = tuple(cells[i] for i in first[:count])
    if any(type(o) is not str for o in objects):
        return None
    expected = np.array([id(o) for o in (*objects, pd.NA)], dtype=np.intp)
    return objects if np.array_equal(expected[factor.codes], _addresses(cells)) else None
