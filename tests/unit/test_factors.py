"""Text columns factorised once: the loader's codes, and codes that never outlive an edit."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import factors, load

HEADER = "建议编号,届次,标题,承办主体,办理结果,办理状态,交办日期,答复日期,代表满意度,主办单位,类别"
ROWS = [
    "S-1,十九届人大一次会议,甲,区政府,A类,已办结,2024-03-05,2024-04-01,满意, 区城管局 ,城建环保",
    "S-2,第十九届人民代表大会第一次会议,乙, 国际港务区 ,列入规划,已办结,2024-03-05,2024-04-02,比较满意,,",
    "S-3,十九届人大一次会议,丙,区政府,A,办理中,2024-03-05,,,区城管局,城建环保",
    "S-4,十九届二次,丁,区政府,C类,已办结,2025-03-05,2025-04-01,不满意,区教育局,教科文卫",
]


def labels_per_row(factor: factors.Factor) -> list[str | None]:
    return [factor.labels[c] if c >= 0 else None for c in factor.codes]


def test_the_loaders_codes_are_what_factorising_the_frame_gives(write_file):
    frame = load.load_cases(write_file("l.csv", "\n".join([HEADER, *ROWS]) + "\n"))
    for name in factors.COUNTED:
        if name not in frame.columns or frame[name].isna().all():
            continue
        handed_over = factors._known(factors._cells(frame[name]))
        assert handed_over is not None, name  # the loader's codes are used: nothing is factorised again
        assert labels_per_row(handed_over) == labels_per_row(factors._factorise(frame[name])), name
    assert labels_per_row(factors.of(frame, "outcome_class")) == ["A", "B", "A", "C"]  # A类 and A: one label
    assert labels_per_row(factors.of(frame, "lead_unit")) == ["区城管局", None, "区城管局", "区教育局"]


def test_codes_follow_edits_and_strip_hand_made_text():
    frame = pd.DataFrame({"handler": pd.array(["区政府", " 区政府", "", None], dtype="string")})
    assert labels_per_row(factors.of(frame, "handler")) == ["区政府", "区政府", None, None]
    frame.loc[3, "handler"] = "区法院"  # in place: same array, one cell changed
    assert labels_per_row(factors.of(frame, "handler")) == ["区政府", "区政府", None, "区法院"]
    assert labels_per_row(factors.of(frame, "topic")) == [None] * 4  # a column the frame lacks is blank


def test_a_loaded_or_filtered_column_is_checked_without_a_copy_and_an_edit_is_still_seen(write_file):
    frame = load.load_cases(write_file("l.csv", "\n".join([HEADER, *ROWS]) + "\n"))
    part = frame[frame["handler"].eq("区政府").fillna(False).astype(bool)].copy()  # the same string objects
    assert labels_per_row(factors.of(part, "handler")) == ["区政府", "区政府", "区政府"]
    for column in (frame["handler"], part["handler"]):
        kept = factors._FACTORS[id(factors._cells(column))][1]
        assert isinstance(kept, tuple)  # the label objects, not a copy of a cell per row
    part.loc[part.index[1], "handler"] = "区".join(["", "法院"])  # a new object, in place
    assert labels_per_row(factors.of(part, "handler")) == ["区政府", "区法院", "区政府"]
    part.loc[part.index[1], "handler"] = "".join(["区", "政府"])  # equal text, another object: still read right
    assert labels_per_row(factors.of(part, "handler")) == ["区政府", "区政府", "区政府"]


def test_of_cells_gives_codes_only_when_the_labels_are_the_cells_as_they_are(write_file):
    frame = load.load_cases(write_file("l.csv", "\n".join([HEADER, *ROWS]) + "\n"))
    factor = factors.of_cells(frame, "session")  # the loader's column: its codes, labels the cells themselves
    assert factor is not None and labels_per_row(factor) == frame["session"].tolist()
    for cells in ([" 区政府", "区政府"], ["区政府", ""], ["区政府 "], ["区政府", "".join(["区", "政府"])]):
        hand_made = pd.DataFrame({"handler": pd.array(cells, dtype="string")})
        assert factors.of_cells(hand_made, "handler") is None  # padded, blank, or one label in two objects
    assert factors.of_cells(frame.drop(columns="topic"), "topic") is None  # a column the frame lacks
    assert factors.of_cells(pd.DataFrame({"handler": ["区政府", None]}, dtype=object), "handler") is None


def test_codes_of_a_column_whose_equal_labels_are_different_objects_are_kept_with_a_copy():
    cells = ["区政府", "".join(["区", "政府"]), None]
    frame = pd.DataFrame({"handler": pd.array(cells, dtype="string")})
    assert labels_per_row(factors.of(frame, "handler")) == ["区政府", "区政府", None]
    assert not isinstance(factors._FACTORS[id(factors._cells(frame["handler"]))][1], tuple)
    frame.loc[1, "handler"] = "区法院"
    assert labels_per_row(factors.of(frame, "handler")) == ["区政府", "区法院", None]


def test_text_array_checks_the_distinct_values_and_gives_what_checking_every_row_gives():
    values = ["甲", "乙", None, float("nan"), "丙"]
    codes = np.array([0, 1, -1, 2, 3, 4, 0, -1, 4], dtype=np.int32)
    table = np.array([*values, None], dtype=object)
    table[pd.isna(table)] = pd.NA
    straightforward = pd.arrays.StringArray(table[codes])
    fast = factors.text_array(values, codes)
    assert fast.dtype == straightforward.dtype and type(fast) is type(straightforward)
    assert fast.tolist() == straightforward.tolist() == ["甲", "乙", pd.NA, pd.NA, pd.NA, "丙", "甲", pd.NA, "丙"]
    assert all(a is b for a, b in zip(fast._ndarray, straightforward._ndarray))  # the very label objects
    assert len(factors.text_array(values, np.zeros(0, dtype=np.intp))) == 0
    # a value that is not text: refused only when a row holds it, as before
    assert factors.text_array([1, "甲"], np.array([1, 1])).tolist() == ["甲", "甲"]
    with pytest.raises(ValueError):
        factors.text_array([1, "甲"], np.array([0, 1]))


def _joined_as_before(parts: list[tuple[list, np.ndarray]]) -> tuple[list, np.ndarray]:
    """What the loader did before it wrote the files' codes into one array: shift each file's codes, then join."""
    offsets = np.cumsum([0] + [len(values) for values, _ in parts[:-1]])
    return ([value for values, _ in parts for value in values],
            np.concatenate([np.where(codes >= 0, codes.astype(np.intp) + offset, -1)
                            for (_, codes), offset in zip(parts, offsets)]))


def test_files_codes_joined_in_place_give_what_shifting_each_file_and_joining_gave():
    rng = np.random.default_rng(7)
    for trial in range(200):
        parts = []
        for _ in range(int(rng.integers(1, 5))):
            values = [f"v{i}" if rng.random() > 0.2 else None for i in range(int(rng.integers(0, 6)))]
            n = int(rng.integers(0, 30))
            codes = rng.integers(-1, len(values), n) if values else np.full(n, -1)
            # the loader's pieces: int32 codes from the reader, intp ones for a column a file leaves out
            parts.append((values, codes.astype(np.int32 if trial % 2 else np.intp)))
        values, codes = _joined_as_before(parts)
        joined = load._Text.join([load._Text(v, c) for v, c in parts])
        assert joined.values == values
        assert joined.codes.tolist() == codes.tolist()
        assert factors.text_array(joined.values, joined.codes).tolist() == factors.text_array(values, codes).tolist()
        factor = factors.concat([load._Text(v, c).factor() for v, c in parts])
        before = load._Text(values, codes).factor()  # one factor of the joined column
        assert factor.labels == before.labels and factor.codes.tolist() == before.codes.tolist()
        remapped, labels = [], {}  # factors.concat as it was: each part remapped, then joined
        for part in (load._Text(v, c).factor() for v, c in parts):
            remap = np.array([labels.setdefault(label, len(labels)) for label in part.labels] + [-1], dtype=factors.CODE)
            remapped.append(remap[part.codes])
        assert factor.labels == tuple(labels) and factor.codes.tolist() == np.concatenate(remapped).tolist()
        assert factor.codes.dtype == factors.CODE
    assert len(factors.concat([]).codes) == 0 and factors.concat([]).codes.dtype == factors.CODE


def test_used_keeps_only_the_labels_a_row_holds_in_their_order():
    factor = factors.Factor(np.array([2, -1, 0, 2], dtype=factors.CODE), ("甲", "乙", "丙"))
    kept = factors.used(factor)
    assert kept.labels == ("甲", "丙") and kept.codes.tolist() == [1, -1, 0, 1]
    assert factors.text_array(kept.labels, kept.codes).tolist() == factors.text_array(factor.labels,
                                                                                      factor.codes).tolist()
    assert factors.used(kept) is kept  # nothing to drop: the very factor
