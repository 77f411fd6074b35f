"""``yaml_text.safe_load``: the values and the messages of ``yaml.safe_load``, whichever parser reads the text."""
from __future__ import annotations

import pytest
import yaml

from analysis import paths, yaml_text


def _project_yaml_files():
    root = paths.RUN_PLAN.parent
    return sorted(p for p in root.rglob("*.y*ml") if ".venv" not in p.parts and ".git" not in p.parts)


def test_every_yaml_file_of_the_project_reads_as_pyyaml_reads_it():
    files = _project_yaml_files()
    assert paths.RUN_PLAN in files and paths.CONFIG_FILE in files and len(files) >= 5
    for file in files:
        text = file.read_text(encoding="utf-8")
        assert yaml_text.safe_load(text) == yaml.safe_load(text), file


@pytest.mark.parametrize("text", ["a: [1, 2\nb: 3", "a:\n\t- x", "- a\nb: c", "x: \x07"])
def test_text_that_is_not_yaml_gets_pyyamls_own_message(text):
    with pytest.raises(yaml.YAMLError) as ours:
        yaml_text.safe_load(text)
    with pytest.raises(yaml.YAMLError) as theirs:
        yaml.safe_load(text)
    assert str(ours.value) == str(theirs.value)
    assert "line" in str(ours.value) or "position" in str(ours.value)  # where the fault is


def test_values_are_resolved_as_pyyaml_resolves_them():
    text = "on: yes\ndate: 2024-03-01\nn: 0x1F\nempty:\nlist: [a, '1', 1.5]\n"
    assert yaml_text.safe_load(text) == yaml.safe_load(text)
    assert yaml_text.safe_load(text)[True] is True  # YAML 1.1's on/yes, as PyYAML reads them
