"""The candidate queue and a candidate's page: who sees which candidates, the
explanation, and the decisions (refer, dismiss) with their errors and their audit.

Two candidates, found by `pathways identify` logic on today's date:
- Casey Violent, 17, a violent offence 3 days ago with a weapon: ADAPT, score
  (violence 3 + weapon 2) x 2 (fresh) = 10;
- Pat Acquisitive, 30, three dishonesty offences flagged substance, 5, 40 and 50 days
  ago: POP, score (2 + 1) x 2 + 3 + 3 = 12.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import timezone

from pathways.audit.models import AccessEvent
from pathways.identification.models import Candidate, Run
from pathways.referrals.models import Referral
from tests.world import identified_today, make_user

TODAY = timezone.localdate()


@pytest.fixture
def found(partnership: None) -> dict[str, Candidate]:
    """The two candidates of world.identified_today (ADAPT score 10, POP score 12)."""
    return identified_today()


def names(html: str) -> list[str]:
    return re.findall(r'<a href="/candidates/\d+/">([^<]+)</a>', html)


def test_the_partnership_team_sees_every_queue_highest_priority_first(
    client: Client, found: dict[str, Candidate]
) -> None:
    assert (found["ADAPT"].score, found["POP"].score) == (10, 12)
    client.force_login(make_user("analyst", "ONE_GLASGOW", "police_analyst"))
    html = client.get("/candidates/").content.decode()
    assert names(html) == ["Pat Acquisitive", "Casey Violent"]
    assert "2 open candidates" in html
    only_adapt = client.get("/candidates/", {"service": "ADAPT"}).content.decode()
    assert names(only_adapt) == ["Casey Violent"]
    by_name = client.get("/candidates/", {"sort": "name"}).content.decode()
    assert names(by_name) == ["Pat Acquisitive", "Casey Violent"]
    shown = AccessEvent.objects.filter(action="candidate_queue").first()
    assert shown is not None and shown.people_count == 2


def test_the_pop_team_sees_its_own_queue_and_the_person_only_while_a_candidate(
    client: Client, found: dict[str, Candidate]
) -> None:
    pop = make_user("pop", "POP", "pop_worker")
    client.force_login(pop)
    assert names(client.get("/candidates/").content.decode()) == ["Pat Acquisitive"]
    assert client.get(f"/candidates/{found['ADAPT'].pk}/").status_code == 404
    pat = found["POP"].person
    page = client.get(f"/people/{pat.pk}/")
    assert page.status_code == 200
    assert "Dishonesty" in page.content.decode() or "dishonesty" in page.content.decode()
    response = client.post(
        f"/candidates/{found['POP'].pk}/dismiss/",
        {"dismiss-reason": "already_supported", "version": found["POP"].version},
    )
    assert response.status_code == 302
    # Dismissed: the agreement's condition no longer holds; POP cannot open Pat any more.
    assert client.get(f"/people/{pat.pk}/").status_code == 404


def test_a_candidate_page_explains_the_rule_and_the_events_with_their_points(
    client: Client, found: dict[str, Candidate]
) -> None:
    client.force_login(make_user("analyst", "ONE_GLASGOW", "police_analyst"))
    html = client.get(f"/candidates/{found['ADAPT'].pk}/").content.decode()
    assert "ADAPT: aged 12–25 on" in html
    assert "at least 1 offence (offences of violence, antisocial, damage)" in html
    assert "priority score 10" in html
    rows = re.findall(r"<tr>\s*<th scope=\"row\"[^>]*>([^<]+)</th>.*?pw_numeric\">(\d+)</td>",
                      html, re.S)  # fmt: skip
    assert [points for _, points in rows] == ["10"]
    viewed = AccessEvent.objects.get(action="view_candidate")
    assert (viewed.person_id, viewed.decision) == (found["ADAPT"].person_id, "allowed")


def test_dismissing_needs_a_reason_and_other_needs_a_note(
    client: Client, found: dict[str, Candidate]
) -> None:
    client.force_login(make_user("analyst", "ONE_GLASGOW", "police_analyst"))
    url = f"/candidates/{found['ADAPT'].pk}/dismiss/"
    missing = client.post(url, {"version": 1})
    assert missing.status_code == 400
    assert "Why is this person not to be referred?: This field is required." in (
        missing.content.decode()
    )
    other = client.post(url, {"dismiss-reason": "other", "dismiss-note": " ", "version": 1})
    assert other.status_code == 400
    assert "Note: Say why, when the reason is other." in other.content.decode()
    assert Candidate.objects.get(pk=found["ADAPT"].pk).status == "open"
    done = client.post(
        url, {"dismiss-reason": "other", "dismiss-note": "moved to Fife", "version": 1}
    )
    assert done.status_code == 302
    dismissed = Candidate.objects.get(pk=found["ADAPT"].pk)
    assert (dismissed.status, dismissed.dismiss_reason, dismissed.note) == (
        "dismissed",
        "other",
        "moved to Fife",
    )


def test_referring_proposes_a_referral_and_a_stale_page_is_told(
    client: Client, found: dict[str, Candidate]
) -> None:
    client.force_login(make_user("analyst", "ONE_GLASGOW", "police_analyst"))
    url = f"/candidates/{found['ADAPT'].pk}/refer/"
    response = client.post(url, {"refer-note": "known to school", "version": 1}, follow=True)
    html = response.content.decode()
    assert "Casey Violent is proposed for ADAPT" in html
    referral = Referral.objects.get()
    assert (referral.state, referral.service_id, referral.record.person_ref) == (
        "proposed",
        "ADAPT",
        "P501",
    )
    # The same form again (a second tab): the candidate is no longer in the queue.
    assert client.post(url, {"version": 1}).status_code == 404
    # A stale page for the other candidate: it changed since it was shown.
    pop = found["POP"]
    Candidate.objects.filter(pk=pop.pk).update(version=2)
    stale = client.post(f"/candidates/{pop.pk}/refer/", {"version": 1}, follow=True)
    assert "someone else decided on this candidate" in stale.content.decode()
    assert Referral.objects.count() == 1


@pytest.mark.parametrize(
    ("team", "role", "status"),
    [
        ("INCLUDEM_ADAPT", "partner_worker", 403),  # no refer capability
        ("CJ_GLASGOW", "dpo", 403),
        ("CJSW_NE", "cjsw_worker", 200),  # may refer, but works no queue
    ],
)
def test_other_roles_have_no_candidates(
    client: Client, found: dict[str, Candidate], team: str, role: str, status: int
) -> None:
    client.force_login(make_user("someone", team, role))
    response = client.get("/candidates/")
    assert response.status_code == status
    if status == 200:
        assert "None of your teams decides on identification candidates" in (
            response.content.decode()
        )
    assert client.get(f"/candidates/{found['ADAPT'].pk}/").status_code in (403, 404)
    assert client.post(
        f"/candidates/{found['ADAPT'].pk}/dismiss/", {"dismiss-reason": "risk", "version": 1}
    ).status_code in (403, 404)
    assert Candidate.objects.get(pk=found["ADAPT"].pk).status == "open"


def test_the_runs_page_lists_each_run(client: Client, found: dict[str, Candidate]) -> None:
    client.force_login(make_user("analyst", "ONE_GLASGOW", "police_analyst"))
    html = client.get("/candidates/runs/").content.decode()
    run = Run.objects.get()
    assert f"Run {run.pk}" in html and "everyone" in html


def test_a_candidate_already_referred_to_a_service_of_the_kind_is_referred_knowingly(
    client: Client, found: dict[str, Candidate]
) -> None:
    from tests.world import refer

    casey = found["ADAPT"].person
    refer(casey, "POLICE", "SIDESTEP", timezone.localdate(), state="sent")
    client.force_login(make_user("analyst", "ONE_GLASGOW", "police_analyst"))
    url = f"/candidates/{found['ADAPT'].pk}/refer/"
    asked = client.post(url, {"refer-note": "", "version": 1})
    html = asked.content.decode()
    assert "Casey Violent already has an open referral to SIDESTEP (Sent," in html
    assert not Referral.objects.filter(service_id="ADAPT").exists()
    done = client.post(url, {"refer-also": "on", "version": 1}, follow=True)
    assert "Casey Violent is proposed for ADAPT" in done.content.decode()
