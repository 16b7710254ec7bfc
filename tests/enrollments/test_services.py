"""Enrollment transitions: forward only, signals after commit, suspension for disputes."""

from django.core import mail

from enrollments import services
from enrollments.models import Enrollment


def test_activate_grants_access_and_signals_once_after_commit(student, course, committed, signals_received):
    with committed() as callbacks:
        enrollment = services.enrollment_activate(user=student, course=course)
        assert signals_received == []  # nothing before the commit
    # The signal and the welcome email (besides the dashboard cache's own re-bumps).
    assert len([callback for callback in callbacks if callback.__module__ != "core.cache_versions"]) == 2
    with committed():
        services.enrollment_activate(user=student, course=course)  # again: no change, no signal

    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE and enrollment.activated_at is not None
    assert signals_received == [("activated", enrollment.pk, None)]
    assert [message.subject for message in mail.outbox] == ["Welcome to Aerial Mapping"]
    assert list(Enrollment.objects.granting_access()) == [enrollment]


def test_transitions_never_move_backwards(student, course):
    enrollment = services.enrollment_activate(user=student, course=course)
    services.enrollment_complete(enrollment=enrollment)

    # A stale activation (e.g. a late payment event) leaves a completed enrollment completed.
    services.enrollment_activate(user=student, course=course)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED

    services.enrollment_refund(enrollment=enrollment)
    services.enrollment_revoke(enrollment=enrollment, reason="later, by mistake")
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.REFUNDED  # the first ending stands
    services.enrollment_complete(enrollment=enrollment)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.REFUNDED


def test_revoke_signals_with_the_reason(student, course, committed, signals_received):
    enrollment = services.enrollment_activate(user=student, course=course)
    with committed():
        services.enrollment_revoke(enrollment=enrollment, reason="Staff: duplicate account")
        services.enrollment_revoke(enrollment=enrollment, reason="twice")

    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.ended_reason) == (Enrollment.Status.REVOKED, "Staff: duplicate account")
    assert signals_received == [("revoked", enrollment.pk, "Staff: duplicate account")]
    assert not enrollment.grants_access


def test_a_new_purchase_after_a_refund_activates_again(student, course):
    enrollment = services.enrollment_activate(user=student, course=course)
    services.enrollment_refund(enrollment=enrollment)

    services.enrollment_activate(user=student, course=course, reason="payment 2")

    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE and enrollment.ended_at is None


def test_suspension_pauses_access_without_ending_it(student, course, committed, signals_received):
    enrollment = services.enrollment_activate(user=student, course=course)

    with committed():
        services.enrollment_suspend(enrollment=enrollment, reason="card dispute dp_1")
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE
    assert not enrollment.grants_access and enrollment.is_suspended
    assert not Enrollment.objects.granting_access().exists()
    assert [name for name, *_ in signals_received] == []  # seats are kept while the dispute runs

    services.enrollment_restore(enrollment=enrollment)
    enrollment.refresh_from_db()
    assert enrollment.grants_access
    assert Enrollment.objects.granting_access().get() == enrollment


def test_reserve_makes_a_pending_enrollment_without_access(student, course):
    enrollment = services.enrollment_reserve(user=student, course=course)
    assert enrollment.status == Enrollment.Status.PENDING and not enrollment.grants_access
    assert services.enrollment_reserve(user=student, course=course).pk == enrollment.pk
