"""The caseload chart never adds up to less than the caseload without saying so: when
small numbers are hidden among the sexes it draws each age band's total (issue 19: a
chart of one bar of 19 beside a total of 86)."""

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
