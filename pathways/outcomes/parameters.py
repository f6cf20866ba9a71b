"""What a report is about: services, period, the date the data is complete to, and the
dashboard's filters (OUTCOMES.md "Parameters of a report")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from pathways.partners.models import Area, Service

WINDOWS = (3, 6, 12)  # follow-up lengths in months, every report shows all three
AGE_BANDS = (
    "0-15", "16-17", "18-20", "21-25", "26-30", "31-35", "36-40", "41-45", "46-50",
    "51-55", "56-60", "61-65", "66+", "unknown",
)  # fmt: skip
SEXES = ("M", "F", "X", "U")


# The days a report may name. The partnership's records begin after the first, and the
# last is far enough ahead for any plan: a date outside them is a mistake, and would have
# the casework figures build a calendar of centuries (a row a day) or overflow Python's
# dates near the years 1 and 9999.
EARLIEST = dt.date(1990, 1, 1)
LATEST = dt.date(2099, 12, 31)


class ReportError(ValueError):
    """The report was asked for with parameters it cannot have; the message says which."""


def check_dates(dates: dict[str, dt.date | None]) -> None:
    """ReportError naming the first of `dates` (name -> day) outside EARLIEST..LATEST."""
    for name, day in dates.items():
        if day is not None and not EARLIEST <= day <= LATEST:
            raise ReportError(f"{name} must be between {EARLIEST} and {LATEST}, not {day}")


@dataclass(frozen=True)
class ReportParameters:
    """A report's parameters. The period is half-open, `[period_from, period_to)`.

    The filters narrow the people counted (the dashboard's): `area` is the area of the
    agency record a referral is held under; `sex` and `age_band` are the person's (their
    records' most held values, see `linkage.services.refresh_identity`), the age on `as_of`.
    """

    services: tuple[str, ...]
    period_from: dt.date
    period_to: dt.date
    as_of: dt.date
    area: str = ""
    sex: str = ""
    age_band: str = ""

    def as_json(self) -> dict[str, object]:
        shown: dict[str, object] = {
            "services": list(self.services),
            "from": self.period_from.isoformat(),
            "to": self.period_to.isoformat(),
            "as_of": self.as_of.isoformat(),
        }
        for name in ("area", "sex", "age_band"):
            if getattr(self, name):
                shown[name] = getattr(self, name)
        return shown


def diversion_services() -> tuple[str, ...]:
    """The default services of a report: every service of kind `diversion`."""
    return tuple(
        Service.objects.filter(kind=Service.Kind.DIVERSION)
        .order_by("code")
        .values_list("code", flat=True)
    )


def report_parameters(
    services: list[str] | tuple[str, ...] | None,
    period_from: dt.date,
    period_to: dt.date,
    as_of: dt.date | None = None,
    *,
    area: str = "",
    sex: str = "",
    age_band: str = "",
) -> ReportParameters:
    """Checked parameters; `ReportError` names what is wrong (an unknown service, a
    period that ends before it starts, an unknown filter value)."""
    chosen = tuple(dict.fromkeys(s.strip().upper() for s in services or () if s.strip()))
    if not chosen:
        chosen = diversion_services()
        if not chosen:
            raise ReportError("no service given, and no service of kind diversion is configured")
    known = set(Service.objects.filter(code__in=chosen).values_list("code", flat=True))
    unknown = [s for s in chosen if s not in known]
    if unknown:
        raise ReportError(f"unknown service: {', '.join(unknown)}")
    check_dates({"from": period_from, "to": period_to, "as_of": as_of})
    if period_to <= period_from:
        raise ReportError(
            f"the period must end after it starts (from {period_from}, to {period_to}; "
            "`to` is the first day not included)"
        )
    if area and not Area.objects.filter(code=area).exists():
        raise ReportError(f"unknown area: {area}")
    if sex and sex not in SEXES:
        raise ReportError(f"sex must be one of {', '.join(SEXES)}")
    if age_band and age_band not in AGE_BANDS:
        raise ReportError(f"age band must be one of {', '.join(AGE_BANDS)}")
    return ReportParameters(
        services=chosen,
        period_from=period_from,
        period_to=period_to,
        as_of=as_of or timezone.localdate(),
        area=area,
        sex=sex,
        age_band=age_band,
    )
