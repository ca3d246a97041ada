from django.core.management.base import BaseCommand

from casewatch.surveys import demo


class Command(BaseCommand):
    help = (
        "Load demo survey data shaped like the Ningbo pilot: 镇海区's wave with 3,636 questionnaires at "
        "97.33% satisfaction, and 鄞州区's 21 forums. Needs the organisation tree (seed-orgs). Idempotent."
    )

    def handle(self, *args, **opts):
        result = demo.load()
        if not result["created"]:
            self.stdout.write("survey demo data already loaded")
            return
        self.stdout.write(f"survey demo: {result['responses']} questionnaires, {result['forums']} forums")
