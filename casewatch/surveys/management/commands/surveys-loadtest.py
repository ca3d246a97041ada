from django.core.management.base import BaseCommand, CommandError

from casewatch.surveys import loadtest


class Command(BaseCommand):
    help = (
        "Load-test the public submission endpoint of a server on this machine (loopback only): "
        "sustained submissions/s, p95 latency, and a check that every accepted response is stored once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--url", required=True, help="e.g. http://127.0.0.1:8765 (loopback only)")
        parser.add_argument("--n", type=int, default=2000, help="submissions to send (max 100000)")
        parser.add_argument("--concurrency", type=int, default=8, help="parallel connections (max 64)")
        parser.add_argument("--replay", type=float, default=0.05, help="share of submissions sent twice")
        parser.add_argument("--batch", type=int, default=1, help="submissions per request (offline batches)")

    def handle(self, *args, **opts):
        try:
            report = loadtest.run(
                opts["url"],
                n=opts["n"],
                concurrency=opts["concurrency"],
                replay=opts["replay"],
                batch=opts["batch"],
            )
        except loadtest.LoadTestError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(loadtest.format_report(report))
        if not report["ok"]:
            raise CommandError("the count check failed")
