"""The records as the linkage model sees them, and their preparation for it.

A `LinkRecord` is one agency record with its keys already made (`name_key`); `prepare`
(or `prepare_values`, from the fields' values) makes records the model's input table,
the `COLUMNS` that the comparisons and the blocking rules read: the nickname group and
Soundex codes of the names, the postcode's sector and district, the address tidied and
its house number. This module knows nothing of Django.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from pathways.linkage.internals.clusters import PLACEHOLDER_DATES
from pathways.linkage.internals.nicknames import canonical_given, soundex

COLUMNS = (
    "unique_id", "agency", "given", "given_group", "given_sound", "family", "family_sound",
    "dob", "sex", "postcode", "postcode_sector", "postcode_district", "address", "house",
)  # fmt: skip


@dataclass(frozen=True)
class LinkRecord:
    """One agency record as the model sees it (keys already made: `name_key`)."""

    unique_id: str
    agency: str
    given_key: str
    family_key: str
    date_of_birth: dt.date | str | None
    sex: str = ""
    postcode: str = ""
    address: str = ""


# The first number in an address that is not a flat's position ("Flat 3/2, 158 ..."):
# the house number (`prepare` keeps it; NULL when there is none).
HOUSE_NUMBER = r"(?:^|[^0-9/])(?P<house>[0-9]+)(?:$|[^0-9/])"

UK_POSTCODE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}")


@lru_cache(maxsize=1 << 20)
def _postcode_parts(postcode: str) -> tuple[str, str, str]:
    """Full, sector and district: `G31 2AB` -> (G312AB, G31 2, G31). A UK postcode typed
    without its space (`G312AB`) is split before its last three characters; other codes
    without a space (another country's) give their first 3 and 2 characters."""
    text = " ".join(postcode.upper().split())
    if not text:
        return "", "", ""
    if " " not in text and UK_POSTCODE.fullmatch(text):
        text = f"{text[:-3]} {text[-3:]}"
    if " " in text:
        outward, inward = text.split(" ", 1)
        return text.replace(" ", ""), f"{outward} {inward[:1]}", outward
    return text, text[:3], text[:2]


@lru_cache(maxsize=1 << 16)
def _given_parts(given: str) -> tuple[str, str]:
    return canonical_given(given), soundex(given)


_family_sound = lru_cache(maxsize=1 << 16)(soundex)


# Arrow scalars made once: pyarrow converting a Python value on every call tries an
# import each time, which costs more than the call on a handful of rows.
_EMPTY = pa.scalar("", pa.string())
_NULL = pa.scalar(None, pa.string())


def prepare(records: Iterable[LinkRecord]) -> pa.Table:
    """The records as the model's input table (empty values as NULL): see `prepare_values`."""
    return prepare_values(map(_LINK_FIELDS, records))


_LINK_FIELDS = attrgetter(
    "unique_id", "agency", "given_key", "family_key", "date_of_birth", "sex", "postcode",
    "address",
)  # fmt: skip


def _iso(born: dt.date | str | None) -> str | None:
    return born.isoformat() if isinstance(born, dt.date) else born


def prepare_values(rows: Iterable[Sequence[Any]]) -> pa.Table:
    """Records given as the values of `LinkRecord`'s fields in order (a unique id that is
    not text is made text) as the model's input table (empty values as NULL). Names and
    postcodes repeat, so their parts are worked out once each; each record is read once
    and the rest is done column by column (a million records in a few seconds)."""
    read = list(zip(*rows, strict=True)) or [()] * 8
    ids, agency, given, family, born, sex, postcode, address = map(list, read)
    unique_id = [u if isinstance(u, str) else str(u) for u in ids]
    given_parts = [_given_parts(g) for g in given]
    postcodes = [_postcode_parts(p) for p in postcode]
    columns = {
        "unique_id": unique_id,
        "agency": agency,
        "given": given,
        "given_group": [g[0] for g in given_parts],
        "given_sound": [g[1] for g in given_parts],
        "family": family,
        "family_sound": [_family_sound(f) for f in family],
        # A placeholder date of birth says nothing: unknown, as the model sees it.
        "dob": [None if d in PLACEHOLDER_DATES else d for d in map(_iso, born)],
        "sex": [x if x in ("M", "F", "X") else None for x in sex],
        "postcode": [p[0] for p in postcodes],
        "postcode_sector": [p[1] for p in postcodes],
        "postcode_district": [p[2] for p in postcodes],
    }
    table = {name: pa.array(values, pa.string()) for name, values in columns.items()}
    lowered = pc.utf8_lower(pc.replace_substring(pa.array(address, pa.string()), ",", " "))
    table["address"] = pc.utf8_trim_whitespace(pc.replace_substring_regex(lowered, r"\s+", " "))
    table["house"] = pc.struct_field(pc.extract_regex(table["address"], HOUSE_NUMBER), [0])
    return pa.table({
        name: pc.if_else(pc.equal(table[name], _EMPTY), _NULL, table[name]) for name in COLUMNS
    })  # fmt: skip
