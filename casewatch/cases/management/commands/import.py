"""``casewatch import PATH… [--skip-invalid] [--user USERNAME] [--report-dir DIR]``."""

from __future__ import annotations

import os
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from casewatch.cases.importing.tables import IMPORT_ORDER
from casewatch.cases.tasks import start_import


class Command(BaseCommand):
    help = (
        "Import case-registry files or folders (CSV, XLSX, JSON Lines, Parquet) and judgment documents "
        "(.txt/.docx/.html/.pdf, folders and .zip of them). All-or-nothing unless --skip-invalid; the "
        "table is taken from each file name (cases.csv, 案件.xlsx) or --table."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="files or folders")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="load the valid rows and quarantine the invalid ones (and rows depending on them)",
        )
        parser.add_argument(
            "--user", help="import as this user: their role must allow imports, rows must lie in their scope"
        )
        parser.add_argument(
            "--report-dir", help="where to write the error report (default: var/media/imports/<id>/)"
        )
        parser.add_argument(
            "--table", choices=IMPORT_ORDER, help="the table of every file, overriding file names"
        )
        parser.add_argument(
            "--encoding", help="the encoding of text files (default: detected; UTF-8, GB18030/GBK)"
        )

        parser.add_argument(
            "--divisions",
            help="folder of GB/T 2260 tables (gb2260-*.tsv) for historical court codes "
            "(default: CASEWATCH_DIVISIONS_DIR)",
        )

    def handle(self, *args, **opts):
        if opts.get("divisions"):
            if not Path(opts["divisions"]).is_dir():
                raise CommandError(f"no such folder: {opts['divisions']}")
            os.environ["CASEWATCH_DIVISIONS_DIR"] = opts["divisions"]  # read by analytics.courts
        user = None
        if opts.get("user"):
            user = (
                get_user_model().objects.filter(username=opts["user"]).select_related("scope", "unit").first()
            )
            if user is None:
                raise CommandError(f"no such user: {opts['user']}")
        for p in opts["paths"]:
            if not Path(p).exists():
                raise CommandError(f"no such file or folder: {p}")
        try:
            run = start_import(
                opts["paths"],
                user,
                skip_invalid=opts["skip_invalid"],
                table=opts.get("table"),
                encoding=opts.get("encoding"),
                report_dir=opts.get("report_dir"),
                synchronous=True,
            )
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        for table in IMPORT_ORDER:
            if table not in run.counts:
                continue
            c = run.counts[table]
            self.stdout.write(
                f"{table:15} read {c.get('read', 0):>9}  created {c.get('created', 0):>9}  "
                f"updated {c.get('updated', 0):>9}  unchanged {c.get('unchanged', 0):>9}  "
                f"rejected {c.get('rejected', 0):>9}"
            )
        self.stdout.write(
            f"import #{run.pk}: {run.status}, {run.error_count} errors, {run.seconds or 0:.1f} s"
        )
        if run.report_csv:
            self.stdout.write(f"report: {run.report_csv}\n        {run.report_xlsx}")
        for e in run.errors_preview[:10]:
            where = (
                f"{e['file']}"
                + (f"[{e['sheet']}]" if e.get("sheet") else "")
                + (f" row {e['row']}" if e.get("row") else "")
            )
            self.stdout.write(f"  {where} {e['column']}: {e['reason_en']} / {e['reason_zh']}")
        if run.status in ("rejected", "failed"):
            raise CommandError(f"import #{run.pk} {run.status}; nothing was written")
