"""The benchmark's big tables made inside PostgreSQL (`manage.py bench_data` on PostgreSQL).

Lessons, users, enrollments and payments are `INSERT ... SELECT` statements over
`generate_series`, so no Python object exists per row: at `--scale 10` that is 3.5 million rows.
Every "random" choice is a hash of the row's number or id and the seed (`_pick`), so the same seed
on an empty database gives the same data. Columns a statement does not set get the model field's
own default (`_insert_sql`), so a field added later with a default needs no change here.

The rows are those the other databases get (bench_data.py, payments/bench.py), with dates spread
over three years: students `bench-<n>@example.com` with one shared password hash, a few distinct
courses each (unique (user, course) by construction), 6 in 10 enrollments active, 3 completed,
1 pending, and per enrollment in a paid course zero to two canceled checkouts before the one that
matches it (succeeded for active/completed, open for pending), so the payment constraints hold as
in production: one open checkout per (user, course), unique receipt numbers and PaymentIntent ids.
The statements share two temporary tables, `bench_course` and `bench_student`, dropped on commit.
"""

# ruff: noqa: S608 - the SQL is put together from this module's own text; every value is a parameter.

from datetime import datetime, timedelta
from math import gcd
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from courses.models import Course
from enrollments.models import Enrollment
from lessons.models import Lesson
from payments.models import Payment

# Students joined over three years, as at a school that has been running a while.
JOINED_OVER = timedelta(days=3 * 365)
BIGINT_MAX = 9223372036854775807
# Zero to two canceled checkouts before the one that matches the enrollment, as payments/bench.py.
CANCELED_ATTEMPTS = [0, 0, 0, 1, 2]


def _pick(value_sql: str, salt: int, modulo: int, *, seed: int) -> str:
    """SQL for a pseudo-random integer in [0, modulo): a hash of a row's number, so it repeats run to run."""
    # The mask keeps the hash non-negative (abs() would overflow on the smallest bigint).
    return f"mod(hashint8extended(({value_sql})::bigint, {seed * 1000 + salt}) & {BIGINT_MAX}, {modulo})"


def _insert_sql(model, expressions: dict[str, str], source_sql: str, params: dict) -> tuple[str, dict]:
    """INSERT INTO the model's table ... SELECT: `expressions` by field name, each other field's default."""
    columns, selects = [], []
    params = dict(params)
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.name in expressions:
            selects.append(expressions[field.name])
            continue
        stamped = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        default = timezone.now() if stamped else field.get_default()
        params[f"default_{field.column}"] = field.get_db_prep_save(default, connection)
        selects.append(f"%(default_{field.column})s")
    table = connection.ops.quote_name(model._meta.db_table)
    return f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(selects)} {source_sql}", params


class SetAside(NamedTuple):
    tables: list[str]
    dropped: list[tuple[str, str, str, str]]  # (table, kind, name, definition)
    schema: list[str]  # every index and constraint of the tables, as the catalog prints them


def indexes_and_foreign_keys_drop(cursor, models: list) -> SetAside:
    """Drops the tables' secondary indexes, unique and foreign-key constraints for a bulk load.

    Measured at --scale 10: keeping ~25 indexes current row by row made the inserts 20 times
    slower than the bare table writes (58 s against 4 s), and the deferred foreign-key checks
    took 37 s more at commit; building the indexes afterwards takes ~20 s and each foreign key is
    checked in one join. Everything comes back from the catalog's own definitions in the same
    transaction (`indexes_and_foreign_keys_restore`), which then compares the tables' indexes and
    constraints with what was there before, so the schema is exactly the migrations' afterwards
    or the whole load rolls back. Primary keys, check constraints and partial indexes stay (a
    partial index's condition does not print back exactly as the migration made it; the one here,
    one open checkout per student and course, is small and checks the load as it goes).
    """
    tables = [model._meta.db_table for model in models]
    cursor.execute(
        """
        SELECT c.conrelid::regclass::text, CASE c.contype WHEN 'f' THEN 'foreign key' ELSE 'unique' END,
            c.conname, pg_get_constraintdef(c.oid)
        FROM pg_constraint AS c
        WHERE c.conrelid = ANY(%(tables)s::regclass[]) AND c.contype IN ('f', 'u')
        UNION ALL
        SELECT i.indrelid::regclass::text, 'index', i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index AS i
        WHERE i.indrelid = ANY(%(tables)s::regclass[]) AND NOT i.indisprimary AND i.indpred IS NULL AND NOT EXISTS (
            SELECT 1 FROM pg_constraint AS c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid
        )
        """,
        {"tables": tables},
    )
    set_aside = SetAside(tables, [tuple(row) for row in cursor.fetchall()], _schema(cursor, tables))
    # ALTER TABLE refuses a table with deferred foreign-key checks pending (the courses just made):
    # run them now, then defer again as Django's constraints are.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    for table, kind, name, _definition in set_aside.dropped:
        if kind == "index":
            cursor.execute(f"DROP INDEX {name}")
        else:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
    return set_aside


def indexes_and_foreign_keys_restore(cursor, set_aside: SetAside) -> None:
    """Makes again what `indexes_and_foreign_keys_drop` dropped, and checks the tables are as before."""
    # Index builds sort in memory instead of on disk: a few seconds less for 2 million rows.
    cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    # Indexes and unique constraints first: a foreign key needs the unique index it points at.
    for table, kind, name, definition in sorted(set_aside.dropped, key=lambda row: row[1] == "foreign key"):
        if kind == "index":
            cursor.execute(definition)
        else:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}")
    now = _schema(cursor, set_aside.tables)
    if now != set_aside.schema:
        raise RuntimeError(f"indexes or constraints differ after the load: {set(now) ^ set(set_aside.schema)}")


def _schema(cursor, tables: list[str]) -> list[str]:
    cursor.execute(
        """
        SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = ANY(%(tables)s::regclass[])
        UNION ALL
        SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid)
        FROM pg_constraint WHERE conrelid = ANY(%(tables)s::regclass[])
        ORDER BY 1
        """,
        {"tables": tables},
    )
    return [row[0] for row in cursor.fetchall()]


def bench_courses_table(cursor, courses: list[Course]) -> None:
    """The benchmark courses by position (0, 1, ...) with their price in cents, for the joins below."""
    cursor.execute(
        "CREATE TEMPORARY TABLE bench_course (position int PRIMARY KEY, id bigint UNIQUE, amount int, currency text)"
        " ON COMMIT DROP"
    )
    cursor.execute(
        "INSERT INTO bench_course SELECT * FROM unnest(%s::int[], %s::bigint[], %s::int[], %s::text[])",
        [
            list(range(len(courses))),
            [course.pk for course in courses],
            [course.price_minor_units for course in courses],
            [course.currency.lower() for course in courses],
        ],
    )


def bench_lessons(cursor, *, section_ids: list[int], per_section: int, words: list[str], seed: int) -> int:
    """`per_section` lessons in each section, titles of 3 and bodies of 120 words drawn from `words`."""
    word = f"(%(words)s::text[])[1 + {_pick('lesson.row_number * 1000 + word_number', 1, len(words), seed=seed)}]"
    title_words = " || ' ' || ".join(
        f"(%(words)s::text[])[1 + {_pick(f'lesson.row_number * 10 + {index}', 2, len(words), seed=seed)}]"
        for index in range(3)
    )
    sql, params = _insert_sql(
        Lesson,
        {
            "section": "lesson.section_id",
            "title": f"'Lesson ' || (lesson.number + 1) || ': ' || {title_words}",
            "slug": "'bench-lesson-' || lesson.section_index || '-' || lesson.number",
            "order": "lesson.number",
            "body": f"(SELECT string_agg({word}, ' ') FROM generate_series(1, 120) AS word_number)",
            "duration_seconds": f"120 + {_pick('lesson.row_number', 3, 1381, seed=seed)}",
            # The first lesson of each course's first module is its free preview.
            "is_preview": "lesson.number = 0 AND mod(lesson.section_index, 2) = 0",
        },
        "FROM (SELECT section.id AS section_id, section.position - 1 AS section_index, number,"
        " (section.position - 1) * %(per_section)s + number AS row_number"
        " FROM unnest(%(section_ids)s::bigint[]) WITH ORDINALITY AS section(id, position)"
        " CROSS JOIN generate_series(0, %(per_section)s - 1) AS number) AS lesson",
        {"words": words, "section_ids": section_ids, "per_section": per_section},
    )
    cursor.execute(sql, params)
    return cursor.rowcount


def bench_students(cursor, *, count: int, password: str, now: datetime, seed: int) -> int:
    """`count` students `bench-<n>@example.com`, kept in the temporary table `bench_student` too."""
    cursor.execute("CREATE TEMPORARY TABLE bench_student (id bigint PRIMARY KEY, joined timestamptz) ON COMMIT DROP")
    sql, params = _insert_sql(
        get_user_model(),
        {
            "password": "%(password)s",
            "email": "'bench-' || n || '@example.com'",
            "full_name": "'Bench Student ' || n",
            # Later numbers joined later, with up to an hour's jitter so signups are not on a grid.
            "date_joined": f"%(start)s + ((n::bigint * %(span)s) / %(count)s + {_pick('n', 4, 3600, seed=seed)})"
            " * interval '1 second'",
        },
        "FROM generate_series(0, %(count)s - 1) AS n",
        {
            "password": password,
            # An hour early, so the last student's jitter still lands before now.
            "start": now - JOINED_OVER - timedelta(hours=1),
            "span": int(JOINED_OVER.total_seconds()),
            "count": count,
        },
    )
    cursor.execute(
        f"WITH inserted AS ({sql} RETURNING id, date_joined) INSERT INTO bench_student SELECT * FROM inserted", params
    )
    return cursor.rowcount


def bench_enrollments(cursor, *, per_student: int, course_count: int, now: datetime, seed: int) -> int:
    """`per_student` distinct courses for each bench student, enrolled some time after joining."""
    # Student s takes the courses at positions start, start + stride, start + 2 * stride, ... (mod the
    # course count): with the stride coprime to the count they are all different, so (user, course)
    # is unique without checking.
    strides = [stride for stride in range(1, course_count) if gcd(stride, course_count) == 1] or [1]
    slot = "student.id * 64 + slot"
    status_roll = _pick(slot, 7, 10, seed=seed)
    activated = "least(%(now)s, pick.created_at + pick.minutes_to_pay * interval '1 minute')"
    sql, params = _insert_sql(
        Enrollment,
        {
            "user": "pick.user_id",
            "course": "bench_course.id",
            "status": "CASE WHEN pick.status_roll < 6 THEN 'active' WHEN pick.status_roll < 9 THEN 'completed'"
            " ELSE 'pending' END",
            "created_at": "pick.created_at",
            "activated_at": f"CASE WHEN pick.status_roll < 9 THEN {activated} END",
            "completed_at": f"CASE WHEN pick.status_roll BETWEEN 6 AND 8"
            f" THEN least(%(now)s, {activated} + pick.days_to_complete * interval '1 day') END",
        },
        f"""FROM (
            SELECT student.id AS user_id,
                mod({_pick("student.id", 5, course_count, seed=seed)}
                    + slot * (%(strides)s::int[])[1 + {_pick("student.id", 6, len(strides), seed=seed)}],
                    %(course_count)s) AS position,
                {status_roll} AS status_roll,
                student.joined + (%(now)s - student.joined) * ({_pick(slot, 8, 1_000_000, seed=seed)} / 1e6)::float8
                    AS created_at,
                5 + {_pick(slot, 9, 55, seed=seed)} AS minutes_to_pay,
                1 + {_pick(slot, 10, 90, seed=seed)} AS days_to_complete
            FROM bench_student AS student CROSS JOIN generate_series(0, %(per_student)s - 1) AS slot
        ) AS pick JOIN bench_course ON bench_course.position = pick.position""",
        {"now": now, "strides": strides, "course_count": course_count, "per_student": per_student},
    )
    cursor.execute(sql, params)
    return cursor.rowcount


def bench_payments(cursor, *, seed: int) -> int:
    """Every checkout attempt of the bench students' enrollments in paid courses."""
    canceled_count = _pick("enrollment.id", 11, len(CANCELED_ATTEMPTS), seed=seed)
    succeeded = "attempt.number = attempt.canceled_count AND attempt.status IN ('active', 'completed')"
    canceled = "attempt.number < attempt.canceled_count"
    succeeded_at = f"CASE WHEN {succeeded} THEN attempt.activated_at END"
    created_at = "attempt.created_at + attempt.number * interval '1 minute'"
    sql, params = _insert_sql(
        Payment,
        {
            "user": "attempt.user_id",
            "course": "attempt.course_id",
            "enrollment": "attempt.enrollment_id",
            "amount": "attempt.amount",
            "currency": "attempt.currency",
            "status": f"CASE WHEN {canceled} THEN 'canceled' WHEN {succeeded} THEN 'succeeded'"
            " ELSE 'requires_payment' END",
            "stripe_payment_intent_id": "'pi_bench_' || attempt.enrollment_id || '_' || attempt.number",
            "stripe_charge_id": f"CASE WHEN {succeeded} THEN 'ch_bench_' || attempt.enrollment_id ELSE '' END",
            "card_last4": f"CASE WHEN {succeeded} THEN '4242' ELSE '' END",
            "card_brand": f"CASE WHEN {succeeded} THEN 'visa' ELSE '' END",
            "receipt_number": f"CASE WHEN {succeeded} THEN 'BDS-BENCH-' || "
            "lpad(attempt.enrollment_id::text, greatest(8, length(attempt.enrollment_id::text)), '0') END",
            # Failed cards replaced by a new checkout, as payments.services does.
            "failure_message": f"CASE WHEN {canceled} THEN 'Your card was declined.' ELSE '' END",
            "created_at": created_at,
            "updated_at": f"coalesce({succeeded_at}, {created_at})",
            "succeeded_at": succeeded_at,
        },
        f"""FROM (
            SELECT enrollment.id AS enrollment_id, enrollment.user_id, enrollment.course_id, enrollment.status,
                enrollment.created_at, enrollment.activated_at, course.amount, course.currency,
                tries.canceled_count, number
            FROM enrollments_enrollment AS enrollment
            JOIN bench_student AS student ON student.id = enrollment.user_id
            JOIN bench_course AS course ON course.id = enrollment.course_id
            CROSS JOIN LATERAL (
                SELECT (%(canceled_attempts)s::int[])[1 + {canceled_count}] AS canceled_count
            ) AS tries
            CROSS JOIN LATERAL generate_series(0, tries.canceled_count) AS number
            WHERE course.amount > 0
        ) AS attempt""",
        {"canceled_attempts": CANCELED_ATTEMPTS},
    )
    cursor.execute(sql, params)
    return cursor.rowcount
