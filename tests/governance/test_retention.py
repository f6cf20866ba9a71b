"""`pathways retention`: what passed its period is counted (--dry-run) or removed and
anonymised (--apply), and the run is audited. Glasgow periods: offending, custody and
risk 6 years (2192 days), health 3 years (1096 days), referrals 6 years, identity
6 years, rejected rows 180 days, superseded rows 365 days."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pathways.audit.models import AccessEvent
from pathways.events.models import Event
from pathways.governance.retention import run_retention
from pathways.people.models import AgencyRecord, Person
from pathways.referrals.models import Referral
from tests.world import add_event, at, make_person, refer

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 11, 1)  # six years back: 2020-10-31 (2192 days); three: 2023-11-01


@pytest.fixture
def data(config_loaded):
    """Old Tom: a 2019 offence and a referral completed in 2019 (nothing recent);
    Recent Rae: an offence on 2020-11-01 (inside six years), an overdose on 2023-10-31
    (one day past three years) and one on 2023-11-01 (inside)."""
    tom = make_person("Tom", "Old", dt.date(1980, 1, 1), records=(("POLICE", "T1"),))
    add_event(tom, "POLICE", at(2019, 5, 5), crime_group="dishonesty")
    referral = refer(tom, "POLICE", "ADAPT", dt.date(2019, 1, 10))
    Referral.objects.filter(pk=referral.pk).update(
        state="completed", ended_on=dt.date(2019, 6, 1), end_reason="completed"
    )
    AgencyRecord.objects.filter(person=tom).update(
        updated_at=dt.datetime(2019, 6, 1, tzinfo=dt.UTC)
    )
    rae = make_person("Rae", "Recent", dt.date(1990, 1, 1), records=(("POLICE", "R1"),))
    add_event(rae, "POLICE", at(2020, 11, 1), crime_group="violence")
    add_event(rae, "POLICE", at(2023, 10, 31), kind="overdose")
    add_event(rae, "POLICE", at(2023, 11, 1), kind="overdose")
    return tom, rae


def counts(steps) -> dict[str, int]:
    return {s.code: s.count for s in steps}


def test_a_dry_run_counts_and_changes_nothing(data) -> None:
    before = Event.objects.count()
    found = counts(run_retention(apply=False, as_of=AS_OF))
    assert found["offending"] == 1  # Tom's 2019 offence; Rae's 2020-11-01 is kept
    assert found["health"] == 1  # the overdose a day past three years
    assert found["referral"] == 1
    assert found["identity"] == 0  # Tom still has an event and a referral
    assert Event.objects.count() == before
    assert not AccessEvent.objects.exists()


def test_apply_removes_and_anonymises_and_is_audited(data) -> None:
    tom, rae = data
    done = counts(run_retention(apply=True, as_of=AS_OF))
    assert (done["offending"], done["health"], done["referral"], done["identity"]) == (1, 1, 1, 1)
    assert list(
        Event.objects.filter(person=rae)
        .values_list("occurred_on", flat=True)
        .order_by("occurred_on")
    ) == [dt.date(2020, 11, 1), dt.date(2023, 11, 1)]
    tom = Person.objects.get(pk=tom.pk)
    assert (tom.given_name, tom.family_name, tom.date_of_birth) == ("", "(anonymised)", None)
    record = AgencyRecord.objects.get(person=tom)
    assert record.person_ref.startswith("anon-") and record.postcode == ""
    assert Person.objects.get(pk=rae.pk).family_name == "Recent"
    event = AccessEvent.objects.get(action="retention")
    assert "offending: 1 offending events deleted" in event.detail
    # Applying again finds nothing more: it can be re-run safely.
    again = counts(run_retention(apply=True, as_of=AS_OF))
    assert set(again.values()) == {0}


def test_the_command(data) -> None:
    out = io.StringIO()
    call_command("retention", "--dry-run", "--as-of", "2026-11-01", stdout=out)
    text = out.getvalue()
    assert "dry run: nothing changed" in text
    assert "health" in text and "1096 days" in text
    with pytest.raises(CommandError, match="not allowed with argument --dry-run"):
        call_command("retention", "--dry-run", "--apply")
