"""The runbook's restore procedure, tried: pg_dump the database, pg_restore it into a new one,
and open the copy with Django's own connection settings."""

import shutil
import subprocess
import uuid

import psycopg
import pytest
from django.db import connection

from courses.models import Category

pytestmark = pytest.mark.postgres


@pytest.mark.django_db(transaction=True)
def test_a_dump_restores_into_a_new_database_that_opens(tmp_path):
    if connection.vendor != "postgresql" or not shutil.which("pg_dump"):
        pytest.skip("needs PostgreSQL and its client tools")
    Category.objects.create(name="Part 107 prep", slug="part-107-prep")
    params = connection.settings_dict
    conninfo = {"host": params["HOST"] or "127.0.0.1", "port": str(params["PORT"] or 5432), "user": params["USER"]}
    dump = tmp_path / "bds.dump"
    restored = f"bds_restore_{uuid.uuid4().hex[:8]}"
    base = ["-h", conninfo["host"], "-p", conninfo["port"], "-U", conninfo["user"]]

    subprocess.run(["pg_dump", *base, "--format=custom", f"--file={dump}", params["NAME"]], check=True, timeout=120)
    subprocess.run(["createdb", *base, restored], check=True, timeout=60)
    try:
        subprocess.run(["pg_restore", *base, "--no-owner", f"--dbname={restored}", str(dump)], check=True, timeout=120)
        with psycopg.connect(dbname=restored, **conninfo) as copy:
            names = [row[0] for row in copy.execute("SELECT name FROM courses_category")]
            applied = copy.execute("SELECT count(*) FROM django_migrations").fetchone()[0]
        assert names == ["Part 107 prep"]
        assert applied > 10
    finally:
        subprocess.run(["dropdb", *base, "--if-exists", restored], check=True, timeout=60)
