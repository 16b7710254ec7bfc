"""The site's frame and home page: what a visitor sees, landmarks, error pages, query counts."""

import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.template.loader import get_template
from django.test import RequestFactory
from django.utils import timezone
from django.views import defaults

from courses.models import Category, Course
from flights.models import FlightSession


@pytest.fixture
def mapping(db):
    return Category.objects.create(name="Mapping and surveying", slug="mapping", order=2)


@pytest.fixture
def part_107(db):
    return Category.objects.create(name="Part 107 prep", slug="part-107", order=1)


def make_course(category, slug, **fields):
    values = {
        "title": slug.replace("-", " ").title(),
        "summary": f"Summary of {slug}.",
        "status": Course.Status.PUBLISHED,
        "is_featured": True,
        "price": Decimal("249.00"),
    }
    values.update(fields)
    return Course.objects.create(slug=slug, category=category, **values)


def make_session(course, *, days_ahead, **fields):
    starts_at = timezone.now() + timedelta(days=days_ahead)
    values = {"location_name": "Danehy Park, Cambridge", "location_address": "99 Sherman St, Cambridge, MA"}
    values.update(fields)
    return FlightSession.objects.create(
        course=course, starts_at=starts_at, ends_at=starts_at + timedelta(hours=4), **values
    )


def html(response) -> str:
    return response.content.decode()


@pytest.mark.django_db
def test_home_shows_featured_courses_sessions_and_categories(client, part_107, mapping):
    ground_school = make_course(
        part_107,
        "part-107-ground-school",
        title="Part 107 Ground School",
        summary="Everything on the FAA knowledge test.",
        level=Course.Level.BEGINNER,
        format=Course.Format.ONLINE,
    )
    make_course(
        mapping, "photogrammetry", title="Photogrammetry Basics", price=Decimal("0"), cover_image="covers/grid.jpg"
    )
    make_course(mapping, "hidden-draft", title="Secret Draft Course", status=Course.Status.DRAFT)
    make_course(mapping, "not-featured", title="Unfeatured Course", is_featured=False)
    make_session(ground_school, days_ahead=9, location_name="Harambee Park, Dorchester", capacity=6)
    make_session(ground_school, days_ahead=-3, location_name="Field In The Past")

    response = client.get("/")

    assert response.status_code == 200
    assert [template.name for template in response.templates][:2] == ["home.html", "base.html"]
    page = html(response)
    # Featured, published courses only, each linking to its page with its facts.
    assert "Part 107 Ground School" in page
    assert 'href="/courses/part-107-ground-school/"' in page
    assert "Everything on the FAA knowledge test." in page
    assert "Beginner" in page
    assert "Online" in page
    assert "$249" in page
    assert "Photogrammetry Basics" in page and "Free" in page
    # A course with a cover shows it; one without gets the drawn placeholder.
    assert '<img src="/media/covers/grid.jpg" alt=""' in page
    assert page.count("card-media-placeholder") == 1
    assert "Secret Draft Course" not in page
    assert "Unfeatured Course" not in page
    # Upcoming sessions only.
    assert "Harambee Park, Dorchester" in page
    assert "6 seats" in page
    assert "Field In The Past" not in page
    # Categories link into the filtered catalog, in their configured order, with published counts.
    assert 'href="/courses/?category=part-107"' in page
    assert 'href="/courses/?category=mapping"' in page
    assert page.index("Part 107 prep") < page.index("Mapping and surveying")
    assert re.search(r"Mapping and surveying<small>2 courses</small>", page)
    # The "why learn with us" section is there.
    assert "Why learn with us" in page


@pytest.mark.django_db
def test_home_has_helpful_empty_states(client):
    page = html(client.get("/"))
    assert "New courses are on the way" in page
    assert "No flight sessions on the calendar right now" in page
    assert "Course categories will appear here" in page


@pytest.mark.django_db
def test_layout_has_landmarks_skip_link_and_head_metadata(client):
    page = html(client.get("/"))
    assert '<a class="skip-link" href="#main">Skip to main content</a>' in page
    assert '<main id="main"' in page
    assert page.count("<main") == 1
    assert '<header class="site-header">' in page
    assert '<nav class="site-nav" aria-label="Main">' in page
    assert '<footer class="site-footer">' in page
    assert "Boston, MA" in page  # the school's address in the footer
    assert '<html lang="en">' in page
    assert '<meta name="theme-color" content="#0c2340">' in page
    assert re.search(r'<link rel="icon" href="/static/img/favicon.svg"', page)
    assert re.search(r'<link rel="stylesheet" href="/static/css/site.css">', page)
    # The small-screen menu is a <details> disclosure: it works without JavaScript.
    assert '<details class="mobile-menu">' in page
    # Every heading level is used in order: exactly one h1 on the page.
    assert page.count("<h1") == 1


@pytest.mark.django_db
def test_visitor_sees_log_in_and_sign_up(client):
    page = html(client.get("/"))
    assert 'href="/accounts/login/"' in page
    assert 'href="/accounts/signup/"' in page
    assert 'href="/dashboard/"' not in page
    assert "/accounts/logout/" not in page


@pytest.mark.django_db
def test_logged_in_student_sees_account_menu_with_post_logout(client, student):
    client.force_login(student)
    page = html(client.get("/"))
    assert "Sam" in page  # short name in the account menu
    assert 'href="/accounts/me/">My account</a>' in page
    assert 'href="/dashboard/"' in page and "My courses" in page
    assert re.search(r'<form method="post" action="/accounts/logout/" class="logout-form">', page)
    assert 'name="csrfmiddlewaretoken"' in page
    assert 'href="/accounts/login/"' not in page
    # Students are not offered the admin.
    assert 'href="/admin/"' not in page


@pytest.mark.django_db
def test_current_section_is_marked_in_navigation(client):
    page = html(client.get("/courses/"))
    assert '<a href="/courses/" aria-current="page">Courses</a>' in page
    assert '<a href="/flights/">Flight sessions</a>' in page


@pytest.mark.django_db
def test_messages_are_shown_in_a_live_region(client, student):
    from django.contrib.messages import constants, get_messages

    client.force_login(student)
    session_response = client.get("/")
    request = session_response.wsgi_request
    storage = get_messages(request)
    storage.add(constants.SUCCESS, "Welcome aboard, pilot.")
    storage.update(session_response)
    client.cookies.update(session_response.cookies)

    page = html(client.get("/"))

    assert '<div class="messages-region" role="status" aria-live="polite">' in page
    assert '<li class="message message-success">Welcome aboard, pilot.</li>' in page


@pytest.mark.django_db
def test_unknown_address_renders_the_404_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "404.html" in [template.name for template in response.templates]
    page = html(response)
    assert "This page has flown out of range" in page
    assert '<form class="error-search" method="get" action="/courses/" role="search">' in page
    assert '<a class="skip-link" href="#main">' in page


@pytest.mark.django_db
def test_403_page_offers_log_in_to_visitors(rf):
    request = rf.get("/dashboard/secret/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = defaults.permission_denied(request, exception=PermissionError())
    assert response.status_code == 403
    page = html(response)
    assert "This area is restricted" in page
    assert 'href="/accounts/login/?next=/dashboard/secret/"' in page


def test_500_page_renders_without_database_or_context_processors():
    # No django_db mark: any query raises. Django renders 500.html with an empty Context.
    response = defaults.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    page = html(response)
    assert "Something went wrong on our side" in page
    assert '<link rel="stylesheet" href="/static/css/site.css">' in page
    assert '<a class="skip-link" href="#main">' in page
    assert "<main" in page and "<footer" in page


def test_400_and_503_pages_are_self_contained():
    page_400 = html(defaults.bad_request(RequestFactory().get("/"), exception=ValueError()))
    assert "We couldn&rsquo;t understand that request" in page_400
    page_503 = get_template("503.html").render()
    assert "be right back" in page_503 and "temporarily unavailable" in page_503
    assert "Boston Drone School" in page_503


@pytest.mark.django_db
@pytest.mark.parametrize("featured", [1, 20])
def test_home_query_count_does_not_grow_with_courses(client, django_assert_num_queries, part_107, featured):
    for number in range(featured):
        course = make_course(part_107, f"course-{number}", title=f"Course {number:02d}")
        make_session(course, days_ahead=number + 1)

    # Featured courses, upcoming sessions, categories: one query each, whatever the row counts.
    with django_assert_num_queries(3):
        response = client.get("/")

    assert response.status_code == 200
    page = html(response)
    assert "Course 00" in page
    # The home page shows a short selection, not the whole catalog.
    assert page.count('class="card card-link-stretch"') == min(featured, 6)
    assert page.count('class="session"') == min(featured, 4)


@pytest.mark.django_db
def test_every_static_file_a_page_references_exists(client):
    """A missing file would break the page in production, where static names are looked up in a manifest."""
    from django.contrib.staticfiles import finders

    pages = [html(client.get("/")), html(client.get("/missing/")), get_template("500.html").render()]
    referenced = {path for page in pages for path in re.findall(r'(?:href|src)="/static/([^"]+)"', page)}
    assert {"css/site.css", "img/favicon.svg", "js/site.js", "img/hero.svg"} <= referenced
    for path in referenced:
        assert finders.find(path), path
    stylesheet = Path(finders.find("css/site.css")).read_text()
    for path in re.findall(r'url\("\.\./([^"]+)"\)', stylesheet):
        assert finders.find(path), path


@pytest.fixture
def media_files(settings):
    covers = settings.MEDIA_ROOT / "covers"
    covers.mkdir(parents=True)
    (covers / "field.png").write_bytes(b"\x89PNG cover")
    private = settings.MEDIA_ROOT / "private"
    private.mkdir()
    (private / "lesson.mp4").write_bytes(b"paid video")
    return settings.MEDIA_ROOT


def test_covers_are_served_from_local_media_while_developing(client, settings, media_files):
    settings.DEBUG = True
    response = client.get("/media/covers/field.png")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\x89PNG cover"


@pytest.mark.parametrize("path", ["/media/private/lesson.mp4", "/media/covers/../private/lesson.mp4"])
def test_private_files_are_never_served_as_public_media(client, settings, media_files, path):
    settings.DEBUG = True
    assert client.get(path).status_code == 404


@pytest.mark.django_db
def test_public_media_route_is_off_in_production(client, settings, media_files):
    settings.DEBUG = False
    assert client.get("/media/covers/field.png").status_code == 404
