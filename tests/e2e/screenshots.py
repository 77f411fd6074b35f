"""`make screenshots`: every report page photographed whole at a phone's and a desk's width, for a person to look at.

    python tests/e2e/screenshots.py [HTML_DIR] [OUT_DIR]

Reads ``outputs/html`` (made by ``make report``) and writes ``outputs/screenshots/<page>-360.png``,
``-390.png`` and ``-1366.png`` (not in git: ``outputs/`` is ignored). Prints each file with the layout problems the
browser tests would report, so a glance at the terminal says where to look first.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser_support import WIDTHS, chromium_path, launch, layout_problems, open_page  # noqa: E402
from e2e_support import PROJECT  # noqa: E402


def take(html_dir: Path, out_dir: Path) -> int:
    """Photograph every page of ``html_dir`` into ``out_dir``; 1 when a page could not be opened, else 0."""
    from playwright.sync_api import sync_playwright

    pages = sorted(html_dir.glob("*.html"))
    if not pages:
        print(f"no pages in {html_dir}: run `make report` first")
        return 1
    out_dir.mkdir(parents=True, exist_ok=True)
    failed = 0
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            for path in pages:
                for width in WIDTHS.values():
                    target = out_dir / f"{path.stem}-{width}.png"
                    try:
                        context, page, problems = open_page(browser, path, width)
                    except Exception as exc:  # one page that will not open must not stop the others
                        print(f"{target.name}: could not open: {exc}")
                        failed = 1
                        continue
                    try:
                        page.screenshot(path=str(target), full_page=True)
                        found = problems + layout_problems(page)
                        print(f"{target}" + ("" if not found else "  — " + "; ".join(found)))
                    finally:
                        context.close()
        finally:
            browser.close()
    return failed


def main(argv: list[str]) -> int:
    """Command-line entry: optional HTML folder and output folder."""
    if chromium_path() is None:
        print("Chromium is not installed (Debian: apt-get install chromium); no screenshots taken")
        return 1
    html_dir = (Path(argv[0]) if argv else PROJECT / "outputs" / "html").resolve()
    out_dir = Path(argv[1]) if len(argv) > 1 else PROJECT / "outputs" / "screenshots"
    return take(html_dir, out_dir)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
