"""The default accountability triggers — 3 serious problems of a unit within 90 days; any problem
overdue by more than 30 days (supervisors change or switch them off on the accountability page) —
and the board's version counter (one row)."""

from django.db import migrations

DEFAULTS = [
    {
        "name": "3 serious problems within 90 days",
        "subject": "unit",
        "kind": "count",
        "severity": "high",
        "threshold": 3,
        "window_days": 90,
        "overdue_days": 30,
    },
    {
        "name": "A problem overdue by more than 30 days",
        "subject": "unit",
        "kind": "overdue",
        "severity": "",
        "threshold": 1,
        "window_days": 90,
        "overdue_days": 30,
    },
]


def create(apps, schema_editor):
    Rule = apps.get_model("problems", "AccountabilityRule")
    if not Rule.objects.exists():
        for spec in DEFAULTS:
            Rule.objects.create(**spec)
    apps.get_model("problems", "BoardVersion").objects.get_or_create(pk=1, defaults={"value": 0})


def remove(apps, schema_editor):
    Rule = apps.get_model("problems", "AccountabilityRule")
    Rule.objects.filter(name__in=[d["name"] for d in DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("problems", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
