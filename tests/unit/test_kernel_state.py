"""Unit tests of analysis.run.kernel_state: what a report leaves behind in a reused kernel is found.

The checks run here in the test process itself (the kernel runs the same code): a record, then a
change of the kind a notebook makes, then ``left_behind``. The end-to-end proof that reused
kernels give a fresh-kernel run's bytes is ``tests/e2e/test_kernel_reuse.py``.
"""
from __future__ import annotations

import decimal
import json
import logging
import os
import sys
import threading

import pandas as pd
import pytest

from analysis.run import kernel_state


@pytest.fixture
def recorded():
    """The record is taken in the test itself: pytest changes PYTEST_CURRENT_TEST between a fixture and a test."""
    yield kernel_state.take_baseline
    kernel_state._RECORD = None


def test_nothing_done_leaves_nothing_behind(recorded):
    recorded()
    assert kernel_state.left_behind() == []


def test_a_changed_working_folder_is_found(recorded, monkeypatch, tmp_path):
    recorded()
    monkeypatch.chdir(tmp_path)
    assert kernel_state.left_behind() == ["working folder"]


def test_an_environment_variable_set_by_a_notebook_is_found(recorded, monkeypatch):
    recorded()
    monkeypatch.setenv("SA_TEST_LEFT_BEHIND", "1")
    assert kernel_state.left_behind() == ["environment variables"]


def test_a_monkeypatched_function_or_class_is_found(recorded, monkeypatch):
    recorded()
    monkeypatch.setattr(json, "dumps", lambda *args, **kwargs: "patched")
    monkeypatch.setattr(json.JSONEncoder, "default", lambda self, o: "patched")
    assert kernel_state.left_behind() == ["json.dumps", "json.encoder.JSONEncoder.default"]


def test_library_options_and_process_settings_are_found(recorded, monkeypatch):
    recorded()
    with pd.option_context("display.max_rows", 3):
        assert kernel_state.left_behind() == ["pandas options"]
    with decimal.localcontext() as context:
        context.rounding = decimal.ROUND_DOWN
        assert kernel_state.left_behind() == ["decimal context"]
    monkeypatch.setattr(logging.getLogger(), "level", logging.DEBUG)
    monkeypatch.syspath_prepend("/somewhere/else")
    assert kernel_state.left_behind() == ["import path", "logging"]


def test_a_thread_left_running_is_found(recorded):
    recorded()
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, name="left-running", daemon=True)
    thread.start()
    try:
        assert kernel_state.left_behind() == ["threads: left-running (threading.Thread, Event.wait)"]
    finally:
        stop.set()
        thread.join()
    assert kernel_state.left_behind() == []


def test_a_module_first_imported_after_the_record_is_recorded_from_then_on(recorded, monkeypatch):
    recorded()
    monkeypatch.delitem(sys.modules, "colorsys", raising=False)
    import colorsys

    kernel_state._record_new_modules(kernel_state._RECORD)
    monkeypatch.setattr(colorsys, "rgb_to_hsv", lambda *a: (0, 0, 0))
    assert kernel_state.left_behind() == ["colorsys.rgb_to_hsv"]


def test_without_a_record_a_kernel_is_never_reused():
    kernel_state._RECORD = None
    assert kernel_state.left_behind() == ["no record of the kernel's state"]
    assert os.getcwd()  # nothing was changed by asking
