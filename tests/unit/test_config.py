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
    (tmp_path / "bare.yaml").write_text("congress: 某县人大常委会\n", encoding="utf-8")
    own.write_text("handlers: [区政府, 某街道]\nhandler_names_en:\n  区政府: District Government\n", encoding="utf-8")
    settings = config.load_config(own)
    assert labels.handler_label("区政府", "en", settings) == "District Government"
    assert labels.handler_label("某街道", "en", settings) == "某街道"
    assert labels.handler_label("国际港务区", "en", config.load_config(tmp_path / "bare.yaml")) == "国际港务区"
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


def test_a_settings_file_that_is_not_there_is_an_error_not_the_defaults(tmp_path, monkeypatch):
    with pytest.raises(ConfigError, match=r"none\.yaml: 设置文件不存在 settings file not found"):
        config.load_config(tmp_path / "none.yaml")
    with pytest.raises(ConfigError, match="settings file not found（这是一个文件夹 a folder）"):
        config.load_config(tmp_path)
    # The bundled file missing (a bare copy of the package) leaves the built-in defaults.
    monkeypatch.setattr(paths, "CONFIG_FILE", tmp_path / "none.yaml")
    assert config.load_config() == config.DEFAULTS


def test_an_edited_settings_file_is_read_again(tmp_path, monkeypatch):
    own = tmp_path / "config.yaml"
    own.write_text("performance:\n  flag_below: 0.5\nsession_years: {十八届人大一次会议: 2022}\n", encoding="utf-8")
    assert config.load_config(own)["performance"]["flag_below"] == 0.5
    monkeypatch.setattr(paths, "CONFIG_FILE", own)
    assert labels.session_year("十八届人大一次会议") == 2022
    # Saved again with the same size (as an editor may, within the same second): still read again.
    own.write_text("performance:\n  flag_below: 0.7\nsession_years: {十八届人大一次会议: 2021}\n", encoding="utf-8")
    assert config.load_config(own)["performance"]["flag_below"] == 0.7
    assert labels.session_year("十八届人大一次会议") == 2021
    own.write_text("handler_names_en: {区政府: County Government}\n", encoding="utf-8")
    assert labels.handler_label("区政府", "en") == "County Government"
