"""Alerts: the allocated worker and the service's team are told of a new offence, a
custody episode or an overdose of a person on their caseload — only what an agreement
lets them see; crisis outreach of every overdose; nobody twice; history is not news."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from pathways.alerts.models import Alert
from pathways.cases import engagement
from pathways.feeds.after_import import scan_new_events
from pathways.referrals.models import Transition
from tests.world import LONDON, add_event, make_person, make_user, refer

pytestmark = pytest.mark.django_db
WHEN = dt.datetime(2026, 11, 20, 21, 0, tzinfo=LONDON)


@pytest.fixture
def caseload():
    mentor = make_user("mentor", "INCLUDEM_ADAPT", "partner_worker")
    mentor.email = "mentor@includem.example"
    mentor.save()
    colleague = make_user("colleague", "INCLUDEM_ADAPT", "partner_worker")
    outreach = make_user("outreach", "ADRS_COS", "health_outreach")
    other = make_user("sidestep", "AFC_SIDESTEP", "partner_worker")
    engaged = make_person("Eli", "Engaged", dt.date(2008, 1, 1), records=(("POLICE", "P1"),))
    referral = refer(engaged, "POLICE", "ADAPT", dt.date(2026, 9, 1), state="engaged")
    referral.worker = mentor
    referral.save()
    stranger = make_person("Sam", "Stranger", dt.date(1990, 1, 1), records=(("POLICE", "P2"),))
    add_event(engaged, "POLICE", WHEN - dt.timedelta(days=400))  # history
    assert scan_new_events().alerts == 0  # the first scan only sets the mark
    return {"mentor": mentor, "colleague": colleague, "outreach": outreach, "other": other,
            "engaged": engaged, "stranger": stranger, "referral": referral}  # fmt: skip


def alerts() -> list[tuple[str, str, str]]:
    return sorted(Alert.objects.values_list("user__username", "person__family_name", "kind"))


def test_the_worker_and_team_hear_of_a_new_offence_once(caseload) -> None:
    add_event(caseload["engaged"], "POLICE", WHEN, crime_group="violence")
    add_event(caseload["stranger"], "POLICE", WHEN, crime_group="violence")
    scan = scan_new_events()
    assert scan.alerts == 2
    assert alerts() == [("colleague", "Engaged", "offence"), ("mentor", "Engaged", "offence")]
    why = dict(Alert.objects.values_list("user__username", "why"))
    assert why["mentor"] == "you are the allocated worker for ADAPT"
    assert scan_new_events().alerts == 0  # nothing new: nobody is told twice
    assert [m.to for m in mail.outbox] == [
        ["mentor@includem.example"]
    ]  # the colleague has no address
    assert mail.outbox[0].subject == "Pathways: 1 new alert(s)"
    assert "Engaged" not in mail.outbox[0].body  # no person data by e-mail


def test_custody_is_told_but_not_what_the_agreement_does_not_share(caseload) -> None:
    add_event(caseload["engaged"], "POLICE", WHEN, kind="custody")
    add_event(caseload["engaged"], "POLICE", WHEN, kind="overdose")
    scan_new_events()
    # ADAPT's agreements share offending, not custody nor health: only crisis outreach
    # is told (of the overdose).
    assert alerts() == [("outreach", "Engaged", "overdose")]


def test_crisis_outreach_hears_of_every_overdose(caseload) -> None:
    add_event(caseload["stranger"], "POLICE", WHEN, kind="overdose")
    scan_new_events()
    assert alerts() == [("outreach", "Stranger", "overdose")]


def test_after_opting_out_nobody_at_adapt_is_told(caseload) -> None:
    referral = caseload["referral"]
    Transition.objects.create(referral=referral, from_state="engaged", to_state="opted_out",
                              on=dt.date(2026, 11, 1))  # fmt: skip
    referral.state = "opted_out"
    referral.save()
    add_event(caseload["engaged"], "POLICE", WHEN, crime_group="violence")
    assert scan_new_events().alerts == 0


def test_a_concern_at_a_contact_tells_the_referrer(caseload) -> None:
    police = make_user("police", "ONE_GLASGOW", "police_analyst")
    referral = caseload["referral"]
    Transition.objects.create(referral=referral, from_state="", to_state="proposed",
                              on=dt.date(2026, 8, 1), by=police)  # fmt: skip
    engagement.do_record_contact(
        caseload["mentor"], referral, on=dt.date(2026, 11, 21),
        contact={"attendance": "attended", "concerns": "Talked of carrying a knife.",
                 "notify_referrer": True},
    )  # fmt: skip
    assert alerts() == [("police", "Engaged", "concern")]


# The worker closes its database connection when done, as a process should: the test
# cannot sit inside a transaction it would lose.
@pytest.mark.django_db(transaction=True)
def test_an_events_import_queues_the_scan_and_the_database_worker_runs_it(
    config_loaded, caseload, tmp_path, settings
) -> None:
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    events = tmp_path / "events.csv"
    events.write_text(
        "agency,event_ref,person_ref,kind,occurred_at,crime_group\n"
        "POLICE,NEW-1,P1,offence,2026-11-22T20:00:00,violence\n",
        encoding="utf-8",
    )
    call_command("import", "events", str(events))
    assert Alert.objects.count() == 0  # queued, not yet run
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    call_command("db_worker", batch=True, no_startup_delay=True)
    assert alerts() == [("colleague", "Engaged", "offence"), ("mentor", "Engaged", "offence")]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
