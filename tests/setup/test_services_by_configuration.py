"""Services of every kind by configuration alone (issue 19): an outreach service told of
every non-fatal overdose (`told_of`), and a custody route (`custody_visits`), added to the
TOML files and loaded with `pathways init --config`, each walked from its alert or its
custody episode through referral, consent, engagement and ending to the outcome figures;
no code names them."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from pathways.alerts.models import Alert
from pathways.cases import engagement
from pathways.cases.custody import do_record_visit
from pathways.cases.models import CustodyVisit
from pathways.feeds.after_import import scan_new_events
from pathways.outcomes.metrics import funnel
from pathways.outcomes.parameters import ReportParameters
from pathways.partners.capabilities import is_custody_mentor
from pathways.partners.models import Service
from pathways.referrals.actions import do_accept, do_propose, do_record_consent, do_send
from pathways.referrals.models import Referral
from pathways.sharing.policy import decide
from tests.world import LONDON, add_event, make_person, make_user

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()

ADDED = {
    "agencies": """
[agencies.HARBOUR]
name = "Harbour Recovery"
sector = "health"
""",
    "services": """
[services.HARBOUR_OUTREACH]
name = "Harbour outreach"
description = "A second outreach team after a non-fatal overdose, on the south side."
provider = "HARBOUR"
kind = "treatment"
voluntary = true
requires_consent = true
joint_approval = false
consent_valid_days = 90
told_of = ["overdose"]

[services.NIGHT_CUSTODY]
name = "Night custody mentors"
description = "Peer mentors who see people held overnight."
provider = "HARBOUR"
kind = "support"
voluntary = true
requires_consent = true
joint_approval = false
custody_visits = true
""",
    "teams": """
[teams.HARBOUR_TEAM]
name = "Harbour outreach team"
agency = "HARBOUR"
service = "HARBOUR_OUTREACH"

[teams.NIGHT_TEAM]
name = "Night custody mentors"
agency = "HARBOUR"
service = "NIGHT_CUSTODY"
""",
    "agreements": """
[agreements.POLICE_HARBOUR_OVERDOSE]
title = "Non-fatal overdoses for Harbour outreach"
owner = "Glasgow Alcohol and Drug Partnership"
from = "POLICE"
to_service = "HARBOUR_OUTREACH"
categories = ["health"]
purpose = "to reach the person quickly after a non-fatal overdose and protect life"
legal_basis = "UK GDPR Art 6(1)(d): vital interests"
special_condition = "UK GDPR Art 9(2)(g) with DPA 2018 Sch 1 para 18"
condition = "always"
valid_from = 2024-01-01
review_on = 2030-01-01

[agreements.POLICE_HARBOUR_REFERRAL]
title = "Referral details for Harbour outreach"
owner = "Glasgow Alcohol and Drug Partnership"
from = "POLICE"
to_service = "HARBOUR_OUTREACH"
categories = ["identity", "referral"]
purpose = "to reach the person referred"
legal_basis = "UK GDPR Art 6(1)(e)"
condition = "active_referral"
valid_from = 2024-01-01
review_on = 2030-01-01

[agreements.POLICE_NIGHT_CUSTODY]
title = "People held in custody, for the night mentors"
owner = "Police Scotland Greater Glasgow Division"
from = "POLICE"
to_service = "NIGHT_CUSTODY"
categories = ["identity", "custody"]
purpose = "to offer support to a person held in police custody"
legal_basis = "UK GDPR Art 6(1)(e)"
special_condition = "UK GDPR Art 10 with DPA 2018 Sch 1 para 10"
condition = "recent_custody"
valid_from = 2024-01-01
review_on = 2030-01-01
""",
}


@pytest.fixture
def configured(tmp_path: Path) -> None:
    config = tmp_path / "config"
    shutil.copytree(settings.PATHWAYS_CONFIG_DIR, config)
    for name, text in ADDED.items():
        with (config / f"{name}.toml").open("a", encoding="utf-8") as handle:
            handle.write(text)
    call_command("init", config=config, stdout=io.StringIO())


def at(days_ago: int) -> dt.datetime:
    return dt.datetime.combine(TODAY - dt.timedelta(days=days_ago), dt.time(3), tzinfo=LONDON)


def test_an_outreach_service_by_configuration_from_its_alert_to_the_figures(configured) -> None:
    service = Service.objects.get(code="HARBOUR_OUTREACH")
    assert (service.told_of, service.consent_valid_days) == (["overdose"], 90)
    worker = make_user("harbour", "HARBOUR_TEAM", "health_outreach")
    police = make_user("police", "ONE_GLASGOW", "police_analyst")
    person = make_person("Lee", "Harbour", dt.date(1985, 3, 3), records=(("POLICE", "H1"),))
    scan_new_events()
    add_event(person, "POLICE", at(3), kind="overdose", category="Non-fatal overdose")
    scan_new_events()
    # Told of the overdose though nobody referred the person: the configured behaviour.
    alert = Alert.objects.get(user=worker)
    assert alert.kind == "overdose" and "Harbour outreach is told of every" in alert.why
    assert decide(worker, person, "health", source="POLICE").allowed
    # Referral, consent, engagement, ending: the same steps as any partner's.
    referral = do_propose(person, service, person.records.get(), on=TODAY - dt.timedelta(3),
                          by=police, reason="After the overdose.")  # fmt: skip
    do_send(police, referral, on=TODAY - dt.timedelta(3))
    do_accept(worker, referral, on=TODAY - dt.timedelta(2))
    consent = do_record_consent(worker, referral, given=True, on=TODAY - dt.timedelta(2),
                                method="verbal", witness="A nurse")  # fmt: skip
    assert consent.expires_on == TODAY - dt.timedelta(2) + dt.timedelta(days=90)
    engagement.do_start_engagement(worker, referral, on=TODAY - dt.timedelta(1),
                                   focus_areas=["addiction"],
                                   contact={"attendance": "attended"})  # fmt: skip
    engagement.do_end_engagement(worker, referral, on=TODAY, outcome="completed",
                                 ratings={"addiction": "achieved"})  # fmt: skip
    assert Referral.objects.get(pk=referral.pk).state == "completed"
    figures = funnel(ReportParameters(("HARBOUR_OUTREACH",), TODAY - dt.timedelta(30),
                                      TODAY + dt.timedelta(1), TODAY))  # fmt: skip
    assert (figures.referred, figures.consented, figures.started, figures.completed) == (1, 1, 1, 1)


def test_a_custody_route_by_configuration_from_the_episode_to_the_visit(configured) -> None:
    night = make_user("night", "NIGHT_TEAM", "custody_mentor")
    assert is_custody_mentor(night)
    person = make_person("Kit", "Night", dt.date(1990, 1, 1), records=(("POLICE", "N1"),))
    scan_new_events()
    add_event(person, "POLICE", at(1), kind="custody", category="Held overnight")
    scan_new_events()
    visit = CustodyVisit.objects.get()
    assert decide(night, person, "custody", source="POLICE").allowed
    do_record_visit(night, visit, outcome="seen", seen_on=TODAY, conversation="Talked.",
                    signposted_to=["HARBOUR_OUTREACH"])  # fmt: skip
    visit.refresh_from_db()
    assert (visit.outcome, visit.signposted_to) == ("seen", ["HARBOUR_OUTREACH"])
    # A custody service is not offered as a signpost (the page's choices).
    from pathways.web.forms.custody import CustodyVisitForm

    offered = {code for code, _ in CustodyVisitForm(person=person).fields["signposted_to"].choices}
    assert "NIGHT_CUSTODY" not in offered and "POP_CUSTODY" not in offered
    assert "HARBOUR_OUTREACH" in offered
