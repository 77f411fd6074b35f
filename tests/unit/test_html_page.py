"""Unit tests of analysis.html_page: the run's index and which plotly.js a page inlines."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from analysis import export, html_page
from analysis.reasons import Reason, Said, of

HOSTILE = "<script>window.__pwned=1</script>"
PLOTLY_HEADER = "plotly.js v"


@pytest.fixture
def epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1721001600")  # 2024-07-15 00:00:00 UTC


# --- index ----------------------------------------------------------------------------------------


def test_index_lists_every_report_with_status_and_links(epoch):
    entries = [
        html_page.IndexEntry("session_report_18-2", "年度报告", "done", session="十八届人大二次会议",
                          links={"html": "session_report_18-2.html", "notebook": "../notebooks/session_report_18-2.ipynb",
                                 "excel": "../tables/session_report_18-2.xlsx"}),
        html_page.IndexEntry("trends", HOSTILE, "failed", why=(Said(Reason.CELL, 4), ": ValueError: boom"),
                          links={"notebook": "../notebooks/trends.ipynb"}),
        html_page.IndexEntry("figures_check", "核对", "skipped", why=of(Reason.UP_TO_DATE),
                          links={"html": "figures check.html"}),
    ]
    page = html_page.render_index(entries, lang="zh", is_sample=True)
    assert export.external_references(page) == []
    assert '<a href="session_report_18-2.html">年度报告</a>' in page
    assert '<a href="../tables/session_report_18-2.xlsx">Excel 表格</a>' in page
    assert 'class="sa-status-failed">失败</td>' in page
    assert '<td>第4格: ValueError: boom</td>' in page
    assert '<td>未改变</td>' in page and "up to date" not in page  # the runner's reason, in the page's language
    assert "&lt;script&gt;" in page and "<script>window" not in page
    assert 'href="figures%20check.html"' in page
    assert "共 3 份：完成 1，失败 1，跳过 1。" in page and "2024-07-15 08:00（Asia/Shanghai，UTC+08:00）" in page
    assert 'class="sa-banner"' in page and PLOTLY_HEADER not in page


def test_index_shows_a_kept_report_as_done_with_the_time_of_its_last_build(epoch):
    entries = [html_page.IndexEntry("trends", "趋势", "done", links={"html": "trends.html"},
                                 built_at="2024-07-01T00:00:00+00:00", made_now=False),
               html_page.IndexEntry("figures_check", "核对", "skipped", why=of(Reason.NO_FIGURES))]
    page = html_page.render_index(entries, lang="zh")
    assert re.search(r'class="sa-status-done"[^>]*>完成</td><td class="sa-built"[^>]*>2024-07-01 08:00'
                     r'（Asia/Shanghai，UTC\+08:00）</td>', page)
    assert re.search(r'class="sa-status-skipped"[^>]*>跳过</td><td class="sa-built"[^>]*>—</td>', page)
    assert "本次运行：重做 0 份，未改变沿用上次结果 1 份。" in page
    english = html_page.render_index(entries, lang="en")
    assert "This run: 0 made, 1 unchanged since their last build." in english


def test_english_index_says_the_reasons_in_english(epoch):
    entries = [html_page.IndexEntry("trends", "Trends", "skipped", why=of(Reason.UP_TO_DATE)),
               html_page.IndexEntry("figures_check", "Check", "skipped", why=of(Reason.NO_FIGURES))]
    page = html_page.render_index(entries, lang="en")
    assert "<td>up to date</td>" in page and "<td>no published-figures file given</td>" in page
    assert "未改变" not in page and "没有" not in page


def test_the_index_line_reads_as_chinese_in_chinese_and_as_english_in_english(epoch):
    """The line under the index's title joined its sentences with ASCII spaces and wrote 生成时间: with an ASCII colon."""
    entries = [html_page.IndexEntry("trends", "趋势", "done", links={"html": "trends.html"})]
    line = re.search(r"<p>(共 1 份.*?)</p>", html_page.render_index(entries, lang="zh")).group(1)
    assert line == ("共 1 份：完成 1，失败 0，跳过 0。本次运行：重做 1 份，未改变沿用上次结果 0 份。"
                    "生成时间：2024-07-15 08:00（Asia/Shanghai，UTC+08:00）")
    english = re.search(r"<p>(\d+ report.*?)</p>", html_page.render_index(entries, lang="en")).group(1)
    assert ". This run: 1 made, 0 unchanged since their last build. Generated: 2024-07-15 08:00" in english


# --- which plotly.js a page inlines (performance: benchmarks/README.md, benchmark 4) ---------------


def test_pages_with_bar_and_scatter_charts_inline_the_basic_bundle_compressed():
    basic = html_page.plotly_scripts({"bar", "scatter"})
    assert basic == html_page.plotly_scripts() and len(basic) < 480_000  # the full bundle is 4.8 MB, the basic 1.19
    assert basic.count(PLOTLY_HEADER) == 1 and "basic bundle" in basic and "DecompressionStream" in basic
    assert export.external_references(f"<html>{basic}</html>") == []  # unpacked in the page, never fetched
    page = html_page.page_html(lang="zh", title="t", content="", charts=[
        ("c1", {"data": [{"type": "bar", "x": [1], "y": [2]}, {"y": [3]}], "layout": {}})])
    assert basic in page


def _from_script_text(text: str, length: int) -> bytes:
    """What templates/plotly-loader.js does, in Python: 11 digits of base 94 to 9 bytes."""
    digits = html_page.SCRIPT_TEXT_DIGITS
    assert len(text) % 11 == 0
    out = bytearray()
    for start in range(0, len(text), 11):
        value = 0
        for char in text[start:start + 11]:
            value = value * len(digits) + digits.index(char)
        out += value.to_bytes(9, "big")
    return bytes(out[:length])


def test_the_inlined_bundle_is_the_vendored_gzip_as_script_text_that_no_html_parser_can_misread():
    basic = html_page.basic_bundle()
    assert len(html_page.SCRIPT_TEXT_DIGITS) == 94 and "<" not in html_page.SCRIPT_TEXT_DIGITS
    assert set(basic.packed) <= set(html_page.SCRIPT_TEXT_DIGITS)  # "<!--" or "</script" would change how it ends
    vendored = html_page.BASIC_PLOTLY_GZ.read_bytes()
    assert basic.packed_bytes == len(vendored) and _from_script_text(basic.packed, len(vendored)) == vendored
    assert len(basic.packed) < len(vendored) * 1.23  # base85 took 1.25 characters a byte
    assert (f'data-encoding="base94" data-bytes="{len(vendored)}">{basic.packed}</script>'
            in html_page.plotly_scripts({"bar"}))


def test_script_text_keeps_any_bytes_and_any_length():
    for data in (b"", b"\x00", b"\xff" * 9, bytes(range(256)), b"\x00" * 17 + b"\x01", bytes(range(255, -1, -1)) * 3):
        text = html_page.in_script_text(data)
        assert len(text) == -(-len(data) // 9) * 11
        assert _from_script_text(text, len(data)) == data


def test_the_vendored_bundle_is_the_pinned_registry_file_and_the_installed_plotly_js():
    import gzip
    import hashlib

    import yaml
    from plotly.offline import get_plotlyjs_version

    pins = yaml.safe_load((html_page.BASIC_PLOTLY_GZ.parent / "plotly-basic.provenance.yaml").read_text())
    packed = html_page.BASIC_PLOTLY_GZ.read_bytes()
    assert (hashlib.sha256(packed).hexdigest(), len(packed)) == (pins["gz_sha256"], pins["gz_bytes"])
    bundle = gzip.decompress(packed)
    assert (hashlib.sha256(bundle).hexdigest(), len(bundle)) == (pins["sha256"], pins["bytes"])  # npm's file
    assert str(pins["version"]) == get_plotlyjs_version() == html_page.basic_bundle().version


def _trace_types_charts_draw() -> set[str]:
    """Every trace type analysis.charts can draw: the plotly.graph_objects trace classes its code builds."""
    import ast

    from analysis import charts

    tree = ast.parse(Path(charts.__file__).read_text(encoding="utf-8"))
    built = {node.func.attr for node in ast.walk(tree) if isinstance(node, ast.Call)
             and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)
             and node.func.value.id == "go" and node.func.attr[0].isupper()}
    import plotly.graph_objects as go
    from plotly.basedatatypes import BaseTraceType

    traces = {name for name in built if issubclass(getattr(go, name), BaseTraceType)}
    return {getattr(go, name)().type for name in traces}


def test_every_chart_type_the_package_draws_is_in_the_basic_bundle():
    drawn = _trace_types_charts_draw()
    assert drawn and drawn <= html_page.basic_bundle().trace_types, drawn - html_page.basic_bundle().trace_types
    assert html_page.basic_bundle().trace_types == {"bar", "pie", "scatter"}  # read from the bundle itself


def test_a_chart_the_basic_bundle_cannot_draw_gets_the_full_bundle():
    full = html_page.plotly_scripts({"bar", "heatmap"})
    assert len(full) > 4_000_000 and full != html_page.plotly_scripts({"bar"}) and "DecompressionStream" not in full
    page = html_page.page_html(lang="zh", title="t", content="",
                               charts=[("c1", {"data": [{"type": "heatmap", "z": [[1]]}], "layout": {}})])
    assert full in page


def test_a_basic_bundle_of_another_plotly_js_version_or_broken_is_not_used(monkeypatch, tmp_path):
    import gzip

    stale = tmp_path / "plotly-basic.min.js.gz"
    stale.write_bytes(gzip.compress(b"/**\n* plotly.js (basic - minified) v0.0.1\n*/\nwindow.Plotly = {};"))
    broken = tmp_path / "broken.gz"
    broken.write_bytes(b"not gzip")
    for bundle in (stale, broken, tmp_path / "missing.gz"):
        monkeypatch.setattr(html_page, "BASIC_PLOTLY_GZ", bundle)
        html_page.basic_bundle.cache_clear()
        try:
            assert html_page.basic_bundle() is None
            assert len(html_page.plotly_scripts({"bar"})) > 4_000_000  # the full bundle, which matches plotly.py
        finally:
            html_page.basic_bundle.cache_clear()


def test_the_compressed_bundle_opens_the_page_and_the_full_bundle_closes_it():
    # unpacked and compiled while the browser reads the rest (benchmarks/README.md, benchmark 4); the full bundle,
    # which runs where it stands, comes after the text it would otherwise hold back
    charts = [("c1", {"data": [{"type": "bar", "x": ["a"], "y": [1]}], "layout": {}})]
    page = html_page.page_html(lang="zh", title="t", content="<p>正文</p>", charts=charts, is_sample=True)
    basic = html_page.plotly_scripts({"bar"})
    assert page.index("<body") < page.index(basic) < page.index('class="sa-banner"') < page.index("<p>正文</p>") \
        < page.index('class="sa-chart-data"')
    full_page = html_page.page_html(lang="zh", title="t", content="<p>正文</p>",
                                    charts=[("c1", {"data": [{"type": "heatmap", "z": [[1]]}], "layout": {}})])
    assert full_page.index("<p>正文</p>") < full_page.index(html_page.plotly_scripts({"heatmap"}))


def test_the_page_policy_lets_scripts_come_only_from_the_page_and_blobs_it_makes():
    policy = dict(part.strip().split(" ", 1) for part in html_page.CONTENT_SECURITY_POLICY.split(";"))
    assert policy["script-src"] == "'unsafe-inline' 'unsafe-eval' blob:"  # no file:, data: or network script
    assert policy["default-src"] == policy["connect-src"] == "'none'"


def _blocks(page: str) -> dict[str, object]:
    import json

    found = {target: json.loads(text) for target, text in re.findall(
        r'<script type="application/json" class="sa-chart-data" data-target="([^"]+)">(.*?)</script>', page, re.S)}
    shared = re.search(rf'<script type="application/json" id="{html_page.CHART_TEMPLATE_ID}">(.*?)</script>', page, re.S)
    return {"charts": found, "theme": json.loads(shared.group(1)) if shared else None}


def test_a_theme_every_chart_shares_is_written_once_and_each_chart_is_otherwise_as_given():
    from analysis import charts

    theme = charts.theme_template().to_plotly_json()
    figures = [{"data": [{"type": "bar", "x": ["甲"], "y": [n]}], "layout": {"template": theme, "height": 300 + n}}
               for n in range(3)]
    page = html_page.page_html(lang="zh", title="t", content="", charts=[(f"c{n}", f) for n, f in enumerate(figures)])
    found = _blocks(page)
    assert found["theme"] == theme and page.count('"family"') == 2  # the font named once (and in its hover label)
    for n, figure in enumerate(figures):
        assert found["charts"][f"c{n}"] == {"data": figure["data"], "layout": {"height": 300 + n}}


@pytest.mark.parametrize("layouts", [
    [{"template": {"layout": {"bargap": 0.3}}}, {"template": {"layout": {"bargap": 0.5}}}],  # two themes
    [{"template": {"layout": {"bargap": 0.3}}}, {}],  # one chart without one
    [{"template": {"layout": {"bargap": 0.3}}}],  # a single chart: nothing to share
])
def test_charts_themed_differently_or_alone_keep_their_own_theme(layouts):
    figures = [{"data": [{"type": "bar", "x": ["甲"], "y": [1]}], "layout": layout} for layout in layouts]
    page = html_page.page_html(lang="zh", title="t", content="", charts=[(f"c{n}", f) for n, f in enumerate(figures)])
    found = _blocks(page)
    assert found["theme"] is None
    assert [found["charts"][f"c{n}"] for n in range(len(figures))] == figures
