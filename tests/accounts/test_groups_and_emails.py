from pathlib import Path

import allauth
import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.template.loader import get_template

from accounts.groups import GROUP_PERMISSIONS, group_permissions_sync

pytestmark = pytest.mark.django_db


def codenames(group_name):
    return set(Group.objects.get(name=group_name).permissions.values_list("content_type__app_label", "codename"))


def test_the_three_groups_exist_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= {"Students", "Instructors", "Staff"}


def test_instructors_author_courses_and_own_their_content_in_full():
    perms = codenames("Instructors")
    for model in ("courses.section", "lessons.lesson", "lessons.material"):
        app, name = model.split(".")
        assert {(app, f"{action}_{name}") for action in ("add", "change", "view", "delete")} <= perms, model
    assert {("courses", "add_course"), ("courses", "change_course"), ("courses", "view_course")} <= perms
    # Removing a course or a category is the school's decision.
    assert ("courses", "delete_course") not in perms
    assert not any(
        app == "courses" and codename.endswith("_category") and codename != "view_category" for app, codename in perms
    )
    assert ("enrollments", "change_enrollment") not in perms


def test_instructors_read_their_flight_sessions_and_rosters_but_change_no_booking():
    perms = codenames("Instructors")
    assert ("flights", "view_flightsession") in perms
    assert ("flights", "change_flightsession") not in perms
    # Rosters read-only (SeatBookingAdmin scopes the rows to their sessions: tests/flights/test_instructor_rosters.py);
    # check-in and sign-off go through the roster page, never the booking form.
    assert ("flights", "view_seatbooking") in perms
    assert not any(codename.endswith("_seatbooking") and codename != "view_seatbooking" for _app, codename in perms)


def test_a_fresh_migrate_gives_each_group_exactly_the_declared_permissions():
    # The test database is built by `migrate`: the data migration plus accounts' post_migrate hook.
    for group_name, wanted in GROUP_PERMISSIONS.items():
        assert codenames(group_name) == set(wanted), group_name


def test_staff_manage_enrollments_and_users():
    perms = codenames("Staff")
    assert {("enrollments", "view_enrollment"), ("enrollments", "change_enrollment")} <= perms
    assert {("accounts", "view_user"), ("accounts", "change_user")} <= perms
    assert codenames("Students") == set()


def test_every_declared_permission_names_a_real_model_permission():
    # A typo in GROUP_PERMISSIONS would otherwise be skipped silently by the sync.
    for group_name, wanted in GROUP_PERMISSIONS.items():
        for app, codename in wanted:
            assert Permission.objects.filter(content_type__app_label=app, codename=codename).exists(), (
                group_name,
                app,
                codename,
            )


def test_sync_is_idempotent_and_keeps_hand_granted_permissions():
    extra = Permission.objects.get(content_type__app_label="courses", codename="delete_course")
    Group.objects.get(name="Instructors").permissions.add(extra)
    before = {name: codenames(name) for name in GROUP_PERMISSIONS}

    group_permissions_sync(group_model=Group, permission_model=Permission)
    group_permissions_sync(group_model=Group, permission_model=Permission)

    assert {name: codenames(name) for name in GROUP_PERMISSIONS} == before
    assert Group.objects.filter(name__in=GROUP_PERMISSIONS).count() == 3


def test_migrating_again_leaves_the_groups_as_declared():
    before = {name: codenames(name) for name in GROUP_PERMISSIONS}

    call_command("migrate", verbosity=0)

    assert {name: codenames(name) for name in GROUP_PERMISSIONS} == before
    assert Group.objects.filter(name__in=GROUP_PERMISSIONS).count() == 3


ALLAUTH_TEMPLATES = Path(allauth.__file__).parent / "templates"
# Emails of features this site has switched on (no login codes, phones, passkeys or social logins).
UNUSED = ("login_code", "password_reset_code", "webauthn_", "base_")


def allauth_email_prefixes():
    for folder in ("account/email", "mfa/email"):
        for path in sorted((ALLAUTH_TEMPLATES / folder).glob("*_message.txt")):
            name = path.name.removesuffix("_message.txt")
            if not name.startswith(UNUSED):
                yield f"{folder}/{name}"


@pytest.mark.parametrize("prefix", list(allauth_email_prefixes()))
def test_every_account_email_has_our_branded_html_and_text(prefix):
    html = get_template(f"{prefix}_message.html")
    text = get_template(f"{prefix}_message.txt")
    assert str(Path(html.origin.name)).startswith(str(settings.BASE_DIR / "templates")), prefix
    assert str(Path(text.origin.name)).startswith(str(settings.BASE_DIR / "templates")), prefix


def test_html_emails_extend_the_site_email_layout():
    source = (settings.BASE_DIR / "templates/account/email/base_message.html").read_text()
    assert '{% extends "emails/layout.html" %}' in source
