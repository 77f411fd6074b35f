"""Unit tests of analysis.provenance: the fingerprints of a report's code and files."""
from __future__ import annotations

import hashlib

from analysis import provenance


def test_file_sha256_is_the_hash_of_the_files_bytes(tmp_path):
    path = tmp_path / "台账.csv"
    path.write_bytes(b"a,b\n" * 300_000)  # more than one read block
    assert provenance.file_sha256(path) == hashlib.sha256(path.read_bytes()).hexdigest()


def test_code_hash_changes_when_a_source_file_changes(tmp_path, monkeypatch):
    (tmp_path / "a.py").write_text("x = 1\n")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text("<p>\n")
    monkeypatch.setattr(provenance.paths, "PACKAGE_DIR", tmp_path)
    provenance.code_hash.cache_clear()
    try:
        first = provenance.code_hash()
        provenance.code_hash.cache_clear()
        assert provenance.code_hash() == first  # same sources, same hash
        (tmp_path / "templates" / "page.html").write_text("<p>changed\n")
        provenance.code_hash.cache_clear()
        assert provenance.code_hash() != first
    finally:
        provenance.code_hash.cache_clear()
