"""The synthetic partnership: deterministic, streaming, valid under INTERCHANGE.md, and
realistic in the ways the demo, the linkage and the outcome reports rely on.

Plain tests: no database. The realism tests measure one generated population of 5,000
people, read back from the CSV files as an importer would see them.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import re
import statistics
import time
import tracemalloc
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pathways.synth.names import FEMALE_NAMES, MALE_NAMES
from pathways.synth.population import (
    EVENT_COLUMNS,
    PEOPLE_COLUMNS,
    REFERRAL_COLUMNS,
    TRUTH_COLUMNS,
    SynthData,
    generate,
    iter_event_rows,
    iter_people_rows,
    iter_referral_rows,
    iter_truth_rows,
)
from pathways.synth.writer import write_csvs

AS_OF = dt.date(2026, 11, 1)
PEOPLE = 5_000
Row = dict[str, str]

# The configured codes (config/glasgow) and INTERCHANGE.md's rules, restated here on
# purpose: the test checks the generator against the contract, not against itself.
AGENCIES = {"POLICE", "HSCP_CJSW", "HSCP_CF", "HSCP_ADRS", "INCLUDEM", "AFC", "AID_ABET"}
EVENT_AGENCIES = {"POLICE", "HSCP_CJSW"}
AREAS = {"NE", "NW", "S"}
SEXES = {"M", "F", "X", "U"}
KINDS = {"offence", "custody", "overdose", "asb", "conviction", "concern"}
GROUPS = {
    "violence",
    "sexual",
    "dishonesty",
    "damage",
    "society",
    "antisocial",
    "miscellaneous",
    "road_traffic",
}
FLAGS = {"substance", "alcohol", "domestic", "cce", "weapon", "hate", "exploitation"}
DISPOSALS = {"custody", "cpo", "fine", "admonition", "deferred", "other"}
DECISIONS = {"accepted", "declined", "withdrawn"}
END_REASONS = {"completed", "opted_out", "disengaged", "moved_away", "custody", "other"}
STATUTORY = {"STARS", "ISMS", "ATR"}
VOLUNTARY = {
    "ADAPT",
    "SIDESTEP",
    "NRS_YIT",
    "BRAVEHEART",
    "POP",
    "COS",
    "BRIDGING",
    "W218",
    "SACRO_WMS",
}
YOUTH_DIVERSION = {"ADAPT", "SIDESTEP", "NRS_YIT", "BRAVEHEART"}
HEADERS = {
    "people": "agency,person_ref,given_name,family_name,date_of_birth,sex,postcode,area,address",
    "events": "agency,event_ref,person_ref,kind,occurred_at,crime_group,category,area,flags,disposal,offence_date",
    "referrals": "referral_ref,agency,person_ref,service,referred_on,decision,decided_on,consent_on,started_on,ended_on,end_reason",
    "truth": "agency,person_ref,true_person",
    # CASEWORK.md "Feeds", copied from the contract.
    "court_reports": "report_ref,agency,person_ref,court,requested_on,due_on,submitted_on,status,risk_level,proposal,sentence",
    "orders": "order_ref,agency,person_ref,type,court,imposed_on,expected_end,upw_hours,other_activity_hours,supervision_months,requirements,ended_on,end_reason",
    "sessions": "session_ref,order_ref,kind,date,hours_offered,outcome,hours_credited",
    "plans": "plan_ref,order_ref,agreed_on",
    "reviews": "review_ref,order_ref,due_on,held_on",
    "assessments": "assessment_ref,agency,person_ref,instrument,stage,assessed_on,level",
}
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")
GLASGOW_POSTCODE = re.compile(r"G([1-9]|[1-4][0-9]|5[0-3]) [0-9][ABD-HJLNP-UW-Z]{2}")
LONDON = ZoneInfo("Europe/London")
HALF_YEAR = dt.timedelta(days=182)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text[:10])


def years_between(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@dataclass
class Synth:
    """A generated population read back from its files, with lookups the tests share."""

    people: list[Row]
    events: list[Row]
    referrals: list[Row]
    truth: list[Row]
    true_person: dict[tuple[str, str], str] = field(default_factory=dict)
    records: dict[str, list[Row]] = field(default_factory=dict)  # true person -> rows

    def __post_init__(self) -> None:
        self.true_person = {(r["agency"], r["person_ref"]): r["true_person"] for r in self.truth}
        records: dict[str, list[Row]] = defaultdict(list)
        for row in self.people:
            records[self.true_person[(row["agency"], row["person_ref"])]].append(row)
        self.records = dict(records)

    def primary(self, person: str) -> Row:
        """The person's first record: the generator keeps it an exact copy of them."""
        return self.records[person][0]

    def owner(self, row: Row) -> str:
        return self.true_person[(row["agency"], row["person_ref"])]

    def offence_days(self) -> dict[str, list[dt.date]]:
        """POLICE offence dates by police person_ref."""
        found: dict[str, list[dt.date]] = defaultdict(list)
        for row in self.events:
            if row["kind"] == "offence":
                found[row["person_ref"]].append(day(row["occurred_at"]))
        return found


def read(paths: dict[str, Path]) -> Synth:
    rows = {}
    for name, path in paths.items():
        with path.open(encoding="utf-8", newline="") as handle:
            rows[name] = list(csv.DictReader(handle))
    return Synth(rows["people"], rows["events"], rows["referrals"], rows["truth"])


@pytest.fixture(scope="module")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    out = tmp_path_factory.mktemp("synth")
    return read(write_csvs(generate(PEOPLE, seed=11, as_of=AS_OF), out))


# -- the contract ----------------------------------------------------------------------


def interchange_problems(data: Synth, as_of: dt.date) -> list[str]:
    """Every way the rows break INTERCHANGE.md (or the configured codes); [] when valid."""
    problems: list[str] = []

    def check(ok: object, file: str, row: Row, what: str) -> None:
        if not ok:
            problems.append(f"{file}: {what}: {row}")

    def text_ok(row: Row, file: str, references: tuple[str, ...]) -> None:
        for column, value in row.items():
            limit = 64 if column in references else 500 if column == "address" else 200
            check(len(value) <= limit, file, row, f"{column} longer than {limit}")
            check(value == value.strip() or column == "address", file, row, f"{column} padded")
            check(not value.startswith(("=", "+", "-", "@")), file, row, f"{column} formula-like")

    def date_ok(value: str) -> bool:
        if not DATE.fullmatch(value):
            return False
        try:
            return dt.date.fromisoformat(value) <= as_of
        except ValueError:
            return False

    def occurred_ok(value: str) -> bool:
        if DATE.fullmatch(value):
            return date_ok(value)
        if not DATE_TIME.fullmatch(value) or not date_ok(value[:10]):
            return False
        try:
            local = dt.datetime.fromisoformat(value).replace(tzinfo=LONDON)
        except ValueError:
            return False
        # A local time that does not exist (clocks going forward) does not survive UTC.
        return local.astimezone(dt.UTC).astimezone(LONDON).replace(tzinfo=None) == (
            local.replace(tzinfo=None)
        )

    people_keys: set[tuple[str, str]] = set()
    for row in data.people:
        text_ok(row, "people", ("person_ref",))
        key = (row["agency"], row["person_ref"])
        check(key not in people_keys, "people", row, "duplicate key")
        people_keys.add(key)
        check(row["agency"] in AGENCIES, "people", row, "agency")
        check(row["person_ref"], "people", row, "person_ref required")
        check(row["family_name"], "people", row, "family_name required")
        check(not row["date_of_birth"] or date_ok(row["date_of_birth"]), "people", row, "dob")
        check(row["sex"] in SEXES | {""}, "people", row, "sex")
        check(row["area"] in AREAS | {""}, "people", row, "area")
        postcode = row["postcode"]
        if postcode:
            normalised = " ".join(postcode.upper().split())
            if " " not in normalised:
                normalised = f"{normalised[:-3]} {normalised[-3:]}"
            check(GLASGOW_POSTCODE.fullmatch(normalised), "people", row, "postcode")

    event_keys: set[tuple[str, str]] = set()
    for row in data.events:
        text_ok(row, "events", ("person_ref", "event_ref"))
        key = (row["agency"], row["event_ref"])
        check(key not in event_keys, "events", row, "duplicate key")
        event_keys.add(key)
        check(row["agency"] in EVENT_AGENCIES, "events", row, "agency")
        check(row["event_ref"], "events", row, "event_ref required")
        check((row["agency"], row["person_ref"]) in people_keys, "events", row, "unknown person")
        check(row["kind"] in KINDS, "events", row, "kind")
        check(occurred_ok(row["occurred_at"]), "events", row, "occurred_at")
        check(row["area"] in AREAS | {""}, "events", row, "area")
        flags = row["flags"].split(";") if row["flags"] else []
        check(set(flags) <= FLAGS and len(set(flags)) == len(flags), "events", row, "flags")
        if row["kind"] in ("offence", "conviction"):
            check(row["crime_group"] in GROUPS, "events", row, "crime_group required")
        else:
            check(row["crime_group"] == "", "events", row, "crime_group on a non-offence")
        if row["kind"] == "conviction":
            check(row["agency"] == "HSCP_CJSW", "events", row, "convictions are CJSW's")
            check(row["disposal"] in DISPOSALS, "events", row, "disposal required")
            check(date_ok(row["offence_date"]), "events", row, "offence_date")
            check(row["offence_date"] <= row["occurred_at"][:10], "events", row, "order")
        else:
            check(row["agency"] == "POLICE", "events", row, "non-convictions are police's")
            check(row["disposal"] == "" and row["offence_date"] == "", "events", row, "extras")

    referral_keys: set[str] = set()
    for row in data.referrals:
        text_ok(row, "referrals", ("person_ref", "referral_ref"))
        check(row["referral_ref"] not in referral_keys, "referrals", row, "duplicate key")
        referral_keys.add(row["referral_ref"])
        check(row["agency"] == "POLICE", "referrals", row, "referred on the police record")
        key = (row["agency"], row["person_ref"])
        check(key in people_keys, "referrals", row, "unknown person")
        check(row["service"] in STATUTORY | VOLUNTARY, "referrals", row, "service")
        dates = [
            row[c]
            for c in ("referred_on", "decided_on", "consent_on", "started_on", "ended_on")
            if row[c]
        ]
        check(row["referred_on"], "referrals", row, "referred_on required")
        check(all(date_ok(d) for d in dates), "referrals", row, "dates")
        check(dates == sorted(dates), "referrals", row, "dates out of order")
        check(row["decision"] in DECISIONS | {""}, "referrals", row, "decision")
        check(bool(row["decision"]) == bool(row["decided_on"]), "referrals", row, "decided_on")
        if row["started_on"]:
            check(row["decision"] == "accepted", "referrals", row, "started, not accepted")
            if row["service"] in VOLUNTARY:
                check(row["consent_on"], "referrals", row, "started without consent")
        check(not row["ended_on"] or row["started_on"], "referrals", row, "ended, not started")
        check(bool(row["ended_on"]) == bool(row["end_reason"]), "referrals", row, "end_reason")
        check(row["end_reason"] in END_REASONS | {""}, "referrals", row, "end_reason code")

    truth_keys = [(r["agency"], r["person_ref"]) for r in data.truth]
    if sorted(truth_keys) != sorted(people_keys) or len(truth_keys) != len(people_keys):
        problems.append("truth.csv does not name exactly one true person per people.csv row")
    for row in data.truth:
        check(re.fullmatch(r"T\d{7,}", row["true_person"]), "truth", row, "true_person")
    return problems


def test_every_row_is_valid_interchange_data(synth: Synth) -> None:
    assert interchange_problems(synth, AS_OF)[:5] == []


def test_another_seed_and_date_are_valid_too(tmp_path: Path) -> None:
    as_of = dt.date(2025, 3, 30)  # a spring-forward Sunday: its 01:xx does not exist
    data = read(write_csvs(generate(2_000, seed=2, as_of=as_of), tmp_path))
    assert interchange_problems(data, as_of)[:5] == []
    assert max(day(e["occurred_at"]) for e in data.events) <= as_of


def test_files_have_exactly_the_interchange_columns(tmp_path: Path) -> None:
    paths = write_csvs(generate(50), tmp_path)
    assert set(paths) == set(HEADERS)
    for name, path in paths.items():
        assert path.name == f"{name}.csv"
        assert path.read_text(encoding="utf-8").splitlines()[0] == HEADERS[name]
    assert ",".join(PEOPLE_COLUMNS) == HEADERS["people"]
    assert ",".join(EVENT_COLUMNS) == HEADERS["events"]
    assert ",".join(REFERRAL_COLUMNS) == HEADERS["referrals"]
    assert ",".join(TRUTH_COLUMNS) == HEADERS["truth"]
    assert not list(tmp_path.glob("*.partial"))


def test_the_importers_columns_are_the_same() -> None:
    formats = pytest.importorskip("pathways.feeds.formats")
    assert tuple(formats.PEOPLE_COLUMNS) == PEOPLE_COLUMNS
    assert tuple(formats.EVENT_COLUMNS) == EVENT_COLUMNS
    assert tuple(formats.REFERRAL_COLUMNS) == REFERRAL_COLUMNS
    assert tuple(formats.TRUTH_COLUMNS) == TRUTH_COLUMNS


# -- determinism and scale ------------------------------------------------------------------


def test_the_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    first = write_csvs(generate(1_000, seed=5), tmp_path / "a")
    second = write_csvs(generate(1_000, seed=5), tmp_path / "b")
    other_seed = write_csvs(generate(1_000, seed=6), tmp_path / "c")
    for name in first:
        assert first[name].read_bytes() == second[name].read_bytes(), name
        assert first[name].read_bytes() != other_seed[name].read_bytes(), name


def test_the_row_iterators_give_the_rows_of_the_files(tmp_path: Path) -> None:
    data = generate(300, seed=9)
    files = read(write_csvs(data, tmp_path))
    assert list(iter_people_rows(data)) == files.people
    assert list(iter_event_rows(data)) == files.events
    assert list(iter_referral_rows(data)) == files.referrals
    assert list(iter_truth_rows(data)) == files.truth
    assert all(isinstance(v, str) for v in next(iter_event_rows(data)).values())


def test_a_larger_population_starts_with_the_same_people() -> None:
    small = list(itertools.islice(iter_truth_rows(generate(200, seed=4)), 100))
    large = list(itertools.islice(iter_truth_rows(generate(100_000, seed=4)), 100))
    assert small == large


def test_generating_is_lazy_so_a_million_people_stream() -> None:
    started = time.perf_counter()
    data = generate(10**9, seed=1)
    assert isinstance(data, SynthData)
    first = list(itertools.islice(iter_people_rows(data), 1_000))
    assert len(first) == 1_000 and time.perf_counter() - started < 5
    with pytest.raises(ValueError):
        generate(-1)
    assert list(iter_people_rows(generate(0))) == []


def test_memory_stays_flat_while_streaming() -> None:
    tracemalloc.start()
    try:
        rows = sum(len(house.events) for house in generate(1_500, seed=3).households())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # Holding 1,500 people's ~10,000 rows would take well over 5 MB.
    assert rows > 5_000 and peak < 2_000_000


# -- who is in it ----------------------------------------------------------------------------


def test_every_person_has_at_least_one_record_and_most_a_police_one(synth: Synth) -> None:
    assert sorted(synth.records) == [f"T{n:07d}" for n in range(1, PEOPLE + 1)]
    with_police = sum(any(r["agency"] == "POLICE" for r in rows) for rows in synth.records.values())
    assert 0.97 <= with_police / PEOPLE < 1
    offenders = {synth.owner(e) for e in synth.events if e["kind"] in ("offence", "conviction")}
    police_offenders = {synth.owner(e) for e in synth.events if e["kind"] == "offence"}
    assert len(police_offenders) / len(offenders) > 0.97
    agencies = Counter(r["agency"] for r in synth.people)
    assert set(agencies) == AGENCIES
    several = sum(len(rows) > 1 for rows in synth.records.values())
    assert 0.3 <= several / PEOPLE <= 0.8


def test_age_and_sex_mix_is_a_justice_caseload(synth: Synth) -> None:
    primaries = [synth.primary(p) for p in synth.records]
    women = sum(r["sex"] == "F" for r in primaries) / len(primaries)
    assert 0.10 <= women <= 0.14
    ages = [years_between(day(r["date_of_birth"]), AS_OF) for r in primaries]
    assert min(ages) >= 12
    adults = [a for a in ages if a >= 18]
    assert sum(a <= 40 for a in adults) / len(adults) >= 0.7  # most adults 18-40
    assert 0.25 <= sum(12 <= a <= 25 for a in ages) / len(ages) <= 0.5  # the young group
    assert 0.05 <= sum(a < 18 for a in ages) / len(ages) <= 0.2
    assert 25 <= statistics.median(adults) <= 35


# -- offending -------------------------------------------------------------------------------


def test_offending_is_heavy_tailed_and_spread_over_six_years(synth: Synth) -> None:
    offences = Counter(synth.owner(e) for e in synth.events if e["kind"] == "offence")
    per_offender = sorted(offences.values(), reverse=True)
    top_tenth = per_offender[: len(per_offender) // 10]
    assert sum(top_tenth) / sum(per_offender) >= 0.5
    per_person = Counter(synth.owner(e) for e in synth.events)
    assert 4 <= len(synth.events) / PEOPLE <= 8
    assert max(per_person.values()) <= 400
    days = [day(e["occurred_at"]) for e in synth.events]
    assert max(days) <= AS_OF
    assert min(days) >= AS_OF - dt.timedelta(days=6 * 365 + 2)
    by_year = Counter(min(5, (AS_OF - d).days // 365) for d in days)
    assert sorted(by_year) == [0, 1, 2, 3, 4, 5]
    assert min(by_year.values()) / len(days) > 0.08


def test_every_crime_group_with_acquisitive_crime_most_common(synth: Synth) -> None:
    groups = Counter(e["crime_group"] for e in synth.events if e["kind"] == "offence")
    assert set(groups) == GROUPS
    ranked = [group for group, _ in groups.most_common()]
    assert ranked[0] == "dishonesty"
    assert set(ranked[1:3]) == {"violence", "antisocial"}
    categories = Counter(e["category"] for e in synth.events if e["crime_group"] == "dishonesty")
    assert categories.most_common(1)[0][0] == "shoplifting"


def test_markers_custody_overdoses_antisocial_behaviour_and_convictions(synth: Synth) -> None:
    events = synth.events
    kinds = Counter(e["kind"] for e in events)
    assert set(kinds) == KINDS
    flags = Counter(f for e in events for f in e["flags"].split(";") if f)
    assert set(flags) == FLAGS
    offences = [e for e in events if e["kind"] == "offence"]
    assert 0.15 <= sum("substance" in e["flags"] for e in offences) / len(offences) <= 0.5
    # Custody: mostly the same day as one of the person's offences.
    offence_days = {(e["person_ref"], day(e["occurred_at"])) for e in offences}
    custody = [e for e in events if e["kind"] == "custody"]
    same_day = sum((e["person_ref"], day(e["occurred_at"])) in offence_days for e in custody)
    assert 0.2 <= len(custody) / len(offences) <= 0.5 and same_day / len(custody) >= 0.8
    # Overdoses: mostly people whose offences carry substance markers.
    substance_people = {e["person_ref"] for e in offences if "substance" in e["flags"]}
    overdoses = [e for e in events if e["kind"] == "overdose"]
    assert sum(e["person_ref"] in substance_people for e in overdoses) / len(overdoses) >= 0.7
    # Antisocial behaviour: mostly young people.
    born = {
        (r["agency"], r["person_ref"]): day(r["date_of_birth"])
        for r in synth.people
        if r["date_of_birth"]
    }
    asb = [e for e in events if e["kind"] == "asb"]
    young = sum(
        years_between(born[("POLICE", e["person_ref"])], day(e["occurred_at"])) <= 25 for e in asb
    )
    assert young / len(asb) >= 0.75
    # Child criminal exploitation: concerns and offences of under-18s.
    cce_ages = [
        years_between(born[("POLICE", e["person_ref"])], day(e["occurred_at"]))
        for e in events
        if "cce" in e["flags"] and e["agency"] == "POLICE"
    ]
    assert cce_ages and max(cce_ages) < 18
    # Convictions follow an offence of the same person, dated as that offence.
    offence_of = {(synth.owner(e), day(e["occurred_at"]), e["crime_group"]) for e in offences}
    convictions = [e for e in events if e["kind"] == "conviction"]
    matched = sum(
        (synth.owner(e), day(e["offence_date"]), e["crime_group"]) in offence_of
        for e in convictions
    )
    police = {p for p, rows in synth.records.items() if rows[0]["agency"] == "POLICE"}
    of_police_people = [e for e in convictions if synth.owner(e) in police]
    assert matched >= len(of_police_people) and len(of_police_people) / len(convictions) > 0.9
    assert all(day(e["offence_date"]) < day(e["occurred_at"]) for e in convictions)
    assert set(Counter(e["disposal"] for e in convictions)) == DISPOSALS
    assert 0.1 <= len(convictions) / len(offences) <= 0.4


def test_occurred_at_is_mostly_a_local_date_time_sometimes_a_date(synth: Synth) -> None:
    stamps = [e["occurred_at"] for e in synth.events]
    with_time = sum(bool(DATE_TIME.fullmatch(s)) for s in stamps) / len(stamps)
    assert 0.7 <= with_time <= 0.95
    assert all(DATE_TIME.fullmatch(s) or DATE.fullmatch(s) for s in stamps)


# -- identities ------------------------------------------------------------------------------

NICKNAMES = {g.name: set(g.variants) for g in MALE_NAMES + FEMALE_NAMES}


def given_noise(true: str, seen: str) -> str:
    if seen == true:
        return ""
    if not seen:
        return "missing"
    if seen in NICKNAMES.get(true.split(" ")[0], ()):
        return "nickname"
    if true.startswith(seen + " "):
        return "middle name left out"
    if seen.upper() == true.upper():
        return "case"
    return "typo" if is_typo(true, seen) else "other"


def family_noise(true: str, seen: str) -> str:
    if seen == true:
        return ""

    def plain(name: str) -> str:
        return re.sub(r"^MAC", "MC", re.sub(r"[ ']", "", name.upper()))

    if plain(seen) == plain(true):
        return "mc/mac" if true.startswith("M") and plain(true).startswith("MC") else "case/spacing"
    return "typo" if is_typo(true, seen) else "other"


def dob_noise(true: str, seen: str) -> str:
    if seen == true:
        return ""
    if not seen:
        return "missing"
    if seen == f"{true[:4]}-{true[8:]}-{true[5:7]}":
        return "day/month transposed"
    if sum(a != b for a, b in zip(true, seen, strict=True)) == 1:
        return "one digit off"
    return "other"


def is_typo(true: str, seen: str) -> bool:
    """A letter dropped, or two neighbouring letters swapped."""
    if len(seen) == len(true) - 1:
        return any(true[:i] + true[i + 1 :] == seen for i in range(len(true)))
    if len(seen) == len(true):
        diffs = [i for i, (a, b) in enumerate(zip(true, seen, strict=True)) if a != b]
        return len(diffs) == 2 and diffs[1] == diffs[0] + 1 and true[diffs[0]] == seen[diffs[1]]
    return False


def test_the_same_person_in_several_agencies_with_noisy_identities(synth: Synth) -> None:
    exact = noisy = 0
    kinds: Counter[str] = Counter()
    postcodes: Counter[str] = Counter()
    for rows in synth.records.values():
        true = rows[0]
        for seen in rows[1:]:
            found = [
                given_noise(true["given_name"], seen["given_name"]),
                family_noise(true["family_name"], seen["family_name"]),
                dob_noise(true["date_of_birth"], seen["date_of_birth"]),
            ]
            found = [kind for kind in found if kind]
            exact += not found
            noisy += bool(found)
            kinds.update(found)
            if not seen["postcode"]:
                postcodes["missing"] += 1
            elif normalised(seen["postcode"]) != normalised(true["postcode"]):
                postcodes["old"] += 1
    assert exact + noisy > 1_000
    assert 0.60 <= exact / (exact + noisy) <= 0.70
    assert set(kinds) - {"other"} == {
        "missing",
        "nickname",
        "middle name left out",
        "case",
        "typo",
        "mc/mac",
        "case/spacing",
        "day/month transposed",
        "one digit off",
    }
    assert kinds["other"] / noisy < 0.05  # only from two kinds of noise in one field
    assert postcodes["missing"] > 0.03 * (exact + noisy) and postcodes["old"] > 0.05 * (
        exact + noisy
    )


def normalised(postcode: str) -> str:
    compact = postcode.upper().replace(" ", "")
    return f"{compact[:-3]} {compact[-3:]}"


def test_postcodes_look_like_glasgow_ones_some_typed_untidily(synth: Synth) -> None:
    postcodes = [r["postcode"] for r in synth.people if r["postcode"]]
    assert len(postcodes) / len(synth.people) > 0.85
    assert all(GLASGOW_POSTCODE.fullmatch(normalised(p)) for p in postcodes)
    tidy = sum(bool(GLASGOW_POSTCODE.fullmatch(p)) for p in postcodes) / len(postcodes)
    assert 0.8 <= tidy <= 0.95
    assert any(p != p.upper() for p in postcodes)
    assert any(" " not in p for p in postcodes) and any("  " in p for p in postcodes)
    districts = {normalised(p).split()[0] for p in postcodes}
    assert len(districts) > 25


def scheme(ref: str) -> str:
    """A reference's shape: PS12345678 -> PS99999999."""
    return re.sub(r"[0-9]", "9", ref)


def test_each_agency_has_its_own_reference_scheme(synth: Synth) -> None:
    people: dict[str, set[str]] = defaultdict(set)
    for row in synth.people:
        people[row["agency"]].add(scheme(row["person_ref"]))
    assert all(len(shapes) == 1 for shapes in people.values()), people
    assert len(set().union(*people.values())) == len(AGENCIES)
    events: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in synth.events:
        events[(row["agency"], row["kind"])].add(scheme(row["event_ref"]))
    assert all(len(shapes) == 1 for shapes in events.values()), events
    assert {scheme(r["referral_ref"]) for r in synth.referrals} == {"RF999999999"}
    # Not numbered 1, 2, 3 in file order, as no real extract is.
    police = [int(r["person_ref"][2:]) for r in synth.people if r["agency"] == "POLICE"]
    assert police != sorted(police)


# -- referrals -------------------------------------------------------------------------------


def test_referral_histories(synth: Synth) -> None:
    referrals = synth.referrals
    per_person = Counter(synth.owner(r) for r in referrals)
    assert 0.08 <= len(per_person) / PEOPLE <= 0.15
    assert any(n > 1 for n in per_person.values())
    assert set(Counter(r["service"] for r in referrals)) == STATUTORY | VOLUNTARY
    decisions = Counter(r["decision"] for r in referrals)
    assert set(decisions) == DECISIONS | {""}
    assert decisions["accepted"] > decisions["declined"] + decisions["withdrawn"]
    pending = [r for r in referrals if not r["decision"]]
    assert all(day(r["referred_on"]) > AS_OF - dt.timedelta(days=101) for r in pending)
    accepted = [r for r in referrals if r["decision"] == "accepted"]
    started = [r for r in accepted if r["started_on"]]
    assert len(started) / len(accepted) > 0.8
    voluntary = [r for r in started if r["service"] in VOLUNTARY]
    assert all(r["consent_on"] for r in voluntary)
    assert any(not r["consent_on"] for r in started if r["service"] in STATUTORY)
    ended = [r for r in started if r["ended_on"]]
    assert 0 < len(started) - len(ended) < len(ended)  # some still engaged
    reasons = Counter(r["end_reason"] for r in ended)
    assert set(reasons) == END_REASONS and reasons.most_common(1)[0][0] == "completed"
    assert reasons["completed"] / len(ended) > 0.5


def test_referrals_mostly_fit_their_services(synth: Synth) -> None:
    police = {r["person_ref"]: r for r in synth.people if r["agency"] == "POLICE"}

    def age(r: Row) -> int:
        return years_between(day(police[r["person_ref"]]["date_of_birth"]), day(r["referred_on"]))

    for r in synth.referrals:
        if r["service"] in YOUTH_DIVERSION:
            assert 12 <= age(r) <= 25, r
        if r["service"] == "POP":
            assert age(r) >= 16 and police[r["person_ref"]]["sex"] == "M", r
        if r["service"] in ("W218", "SACRO_WMS"):
            assert police[r["person_ref"]]["sex"] == "F", r
    # People accepted by ADAPT, SIDESTEP and POP are known to their providers too.
    for service, partner in (("ADAPT", "INCLUDEM"), ("SIDESTEP", "AFC"), ("POP", "AID_ABET")):
        accepted = {
            synth.owner(r)
            for r in synth.referrals
            if r["service"] == service and r["decision"] == "accepted"
        }
        assert accepted, service
        for person in accepted:
            assert any(row["agency"] == partner for row in synth.records[person]), (service, person)


def test_engagements_last_about_60_to_400_days(synth: Synth) -> None:
    completed = [r for r in synth.referrals if r["end_reason"] == "completed"]
    lengths = [(day(r["ended_on"]) - day(r["started_on"])).days for r in completed]
    assert len(lengths) > 100
    assert 160 <= statistics.mean(lengths) <= 200
    assert 55 <= min(lengths) and max(lengths) <= 410


def test_offending_falls_after_a_completed_engagement(synth: Synth) -> None:
    offences = synth.offence_days()
    fell = with_pre = stopped = 0
    for r in synth.referrals:
        if r["end_reason"] != "completed" or day(r["ended_on"]) + HALF_YEAR > AS_OF:
            continue
        start, end = day(r["started_on"]), day(r["ended_on"])
        days = offences.get(r["person_ref"], [])
        pre = sum(start - HALF_YEAR <= d < start for d in days)
        post = sum(end < d <= end + HALF_YEAR for d in days)
        if pre:
            with_pre += 1
            fell += post < pre
            stopped += post == 0
    assert with_pre > 100
    assert fell / with_pre > 0.55
    assert 0.5 <= stopped / with_pre <= 0.8
