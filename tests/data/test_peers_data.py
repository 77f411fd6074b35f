"""The bundled peer data (data/peers) and the test corpus (tests/data/published) hold the same facts.

data/peers carries one file per real report, for the comparison page; tests/data/published keeps
the same reports beside their blanked and planted-error variants and the checker's verdicts. The
two must never drift: every report here is the corpus file byte for byte, and the index here is
the corpus's sources.csv with one column more (the congress's name as the pages show it).
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

from analysis import paths, peers

CORPUS = Path(__file__).resolve().parent / "published"
REAL = re.compile(r"[RST]\d\d\.csv")  # a variant (b, e, x) carries a planted change: never peer data
# real reports of the corpus not bundled: R16 is a town (镇) naming no session or year, beside a district; U01–U03
# (the tenth round's unseen reports) are the checker's material: U02 is one delegation's suggestions to the national
# congress, not a congress's handling, and the province's and the county's classes have not been reviewed for the peers;
# U05–U08 (the eleventh round's) likewise: U05's classes (红塔区) are not reviewed for harmonised_classes.yaml, U06 and
# U08 count suggestions received at a session (no handling figure), and U07 is one body's share of a total not printed;
# U04 (kept on branch pt, for the trends page from published figures alone) counts suggestions received, nothing else;
# U09–U12 (branch ux4) are the checker's material too: their classes (U09's “A”/“B”/“C”, U11's one class) are not
# reviewed for harmonised_classes.yaml, U10 is the State Council's departments (no congress) and U12 a town;
# U13–U16 (branch ux5) likewise: U13's and U16's classes are not reviewed for harmonised_classes.yaml, U14 prints a
# real error in a body's count (23 for 9) and U15 is the State Council's departments again (no congress);
# U17–U20 (branch ux6) too: U17–U19 are Vietnam's assembly and councils (voters' petitions, not our congresses), U20 a
# township whose name is masked
NOT_BUNDLED = {"R16.csv", "U01.csv", "U02.csv", "U03.csv", "U04.csv", "U05.csv", "U06.csv", "U07.csv", "U08.csv",
               "U09.csv", "U10.csv", "U11.csv", "U12.csv", "U13.csv", "U14.csv", "U15.csv", "U16.csv",
               "U17.csv", "U18.csv", "U19.csv", "U20.csv"}


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_real_report_of_the_corpus_is_bundled_byte_for_byte_and_no_variant_is():
    corpus = sorted(p.name for p in CORPUS.glob("*.csv") if REAL.fullmatch(p.name) and p.name not in NOT_BUNDLED)
    bundled = sorted(p.name for p in peers.figure_files())
    assert bundled == corpus and len(bundled) == 49
    for name in bundled:
        assert (paths.PEERS_DIR / name).read_bytes() == (CORPUS / name).read_bytes(), name
        assert "planted error" not in (paths.PEERS_DIR / name).read_text(encoding="utf-8"), name


def test_the_index_is_the_corpus_sources_with_the_congress_added():
    bundled = _rows(paths.PEERS_DIR / peers.INDEX_FILE)
    corpus = [row for row in _rows(CORPUS / "sources.csv") if row["file"] not in NOT_BUNDLED]
    assert [{k: v for k, v in row.items() if k != "congress"} for row in bundled] == corpus
    assert list(bundled[0]) == list(peers.INDEX_COLUMNS)
    index = peers.read_index()
    assert len(index) == 49 and (index["congress"] != "").all() and set(index["level"]) == set(peers.LEVELS)


def test_every_label_of_the_bundled_reports_has_a_reviewed_class():
    assert peers.unmapped_labels(peers.load()).empty
