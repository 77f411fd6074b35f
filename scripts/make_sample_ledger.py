#!/usr/bin/env python3
"""Regenerate the bundled sample ledger: ``python scripts/make_sample_ledger.py [--seed N] [--out PATH]``.

Writes ``data/sample/sample_ledger.csv`` (or PATH) and its provenance sidecar
(``….provenance.yaml``). The same seed gives byte-identical files; the counts the source
document prints or the reconciliation derives come from ``analysis.reconcile``. The logic
lives in ``analysis/sample_data.py``; this script only parses arguments.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout without installing

from analysis import paths  # noqa: E402
from analysis.errors import AnalysisError  # noqa: E402
from analysis.sample_data import DEFAULT_SEED, write_sample_ledger  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, generate, and report where the files went."""
    parser = argparse.ArgumentParser(description="Generate the sample ledger (示例台账) deterministically.")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("--out", type=Path, default=paths.SAMPLE_LEDGER,
                        help=f"CSV to write (default {paths.SAMPLE_LEDGER}); the provenance goes beside it")
    args = parser.parse_args(argv)
    try:
        written = write_sample_ledger(args.out, seed=args.seed)
    except AnalysisError as exc:
        print(f"错误 error: {exc}", file=sys.stderr)
        return 1
    for path in written.values():
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
