"""The signed-in user's row, from the cache rather than the database on every request.

Every logged-in request needs its user: Django's AuthenticationMiddleware reads the session, then
loads the row (bench/PROFILE.md: about half of the 0.55 ms a session costs before a view runs).
`CachedUserAuthenticationMiddleware` keeps a pickled copy under `auth-user:<pk>` and runs exactly
Django's checks on it: the session's backend must be configured, the user active, and the session's
auth hash must match the user's password hash (a password change logs the other sessions out).
When any check fails it falls back to Django's own `auth.get_user`, which reads the database and
flushes the session when it should.

A copy must never outlive the row it copies. `forget_users` deletes it now and again after the
transaction commits (a request that read the old row in between may have stored it), and runs on
every User save and delete (signals below: a password change, a deactivation, an email change,
`last_login`); a login stores the fresh row. Writes that bypass save() (`QuerySet.update()`)
call `forget_users` themselves (accounts/email_tracking.py); CACHE_TTL_SECONDS bounds anything
else. A Redis outage reads as a miss (DJANGO_REDIS_IGNORE_EXCEPTIONS): the row comes from the
database as before.

The copy also carries the user's group names and whether it has a teaching profile (roles_of),
which accounts.middleware.mfa_required and courses.models.is_school_staff read instead of a query
on every page; group changes drop the copies (receivers below), and a teaching profile's save or
delete does so from courses/receivers.py.

The API's bearer tokens (accounts/tokens.py) read the same copy.

`forget_users` also bumps the user's account version (`account_version_key`): "My account"
(accounts/views.py) is stored under it, and shows the row, whether the email address is confirmed
and which second factors are set up, so email address and authenticator writes forget the user
too (receivers below).
"""

import copy

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, get_user_model, load_backend, user_logged_in
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from core.cache_versions import bump


def cached_user_key(pk) -> str:
    return f"auth-user:{pk}"


def account_version_key(pk) -> str:
    return f"accounts:version:{pk}"


def user_by_pk(pk):
    """The user with this primary key, from the cache or the database (then stored); None when
    there is no such user. Activity is the caller's to check."""
    user = cache.get(cached_user_key(pk))
    if user is None:
        user = get_user_model()._default_manager.filter(pk=pk).first()
        if user is not None:
            remember_user(user)
    return user


# What a user object picks up while a request uses it, which must not travel with the copy.
_REQUEST_ATTRIBUTES = ("backend", "_perm_cache", "_user_perm_cache", "_group_perm_cache", "_prefetched_objects_cache")


def remember_user(user) -> None:
    """Store a copy of this user's row (its fields only: no related objects, no permission caches),
    with the two role facts every page asks (roles_of): its group names and whether it has a
    teaching profile. Two queries, once per copy instead of on every request."""
    stored = copy.copy(user)
    stored._state = copy.copy(user._state)
    stored._state.fields_cache = {}
    for attribute in _REQUEST_ATTRIBUTES:
        stored.__dict__.pop(attribute, None)
    stored._group_names = frozenset(user.groups.values_list("name", flat=True))
    stored._has_teaching_profile = type(user)._default_manager.filter(pk=user.pk, instructor__isnull=False).exists()
    cache.set(cached_user_key(user.pk), stored)


def roles_of(user) -> tuple[frozenset[str], bool] | None:
    """(group names, has a teaching profile) when this user object is a cached copy; None
    otherwise (the caller then asks the database)."""
    names = getattr(user, "_group_names", None)  # getattr: request.user is a lazy proxy
    if names is None:
        return None
    return names, getattr(user, "_has_teaching_profile", True)


def forget_users(*pks) -> None:
    """Drop the cached rows of these users, now and after the transaction commits."""
    keys = [cached_user_key(pk) for pk in pks if pk is not None]
    if not keys:
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))
    bump(*(account_version_key(pk) for pk in pks if pk is not None))


def get_user(request):
    """Django's `auth.get_user`, with the row read through the cache when every check passes."""
    session = request.session
    try:
        pk = get_user_model()._meta.pk.to_python(session[auth.SESSION_KEY])
        backend_path = session[BACKEND_SESSION_KEY]
    except (KeyError, ValueError):
        return auth.get_user(request)
    if backend_path not in settings.AUTHENTICATION_BACKENDS:
        return auth.get_user(request)
    user = user_by_pk(pk)
    if user is None:
        return auth.get_user(request)
    backend = load_backend(backend_path)
    can_authenticate = getattr(backend, "user_can_authenticate", lambda user: user.is_active)
    session_hash = session.get(HASH_SESSION_KEY)
    if (
        can_authenticate(user)
        and session_hash
        and hasattr(user, "get_session_auth_hash")
        and constant_time_compare(session_hash, user.get_session_auth_hash())
    ):
        user.backend = backend_path
        return user
    # Inactive, or a hash from before a password change or a SECRET_KEY rotation: Django decides
    # (and logs out, or upgrades the hash) from the database row.
    return auth.get_user(request)


class CachedUserAuthenticationMiddleware(AuthenticationMiddleware):
    """django.contrib.auth's middleware, with `request.user` loaded by `get_user` above."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _request_user(request))


def _request_user(request):
    if not hasattr(request, "_cached_user"):
        request._cached_user = get_user(request)
    return request._cached_user


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts.user_cache.user_saved")
@receiver(post_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts.user_cache.user_deleted")
def user_changed(sender, instance, **kwargs):
    forget_users(instance.pk)


@receiver(m2m_changed, sender=get_user_model().groups.through, dispatch_uid="accounts.user_cache.groups_changed")
def user_groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Group membership is part of the copy (roles_of): any change drops the copies involved."""
    if not action.startswith("post_") and action != "pre_clear":
        return
    if not reverse:
        forget_users(instance.pk)
    elif action == "pre_clear":  # a group emptied: its members, while they are still listed
        forget_users(*instance.user_set.values_list("pk", flat=True))
    elif pk_set:
        forget_users(*pk_set)


@receiver(pre_delete, sender=Group, dispatch_uid="accounts.user_cache.group_deleting")
@receiver(post_save, sender=Group, dispatch_uid="accounts.user_cache.group_saved")  # a rename
def group_changed(sender, instance, **kwargs):
    if instance.pk:
        forget_users(*instance.user_set.values_list("pk", flat=True))


@receiver(user_logged_in, dispatch_uid="accounts.user_cache.user_logged_in")
def user_logged_in_remember(sender, request, user, **kwargs):
    # After Django's own receiver saved last_login (connected first): the first page after
    # signing in already finds the row in the cache.
    remember_user(user)


@receiver(post_save, sender=EmailAddress, dispatch_uid="accounts.user_cache.email_address_saved")
@receiver(post_delete, sender=EmailAddress, dispatch_uid="accounts.user_cache.email_address_deleted")
@receiver(post_save, sender=Authenticator, dispatch_uid="accounts.user_cache.authenticator_saved")
@receiver(post_delete, sender=Authenticator, dispatch_uid="accounts.user_cache.authenticator_deleted")
def account_fact_changed(sender, instance, **kwargs):
    # "My account" shows whether the address is confirmed and which second factors are set up.
    forget_users(instance.user_id)
