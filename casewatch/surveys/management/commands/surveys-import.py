"""``casewatch surveys-import FILE --wave ID --instrument CODE --unit CODE --as-user NAME``."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Import survey responses collected on paper or another platform (CSV, XLSX, KoboToolbox/ODK "
        "export). All or nothing unless --skip-invalid; problems are written as CSV and XLSX reports."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--wave", type=int, required=True, help="wave id")
        parser.add_argument("--instrument", required=True, help="instrument code, optionally code:version")
        parser.add_argument("--unit", required=True, help="code of the unit the answers are counted for")
        parser.add_argument("--as-user", required=True, help="the username recorded as importing")
        parser.add_argument(
            "--skip-invalid", action="store_true", help="store the valid rows, report the rest"
        )
        parser.add_argument("--channel", choices=("paper", "import"), default="paper")
        parser.add_argument("--report-dir", default=None, help="where to write the error reports")

    def handle(self, *args, **opts):
        from casewatch.core.models import Unit, User
        from casewatch.surveys import importing
        from casewatch.surveys.models import Instrument, Wave

        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path} / 文件不存在：{path}")
        user = User.objects.filter(username=opts["as_user"]).first()
        if user is None:
            raise CommandError("unknown user / 未知用户")
        wave = Wave.objects.filter(pk=opts["wave"]).first()
        if wave is None:
            raise CommandError("unknown wave / 未知测评轮次")
        code, _sep, version = opts["instrument"].partition(":")
        qs = Instrument.objects.filter(code=code)
        instrument = (
            qs.filter(version=int(version)) if version.isdigit() else qs.order_by("-version")
        ).first()
        if instrument is None:
            raise CommandError("unknown instrument / 未知问卷")
        unit = Unit.objects.filter(code=opts["unit"]).first()
        if unit is None:
            raise CommandError("unknown unit / 未知单位")
        try:
            result = importing.import_responses(
                user,
                wave,
                instrument,
                unit,
                path.read_bytes(),
                path.name,
                skip_invalid=opts["skip_invalid"],
                channel=opts["channel"],
            )
        except (PermissionDenied, ValidationError) as exc:
            raise CommandError(str(exc)) from None
        for issue in result.issues[:50]:
            where = f"{issue.file}:{issue.row or '-'}" + (f" [{issue.column}]" if issue.column else "")
            self.stdout.write(
                f"{issue.severity} {where} {issue.value!r}: {issue.reason_zh} / {issue.reason_en}"
            )
        if len(result.issues) > 50:
            self.stdout.write(f"… {len(result.issues) - 50} more")
        if result.issues:
            folder = Path(opts["report_dir"] or path.parent)
            folder.mkdir(parents=True, exist_ok=True)
            stem = f"{path.stem}.errors"
            (folder / f"{stem}.csv").write_text(importing.report_csv(result), encoding="utf-8-sig")
            (folder / f"{stem}.xlsx").write_bytes(importing.report_xlsx(result))
            self.stdout.write(f"report: {folder / stem}.csv, .xlsx")
        self.stdout.write(
            f"{result.rows} rows, {result.stored} stored, {result.skipped} refused"
            + ("" if result.committed else " — nothing stored / 未写入任何数据")
        )
        if result.errors and not result.committed:
            raise CommandError("invalid rows: nothing imported (use --skip-invalid to keep the valid rows)")
