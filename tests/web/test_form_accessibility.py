"""Forms everyone can use: after a failed submit the page title says "Error:", every
hint and error a control names in aria-describedby exists on the page (the ids Django
writes and the ids the field pattern gives must agree), each message starts with a
hidden "Error:", and text areas with a limit carry it for the character count."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from pathways.referrals.models import Referral
from tests.world import make_person, make_user, refer

pytestmark = pytest.mark.django_db


class Ids(HTMLParser):
    """The ids on a page and the ids its aria-describedby attributes name."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.described: list[tuple[str, str]] = []  # (element id or tag, the id it names)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(found["id"] or "")
        for named in (found.get("aria-describedby") or "").split():
            self.described.append((found.get("id") or tag, named))


def parsed(html: str) -> Ids:
    ids = Ids()
    ids.feed(html)
    return ids


@pytest.fixture
def consented(partnership: None) -> Referral:
    person = make_person("Ali", "Forms", dt.date(2009, 1, 1), records=(("POLICE", "F1"),))
    return refer(person, "POLICE", "ADAPT", dt.date(2026, 11, 1), state="consented")


def test_a_failed_submit_says_error_in_the_title_and_ties_each_message_to_its_field(
    client: Client, consented: Referral
) -> None:
    client.force_login(make_user("adapt", "INCLUDEM_ADAPT", "partner_worker"))
    url = f"/referrals/{consented.pk}/engagement/start/"
    blank = client.get(url).content.decode()
    assert re.search(r"<title>First contact", blank)
    failed = client.post(url, {"on": "31/02/2026", "attendance": "late", "notes": "x"})
    assert failed.status_code == 400
    html = failed.content.decode()
    assert re.search(r"<title>Error: First contact", html)
    page = parsed(html)
    assert page.described, "no control names its hint or error"
    missing = [(element, named) for element, named in page.described if named not in page.ids]
    assert missing == []
    # The date, the reason and the focus areas each failed: each names its own error.
    named = {named for _, named in page.described}
    assert {"id_on_error", "id_reason_error", "id_focus_areas_error"} <= named
    assert 'aria-invalid="true"' in html
    assert html.count('<span class="visually-hidden">Error:</span>') == 3
    assert 'class="ds_error-summary"' in html and 'href="#id_on"' in html


def test_a_limited_text_area_counts_down_and_a_longer_note_is_refused(
    client: Client, consented: Referral
) -> None:
    Referral.objects.filter(pk=consented.pk).update(
        state="engaged", started_on=dt.date(2026, 11, 2)
    )
    client.force_login(make_user("adapt", "INCLUDEM_ADAPT", "partner_worker"))
    url = f"/referrals/{consented.pk}/contacts/new/"
    form = client.get(url).content.decode()
    assert 'data-module="ds-character-count"' in form and 'maxlength="4000"' in form
    long = client.post(url, {"on": "03/11/2026", "attendance": "attended", "notes": "n" * 4001})
    assert long.status_code == 400
    assert "Ensure this value has at most 4000 characters (it has 4001)." in long.content.decode()
    assert not consented.contacts.exists()
