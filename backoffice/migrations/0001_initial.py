# BulkMessage moved here from enrollments with its table (enrollments_bulkmessage): the state is
# created as it was, the table already exists (enrollments/migrations/0003_bulk_message.py).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('courses', '0002_course_search_and_listing_indexes'),
        ('enrollments', '0003_bulk_message'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='BulkMessage',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('audience', models.CharField(help_text='Who it went to, e.g. “students of Part 107 Exam Prep”.', max_length=200)),
                        ('flight_session_id', models.PositiveIntegerField(blank=True, null=True)),
                        ('subject', models.CharField(max_length=200)),
                        ('body', models.TextField(help_text='Markdown.')),
                        ('sent_count', models.PositiveIntegerField(default=0, help_text='Emails queued, one per student.')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('course', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='courses.course')),
                        ('sender', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'ordering': ['-created_at'],
                        'db_table': 'enrollments_bulkmessage',
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
