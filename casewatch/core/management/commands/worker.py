from django.core.management.base import BaseCommand

from casewatch.core import jobs


class Command(BaseCommand):
    help = "Run background jobs from the database queue (imports, analysis runs, reports)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run what is queued now, then exit")
        parser.add_argument(
            "--sleep", type=float, default=1.0, help="seconds to wait when the queue is empty"
        )

    def handle(self, *args, **opts):
        if opts["once"]:
            self.stdout.write(f"ran {jobs.run_pending()} job(s)")
            return
        self.stdout.write("worker started; waiting for jobs")
        jobs.work_forever(opts["sleep"])
