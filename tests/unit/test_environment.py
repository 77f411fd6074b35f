"""The environment is declared twice (pyproject for pip, environment.yml for conda): they must agree."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parents[2]
# conda-forge names that differ from the PyPI name of the same package (none today; add here when one does)
CONDA_TO_PYPI: dict[str, str] = {}
NOT_PACKAGES = {"python", "pip"}  # environment.yml entries that are the toolchain, not dependencies


def _name(requirement: str) -> str:
    """The normalised project name of a requirement ('PyYAML>=6' → 'pyyaml')."""
    name = re.split(r"[\s<>=!~;\[@]", requirement.strip(), maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()


def pyproject_names() -> set[str]:
    """Runtime dependencies plus the dev extras of pyproject.toml."""
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = list(project["dependencies"]) + list(project.get("optional-dependencies", {}).get("dev", []))
    return {_name(r) for r in requirements}


def environment_names() -> set[str]:
    """Conda dependencies of environment.yml (the pip sub-list installs the project itself)."""
    env = yaml.safe_load((PROJECT / "environment.yml").read_text(encoding="utf-8"))
    names = set()
    for entry in env["dependencies"]:
        if isinstance(entry, dict):
            assert set(entry) == {"pip"}, f"unexpected entry in environment.yml: {entry}"
            extra = [r for r in entry["pip"] if not r.startswith("-e")]
            names |= {_name(r) for r in extra}
            continue
        name = CONDA_TO_PYPI.get(_name(entry), _name(entry))
        if name not in NOT_PACKAGES:
            names.add(name)
    return names


def test_requirement_names_are_normalised():
    assert _name("PyYAML>=6.0") == "pyyaml"
    assert _name("charset_normalizer") == "charset-normalizer"
    assert _name("python-docx ==1.2") == "python-docx"
    assert _name("pytest[testing]") == "pytest"


def test_environment_yml_and_pyproject_list_the_same_dependencies():
    in_pyproject, in_environment = pyproject_names(), environment_names()
    assert in_pyproject == in_environment, (
        f"only in pyproject.toml: {sorted(in_pyproject - in_environment)}; "
        f"only in environment.yml: {sorted(in_environment - in_pyproject)}")


def lock_pins() -> dict[str, str]:
    """Project name → version pinned in requirements.lock."""
    pinned = {}
    for line in (PROJECT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"requirements.lock: {line!r} is not pinned with =="
            pinned[_name(name)] = version.strip()
    return pinned


def environment_pins() -> dict[str, str]:
    """Project name (PyPI's) → the version environment.yml asks conda for ('' when it names none)."""
    env = yaml.safe_load((PROJECT / "environment.yml").read_text(encoding="utf-8"))
    pins = {}
    for entry in env["dependencies"]:
        if isinstance(entry, str) and _name(entry) not in NOT_PACKAGES:
            _, _, version = entry.partition("==")
            pins[CONDA_TO_PYPI.get(_name(entry), _name(entry))] = version.strip()
    return pins


def test_every_dependency_is_pinned_in_the_lock_file():
    missing = sorted(pyproject_names() - set(lock_pins()))
    assert not missing, f"not pinned in requirements.lock: {missing}"


def test_environment_yml_pins_the_versions_of_the_lock_file():
    locked = lock_pins()
    wrong = [f"{name}=={version or '(none)'} should be {name}=={locked[name]}"
             for name, version in sorted(environment_pins().items()) if version != locked.get(name)]
    assert not wrong, "environment.yml disagrees with requirements.lock: " + "; ".join(wrong)


def test_environment_yml_wants_the_same_python_as_pyproject():
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    env = yaml.safe_load((PROJECT / "environment.yml").read_text(encoding="utf-8"))
    python = [e for e in env["dependencies"] if isinstance(e, str) and _name(e) == "python"]
    assert python and python[0].replace("python", "").strip() == project["requires-python"]
