from django.core.management.base import BaseCommand

from casewatch.core.demo import DEMO_ACCOUNTS, create_demo_accounts


class Command(BaseCommand):
    help = "Create the demo accounts (one per role and scope) and print how to log in."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", default="Casewatch-2026!", help="initial password of every demo account"
        )

    def handle(self, *args, **opts):
        create_demo_accounts(opts["password"])
        password = opts["password"]
        self.stdout.write(
            f"Demo accounts (initial password {password}; you choose a new one at first login):"
        )
        for username, _role, _scope, description in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<24} {description}")
