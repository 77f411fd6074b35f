"""Deputies' names in every output (issue 7, "Privacy"): none with --pseudonymise, and where they are by default.

Every file a run writes is searched — pages, executed notebooks, the XML inside each Excel
workbook and Word draft, the index and the runner's manifests — for every deputy's name in the
bundled sample ledger (its 领衔代表 and 附议代表 columns).

- With ``--pseudonymise``: the repository's reports and the tests' ``ledger_text`` report (which
  shows the name columns in a table, paragraphs, chart labels, hovers and standard output)
  hold no name, and hold the stable pseudonyms instead.
- Without it, the same ``ledger_text`` report holds the names in every kind of output: the
  search finds names where there are any, so its silence above means something.
- Without it, the repository's reports hold no name either (what README "Reliability and
  privacy" and ``analysis.privacy`` state): a report that starts showing names fails here
  until the documentation says so.
"""
from __future__ import annotations

import csv
import html
import json
import re
import zipfile
from pathlib import Path

import pytest
from e2e_support import pdf_pages, pdf_readable, run_cli, unchanged
from ledger_text_report import NAME, write_plan

from analysis import paths, privacy

pytestmark = pytest.mark.slow

# Where each kind of output of a report is written.
FOLDERS = {".html": "html", ".ipynb": "notebooks", ".xlsx": "tables", ".docx": "tables"}


def _sample_names() -> dict[str, list[str]]:
    """The deputies' names of the bundled sample ledger: lead deputies, cosigners."""
    with paths.SAMPLE_LEDGER.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.DictReader(stream))
    lead = sorted({r["领衔代表"].strip() for r in rows if r["领衔代表"].strip()})
    cosigners = sorted({n.strip() for r in rows for n in re.split(r"[、,，;；]", r["附议代表"]) if n.strip()})
    return {"lead": lead, "cosigners": cosigners}


NAMES = _sample_names()
ALL_NAMES = sorted(set(NAMES["lead"]) | set(NAMES["cosigners"]))


def _texts(out: Path) -> dict[str, str]:
    """Every file under ``out`` as text; workbooks and Word drafts as the text of the XML parts inside them."""
    found = {}
    for path in sorted(out.rglob("*")):
        if not path.is_file():
            continue
        if path.suffix in {".xlsx", ".docx"}:
            with zipfile.ZipFile(path) as archive:
                # every text part (not the thumbnail image), character references resolved:
                # openpyxl writes 张某戊 as &#24352;&#26576;&#25098;, which a plain grep would miss
                text = html.unescape("\n".join(archive.read(n).decode("utf-8") for n in archive.namelist()
                                                if n.endswith((".xml", ".rels"))))
        elif path.suffix == ".pdf":  # the printed report: the text of every page, a name cut by a line break joined
            text = re.sub(r"\s+", "", pdf_readable("".join(page for _, page in pdf_pages(path.read_bytes()))))
        else:
            text = path.read_text(encoding="utf-8")
        found[path.relative_to(out).as_posix()] = text
    return found


def _forms(name: str) -> tuple[str, str]:
    """A name as written, and as JSON writes it with ASCII escapes."""
    return name, json.dumps(name)[1:-1]


def _leaks(out: Path) -> dict[str, list[str]]:
    """file → the names found in it."""
    leaks = {}
    for file, text in _texts(out).items():
        found = [n for n in ALL_NAMES if any(form in text for form in _forms(n))]
        if found:
            leaks[file] = found
    return leaks


@pytest.fixture(scope="module")
def pseudonymised(tmp_path_factory):
    """`run --pseudonymise` on the bundled data: the repository's reports and ledger_text."""
    folder = tmp_path_factory.mktemp("pseudonymised")
    out = folder / "outputs"
    made = run_cli("--plan", str(write_plan(folder)), "--out", str(out), "--pseudonymise")
    with unchanged(out):  # read by three tests
        yield out, made


@pytest.fixture(scope="module")
def named(tmp_path_factory):
    """ledger_text alone on the bundled data without --pseudonymise."""
    folder = tmp_path_factory.mktemp("named")
    out = folder / "outputs"
    made = run_cli("--plan", str(write_plan(folder, repository=False)), "--out", str(out))
    with unchanged(out):
        yield out, made


def test_the_sample_ledger_has_names_to_look_for():
    assert len(NAMES["lead"]) >= 100 and len(NAMES["cosigners"]) >= 100
    assert all(len(n) >= 2 for n in ALL_NAMES)  # every name is searched for in free text too


def test_without_the_option_a_report_that_shows_names_holds_them_in_every_kind_of_output(named):
    out, result = named
    assert result.returncode == 0, result.stdout + result.stderr
    texts = _texts(out)
    for suffix, folder in FOLDERS.items():
        text = texts[f"{folder}/{NAME}{suffix}"]
        missing = [n for n in NAMES["lead"] if not any(form in text for form in _forms(n))]
        assert missing == [], f"{suffix}: the search did not find {missing[:5]}"
        assert privacy.PREFIX not in text, suffix


def test_with_pseudonymise_no_output_holds_any_name(pseudonymised):
    out, result = pseudonymised
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1].startswith("共 9 份报告 9 reports: 完成 done 9, 失败 failed 0")
    texts = _texts(out)
    assert sum(file.endswith((".html", ".ipynb", ".xlsx", ".docx")) for file in texts) >= 8 * 3
    assert _leaks(out) == {}


def test_with_pseudonymise_every_output_holds_the_same_stable_pseudonyms(pseudonymised):
    out, _ = pseudonymised
    texts = _texts(out)
    expected = {name: privacy.pseudonym(name) for name in NAMES["lead"]}  # the documented default key
    assert len(set(expected.values())) == len(expected)
    for suffix, folder in FOLDERS.items():
        text = texts[f"{folder}/{NAME}{suffix}"]
        missing = [name for name, code in expected.items() if code not in text]
        assert missing == [], f"{suffix}: no pseudonym for {missing[:5]}"
        assert re.findall(r"代表-[0-9A-Z]{4}-[0-9A-Z]{4}", text), suffix


def test_every_report_was_told_to_pseudonymise(pseudonymised):
    out, _ = pseudonymised
    texts = _texts(out)
    notebooks = [f for f in texts if f.startswith("notebooks/")]
    assert len(notebooks) == 9
    for file in notebooks:
        nb = json.loads(texts[file])
        injected = next(c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", []))
        assert "pseudonymise = True" in "".join(injected["source"]), file
    for file in (f for f in texts if f.startswith("html/") and f != "html/index.html"):
        assert "代表姓名化名：是<br><code class=\"sa-param\">pseudonymise = true</code>" in texts[file], file  # the footer says so


def test_by_default_the_repository_reports_hold_no_name(default_run):
    """What the README states: only reports that show the name columns hold names (none of ours do)."""
    assert default_run.first.returncode == 0, default_run.first.stdout + default_run.first.stderr
    assert _leaks(default_run.out) == {}


def test_another_pseudonym_key_redoes_pseudonymised_reports(tmp_path):
    """A report made under the public default key must not pass as up to date once a secret key is set."""
    plan = write_plan(tmp_path, repository=False)
    out = tmp_path / "outputs"
    name = NAMES["lead"][0]
    first = run_cli("--plan", str(plan), "--out", str(out), "--pseudonymise", env={privacy.KEY_ENV: ""})
    assert first.returncode == 0, first.stdout + first.stderr
    assert privacy.pseudonym(name, key=privacy.DEFAULT_KEY) in (out / "html" / f"{NAME}.html").read_text("utf-8")
    secret = "office secret for this test"
    second = run_cli("--plan", str(plan), "--out", str(out), "--pseudonymise", env={privacy.KEY_ENV: secret})
    assert re.search(rf"^完成 done     {NAME}  \(.*\)  — 重做 redone: 假名密钥 pseudonym key 已改变 changed$",
                     second.stdout, re.MULTILINE), second.stdout
    texts = _texts(out)
    for suffix, folder in FOLDERS.items():
        text = texts[f"{folder}/{NAME}{suffix}"]
        assert privacy.pseudonym(name, key=secret) in text, suffix
        assert privacy.pseudonym(name, key=privacy.DEFAULT_KEY) not in text, suffix
    assert secret not in "".join(texts.values())  # the key itself is written nowhere
    assert _leaks(out) == {}


# ---------------------------------------------------------------------------------------
# Issue 14: names written as offices write them, found in every text field and every output
# ---------------------------------------------------------------------------------------

# Co-signers with every separator people use, suffixes, a padded name; the same names in titles,
# notes, units and delegations. (Every name has two or more characters, so each is searched for.)
SEPARATED = [
    ("S-1", "关于张三丰反映的修路问题", "王五（区人大代表）", "张三丰、李四海，赵六六,钱七七；孙八八;周九九", "孙八八代表团", "钱七七所在社区"),
    ("S-2", "吴十全和郑一一的建议", "冯二二", "吴十全/郑一一|陈三三及褚四四和卫五五", "第二代表团", "区政府办"),
    ("S-3", "蒋六六　沈七七联名", "韩　八", "蒋六六 沈七七\u3000杨九九（市人大代表）", "第三代表团", "杨九九工作室"),
]
SEPARATED_NAMES = ["张三丰", "李四海", "赵六六", "钱七七", "孙八八", "周九九", "王五", "吴十全", "郑一一", "冯二二",
                   "陈三三", "褚四四", "卫五五", "蒋六六", "沈七七", "杨九九", "韩八", "韩　八"]


def test_with_pseudonymise_names_split_on_every_separator_leave_no_output(tmp_path):
    ledger = tmp_path / "台账.csv"
    with ledger.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["建议编号", "届次", "标题", "承办主体", "领衔代表", "附议代表", "代表团", "主办单位", "备注", "数据来源"])
        for number, title, lead, cosigners, delegation, unit in SEPARATED:
            writer.writerow([number, "十九届人大一次会议", title, "区政府", lead, cosigners, delegation, unit,
                             f"{lead}来电", "示例数据（测试）"])
    out = tmp_path / "outputs"
    result = run_cli("--plan", str(write_plan(tmp_path, repository=False)), "--out", str(out), "--data", str(ledger),
                     "--pseudonymise")
    assert result.returncode == 0, result.stdout + result.stderr
    texts = _texts(out)  # pages (with their chart JSON), executed notebooks, the XML inside workbooks and drafts
    assert {f"{folder}/{NAME}{suffix}" for suffix, folder in FOLDERS.items()} <= set(texts)
    leaks = {file: [n for n in SEPARATED_NAMES if any(form in text for form in _forms(n))]
             for file, text in texts.items()}
    assert {file: names for file, names in leaks.items() if names} == {}
    page = texts[f"html/{NAME}.html"]
    assert privacy.pseudonym("杨九九") in page and "（市人大代表）" in page  # replaced, suffix kept as written
    assert privacy.pseudonym("韩八") in page  # the padded name is one person
