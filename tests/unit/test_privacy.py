"""Pseudonyms for deputies' names: stable, keyed, collision-free in practice, everywhere names appear."""
from __future__ import annotations

import hashlib
import hmac
import itertools
import re

import pandas as pd
import pytest

from analysis import load, paths, privacy, schema

SHAPE = re.compile(r"^代表-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")


@pytest.fixture(autouse=True)
def no_key_in_environment(monkeypatch):
    monkeypatch.delenv(privacy.KEY_ENV, raising=False)


def _names(count: int) -> list[str]:
    """``count`` distinct plausible Chinese names (surname + one or two given characters)."""
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    given = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国文红玉梅鹏飞辉"
    names = [s + g for s, g in itertools.product(surnames, given)]
    names += [s + g1 + g2 for s, g1, g2 in itertools.product(surnames, given, given)]
    return names[:count]


def _ledger(**columns) -> pd.DataFrame:
    return pd.DataFrame({name: pd.array(values, dtype="string") for name, values in columns.items()})


# ---------------------------------------------------------------------------------------
# One name → one pseudonym
# ---------------------------------------------------------------------------------------


def test_personal_columns_come_from_the_schema():
    assert privacy.personal_columns() == ["lead_deputy", "cosigners"]
    assert privacy.personal_columns() == [f.name for f in schema.LEDGER_FIELDS if f.personal]


def test_pseudonym_is_keyed_hmac_sha256_in_crockford_base32():
    name = "张三"
    digest = hmac.new(privacy.DEFAULT_KEY.encode(), name.encode(), hashlib.sha256).digest()
    bits = format(int.from_bytes(digest[:5], "big"), "040b")
    chars = "".join("0123456789ABCDEFGHJKMNPQRSTVWXYZ"[int(bits[i:i + 5], 2)] for i in range(0, 40, 5))
    assert privacy.pseudonym(name) == f"代表-{chars[:4]}-{chars[4:]}"
    # pinned: the default key keeps pseudonyms the same from run to run and version to version
    assert privacy.pseudonym(name) == "代表-PYP5-KNP2"


def test_pseudonym_is_stable_and_depends_on_the_key(monkeypatch):
    plain = privacy.pseudonym("李四")
    assert SHAPE.match(plain) and privacy.pseudonym("李四") == plain
    assert privacy.pseudonym("李四", key="office secret") != plain
    assert privacy.pseudonym("李四", key=b"office secret") == privacy.pseudonym("李四", key="office secret")
    monkeypatch.setenv(privacy.KEY_ENV, "office secret")
    assert privacy.pseudonym("李四") == privacy.pseudonym("李四", key="office secret")
    monkeypatch.setenv(privacy.KEY_ENV, "")  # set but empty: the default, not an empty key
    assert privacy.pseudonym("李四") == plain


def test_key_id_tells_keys_apart_without_showing_them(monkeypatch):
    default = privacy.key_id()
    assert re.fullmatch(r"[0-9a-f]{16}", default) and privacy.key_id() == default
    assert privacy.key_id(key="office secret") != default
    monkeypatch.setenv(privacy.KEY_ENV, "office secret")
    assert privacy.key_id() == privacy.key_id(key="office secret")
    assert "office" not in privacy.key_id() and privacy.key_id() not in hashlib.sha256(b"office secret").hexdigest()


def test_the_same_name_written_differently_is_one_person():
    base = privacy.pseudonym("张三")
    for variant in ("张　三", " 张三 ", "张\u200b三", "张\u202e三"):
        assert privacy.pseudonym(variant) == base, repr(variant)
    assert privacy.pseudonym("Li Ming") == privacy.pseudonym("LI MING")
    assert privacy.pseudonym("张三丰") != base


def test_five_thousand_names_give_five_thousand_pseudonyms():
    names = _names(5000)
    assert len(set(names)) == 5000
    assert len({privacy.pseudonym(n) for n in names}) == 5000


def test_names_whose_short_pseudonyms_collide_get_distinct_long_ones(monkeypatch):
    monkeypatch.setattr(privacy, "_SHORT_GROUPS", 1)  # 20 bits: thousands of names must collide
    names = _names(3000)
    short = [privacy._code(n, privacy.DEFAULT_KEY.encode(), 1) for n in names]
    assert len(set(short)) < len(names)  # the premise: collisions happen
    out = privacy.pseudonymise(_ledger(lead_deputy=names))
    assert out["lead_deputy"].nunique() == len(names)
    long_forms = out["lead_deputy"][out["lead_deputy"].str.len() > len("代表-XXXX")]
    assert len(long_forms) > 0 and long_forms.str.match(r"^代表-(?:[0-9A-Z]{4}-){3}[0-9A-Z]{4}$").all()


# ---------------------------------------------------------------------------------------
# A ledger
# ---------------------------------------------------------------------------------------


def test_names_numbers_and_free_text():
    cases = _ledger(
        suggestion_id=["S-1", "S-2", "S-3", "S-4"],
        lead_deputy=["张三", "李四", None, "王　五"],
        cosigners=["李四、王五等3人", "5人", "张三，赵六,钱七；孙八", "１２"],
        title=["关于张三反映的问题", "李四路改造", "无关的标题", None],
        note=["王五、赵六联名", None, "", "张三丰来信"],
        handler=["区政府", "区政府", "国际港务区", "区政府"],
    )
    cases.attrs["provenance"] = [{"file": "x.csv"}]
    p = {n: privacy.pseudonym(n) for n in ("张三", "李四", "王五", "赵六", "钱七", "孙八")}
    out = privacy.pseudonymise(cases)
    assert out["lead_deputy"].tolist() == [p["张三"], p["李四"], pd.NA, p["王五"]]
    assert out["cosigners"].tolist() == [f"{p['李四']}、{p['王五']}等3人", "5人",
                                         f"{p['张三']}，{p['赵六']},{p['钱七']}；{p['孙八']}", "１２"]
    assert out["title"].tolist() == [f"关于{p['张三']}反映的问题", f"{p['李四']}路改造", "无关的标题", pd.NA]
    assert out["note"].tolist() == [f"{p['王五']}、{p['赵六']}联名", pd.NA, "", f"{p['张三']}丰来信"]
    assert out["handler"].tolist() == cases["handler"].tolist()  # other columns untouched
    assert all(str(out[c].dtype) == "string" for c in out.columns)
    assert out.attrs == {"provenance": [{"file": "x.csv"}], "pseudonymised": True, "pseudonym_key": "default"}
    assert cases["lead_deputy"].tolist()[0] == "张三" and "pseudonymised" not in cases.attrs  # input unchanged


def test_pseudonymising_twice_changes_nothing_and_records_the_key_source(monkeypatch):
    cases = _ledger(lead_deputy=["张三", "李四"], cosigners=["李四", "3"], title=["张三的建议", "x"])
    once = privacy.pseudonymise(cases, key="k")
    assert once.attrs["pseudonym_key"] == "argument"
    twice = privacy.pseudonymise(once, key="other")
    assert twice.drop(columns=[]).equals(once)
    monkeypatch.setenv(privacy.KEY_ENV, "k")
    from_env = privacy.pseudonymise(cases)
    assert from_env.attrs["pseudonym_key"] == "environment" and from_env.equals(once)


def test_names_in_columns_the_schema_does_not_know_are_replaced_too():
    cases = _ledger(lead_deputy=["张三"], cosigners=[None], title=["修路"], 联系人=["张三（电话略）"])
    out = privacy.pseudonymise(cases)
    assert out["联系人"].tolist() == [privacy.pseudonym("张三") + "（电话略）"]


def test_a_frame_without_name_columns_is_returned_marked():
    cases = _ledger(title=["张三的建议"])
    out = privacy.pseudonymise(cases)
    assert out["title"].tolist() == ["张三的建议"]  # no names known, nothing to find
    assert out.attrs["pseudonymised"] is True


def test_no_deputy_name_of_the_hostile_ledger_survives():
    cases = load.load_cases(paths.PROJECT_DIR / "tests" / "data" / "hostile" / "hostile_ledger.csv")
    out = privacy.pseudonymise(cases)
    leads = [n for n in cases["lead_deputy"].dropna()]
    text = "\n".join(out[c].astype(str).str.cat(sep="\n") for c in out.columns if c != "source_file")
    assert all(name not in text for name in leads)
    assert out["lead_deputy"].str.match(SHAPE.pattern).all()
    assert out["cosigners"].tolist()[1] == "5" and out["cosigners"].tolist()[3] == "3人"


def test_bundled_sample_ledger_keeps_its_shape():
    cases = load.load_cases(paths.SAMPLE_LEDGER)
    out = privacy.pseudonymise(cases)
    assert out["lead_deputy"].str.match(SHAPE.pattern).all()
    # one deputy, one pseudonym: counts per deputy are the same
    assert sorted(out["lead_deputy"].value_counts().tolist()) == sorted(cases["lead_deputy"].value_counts().tolist())
    assert out.drop(columns=["lead_deputy", "cosigners", "title", "note"]).equals(
        cases.drop(columns=["lead_deputy", "cosigners", "title", "note"]))
    names = set(cases["lead_deputy"].dropna())
    assert not any(name in title for title in out["title"].dropna() for name in names)


# ---------------------------------------------------------------------------------------
# Every separator people use, every text column (issue 14)
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("cell, names", [
    ("张三、李四", ["张三", "李四"]),
    ("张三，李四", ["张三", "李四"]),
    ("张三,李四", ["张三", "李四"]),
    ("张三；李四", ["张三", "李四"]),
    ("张三; 李四", ["张三", "李四"]),
    ("张三/李四", ["张三", "李四"]),
    ("张三|李四", ["张三", "李四"]),
    ("张三及李四", ["张三", "李四"]),
    ("张三和李四", ["张三", "李四"]),
    ("张三与李四", ["张三", "李四"]),
    ("张三 李四", ["张三", "李四"]),
    ("张三\u3000李四", ["张三", "李四"]),  # the ideographic space
    ("张三\n李四", ["张三", "李四"]),
    ("张\u3000三、李四", ["张\u3000三", "李四"]),  # a two-character name padded to three: one person
    ("张三（区人大代表）、李四(市人大代表)", ["张三", "李四"]),
    ("张三代表、李四区人大代表", ["张三", "李四"]),
    ("李和平、王和平和李四", ["李和平", "王和平", "李四"]),  # 和 inside a name is not a separator
    ("张三等5人", ["张三"]),
    ("共5名", []),
])
def test_cosigner_cells_split_on_every_separator(cell, names):
    pieces = privacy._split_cell(cell)
    assert "".join(text for _, text in pieces) == cell  # nothing lost or added
    assert [text for kind, text in pieces if kind == "name"] == names


def test_every_name_found_is_replaced_in_every_text_column():
    cases = _ledger(
        suggestion_id=["张三-1", "S-2"],
        lead_deputy=["王五（区人大代表）", "赵六"],
        cosigners=["张三 李四", "孙八|周九及吴十"],
        title=["关于张三、李四反映的问题", "周九、吴十的建议"],
        delegation=["孙八代表团", "x"],
        topic=["王五", "y"],
        lead_unit=["赵六所在单位", "z"],
        note=[None, "吴十来信"],
        source_file=["张三/台账.csv", "张三/台账.csv"],
    )
    out = privacy.pseudonymise(cases)
    names = ["张三", "李四", "王五", "赵六", "孙八", "周九", "吴十"]
    for column in out.columns.drop("source_file"):
        for value in out[column].dropna():
            assert not any(name in value for name in names), (column, value)
    assert out["lead_deputy"].tolist()[0] == privacy.pseudonym("王五") + "（区人大代表）"
    assert out["cosigners"].tolist()[1] == "|".join([privacy.pseudonym("孙八"), privacy.pseudonym("周九")]) + "及" \
        + privacy.pseudonym("吴十")
    assert out["source_file"].tolist() == cases["source_file"].tolist()  # file names are not covered (README)


def test_a_lead_deputys_cell_is_one_person():
    pieces = privacy._split_cell("O'Brien 林", several=False)
    assert [text for kind, text in pieces if kind == "name"] == ["O'Brien 林"]
    assert [text for kind, text in privacy._split_cell("李和平", several=False) if kind == "name"] == ["李和平"]
