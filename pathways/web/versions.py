"""The version of a row a page showed, sent back with the step taken on it: a step on a
row that changed since (another worker acted first) is refused as stale."""

from __future__ import annotations

from django.http import HttpRequest


def version_shown(request: HttpRequest) -> int:
    """The `version` the form was shown with; without one (or a garbled one) the step
    counts as made on a stale page (-1 matches no row)."""
    shown = request.POST.get("version", "")
    return int(shown) if shown.isdigit() else -1
