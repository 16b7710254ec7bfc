"""Trigram indexes for the staff search of users by email or name (core.admin.RelatedFirstSearchMixin
and the user admin): Django's `icontains` is `UPPER(col::text) LIKE UPPER('%term%')`, which only a
trigram index on that exact expression can answer; without it a search reads all 500,000 users.

PostgreSQL only (pg_trgm ships with it; managed services allow it): other databases skip this.
"""

from django.db import migrations

INDEXES = {
    "accounts_user_email_upper_trgm": 'UPPER("email"::text)',
    "accounts_user_full_name_upper_trgm": 'UPPER("full_name"::text)',
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, expression in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "accounts_user" USING gin (({expression}) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_groups")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
