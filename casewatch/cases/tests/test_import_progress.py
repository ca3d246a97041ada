"""Progress of an import is visible from another connection while its transaction is open.

The load is one transaction; progress used to be written inside it, so the jobs page showed a
stale stage for the whole load. Here a second connection (what the jobs page uses) reads the
job row in the middle of writing the events: it sees "writing events" — and none of the rows
the import has written so far (all or nothing still holds).
"""

from __future__ import annotations

import pytest
from django.db import connection

from casewatch.cases.importing.load import Database
from casewatch.cases.models import Case
from casewatch.cases.tasks import start_import
from casewatch.cases.tests.conftest import SAMPLE, write_files
from casewatch.core.models import Job

pytestmark = pytest.mark.django_db(transaction=True)


def test_progress_is_seen_from_another_connection_mid_import(tmp_path, monkeypatch, settings):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer: progress during its write stage shows at COMMIT")
    from django.db import connections

    from casewatch.core.services_org import seed_ningbo

    settings.MEDIA_ROOT = tmp_path / "media"
    seed_ningbo()
    wrapper = connections["default"]
    other = type(wrapper)(dict(wrapper.settings_dict), alias="test_observer")
    seen = []
    real = Database.upsert

    def observed(self, spec, frame):
        if spec.name == "events":
            with other.cursor() as cur:
                cur.execute("SELECT progress, message FROM core_job ORDER BY id DESC LIMIT 1")
                progress, message = cur.fetchone()
                cur.execute("SELECT COUNT(*) FROM cases_case")
                seen.append((progress, message, cur.fetchone()[0]))
        return real(self, spec, frame)

    monkeypatch.setattr(Database, "upsert", observed)
    try:
        run = start_import([write_files(tmp_path / "sample", SAMPLE)], synchronous=True)
    finally:
        other.close()
    assert run.status == "imported"
    ((progress, message, cases_seen),) = seen
    assert message.startswith("writing events") and 55 < progress < 95
    assert cases_seen == 0  # the cases written a moment ago are not visible before COMMIT
    assert Case.objects.count() == 3
    assert Job.objects.get(pk=run.job_id).progress == 100
