"""The back office's theme: the sidebar by job shows each person only what they may open, the
theme's policy applies under /admin/ only, and the school's pages share the theme's layout."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from backoffice.emails_catalog import EMAILS
from backoffice.sidebar import navigation

pytestmark = pytest.mark.django_db


def sidebar_of(user) -> dict[str, list[str]]:
    request = RequestFactory().get("/admin/")
    request.user = user
    return {group["title"]: [item["title"] for item in group["items"]] for group in navigation(request)}


def sidebar_links(user) -> list[str]:
    request = RequestFactory().get("/admin/")
    request.user = user
    return [item["link"] for group in navigation(request) for item in group["items"]]


def test_staff_see_every_job_in_the_sidebar(staff):
    groups = sidebar_of(staff)

    assert [title for title in groups if title] == ["Teaching", "Students", "Money", "School"]
    assert {"Courses", "Sections", "Lessons", "Quizzes", "Flight sessions", "Rosters (bookings)"} <= set(
        groups["Teaching"]
    )
    assert {"People", "Enrollments", "Certificates"} <= set(groups["Students"])
    assert {"Payments", "Refunds", "Disputes", "Coupons", "Reports"} <= set(groups["Money"])
    assert {"Instructors", "Staff groups", "Email students", "Email previews", "Audit trail"} <= set(groups["School"])


def test_an_instructor_sees_only_what_they_may_open(client, instructor_user):
    groups = sidebar_of(instructor_user)

    shown = sum(groups.values(), [])
    assert "Money" not in groups
    assert not {"Payments", "Refunds", "Reports", "Audit trail", "Email students", "Staff groups"} & set(shown)
    assert {"Courses", "Lessons"} <= set(groups["Teaching"])
    client.force_login(instructor_user)
    for link in sidebar_links(instructor_user):  # every link shown opens
        assert client.get(link).status_code == 200, link


def test_every_link_staff_see_opens(staff_client, staff):
    for link in sidebar_links(staff):
        assert staff_client.get(link).status_code == 200, link


def test_the_theme_policy_applies_under_admin_only(staff_client):
    admin_policy = staff_client.get("/admin/").headers["Content-Security-Policy"]
    site_policy = staff_client.get("/").headers["Content-Security-Policy"]

    assert "'unsafe-eval'" in admin_policy
    assert "'unsafe-inline'" not in admin_policy.split("script-src")[1].split(";")[0]
    assert "'unsafe-eval'" not in site_policy and "'unsafe-inline'" not in site_policy
    # A view with its own policy keeps it (the email previews allow inline styles, nothing else).
    preview = staff_client.get(reverse("email_preview_detail", args=[next(iter(EMAILS))]))
    assert preview.status_code == 200
    assert preview.headers["Content-Security-Policy"].startswith("default-src 'none'")


@pytest.mark.parametrize("url_name", ["admin_reports", "admin_bulk_email", "admin_insights", "email_preview_list"])
def test_the_schools_pages_have_the_theme_layout_and_a_breadcrumb(staff_client, url_name):
    page = staff_client.get(reverse(url_name)).content.decode()

    assert 'id="nav-sidebar' in page  # the theme's sidebar
    assert '<nav class="bds-breadcrumbs" aria-label="Breadcrumb">' in page
    assert f'<li><a href="{reverse("admin:index")}">Dashboard</a></li>' in page
    assert "/static/css/admin-pages.css" in page


def test_the_admin_policy_follows_the_site_policy_when_it_changes(staff_client, settings):
    """The admin's loosened policy is derived from SECURE_CSP as it is now: a policy changed after
    start (a test pointing uploads at a local S3) reaches /admin/ too, or its uploads are blocked."""
    assert "http://127.0.0.1:9999" not in staff_client.get("/admin/")["Content-Security-Policy"]  # built
    settings.SECURE_CSP = {
        **settings.SECURE_CSP,
        "connect-src": [*settings.SECURE_CSP["connect-src"], "http://127.0.0.1:9999"],
    }
    policy = staff_client.get("/admin/")["Content-Security-Policy"]
    connect = next(part for part in policy.split(";") if part.strip().startswith("connect-src"))
    assert "http://127.0.0.1:9999" in connect
    assert "'unsafe-eval'" in next(part for part in policy.split(";") if part.strip().startswith("script-src"))


def test_every_model_staff_may_open_has_a_place_in_the_sidebar(staff):
    """A model registered in admin but missing from backoffice/sidebar.py is only reachable from the
    dashboard's list: new registrations must find a job to sit under."""
    from django.contrib import admin

    linked = {link.split("?")[0] for link in sidebar_links(staff)}
    registered = {
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"): model._meta.label
        for model in admin.site._registry
    }
    missing = sorted(label for link, label in registered.items() if link not in linked)
    assert missing == []


def test_every_admin_page_uses_the_theme_even_django_and_allauths_own(staff_client):
    from django.contrib import admin
    from unfold.admin import ModelAdmin as ThemedModelAdmin

    stock = sorted(
        label
        for model, ma in admin.site._registry.items()
        if not isinstance(ma, ThemedModelAdmin)
        for label in [model._meta.label]
    )
    assert stock == []
    # Their pages still work: Django's group form with its permission picker, allauth's lists.
    for name in (
        "auth_group_add",
        "sites_site_changelist",
        "account_emailaddress_changelist",
        "mfa_authenticator_changelist",
    ):
        assert staff_client.get(reverse(f"admin:{name}")).status_code == 200, name
