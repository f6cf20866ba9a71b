"""Figures that add up, or say why not (issue 19): the caseload chart never adds up to
less than the caseload without saying so (a chart of one bar of 19 beside a total of 86:
with small numbers hidden among the sexes it draws each age band's total), and the
funnel's "completed" says how it differs from the outcomes' people completed."""

from __future__ import annotations

from pathways.outcomes.charts import caseload_chart
from pathways.outcomes.suppression import caseload_table


def drawn(chart) -> tuple[str, list[dict]]:
    spec = chart.to_dict()
    layer = spec.get("layer", [spec])[0]
    values = layer.get("data", spec.get("data", {})).get("values", [])
    title = spec["title"]["text"] if isinstance(spec.get("title"), dict) else spec.get("title")
    return title, values


def test_with_small_numbers_hidden_the_chart_draws_each_bands_total() -> None:
    # 0-15: 40 boys and 3 girls (hidden, and a second cell with it); 16-17: 30 and 13.
    cells = {("0-15", "M"): 40, ("0-15", "F"): 3, ("16-17", "M"): 30, ("16-17", "F"): 13}
    table = caseload_table(cells)
    assert "[c]" in [row["F"] for row in table["rows"]]
    title, values = drawn(caseload_chart(table))
    assert title.startswith("Caseload by age")
    assert sorted((v["band"], v["count"]) for v in values) == [("0-15", 43), ("16-17", 43)]
    assert sum(v["count"] for v in values) == table["total"]["total"] == 86


def test_with_nothing_hidden_the_chart_is_by_age_and_sex() -> None:
    cells = {("0-15", "M"): 40, ("0-15", "F"): 13, ("16-17", "M"): 30, ("16-17", "F"): 13}
    title, values = drawn(caseload_chart(caseload_table(cells)))
    assert title == "Caseload by age and sex"
    assert sum(v["count"] for v in values) == 96


def test_the_funnels_completed_says_how_it_differs_from_the_outcomes() -> None:
    """Issue 19: two "completed" figures (141 referrals made in the period had completed;
    143 people followed up) sat side by side with no word on why they differ."""
    from pathways.outcomes.sentences import engagement_sentences

    shown = {
        "engagement_length": {"count": 0, "mean_days": None},
        "funnel": {"referred": 326, "started": 226, "completed": 141},
    }
    [said] = engagement_sentences(shown)
    assert said.startswith("Of 326 referrals made in the period, 226 started to engage and "
                           "141 had completed (these count the referrals made in the period; "
                           "the outcomes above count the people whose engagement was completed "
                           "in it, whenever they were referred).")  # fmt: skip
