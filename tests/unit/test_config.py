"""Settings: data/config.yaml over the defaults; the English names of the handling bodies are data."""
from __future__ import annotations

import inspect

import pytest

from analysis import config, labels, paths
from analysis.errors import ConfigError


def test_the_bundled_settings_name_both_bodies_in_english():
    names = config.load_config()["handler_names_en"]
    assert names == {"区政府": "district government", "国际港务区": "International Port Zone"}
    assert labels.handler_label("国际港务区", "en") == "International Port Zone"
    assert labels.handler_label("国际港务区", "zh") == "国际港务区"
    assert labels.handler_label("", "en") == "all handling bodies"


def test_the_names_live_in_the_settings_file_only():
    assert "International Port Zone" not in inspect.getsource(labels)
    assert config.DEFAULTS["handler_names_en"] == {}


def test_a_body_without_an_english_name_is_shown_by_its_own(tmp_path, monkeypatch):
    own = tmp_path / "config.yaml"
    own.write_text("handlers: [区政府, 某街道]\nhandler_names_en:\n  区政府: District Government\n", encoding="utf-8")
    settings = config.load_config(own)
    assert labels.handler_label("区政府", "en", settings) == "District Government"
    assert labels.handler_label("某街道", "en", settings) == "某街道"
    assert labels.handler_label("国际港务区", "en", config.load_config(tmp_path / "none.yaml")) == "国际港务区"
    monkeypatch.setattr(paths, "CONFIG_FILE", own)  # the default settings file (SA_DATA_DIR) is read too
    assert labels.handler_label("区政府", "en") == "District Government"
    assert labels.handler_label("国际港务区", "en") == "国际港务区"


@pytest.mark.parametrize("value", ["[district government]", "\n  区政府: ''", "\n  区政府: [a, b]"])
def test_english_names_must_map_each_body_to_a_name(tmp_path, value):
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"handler_names_en: {value}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad\.yaml: handler_names_en must map each handling body"):
        config.load_config(bad)


def test_the_time_zone_defaults_to_beijing_and_a_wrong_one_is_named(tmp_path):
    assert config.DEFAULTS["time_zone"] == "Asia/Shanghai" and config.load_config()["time_zone"] == "Asia/Shanghai"
    own = tmp_path / "config.yaml"
    own.write_text("time_zone: Beijing/Time\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"config.yaml: time_zone 'Beijing/Time' is not a time zone name"):
        config.load_config(own)
