"""A page in Chromium (Playwright) with no network: shared by the pages' benchmark and the browser tests.

The context is offline, and every request that is not for a ``file://`` URL is aborted and reported,
so a page that tries to reach the network is caught, not merely left waiting.
"""
from __future__ import annotations

from typing import Callable


def block_network(page, on_blocked: Callable[[str], object]) -> None:
    """Let ``page`` load local files only: abort every other request and pass its URL to ``on_blocked``."""

    def route(request_route):
        url = request_route.request.url
        if url.startswith("file://"):
            request_route.continue_()
        else:
            on_blocked(url)
            request_route.abort()

    page.route("**/*", route)
