"""errors: what a user's mistake looks like, on the command line and in IPython (JupyterLab, papermill, nbval)."""
from __future__ import annotations

from analysis.errors import ConfigError, DataError, Problem


def test_ipython_shows_a_users_error_as_its_message_not_a_traceback():
    # IPython calls _render_traceback_ instead of formatting the stack (InteractiveShell.showtraceback).
    problem = Problem(file="台账.csv", row=7, column="届次", value="2023年", message="不是可识别的届次",
                      allowed="十八届人大二次会议")
    assert DataError(problem)._render_traceback_() == [
        "错误 error: 台账.csv, 第7行 (row 7), 列「届次」: 不是可识别的届次 — 值 value: '2023年' — 允许 allowed: 十八届人大二次会议"]
    assert ConfigError("x.yaml: 设置文件不存在 settings file not found")._render_traceback_() == [
        "错误 error: x.yaml: 设置文件不存在 settings file not found"]
    # Several problems: one line each, the first carrying the word error.
    two = DataError([Problem(file="a.csv", message="一"), Problem(file="b.csv", message="二")])
    assert two._render_traceback_() == ["错误 error: a.csv: 一", "b.csv: 二"]
