"""The README names tests that exist, covers every item of issue 7, and its module table lists every module."""
from __future__ import annotations

import ast
import re
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]


def _section() -> str:
    text = (PROJECT / "README.md").read_text(encoding="utf-8")
    start = text.index("## Reliability and privacy")
    return text[start:text.index("\n## ", start + 1)]


def _references(section: str) -> list[tuple[str, str | None]]:
    """(file, test name or None) for every `tests/…py[::test]` and `::test` (same file as before) cited."""
    found, current = [], None
    for match in re.finditer(r"`(tests/[\w/]+\.py)?(?:::(test_\w+))?`", section):
        path, name = match.groups()
        if path:
            current = path
        if path or name:
            found.append((current, name))
    return found


def test_every_test_the_readme_cites_exists():
    references = _references(_section())
    assert len(references) >= 30
    for path, name in references:
        file = PROJECT / path
        assert file.is_file(), path
        if name:
            tree = ast.parse(file.read_text(encoding="utf-8"))
            defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
            assert name in defined, f"{path}::{name} is cited in README.md but does not exist"


def test_the_section_covers_every_item_of_issue_7_and_the_options():
    section = _section()
    for words in ("Killed run", "Two runs at once", "kernel that dies", "--timeout", "full disk", "read-only",
                  "Hostile text", "javascript:", "formula", "100,000-row", "binary file", "several sheets",
                  "mixed line endings", "byte-identical", "chart element ids", "--pseudonymise",
                  "hold deputies' names by default", "SA_PSEUDONYM_KEY", "SA_LOCK_WAIT_S", "SOURCE_DATE_EPOCH"):
        assert words in section, words


def test_the_section_covers_every_item_of_issue_14():
    section = _section()
    for words in ("exactly what was hashed", "XLSX as a user means it", "hidden", "zip bomb", "XFD1048576",
                  "password-protected", "Files as they come", "UTF-16", "named pipe", "No guessed values", "1 51",
                  "A类/B类", "19.10", "二〇二四年三月五日", "every separator", "Outputs tell the truth",
                  "umask", "1 GiB", "tests/data/corpus.yaml"):
        assert words in section, words
def module_table_names() -> set[str]:
    """The module names in the first column of README's table of the modules of analysis/."""
    text = (PROJECT / "README.md").read_text(encoding="utf-8")
    start = text.index("The modules of `analysis/`")
    table = text[text.index("| module |", start):]
    table = table[:table.index("\n\n")]
    names = set()
    for row in table.splitlines()[2:]:
        first_column = row.split("|")[1]
        names |= {name.rstrip("/") for name in re.findall(r"`([^`]+)`", first_column)}
    return names


def package_modules() -> set[str]:
    """Every module of analysis/ as the table names it: each .py file's stem, each sub-package's folder name."""
    package = PROJECT / "analysis"
    modules = {path.stem for path in package.glob("*.py")}
    modules |= {path.parent.name for path in package.glob("*/__init__.py")}
    return modules


def test_the_module_table_lists_every_module_of_the_package_and_no_other():
    listed, present = module_table_names(), package_modules()
    assert present - listed == set(), f"modules missing from README's module table: {sorted(present - listed)}"
    assert listed - present == set(), f"README's module table lists no such module: {sorted(listed - present)}"
