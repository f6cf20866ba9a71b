"""Linkage's public face: everything the rest of Pathways may ask of it.

Linkage decides which agency records are one person: records are matched as they land
(`link_new_records`, `record_changed`; a first load of many at once,
`link_first_load`), `pathways link` re-links everyone, and people
decide the pairs the model was unsure of, merge, split and undo; each agency is told of
its own records that are one person (`agency_duplicates`, `mark_sent`). How it does so
(the Splink model, blocking keys, term frequencies, set-based SQL) is in
`pathways.linkage.internals`, which no other app imports (`make lint` checks it); its
tables are `pathways.linkage.models`.
"""

from __future__ import annotations

from pathways.linkage.internals.duplicates import COLUMNS as DUPLICATE_COLUMNS
from pathways.linkage.internals.duplicates import (
    DuplicatePair,
    Marked,
    UnknownAgency,
    agency_duplicates,
    agency_named,
    duplicate_rows,
    mark_sent,
    pairs_of,
    with_state,
    write_duplicates_csv,
)
from pathways.linkage.internals.export import write_persons_csv
from pathways.linkage.internals.identity import refresh_identity
from pathways.linkage.internals.matching import (
    link_new_records,
    link_record_of,
    record_changed,
)
from pathways.linkage.internals.matching import (
    pending_record_ids as waiting_records,
)
from pathways.linkage.internals.merging import LinkChangeRefused, merge_people, split_records, undo
from pathways.linkage.internals.preparation import LinkRecord
from pathways.linkage.internals.relinking import is_first_load, link_first_load
from pathways.linkage.internals.review import Waterfall, decide, waterfall
from pathways.linkage.internals.thresholds import Thresholds, thresholds

__all__ = [
    "DUPLICATE_COLUMNS",
    "DuplicatePair",
    "LinkChangeRefused",
    "LinkRecord",
    "Marked",
    "Thresholds",
    "UnknownAgency",
    "Waterfall",
    "agency_duplicates",
    "agency_named",
    "decide",
    "is_first_load",
    "duplicate_rows",
    "link_first_load",
    "link_new_records",
    "link_record_of",
    "mark_sent",
    "merge_people",
    "pairs_of",
    "record_changed",
    "refresh_identity",
    "split_records",
    "thresholds",
    "undo",
    "waiting_records",
    "waterfall",
    "with_state",
    "write_duplicates_csv",
    "write_persons_csv",
]
