"""Query counts of the list pages and the person page: a page's queries must not grow
with the rows it shows (a query per row, an N+1, fails here), and stay under a bound.

Each test builds a few rows, reads the page, adds many more and reads it again: the two
counts must be equal, and at most the bound measured when the test was written (the
count, per database, in a comment; the bound a little above it). The menu
(`pathways_tags.navigation_for`) runs on every page; its queries count too. Each count
is of the second of two requests, so that what the first request caches (the session,
content types) is not counted.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pathways.alerts.models import Alert
from pathways.audit.log import record_access
from pathways.feeds.after_import import scan_new_events
from pathways.feeds.models import ImportRun, RejectedRow
from pathways.identification.runs import identify
from pathways.linkage.models import DuplicateSent, LinkChange, LinkReview
from pathways.referrals.models import Approval
from tests.factories import AgencyRecordFactory, ReferralFactory, UserFactory
from tests.world import LONDON, add_event, at, make_person, make_user, refer

TODAY = timezone.localdate()


@dataclass(frozen=True)
class Read:
    """A page as read: its HTML and the queries its request ran."""

    html: str
    queries: list[str]


def read(client: Client, url: str, data: dict[str, str] | None = None) -> Read:
    """The page at `url`, read twice; the second request's queries (the first warms what
    a request caches for the next: the session, content types)."""
    client.get(url, data)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, data)
    assert response.status_code == 200, (url, response.status_code)
    return Read(response.content.decode(), [q["sql"] for q in captured.captured_queries])


def shape(sql: str) -> str:
    """A query without its values: the same query about another row has the same shape."""
    sql = re.sub(r'"s\d+_x\d+"', '"savepoint"', sql)
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+(?:\.\d+)?\b", "?", sql)
    sql = re.sub(r"\((?:\?, )*\?\)", "(?...)", sql)  # a list of values, however long
    return re.sub(r"\(\?\.\.\.\)(?:, \(\?\.\.\.\))+", "(?...), ...", sql)  # rows of them


def on_this_database(sqlite: int, postgresql: int) -> int:
    return {"sqlite": sqlite, "postgresql": postgresql}[connection.vendor]


def assert_flat(few: Read, many: Read, at_most: int) -> None:
    """As many queries for many rows as for a few, and no more than `at_most`."""
    if len(many.queries) != len(few.queries):
        grown = Counter(map(shape, many.queries)) - Counter(map(shape, few.queries))
        pytest.fail(
            f"{len(few.queries)} queries for a few rows, {len(many.queries)} for many; "
            "the queries repeated:\n"
            + "\n".join(f"{n} more x {sql}" for sql, n in grown.most_common())
        )
    assert len(many.queries) <= at_most, (
        f"{len(many.queries)} queries, more than {at_most}:\n" + "\n".join(many.queries)
    )


def rows(pattern: str, html: str) -> int:
    """How many distinct matches of `pattern` the page holds."""
    return len(set(re.findall(pattern, html)))


def days_ago(n: int, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(TODAY - dt.timedelta(days=n), dt.time(hour), tzinfo=LONDON)


# --- The person page ---------------------------------------------------------------------

KINDS = ("offence", "custody", "asb", "concern", "offence")
SERVICES = ("ADAPT", "SIDESTEP", "POP", "BRIDGING")


def test_the_person_page_does_not_grow_with_events_and_referrals(client: Client) -> None:
    police = make_user("police", "ONE_GLASGOW", "police_analyst")
    person = make_person("Rowan", "Many", dt.date(2005, 5, 5), records=(("POLICE", "P1"),))

    def add_events(first: int, last: int) -> None:
        for n in range(first, last):
            add_event(
                person, "POLICE", at(2024, 1, 1) + dt.timedelta(days=n), kind=KINDS[n % 5],
                crime_group="violence" if n % 2 else "dishonesty", category=f"Event {n}",
                flags="weapon" if n % 3 else "",
            )  # fmt: skip

    add_events(0, 5)
    refer(person, "POLICE", SERVICES[0], dt.date(2024, 2, 1))
    client.force_login(police)
    url = f"/people/{person.pk}/"
    few = read(client, url)
    assert "<strong>5</strong> events you may see" in few.html
    assert rows(r'href="/referrals/(\d+)/"', few.html) == 1

    add_events(5, 60)
    for service in SERVICES[1:]:
        refer(person, "POLICE", service, dt.date(2024, 3, 1))
    many = read(client, url)
    assert "<strong>60</strong> events you may see" in many.html
    assert many.html.count('<th scope="row"><time datetime=') == 50  # a page of the chronology
    assert rows(r'href="/referrals/(\d+)/"', many.html) == 4
    # Measured: 21 queries on SQLite, 22 on PostgreSQL (the audit chain's lock).
    assert_flat(few, many, at_most=on_this_database(sqlite=23, postgresql=24))


# --- Search --------------------------------------------------------------------------------


def test_search_results_do_not_grow_with_the_people_found(client: Client) -> None:
    police = make_user("police", "ONE_GLASGOW", "police_analyst")

    def add_people(first: int, last: int) -> None:
        for n in range(first, last):
            make_person(f"Given{n}", "Quennell", dt.date(1990, 1, 1 + n),
                        records=(("POLICE", f"Q{n}"),))  # fmt: skip

    add_people(0, 3)
    client.force_login(police)
    few = read(client, "/people/", {"q": "Quennell"})
    assert rows(r'href="/people/(\d+)/"', few.html) == 3
    add_people(3, 25)
    many = read(client, "/people/", {"q": "Quennell"})
    assert rows(r'href="/people/(\d+)/"', many.html) == 25
    # Measured: 20 queries on SQLite, 21 on PostgreSQL (the audit chain's lock).
    assert_flat(few, many, at_most=on_this_database(sqlite=22, postgresql=23))


# --- The referral inbox ------------------------------------------------------------------

# What waits for each user: (service, state), repeated. For the police analyst: a joint
# referral to approve (with social work's approval), one to send, an approved one to
# send, a sent one overdue. For the ADAPT worker: one to decide (overdue too), one to
# record consent for, one to record a first contact for.
WAITING = {
    "police": (("ADAPT", "proposed"), ("POP", "proposed"), ("SIDESTEP", "approved"),
               ("ADAPT", "sent")),
    "adapt": (("ADAPT", "sent"), ("ADAPT", "accepted"), ("ADAPT", "consented")),
}  # fmt: skip
INBOX_USERS = {
    "police": ("ONE_GLASGOW", "police_analyst"),
    "adapt": ("INCLUDEM_ADAPT", "partner_worker"),
}
# Measured: the police analyst's inbox 17 queries on SQLite, 18 on PostgreSQL (the audit
# chain's lock); the ADAPT worker's 16 and 17.
INBOX_BOUND = {
    "police": lambda: on_this_database(sqlite=19, postgresql=20),
    "adapt": lambda: on_this_database(sqlite=18, postgresql=19),
}


@pytest.mark.parametrize("who", ["police", "adapt"])
def test_the_referral_inbox_does_not_grow_with_the_referrals_waiting(
    client: Client, who: str
) -> None:
    user = make_user(who, *INBOX_USERS[who])
    approver = make_user("socialworker", "CJSW_NE", "cjsw_worker")
    waiting = WAITING[who]

    def add_referrals(first: int, last: int) -> None:
        for n in range(first, last):
            service, state = waiting[n % len(waiting)]
            person = make_person(f"Given{n}", "Waiting", dt.date(2008, 1, 1),
                                 records=(("POLICE", f"W{n}"),))  # fmt: skip
            accepted = state in ("accepted", "consented")
            referral = ReferralFactory(
                person=person, service_id=service, state=state, referred_on=dt.date(2024, 2, 1),
                decision="accepted" if accepted else "", decided_on=TODAY if accepted else None,
                consent_on=TODAY if state == "consented" else None,
            )  # fmt: skip
            if state == "proposed" and service == "ADAPT":
                Approval.objects.create(referral=referral, sector="social_work", by=approver,
                                        agency_id="HSCP_CJSW", on=TODAY)  # fmt: skip

    add_referrals(0, 3)
    client.force_login(user)
    few = read(client, "/referrals/")
    assert rows(r'href="/referrals/(\d+)/"', few.html) == 3
    add_referrals(3, 20)
    many = read(client, "/referrals/")
    assert rows(r'href="/referrals/(\d+)/"', many.html) == 20
    assert_flat(few, many, at_most=INBOX_BOUND[who]())


# --- Alerts -------------------------------------------------------------------------------


def test_the_alert_list_does_not_grow_with_the_alerts(client: Client) -> None:
    worker = make_user("adapt", "INCLUDEM_ADAPT", "partner_worker")

    def add_alerts(first: int, last: int) -> None:
        for n in range(first, last):
            person = make_person(f"Given{n}", "Alerted", dt.date(2008, 1, 1),
                                 records=(("POLICE", f"A{n}"),))  # fmt: skip
            referral = refer(person, "POLICE", "ADAPT", dt.date(2024, 2, 1))
            event = add_event(person, "POLICE", days_ago(1), crime_group="violence")
            Alert.objects.create(
                user=worker, person=person, kind="offence", event=event, referral=referral,
                why="you are the allocated worker for ADAPT",
                read_at=timezone.now() if n % 2 else None,
            )  # fmt: skip

    add_alerts(0, 3)
    client.force_login(worker)
    few = read(client, "/alerts/")
    assert rows(r'action="/alerts/(\d+)/open/"', few.html) == 3
    add_alerts(3, 30)
    many = read(client, "/alerts/")
    assert rows(r'action="/alerts/(\d+)/open/"', many.html) == 30
    # Measured: 18 queries on SQLite, 19 on PostgreSQL (the audit chain's lock).
    assert_flat(few, many, at_most=on_this_database(sqlite=20, postgresql=21))


# --- The candidate queue ---------------------------------------------------------------


def test_the_candidate_queue_does_not_grow_with_the_candidates(client: Client) -> None:
    analyst = make_user("analyst", "ONE_GLASGOW", "police_analyst")

    def add_candidates(first: int, last: int) -> None:
        # As tests.world.identified_today: a 17-year-old's violent offence with a weapon
        # (ADAPT), or a 30-year-old's three dishonesty offences (POP).
        for n in range(first, last):
            if n % 2:
                person = make_person(f"Given{n}", "Violent", dt.date(TODAY.year - 17, 1, 1),
                                     records=(("POLICE", f"C{n}"),))  # fmt: skip
                add_event(person, "POLICE", days_ago(3), crime_group="violence", flags="weapon")
            else:
                person = make_person(f"Given{n}", "Acquisitive", dt.date(1996, 1, 1),
                                     records=(("POLICE", f"C{n}"),))  # fmt: skip
                for days in (5, 40, 50):
                    add_event(person, "POLICE", days_ago(days), crime_group="dishonesty",
                              flags="substance")  # fmt: skip
        identify(TODAY)

    add_candidates(0, 3)
    client.force_login(analyst)
    few = read(client, "/candidates/")
    assert rows(r'href="/candidates/(\d+)/"', few.html) == 3
    add_candidates(3, 30)
    many = read(client, "/candidates/")
    assert rows(r'href="/candidates/(\d+)/"', many.html) == 30
    # Measured: 22 queries on SQLite, 23 on PostgreSQL (the audit chain's lock).
    assert_flat(few, many, at_most=on_this_database(sqlite=24, postgresql=25))


# --- The custody mentors' list -----------------------------------------------------------


def test_the_custody_list_does_not_grow_with_the_visits(client: Client) -> None:
    mentor = make_user("mentor", "POP_CUSTODY", "custody_mentor")
    history = make_person("Hal", "History", dt.date(1995, 5, 5), records=(("POLICE", "H1"),))
    add_event(history, "POLICE", days_ago(30), crime_group="dishonesty")
    scan_new_events()  # the first scan only sets the mark

    def add_visits(first: int, last: int) -> None:
        for n in range(first, last):
            person = make_person(f"Given{n}", "Custody", dt.date(1995, 5, 5),
                                 records=(("POLICE", f"K{n}"),))  # fmt: skip
            add_event(person, "POLICE", days_ago(n % 6, hour=2), kind="custody",
                      category="Held for court")  # fmt: skip
        scan_new_events()  # opens a visit for each custody episode

    add_visits(0, 3)
    client.force_login(mentor)
    few = read(client, "/custody/")
    assert rows(r'href="/custody/(\d+)/"', few.html) == 3
    add_visits(3, 30)
    many = read(client, "/custody/")
    assert rows(r'href="/custody/(\d+)/"', many.html) == 30
    # Measured: 18 queries on SQLite, 19 on PostgreSQL (the audit chain's lock).
    assert_flat(few, many, at_most=on_this_database(sqlite=20, postgresql=21))


# --- The linkage review ----------------------------------------------------------------


def add_pairs(first: int, last: int) -> None:
    """Pending pairs: a police record and a social work record of two Anne Smiths."""
    for n in range(first, last):
        police = AgencyRecordFactory(agency_id="POLICE", person_ref=f"P{n}",
                                     person__given_name="Anne", person__family_name="Smith")  # fmt: skip
        social = AgencyRecordFactory(agency_id="HSCP_CJSW", person_ref=f"S{n}",
                                     person__given_name="Anne", person__family_name="Smith")  # fmt: skip
        LinkReview.objects.create(record_a=police, record_b=social, probability=0.5 + n / 100,
                                  match_weight=1.0, why="in the review band")  # fmt: skip


def test_the_linkage_queue_does_not_grow_with_the_pairs(client: Client) -> None:
    officer = make_user("dq", "CJ_GLASGOW", "data_quality")
    add_pairs(0, 3)
    client.force_login(officer)
    few = read(client, "/linkage/")
    assert rows(r'href="/linkage/pairs/(\d+)/"', few.html) == 3
    add_pairs(3, 30)
    many = read(client, "/linkage/")
    assert rows(r'href="/linkage/pairs/(\d+)/"', many.html) == 30
    # Measured: 14 queries on SQLite, 15 on PostgreSQL (the audit chain's lock).
    assert_flat(few, many, at_most=on_this_database(sqlite=16, postgresql=17))


def test_the_linkage_changes_do_not_grow_with_the_changes(client: Client) -> None:
    officer = make_user("dq", "CJ_GLASGOW", "data_quality")

    def add_changes(first: int, last: int) -> None:
        add_pairs(first, last)
        for n, review in enumerate(LinkReview.objects.filter(changes=None), start=first):
            # Each by another officer; every other one undone, by yet another.
            LinkChange.objects.create(
                kind="merge" if n % 2 else "split",
                person_id=review.record_a.person_id, other_person_id=review.record_b.person_id,
                moves={"records": [], "rows": []}, review=review, reason=f"change {n}",
                by=UserFactory(username=f"officer{n}"),
                undone_by=UserFactory(username=f"undoer{n}") if n % 2 else None,
                undone_at=timezone.now() if n % 2 else None,
            )  # fmt: skip

    add_changes(0, 3)
    client.force_login(officer)
    few = read(client, "/linkage/changes/")
    assert rows(r'<th scope="row">(?:Merge|Split) (\d+)</th>', few.html) == 3
    add_changes(3, 30)
    many = read(client, "/linkage/changes/")
    assert rows(r'<th scope="row">(?:Merge|Split) (\d+)</th>', many.html) == 30
    # Measured: 14 queries on SQLite, 15 on PostgreSQL (the audit chain's lock).
    assert_flat(few, many, at_most=on_this_database(sqlite=16, postgresql=17))


def test_an_agencys_duplicates_do_not_grow_with_the_pairs(client: Client) -> None:
    officer = make_user("dq", "CJ_GLASGOW", "data_quality")

    def add_duplicates(first: int, last: int) -> None:
        """People with two police records each; every other pair marked as sent."""
        for n in range(first, last):
            person = make_person("Anne", f"Twice{n}", dt.date(1990, 1, 1),
                                 records=(("POLICE", f"D{n}a"), ("POLICE", f"D{n}b")))  # fmt: skip
            if n % 2:
                one, other = person.records.order_by("created_at", "person_ref")
                DuplicateSent.objects.create(record=other, duplicate_of=one,
                                             sent_by=UserFactory(username=f"sender{n}"))  # fmt: skip

    add_duplicates(0, 3)
    client.force_login(officer)
    few = read(client, "/linkage/duplicates/", {"agency": "POLICE"})
    assert rows(r"<strong>(D\d+b)</strong>", few.html) == 3
    add_duplicates(3, 30)
    many = read(client, "/linkage/duplicates/", {"agency": "POLICE"})
    assert rows(r"<strong>(D\d+b)</strong>", many.html) == 30
    # Measured: 18 queries on SQLite, 19 on PostgreSQL (the audit chain's lock).
    assert_flat(few, many, at_most=on_this_database(sqlite=20, postgresql=21))


# --- Import runs -------------------------------------------------------------------------


def test_the_import_runs_do_not_grow_with_the_runs(client: Client) -> None:
    officer = make_user("dq", "CJ_GLASGOW", "data_quality")

    def add_runs(first: int, last: int) -> None:
        for n in range(first, last):
            ImportRun.objects.create(
                kind="people", file_name=f"/feeds/people-{n}.csv", status="finished",
                user=UserFactory(username=f"importer{n}") if n % 2 else None,
                operator="" if n % 2 else "cron", rows_read=10, created=9, rejected=n % 2,
            )  # fmt: skip

    add_runs(0, 3)
    client.force_login(officer)
    few = read(client, "/imports/")
    assert rows(r'href="/imports/(\d+)/"', few.html) == 3
    add_runs(3, 30)
    many = read(client, "/imports/")
    assert rows(r'href="/imports/(\d+)/"', many.html) == 30
    # Measured: 9 queries, on SQLite and PostgreSQL alike.
    assert_flat(few, many, at_most=on_this_database(sqlite=11, postgresql=11))


def test_an_import_run_does_not_grow_with_its_rejected_rows(client: Client) -> None:
    officer = make_user("dq", "CJ_GLASGOW", "data_quality")
    run = ImportRun.objects.create(kind="people", file_name="/feeds/people.csv",
                                   status="finished", user=officer)  # fmt: skip

    def add_rejected(first: int, last: int) -> None:
        for n in range(first, last):
            RejectedRow.objects.create(
                run=run, line=n + 2, column="date_of_birth", reason="is not a date",
                row={"agency": "POLICE", "person_ref": f"R{n}", "date_of_birth": "31/02/2001"},
            )  # fmt: skip
        ImportRun.objects.filter(pk=run.pk).update(rejected=last)

    add_rejected(0, 3)
    client.force_login(officer)
    few = read(client, f"/imports/{run.pk}/")
    assert "3 rows rejected" in few.html
    add_rejected(3, 30)
    many = read(client, f"/imports/{run.pk}/")
    assert "30 rows rejected" in many.html
    # Measured: 14 queries on SQLite, 15 on PostgreSQL (the page of rejected rows is
    # written to the access audit; PostgreSQL takes the chain's lock).
    assert_flat(few, many, at_most=on_this_database(sqlite=16, postgresql=17))


# --- The data protection officer's audit -------------------------------------------------


def test_the_audit_of_a_user_does_not_grow_with_their_looks(client: Client) -> None:
    dpo = make_user("dpo", "CJ_GLASGOW", "dpo")
    police = make_user("police", "ONE_GLASGOW", "police_analyst")
    people = [
        make_person(f"Given{n}", "Looked", dt.date(2000, 1, 1), records=(("POLICE", f"L{n}"),))
        for n in range(3)
    ]

    def add_looks(first: int, last: int) -> None:
        for n in range(first, last):
            if n % 2:
                record_access(police, action="search", allowed=True,
                              person_ids=[p.pk for p in people], categories=["identity"],
                              detail=f"3 result(s) for: Looked {n}")  # fmt: skip
            else:
                record_access(police, action="view_person", allowed=n % 3 != 0,
                              person_id=people[n % 3].pk, categories=["identity"])  # fmt: skip

    add_looks(0, 3)
    client.force_login(dpo)
    few = read(client, "/audit/users/police/")
    assert "<strong>3</strong> access events" in few.html
    add_looks(3, 30)
    many = read(client, "/audit/users/police/")
    assert "<strong>30</strong> access events" in many.html
    # Measured: 8 queries, on SQLite and PostgreSQL alike.
    assert_flat(few, many, at_most=on_this_database(sqlite=10, postgresql=10))


def test_the_audit_of_a_person_does_not_grow_with_the_looks_at_them(client: Client) -> None:
    dpo = make_user("dpo", "CJ_GLASGOW", "dpo")
    person = make_person("Lee", "Looked", dt.date(2000, 1, 1), records=(("POLICE", "L1"),))
    other = make_person("Lee", "Other", dt.date(2000, 1, 1), records=(("POLICE", "L2"),))

    def add_looks(first: int, last: int) -> None:
        for n in range(first, last):
            user = make_user(f"looker{n}", "ONE_GLASGOW", "police_analyst")
            if n % 2:
                record_access(user, action="search", allowed=True,
                              person_ids=[person.pk, other.pk], categories=["identity"],
                              detail="2 result(s) for: Lee")  # fmt: skip
            else:
                record_access(user, action="view_person", allowed=n % 3 != 0,
                              person_id=person.pk, categories=["identity"])  # fmt: skip

    add_looks(0, 3)
    client.force_login(dpo)
    few = read(client, f"/audit/people/{person.pk}/")
    assert "<strong>3</strong> access events" in few.html
    add_looks(3, 30)
    many = read(client, f"/audit/people/{person.pk}/")
    assert "<strong>30</strong> access events" in many.html
    # Measured: 8 queries, on SQLite and PostgreSQL alike.
    assert_flat(few, many, at_most=on_this_database(sqlite=10, postgresql=10))


# --- Home pages and the caseload ------------------------------------------------------------

# Each role's home page, and the caseload, at most 20 queries (issue 19), whatever the
# number of cases, referrals, candidates or visits behind its counts.
HOME_USERS = {
    "adapt": ("INCLUDEM_ADAPT", "partner_worker"),
    "police": ("ONE_GLASGOW", "police_analyst"),
    "mentor": ("POP_CUSTODY", "custody_mentor"),
    "outreach": ("ADRS_COS", "health_outreach"),
    "dataquality": ("CJ_GLASGOW", "data_quality"),
    "dpo": ("CJ_GLASGOW", "dpo"),
}
HOME_BOUND = 20
CASE_STATES = ("sent", "accepted", "consented", "engaged", "completed")


def add_cases(first: int, last: int, worker: object) -> None:
    """ADAPT referrals in every state a caseload or an inbox lists, half allocated to
    `worker`, the engaged with a contact, the completed ended last week."""
    for n in range(first, last):
        state = CASE_STATES[n % len(CASE_STATES)]
        person = make_person(f"Given{n}", "Casework", dt.date(2008, 1, 1),
                             records=(("POLICE", f"C{n}"),))  # fmt: skip
        referral = refer(person, "POLICE", "ADAPT", TODAY - dt.timedelta(days=30), state=state)
        if state == "completed":
            referral.ended_on = TODAY - dt.timedelta(days=7)
        referral.worker = worker if n % 2 else None
        referral.save()
        if state == "engaged":
            referral.contacts.create(
                person=referral.person, on=TODAY - dt.timedelta(days=3), attendance="attended"
            )


@pytest.mark.parametrize("who", list(HOME_USERS))
def test_each_home_page_stays_within_twenty_queries(client: Client, who: str) -> None:
    user = make_user(who, *HOME_USERS[who])
    add_cases(0, 5, user)
    client.force_login(user)
    few = read(client, "/")
    add_cases(5, 30, user)
    many = read(client, "/")
    assert_flat(few, many, at_most=HOME_BOUND)
    if who == "adapt":
        # Allocated (odd n) and open (accepted, consented, engaged: n % 5 in 1..3) of 30:
        # n = 1, 3, 7, 11, 13, 17, 21, 23, 27.
        assert "Your cases" in many.html and rows(r'href="/referrals/(\d+)/"', many.html) == 9


def test_the_caseload_stays_within_twenty_queries(client: Client) -> None:
    user = make_user("adapt", *HOME_USERS["adapt"])
    add_cases(0, 5, user)
    client.force_login(user)
    few = read(client, "/caseload/")
    add_cases(5, 30, user)
    many = read(client, "/caseload/")
    # sent referrals are in the inbox, not the caseload: 4 of every 5 are cases.
    assert rows(r'href="/referrals/(\d+)/"', many.html) == 24
    assert_flat(few, many, at_most=HOME_BOUND)
