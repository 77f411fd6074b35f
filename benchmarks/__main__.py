"""``python -m benchmarks [names…]`` (``make bench``): run the benchmarks, print their figures, save them.

Names: suite, rerun, scale, html, growth, cold (default: all but cold, which clones the project and
runs its tests: name it to run it). Each prints a table and the machine it ran on; results go to
``benchmarks/results/latest.json`` (one entry per benchmark, replaced when that benchmark runs
again). See benchmarks/README.md for what each measures.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import cold, growth, harness, html_pages, rerun, scale, scale_xlsx, suite

ORDER = ("suite", "rerun", "scale", "html", "growth", "cold")
DEFAULT = ORDER[:-1]  # cold takes many minutes and measures pip and the tests, not the reports: by name only


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m benchmarks``."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help=f"benchmarks to run: {', '.join(ORDER)} (default: all but cold)")
    parser.add_argument("--skip", action="append", default=[], choices=ORDER, metavar="NAME",
                        help="leave a benchmark out (repeatable), e.g. --skip cold")
    parser.add_argument("--runs", type=int, default=3, help="runs of each timed command, median reported (default 3)")
    parser.add_argument("--rows", type=int, nargs="+", default=list(scale.DEFAULT_SIZES), metavar="N",
                        help="scale: suggestions in each synthetic ledger (default "
                             f"{' '.join(f'{n:_}' for n in scale.DEFAULT_SIZES)})")
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv",
                        help="scale: the synthetic ledger as CSV (default) or as an XLSX workbook, read by calamine "
                             "and by the expat reader (saved as scale_xlsx)")
    parser.add_argument("--scale-reports", action="store_true",
                        help=f"scale: also make every report from ledgers of up to {scale.REPORT_ROWS_MAX:,} rows "
                             "and compare their pages with the sample's (minutes)")
    parser.add_argument("--sessions", type=int, nargs="+", default=list(growth.DEFAULT_SESSIONS), metavar="N",
                        help=f"growth: sessions in each ledger (default {' '.join(map(str, growth.DEFAULT_SESSIONS))})")
    parser.add_argument("--no-cold-test", action="store_true", help="cold: time make report only, not make test")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folders (their paths are saved)")
    parser.add_argument("--results", default=str(harness.RESULTS_FILE), help="JSON file of results")
    return parser


def _run_one(name: str, args: argparse.Namespace) -> dict:
    if name == "suite":
        return suite.measure(runs=args.runs, keep=args.keep)
    if name == "rerun":
        return rerun.measure(runs=args.runs, keep=args.keep)
    if name == "scale" and args.format == "xlsx":
        return scale_xlsx.measure(sizes=tuple(args.rows), keep=args.keep)
    if name == "scale":
        return scale.measure(sizes=tuple(args.rows), keep=args.keep, reports=args.scale_reports)
    if name == "html":
        return html_pages.measure(runs=args.runs, keep=args.keep)
    if name == "growth":
        return growth.measure(sessions=tuple(args.sessions), keep=args.keep)
    return cold.measure(keep=args.keep, test=not args.no_cold_test)


RENDER = {"suite": suite.render, "rerun": rerun.render, "scale": scale.render, "html": html_pages.render,
          "growth": growth.render, "cold": cold.render}
TITLES = {"suite": "1. suite: our runner vs papermill + nbconvert and the floor",
          "rerun": "2. no-change re-run of make report", "scale": "3. scale: synthetic ledgers, DuckDB as reference",
          "html": "4. HTML pages: size and time to draw every chart", "growth": "5. growth with the plan's sessions",
          "cold": "6. cold start from a clean clone"}


def main(argv: list[str] | None = None) -> int:
    """Run the chosen benchmarks in order; returns 1 when one of them could not run."""
    args = build_parser().parse_args(argv)
    if args.runs < 1 or min(args.rows) < 1 or min(args.sessions) < 1:
        print("--runs, --rows and --sessions must be at least 1", file=sys.stderr)
        return 2
    unknown = sorted(set(args.names) - set(ORDER))
    if unknown:
        print(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(ORDER)}", file=sys.stderr)
        return 2
    chosen = [n for n in ORDER if n in (args.names or DEFAULT) and n not in args.skip]
    failed = 0
    for name in chosen:
        info = harness.machine()
        print(f"\n== {TITLES[name]} ==\n{harness.machine_text(info)}", flush=True)
        started = time.perf_counter()
        try:
            result = _run_one(name, args)
        except Exception as exc:  # one benchmark that cannot run does not stop the others
            print(f"{name}: could not run: {type(exc).__name__}: {exc}", flush=True)
            failed += 1
            continue
        result = {"machine": {**info, "load_average_at_end": harness.load_average()},
                  "benchmark_s": round(time.perf_counter() - started, 1), **result}
        xlsx_scale = name == "scale" and args.format == "xlsx"
        print((scale_xlsx.render if xlsx_scale else RENDER[name])(result), flush=True)
        path = harness.save_result("scale_xlsx" if xlsx_scale else name, result, path=Path(args.results))
        print(f"({name} took {result['benchmark_s']:.0f} s; saved in {path})", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
