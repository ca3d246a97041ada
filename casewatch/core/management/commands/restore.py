"""`casewatch restore DIR`: put a backup back and prove every row and file came back."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from casewatch.core import backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `casewatch backup`: verify its checksums, replace the database "
        "(all or nothing), unpack the files, then compare every table's rows and every file with the manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="a backup folder (casewatch-YYYYmmdd-HHMMSS)")
        parser.add_argument(
            "--yes", action="store_true", help="do not ask: this replaces the current database"
        )

    def handle(self, *args, **opts):
        folder = Path(opts["folder"])
        try:
            manifest = backup.read_manifest(folder)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        if not opts["yes"]:
            answer = input(
                f"Replace the current database and files with the backup of {manifest['created_at']}? "
                "/ 用该备份覆盖当前数据库和文件？ [yes/no] "
            )
            if answer.strip().lower() not in {"yes", "y", "是"}:
                raise CommandError("not restored / 未恢复")
        try:
            report = backup.restore(folder)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"restored / 已恢复: {report['tables']} tables, {report['rows']} rows, {report['files']} files "
            f"in {report['seconds']} s"
        )
        if report["problems"]:
            for p in report["problems"]:
                self.stderr.write(f"  DIFFERENCE {p}")
            raise CommandError(f"{len(report['problems'])} difference(s) after restore / 恢复后有差异")
        self.stdout.write("verified / 校验通过: every table's rows and every file match the manifest")
