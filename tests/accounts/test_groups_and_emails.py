from pathlib import Path

import allauth
import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.template.loader import get_template

from accounts.groups import GROUP_PERMISSIONS, group_permissions_sync

pytestmark = pytest.mark.django_db


def codenames(group_name):
    return set(Group.objects.get(name=group_name).permissions.values_list("content_type__app_label", "codename"))


def test_the_three_groups_exist_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= {"Students", "Instructors", "Staff"}


def test_instructors_author_courses_and_lessons_but_do_not_delete_them():
    perms = codenames("Instructors")
    assert {("courses", "change_course"), ("courses", "add_section"), ("lessons", "change_lesson")} <= perms
    assert ("lessons", "view_material") in perms
    assert not any(codename.startswith("delete_") for _app, codename in perms)
    assert ("enrollments", "change_enrollment") not in perms


def test_staff_manage_enrollments_and_users():
    perms = codenames("Staff")
    assert {("enrollments", "view_enrollment"), ("enrollments", "change_enrollment")} <= perms
    assert {("accounts", "view_user"), ("accounts", "change_user")} <= perms
    assert codenames("Students") == set()


def test_every_listed_permission_of_an_existing_model_is_granted():
    for group_name, wanted in GROUP_PERMISSIONS.items():
        existing = {
            (app, codename)
            for app, codename in wanted
            if Permission.objects.filter(content_type__app_label=app, codename=codename).exists()
        }
        assert existing <= codenames(group_name), group_name


def test_sync_is_idempotent_and_keeps_hand_granted_permissions():
    extra = Permission.objects.get(content_type__app_label="courses", codename="delete_section")
    Group.objects.get(name="Instructors").permissions.add(extra)
    before = {name: codenames(name) for name in GROUP_PERMISSIONS}

    group_permissions_sync(group_model=Group, permission_model=Permission)
    group_permissions_sync(group_model=Group, permission_model=Permission)

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
