"""Job kinds the scheduler queues that no app's job covers: false-litigation scan, report
snapshot, nightly backup. Each calls the same code as its command."""

from __future__ import annotations

import shutil
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from casewatch.core import jobs


@jobs.register("scheduler.falselit_scan")
def falselit_scan(job):
    """Score the registry's civil cases for false-litigation risk and store new leads."""
    from casewatch.analytics.falselit import Config
    from casewatch.falselit import services

    job.set_progress(10, "scoring")
    result = services.run_scan(Config.from_dict(getattr(settings, "FALSELIT_CONFIG", None)))
    scan = services.load_scan(result, source="registry")
    job.write_log(f"cases with indicators: {result.cases.num_rows}; new leads: {scan.n_leads}")
    return {"cases": result.cases.num_rows, "new_leads": scan.n_leads}


def snapshots_dir() -> Path:
    """Where dated report snapshots (Parquet lakes of the registry) are kept."""
    return Path(settings.VAR_DIR) / "snapshots"


@jobs.register("scheduler.report_snapshot")
def report_snapshot(job, keep: int = 7):
    """Freeze today's registry as a Parquet lake (the data a period's reports are computed from)."""
    from casewatch.cases.snapshot import write_lake

    day = timezone.localdate().isoformat()
    out = snapshots_dir() / day
    job.set_progress(10, "writing the lake")
    write_lake(out)
    files = sorted(p.name for p in out.glob("*.parquet"))
    dated = sorted(p for p in snapshots_dir().iterdir() if p.is_dir())
    removed = [p.name for p in dated[: max(0, len(dated) - keep)]]
    for name in removed:
        shutil.rmtree(snapshots_dir() / name)
    job.write_log(f"snapshot {day}: {len(files)} tables; removed {removed or 'none'}")
    return {"day": day, "tables": files, "removed": removed}


@jobs.register("scheduler.backup")
def nightly_backup(job, keep: int | None = None):
    """`casewatch backup` from the worker, keeping the newest CASEWATCH_BACKUP_KEEP backups."""
    from casewatch.core import backup

    job.set_progress(5, "backing up")
    manifest = backup.create(Path(settings.BACKUP_DIR))
    removed = backup.prune(Path(settings.BACKUP_DIR), keep or settings.BACKUP_KEEP)
    job.write_log(f"backup {manifest['path']}: {manifest['summary']}; pruned {len(removed)}")
    return {"path": manifest["path"], "summary": manifest["summary"], "pruned": removed}
