"""`casewatch backup`: the database and the var dir's files into one verified folder."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from casewatch.core import backup


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite online backup / pg_dump custom format) and the uploaded and "
        "generated files, with a manifest of checksums. --verify DIR checks an existing backup."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--out", help=f"folder for backups (default CASEWATCH_BACKUP_DIR, now {settings.BACKUP_DIR})"
        )
        parser.add_argument("--keep", type=int, default=0, help="afterwards keep only the newest N backups")
        parser.add_argument(
            "--no-row-checksums", action="store_true", help="record row counts only (very large databases)"
        )
        parser.add_argument(
            "--verify", metavar="DIR", help="verify the artifacts of an existing backup and exit"
        )

    def handle(self, *args, **opts):
        try:
            if opts["verify"]:
                problems = backup.verify_artifacts(Path(opts["verify"]))
                if problems:
                    raise CommandError("backup damaged / 备份已损坏: " + "; ".join(problems))
                manifest = backup.read_manifest(Path(opts["verify"]))
                self.stdout.write(f"backup intact / 备份完好: {opts['verify']} ({manifest['summary']})")
                return
            manifest = backup.create(
                Path(opts["out"]) if opts["out"] else None, checksums=not opts["no_row_checksums"]
            )
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"backup written / 备份完成: {manifest['path']}")
        self.stdout.write(f"  {manifest['summary']}")
        if opts["keep"]:
            removed = backup.prune(Path(manifest["path"]).parent, opts["keep"])
            self.stdout.write(f"  pruned {len(removed)} older backup(s)")
