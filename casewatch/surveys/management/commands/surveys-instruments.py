from django.core.management.base import BaseCommand

from casewatch.surveys import services


class Command(BaseCommand):
    help = (
        "Load the shipped survey instruments (party, lawyer, resident, CourTools Measure 1) from their "
        "XLSForm files; idempotent. --rebuild first rewrites the files from instruments/catalogue.py."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild", action="store_true", help="rewrite the .xlsx files from catalogue.py first"
        )

    def handle(self, *args, **opts):
        if opts["rebuild"]:
            from casewatch.surveys.instruments.catalogue import write_all

            for path in write_all():
                self.stdout.write(f"wrote {path}")
        for instrument in services.load_shipped():
            self.stdout.write(f"{instrument.code} v{instrument.version}: {instrument.items.count()} items")
