import json
import re
from decimal import Decimal

import pytest

from courses.models import Course, Section
from lessons.models import Lesson

pytestmark = pytest.mark.django_db


@pytest.fixture
def part107(make_course, ian, ada):
    course = make_course(
        title="FAA Part 107 Exam Prep",
        summary="Pass the Remote Pilot knowledge test.",
        description="## What you learn\n\nAirspace and **weather**.",
        price=Decimal("199"),
        level=Course.Level.BEGINNER,
        format=Course.Format.HYBRID,
        estimated_hours=Decimal("12"),
        instructors=[ian, ada],
    )
    airspace = Section.objects.create(course=course, title="Airspace", order=1)
    weather = Section.objects.create(course=course, title="Weather", order=2)
    Lesson.objects.create(
        section=airspace, title="Classes of airspace", slug="classes", order=1, duration_seconds=600, is_preview=True
    )
    Lesson.objects.create(section=airspace, title="Sectional charts", slug="charts", order=2, duration_seconds=1500)
    Lesson.objects.create(section=weather, title="METARs and TAFs", slug="metars", order=1, duration_seconds=1800)
    return course


def text(response) -> str:
    return " ".join(response.content.decode().split())


def test_syllabus_with_durations_total_and_preview_links(client, part107):
    response = client.get("/courses/" + part107.slug + "/")
    assert response.status_code == 200
    page = text(response)
    assert "<h1>FAA Part 107 Exam Prep</h1>" in page
    assert "2 sections · 3 lessons · 1 h 05 min total" in page
    assert '<h3>Airspace <span class="duration">(35 min)</span></h3>' in page
    assert page.index("Classes of airspace") < page.index("Sectional charts") < page.index("METARs and TAFs")
    assert "Duration: </span>25:00" in page
    # The preview lesson links to the player; the others are listed but not linked.
    assert (
        f'<a href="/learn/{part107.slug}/classes/">Classes of airspace</a> <span class="badge badge-success">' in page
    )
    assert f'href="/learn/{part107.slug}/charts/"' not in page


def test_facts_instructors_and_markdown_description(client, part107):
    page = text(client.get(part107.get_absolute_url()))
    assert "<dt>Price</dt><dd>$199</dd>" in page
    assert "<dt>Level</dt><dd>Beginner</dd>" in page
    assert "<dt>Format</dt><dd>Hybrid (online + flight day)</dd>" in page
    assert "About 12 hours" in page
    assert "<h2>What you learn</h2>" in page and "<strong>weather</strong>" in page
    assert "Your instructors" in page
    assert '<h3><a href="/instructors/ada-aviator/">Ada Aviator</a></h3>' in page
    assert "Mapping and inspection specialist." in page
    assert '<h3><a href="/instructors/ian-instructor/">Ian Instructor</a></h3>' in page
    assert "Part 107 pilot since 2016." in page


def test_prerequisites_are_listed_and_linked(client, make_course, part107):
    advanced = make_course(title="Advanced Inspection")
    advanced.prerequisites.add(part107)
    page = text(client.get(advanced.get_absolute_url()))
    assert '<h2 id="prerequisites-heading">Prerequisites</h2>' in page
    assert f'<a href="{part107.get_absolute_url()}">FAA Part 107 Exam Prep</a>' in page


def test_enroll_box_is_on_the_page(client, part107):
    page = text(client.get(part107.get_absolute_url()))
    # For a visitor, a link through the login page (the page holds no CSRF token, so it can be cached whole).
    assert f'<a class="button" href="/courses/{part107.slug}/enroll/">Enroll for $199</a>' in page
    assert "You will be asked to log in or sign up first." in page


def test_script_in_a_description_never_reaches_the_page(client, make_course):
    course = make_course(
        title="Sneaky",
        description='Hi <script>alert("x")</script><img src=x onerror="alert(1)"> [link](javascript:alert(2))',
    )
    html = client.get(course.get_absolute_url()).content.decode()
    assert "alert(" not in html
    assert "onerror" not in html
    assert "javascript:" not in html
    assert "<p>Hi" in html


def test_unknown_course_is_404(client):
    assert client.get("/courses/no-such-course/").status_code == 404


@pytest.mark.parametrize("status", [Course.Status.DRAFT, Course.Status.ARCHIVED])
def test_drafts_are_hidden_from_the_public_and_other_instructors(client, make_course, ian, ada, outsider, status):
    course = make_course(title="Work in progress", status=status, instructors=[ian])
    assert client.get(course.get_absolute_url()).status_code == 404
    client.force_login(outsider)
    assert client.get(course.get_absolute_url()).status_code == 404
    client.force_login(ada.user)  # an instructor, is_staff, with view_course: still not hers
    assert client.get(course.get_absolute_url()).status_code == 404


def test_drafts_show_to_their_instructors_and_staff_with_a_banner(client, make_course, ian, school_staff, staff):
    course = make_course(title="Work in progress", status=Course.Status.DRAFT, instructors=[ian])
    for user in (ian.user, school_staff, staff):
        client.force_login(user)
        response = client.get(course.get_absolute_url())
        assert response.status_code == 200
        page = text(response)
        assert "<strong>Draft:</strong> only instructors and staff can see this page." in page
        assert '<meta name="robots" content="noindex, nofollow">' in page
        assert "application/ld+json" not in page


def test_published_page_has_no_banner(client, part107):
    assert "only instructors and staff can see this page" not in text(client.get(part107.get_absolute_url()))


def test_seo_title_description_opengraph_and_json_ld(client, part107, settings):
    response = client.get(part107.get_absolute_url())
    html = response.content.decode()
    url = f"{settings.SITE_URL}/courses/{part107.slug}/"
    assert "<title>FAA Part 107 Exam Prep · Boston Drone School</title>" in html
    assert '<meta name="description" content="Pass the Remote Pilot knowledge test.">' in html
    assert '<meta property="og:title" content="FAA Part 107 Exam Prep">' in html
    assert '<meta property="og:description" content="Pass the Remote Pilot knowledge test.">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert f'<link rel="canonical" href="{url}">' in html

    # A data block is never executed, so it needs no CSP nonce (and the page stays cacheable).
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "JSON-LD block missing"
    [payload] = match.groups()
    data = json.loads(payload)
    assert data["@type"] == "Course"
    assert data["name"] == "FAA Part 107 Exam Prep"
    assert data["url"] == url
    assert data["provider"]["name"] == "Boston Drone School"
    assert data["offers"] == {"@type": "Offer", "category": "Paid", "price": "199.00", "priceCurrency": "USD"}
    assert data["hasCourseInstance"]["courseMode"] == "blended"
    assert data["hasCourseInstance"]["courseWorkload"] == "PT12H"
    assert {person["name"] for person in data["hasCourseInstance"]["instructor"]} == {"Ian Instructor", "Ada Aviator"}


def test_json_ld_cannot_be_broken_out_of(client, make_course):
    course = make_course(title="</script><script>alert(1)</script>", summary="a & b <i>")
    html = client.get(course.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    payload = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S).group(1)
    assert json.loads(payload)["name"] == "</script><script>alert(1)</script>"
    assert json.loads(payload)["description"] == "a & b <i>"


def test_sitemap_lists_home_catalog_and_published_courses_only(client, make_course, part107, settings):
    draft = make_course(title="Hidden", status=Course.Status.DRAFT)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    xml = response.content.decode()
    assert f"<loc>{settings.SITE_URL}/</loc>" in xml
    assert f"<loc>{settings.SITE_URL}/courses/</loc>" in xml
    assert f"<loc>{settings.SITE_URL}/courses/{part107.slug}/</loc>" in xml
    assert draft.slug not in xml
    assert "example.com" not in xml


def test_robots_txt(client, settings):
    settings.SITE_URL = "https://bostondroneschool.test"
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    for path in ("/admin/", "/accounts/", "/learn/", "/payments/", "/dashboard/"):
        assert f"Disallow: {path}" in lines
    assert "Sitemap: https://bostondroneschool.test/sitemap.xml" in lines


def test_pages_answer_head_and_refuse_post(client, part107):
    for url in ("/courses/", part107.get_absolute_url(), "/robots.txt"):
        assert client.head(url).status_code == 200, url
        assert client.post(url).status_code == 405, url
