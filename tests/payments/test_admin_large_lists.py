"""Staff lists at millions of rows (core.admin.LargeTableAdminMixin): no COUNT(*) over the whole
table on a page view, a capped count when filtered, and CSV exports that stream row by row."""

import pytest
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from core.admin import EstimatedCountPaginator
from enrollments.models import Enrollment
from payments.models import Payment

pytestmark = pytest.mark.django_db

ROWS = 6


@pytest.fixture
def staff_client(client, staff):
    Authenticator.objects.get_or_create(
        user=staff, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "JBSWY3DPEHPK3PXP"}}
    )
    client.force_login(staff)
    return client


@pytest.fixture
def payments(paid_course):
    users = User.objects.bulk_create(
        [User(email=f"buyer-{index}@example.com", full_name=f"Buyer {index}") for index in range(ROWS)]
    )
    return Payment.objects.bulk_create(
        [
            Payment(user=user, course=paid_course, amount=4900, currency="usd", status="canceled", card_last4="4242")
            for user in users
        ]
    )


@pytest.fixture
def small_cap(monkeypatch):
    monkeypatch.setattr(EstimatedCountPaginator, "COUNT_CAP", 3)


@pytest.mark.parametrize("model", [Payment, Enrollment, User])
def test_the_big_lists_never_count_the_whole_table_twice(model):
    model_admin = admin.site._registry[model]
    assert model_admin.show_full_result_count is False
    assert model_admin.paginator is EstimatedCountPaginator
    # Rendering rows is most of a page at this size (bench/PROFILE.md): 50, not Django's 100.
    assert model_admin.list_per_page == 50


def changelist(client, path: str):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return response.context["cl"], [query["sql"] for query in queries]


def test_a_search_counts_up_to_the_cap_only(staff_client, payments, small_cap):
    cl, queries = changelist(staff_client, "/admin/payments/payment/?q=buyer")
    assert cl.result_count == 3  # six match; the pager says three and reads no further
    assert len(cl.result_list) == ROWS  # the page itself still lists every match (50 per page)
    counts = [sql for sql in queries if "COUNT(" in sql.upper() and '"payments_payment"' in sql]
    assert counts and all("LIMIT 4" in sql for sql in counts if "GROUP BY" not in sql.upper())


def test_a_search_below_the_cap_is_counted_exactly(staff_client, payments):
    cl, _ = changelist(staff_client, "/admin/payments/payment/?q=buyer-1%40")
    assert cl.result_count == 1


def test_the_unfiltered_list_uses_the_planners_estimate_on_postgresql(staff_client, payments, small_cap):
    if connection.vendor != "postgresql":
        pytest.skip("the estimate is PostgreSQL's pg_class.reltuples")
    with connection.cursor() as cursor:
        cursor.execute('ANALYZE "accounts_user"')
    cl, queries = changelist(staff_client, "/admin/accounts/user/")
    assert cl.result_count == User.objects.count()  # a small table is sampled whole
    full_counts = [
        sql for sql in queries if "COUNT(" in sql.upper() and '"accounts_user"' in sql and "LIMIT" not in sql.upper()
    ]
    assert full_counts == []


def test_the_csv_export_streams_rows_as_it_reads_them(staff_client, payments):
    with CaptureQueriesContext(connection) as before_reading:
        response = staff_client.post(
            "/admin/payments/payment/",
            {"action": "export_csv", "_selected_action": [payment.pk for payment in payments]},
        )
    assert response.streaming
    # Nothing of the export was read before the response started: rows come as it is consumed.
    assert not [sql for sql in before_reading if "card_last4" in sql["sql"] and "ORDER BY" in sql["sql"]]
    lines = iter(response.streaming_content)
    assert next(lines).startswith(b"id,created_at")
    with CaptureQueriesContext(connection) as reading:
        body = b"".join(lines).decode()
    assert body.count("buyer-") == ROWS
    if connection.vendor == "postgresql":
        # A server-side cursor, read in chunks: memory stays flat whatever the number of rows.
        assert any("DECLARE" in query["sql"] and "CURSOR" in query["sql"] for query in reading)


def test_the_search_finds_payments_by_buyer_course_and_exact_identifiers(staff_client, payments, paid_course):
    Payment.objects.filter(pk=payments[2].pk).update(receipt_number="BDS-20261204-000002")
    found = lambda query: {p.pk for p in changelist(staff_client, f"/admin/payments/payment/?q={query}")[0].result_list}  # noqa: E731
    assert found("buyer-1%40example") == {payments[1].pk}
    assert found("Buyer+1%40") == {payments[1].pk}  # every word must match: email, course or identifier
    assert found("Part+107") == {payment.pk for payment in payments}
    assert found("BDS-20261204-000002") == {payments[2].pk}
    assert found("nobody-at-all") == set()


def test_the_search_reads_related_rows_first_then_filters_by_key(staff_client, payments):
    _, queries = changelist(staff_client, "/admin/payments/payment/?q=buyer-1%40example")
    listing = [sql for sql in queries if sql.startswith('SELECT "payments_payment"."id"')]
    assert listing and all("LIKE" not in sql for sql in listing)  # the big table is filtered by keys


def test_the_enrollment_search_finds_a_student_by_name(staff_client, payments, paid_course):
    enrollment = Enrollment.objects.create(user=payments[3].user, course=paid_course)
    cl, _ = changelist(staff_client, "/admin/enrollments/enrollment/?q=Buyer+3")
    assert list(cl.result_list) == [enrollment]
