#!/usr/bin/env python3
"""Write docs/api.md, the researchers' one-page API: ``python scripts/make_api_docs.py [--check]`` (make api-docs).

The page lists the functions ``analysis`` exports (``analysis.__all__``), grouped as a
researcher meets them — load, validate, metrics, reconcile, charts — each with its signature,
its docstring and an example. Signatures and docstrings come from the code; the examples are
here, as doctests that run in order in one session on the bundled sample data, and
``tests/unit/test_api_docs.py`` runs them and checks the page is current. ``--check`` exits 1
when docs/api.md is out of date instead of writing it.
"""
from __future__ import annotations

import argparse
import inspect
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))  # run from a checkout without installing

import analysis  # noqa: E402

API_PAGE = PROJECT / "docs" / "api.md"

INTRO = """\
# suggestion-analytics for researchers: the API on one page

Everything a report shows comes from these functions, and a notebook of your own can call
them directly:

```python
from analysis import load_cases, ledger_figures, plot_outcome_mix
```

They take and return pandas DataFrames (a *ledger frame*, one row per suggestion, and a
*figures frame*, one row per figure with its count, base, share and Wilson interval) and
plotly Figures; an input file with a mistake raises `analysis.errors.DataError`, whose
message names the file, row, column and value. The examples below run in order, in one
session, on the bundled sample ledger (sample data: generated to agree with the source
document's printed figures) — replace `SAMPLE_LEDGER` with your own files. Column formats
are in [`data/README.md`](../data/README.md); the modules behind these functions are in the
README's module table.

This page is generated from the docstrings by `make api-docs`; do not edit it by hand.
"""

# (heading, what it is for, [(function name, example as a doctest)]), in the order of the page.
SECTIONS: list[tuple[str, str, list[tuple[str, str]]]] = [
    ("Load", "Read ledgers, published figures and settings into typed frames.", [
        ("load_cases", """\
>>> from analysis import load_cases
>>> from analysis.paths import SAMPLE_LEDGER, SOURCE_FIGURES
>>> cases = load_cases(SAMPLE_LEDGER)  # your own: load_cases(["台账2023.xlsx", "台账2024.csv"])
>>> len(cases)
466
>>> cases.groupby("session", sort=False).size().to_dict()
{'十八届人大一次会议': 159, '十八届人大二次会议': 172, '十八届人大三次会议': 135}
"""),
        ("load_figures", """\
>>> from analysis import load_figures
>>> printed = load_figures(SOURCE_FIGURES)  # one row per figure a report printed (or left blank)
>>> printed.loc[0, ["session", "measure", "count"]].tolist()  # as printed, and as a number in count_value
['十八届人大一次会议', 'received', '159']
"""),
        ("load_config", """\
>>> from analysis import load_config
>>> config = load_config()  # data/config.yaml; or load_config("my_settings.yaml")
>>> config["performance"]["weights"]
{'solved_share': 0.4, 'on_time_share': 0.3, 'satisfaction_share': 0.3}
"""),
    ]),
    ("Validate", "Check files before using them: every problem, not just the first.", [
        ("validate_files", """\
>>> from analysis import validate_files
>>> reports = validate_files([SAMPLE_LEDGER, SOURCE_FIGURES])
>>> [(report.kind, report.ok, report.rows) for report in reports]
[('ledger', True, 466), ('figures', True, 22)]
"""),
    ]),
    ("Metrics", "Figures frames and tables from a ledger: counts, shares with Wilson intervals, tests.", [
        ("ledger_figures", """\
>>> from analysis import ledger_figures
>>> figures = ledger_figures(cases)  # session_overview and handling_rates in one frame
>>> received = figures.query("measure == 'received' and handler == '' and not is_total")
>>> received[["session", "count"]].values.tolist()
[['十八届人大一次会议', 159], ['十八届人大二次会议', 172], ['十八届人大三次会议', 135]]
"""),
        ("session_overview", """\
>>> from analysis import session_overview
>>> overview = session_overview(cases)
>>> handled = overview.query("measure == 'handled' and is_total")
>>> handled[["handler", "count", "share_pct"]].round(2).values.tolist()
[['区政府', 346, 74.25], ['国际港务区', 120, 25.75]]
"""),
        ("handling_rates", """\
>>> from analysis import handling_rates
>>> rates = handling_rates(cases)
>>> completed = rates.query("measure == 'completed' and handler == '' and is_total").iloc[0]
>>> int(completed["count"]), int(completed["base"])
(416, 466)
"""),
        ("on_time_replies", """\
>>> from analysis import on_time_replies
>>> replies = on_time_replies(cases, as_of_date="2024-12-31")  # unreplied by then and past due: overdue
>>> replies.query("handler == '' and is_total")[["on_time", "late", "on_time_base"]].values.tolist()
[[432, 34, 466]]
"""),
        ("unit_table", """\
>>> from analysis import unit_table
>>> units = unit_table(cases, config=config)  # scored with config["performance"]
>>> int(units["cases"].sum())
466
"""),
        ("outcome_mix_test", """\
>>> from analysis import outcome_mix_test
>>> test = outcome_mix_test(figures, handler="区政府")  # did the A/B/C mix change across sessions?
>>> test.table.loc["十八届人大二次会议"].tolist()
[79, 57, 15]
"""),
    ]),
    ("Reconcile", "Published figures: each printed, derived (how) or unknown, and what does not add up.", [
        ("reconcile_files", """\
>>> from analysis import reconcile_files
>>> result = reconcile_files(SOURCE_FIGURES)
>>> result.has_errors
False
>>> sorted(result.figures["status"].unique())[:2]
['derived', 'printed']
"""),
    ]),
    ("Charts", "Figures frames into plotly Figures in the reports' theme; shown in JupyterLab as they are.", [
        ("plot_received_trend", """\
>>> from analysis import plot_received_trend
>>> fig = plot_received_trend(figures)  # in a notebook, `fig` as a cell's last line draws it
>>> [trace.type for trace in fig.data][:2]
['bar', 'bar']
"""),
        ("plot_outcome_mix", """\
>>> from analysis import plot_outcome_mix
>>> fig = plot_outcome_mix(figures, handler="区政府", value="count")
>>> len(fig.data)  # one bar series per class of the outcome scheme: A, B, C
3
"""),
        ("plot_unit_ranking", """\
>>> from analysis import plot_unit_ranking
>>> fig = plot_unit_ranking(units, top=10)
>>> fig.data[0].orientation
'h'
"""),
    ]),
]


def documented_names() -> list[str]:
    """The function names the page documents, in page order."""
    return [name for _, _, entries in SECTIONS for name, _ in entries]


def _annotation(annotation) -> str:
    text = annotation if isinstance(annotation, str) else inspect.formatannotation(annotation)
    return text.replace("pd.DataFrame", "DataFrame").replace("go.Figure", "Figure")


def signature(name: str) -> str:
    """``name(parameters) -> return`` with annotations as written in the code (no quotes)."""
    sig = inspect.signature(getattr(analysis, name))
    parts, keyword_only = [], False
    for parameter in sig.parameters.values():
        if parameter.kind is parameter.KEYWORD_ONLY and not keyword_only:
            parts.append("*")
            keyword_only = True
        text = parameter.name
        if parameter.annotation is not parameter.empty:
            text += f": {_annotation(parameter.annotation)}"
        if parameter.default is not parameter.empty:
            text += f" = {parameter.default!r}" if parameter.annotation is not parameter.empty \
                else f"={parameter.default!r}"
        parts.append(text)
    returns = "" if sig.return_annotation is sig.empty else f" -> {_annotation(sig.return_annotation)}"
    return f"{name}({', '.join(parts)}){returns}"


def render() -> str:
    """The text of docs/api.md."""
    lines = [INTRO]
    lines.append("| function | from | what it does |\n|---|---|---|")
    for _, _, entries in SECTIONS:
        for name, _ in entries:
            function = getattr(analysis, name)
            summary = inspect.getdoc(function).splitlines()[0].replace("|", "\\|")
            lines.append(f"| [`{name}`](#{name}) | `{function.__module__}` | {summary} |")
    for heading, purpose, entries in SECTIONS:
        lines.append(f"\n## {heading}\n\n{purpose}")
        for name, example in entries:
            function = getattr(analysis, name)
            lines.append(f"\n### {name}\n\n```python\n{signature(name)}\n```\n\n"
                         f"*{function.__module__}*\n\n{inspect.getdoc(function)}\n\n"
                         f"```python\n{example.rstrip()}\n```")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write docs/api.md, or with ``--check`` say whether it is current."""
    parser = argparse.ArgumentParser(description="Write docs/api.md from the docstrings of analysis.__all__.")
    parser.add_argument("--check", action="store_true", help="only check that docs/api.md is current (exit 1 if not)")
    args = parser.parse_args(argv)
    text = render()
    current = API_PAGE.read_text(encoding="utf-8") if API_PAGE.is_file() else ""
    if args.check:
        if current != text:
            print(f"{API_PAGE.relative_to(PROJECT)} is out of date: run `make api-docs`", file=sys.stderr)
            return 1
        print(f"{API_PAGE.relative_to(PROJECT)} is current")
        return 0
    API_PAGE.parent.mkdir(parents=True, exist_ok=True)
    API_PAGE.write_text(text, encoding="utf-8")
    print(API_PAGE.relative_to(PROJECT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
