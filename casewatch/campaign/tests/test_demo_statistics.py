"""campaign-demo refreshes the planner's statistics of the tables it loads (PostgreSQL)."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection

demo_command = importlib.import_module("casewatch.campaign.management.commands.campaign-demo")


@pytest.mark.django_db
def test_campaign_tables_are_analysed_after_the_demo_load():
    n = demo_command.refresh_statistics()
    if connection.vendor != "postgresql":
        assert n == 0  # nothing to do: SQLite plans without these statistics
        return
    from django.apps import apps

    tables = {m._meta.db_table for m in apps.get_app_config("campaign").get_models()}
    assert n == len(tables) > 5
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE relname = ANY(%s) AND last_analyze IS NOT NULL",
            [sorted(tables)],
        )
        analysed = {r[0] for r in cursor.fetchall()}
    assert analysed == tables
