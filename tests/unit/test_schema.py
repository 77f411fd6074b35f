"""Which field a ledger's heading names (analysis.schema.header_field)."""
from __future__ import annotations

import pytest

from analysis import schema

LEDGER = schema.fields_by_header(schema.LEDGER_FIELDS)


@pytest.mark.parametrize("heading, field", [
    ("建议编号（号）", "suggestion_id"),
    ("交办日期（年月日）", "assigned_date"),
    ("办理结果(A/B/C类)", "outcome_class"),
    ("承办单位（主办）", "lead_unit"),  # the note names the same field (主办单位)
    ("代表满意度（对办理工作）", "satisfaction"),
    ("是否重点督办（是/否）", "key_supervision"),
    ("建议编号", "suggestion_id"),
])
def test_a_heading_with_a_bracketed_note_names_its_field(heading, field):
    assert schema.header_field(heading, LEDGER).name == field


@pytest.mark.parametrize("heading", [
    "承办单位（协办）",  # the co-units, though its first words name the lead unit
    "代表满意度（对办理结果）",  # satisfaction with the result, a field of its own
])
def test_a_note_naming_another_field_leaves_the_heading_unknown(heading):
    assert schema.header_field(heading, LEDGER) is None


def test_a_note_naming_no_field_is_dropped():
    assert schema.header_field("备注（经办人）", LEDGER).name == "note"
