"""Demo users: one per role, from `<config>/demo-users.toml`, for `make demo` only."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Q

from pathways.partners.config_checks import ConfigError, ConfigProblem
from pathways.partners.models import Membership, Role, Team

# The background worker's records in the admin (pathways.background, django-tasks-db's tasks).
WORKER_APPS = ("background", "django_tasks_database")
DEMO_PASSWORD = "pathways-demo"  # noqa: S105 - printed for the demo, never used in production


@dataclass(frozen=True)
class DemoUser:
    username: str
    team: str
    role: str
    name: str
    staff: bool


def read_demo_users(directory: Path) -> list[DemoUser]:
    """The demo users of a partnership configuration, checked against its teams and roles."""
    path = directory / "demo-users.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    problems = []
    users = []
    teams = set(Team.objects.values_list("code", flat=True))
    roles = set(Role.objects.values_list("code", flat=True))
    for username, entry in data.get("users", {}).items():
        if entry.get("team") not in teams:
            problems.append(ConfigProblem(path.name, f"users.{username}.team", "unknown team"))
        if entry.get("role") not in roles:
            problems.append(ConfigProblem(path.name, f"users.{username}.role", "unknown role"))
        users.append(
            DemoUser(
                username,
                entry.get("team", ""),
                entry.get("role", ""),
                entry.get("name", username),
                bool(entry.get("staff", False)),
            )
        )
    if problems:
        raise ConfigError(problems)
    return users


@transaction.atomic
def create_demo_users(users: list[DemoUser], password: str = DEMO_PASSWORD) -> None:
    """Create or reset each demo user with the shared password and one membership."""
    model = get_user_model()
    for demo in users:
        user, _ = model.objects.get_or_create(username=demo.username)
        first, _, last = demo.name.partition(" ")
        user.first_name, user.last_name = first, last
        user.is_staff = demo.staff
        user.set_password(password)
        user.save()
        if demo.staff:
            # The administrator configures the partnership in the admin, and sees (only
            # sees) the background worker: its beats, its tasks, those its death failed.
            user.user_permissions.set(
                Permission.objects.filter(
                    Q(content_type__app_label="partners")
                    | Q(content_type__app_label__in=WORKER_APPS, codename__startswith="view_")
                )
            )
        Membership.objects.filter(user=user).exclude(team_id=demo.team).delete()
        Membership.objects.update_or_create(
            user=user, team_id=demo.team, defaults={"role_id": demo.role}
        )
