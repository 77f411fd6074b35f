"""The reference tests reuse the unit tests' tiny ledgers (test_metrics) and brute-force check (test_stats)."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
