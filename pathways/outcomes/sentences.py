"""Plain-language sentences generated from published figures, for the annual report and
the dashboards ("Within six months of completing a diversion service, 67% of people had
committed no further offences"). Suppressed figures are never put into words."""

from __future__ import annotations

from typing import Any

from pathways.outcomes.rounding import percentage

WINDOW_WORDS = {"3": "three", "6": "six", "12": "twelve"}


def _known(*values: Any) -> bool:
    return all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)


def _change(before: int, after: int) -> str:
    """ "fell by 28%", from the counts themselves (rounded half away from zero once)."""
    whole = percentage(abs(after - before), before) or 0
    if whole == 0:
        return "did not change"
    return f"{'fell' if after < before else 'rose'} by {whole}%"


def follow_up_sentences(
    shown: dict[str, Any], completing: str, *, changes: bool = True
) -> list[str]:
    """What the follow-up figures say, window by window. `completing` names what was
    completed ("a diversion service", "ADAPT"); `changes`: say how offences changed too
    (the PDF does; the dashboard's tables show it)."""
    said = []
    for window, f in shown["follow_up"].items():
        months = WINDOW_WORDS.get(window, window)
        none, reduced, violence = (
            f["no_further_offences"],
            f["reduced_offending"],
            f["no_further_violence"],
        )
        if _known(none["pct"], reduced["pct"], violence["pct"], none["of"]):
            said.append(
                f"Within {months} months of completing {completing}, {none['pct']}% of "
                f"people had committed no further offences, {reduced['pct']}% had reduced "
                f"their offending and {violence['pct']}% had committed no further crimes "
                f"of violence ({none['of']} people followed up)."
            )
        elif f["cohort"] == "[c]":
            said.append(
                f"Fewer than five people could be followed up for {months} months, too few "
                "to publish their outcomes."
            )
        if changes and _known(f["offence_change"], f["offences_pre"], f["offences_post"]):
            said.append(
                f"Their offences {_change(f['offences_pre'], f['offences_post'])} in the "
                f"{months} months after "
                f"completion compared with the {months} months before they started "
                f"({f['offences_pre']} before, {f['offences_post']} after)."
            )
        if changes and _known(f["acquisitive_change"], f["acquisitive_pre"], f["acquisitive_post"]):
            change = _change(f["acquisitive_pre"], f["acquisitive_post"])
            said.append(
                f"Acquisitive crime (crimes of dishonesty) {change} "
                f"in the {months} months after completion compared with the {months} months "
                "before the engagement started."
            )
        waiting = f["awaiting_follow_up"]
        if _known(waiting) and waiting:
            said.append(
                f"{waiting} more {'person' if waiting == 1 else 'people'} completed too "
                f"recently to be followed up for {months} months."
            )
    return said


def engagement_sentences(shown: dict[str, Any]) -> list[str]:
    length, made = shown["engagement_length"], shown["funnel"]
    said = []
    if _known(length["count"], length["mean_days"]) and length["count"]:
        said.append(
            f"On average, people who completed engaged for {length['mean_days']:g} days "
            f"(the median {length['median_days']:g}; the shortest {length['min_days']}, "
            f"the longest {length['max_days']})."
        )
    if _known(made["referred"], made["started"], made["completed"]) and made["referred"]:
        said.append(
            f"Of {made['referred']} referrals made in the period, {made['started']} "
            f"started to engage and {made['completed']} had completed (these count the "
            "referrals made in the period; the outcomes above count the people whose "
            "engagement was completed in it, whenever they were referred)."
        )
    return said
