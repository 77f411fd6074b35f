"""Shared pytest fixtures (kept minimal: tests build their own tiny inputs)."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

# The runner's fixture notebooks fail, hang or kill their kernel on purpose: they are inputs of
# tests/e2e and tests/unit/test_run.py, not notebooks for nbval to validate.
collect_ignore_glob = ["fixtures/notebooks/*.ipynb"]


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[..., Path]:
    """Write a small input file under tmp_path: text in ``encoding`` (default UTF-8) or raw bytes."""

    def write(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path

    return write
