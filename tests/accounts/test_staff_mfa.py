"""Every page a staff or instructor role unlocks needs the same second factor as /admin/ (issue 18, item 4).

Two halves. The static half walks every URL pattern outside /admin/ (which the admin middleware
covers), reads each view's source, and follows the project functions it calls to find any check of
a role; every such view must carry accounts.decorators.staff_view_with_mfa. The role checks are
found from a few primitives (is_staff, has_perm, groups...) by following, across the whole project,
every function or method whose body uses one, so a new helper like `roster_visible_to` is caught
without listing it here. The dynamic half requests every marked URL as a staff member and as an
instructor, without and then with an authenticator.
"""

import ast
import importlib
import inspect
import pkgutil
import re
import textwrap
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from courses.models import Instructor
from tests.conftest import mfa_enable

PROJECT_PACKAGES = ("accounts", "bds", "courses", "enrollments", "flights", "lessons", "payments")
# Attributes and decorators that by themselves check who someone is in the school.
ROLE_PRIMITIVES = {
    "is_staff",
    "is_superuser",
    "has_perm",
    "has_perms",
    "has_module_perms",
    "groups",
    "permission_required",
    "user_passes_test",
    "staff_member_required",
}
# The gate itself, admin-only code (behind the admin's own MFA requirement), and commands.
NOT_SCANNED = ("accounts.middleware", "accounts.decorators", ".admin", ".migrations", ".management", ".tests")


def _project_modules():
    base = Path(settings.BASE_DIR)
    for package in PROJECT_PACKAGES:
        yield package
        for info in pkgutil.walk_packages([str(base / package)], prefix=f"{package}."):
            yield info.name


def _scanned(module_name: str) -> bool:
    return not any(part in module_name for part in NOT_SCANNED)


def _role_checking_names() -> set[str]:
    """Names of project functions and methods that check a role, directly or through one another."""
    bodies: dict[str, list[set[str]]] = {}
    for name in _project_modules():
        if not _scanned(name):
            continue
        module = importlib.import_module(name)
        try:
            tree = ast.parse(inspect.getsource(module))
        except (OSError, TypeError):
            continue
        # Module functions and class methods by name; a nested function (a decorator's `wrapper`)
        # counts as part of the function around it, so common inner names do not collide.
        for node in tree.body:
            for function in node.body if isinstance(node, ast.ClassDef) else [node]:
                if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                    bodies.setdefault(function.name, []).append(_identifiers(function))
    checking = set(ROLE_PRIMITIVES)
    while True:
        grown = {name for name, uses in bodies.items() if any(used & checking for used in uses)} | checking
        if grown == checking:
            return checking
        checking = grown


def _identifiers(node) -> set[str]:
    found = set()
    # `user.groups.add(students)` (signing up) changes membership; it checks nothing.
    changed = {
        id(child.value)
        for child in ast.walk(node)
        if isinstance(child, ast.Attribute) and child.attr in {"add", "set", "clear", "remove"}
    }
    for child in ast.walk(node):
        if id(child) in changed:
            continue
        # Reads only: `user.is_staff = False` (closing an account) checks nothing.
        if isinstance(child, ast.Name) and not isinstance(child.ctx, ast.Store):
            found.add(child.id)
        elif isinstance(child, ast.Attribute) and not isinstance(child.ctx, ast.Store):
            found.add(child.attr)
    return found


def _view_functions(callback):
    """(what carries the mark, the function whose source is read) for each view behind a URL's
    callback; a django-ninja API path yields each of its operations."""
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return [(callback, view_class)]
    # django-ninja: the URL's callback closes over the PathView that holds the API's operations.
    for cell in getattr(callback, "__closure__", None) or ():
        operations = getattr(cell.cell_contents, "operations", None)
        if isinstance(operations, list):
            return [(operation.view_func, inspect.unwrap(operation.view_func)) for operation in operations]
    return [(callback, inspect.unwrap(callback))]


def _checks_a_role(function, checking: set[str]) -> bool:
    module = getattr(function, "__module__", "") or ""
    if not module.startswith(PROJECT_PACKAGES):
        return False
    source = textwrap.dedent(inspect.getsource(function))  # decorators included
    return bool(_identifiers(ast.parse(source)) & checking)


def _url_patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _url_patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield route, entry


def _outside_admin():
    admin_prefix = reverse("admin:index").lstrip("/")
    return [(route, pattern) for route, pattern in _url_patterns() if not route.startswith(admin_prefix)]


def test_every_view_that_checks_a_role_outside_admin_requires_mfa():
    checking = _role_checking_names()
    # The walk finds the checks it must: the flight roster's own helper among them.
    assert {"roster_visible_to", "visible_to", "course_staffed_by"} <= checking
    unmarked = sorted(
        f"{route} ({function.__qualname__})"
        for route, pattern in _outside_admin()
        for marked, function in _view_functions(pattern.callback)
        if _checks_a_role(function, checking) and not getattr(marked, "staff_view_requires_mfa", False)
    )
    assert unmarked == []


# A value of the right shape for each path converter: the gate answers before any lookup, and past
# it a missing object is the view's own 404 (which is "let through" for this test).
_SAMPLE = {
    "int": "987654",
    "slug": "no-such-thing",
    "str": "no-such-thing",
    "path": "no-such-thing",
    "uuid": "00000000-0000-0000-0000-000000000000",
}


def _marked_paths() -> list[str]:
    paths = []
    for route, pattern in _outside_admin():
        if not getattr(pattern.callback, "staff_view_requires_mfa", False):
            continue  # API operations carry the mark themselves: test_api_lesson_endpoints_need_mfa
        assert "(?P" not in route, f"{route}: give the test a sample path for this regex route"
        paths.append("/" + re.sub(r"<(?:(\w+):)?\w+>", lambda match: _SAMPLE[match.group(1) or "str"], route))
    return paths


@pytest.fixture
def school_staff(django_user_model, password):
    return django_user_model.objects.create_user(
        email="sol.staff@example.com", password=password, full_name="Sol Staff", is_staff=True, is_superuser=True
    )


@pytest.fixture
def profile_instructor(django_user_model, password):
    """An instructor by teaching profile alone (no group, not is_staff): a session roster opens to that."""
    user = django_user_model.objects.create_user(
        email="ian.instructor@example.com", password=password, full_name="Ian Instructor"
    )
    Instructor.objects.create(user=user)
    return user


def _refused_for_mfa(response) -> bool:
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")
    )


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["school_staff", "profile_instructor"])
def test_marked_views_refuse_a_role_without_mfa_and_allow_it_with_mfa(client, request, persona):
    user = request.getfixturevalue(persona)
    paths = _marked_paths()
    assert reverse("flights:roster", args=[1]).replace("1", "987654") in paths
    client.force_login(user)
    for path in paths:
        for method in (client.get, client.post):
            assert _refused_for_mfa(method(path)), f"{method.__name__.upper()} {path} let {persona} in without MFA"
    mfa_enable(user)
    for path in paths:
        for method in (client.get, client.post):
            response = method(path)
            assert not _refused_for_mfa(response), f"{method.__name__.upper()} {path}: {response.status_code}"


@pytest.mark.django_db
def test_students_pass_the_gate_without_mfa(client, student):
    client.force_login(student)
    for path in _marked_paths():
        assert not _refused_for_mfa(client.get(path)), path


@pytest.mark.django_db
def test_api_lesson_endpoints_need_mfa_for_what_the_instructor_role_unlocks(client, django_user_model, password):
    """A course's instructor previews its locked lessons through the API too: with a token from a
    password alone that is refused; with an authenticator (the login then needs its code) it works."""
    from allauth.account.models import EmailAddress

    from courses.models import Category, Course, Section
    from lessons.models import Lesson

    user = django_user_model.objects.create_user(
        email="ina.instructor@example.com", password=password, full_name="Ina Instructor"
    )
    Instructor.objects.create(user=user)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    category = Category.objects.create(name="Operations", slug="operations")
    course = Course.objects.create(
        slug="night-ops", title="Night operations", category=category, status=Course.Status.PUBLISHED
    )
    course.instructors.add(user.instructor)
    lesson = Lesson.objects.create(
        section=Section.objects.create(course=course, title="Lights", order=1), title="Anti-collision", slug="acl"
    )
    token = client.post(
        "/api/v1/auth/token", {"email": user.email, "password": password}, content_type="application/json"
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}

    refused = client.post(f"/api/v1/me/lessons/{lesson.pk}/complete", headers=headers)
    assert refused.status_code == 403 and "two-factor" in refused.json()["title"]
    assert client.get(f"/api/v1/me/lessons/{lesson.pk}/media", headers=headers).status_code == 403

    mfa_enable(user)
    assert client.post(f"/api/v1/me/lessons/{lesson.pk}/complete", headers=headers).status_code == 200


@pytest.mark.django_db
def test_every_url_under_admin_is_behind_the_admin_mfa_requirement(client, school_staff):
    """The walk above leaves /admin/ to AdminRequiresMFAMiddleware; that includes the pages mounted
    there from outside admin.site (reports, bulk email, email previews, direct uploads)."""
    admin_prefix = reverse("admin:index").lstrip("/")
    under_admin = [
        "/" + re.sub(r"<(?:(\w+):)?\w+>", lambda match: _SAMPLE[match.group(1) or "str"], route)
        for route, _pattern in _url_patterns()
        if route.startswith(admin_prefix) and "(?P" not in route and "^" not in route
    ]
    assert {"/admin/reports/roster.csv", "/admin/emails/", "/admin/uploads/start"} <= set(under_admin)
    client.force_login(school_staff)
    for path in under_admin:
        for method in (client.get, client.post):
            assert _refused_for_mfa(method(path)), f"{method.__name__.upper()} {path}"
