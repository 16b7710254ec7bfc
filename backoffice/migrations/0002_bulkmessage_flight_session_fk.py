# The flight session of a bulk message becomes a real foreign key (the back office may know
# flights; enrollments could not). The column keeps its name (flight_session_id) and its values;
# ids of sessions deleted since are cleared first, as SET_NULL would have done.

import django.db.models.deletion
from django.db import migrations, models


def forget_deleted_sessions(apps, schema_editor):
    BulkMessage = apps.get_model('backoffice', 'BulkMessage')
    FlightSession = apps.get_model('flights', 'FlightSession')
    BulkMessage.objects.filter(flight_session_id__isnull=False).exclude(
        flight_session_id__in=FlightSession.objects.values('pk')
    ).update(flight_session_id=None)


class Migration(migrations.Migration):

    dependencies = [
        ('backoffice', '0001_initial'),
        ('flights', '0002_bookings_waivers_settings'),
    ]

    operations = [
        migrations.RunPython(forget_deleted_sessions, migrations.RunPython.noop),
        # The column's type, as a foreign key to a big-integer id will have it.
        migrations.AlterField(
            model_name='bulkmessage',
            name='flight_session_id',
            field=models.BigIntegerField(blank=True, null=True),
        ),
        # The same column, now described as the foreign key's (flight_session -> flight_session_id).
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name='bulkmessage', name='flight_session_id'),
                migrations.AddField(
                    model_name='bulkmessage',
                    name='flight_session',
                    field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='bulk_messages', to='flights.flightsession'),
                ),
            ],
            database_operations=[],
        ),
        # Now the database adds the constraint and the index.
        migrations.AlterField(
            model_name='bulkmessage',
            name='flight_session',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='bulk_messages', to='flights.flightsession'),
        ),
    ]
