"""Write the hostile ledger: a valid ledger whose text fields hold script, markup and odd characters.

Every value here must come back from ``load_cases`` exactly as written (it loads clean), and
must be shown as text wherever a report puts it: HTML tables, chart labels and hovers, Excel
and Word. Run ``python tests/data/hostile/make_hostile.py`` to (re)write
``hostile_ledger.csv`` beside this script, or ``--check`` to verify the committed file.
"""
from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
LEDGER = HERE / "hostile_ledger.csv"
SESSION = "十八届人大三次会议"

HEADER = ("建议编号", "届次", "标题", "领衔代表", "附议代表", "类别", "承办主体", "主办单位", "协办单位",
          "办理结果", "办理状态", "交办日期", "答复日期", "代表满意度", "备注")
# canonical column of each header above, for the tests
COLUMNS = ("suggestion_id", "session", "title", "lead_deputy", "cosigners", "topic", "handler", "lead_unit",
           "co_units", "outcome_class", "status", "assigned_date", "reply_date", "satisfaction", "note")


def _long_title(length: int = 10_000) -> str:
    """A title of exactly ``length`` characters."""
    body = "关于" + "加强社区养老服务设施建设" * (length // 12 + 1)
    return body[: length - 3] + "的建议"


# The odd characters, by name, so tests and reviewers can see what each row carries.
RLO = "\u202e"  # right-to-left override: reverses the text after it on screen
LRI, PDI = "\u2066", "\u2069"  # bidi isolate and its end
ZWSP, ZWJ, WJ, ZWNBSP = "\u200b", "\u200d", "\u2060", "\ufeff"  # zero-width characters
LINE_SEP = "\u2028"  # breaks a line in JavaScript source and in str.splitlines
ESC, BEL = "\x1b", "\x07"  # terminal escape and bell
# A unit name in plotly's own hover syntax: placeholders, a formatting tag, the <extra> box.
PLOTLY_SYNTAX_UNIT = "港务区%{x}<b>管委会</b><extra>%{customdata[0]}</extra>"

ROWS: list[tuple[str, ...]] = [
    ("H-01", SESSION, "<script>alert(1)</script>关于加强校园周边交通安全的建议", "<img src=x onerror=alert(1)>",
     "张三、<b>李四</b>、王五", "教科文卫", "区政府", "区教育局<script>alert('unit')</script>", "区公安分局、区交通局",
     "A类", "已办结", "2024-02-20", "2024-04-18", "满意", "javascript:alert(document.cookie)"),
    ("H-02", SESSION, '<a href="javascript:alert(1)">点击查看</a>关于老旧小区加装电梯的建议', f"赵{RLO}六",
     "5", "城建环保", "国际港务区", f"港务区{ZWSP}建设局", "", "B", "已办结", "2024-02-20", "2024-05-06", "基本满意",
     '<iframe src="https://example.invalid/"></iframe>'),
    ("H-03", SESSION, _long_title(), "钱七", "孙八，周九,吴十", "社会建设", "区政府", "区民政局", "", "C类", "已办结",
     "2024-02-21", "2024-05-10", "满意", f"{LRI}隔离{PDI}零{ZWJ}宽{WJ}字{ZWNBSP}符"),
    ("H-04", SESSION, "关于🚌公交线路优化的建议👍🏽", "郑十一👩‍👩‍👧", "3人", "<svg onload=alert(1)>", "区政府",
     "区交通局🚦", "", "A类", "已办结", "2024-02-21", "2024-04-30", "满意", "emoji 😀 与扩展汉字 𠀀𪚥"),
    ("H-05", SESSION, '=HYPERLINK("http://example.invalid","点我")', "@陈十三", "=1+2", "财政经济", "国际港务区",
     "-区财政局", "+区审计局", "A", "已办结", "2024-02-22", "2024-05-15", "基本满意", "+SUM(1,2)"),
    ("H-06", SESSION, '关于"停车难"问题，以及“充电桩”不足的建议\n（第二行）', "O'Brien 林", "冯十四、陈十五",
     "城建环保", "区政府", "区住建局, 区城管局", "", "B类", "已办结", "2024-02-22", "2024-05-20", "满意",
     f"第一行{LINE_SEP}第二行\t制表符"),
    ("H-07", SESSION, "</td></tr></table><h1>伪造的标题</h1>", "<!-- 注释 -->", "", "政治法律", "区政府",
     "{{7*7}}${7*7}", "", "", "办理中", "2024-02-23", "", "", "%s %n %x"),
    ("H-08", SESSION, f"{ESC}[31m红色终端{ESC}[0m关于路灯维修的建议", "魏十六", "", "农业农村", "国际港务区",
     PLOTLY_SYNTAX_UNIT, "", "C", "已办结", "2024-02-23", "2024-05-21", "不满意", f"响铃{BEL}"),
]


def ledger_bytes() -> bytes:
    """The hostile ledger as UTF-8 CSV (cells with commas, quotes or line breaks are quoted)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(ROWS)
    return out.getvalue().encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    """Write the ledger beside this script, or with --check report whether it is current."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the committed file is current")
    args = parser.parse_args(argv)
    if args.check:
        if not LEDGER.is_file() or LEDGER.read_bytes() != ledger_bytes():
            print(f"out of date (run python {Path(__file__).relative_to(HERE.parents[2])}): {LEDGER.name}")
            return 1
        return 0
    LEDGER.write_bytes(ledger_bytes())
    return 0


if __name__ == "__main__":
    sys.exit(main())
