"""Unit tests of analysis.reasons: every code said in each language, and the console's bilingual line."""
from __future__ import annotations

import re

from analysis import reasons
from analysis.reasons import Changed, ChangedList, Reason, Said, of


def test_every_reason_of_the_runner_is_said_in_each_language():
    latin, cjk = re.compile(r"[A-Za-z]{2,}"), re.compile(r"[\u4e00-\u9fff]")
    codes = [*Reason, *Changed]
    for code in codes:
        zh, en = reasons.words(code, "zh", 4), reasons.words(code, "en", 4)
        assert set(latin.findall(zh)) <= {"PDF", "force"}, (code, zh)  # an option, a file type
        assert not cjk.search(en), (code, en)
        both = reasons.say(code, 4) if isinstance(code, Reason) else reasons.words(code, None)
        assert set(cjk.findall(zh)) <= set(both) and set(latin.findall(en)) <= set(latin.findall(both)), code
    changed = of(Reason.REDONE, ChangedList((Changed.NOTEBOOK, Changed.DATA)))
    assert reasons.text(changed) == "重做 redone: 笔记本 notebook、数据 data 已改变 changed"  # the console's line
    assert reasons.text(changed, "zh") == "重做：笔记本、数据已改变"
    assert reasons.text(changed, "en") == "redone: notebook, data changed"
    failed = (Said(Reason.CELL, 4), " (In [3]): ValueError: 故意的错误")
    assert reasons.text(failed, "en") == "cell 4 (In [3]): ValueError: 故意的错误"  # the error's own text as raised
    two = reasons.join(of(Reason.NO_LEDGER), of(Reason.NO_FIGURES))
    assert reasons.text(two, "zh") == "没有台账；没有已公布数字文件"
    assert reasons.text(two) == "没有台账 no ledger given; 没有已公布数字文件 no published-figures file given"
