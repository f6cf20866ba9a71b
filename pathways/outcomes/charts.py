"""Charts of the outcome figures: Vega-Lite specs built with Altair, rendered to SVG by
vl-convert (offline), so a page, the PDF and an export draw the same chart and no
JavaScript is needed to read one. Each chart has a table beside it wherever it is shown.

A chart draws the figures it is given: published (suppressed) figures leave out the
bars they suppress, and the table beside says `[c]`. With nothing to draw there is no
chart (None), and the page says so.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import altair as alt

from pathways.outcomes.metrics import FUNNEL_STAGES
from pathways.outcomes.parameters import AGE_BANDS, SEXES

FONT = "DejaVu Sans"
BLUE, DARK, GREEN, GREY = "#0065bd", "#002d54", "#428542", "#b3b3b3"
MEASURE_LABELS = {
    "no_further_offences": "No further offences",
    "reduced_offending": "Reduced offending",
    "no_further_violence": "No further violence",
}
SEX_LABELS = {"M": "Male", "F": "Female", "X": "Another sex", "U": "Not known"}


def _numbers(rows: Sequence[dict[str, Any]], field: str) -> list[dict[str, Any]]:
    """The rows whose `field` is a number (suppressed `[c]` and missing ones left out)."""
    return [r for r in rows if isinstance(r.get(field), int | float)]


def _configured(chart: alt.Chart | alt.LayerChart, title: str) -> alt.Chart:
    return (
        chart.properties(title=alt.TitleParams(title, anchor="start", fontSize=14))
        .configure(font=FONT)
        .configure_view(stroke=None)
        .configure_axis(labelFontSize=11, titleFontSize=11, grid=False)
    )


def funnel_chart(funnel: dict[str, Any]) -> alt.Chart | None:
    rows = _numbers(
        [{"stage": s.replace("_", " "), "count": funnel[s]} for s in FUNNEL_STAGES], "count"
    )
    if not any(r["count"] for r in rows):
        return None
    order = [s.replace("_", " ") for s in FUNNEL_STAGES]
    bars = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar(color=BLUE)
        .encode(
            y=alt.Y("stage:N", sort=order, title=None),
            x=alt.X("count:Q", title="Referrals"),
        )
    )
    labels = bars.mark_text(align="left", dx=3, color=DARK).encode(text="count:Q")
    return _configured((bars + labels).properties(width=360, height=170), "Referral funnel")


def follow_up_chart(follow_up: dict[str, dict[str, Any]]) -> alt.Chart | None:
    rows = []
    for window, f in follow_up.items():
        for name, label in MEASURE_LABELS.items():
            rows.append({"window": f"{window} months", "measure": label, "pct": f[name]["pct"]})
    rows = _numbers(rows, "pct")
    if not rows:
        return None
    bars = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(
            x=alt.X(
                "window:N",
                sort=["3 months", "6 months", "12 months"],
                title=None,
                axis=alt.Axis(labelAngle=0),
            ),
            xOffset=alt.XOffset("measure:N", sort=list(MEASURE_LABELS.values())),
            y=alt.Y("pct:Q", title="% of people", scale=alt.Scale(domain=[0, 100])),
            color=alt.Color(
                "measure:N",
                sort=list(MEASURE_LABELS.values()),
                scale=alt.Scale(range=[BLUE, GREEN, DARK]),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
        )
    )
    return _configured(bars.properties(width=360, height=200), "After completion")


def length_chart(bins: Sequence[dict[str, Any]]) -> alt.Chart | None:
    """Engagements by length: `bins` as shown ({"days": "30-59", "count": 12 or "[c]"})."""
    rows = [{**b, "low": int(str(b["days"]).split("-")[0])} for b in bins]
    rows = _numbers(rows, "count")
    if not rows:
        return None
    bars = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar(color=BLUE)
        .encode(
            x=alt.X(
                "days:N",
                sort=alt.SortField("low"),
                title="Days engaged",
                axis=alt.Axis(labelAngle=-45),
            ),
            y=alt.Y("count:Q", title="Engagements"),
        )
    )
    return _configured(bars.properties(width=360, height=180), "Length of engagement")


def caseload_chart(table: dict[str, Any]) -> alt.Chart | None:
    """People by age band, stacked by sex; when small numbers are suppressed among the
    sexes, by age band alone (each band's total), so that the bars do not add up to less
    than the caseload without saying so."""
    cells = [
        {"band": row["age_band"], "sex": SEX_LABELS[s], "count": row[s]}
        for row in table["rows"]
        for s in SEXES
    ]
    if any(not isinstance(c["count"], int | float) for c in cells):
        return _caseload_by_age(table)
    rows = [r for r in _numbers(cells, "count") if r["count"]]
    if not rows:
        return None
    bars = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(
            x=alt.X("band:N", sort=list(AGE_BANDS), title="Age band"),
            y=alt.Y("count:Q", title="People", stack="zero"),
            color=alt.Color(
                "sex:N",
                sort=[SEX_LABELS[s] for s in SEXES],
                scale=alt.Scale(range=[BLUE, GREEN, DARK, GREY]),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
        )
    )
    return _configured(bars.properties(width=360, height=180), "Caseload by age and sex")


def _caseload_by_age(table: dict[str, Any]) -> alt.Chart | None:
    rows = [
        {"band": row["age_band"], "count": row["total"]}
        for row in table["rows"]
        if isinstance(row.get("total"), int | float) and row["total"]
    ]
    if not rows:
        return None
    hidden = any(not isinstance(row.get("total"), int | float) for row in table["rows"])
    bars = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar(color=BLUE)
        .encode(
            x=alt.X("band:N", sort=list(AGE_BANDS), title="Age band"),
            y=alt.Y("count:Q", title="People"),
        )
    )
    labels = bars.mark_text(baseline="bottom", dy=-2, color=DARK).encode(text="count:Q")
    title = "Caseload by age (by sex in the table: small numbers hidden)"
    if hidden:
        title = "Caseload by age (age bands with small numbers not drawn: see the table)"
    return _configured((bars + labels).properties(width=360, height=180), title)


def trend_chart(quarters: Sequence[dict[str, Any]]) -> alt.Chart | None:
    """Referrals made and engagements completed by quarter, as shown (`by_quarter`)."""
    rows = []
    for q in quarters:
        for series, field in (("Referrals made", "referred"), ("Completed", "completed")):
            rows.append({"quarter": q["quarter"], "series": series, "count": q[field]})
    rows = _numbers(rows, "count")
    if not any(r["count"] for r in rows):
        return None
    lines = (
        alt.Chart(alt.Data(values=rows))
        .mark_line(point=True)
        .encode(
            x=alt.X("quarter:N", title=None, sort=[q["quarter"] for q in quarters]),
            y=alt.Y("count:Q", title="Number"),
            color=alt.Color(
                "series:N",
                scale=alt.Scale(range=[BLUE, GREEN]),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
        )
    )
    return _configured(lines.properties(width=360, height=180), "By quarter")


def svg(chart: alt.Chart | None, *, remember: bool = False) -> str:
    """The chart as an SVG document (vl-convert, no network); "" for no chart.

    `remember`: for charts of published figures only (never a person's), keep the drawing
    for the same chart: drawing takes about 50 ms a chart, and the dashboard's five are
    the same for everyone until the figures change."""
    if chart is None:
        return ""
    spec = chart.to_json()
    return _drawn_before(spec) if remember else _draw(spec)


def _draw(spec: str) -> str:
    import vl_convert

    drawn: str = vl_convert.vegalite_to_svg(spec)
    return drawn


@functools.lru_cache(maxsize=64)
def _drawn_before(spec: str) -> str:
    return _draw(spec)


def warm_up() -> None:
    """Draw a tiny chart, so the renderer's engine is started before anyone waits."""
    svg(alt.Chart(alt.Data(values=[{"n": 1}])).mark_bar().encode(x="n:Q"))


CASEWORK_LABELS = {
    "placement_within_7_days": "Placement within 7 days",
    "plan_within_20_days": "Plan within 20 working days",
    "reviews_on_time": "Reviews on time",
    "attendance_rate": "Attendance",
    "hours_completed_in_time": "Hours completed in time",
    "orders_completed": "Orders completed",
    "reports_on_time": "Reports on time",
}


def casework_chart(figures: dict[str, dict[str, Any]], targets: dict[str, int]) -> alt.Chart | None:
    """Each casework figure's percentage as a bar, with the plan's target as a tick where
    it has one (placement within 7 days: 75%). Suppressed and empty figures are left out."""
    rows = _numbers(
        [{"figure": CASEWORK_LABELS[name], "percent": f["percent"],
          "target": targets.get(name)} for name, f in figures.items()],
        "percent",
    )  # fmt: skip
    if not rows:
        return None
    order = [CASEWORK_LABELS[name] for name in figures]
    bars = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar(color=BLUE)
        .encode(
            y=alt.Y("figure:N", sort=order, title=None),
            x=alt.X("percent:Q", title="Per cent", scale=alt.Scale(domain=[0, 100])),
        )
    )
    labels = bars.mark_text(align="left", dx=3, color=DARK).encode(text="percent:Q")
    target = (
        alt.Chart(alt.Data(values=[r for r in rows if r["target"] is not None]))
        .mark_tick(color=GREEN, thickness=3, size=22)
        .encode(y=alt.Y("figure:N", sort=order), x="target:Q")
    )
    return _configured(
        (bars + labels + target).properties(width=360, height=220),
        "Justice social work: the plan's figures (green: the target)",
    )


def distance_chart(points: Sequence[dict[str, Any]]) -> alt.Chart | None:
    """Distance travelled: each life area's score (1-10) at each assessment, over time.
    `points` are {"on": ISO date, "area": label, "score": n}. None with fewer than two
    assessments (no distance to draw)."""
    if len({p["on"] for p in points}) < 2:
        return None
    lines = (
        alt.Chart(alt.Data(values=list(points)))
        .mark_line(point=True)
        .encode(
            x=alt.X("on:T", title="Assessed on", axis=alt.Axis(format="%d %b %Y")),
            y=alt.Y("score:Q", title="Score", scale=alt.Scale(domain=[1, 10])),
            color=alt.Color("area:N", title="Life area"),
        )
    )
    return _configured(lines.properties(width=420, height=220), "Distance travelled")
