"""Every page of `make report` on phones (360 and 390 px) and an office screen (1366 px), in real Chromium (issue 12).

No page scrolls sideways; every chart is drawn; no legend sits on a title or a plot (their
bounding boxes); a table wider than the screen either turns into cards or says it scrolls; charts
follow the window when it changes size. The measuring is in ``browser_support``, shared with
``make screenshots``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

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


@dataclass(frozen=True)
class _Measured:
    """What the whole-site tests measure on one page opened at one width (read-only: tuples and a JSON text)."""

    announced: int
    drawn: int
    problems: tuple[str, ...]  # seen while loading, then layout_problems
    labels_and_margins: str  # _LABELS_AND_MARGINS_JS's answer as JSON: each test reads its own copy


@pytest.fixture(scope="module")
def measured(default_run, browser):
    """Every page of the default run opened once at a width and measured, for the two whole-site tests below.

    Each page takes seconds to open and draw; both tests read the same page at the same width, so it is opened
    once a width (the first test to ask opens it). The measuring only reads the page (bounding boxes, computed
    styles), so what one test reads is what it would read on a page opened for it alone.
    """
    done: dict[int, dict[str, _Measured]] = {}

    def measure(width: int) -> dict[str, _Measured]:
        if width not in done:
            done[width] = {path.name: _measure(path, width, browser) for path in _pages(default_run)}
        return dict(done[width])

    return measure


def _measure(path, width: int, browser) -> _Measured:
    context, page, seen = open_page(browser, path, width)
    try:
        announced, drawn = charts_drawn(page)
        problems = tuple(seen + layout_problems(page))
        return _Measured(announced, drawn, problems, json.dumps(page.evaluate(_LABELS_AND_MARGINS_JS)))
    finally:
        context.close()


@pytest.mark.parametrize("width", sorted(WIDTHS.values()))
def test_every_page_fits_the_screen_with_every_chart_drawn_and_nothing_overlapping(default_run, measured, width):
    problems = []
    for path in _pages(default_run):
        expected = 0 if path.name == "index.html" else export.count_figures(
            nbformat.read(default_run.out / "notebooks" / f"{path.stem}.ipynb", as_version=4))
        page = measured(width)[path.name]
        if not page.announced == page.drawn == expected:
            problems.append(f"{path.name}: {page.drawn} of {expected} charts drawn")
        problems += [f"{path.name} at {width} px: {p}" for p in page.problems]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("width", sorted(WIDTHS.values()))
def test_every_english_page_fits_the_screen_with_nothing_overlapping(english_run, browser, width):
    """English words are longer: at 1366 px the category legend filled its row and the toolbar lay over its end."""
    assert english_run.first.returncode == 0, english_run.first.stdout + english_run.first.stderr
    problems = []
    for path in sorted(english_run.html.glob("*.html")):
        context, page, seen = open_page(browser, path, width)
        try:
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
# on a desk the left, bottom and right margins plotly settles on are the ones the page gave (analysis.chart_margins):
# the chart was drawn once, not drawn, measured and drawn again.
_LABELS_AND_MARGINS_JS = """() => [...document.querySelectorAll('.sa-chart')].map(chart => {
  const box = chart.querySelector('.main-svg').getBoundingClientRect();
  const outside = [...chart.querySelectorAll('.xtick text, .ytick text, .g-xtitle text, .g-ytitle text')]
    .filter(t => t.textContent).map(t => [t.textContent, t.getBoundingClientRect()])
    .filter(([, r]) => r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5
                       || r.bottom > box.bottom + 0.5).map(([text]) => text);
  // the margins the page gave plotly: its JSON's, with charts.js's room for the toolbar on a desk
  const given = chart.layout.margin || {};
  const size = chart._fullLayout._size;
  return {id: chart.id, outside, given: {l: given.l, b: given.b, r: given.r}, settled: {l: size.l, b: size.b, r: size.r}};
})"""


@pytest.mark.parametrize("width", sorted(WIDTHS.values()))
def test_no_axis_label_is_cut_off_and_on_a_desk_each_chart_is_drawn_once(default_run, measured, width):
    problems, given = [], 0
    for path in _pages(default_run):
        for chart in json.loads(measured(width)[path.name].labels_and_margins):
            if chart["outside"]:
                problems.append(f"{chart['id']} at {width} px: {chart['outside']} outside the chart")
            for side in ("l", "b", "r"):
                if chart["given"][side] is None:
                    continue
                given += 1
                if width == WIDTHS["desk"] and chart["given"][side] != chart["settled"][side]:
                    problems.append(f"{chart['id']}: margin {side} {chart['given'][side]} given, plotly "
                                    f"needed {chart['settled'][side]} (drawn twice)")
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


def test_on_an_office_screen_the_peers_tables_show_every_column(default_run, browser):
    """At 1280 px the four rate tables and the sources hid their last columns (与本区相比, 网址) to the right."""
    context, page, seen = open_page(browser, default_run.html / "peers.html", 1280)
    try:
        hidden = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('.sa-table-wrap.sa-wide')]
          .map(wrap => [wrap.dataset.table, wrap.scrollWidth - wrap.clientWidth]))""")
    finally:
        context.close()
    assert not seen
    assert len(hidden) == 6 and all(px <= 1 for px in hidden.values()), hidden  # four rates, sources, tests


# The peers page on a phone was 50,000 px tall: seven long tables, each row a card of eleven lines.
_FOLDS_JS = """() => {
  const top = e => e.getBoundingClientRect().top + window.scrollY;
  const folds = [...document.querySelectorAll('details.sa-fold')];
  return {height: document.documentElement.scrollHeight,
          folds: folds.map(d => ({open: d.open, line: d.querySelector('summary').textContent,
                                  lineHeight: d.querySelector('summary').getBoundingClientRect().height,
                                  height: d.getBoundingClientRect().height, top: top(d),
                                  rows: d.querySelectorAll('tbody tr').length})),
          lastHeadline: Math.max(...[...document.querySelectorAll('.sa-headline')].map(top)),
          lastChart: Math.max(...[...document.querySelectorAll('.sa-chart-figure')].map(top)),
          sentences: top(document.querySelector('.sa-text'))};
}"""


def test_on_a_phone_the_peers_page_reads_summary_first_with_every_long_table_one_tap_away(default_run, browser):
    context, page, seen = open_page(browser, default_run.html / "peers.html", WIDTHS["phone"])
    try:
        phone = page.evaluate(_FOLDS_JS)
        page.locator("details.sa-fold > summary").first.click()
        opened = page.evaluate(_FOLDS_JS)
        cards = page.evaluate("""() => [...document.querySelector('details.sa-fold tbody').rows]
          .map(row => row.getBoundingClientRect().height)""")
        assert layout_problems(page) == []
    finally:
        context.close()
    assert not seen
    assert phone["height"] < 9000, f"the page is {phone['height']} px tall on a phone"
    folds = phone["folds"]
    assert [f["line"] for f in folds][:1] == ["已解决或基本解决占比（共 24 行）"] and len(folds) == 7
    assert all(not f["open"] and f["height"] < 80 and f["lineHeight"] > 20 for f in folds), folds
    # the headline figures, the sentences and the charts come before the first long table
    assert max(phone["lastHeadline"], phone["sentences"], phone["lastChart"]) < folds[0]["top"]
    # one tap opens a table whole: every row a card, nothing lost
    first = opened["folds"][0]
    assert first["open"] and first["rows"] == 24 and len(cards) == 24 and min(cards) > 100
    assert first["height"] > 20 * 100 and not any(f["open"] for f in opened["folds"][1:])


@pytest.mark.parametrize("scripts", [True, False])
def test_every_folded_table_prints_whole_from_a_phone(default_run, browser, scripts):
    """Paper shows everything: page.js opens the folds before printing, and the print CSS does where scripts do not run.

    Printed from a phone with every table folded, the page prints as it does with every table open.
    """
    from e2e_support import pdf_pages

    path = default_run.html / "peers.html"
    printed = {}
    for folded in (True, False):  # each printed from a page of its own: a page printed twice lays out anew
        if scripts:
            context, page, _ = open_page(browser, path, WIDTHS["phone"])  # the charts drawn
        else:
            context = browser.new_context(viewport={"width": WIDTHS["phone"], "height": 844},
                                          java_script_enabled=False)
            page = context.new_page()
            page.goto(path.as_uri(), wait_until="load")
        try:
            # page.js folds them at a phone's width; without scripts, as a browser that keeps a reader's taps would
            page.evaluate(f"() => document.querySelectorAll('details.sa-fold').forEach(d => {{ d.open = {str(not folded).lower()}; }})")
            assert page.evaluate("document.querySelectorAll('details.sa-fold:not([open])').length") == (7 if folded else 0)
            printed[folded] = pdf_pages(page.pdf(format="A4"))
        finally:
            context.close()
    assert len(printed[True]) == len(printed[False]) > 8
    assert [text for _, text in printed[True]] == [text for _, text in printed[False]]


def test_on_a_phone_every_drawn_id_stays_on_one_line_and_the_page_does_not_scroll_sideways(default_run, browser):
    """The supervision sample's drawn ids (S18-3-032) broke after a hyphen on a 390 px phone ("S18-" / "3-032"): in the
    summary line and in the record's 抽中编号 cell (its fold opened) each id is one line, and nothing scrolls sideways."""
    context, page, _ = open_page(browser, default_run.html / "supervision_sample.html", WIDTHS["phone"])
    try:
        page.evaluate("() => document.querySelectorAll('details.sa-fold').forEach(d => { d.open = true; })")
        found = page.evaluate("""() => {
          const ids = [...document.querySelectorAll('.sa-text p, td.long')]
            .filter(e => e.textContent.includes('S18-3-'))
            .flatMap(e => [...e.querySelectorAll('.sa-id')]);
          return {ids: ids.map(e => e.textContent), lines: ids.map(e => e.getClientRects().length),
                  wide: document.documentElement.scrollWidth};
        }""")
    finally:
        context.close()
    assert len(found["ids"]) == 28 and all(i.startswith("S18-3-") for i in found["ids"])  # 14 drawn, twice
    assert set(found["lines"]) == {1}, [i for i, n in zip(found["ids"], found["lines"]) if n != 1]
    assert found["wide"] <= WIDTHS["phone"]


# The charts with names beside their y axis that take more lines on a narrow screen (layout.meta.narrow): each one's
# height, the most lines a name takes, and the names whose boxes run into the next one's.
_NAMES_JS = """() => [...document.querySelectorAll('.sa-chart')].filter(c => c.layout.meta && c.layout.meta.narrow)
  .map(chart => {
    const names = [...chart.querySelectorAll('.ytick text')].map(t => [t.textContent, t.getBoundingClientRect(),
      Math.max(1, t.querySelectorAll('tspan.line').length)]).sort((a, b) => a[1].top - b[1].top);
    const touching = names.slice(1).filter(([, r], i) => r.top < names[i][1].bottom - 0.5).map(([text]) => text);
    return {id: chart.id, height: chart._fullLayout.height, lines: Math.max(...names.map(n => n[2])), touching};
  })"""


def test_unit_and_peer_names_take_more_lines_only_where_the_screen_is_narrow_and_print_on_one(default_run, browser):
    """Every unit name took two lines on a desk too (the unit chart 1000 → 1420 px tall); printed, the chart squeezed
    to 740 px ran those lines into each other. Now: one line on a desk and on paper, two on a phone."""
    for name in ("session_report_18-2.html", "peers.html"):
        context, page, _ = open_page(browser, default_run.html / name, WIDTHS["desk"])
        try:
            desk = page.evaluate(_NAMES_JS)
            assert desk and all(c["lines"] == 1 and not c["touching"] for c in desk), desk
            page.set_viewport_size({"width": WIDTHS["phone"], "height": 844})
            page.wait_for_function("[...document.querySelectorAll('.sa-chart')].every(c => !(c.layout.meta && "
                                   "c.layout.meta.narrow) || c._fullLayout.height === c.layout.meta.narrow.height)",
                                   timeout=10_000)
            narrowed = page.evaluate(_NAMES_JS)
            assert all(c["lines"] >= 2 and not c["touching"] for c in narrowed), narrowed
            assert all(n["height"] > d["height"] for n, d in zip(narrowed, desk))
        finally:
            context.close()
    context, page, _ = open_page(browser, default_run.html / "session_report_18-2.html", WIDTHS["phone"])
    try:
        phone = page.evaluate(_NAMES_JS)
        assert [c["lines"] for c in phone] == [2] and not phone[0]["touching"], phone
        page.evaluate("window.dispatchEvent(new Event('beforeprint'))")  # printed from the phone: A4 is a desk's width
        page.wait_for_timeout(300)
        printed = page.evaluate(_NAMES_JS)
        assert printed[0]["lines"] == 1 and printed[0]["height"] <= 740, printed
        page.evaluate("window.dispatchEvent(new Event('afterprint'))")
        page.wait_for_timeout(300)
        assert page.evaluate(_NAMES_JS) == phone  # the phone's screen as it was
    finally:
        context.close()
