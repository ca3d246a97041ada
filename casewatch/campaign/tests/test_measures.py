"""The report's arithmetic: half-up rounding from exact counts, changes in percent and in points."""

from casewatch.analytics import campaign_measures as m


def test_rate_rounds_half_up_from_exact_counts():
    assert m.rate(1, 8) == 12.5
    assert m.rate(1, 800) == 0.13  # 0.125 → 0.13 (banker's rounding would give 0.12)
    assert m.rate(3, 800) == 0.38  # 0.375 → 0.38
    assert m.rate(3636 * 9733, 3636 * 10000) == 97.33
    assert m.rate(0, 0) is None


def test_change_in_percent_and_points():
    assert m.change_pct(1, 3) == -66.67
    assert m.change_pct(7, 8) == -12.5
    assert m.change_pct(5, 0) is None
    # 5.9 % now against 12.0 % a year earlier: −6.1 points from the exact rates, half up.
    assert m.change_pp(59, 1000, 120, 1000) == -6.1
    assert m.change_pp(1, 8, 1, 16) == 6.3  # 12.5 − 6.25 = 6.25 → 6.3
    assert m.mean_days(45, 2) == 22.5


def test_every_figure_has_a_definition_in_both_languages_and_in_the_docs():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[3] / "docs" / "campaign.md").read_text(encoding="utf-8")
    for key, (zh, en) in m.DEFINITIONS.items():
        assert zh and en
        assert f"`{key}`" in doc, key
