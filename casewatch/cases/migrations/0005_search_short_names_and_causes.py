# Written by hand (the state is what makemigrations generates for the two Meta.indexes).
#
# Why: at 1,000,000 cases two case searches were over 300 ms (docs/performance.md, "Pages at 1M"):
# * a party name of two characters (何华): the trigram index needs three, so LIKE '%何华%' was a
#   parallel scan of 1.7 M parties. Names shorter than three characters are now matched from their
#   start (LIKE '何华%', the search form says so), served by a varchar_pattern_ops btree;
# * the cause filter (LIKE '%纠纷%' on cause_name, no index): the search now reads the ~50 distinct
#   cause names (a skip scan of a btree on cause_name), keeps those containing the text and filters
#   cause_name IN (…), which the same index serves.
#
# PostgreSQL: CREATE INDEX CONCURRENTLY (the migration is not atomic), so a large registry keeps
# serving pages while the indexes are built; IF NOT EXISTS, so indexes made by hand with the same
# names are kept. SQLite: the ordinary AddIndex (the opclass is PostgreSQL's; SQLite ignores it).

from django.db import migrations, models

CAUSE = models.Index(fields=["cause_name"], name="cases_case_cause_name")
PREFIX = models.Index(fields=["name"], name="cases_party_name_prefix", opclasses=["varchar_pattern_ops"])

PG = (
    ("cases_case_cause_name", "cases_case", '"cause_name"'),
    ("cases_party_name_prefix", "cases_party", '"name" varchar_pattern_ops'),
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, table, columns in PG:
            schema_editor.execute(
                f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{name}" ON "{table}" ({columns})'
            )
            schema_editor.execute(f'ANALYZE "{table}"')  # autovacuum may be off; plans need the stats
        return
    schema_editor.add_index(apps.get_model("cases", "Case"), CAUSE)
    schema_editor.add_index(apps.get_model("cases", "Party"), PREFIX)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, _table, _columns in PG:
            schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{name}"')
        return
    schema_editor.remove_index(apps.get_model("cases", "Case"), CAUSE)
    schema_editor.remove_index(apps.get_model("cases", "Party"), PREFIX)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [
        ("cases", "0004_lean_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(forwards, backwards)],
            state_operations=[
                migrations.AddIndex(model_name="case", index=CAUSE),
                migrations.AddIndex(model_name="party", index=PREFIX),
            ],
        )
    ]
