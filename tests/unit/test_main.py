"""The command line is one vocabulary: an option means one thing in every command, in Chinese or English."""
from __future__ import annotations

import argparse
import re
import subprocess
import sys

import openpyxl
import pytest

from analysis import paths
from analysis.__main__ import HELP, build_parser, help_lang, main

READING = {"validate": ["--session", "--scheme", "--sheet"], "reconcile": ["--scheme", "--sheet"],
           "run": ["--session", "--scheme", "--sheet"], "sample": ["--session", "--scheme", "--sheet"]}
CJK = re.compile(r"[\u4e00-\u9fff]")
MEANING = {"--session": "the session of a ledger that names none", "--scheme": "outcome scheme",
           "--sheet": "the sheet to read in each XLSX file", "--lang": "language of", "--out": "folder"}


def commands(lang: str = "en") -> dict[str, argparse.ArgumentParser]:
    parser = build_parser(lang)
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(sub.choices)


def options(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    return {name: action for action in parser._actions for name in action.option_strings if name.startswith("--")}


def test_every_command_that_reads_data_reads_it_the_same_way():
    found = commands()
    for command, names in READING.items():
        assert set(names) <= set(options(found[command])), command
    # The same option, the same meaning: its words come from one entry; a command's own entry only adds its default.
    for command, parser in found.items():
        for name, action in options(parser).items():
            entry = HELP.get(f"{command} {name}") or HELP["-h" if name == "--help" else name]
            assert action.help == entry[1], (command, name)
            if name in MEANING:
                assert MEANING[name] in action.help, (command, name, action.help)
    for command in ("run", "export", "sample"):
        assert "--out" in options(found[command]), command
    for command in ("validate", "reconcile", "run", "export", "sample"):
        assert options(found[command])["--lang"].choices == ["zh", "en"], command


def test_run_takes_the_session_and_scheme_its_own_messages_ask_for():
    args = build_parser("en").parse_args(["run", "--data", "台账.csv", "--session", "十九届人大一次会议",
                                          "--scheme", "4class", "--sheet", "台账", "--out", "out"])
    assert (args.session, args.scheme, args.sheet, args.out) == ("十九届人大一次会议", "4class", "台账", "out")


def test_every_word_of_the_help_is_there_in_chinese_and_english():
    for key, (zh, en) in HELP.items():
        assert CJK.search(zh) and en.strip() and en != zh, key
    for lang in ("zh", "en"):
        for command, parser in commands(lang).items():
            for action in parser._actions:
                assert action.help in {pair["en" == lang] for pair in HELP.values()}, (lang, command, action.dest)


@pytest.mark.parametrize("argv, environ, lang", [
    ([], {"LANG": "zh_CN.UTF-8"}, "zh"),
    ([], {"LANG": "en_US.UTF-8"}, "en"),
    ([], {}, "en"),
    ([], {"LC_ALL": "zh_TW.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),  # LC_ALL before LANG
    ([], {"LC_ALL": "C.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
    ([], {"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
    (["run", "--lang", "zh", "--help"], {"LANG": "en_US.UTF-8"}, "zh"),
    (["--lang=en", "validate", "--help"], {"LANG": "zh_CN.UTF-8"}, "en"),
])
def test_help_speaks_the_locales_language_unless_lang_says_otherwise(argv, environ, lang):
    assert help_lang(argv, environ) == lang


def test_help_in_chinese_from_the_command_line():
    env = {"PATH": "/usr/bin:/bin", "LANG": "zh_CN.UTF-8"}
    shown = subprocess.run([sys.executable, "-m", "analysis", "run", "--help"], capture_output=True, text=True,
                           env=env, cwd=paths.PROJECT_DIR, timeout=60)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("用法 usage: ") and "选项:" in shown.stdout
    assert "显示本帮助并退出" in shown.stdout and "台账没有写明届次时" in shown.stdout
    english = subprocess.run([sys.executable, "-m", "analysis", "run", "--lang", "en", "--help"], capture_output=True,
                             text=True, env=env, cwd=paths.PROJECT_DIR, timeout=60)
    assert english.stdout.startswith("usage: ") and "the session of a ledger that names none" in english.stdout


def test_lang_before_the_command_is_the_commands_own(capsys):
    assert main(["--lang", "en", "validate", str(paths.SAMPLE_LEDGER)]) == 0
    assert "no problems" in capsys.readouterr().out
    assert main(["validate", str(paths.SAMPLE_LEDGER)]) == 0
    assert "没有问题" in capsys.readouterr().out


def test_a_mistake_in_the_options_reads_like_every_other_error(capsys):
    with pytest.raises(SystemExit) as info:
        main(["validate"])
    assert info.value.code == 2
    assert "python -m analysis validate: 错误 error: the following arguments are required: FILE" in \
        capsys.readouterr().err


def test_sample_reads_a_ledger_without_a_session_as_the_session_it_draws_from(tmp_path, capsys):
    ledger = tmp_path / "台账.csv"
    ledger.write_text("建议编号,标题,承办主体,主办单位,领衔代表,办理结果\n"
                      + "".join(f"S{i},关于第{i}件事的建议,区政府,区民政局,张{i},A\n" for i in range(1, 21)),
                      encoding="utf-8")
    assert main(["sample", "--data", str(ledger), "--seed", "7", "--size", "2", "--session", "十九届人大一次会议",
                 "--scheme", "abc", "--out", str(tmp_path / "out")]) == 0
    assert "十九届人大一次会议" in capsys.readouterr().out


def test_reconcile_reads_the_sheet_it_is_told(tmp_path, capsys):
    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active.append(["本工作簿第二张表是公开数字"])
    sheet = book.create_sheet("数字")
    for row in paths.SOURCE_FIGURES.read_text(encoding="utf-8-sig").splitlines():
        sheet.append(row.split(","))
    book.save(tmp_path / "公开数字.xlsx")
    assert main(["reconcile", str(tmp_path / "公开数字.xlsx"), "--sheet", "数字"]) == 0
    assert "172" in capsys.readouterr().out
    assert main(["reconcile", str(tmp_path / "公开数字.xlsx"), "--sheet", "没有这张表"]) == 1
    assert "没有这张表" in capsys.readouterr().err


def test_output_piped_into_a_reader_that_stops_early_ends_quietly():
    """`reconcile … | head`: the reader closes the pipe before the report is printed; no traceback."""
    command = subprocess.Popen([sys.executable, "-m", "analysis", "reconcile", str(paths.SOURCE_FIGURES)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=paths.PROJECT_DIR)
    command.stdout.close()  # before anything is written: the first write meets a closed pipe
    stderr = command.communicate(timeout=120)[1].decode()
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr, stderr
    assert command.returncode == 1
