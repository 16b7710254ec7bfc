"""`bulk_insert`: Django's bulk_create, through PostgreSQL's COPY when the database is PostgreSQL.

For the benchmark's data set (bds/management/commands/bench_data.py): millions of rows. COPY skips
the per-statement parsing and the RETURNING of bulk_create's INSERTs. Primary keys are given back
to the objects in insertion order (one session's COPY takes the sequence's values in order), so the
objects can be used as foreign keys afterwards, as bulk_create's can. Other databases (the test
suite's SQLite) use bulk_create.
"""

from django.db import connection


def bulk_insert(model, objects: list, *, batch_size: int = 5000) -> list:
    if connection.vendor != "postgresql" or not objects:
        return model.objects.bulk_create(objects, batch_size=batch_size)
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    pk_column = connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX({pk_column}), 0) FROM {table}")  # noqa: S608 - our own names
        last_before = cursor.fetchone()[0]
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for obj in objects:
                copy.write_row([field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields])
        cursor.execute(
            f"SELECT {pk_column} FROM {table} WHERE {pk_column} > %s ORDER BY {pk_column}",  # noqa: S608
            [last_before],
        )
        pks = [row[0] for row in cursor.fetchall()]
    if len(pks) != len(objects):
        raise RuntimeError("another writer inserted rows during the COPY: primary keys unknown")
    for obj, pk in zip(objects, pks, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias
    return objects
