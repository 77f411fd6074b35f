"""The command line: ``python -m analysis {validate,reconcile,run,export,sample,dictionary}``.

Installed, ``suggestion-analytics …`` is the same command.

This module only parses arguments and calls the modules that do the work. A user's mistake
(an ``AnalysisError``) is printed as a message, never as a traceback. An option means one thing
in every command that has it (``--session``, ``--scheme``, ``--sheet``, ``--lang``, ``--out`` …),
and its words are written once, in ``HELP``; ``--help`` speaks Chinese under a zh_* locale or with
``--lang zh``.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from collections.abc import Mapping

from .errors import AnalysisError


def _validate(args: argparse.Namespace) -> int:
    from . import load

    reports = load.validate_files(args.files, session=args.session, scheme=args.scheme, sheet=args.sheet,
                                  together=not args.each_file)
    if args.json:
        print(json.dumps([r.to_dict() for r in reports], ensure_ascii=False, indent=2))
    else:
        print(load.render_reports(reports, lang=args.lang))
    return 0 if all(r.ok for r in reports) else 1


def _reconcile(args: argparse.Namespace) -> int:
    from . import reconcile

    each_file = not args.together
    if not args.json:
        result = reconcile.reconcile_files(args.files, scheme=args.scheme, each_file=each_file, sheet=args.sheet)
        print(reconcile.render_text(result, lang=args.lang))
        return 1 if result.has_errors else 0
    # --json: exactly one JSON object on stdout, whatever happens; a file that cannot be read is error findings
    try:
        result = reconcile.reconcile_files(args.files, scheme=args.scheme, each_file=each_file, keep_going=True,
                                           sheet=args.sheet)
        data, code = result.to_json(), 1 if result.has_errors else 0
    except AnalysisError as exc:
        data, code = reconcile.failure_json(exc), 1
    except Exception as exc:  # a fault of ours: still one JSON object on stdout, the traceback on stderr
        traceback.print_exc()
        data, code = reconcile.failure_json(exc), 1
    print(json.dumps(data, ensure_ascii=False, indent=2))
    return code


_LEAVE_AT_ONCE = False  # a run ended: the command exits without tearing down what it imported (see _leave)


def _run(args: argparse.Namespace) -> int:
    from . import run

    global _LEAVE_AT_ONCE
    summary = run.run_reports(
        data=args.data, out=args.out, plan=args.plan, jobs=args.jobs, lang=args.lang,
        force=args.force, timeout=args.timeout, pseudonymise=args.pseudonymise, sheet=args.sheet,
        session=args.session, scheme=args.scheme,
    )
    _LEAVE_AT_ONCE = True  # every file written, the lock released, every kernel and browser stopped
    return summary.exit_code


def _export(args: argparse.Namespace) -> int:
    from . import nbconvert_exporter

    written, errors = nbconvert_exporter.export_notebooks(args.notebooks, out=args.out, lang=args.lang)
    for path in written:
        print(path)
    for error in errors:
        print(f"错误 error: {error}", file=sys.stderr)
    return 1 if errors else 0


def _sample(args: argparse.Namespace) -> int:
    from . import sampling

    if args.commit:
        print(sampling.commit_command(seed=args.seed, out=args.out, lang=args.lang))
        return 0
    summary = sampling.sample_command(
        data=args.data, session=args.session, fraction=args.fraction, size=args.size,
        strata=args.strata, seed=args.seed, out=args.out, lang=args.lang, commitment=args.commitment, sheet=args.sheet,
        scheme=args.scheme,
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


# ---------------------------------------------------------------------------------------
# One vocabulary: an option means one thing in every command, and its words are written once
# ---------------------------------------------------------------------------------------

# "--option" is its meaning in every command; "command --option" where a command adds to it (its default).
HELP: dict[str, tuple[str, str]] = {
    "description": ("代表建议办理分析：核对、分析并报告代表建议的办理情况。",
                    "代表建议办理分析 — check, analyse and report on the handling of deputies' suggestions."),
    "-h": ("显示本帮助并退出", "show this help message and exit"),
    "validate": ("核对台账和已公布数字文件；有错误时退出码为 1", "check ledgers and published-figures files; exit 1 on errors"),
    "reconcile": ("推算已公布数字中的空缺，核对印出的数字", "derive blank published figures and check the printed ones"),
    "run": ("运行报告笔记本，生成网页、Excel 表格和 Word 初稿", "execute the report notebooks and export HTML, Excel and Word"),
    "export": ("把执行过的笔记本（papermill、JupyterLab）转为与运行器相同的离线网页",
               "turn executed notebooks (papermill, JupyterLab) into the offline page the runner writes"),
    "sample": ("抽取联合督办的随机样本，并留下可复核的记录", "draw the recorded random sample for joint supervision"),
    "dictionary": ("由数据声明重新生成 data/README.md 中的数据字典",
                   "regenerate the data dictionary in data/README.md from the schema"),
    "validate FILE": ("CSV 或 XLSX 文件（台账或已公布数字）", "CSV or XLSX files (ledgers or published figures)"),
    "reconcile FILE": ("已公布数字的 CSV 或 XLSX 文件，或文件夹（其中每个已公布数字文件各算一份报告）",
                       "published-figures CSV or XLSX files, or folders (every figures file in them, each a report)"),
    "export NOTEBOOK": ("执行过的 .ipynb 文件", "executed .ipynb files"),
    "--data": ("台账和/或已公布数字文件（默认：自带的示例台账和原文的已公布数字）",
               "ledger(s) and/or published-figures file(s) (default: the bundled sample ledger and the source "
               "document's figures)"),
    "sample --data": ("台账文件（默认：自带的示例台账）", "ledger file(s) (default: the bundled sample ledger)"),
    "--session": ("台账没有写明届次时（没有届次列，标题行和文件名中也没有）它的届次，如 十九届人大一次会议",
                  "the session of a ledger that names none (no 届次 column, title row or file name), "
                  "e.g. 十九届人大一次会议"),
    "sample --session": ("从哪次会议中抽取（默认：最近一次）；也是没有写明届次的台账的届次",
                         "the session to draw from (default: the latest); also the session of a ledger that names none"),
    "--scheme": ("办理结果分类方案：data/schemes/ 中的名称或 YAML 文件路径（默认：设置文件中的 outcome_scheme）",
                 "outcome scheme: a name in data/schemes/ or a YAML path (default: outcome_scheme in the settings)"),
    "reconcile --scheme": ("每份报告的办理结果分类方案：data/schemes/ 中的名称或 YAML 文件路径（默认：由每份报告的分类名称读出）",
                           "outcome scheme of every report: a name in data/schemes/ or a YAML path (default: read from "
                           "each report's labels)"),
    "--sheet": ("每个 XLSX 文件读取的工作表（默认：打开文件时显示的那一张）",
                "the sheet to read in each XLSX file (default: the sheet shown when the file opens)"),
    "--lang": ("输出的语言：zh 中文，en 英文（默认 zh）", "language of what is printed: zh or en (default zh)"),
    "run --lang": ("报告的语言（默认：运行计划中的，zh）", "language of the reports (default: the run plan's, zh)"),
    "export --lang": ("网页自身文字的语言（默认：笔记本的 lang 参数）",
                      "language of the page's own words (default: the notebook's lang parameter)"),
    "--out": ("输出文件夹（默认 outputs/）", "output folder (default outputs/)"),
    "export --out": ("网页存放的文件夹（默认：各笔记本所在的文件夹）", "folder for the pages (default: beside each notebook)"),
    "sample --out": ("抽查名单（Excel）和抽样记录存放的文件夹（默认 outputs/tables）",
                     "folder for the Excel list and the audit record (default outputs/tables)"),
    "validate --json": ("输出 JSON 而不是文字", "print JSON instead of text"),
    "reconcile --json": ("输出一个 JSON 对象（files、schemes、figures、findings，每项以 report 注明所属文件）；"
                         "无法读取的文件成为错误发现",
                         "print one JSON object (files, schemes, figures, findings, each naming its report file in "
                         "report); a file that cannot be read becomes error findings"),
    "--each-file": ("每个文件单独校验（默认：几个台账像 run 那样一起校验，同一次会议的编号在文件之间也不能重复）",
                    "check each file on its own (default: ledgers are checked together, as run loads them, so an id "
                    "of one session may not repeat across files)"),
    "--together": ("把这些文件当作同一人大的多份报告一起读，一份中的合计可以用另一份的会次（默认：每个文件各是一份报告）",
                   "read the files as one congress's reports, so that a total in one can use the sessions of another "
                   "(default: each file is a report of its own)"),
    "--plan": ("运行计划 YAML 文件（默认 run_plan.yaml）", "run plan YAML (default run_plan.yaml)"),
    "--jobs": ("同时运行的报告数，每个一个内核（默认：CPU 核数）", "reports made at once, each on a kernel of its own (default: number of cores)"),
    "--force": ("即使没有任何改变也重新生成每份报告", "redo reports even when nothing changed"),
    "--timeout": ("一个单元格最多运行的秒数，超过则该报告失败（默认 600）",
                  "seconds a cell may run before the report fails (default 600)"),
    "--pseudonymise": ("把代表姓名换成稳定的化名", "replace deputies' names with stable pseudonyms"),
    "--fraction": ("抽取的比例（默认 0.10）", "share to draw (default 0.10)"),
    "--size": ("抽取的件数", "number of suggestions to draw"),
    "--strata": ("在哪种分组内按比例抽取（默认：设置文件中的，按承办主体）",
                 "draw proportionally within these groups (default: the settings', by handling body)"),
    "--seed": ("随机种子（与抽样结果一同记录）", "random seed (recorded with the draw)"),
    "--commit": ("只固定种子：在抽样之前写出可公开的种子承诺（及其私密部分）",
                 "only fix the seed: write a commitment to publish before the draw (and its private part)"),
    "--commitment": ("私密的种子承诺文件：核对种子并公开它", "the private commitment file: check the seed, reveal it"),
    "--check": ("只检查 data/README.md 是否与数据声明一致", "only check that data/README.md is up to date"),
}

# argparse's own words in its help ("usage:", the section titles), in Chinese.
_ARGPARSE_ZH = {"usage: ": "用法 usage: ", "positional arguments": "位置参数", "options": "选项",
                "optional arguments": "选项"}


def help_lang(argv: list[str], environ: Mapping[str, str] = os.environ) -> str:
    """The language of ``--help``: ``--lang`` when given, else Chinese under a zh_* locale, else English."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in ("zh", "en"):
            return argv[i + 1]
        if arg in ("--lang=zh", "--lang=en"):
            return arg.partition("=")[2]
    # POSIX: the first of LC_ALL, LC_MESSAGES and LANG that is set names the locale of messages.
    locale = next((environ[k] for k in ("LC_ALL", "LC_MESSAGES", "LANG") if environ.get(k)), "")
    return "zh" if locale.lower().startswith("zh") else "en"


class _Formatter(argparse.HelpFormatter):
    """argparse's layout, with its own few words in the language of the help."""

    lang = "en"

    def add_usage(self, usage, actions, groups, prefix=None):
        """The usage line, its prefix in the help's language."""
        return super().add_usage(usage, actions, groups, self._words("usage: ") if prefix is None else prefix)

    def start_section(self, heading):
        """A section ('options'), its title in the help's language."""
        return super().start_section(self._words(heading or ""))

    def _words(self, text: str) -> str:
        return _ARGPARSE_ZH.get(text, text) if self.lang == "zh" else text


class _Parser(argparse.ArgumentParser):
    """An argument parser whose mistakes read like the rest of the command line's ("错误 error: …")."""

    def error(self, message):
        """Print the usage and the mistake in one line; exit 2 (argparse's convention)."""
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: 错误 error: {message}\n")


def build_parser(lang: str | None = None) -> argparse.ArgumentParser:
    """The argument parser of ``python -m analysis``; its help in ``lang`` (default: ``help_lang`` of sys.argv)."""
    lang = lang or help_lang(sys.argv[1:])
    en = lang == "en"
    formatter = type("Formatter", (_Formatter,), {"lang": lang})

    def words(command: str, option: str) -> str:
        return HELP.get(f"{command} {option}", HELP.get(option))[en]

    def parser_of(command: str | None, commands=None) -> argparse.ArgumentParser:
        settings = dict(formatter_class=formatter, add_help=False)
        if command is None:
            made = _Parser(prog=_prog(), description=HELP["description"][en], **settings)
        else:
            made = commands.add_parser(command, help=HELP[command][en], description=HELP[command][en], **settings)
        made.add_argument("-h", "--help", action="help", help=HELP["-h"][en])
        return made

    def option(p, command: str, name: str, **kwargs) -> None:
        p.add_argument(name, help=words(command, name), **kwargs)

    parser = parser_of(None)
    # Before the command too (``--lang en validate …``); after it, the command's own wins.
    parser.add_argument("--lang", dest="top_lang", choices=["zh", "en"], help=HELP["--lang"][en])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)
    sheet = {"type": _text("工作表名 the sheet name ")}
    lang_choice = {"choices": ["zh", "en"]}

    p = parser_of("validate", commands)
    p.add_argument("files", nargs="+", metavar="FILE", help=words("validate", "FILE"))
    option(p, "validate", "--session")
    option(p, "validate", "--scheme")
    option(p, "validate", "--sheet", **sheet)
    option(p, "validate", "--each-file", action="store_true")
    option(p, "validate", "--json", action="store_true")
    option(p, "validate", "--lang", **lang_choice)
    p.set_defaults(default_lang="zh")
    p.set_defaults(handler=_validate)

    p = parser_of("reconcile", commands)
    p.add_argument("files", nargs="+", metavar="FILE", help=words("reconcile", "FILE"))
    option(p, "reconcile", "--scheme")
    option(p, "reconcile", "--sheet", **sheet)
    option(p, "reconcile", "--together", action="store_true")
    option(p, "reconcile", "--json", action="store_true")
    option(p, "reconcile", "--lang", **lang_choice)
    p.set_defaults(default_lang="zh")
    p.set_defaults(handler=_reconcile)

    p = parser_of("run", commands)
    option(p, "run", "--data", nargs="+", metavar="FILE")
    option(p, "run", "--session")
    option(p, "run", "--scheme")
    option(p, "run", "--sheet", **sheet)
    option(p, "run", "--out")
    option(p, "run", "--plan")
    option(p, "run", "--jobs", type=_whole(1, run_module_limits()[0]))
    option(p, "run", "--lang", **lang_choice)
    p.set_defaults(default_lang=None)  # the run plan's
    option(p, "run", "--force", action="store_true")
    option(p, "run", "--timeout", type=_whole(1, run_module_limits()[1]))
    option(p, "run", "--pseudonymise", action="store_true")
    p.set_defaults(handler=_run)

    p = parser_of("export", commands)
    p.add_argument("notebooks", nargs="+", metavar="NOTEBOOK", help=words("export", "NOTEBOOK"))
    option(p, "export", "--out")
    option(p, "export", "--lang", **lang_choice)
    p.set_defaults(default_lang=None)  # the notebook's own
    p.set_defaults(handler=_export)

    p = parser_of("sample", commands)
    option(p, "sample", "--data", nargs="+", metavar="FILE")
    option(p, "sample", "--session")
    option(p, "sample", "--scheme")
    option(p, "sample", "--sheet", **sheet)
    group = p.add_mutually_exclusive_group()
    option(group, "sample", "--fraction", type=float)  # checked by sampling
    option(group, "sample", "--size", type=int)
    option(p, "sample", "--strata", choices=["handler", "lead_unit", "none"])
    option(p, "sample", "--seed", type=int, required=True)
    option(p, "sample", "--out")
    option(p, "sample", "--commit", action="store_true")
    option(p, "sample", "--commitment", metavar="FILE")
    option(p, "sample", "--lang", **lang_choice)
    p.set_defaults(default_lang="zh")
    p.set_defaults(handler=_sample)

    p = parser_of("dictionary", commands)
    option(p, "dictionary", "--check", action="store_true")
    p.set_defaults(handler=_dictionary)
    return parser


def run_module_limits() -> tuple[int, int]:
    """The largest --jobs and --timeout the runner accepts (read from ``analysis.run`` only when asked)."""
    from . import run

    return run.MAX_JOBS, run.MAX_TIMEOUT_S


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    args = build_parser(help_lang(sys.argv[1:] if argv is None else argv)).parse_args(argv)
    if "default_lang" in args:
        args.lang = args.lang or args.top_lang or args.default_lang
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
    except BrokenPipeError:  # the reader stopped reading (| head): stop quietly, as other command-line tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the exit's flush has somewhere to go
        return 1


def _leave(code: int) -> None:
    """Exit with ``code`` at once, once what was printed is out. After a run the interpreter's teardown (pandas,
    papermill, the exporter, one atexit hook per executed notebook) takes a fifth of a second of the run's end,
    and has nothing left to do: every file is written and every process the run started has ended."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed stream: nothing more can be said
            pass
    os._exit(code)


if __name__ == "__main__":
    status = main()
    if _LEAVE_AT_ONCE:
        _leave(status)
    sys.exit(status)
