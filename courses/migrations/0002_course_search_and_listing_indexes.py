# Course search (PostgreSQL full-text GIN index) and the catalog's "published, newest first" index.

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models


class AddIndexOnPostgreSQL(migrations.AddIndex):
    """A GIN index over to_tsvector() exists only on PostgreSQL; other databases (SQLite in
    development) keep the index in the migration state but create nothing, and search falls back
    to a LIKE query there (CourseQuerySet.search)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):

    dependencies = [
        ('courses', '0001_initial'),
    ]

    operations = [
        AddIndexOnPostgreSQL(
            model_name='course',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.SearchVector('title', config='english', weight='A'), '||', django.contrib.postgres.search.SearchVector('summary', config='english', weight='B'), django.contrib.postgres.search.SearchConfig('english')), '||', django.contrib.postgres.search.SearchVector('description', config='english', weight='C'), django.contrib.postgres.search.SearchConfig('english')), name='courses_course_search_gin'),
        ),
        migrations.AddIndex(
            model_name='course',
            index=models.Index(fields=['status', '-published_at'], name='courses_course_status_pub_idx'),
        ),
    ]
