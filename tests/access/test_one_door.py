"""The one door to person data: the pages, the API and the commands never query person
data themselves, and the net under the door raises if a request does.

Two proofs, one read from the code and one at run time:
- every model that holds person data has the door's manager (`people.scoping`), and no
  module of the pages, the API or a command names one of those models' managers, or
  fetches one with `get_object_or_404`;
- while a request is served, a query of person data raises unless the door opened it,
  and the door's own functions work.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from pathways.access.middleware import DoorShut
from pathways.people.models import Person
from pathways.people.scoping import PersonDataManager, ScopeError, door_open, door_shut

ROOT = Path(__file__).resolve().parents[2] / "pathways"
# Models that point at a person but are never shown: derived rows only linkage reads.
NOT_SHOWN = {"linkage.LinkKey": "the blocking keys, hashes derived from a record"}
PERSON_DATA_ROOTS = {"people.Person", "people.AgencyRecord", "referrals.Referral", "events.Event"}


def person_data_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if isinstance(m._default_manager, PersonDataManager)]


def test_every_model_that_points_at_person_data_holds_person_data() -> None:
    guarded = {m._meta.label for m in person_data_models()}
    assert PERSON_DATA_ROOTS <= guarded
    for model in apps.get_models():
        label = model._meta.label
        points_at = {
            f.related_model._meta.label
            for f in model._meta.concrete_fields
            if f.is_relation and f.related_model is not None
        }
        if points_at & PERSON_DATA_ROOTS and label not in NOT_SHOWN:
            assert label in guarded, f"{label} points at person data without the door's manager"


def _interface_modules() -> list[Path]:
    """The pages, the API and every command: where requests and operators come in."""
    found = [*(ROOT / "web").rglob("*.py"), *(ROOT / "api").rglob("*.py")]
    found += ROOT.glob("*/management/commands/*.py")
    return sorted(found)


def bypasses(source: str, names: set[str]) -> list[str]:
    """Where `source` queries one of the models `names` itself: `Model.objects`,
    `Model._default_manager`, or `get_object_or_404(Model, ...)`."""
    problems = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in ("objects", "_default_manager", "_base_manager")
            and isinstance(node.value, ast.Name)
            and node.value.id in names
        ):
            problems.append(f"line {node.lineno}: {node.value.id}.{node.attr}")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("get_object_or_404", "get_list_or_404")
            and node.args
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id in names
        ):
            problems.append(f"line {node.lineno}: {node.func.id}({node.args[0].id}, ...)")
    return problems


def test_the_check_finds_a_bypass() -> None:
    names = {"Person", "Alert"}
    assert bypasses("x = Person.objects.filter(pk=1)", names) == ["line 1: Person.objects"]
    assert bypasses("a = get_object_or_404(Alert, pk=2)", names) == [
        "line 1: get_object_or_404(Alert, ...)"
    ]
    assert bypasses("from pathways.access.alerts import alerts_for", names) == []


def test_no_page_api_endpoint_or_command_queries_person_data_itself() -> None:
    names = {m.__name__ for m in person_data_models()}
    found = {
        str(path.relative_to(ROOT.parent)): problems
        for path in _interface_modules()
        if (problems := bypasses(path.read_text(encoding="utf-8"), names))
    }
    assert found == {}


# --- At run time -------------------------------------------------------------------------


def serve(view) -> HttpResponse:  # noqa: ANN001
    """Serve one request to `view` the way every request is served (DoorShut)."""
    return DoorShut(view)(RequestFactory().get("/"))


@pytest.mark.django_db
def test_a_request_that_queries_person_data_outside_the_door_raises() -> None:
    def side_door(request: HttpRequest) -> HttpResponse:
        return HttpResponse(str(Person.objects.count()))

    with pytest.raises(ScopeError):
        serve(side_door)


@pytest.mark.django_db
def test_a_reverse_relation_to_person_data_is_closed_too() -> None:
    person = Person.objects.create(family_name="Door")

    def side_door(request: HttpRequest) -> HttpResponse:
        return HttpResponse(str(list(person.records.all())))

    with pytest.raises(ScopeError):
        serve(side_door)


@pytest.mark.django_db
def test_the_door_opens_for_its_own_work_and_shuts_after() -> None:
    Person.objects.create(family_name="Door")

    def through_the_door(request: HttpRequest) -> HttpResponse:
        with door_open():
            counted = Person.objects.count()
        try:
            Person.objects.count()
        except ScopeError:
            return HttpResponse(f"{counted}, then shut")
        return HttpResponse("left open")

    assert serve(through_the_door).content == b"1, then shut"


@pytest.mark.django_db
def test_outside_requests_the_operator_queries_freely() -> None:
    assert Person.objects.count() == 0  # the tests act as the operator (tests/conftest.py)
    with door_shut(), pytest.raises(ScopeError):
        Person.objects.count()


@pytest.mark.django_db
def test_every_page_is_served_with_the_door_shut(client: Client, make_user) -> None:  # noqa: ANN001
    from django.conf import settings

    assert "pathways.access.middleware.DoorShut" in settings.MIDDLEWARE
    client.force_login(make_user("police-door", "ONE_GLASGOW", "police_analyst"))
    # A real page that goes through the door answers as usual.
    assert client.get("/people/", {"q": "Nobody"}).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_thread_of_its_own_is_the_operators() -> None:
    """Work in a thread of its own (an import's, a worker's) is not a user's request: the
    net is off there, as in the thread that started it."""
    import threading

    seen: list[object] = []
    thread = threading.Thread(target=lambda: seen.append(Person.objects.count()))
    thread.start()
    thread.join()
    assert seen == [0]
