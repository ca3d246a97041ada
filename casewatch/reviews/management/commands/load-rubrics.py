"""Load the sample rubrics shipped in casewatch/reviews/rubrics/ (idempotent)."""

from django.core.management.base import BaseCommand

from casewatch.reviews.rubrics import load_builtin


class Command(BaseCommand):
    help = "Load the sample review rubrics (one per case type)."

    def handle(self, *args, **options):
        for rubric in load_builtin():
            self.stdout.write(f"{rubric.code} v{rubric.version} {rubric.case_type}")
