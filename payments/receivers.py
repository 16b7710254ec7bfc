"""Payments reacts to its own writes for the caches of the apps below it.

A student's cached pages show their receipts and unfinished payments (enrollments/student_cache.py):
every payment write bumps the student's version.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from enrollments.student_cache import student_cache_bump
from payments.models import Payment


@receiver(post_save, sender=Payment, dispatch_uid="payments.payment_saved.student_cache")
@receiver(post_delete, sender=Payment, dispatch_uid="payments.payment_deleted.student_cache")
def payment_changed(sender, instance, **kwargs):
    student_cache_bump(instance.user_id)
