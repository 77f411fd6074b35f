"""The page's tables leave out the end tags HTML implies (export.without_implied_end_tags): a browser builds the same
tables from them, so a reader sees the same page (issue 17: pages under 600 KB)."""
from __future__ import annotations

import pytest

from analysis import export, report

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAYLOAD = {"name": "t", "title": "已解决或基本解决占比", "note": "注",
           "columns": ["报告", "层级", "件数", "基数", "95%区间", "与本区相比", "说明"],
           "rows": [["本区（示例数据）", "区", 65, 135, "39.9% – 56.5%", "—", ""],
                    ["T03 上海市长宁区", "区", 62, 67, "83.7% – 96.8%", "明显高于本区", "</td></tr></tbody><td>x"],
                    ["R12 上海市", "省", None, None, "—", "基数口径不同，未检验", "很长的说明" * 9]] * 6}


def test_a_table_without_its_implied_end_tags_is_the_same_table_to_the_browser(browser):
    whole = export.sanitise_html(report.render_payload(report.MIME_TABLE, PAYLOAD, "zh"))
    lean = export.without_implied_end_tags(whole)
    assert len(lean) < len(whole) - 5 * 7 * 18
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        built = []
        for html in (whole, lean):
            page.set_content(f'<!DOCTYPE html><html lang="zh"><meta charset="utf-8"><body>{html}</body></html>')
            built.append(page.evaluate("() => document.body.innerHTML"))
    finally:
        context.close()
    assert built[0] == built[1] and built[0].count("<tr>") == 19 and built[0].count("</td>") == 7 * 18
