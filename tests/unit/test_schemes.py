"""Outcome schemes are data: the shipped ones classify every label they list; a user can add one."""
from __future__ import annotations

import pytest

from analysis import schemes
from analysis.errors import ConfigError


@pytest.fixture
def abc():
    return schemes.load_scheme("abc")


def test_shipped_schemes():
    assert {"abc", "four_class"} <= set(schemes.available_schemes())
    assert schemes.load_scheme("abc").codes == ("A", "B", "C")
    assert schemes.load_scheme("four_class").codes == ("A", "B", "C", "D")


@pytest.mark.parametrize("label, code", [
    ("A", "A"), ("A类", "A"), ("a类", "A"), ("Ａ类", "A"), (" A ", "A"), ("甲", "A"), ("已经解决", "A"),
    ("已经解决、基本解决和采纳吸收", "A"), ("A类（已解决）", "A"), ("B-列入规划", "B"), ("列入规划解决", "B"),
    ("乙类", "B"), ("丙", "C"), ("留作参考", "C"), ("C：留作参考", "C"),
])
def test_abc_classifies_labels(abc, label, code):
    assert abc.classify(label) == code


@pytest.mark.parametrize("label", ["D", "D类", "丁", "AB", "Apple", "", None, "解决中"])
def test_abc_refuses_unknown_labels(abc, label):
    assert abc.classify(label) is None


def test_every_listed_label_classifies_to_its_own_class():
    for name in schemes.available_schemes():
        scheme = schemes.load_scheme(name)
        for c in scheme.classes:
            for label in c.labels:
                assert scheme.classify(label) == c.code, (name, label)


def test_the_same_letter_means_different_things_in_different_schemes():
    four = schemes.load_scheme("four_class")
    assert four.classify("D类") == "D"
    assert four.get("C").en == "planned for solution"
    assert schemes.load_scheme("abc").get("C").en == "kept for reference"


def test_solved_classes(abc):
    assert [c.code for c in abc.classes if c.solved] == ["A"]


def test_allowed_text_lists_labels_for_error_messages(abc):
    text = abc.allowed_text()
    assert "A: A/A类" in text and "C:" in text


def test_display(abc):
    assert abc.get("A").display() == "A类（已经解决、基本解决和采纳吸收）"
    assert abc.get("B").display("en") == "B (planned for solution)"


def test_a_user_scheme_from_a_file(tmp_path):
    path = tmp_path / "jiayibing.yaml"
    path.write_text(
        "name: jiayibing\ntitle_zh: 甲乙丙\ntitle_en: Three grades\nclasses:\n"
        "  - {code: 甲, zh: 已解决, en: solved, solved: true, labels: [甲类, 已解决]}\n"
        "  - {code: 乙, zh: 正在解决, en: in progress, labels: [乙类]}\n"
        "  - {code: 丙, zh: 留作参考, en: reference, labels: [丙类]}\n", encoding="utf-8")
    scheme = schemes.load_scheme(str(path))
    assert scheme.codes == ("甲", "乙", "丙")
    assert scheme.classify("甲类") == "甲"
    assert scheme.classify("乙") == "乙"
    assert scheme.classify("A") is None


def test_unknown_scheme_names_the_available_ones():
    with pytest.raises(ConfigError, match="available: .*abc"):
        schemes.load_scheme("no_such_scheme")


@pytest.mark.parametrize("body", [
    "name: x\nclasses: []\n",
    "name: x\nclasses:\n  - {zh: 缺代号, en: no code}\n",
    "name: x\nclasses:\n  - {code: A, zh: a, en: a}\n  - {code: A, zh: b, en: b}\n",
    "name: [unclosed\n",
])
def test_broken_scheme_files_are_config_errors(tmp_path, body):
    path = tmp_path / "broken.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError):
        schemes.load_scheme(str(path))


# ---------------------------------------------------------------------------------------
# A published report's scheme, read from its labels
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("labels, source, name, codes", [
    (["A", "B", "C"], "config", "abc", ("A", "B", "C")),  # the configured scheme knows them all
    (["A类", "B类", "C类", "D类"], "inferred", "four_class", ("A", "B", "C", "D")),
    (["A类（已经解决）", "B类（正在解决）"], "config", "abc", ("A", "B", "C")),
    (["甲类", "乙类", "丙类"], "inferred", "jia_yi_bing", ("甲", "乙", "丙")),  # not A/B/C: its own stems
    (["一类", "二类", "三类"], "inferred", "numbered", ("一", "二", "三")),
    (["第1类", "第2类"], "inferred", "numbered", ("一", "二")),
    (["A", "B", "C", "D", "E"], "inferred", "letters", ("A", "B", "C", "D", "E")),
    # wordings are the report's own classes, named as printed, though the configured scheme has labels of those names
    (["已经解决", "列入规划", "留作参考"], "wordings", "wordings", ("已经解决", "列入规划", "留作参考")),
    (["解决采纳"], "wordings", "wordings", ("解决采纳",)),  # U11 上海市: one class printed, no B or C of ours
    (["已解决或部分解决", "一时难以解决和有待以后解决"], "wordings", "wordings",
     ("已解决或部分解决", "一时难以解决和有待以后解决")),
])
def test_infer_scheme_from_a_reports_labels(abc, labels, source, name, codes):
    reading = schemes.infer_scheme(labels, preferred=abc)
    assert (reading.source, reading.scheme.name, reading.scheme.codes) == (source, name, codes)
    assert set(reading.codes) == set(labels) and reading.complete is (source in ("option", "config"))


def test_a_declared_scheme_names_the_labels_it_does_not_know(abc):
    reading = schemes.infer_scheme(["A", "D", "甲"], declared=abc)
    assert reading.source == "option" and reading.complete
    assert reading.codes == {"A": "A", "甲": "A"} and reading.unknown == ("D",)


def test_a_wording_that_starts_like_a_code_is_a_wording(abc):
    # 一时难以解决 starts with 一 but is no 一类
    assert schemes.infer_scheme(["一时难以解决", "已解决"], preferred=abc).source == "wordings"


def test_a_translated_wording_keeps_the_spaces_between_its_words(abc):
    # R10 (an English translation): "have been or will be resolved", never "havebeenorwillberesolved"
    reading = schemes.infer_scheme(["have been  or will be resolved", "综    合", "已经解决 或基本解决"], preferred=abc)
    assert reading.source == "wordings"
    assert list(reading.codes.values()) == ["have been or will be resolved", "综合", "已经解决或基本解决"]
