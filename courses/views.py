"""Public catalog and course pages, plus robots.txt. Views parse, call QuerySet methods and render;
the expensive, user-independent parts are cached as HTML under versioned keys (courses/cache.py)."""

import hashlib
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from core.page_cache import cache_page_for_visitors
from courses.cache import catalog_cache_version, public_pages_version
from courses.forms import CatalogFilterForm
from courses.models import Category, Course, Instructor
from courses.seo import absolute_url, instructor_json_ld

CATALOG_PAGE_SIZE = 12
# Past this, page numbers are clamped: it bounds the distinct cache keys a crawler can create.
CATALOG_MAX_PAGE = 500


def _page_number(raw: str | None) -> int:
    try:
        return min(max(int(raw or 1), 1), CATALOG_MAX_PAGE)
    except ValueError:
        return 1


def _catalog_url(values: dict[str, str], page: int = 1) -> str:
    params = values | ({"page": str(page)} if page > 1 else {})
    return f"?{urlencode(params)}" if params else "?"


def _catalog_results_html(values: dict[str, str], sort: str, page_number: int) -> str:
    """The results column (count, cards, pagination, empty state) as HTML: the same for every visitor."""
    filters = {name: values.get(name, "") for name in CatalogFilterForm.FILTER_FIELDS}
    courses = Course.objects.for_catalog(q=values.get("q", ""), sort=sort, **filters)
    page = Paginator(courses, CATALOG_PAGE_SIZE).get_page(page_number)
    page_links = [
        {"number": number, "url": _catalog_url(values, number), "current": number == page.number}
        if isinstance(number, int)
        else {"ellipsis": True}
        for number in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]
    return render_to_string(
        "courses/_catalog_results.html",
        {
            "page": page,
            "courses": page.object_list,
            "page_links": page_links,
            "previous_url": _catalog_url(values, page.previous_page_number()) if page.has_previous() else "",
            "next_url": _catalog_url(values, page.next_page_number()) if page.has_next() else "",
            "is_filtered": bool(values.keys() - {"sort"}),
            "query": values.get("q", ""),
        },
    )


@require_safe
@cache_page_for_visitors(public_pages_version, query_params=(*CatalogFilterForm.base_fields, "page"))
def catalog(request):
    categories = list(Category.objects.all())
    form = CatalogFilterForm(request.GET, categories=categories)
    values = form.values()
    page_number = _page_number(request.GET.get("page"))

    digest = hashlib.sha256(urlencode(sorted(values.items())).encode()).hexdigest()[:32]
    key = f"courses:catalog:{catalog_cache_version()}:{digest}:{page_number}"
    results_html = cache.get(key)
    if results_html is None:
        results_html = _catalog_results_html(values, form.effective_sort(values), page_number)
        cache.set(key, results_html)

    active_category = next((c for c in categories if c.slug == values.get("category")), None)
    without_category = {name: value for name, value in values.items() if name not in ("category", "page")}
    return render(
        request,
        "courses/catalog.html",
        {
            "form": form.bound_to(values),
            "values": values,
            "categories": categories,
            "category_links": [
                {
                    "category": c,
                    "url": _catalog_url(without_category | {"category": c.slug}),
                    "current": c == active_category,
                }
                for c in categories
            ],
            "all_categories_url": _catalog_url(without_category),
            "active_filters": [
                active | {"remove_url": _catalog_url({k: v for k, v in values.items() if k != active["name"]})}
                for active in form.active_filters(values)
            ],
            "active_category": active_category,
            # Rendered by us from escaped templates; a cache serializer may hand it back as plain str.
            "results_html": mark_safe(results_html),  # noqa: S308
        },
    )


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        *(f"Disallow: {path}" for path in ("/admin/", "/accounts/", "/learn/", "/payments/", "/dashboard/")),
        "",
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_safe
@cache_page_for_visitors(public_pages_version)
def instructor_detail(request, slug):
    """An instructor as a person: photo, bio, credentials and their published courses.

    Two queries (the instructor with their login, then their published courses), none for the
    body once it is stored: it is cached under the public pages' version, which every change to a
    course, its instructors or an instructor bumps (courses/receivers.py).
    """
    instructor = get_object_or_404(Instructor.objects.select_related("user"), slug=slug)
    key = f"courses:instructor:{instructor.pk}:{public_pages_version()}"
    fragment = cache.get(key)
    if fragment is None:
        courses = list(instructor.courses.published().for_cards().order_by("title", "pk"))
        fragment = {
            "body": render_to_string("courses/_instructor_body.html", {"instructor": instructor, "courses": courses}),
            "json_ld": instructor_json_ld(instructor, courses),
        }
        cache.set(key, fragment)
    return render(
        request,
        "courses/instructor_detail.html",
        {
            "instructor": instructor,
            # Rendered and escaped by us (the template, instructor_json_ld) before caching.
            "body_html": mark_safe(fragment["body"]),  # noqa: S308
            "json_ld": mark_safe(fragment["json_ld"]),  # noqa: S308
            "canonical_url": absolute_url(instructor.get_absolute_url()),
        },
    )
