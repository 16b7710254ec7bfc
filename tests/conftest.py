"""Shared fixtures: named personas and a clean cache for every test.

Tests run against PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set (as .ci/run does),
otherwise against SQLite and the local-memory cache.
"""

import pytest
from celery._state import _set_task_join_will_block
from django.apps import apps
from django.core.cache import cache
from django.db.models import FileField

from bds.celery import app as celery_app


@pytest.fixture(autouse=True)
def _clean_cache():
    # pytest-django does not clear the cache between tests; Redis keeps keys across them.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Production hashing is deliberately slow; tests log in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _eager_tasks():
    """Tasks run in-process unless a test starts a real worker (tests/jobs)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    # Celery marks "inside a task" in one process-wide flag while an eager task runs, restoring the
    # old value after. Two threads running eager tasks at once (the concurrent webhook and booking
    # tests) can restore in the wrong order and leave it set, and every later `.get()` in this
    # process then fails with "Never call result.get() within a task!". Each test starts clear.
    _set_task_join_will_block(False)
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _private_media_in_tmp(settings, tmp_path):
    """Files go to a per-test folder, never into the developer's media/.

    A FileField resolves a storage callable once, when its model loads, so swapping STORAGES
    alone would not reach Lesson.video or Material.file: re-resolve those fields too.
    """
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private", "base_url": "/private-media/"},
        },
    }
    swapped = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, FileField) and getattr(field, "_storage_callable", None):
                swapped.append((field, field.storage))
                field.storage = field._storage_callable()
    yield
    for field, storage in swapped:
        field.storage = storage


@pytest.fixture
def password():
    return "correct-horse-battery-staple-42"


@pytest.fixture
def student(django_user_model, password):
    return django_user_model.objects.create_user(
        email="sam.student@example.com", password=password, full_name="Sam Student"
    )


@pytest.fixture
def outsider(django_user_model, password):
    return django_user_model.objects.create_user(
        email="olive.outsider@example.com", password=password, full_name="Olive Outsider"
    )


def instructors_group_as_declared():
    """The "Instructors" group with exactly what accounts/groups.py declares, for personas built in
    tests: the same one list that migrate and seed_demo apply, so tests cannot drift from it."""
    from django.contrib.auth.models import Group, Permission

    from accounts.groups import INSTRUCTORS, group_permissions_sync

    group_permissions_sync(group_model=Group, permission_model=Permission)
    return Group.objects.get(name=INSTRUCTORS)


def mfa_enable(user) -> None:
    """Give a user a TOTP authenticator: staff and instructors need one to use /admin/."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(user, generate_totp_secret())


@pytest.fixture
def staff(django_user_model, password):
    """A superuser with MFA set up, as every staff account must be to use the admin."""
    user = django_user_model.objects.create_user(
        email="stella.staff@example.com", password=password, full_name="Stella Staff", is_staff=True, is_superuser=True
    )
    mfa_enable(user)
    return user
