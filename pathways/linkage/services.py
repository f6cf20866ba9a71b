"""Linkage's public face: everything the rest of Pathways may ask of it.

Linkage decides which agency records are one person: records are matched as they land
(`link_new_records`, `record_changed`), `pathways link` re-links everyone, and people
decide the pairs the model was unsure of, merge, split and undo. How it does so (the
Splink model, blocking keys, term frequencies, set-based SQL) is in
`pathways.linkage.internals`, which no other app imports (`make lint` checks it); its
tables are `pathways.linkage.models`.
"""

from __future__ import annotations

from pathways.linkage.internals.export import write_persons_csv
from pathways.linkage.internals.identity import refresh_identity
from pathways.linkage.internals.matching import link_new_records, link_record_of, record_changed
from pathways.linkage.internals.merging import LinkChangeRefused, merge_people, split_records, undo
from pathways.linkage.internals.preparation import LinkRecord
from pathways.linkage.internals.review import Waterfall, decide, waterfall
from pathways.linkage.internals.thresholds import Thresholds, thresholds

__all__ = [
    "LinkChangeRefused",
    "LinkRecord",
    "Thresholds",
    "Waterfall",
    "decide",
    "link_new_records",
    "link_record_of",
    "merge_people",
    "record_changed",
    "refresh_identity",
    "split_records",
    "thresholds",
    "undo",
    "waterfall",
    "write_persons_csv",
]
