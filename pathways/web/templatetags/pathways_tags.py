"""Small presentation filters for the pages: words for codes, ages, flags."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import PurePath

from django import forms, template
from django.forms import BaseForm, BoundField
from django.utils import timezone

from pathways.access.alerts import unread_count
from pathways.access.linkage import pairs_waiting
from pathways.casework.sessions import said
from pathways.identification.queue import queue_services
from pathways.partners.capabilities import (
    CASEWORK,
    MANAGE_CASEWORK,
    MANAGE_IMPORTS,
    READ_AUDIT,
    RECORD_SESSIONS,
    RESEARCH_EXTRACT,
    VIEW,
    has_any,
    has_capability,
    is_custody_mentor,
    may_read_reports,
    may_review_links,
    services_acted_for,
)
from pathways.partners.memberships import User
from pathways.people.ages import age_on

register = template.Library()

SEX_LABELS = {"M": "Male", "F": "Female", "X": "Other", "U": "Not known", "": "Not known"}
FLAG_LABELS = {
    "substance": "substance use",
    "alcohol": "alcohol",
    "domestic": "domestic",
    "cce": "child criminal exploitation concern",
    "weapon": "weapon",
    "hate": "hate",
    "exploitation": "exploitation",
}


@register.filter
def sex_label(code: str | None) -> str:
    """`M` → Male, and so on (INTERCHANGE.md's codes)."""
    return SEX_LABELS.get(code or "", code or "Not known")


@register.filter
def age(born: dt.date | None) -> int | None:
    """Age in whole years today (Europe/London), or None when the date of birth is unknown."""
    return age_on(born, timezone.localdate())


@register.filter
def flag_words(flags: str | None) -> str:
    """`substance;weapon` → "substance use, weapon": flags as words, never colour alone."""
    codes = [f for f in (flags or "").split(";") if f]
    return ", ".join(FLAG_LABELS.get(code, code) for code in codes)


@register.filter
def row_items(row: object) -> list[tuple[str, str]]:
    """The (column, value) pairs of a rejected row as stored (a JSON object)."""
    if isinstance(row, dict):
        return [(str(k), "" if v is None else str(v)) for k, v in row.items()]
    return []


@register.simple_tag
def navigation_for(user: User) -> dict[str, bool | int]:
    """Which menu entries the user's capabilities open (the same answers the pages'
    guards give, `partners.capabilities`), and the counts beside them."""
    if user.pk is None or not getattr(user, "is_active", False):
        return {}
    can_view = has_capability(user, VIEW)
    return {
        "can_view": can_view,
        "can_manage_imports": has_capability(user, MANAGE_IMPORTS),
        "can_review_links": may_review_links(user),
        "links_waiting": pairs_waiting(user),
        "can_read_reports": may_read_reports(user),
        "has_queue": bool(queue_services(user)),
        "is_custody_mentor": is_custody_mentor(user),
        "has_caseload": can_view and bool(services_acted_for(user)),
        "can_read_audit": has_capability(user, READ_AUDIT),
        "can_extract": has_capability(user, RESEARCH_EXTRACT),
        "unread_alerts": unread_count(user) if can_view else 0,
        "does_casework": has_any(user, CASEWORK, MANAGE_CASEWORK),
        "keeps_registers": has_any(user, RECORD_SESSIONS, CASEWORK),
    }


@register.filter
def words(code: str | None) -> str:
    """A stored code as words: `opted_out` → "opted out"."""
    return (code or "").replace("_", " ")


@register.filter
def file_name(path: str | None) -> str:
    """The last part of a file path: `/feeds/2024/people.csv` → "people.csv"."""
    return PurePath(path or "").name


@register.filter
def get_rating(ratings: dict[str, str] | None, area: str) -> str:
    """A focus area's rating from an engagement plan's ratings ("" when not rated)."""
    return (ratings or {}).get(area, "")


def _has_errors(value: object, depth: int = 0) -> bool:
    """A bound form with errors, or a dict or list holding one (a page of several forms)."""
    if isinstance(value, BaseForm):
        return value.is_bound and bool(value.errors)
    if depth == 0 and isinstance(value, dict):
        return any(_has_errors(v, 1) for v in value.values())
    if depth == 0 and isinstance(value, list | tuple):
        return any(_has_errors(v, 1) for v in value)
    return False


@register.simple_tag(takes_context=True)
def error_prefix(context: template.Context) -> str:
    """ "Error: " when a form on the page failed its checks: the page title is the first
    thing a screen reader says, so it says that the submission did not go through."""
    return "Error: " if any(_has_errors(v) for v in context.flatten().values()) else ""


@register.filter
def widget_kind(field: BoundField) -> str:
    """What kind of control a form field is drawn as: checkboxes, radio, checkbox,
    select, textarea or input (the field pattern's branches)."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radio"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    return "input"


@register.filter
def control(field: BoundField, css: str) -> str:
    """The field's widget with the design system's class added (`ds_input`, `ds_select`
    …) and, on error, `ds_input--error`; Django adds aria-invalid and aria-describedby."""
    classes = (field.field.widget.attrs.get("class", "") + " " + css).split()
    if field.errors and css in ("ds_input", "ds_select"):
        classes.append("ds_input--error")
    return field.as_widget(attrs={"class": " ".join(dict.fromkeys(classes))})


@register.filter
def code_words(value: str | None) -> str:
    """An agency's code as words, its own label as it is: `common_assault` → "Common
    assault", "Held for court" unchanged (INTERCHANGE.md: a finer code or label)."""
    text = (value or "").strip()
    if text and re.fullmatch(r"[a-z0-9_]+", text):
        return text.replace("_", " ").capitalize()
    return text


@register.filter
def get_item(mapping: dict | None, key: object) -> object:
    """`mapping[key]`, or None: a dictionary read by a template."""
    return (mapping or {}).get(key)


@register.filter
def operator_words(operator: str | None) -> str:
    """Who ran a command, as a page says it: `cli:root` → "root, on the command line"."""
    text = (operator or "").strip()
    if text == "cli":
        return "an operator, on the command line"
    if text.startswith("cli:"):
        return f"{text[4:]}, on the command line"
    return text


@register.filter
def hours(value: Decimal | int | None) -> str:
    """Hours as a page says them: 2, 2.5, 87.25 (no trailing zeros); "0" for none."""
    return said(value or 0)
