"""The hostile and bad-input corpus (tests/data/corpus.yaml): each file gets its expected message, exit code and
values, through validate, the loaders and the command line under a 1 GiB memory limit; never a traceback or a hang."""
from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import resource
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest
import yaml

from analysis import load
from analysis.__main__ import main
from reading_support import assert_same_reading

DATA = Path(__file__).resolve().parents[1] / "data"
BAD = DATA / "bad"
HOSTILE = DATA / "hostile"
PROJECT = Path(__file__).resolve().parents[2]
CORPUS = yaml.safe_load((DATA / "corpus.yaml").read_text(encoding="utf-8"))
GENERATORS = {BAD: "make_corpus.py", HOSTILE: "make_hostile_files.py"}
MEMORY_LIMIT = 1 << 30  # bytes of address space a validation of any corpus file may use


def _module(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict[str, Path]:
    """The corpus files made at test time (a 10 MB cell, a pipe, a link loop …): name → path."""
    return _module(HOSTILE / "make_hostile_files.py").generated(tmp_path_factory.mktemp("generated"))


def _path(entry: dict, generated: dict[str, Path]) -> Path:
    folder, _, name = entry["file"].partition("/")
    return generated[name] if folder == "generated" else DATA / entry["file"]


def _id(entry: dict) -> str:
    return entry["file"] + ("" if not entry.get("args") else " " + " ".join(entry["args"]))


def _cases(entries: list[dict]) -> list:
    """The entries as parameters; one that waits for another branch is a strict xfail (it says when it passes)."""
    return [pytest.param(e, id=_id(e), marks=[pytest.mark.xfail(strict=True, reason=e["xfail"])] if e.get("xfail")
                         else []) for e in entries]


def _as_user(entry: dict) -> bool:
    """True for an entry that must run as an ordinary user (root reads files whatever their permissions)."""
    return bool(entry.get("as_user")) and os.geteuid() == 0


@pytest.mark.parametrize("entry", _cases(CORPUS))
def test_corpus_file_gets_its_message(capsys, generated, entry):
    if _as_user(entry):
        pytest.skip("root reads any file: checked without that power by test_command_line_as_an_ordinary_user")
    path = _path(entry, generated)
    assert main(["validate", str(path), *entry.get("args", [])]) == entry["exit"]
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert path.name in out  # every report names the file
    for fragment in entry["messages"]:
        assert fragment in out, f"{fragment!r} not in:\n{out}"


def _plain(value):
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return value.date().isoformat()
    return value.item() if hasattr(value, "item") else value


LOADING = [e for e in CORPUS if e["exit"] == 0]


@pytest.mark.parametrize("entry", _cases(LOADING))
def test_every_file_that_loads_gives_exactly_its_values(generated, entry):
    """No silently wrong value: each file that loads has the values the table says, column by column."""
    assert entry.get("values"), "a file that loads must say what it loads as"
    path, args = _path(entry, generated), entry.get("args", [])
    options = dict(zip([a.lstrip("-") for a in args[0::2]], args[1::2]))
    (report,) = load.validate_files([path], **options)
    frame = (load.load_figures([path], sheet=options.get("sheet")) if report.kind == "figures"
             else load.load_cases(path, **options))
    for column, expected in entry["values"].items():
        expected = [v.isoformat() if isinstance(v, dt.date) else v for v in expected]  # YAML reads dates as dates
        assert [_plain(v) for v in frame[column].tolist()] == expected, column


@pytest.mark.parametrize("entry", [e for e in CORPUS if e.get("together")], ids=_id)
def test_files_loaded_together_get_their_message(entry):
    """A ledger in several files is checked across them (ids of one session) naming each file and row."""
    together = entry["together"]
    with pytest.raises(load.SchemaError) as info:
        load.load_cases([DATA / entry["file"], *(DATA / f for f in together["files"])])
    message = "\n".join(p.message for p in info.value.problems)
    # `validate` of the same files checks them together too (as run loads them): the same messages, on the files
    reports = load.validate_files([DATA / entry["file"], *(DATA / f for f in together["files"])])
    validated = "\n".join(p.message for r in reports for p in r.problems)
    assert not all(r.ok for r in reports)
    for text in (message, validated):
        for fragment in together["messages"]:
            assert fragment in text, f"{fragment!r} not in:\n{text}"
        for fragment in together.get("absent", []):
            assert fragment not in text, f"{fragment!r} in:\n{text}"


ERRORS = [e for e in CORPUS if e["exit"] == 1 and not e.get("as_user") and not e.get("xfail")]


@pytest.mark.parametrize("entry", ERRORS[:12] + ERRORS[-30::3], ids=[_id(e) for e in ERRORS[:12] + ERRORS[-30::3]])
def test_corpus_in_english(capsys, generated, entry):
    assert main(["validate", "--lang", "en", str(_path(entry, generated)), *entry.get("args", [])]) == 1
    out, _ = capsys.readouterr()
    assert "[error]" in out and "错误" not in out.replace("[error]", "")  # no zh words of our own
    assert "Fix the errors above" in out


def test_loaders_raise_data_errors_naming_the_file(generated):
    for entry in CORPUS:
        if entry.get("args") or _as_user(entry) or entry["exit"] == 0 or entry.get("xfail"):
            continue
        path = _path(entry, generated)
        (report,) = load.validate_files([path])
        loader = load.load_figures if report.kind == "figures" else load.load_cases
        with pytest.raises(load.DataError) as info:
            loader(path)
        assert all(p.file == str(path) for p in info.value.problems if p.code != "more"), entry["file"]


def test_corpus_is_large_enough_and_every_file_has_an_expectation(generated):
    committed = sorted(f"{folder.name}/{p.name}" for folder, script in GENERATORS.items()
                       for p in folder.iterdir() if p.is_file() and p.suffix != ".py")
    listed = {e["file"] for e in CORPUS}
    assert sorted(f for f in listed if not f.startswith("generated/")) == committed
    assert {f"generated/{name}" for name in generated} == {f for f in listed if f.startswith("generated/")}
    assert len(committed) + len(generated) >= 100


@pytest.mark.parametrize("folder", list(GENERATORS), ids=lambda f: f.name)
def test_corpus_is_what_its_generator_writes(folder):
    assert _module(folder / GENERATORS[folder]).main(["--check"]) == 0


def _limited() -> None:
    """In the child: at most MEMORY_LIMIT bytes of address space, and one thread for numerical libraries."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def test_command_line_over_the_whole_corpus_under_a_memory_limit(generated, tmp_path):
    """Every file, through `validate --json` in a process limited to 1 GiB: no traceback, no hang, the exit each needs."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    by_args: dict[tuple, list[dict]] = defaultdict(list)
    for entry in CORPUS:
        if not _as_user(entry) and not entry.get("xfail"):  # those are run one by one, as strict xfails, above
            by_args[tuple(entry.get("args", []))].append(entry)
    for args, entries in by_args.items():
        files = [str(_path(e, generated)) for e in entries]
        if not args:
            files += [str(tmp_path / "missing.csv"), str(tmp_path)]
        # unrelated files: each checked on its own (together, every S-001 of 十九届人大一次会议 would repeat across them)
        run = subprocess.run([sys.executable, "-m", "analysis", "validate", "--json", "--each-file", *args, *files],
                             cwd=PROJECT, capture_output=True, text=True, env=env, timeout=300, preexec_fn=_limited)
        assert "Traceback" not in run.stdout + run.stderr, run.stderr[-3000:]
        assert run.stdout, (args, run.returncode, run.stderr[-3000:])  # a child killed or stopped says why
        reports = json.loads(run.stdout)
        assert len(reports) == len(files)
        for entry, found in zip(entries, reports):
            assert found["ok"] == (entry["exit"] == 0), (entry["file"], found["problems"][:2])
        if not args:
            assert reports[-2]["problems"][0]["code"] == "missing_file"
            assert reports[-1]["problems"][0]["code"] == "not_a_file"


def _without_root_reading() -> None:
    """In the child: root loses the capabilities to read any file (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH),
    from the bounding set so that they stay lost across exec; it then obeys permissions as any user does."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def test_command_line_as_an_ordinary_user(generated):
    """A file the user may not read is refused saying so (run without root's power to read any file)."""
    for entry in (e for e in CORPUS if e.get("as_user")):
        path = _path(entry, generated)
        run = subprocess.run([sys.executable, "-m", "analysis", "validate", str(path)], cwd=PROJECT,
                             capture_output=True, text=True, timeout=120,
                             preexec_fn=_without_root_reading if os.geteuid() == 0 else None,
                             env={**os.environ, "PYTHONIOENCODING": "utf-8"})
        assert run.returncode == entry["exit"] and "Traceback" not in run.stdout + run.stderr, run.stderr
        for fragment in entry["messages"]:
            assert fragment in run.stdout, run.stdout


def test_command_line_clean_file_exits_zero():
    run = subprocess.run([sys.executable, "-m", "analysis", "validate", str(BAD / "gbk_no_bom.csv")],
                         cwd=PROJECT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "没有问题" in run.stdout


def test_an_unknown_scheme_is_a_message_not_a_traceback(capsys):
    assert main(["validate", "--scheme", "no_such_scheme", str(BAD / "gbk_no_bom.csv")]) == 1
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert "no_such_scheme" in err and "abc" in err


def test_another_scheme_from_the_command_line(capsys):
    # D类 is unknown to the default A/B/C scheme but a class of the four-class one
    assert main(["validate", "--scheme", "four_class", str(BAD / "unknown_label.csv")]) == 0
    assert "没有问题" in capsys.readouterr().out


# ---------------------------------------------------------------------------------------
# Files too big to commit, and faults that need their values checked
# ---------------------------------------------------------------------------------------


def _make_corpus():
    return _module(BAD / "make_corpus.py")


@pytest.fixture(scope="module")
def big_ledger(tmp_path_factory):
    path = tmp_path_factory.mktemp("big") / "big_ledger.csv"
    path.write_bytes(_make_corpus().big_ledger(100_000))
    return path


def test_100000_rows_with_errors_give_a_short_grouped_report(big_ledger):
    (report,) = load.validate_files([big_ledger])
    labels = [i for i in range(100_000) if i % 5 in (0, 2)]
    dates = [i for i in range(100_000) if i % 7 == 0]
    satisfaction = [i for i in range(100_000) if i % 11 == 0]
    assert (len(labels), len(dates), len(satisfaction)) == (40_000, 14_286, 9_091)
    assert report.rows == 100_000
    assert report.errors == 40_000 + 14_286 + 9_091 + 50 * 2  # and 50 ids used twice
    # every row counted in its group; the first rows named
    by_value = {g.problem.value: g for g in report.groups}
    assert by_value["X类"].count == 40_000
    assert by_value["X类"].rows[:10] == [i + 2 for i in labels[:10]]
    assert by_value["2024-02-30"].count == 14_286 and by_value["非常满意"].count == 9_091
    duplicates = [g for g in report.groups if g.problem.code == "duplicate_id"]
    assert len(duplicates) == 50 and duplicates[0].rows == [2000, 2001]
    # the listed problems are capped and shared: the first column's 14,286 bad dates do not hide the labels
    assert len(report.problems) == load.MAX_LISTED_PROBLEMS
    codes = {p.code for p in report.problems}
    assert {"unknown_label", "unknown_value", "bad_value", "duplicate_id"} <= codes

    text = load.render_reports([report])
    lines = text.splitlines()
    assert "第2、4、7、9、12、14、17、19、22、24…行（另有 39,990 行，共 40,000 行）" in text
    assert "'X类'" in text and "63,477 个错误" in text
    # 3 kinds of bad value + 50 duplicate ids, but only 30 kinds of problem are shown; the rest counted
    assert sum(line.startswith("  [错误]") for line in lines) == 30
    assert "另有 46 个其他问题未列出" in text  # 23 duplicate ids not shown, two rows each
    assert len(lines) < 40 and max(len(line) for line in lines) < 400
    english = load.render_reports([report], lang="en")
    assert "rows 2, 4, 7, 9, 12, 14, 17, 19, 22, 24 … (and 39,990 more, 40,000 in all)" in english
    assert len(json.dumps(report.to_dict(), ensure_ascii=False)) < 200_000


def test_100000_rows_with_errors_raise_a_short_data_error(big_ledger):
    with pytest.raises(load.SchemaError) as info:
        load.load_cases(big_ledger)
    message = str(info.value)
    assert "共 40,000 行" in message and len(message.splitlines()) < 40
    assert len(info.value.problems) == load.MAX_LISTED_PROBLEMS + 1
    assert info.value.problems[-1].code == "more" and "63277" in info.value.problems[-1].message


def test_mixed_line_endings_and_a_trailing_comma_keep_every_value():
    df = load.load_cases(BAD / "mixed_line_endings.csv")
    expected = [row.split(",") for row in _make_corpus().MIXED_ROWS]
    assert df["suggestion_id"].tolist() == [r[0] for r in expected]
    assert df["title"].tolist() == [r[2] for r in expected]
    assert df["handler"].tolist() == [r[3] for r in expected]
    assert df["outcome_class"].tolist() == ["A", "B", "C", pd.NA, "A"]
    assert df["status"].tolist() == [r[5] for r in expected]
    assert df["reply_date"].tolist() == [pd.Timestamp("2024-04-01"), pd.Timestamp("2024-04-02"),
                                         pd.Timestamp("2024-04-03"), pd.NaT, pd.Timestamp("2024-04-05")]
    assert df["satisfaction"].tolist() == ["满意", "基本满意", "不满意", pd.NA, "满意"]  # no '\r' left on the last cell
    assert df["source_row"].tolist() == [2, 3, 4, 5, 6]
    # the empty column after the trailing comma is neither an unknown column nor kept
    assert df.attrs["provenance"][0]["unknown_columns"] == []
    assert list(df.columns[-2:]) == ["source_file", "source_row"] and len(df.columns) == len(load.schema.LEDGER_FIELDS) + 2


def test_formulas_load_the_values_excel_saved():
    df = load.load_cases(BAD / "formulas.xlsx", sheet="台账")
    assert df["suggestion_id"].tolist() == ["S-001", "S-002", "S-003"]  # not '="S-"&TEXT(…)'
    assert df["outcome_class"].tolist() == ["A", "B", "A"]
    assert df["reply_date"].tolist() == [pd.Timestamp("2024-04-02"), pd.Timestamp("2024-04-03"),
                                         pd.Timestamp("2024-04-04")]
    assert df["assigned_date"].tolist() == [pd.Timestamp("2024-03-06"), pd.Timestamp("2024-03-07"),
                                            pd.Timestamp("2024-03-08")]


def test_formulas_without_saved_results_are_errors_not_blanks():
    with pytest.raises(load.SchemaError) as info:
        load.load_cases(BAD / "formulas_uncached.xlsx")
    found = sorted((p.code, p.row, p.column) for p in info.value.problems if p.code != "more")
    assert found == sorted((("formula_no_value", row, column) for row in (2, 3, 4)
                            for column in ("建议编号", "办理结果", "答复日期")))
    assert not any(p.value and p.value.startswith("=") for p in info.value.problems)  # formulas are not data


def test_a_formula_in_an_unknown_column_is_only_a_warning(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["建议编号", "届次", "标题", "承办主体", "办理状态", "经办人核对"])
    wb.active.append(["S-1", "十九届人大一次会议", "关于修路的建议", "区政府", "办理中", "=A2&\"已核\""])
    wb.save(tmp_path / "ledger.xlsx")
    (report,) = load.validate_files([tmp_path / "ledger.xlsx"])
    assert report.ok
    assert [(p.code, p.severity, p.row, p.column) for p in report.problems if p.code == "formula_no_value"] == \
        [("formula_no_value", "warning", 2, "经办人核对")]


def _one_way(path: Path, options: dict) -> tuple:
    """(reports, frame or error text) read as the loader reads it."""
    reports = [r.to_dict() for r in load.validate_files([path], **options)]
    try:
        frame = (load.load_figures([path], sheet=options.get("sheet")) if reports[0]["kind"] == "figures"
                 else load.load_cases(path, **options))
    except load.DataError as exc:
        frame = str(exc)
    return reports, frame


def _both_ways(monkeypatch, path: Path, options: dict) -> list[tuple]:
    """(reports, frame or error text) read as the loader reads it, then with pandas' reader alone (no Arrow)."""
    found = [_one_way(path, options)]
    with monkeypatch.context() as patch:
        patch.setattr(load, "_arrow_columns", lambda *args, **kwargs: None)
        found.append(_one_way(path, options))
    return found


def _corpus_files(generated) -> list[tuple[str, Path, dict]]:
    """(name, path, loader options) of every corpus file the loader reads as this user, expected to pass."""
    files = []
    for entry in CORPUS:
        if _as_user(entry) or entry.get("xfail"):
            continue
        args = entry.get("args", [])
        files.append((entry["file"], _path(entry, generated), dict(zip([a.lstrip("-") for a in args[0::2]],
                                                                       args[1::2]))))
    return files


def test_arrow_and_pandas_readers_give_the_same_reports_and_frames_over_the_whole_corpus(generated, monkeypatch):
    """The Arrow path of large CSV files gives exactly what pandas' reader gives: every message, every value."""
    used = []
    arrow_columns = load._arrow_columns
    monkeypatch.setattr(load, "_arrow_columns", lambda *a, **k: used.append(arrow_columns(*a, **k)) or used[-1])
    files = _corpus_files(generated)
    for name, path, options in files:
        assert_same_reading(_both_ways(monkeypatch, path, options), name)
    assert len(files) > 100
    assert sum(columns is not None for columns in used) >= 20  # the Arrow path really read most CSV files


def test_files_read_as_large_ones_give_the_same_reports_and_frames_over_the_whole_corpus(generated, monkeypatch):
    """A large CSV file is parsed from the file, never held whole: every message and value stays what its bytes give."""
    files, streamed = _corpus_files(generated), 0
    for name, path, options in files:
        in_memory = _one_way(path, options)
        with monkeypatch.context() as patch:
            patch.setattr(load, "_STREAM_BYTES", 0)
            patch.setattr(load, "_ARROW_BLOCK_BYTES", 4096)  # many blocks even in a small file
            read, used = load._read_large_csv, []
            patch.setattr(load, "_read_large_csv", lambda *a: used.append(read(*a)) or used[-1])
            assert_same_reading([in_memory, _one_way(path, options)], name)
        streamed += any(table is not None for table in used)
    assert len(files) > 100 and streamed >= 20  # most CSV files really took the large-file path
