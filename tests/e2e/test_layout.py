"""Every page of `make report` on a phone (390 px) and an office screen (1366 px), in real Chromium (issue 12).

No page scrolls sideways; every chart is drawn; no legend sits on a title or a plot (their
bounding boxes); a table wider than the screen either turns into cards or says it scrolls; charts
follow the window when it changes size. The measuring is in ``browser_support``, shared with
``make screenshots``.
"""
from __future__ import annotations

import nbformat
import pytest
from browser_support import WIDTHS, charts_drawn, layout_problems, open_page

from analysis import export

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _pages(default_run):
    assert default_run.first.returncode == 0, default_run.first.stdout + default_run.first.stderr
    pages = sorted(default_run.html.glob("*.html"))
    assert len(pages) == 9  # eight reports and the index
    return pages


@pytest.mark.parametrize("width", sorted(WIDTHS.values()))
def test_every_page_fits_the_screen_with_every_chart_drawn_and_nothing_overlapping(default_run, browser, width):
    problems = []
    for path in _pages(default_run):
        expected = 0 if path.name == "index.html" else export.count_figures(
            nbformat.read(default_run.out / "notebooks" / f"{path.stem}.ipynb", as_version=4))
        context, page, seen = open_page(browser, path, width)
        try:
            announced, drawn = charts_drawn(page)
            if not announced == drawn == expected:
                problems.append(f"{path.name}: {drawn} of {expected} charts drawn")
            problems += [f"{path.name} at {width} px: {p}" for p in seen + layout_problems(page)]
        finally:
            context.close()
    assert not problems, "\n".join(problems)


def test_wide_tables_become_cards_on_a_phone_and_keep_their_columns_on_a_desk(default_run, browser):
    path = default_run.html / "session_report_18-2.html"
    shown = {}
    for width in WIDTHS.values():
        context, page, _ = open_page(browser, path, width)
        try:
            # the sessions table (13 columns): cells laid out as rows of "header value" on the phone
            shown[width] = page.evaluate("""() => {
              const table = document.querySelector('[data-table="summary"] table');
              const cell = table.querySelector('tbody td:last-child');
              return {display: getComputedStyle(cell).display, label: getComputedStyle(cell, '::before').content,
                      right: table.getBoundingClientRect().right, head: table.querySelector('thead').offsetHeight};
            }""")
        finally:
            context.close()
    phone, desk = shown[WIDTHS["phone"]], shown[WIDTHS["desk"]]
    assert phone["display"] == "table" and "按期答复率" in phone["label"] and phone["right"] <= WIDTHS["phone"]
    assert phone["head"] <= 1  # the header row is there for screen readers, not drawn
    assert desk["display"] == "table-cell" and desk["label"] == "none" and desk["head"] > 10


def test_charts_follow_the_window_when_it_narrows(default_run, browser):
    context, page, _ = open_page(browser, default_run.html / "trends.html", WIDTHS["desk"])
    try:
        wide = page.evaluate("[...document.querySelectorAll('.sa-chart .main-svg')].map(s => s.getBoundingClientRect().width)")
        page.set_viewport_size({"width": WIDTHS["phone"], "height": 844})
        page.wait_for_function(f"[...document.querySelectorAll('.sa-chart')].every(c => "
                               f"c.querySelector('.main-svg').getBoundingClientRect().width <= {WIDTHS['phone']})",
                               timeout=10_000)
        narrow = page.evaluate("[...document.querySelectorAll('.sa-chart .main-svg')].map(s => s.getBoundingClientRect().width)")
        assert min(wide) > 800 and max(narrow) <= WIDTHS["phone"], (wide, narrow)
        assert layout_problems(page) == []
    finally:
        context.close()


# Every tick label and axis title of every chart lies inside the chart's drawing (nothing cut off at an edge); and
# on a desk the left and bottom margins plotly settles on are the ones the page gave it (analysis.chart_margins):
# the chart was drawn once, not drawn, measured and drawn again.
_LABELS_AND_MARGINS_JS = """() => [...document.querySelectorAll('.sa-chart')].map(chart => {
  const box = chart.querySelector('.main-svg').getBoundingClientRect();
  const outside = [...chart.querySelectorAll('.xtick text, .ytick text, .g-xtitle text, .g-ytitle text')]
    .filter(t => t.textContent).map(t => [t.textContent, t.getBoundingClientRect()])
    .filter(([, r]) => r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5
                       || r.bottom > box.bottom + 0.5).map(([text]) => text);
  const block = document.querySelector(`script.sa-chart-data[data-target="${chart.id}"]`);
  const given = JSON.parse(block.textContent).layout.margin || {};
  const size = chart._fullLayout._size;
  return {id: chart.id, outside, given: {l: given.l, b: given.b}, settled: {l: size.l, b: size.b}};
})"""


@pytest.mark.parametrize("width", sorted(WIDTHS.values()))
def test_no_axis_label_is_cut_off_and_on_a_desk_each_chart_is_drawn_once(default_run, browser, width):
    problems, given = [], 0
    for path in _pages(default_run):
        context, page, _ = open_page(browser, path, width)
        try:
            for chart in page.evaluate(_LABELS_AND_MARGINS_JS):
                if chart["outside"]:
                    problems.append(f"{chart['id']} at {width} px: {chart['outside']} outside the chart")
                for side in ("l", "b"):
                    if chart["given"][side] is None:
                        continue
                    given += 1
                    if width == WIDTHS["desk"] and chart["given"][side] != chart["settled"][side]:
                        problems.append(f"{chart['id']}: margin {side} {chart['given'][side]} given, plotly "
                                        f"needed {chart['settled'][side]} (drawn twice)")
        finally:
            context.close()
    assert given >= 40 and not problems, "\n".join(problems)


def test_on_a_desk_a_wide_table_shows_every_column_without_scrolling_sideways(default_run, browser):
    """The unit table (11 columns, the notes last) overflowed the 60rem text column at 1366 px: a leader saw no 说明."""
    context, page, seen = open_page(browser, default_run.html / "handling_units.html", WIDTHS["desk"])
    try:
        shown = page.evaluate("""() => {
          const wrap = document.querySelector('[data-table="units"]');
          const box = wrap.getBoundingClientRect();
          return {hidden: wrap.scrollWidth - wrap.clientWidth, left: box.left, right: box.right,
                  page: document.documentElement.scrollWidth - document.documentElement.clientWidth};
        }""")
    finally:
        context.close()
    assert not seen
    assert shown["hidden"] <= 1, f"{shown['hidden']} px of the table hidden to the right"
    assert shown["left"] >= 0 and shown["right"] <= WIDTHS["desk"] and shown["page"] <= 0
