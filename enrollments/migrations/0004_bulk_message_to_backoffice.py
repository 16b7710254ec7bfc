# BulkMessage moved to the back office (backoffice/migrations/0001_initial.py), which keeps its
# table: only the migration state forgets it here; no row moves.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('enrollments', '0003_bulk_message'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='BulkMessage')],
            database_operations=[],
        ),
    ]
