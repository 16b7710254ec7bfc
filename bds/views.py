"""The home page composes the catalog and the flight schedule; it owns no rules of its own."""

from django.db.models import Count, Q
from django.shortcuts import render

from courses.models import Category, Course
from flights.models import FlightSession


def home(request):
    featured_courses = (
        Course.objects.published().filter(is_featured=True).select_related("category").order_by("title")[:6]
    )
    upcoming_sessions = FlightSession.objects.upcoming().select_related("course")[:4]
    # Counted in the same query so the tiles can say "3 courses" without one query per category.
    # Meta.ordering is dropped from aggregate queries, so the order is spelled out.
    categories = Category.objects.annotate(
        published_course_count=Count("courses", filter=Q(courses__status=Course.Status.PUBLISHED))
    ).order_by("order", "name")
    return render(
        request,
        "home.html",
        {
            "featured_courses": featured_courses,
            "upcoming_sessions": upcoming_sessions,
            "categories": categories,
        },
    )
