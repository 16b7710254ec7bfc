import re
from decimal import Decimal

import pytest
from django.db import connection

from courses.models import Category, Course

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    """Course titles in the order the results list shows them."""
    results = response.content.decode().split('id="results-heading"', 1)[1]
    return re.findall(r'<h3><a href="/courses/[^"]+/">([^<]+)</a></h3>', results)


@pytest.fixture
def school(make_course, category):
    mapping = Category.objects.create(name="Mapping", slug="mapping")
    return {
        "part107": make_course(
            title="FAA Part 107 Exam Prep",
            summary="Pass the Remote Pilot knowledge test.",
            description="Airspace, weather and regulations.",
            price=Decimal("199"),
            level=Course.Level.BEGINNER,
        ),
        "flight_day": make_course(
            title="Hands-on Flight Day",
            summary="Fly with an instructor at the field.",
            description="Bring your Part 107 certificate if you have one.",
            format=Course.Format.IN_PERSON,
            price=Decimal("349"),
            level=Course.Level.INTERMEDIATE,
        ),
        "mapping": make_course(
            title="Drone Mapping Basics",
            summary="Photogrammetry for surveyors.",
            category=mapping,
            level=Course.Level.ADVANCED,
            format=Course.Format.HYBRID,
        ),
        "draft": make_course(title="Secret Part 107 Draft", status=Course.Status.DRAFT),
    }


def test_search_finds_part_107_courses_and_ranks_title_matches_first(client, school):
    response = client.get("/courses/", {"q": "part 107"})
    assert response.status_code == 200
    # A title match beats a mention in the description (PostgreSQL weights A and C; the SQLite
    # fallback ranks where the whole phrase appears).
    assert titles(response) == ["FAA Part 107 Exam Prep", "Hands-on Flight Day"]
    assert "2 courses matching “part 107”" in " ".join(response.content.decode().split())


def test_search_never_lists_drafts(client, school):
    assert "Secret Part 107 Draft" not in client.get("/courses/", {"q": "secret"}).content.decode()
    assert "Secret Part 107 Draft" not in client.get("/courses/").content.decode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"format": "in_person"}, {"Hands-on Flight Day"}),
        ({"format": "hybrid"}, {"Drone Mapping Basics"}),
        ({"category": "mapping"}, {"Drone Mapping Basics"}),
        ({"level": "intermediate"}, {"Hands-on Flight Day"}),
        ({"price": "free"}, {"Drone Mapping Basics"}),
        ({"price": "paid"}, {"FAA Part 107 Exam Prep", "Hands-on Flight Day"}),
        ({"price": "paid", "level": "beginner"}, {"FAA Part 107 Exam Prep"}),
        ({"q": "photogrammetry", "category": "mapping"}, {"Drone Mapping Basics"}),
    ],
)
def test_filters(client, school, params, expected):
    assert set(titles(client.get("/courses/", params))) == expected


@pytest.mark.parametrize(
    "params",
    [
        {"format": "underwater"},
        {"price": "cheap"},
        {"level": "<script>"},
        {"category": "no-such-category"},
        {"sort": "random"},
        {"page": "abc"},
        {"page": "-3"},
        {"page": "99999999999999999999"},
        {"q": "   "},
        {"sort": "relevance"},
    ],
)
def test_invalid_filter_values_are_ignored(client, school, params):
    response = client.get("/courses/", params)
    assert response.status_code == 200
    assert set(titles(response)) == {"FAA Part 107 Exam Prep", "Hands-on Flight Day", "Drone Mapping Basics"}
    assert "&lt;script&gt;" not in response.content.decode()


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("title", ["Drone Mapping Basics", "FAA Part 107 Exam Prep", "Hands-on Flight Day"]),
        ("price", ["Drone Mapping Basics", "FAA Part 107 Exam Prep", "Hands-on Flight Day"]),
        ("newest", ["Drone Mapping Basics", "Hands-on Flight Day", "FAA Part 107 Exam Prep"]),
    ],
)
def test_sort(client, school, sort, expected):
    # make_course publishes in creation order, so the mapping course is the newest.
    assert titles(client.get("/courses/", {"sort": sort})) == expected


def test_the_default_order_puts_featured_courses_first(client, school):
    """Issue 22: "Newest" by default put the flagship Part 107 course last."""
    Course.objects.filter(pk__in=[school["part107"].pk, school["mapping"].pk]).update(is_featured=True)
    response = client.get("/courses/")
    # Featured first (the longest-running of them first), then the rest.
    assert titles(response) == ["FAA Part 107 Exam Prep", "Drone Mapping Basics", "Hands-on Flight Day"]
    assert '<option value="featured" selected>Featured</option>' in response.content.decode()


def test_filters_form_works_without_javascript_and_shows_chosen_values(client, school):
    html = client.get("/courses/", {"format": "in_person", "q": "flight", "price": "bogus"}).content.decode()
    assert '<form class="form catalog-filters" method="get" action="/courses/"' in html
    assert '<option value="in_person" selected>' in html
    assert 'name="q" value="flight"' in html
    assert '<option value="" selected>Any price</option>' in html  # the invalid value is not echoed
    assert '<label for="id_format">Format</label>' in html
    # Category links keep the other filters and work as plain links.
    assert 'href="?q=flight&amp;format=in_person&amp;category=mapping"' in html


def test_pagination_twelve_per_page_with_links_that_keep_the_filters(client, make_course):
    for n in range(30):
        make_course(title=f"Online course {n:02d}", format=Course.Format.ONLINE)
    make_course(title="Field day", format=Course.Format.IN_PERSON)

    first = client.get("/courses/", {"format": "online", "sort": "title"})
    assert titles(first) == [f"Online course {n:02d}" for n in range(12)]
    html = first.content.decode()
    assert "30 courses, page 1 of 3" in " ".join(html.split())
    assert 'href="?format=online&amp;sort=title&amp;page=2" rel="next"' in html
    assert 'href="?format=online&amp;sort=title&amp;page=3"' in html

    third = client.get("/courses/", {"format": "online", "sort": "title", "page": "3"})
    assert titles(third) == [f"Online course {n:02d}" for n in range(24, 30)]
    assert 'href="?format=online&amp;sort=title&amp;page=2" rel="prev"' in third.content.decode()
    assert 'aria-current="page"><span class="visually-hidden">Page </span>3<' in third.content.decode()


def test_empty_results_say_so_with_a_clear_filters_link(client, school):
    response = client.get("/courses/", {"q": "helicopter", "format": "online"})
    html = response.content.decode()
    assert response.status_code == 200
    assert titles(response) == []
    assert "0 courses matching “helicopter”" in " ".join(html.split())
    assert 'class="empty-state"' in html
    assert "No courses match “helicopter” with these filters." in html
    assert '<a class="button-secondary" href="/courses/">Clear filters</a>' in html


def test_catalog_titles_and_meta(client, school):
    html = client.get("/courses/", {"category": "mapping"}).content.decode()
    assert "<title>Mapping Courses · Boston Drone School</title>" in html
    assert '<meta name="description" content="Drone courses at' in html
    assert '<meta property="og:title"' in html
    assert '<meta name="robots" content="noindex, follow">' in html  # filtered views are not indexed


@pytest.mark.postgres
def test_postgres_search_uses_the_gin_index(school):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL full-text search")
    queryset = Course.objects.search("part 107")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = queryset.explain()
    assert "courses_course_search_gin" in plan
    # Stemming: "regulation" finds "regulations".
    assert list(Course.objects.published().search("regulation").values_list("title", flat=True)) == [
        "FAA Part 107 Exam Prep"
    ]


def test_active_filters_have_remove_links(client, school):
    response = client.get("/courses/", {"q": "flight", "format": "in_person", "sort": "title"})
    html = " ".join(response.content.decode().split())
    remove = '<span class="visually-hidden">Remove filter </span>'
    assert f'<a class="badge" href="?format=in_person&amp;sort=title">{remove}Search courses: flight' in html
    assert f'<a class="badge" href="?q=flight&amp;sort=title">{remove}Format: In person' in html
    assert '<p><a href="/courses/">Clear filters</a></p>' in html


@pytest.mark.parametrize("q", ['!!! & | ( :* "', "the", "-", "'; DROP TABLE courses_course; --"])
def test_odd_search_text_is_harmless(client, school, q):
    response = client.get("/courses/", {"q": q})
    assert response.status_code == 200
    assert "Secret Part 107 Draft" not in response.content.decode()
    assert Course.objects.count() == 4


def test_title_matches_rank_above_alphabetical_order(client, make_course):
    make_course(title="Airspace Basics", summary="Where you may fly.", description="Covers part 107 airspace rules.")
    make_course(title="Zero to Part 107", summary="Exam prep.")
    make_course(title="Battery Care", summary="Part 107 pilots keep their batteries healthy.")
    assert titles(client.get("/courses/", {"q": "part 107"})) == ["Zero to Part 107", "Battery Care", "Airspace Basics"]
    # An explicit sort still wins over relevance.
    assert titles(client.get("/courses/", {"q": "part 107", "sort": "title"}))[0] == "Airspace Basics"
