"""Quality: on a generated demo city, every planted problem is found and nothing else fires.

The whole path runs: generator → `casewatch import` → snapshot → DuckDB → findings in the
database. Precision and recall per rule are printed (run with ``-s`` to see them) and must both be
1.0 for these deterministic rules.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict

import pytest
from django.core.management import call_command

from casewatch.core.services_org import seed_ningbo
from casewatch.demo.generator import generate
from casewatch.screening import services
from casewatch.screening.models import Finding

AS_OF = dt.date(2026, 9, 30)


@pytest.mark.django_db(transaction=True)
def test_findings_match_the_ground_truth_per_rule(tmp_path):
    seed_ningbo()
    city = tmp_path / "city"
    generate(3000, 11, city, as_of=AS_OF)
    call_command("import", str(city), verbosity=0)
    run = services.analyze(None, as_of=AS_OF)
    assert run.status == "succeeded"

    with (city / "ground_truth.csv").open(encoding="utf-8") as fh:
        truth = {
            (r["kind"], r["unit_code"], r["case_number"], r["subject"])
            for r in csv.DictReader(fh)
            if not r["kind"].startswith("FL-")
        }
    found = {
        (f.rule_id, f.unit_id, f.case.case_number, f.subject) for f in Finding.objects.select_related("case")
    }
    rules = {k[0] for k in truth | found}
    per_rule = defaultdict(lambda: [0, 0, 0])  # tp, fp, fn
    for key in found:
        per_rule[key[0]][0 if key in truth else 1] += 1
    for key in truth - found:
        per_rule[key[0]][2] += 1
    print("\nrule    planted  found  precision  recall")
    for rule in sorted(rules):
        tp, fp, fn = per_rule[rule]
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        print(f"{rule:<7} {tp + fn:>7} {tp + fp:>6} {precision:>10.3f} {recall:>7.3f}")
    assert len({k[0] for k in truth}) >= 25, "the generator should plant most rule kinds"
    assert found - truth == set(), f"findings on cases where nothing was planted: {sorted(found - truth)[:5]}"
    assert truth - found == set(), f"planted problems not found: {sorted(truth - found)[:5]}"
