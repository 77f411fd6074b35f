"""A page in Chromium (Playwright) with no network: shared by the pages' benchmark and the browser tests.

The context is offline, and every request that is not for a ``file://`` URL is aborted and reported,
so a page that tries to reach the network is caught, not merely left waiting.
"""
from __future__ import annotations

import re
from typing import Callable

# Every URL but a file:// one. Given as a pattern (not a handler that lets file:// through itself), Playwright's
# driver lets a local file's request go on its own: the page's request no longer waits for a round trip to this
# Python process before Chromium may read it (20–300 ms of every opening, more the busier the machine).
NOT_A_FILE = re.compile(r"^(?!file:)")


def block_network(page, on_blocked: Callable[[str], object]) -> None:
    """Let ``page`` load local files only: abort every other request and pass its URL to ``on_blocked``."""

    def route(request_route):
        on_blocked(request_route.request.url)
        request_route.abort()

    page.route(NOT_A_FILE, route)
