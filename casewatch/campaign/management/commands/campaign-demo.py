from django.core.management.base import BaseCommand, CommandError

from casewatch.core.models import User


class Command(BaseCommand):
    help = (
        "Load the demo campaign (tasks, warning education, norms, research topics, key cases, listed leads)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--user", default="city_supervisor", help="the committee account that records them"
        )

    def handle(self, *args, **opts):
        from casewatch.campaign import demo

        user = User.objects.filter(username=opts["user"]).first()
        if user is None:
            raise CommandError(f"no user {opts['user']!r}: run `casewatch demo-accounts` first")
        result = demo.load(user)
        self.stdout.write(f"campaign demo loaded: {result}")
