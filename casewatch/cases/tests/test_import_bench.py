"""`casewatch bench import` runs end to end on a small city (the figures themselves are not asserted)."""

import pytest
from django.core.management import CommandError, call_command

from casewatch.cases.models import Case, ImportRun

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_bench_import_small(world, media_root, capsys):
    call_command("bench", "import", "--cases", "300", "--baseline", "20", "--synthetic")
    out = capsys.readouterr().out
    assert "generated 300 cases (synthetic, parquet)" in out
    assert "first import:" in out and "re-import (no changes):" in out and "peak RSS" in out
    assert "case rows/s" in out and "baseline ORM save() loop: 20 cases" in out
    assert Case.objects.count() == 300  # the baseline's rows were rolled back
    first, second, changed = ImportRun.objects.order_by("id")
    assert first.counts["cases"]["created"] == 300
    assert second.counts["cases"]["created"] == 0 and second.counts["cases"]["updated"] == 0
    # --changed 1 (the default): one case in a hundred changed, cases file only
    assert changed.counts["cases"]["updated"] == 3 and set(changed.counts) == {"cases"}


def test_bench_refuses_a_database_with_cases(world, media_root, sample_dir):
    from casewatch.cases.tasks import start_import

    start_import([sample_dir], synchronous=True)
    with pytest.raises(CommandError, match="already holds cases"):
        call_command("bench", "import", "--cases", "10", "--synthetic")


def test_bench_reset_empties_the_tables_that_reference_cases_too(world, media_root, sample_dir):
    """``--reset`` deleted a fixed list of case tables; an enforcement row referencing a case
    made the DELETE of cases fail on its foreign key."""
    import datetime as dt

    from casewatch.cases.tasks import start_import
    from casewatch.enforcement.models import PerformanceDeadline

    start_import([sample_dir], synchronous=True)
    case = Case.objects.order_by("id").first()
    PerformanceDeadline.objects.create(
        unit_id=case.unit_id,
        case_number=case.case_number,
        case=case,
        debtor_party_id="P-RESET",
        effective_on=dt.date(2026, 1, 5),
        perform_by=dt.date(2026, 2, 5),
        amount_due=1000,
    )
    call_command(
        "bench", "import", "--cases", "30", "--synthetic", "--reset", "--baseline", "0", "--changed", "0"
    )
    assert not PerformanceDeadline.objects.filter(debtor_party_id="P-RESET").exists()
    assert Case.objects.count() == 30
