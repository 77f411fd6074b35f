"""One label, one number (issue 12): on every page of `make report`, in Chinese and in English, a label
(session, handling body, measure) carries one value, and every rate names the body it is of.

The pages are read as a reader reads them — cards, paragraphs, notes, tables, chart titles — by
``figures_support``, from the generated HTML alone.
"""
from __future__ import annotations

import re

import pytest
from figures_support import UNNAMED, body_words, chart_titles, conflicts, page_figures, unnamed_rates

CARD_AND_PARAGRAPH = """<html lang="zh"><body><main>
<header class="sa-header"><h1 class="sa-title">报告</h1><p class="sa-session">十八届人大一次会议（2022年）</p></header>
<div class="sa-headline"><span class="sa-headline-label">办结率</span><span class="sa-headline-value">91.8%</span>
<span class="sa-headline-note">基数：办理件数159件</span></div>
<div class="sa-text"><p>从办理结果看，区政府办理的代表建议中，A类有86件，占66.7%，办结率92.2%。</p></div>
<figure class="sa-table-wrap"><table class="sa-table"><caption>各次会议概况</caption>
<thead><tr><th>届次</th><th>办结率</th></tr></thead>
<tbody><tr><td>十八届人大一次会议（2022年）</td><td>92.2%</td></tr></tbody></table></figure>
</main></body></html>"""


def _describe(found) -> str:
    return "\n".join(f"{label}:\n" + "\n".join(f"    {f.value}  ← {f.where}" for f in figures)
                     for label, figures in found.items())


def test_the_reader_finds_a_label_with_two_values_and_a_rate_without_its_body():
    figures = page_figures(CARD_AND_PARAGRAPH)
    found = conflicts(figures)
    # the card's 办结率 (no body named) and the table's 办结率 (no body named) differ
    assert [(label.measure, label.body, sorted(f.value for f in fs)) for label, fs in found.items()] == [
        ("办结率", UNNAMED, ["91.8", "92.2"])]
    # the paragraph's rate is 区政府's: its sentence names the body
    paragraph = [f for f in figures if f.where.startswith("paragraph")]
    assert {(f.label.body, f.label.measure, f.label.kind, f.value) for f in paragraph} == {
        ("区政府", "A类", "count", "86"), ("区政府", "A类", "pct", "66.7"), ("区政府", "办结率", "pct", "92.2")}
    assert sorted(f.value for f in unnamed_rates(figures)) == ["91.8", "92.2"]


def test_naming_the_body_in_the_card_and_the_table_settles_it():
    page = (CARD_AND_PARAGRAPH.replace('label">办结率', 'label">办结率（全部承办主体）')
            .replace("<th>办结率</th>", "<th>区政府办结率</th>"))
    figures = page_figures(page)
    assert conflicts(figures) == {} and unnamed_rates(figures) == []


# How many reports print a compared rate, as the peers page's card says it and as its sentence says it (issue 12:
# the card counted 19 reports printing 满意率, the sentence under it 20, the bound "超过90%" counted in one only).
_REPORTS_COUNTED = {
    "zh": (re.compile(r"印出此项的(\d+)份报告"), re.compile(r"印出此项的报告(\d+)份")),
    "en": (re.compile(r"of ([a-z-]+) (?:reports print a higher rate|figures \(([a-z-]+) reports)"),
           re.compile(r"([A-Z][a-z-]+) reports print it")),
}


def peer_report_counts(page: str, lang: str) -> tuple[list[int], list[int]]:
    """(each card's number of reports printing its rate, each sentence's), in page order (one rate each)."""
    from analysis import labels

    spelt = {labels.how_many(n, "en"): n for n in range(1, 200)}

    def number(match) -> int:
        word = match.group(match.lastindex)  # with figures per period, the reports come second
        return int(word) if word.isdigit() else spelt[word.lower()]

    card, sentence = _REPORTS_COUNTED[lang]
    return [number(m) for m in card.finditer(page)], [number(m) for m in sentence.finditer(page)]


def test_the_peers_card_and_sentence_count_the_reports_printing_a_rate_alike():
    card = ('<span class="sa-headline-note">印出此项的19份报告中比率更高的18份；同级（区）4份中4份；另有1份只印出界限，不排名</span>'
            '<p>满意率：本区为95.6%。印出此项的报告20份，其中同级（区）4份；比率高于本区的18份。</p>')
    assert peer_report_counts(card, "zh") == ([19], [20])
    english = ("<span>seventeen of twenty-three figures (twenty-two reports, one per period) are higher</span>"
               "<p>Solved: ours 48.1%. Twenty-two reports print it (twenty-three figures, one per period; ...)</p>")
    assert peer_report_counts(english, "en") == ([22], [22])


def _check_pages(html_dir, lang: str) -> None:
    pages = sorted(p for p in html_dir.glob("*.html") if p.name != "index.html")
    assert len(pages) == 8, pages
    bodies = set(body_words())
    problems = []
    for path in pages:
        page = path.read_text(encoding="utf-8")
        figures = page_figures(page)
        assert len(figures) > 20, f"{path.name}: only {len(figures)} figures read; is the page empty?"
        found = conflicts(figures)
        if found:
            problems.append(f"{path.name}: the same label carries two values:\n{_describe(found)}")
        if path.name == "peers.html":
            cards, sentences = peer_report_counts(page, lang)
            if len(cards) < 4 or cards != sentences:
                problems.append(f"{path.name}: reports printing each rate, by the cards {cards}, by the sentences "
                                f"{sentences}")
        unnamed = unnamed_rates(figures)
        if unnamed:
            problems.append(f"{path.name}: rates with no body named: "
                            + "; ".join(f"{f.label.measure} {f.value} ({f.where})" for f in unnamed))
        for title, names in chart_titles(page):
            # a chart draws one body's figures (its title names it) or several (its series or bars do)
            if not any(word in title or any(word in name for name in names) for word in bodies):
                problems.append(f"{path.name}: chart {title!r} names no handling body")
    assert not problems, f"({lang})\n" + "\n".join(problems)


@pytest.mark.slow
def test_every_page_of_make_report_gives_each_label_one_value(default_run):
    assert default_run.first.returncode == 0, default_run.first.stdout + default_run.first.stderr
    _check_pages(default_run.html, "zh")


@pytest.mark.slow
def test_every_page_in_english_gives_each_label_one_value(english_run):
    assert english_run.first.returncode == 0, english_run.first.stdout + english_run.first.stderr
    _check_pages(english_run.html, "en")
