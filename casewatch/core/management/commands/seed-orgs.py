from django.core.management.base import BaseCommand, CommandError

from casewatch.core.services_org import check_divisions, seed_ningbo


class Command(BaseCommand):
    help = "Create Ningbo's organisation tree: the city and ten districts, each with its five agencies."

    def add_arguments(self, parser):
        parser.add_argument(
            "--divisions", help="folder with areas.csv (GB/T 2260) to check district names against"
        )

    def handle(self, *args, **opts):
        if opts.get("divisions"):
            problems = check_divisions(opts["divisions"])
            if problems:
                raise CommandError("division codes do not match: " + "; ".join(problems))
        created, updated = seed_ningbo()
        self.stdout.write(f"units: {created} created, {updated} updated")
