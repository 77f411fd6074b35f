"""The command line: ``python -m analysis {validate,reconcile,run,export,sample,dictionary}``.

Installed, ``suggestion-analytics …`` is the same command.

This module only parses arguments and calls the modules that do the work. A user's mistake
(an ``AnalysisError``) is printed as a message, never as a traceback.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import traceback

from .errors import AnalysisError


def _validate(args: argparse.Namespace) -> int:
    from . import load

    reports = load.validate_files(args.files, session=args.session, scheme=args.scheme, sheet=args.sheet)
    if args.json:
        print(json.dumps([r.to_dict() for r in reports], ensure_ascii=False, indent=2))
    else:
        print(load.render_reports(reports, lang=args.lang))
    return 0 if all(r.ok for r in reports) else 1


def _reconcile(args: argparse.Namespace) -> int:
    from . import reconcile

    each_file = not args.together
    if not args.json:
        result = reconcile.reconcile_files(args.files, scheme=args.scheme, each_file=each_file)
        print(reconcile.render_text(result, lang=args.lang))
        return 1 if result.has_errors else 0
    # --json: exactly one JSON object on stdout, whatever happens; a file that cannot be read is error findings
    try:
        result = reconcile.reconcile_files(args.files, scheme=args.scheme, each_file=each_file, keep_going=True)
        data, code = result.to_json(), 1 if result.has_errors else 0
    except AnalysisError as exc:
        data, code = reconcile.failure_json(exc), 1
    except Exception as exc:  # a fault of ours: still one JSON object on stdout, the traceback on stderr
        traceback.print_exc()
        data, code = reconcile.failure_json(exc), 1
    print(json.dumps(data, ensure_ascii=False, indent=2))
    return code


def _run(args: argparse.Namespace) -> int:
    from . import run

    summary = run.run_reports(
        data=args.data, out=args.out, plan=args.plan, jobs=args.jobs, lang=args.lang,
        force=args.force, timeout=args.timeout, pseudonymise=args.pseudonymise, sheet=args.sheet,
    )
    return summary.exit_code


def _export(args: argparse.Namespace) -> int:
    from . import nbconvert_exporter

    written, errors = nbconvert_exporter.export_notebooks(args.notebooks, out=args.out, lang=args.lang)
    for path in written:
        print(path)
    for error in errors:
        print(f"错误 error: {error}", file=sys.stderr)
    return 1 if errors else 0


def _add_export(commands) -> None:
    p = commands.add_parser("export", help="turn executed notebooks (papermill, JupyterLab) into the offline page "
                                           "the runner writes")
    p.add_argument("notebooks", nargs="+", metavar="NOTEBOOK", help="executed .ipynb files")
    p.add_argument("--out", help="folder for the pages (default: beside each notebook)")
    p.add_argument("--lang", choices=["zh", "en"],
                   help="language of the page's own words (default: the notebook's lang parameter)")
    p.set_defaults(handler=_export)


def _sample(args: argparse.Namespace) -> int:
    from . import sampling

    if args.commit:
        print(sampling.commit_command(seed=args.seed, out=args.out, lang=args.lang))
        return 0
    summary = sampling.sample_command(
        data=args.data, session=args.session, fraction=args.fraction, size=args.size,
        strata=args.strata, seed=args.seed, out=args.out, lang=args.lang, commitment=args.commitment, sheet=args.sheet,
    )
    print(summary)  # the drawn ids and where the Excel list and the audit record were written
    return 0


def _dictionary(args: argparse.Namespace) -> int:
    from . import dictionary

    changed = dictionary.write_data_readme(check=args.check)
    if args.check and changed:
        print("data/README.md is out of date with analysis/schema.py: run `python -m analysis dictionary`")
        return 1
    print("data/README.md is up to date" if not changed else "data/README.md rewritten")
    return 0


def _whole(low: int, high: int):
    """An argparse type: a whole number from ``low`` to ``high``, else a one-line refusal saying so."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            raise argparse.ArgumentTypeError(f"须为 {low} 到 {high} 之间的整数，不能是 {text!r} / "
                                             f"must be a whole number from {low} to {high}, not {text!r}")
        return value
    return parse


def _text(what: str):
    """An argparse type: text that is not blank."""
    def parse(text: str) -> str:
        if not text.strip():
            raise argparse.ArgumentTypeError(f"{what}不能为空 / {what} cannot be blank")
        return text
    return parse
def _prog() -> str:
    """The command as the user typed it: ``suggestion-analytics`` (installed) or ``python -m analysis``."""
    name = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    return name if name and name != "__main__.py" and not name.startswith("-") else "python -m analysis"


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m analysis``."""
    parser = argparse.ArgumentParser(
        prog=_prog(),
        description="代表建议办理分析 — check, analyse and report on the handling of deputies' suggestions.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    lang = {"choices": ["zh", "en"], "default": "zh", "help": "language of what is printed (default zh)"}

    p = commands.add_parser("validate", help="check ledgers and published-figures files; exit 1 on errors")
    p.add_argument("files", nargs="+", metavar="FILE", help="CSV or XLSX files")
    p.add_argument("--session", help="session of a ledger that names none (e.g. 十九届人大一次会议)")
    p.add_argument("--scheme", help="outcome scheme: a name in data/schemes/ or a YAML path (default from config)")
    p.add_argument("--sheet", type=_text("工作表名 the sheet name "),
                   help="XLSX sheet to read (default: the sheet shown when the file opens, if it has a header)")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument("--lang", **lang)
    p.set_defaults(handler=_validate)

    p = commands.add_parser("reconcile", help="derive blank published figures and check the printed ones")
    p.add_argument("files", nargs="+", metavar="FILE",
                   help="published-figures CSV or XLSX files, or folders (every figures file in them, each a report)")
    p.add_argument("--scheme", help="outcome scheme of every report: a name in data/schemes/ or a YAML path "
                   "(default: read from each report's labels)")
    p.add_argument("--together", action="store_true",
                   help="read the files as one congress's reports, so that a total in one can use the sessions of "
                   "another (default: each file is a report of its own)")
    p.add_argument("--json", action="store_true",
                   help="print one JSON object (files, schemes, figures, findings); a file that cannot be read "
                   "becomes error findings")
    p.add_argument("--lang", **lang)
    p.set_defaults(handler=_reconcile)

    p = commands.add_parser("run", help="execute the report notebooks and export HTML, Excel and Word")
    p.add_argument("--data", nargs="+", metavar="FILE", help="ledger(s) and/or published-figures file(s) "
                   "(default: the bundled sample ledger and the source document's figures)")
    p.add_argument("--out", help="output folder (default outputs/)")
    p.add_argument("--plan", help="run plan YAML (default run_plan.yaml)")
    p.add_argument("--jobs", type=_whole(1, run_module_limits()[0]), help="worker processes (default: number of cores)")
    p.add_argument("--lang", choices=["zh", "en"], help="report language (default zh)")
    p.add_argument("--force", action="store_true", help="redo reports even when nothing changed")
    p.add_argument("--timeout", type=_whole(1, run_module_limits()[1]),
                   help="seconds a cell may run before the report fails (default 600)")
    p.add_argument("--pseudonymise", action="store_true", help="replace deputies' names with stable pseudonyms")
    p.add_argument("--sheet", type=_text("工作表名 the sheet name "),
                   help="sheet to read in each XLSX file (default: the sheet shown when the file opens)")
    p.set_defaults(handler=_run)

    _add_export(commands)

    p = commands.add_parser("sample", help="draw the recorded random sample for joint supervision")
    p.add_argument("--data", nargs="+", metavar="FILE", help="ledger file(s) (default: the bundled sample)")
    p.add_argument("--session", help="session to draw from (default: the latest)")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--fraction", type=float, help="share to draw (default 0.10)")  # checked by sampling
    group.add_argument("--size", type=int, help="number of suggestions to draw")
    p.add_argument("--strata", choices=["handler", "lead_unit", "none"],
                   help="draw proportionally within these groups (default: config, by handling body)")
    p.add_argument("--seed", type=int, required=True, help="random seed (recorded with the draw)")
    p.add_argument("--sheet", type=_text("工作表名 the sheet name "), help="sheet to read in each XLSX ledger")
    p.add_argument("--out", help="folder for the Excel list and the audit record (default outputs/tables)")
    p.add_argument("--commit", action="store_true",
                   help="only fix the seed: write a commitment to publish before the draw (and its private part)")
    p.add_argument("--commitment", metavar="FILE", help="the private commitment file: check the seed, reveal it")
    p.add_argument("--lang", **lang)
    p.set_defaults(handler=_sample)

    p = commands.add_parser("dictionary", help="regenerate the data dictionary in data/README.md from the schema")
    p.add_argument("--check", action="store_true", help="only check that data/README.md is up to date")
    p.set_defaults(handler=_dictionary)
    return parser


def run_module_limits() -> tuple[int, int]:
    """The largest --jobs and --timeout the runner accepts (read from ``analysis.run`` only when asked)."""
    from . import run

    return run.MAX_JOBS, run.MAX_TIMEOUT_S


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except AnalysisError as exc:
        print(f"错误 error: {exc}", file=sys.stderr)
        return 1
    except MemoryError:  # a limit set by the system (ulimit -v, a container): say so, never a traceback
        print("错误 error: 内存不足，无法完成；请关闭其他程序，或把数据按会次拆分 / out of memory; close other programs "
              "or split the data by session", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
