"""The home page composes the catalog and the flight schedule; it owns no rules of its own."""

from django.db.models import Count, Q
from django.shortcuts import render

from courses.models import Category, Course
from flights.models import FlightSession

HOME_FEATURED_COURSES = 6
HOME_UPCOMING_SESSIONS = 4


def home(request):
    """Three queries whatever the size of the school (tests/courses/test_queries.py)."""
    featured_courses = Course.objects.published().filter(is_featured=True).for_cards().order_by("title", "pk")
    upcoming_sessions = FlightSession.objects.upcoming().select_related("course")
    categories = Category.objects.annotate(
        published_course_count=Count("courses", filter=Q(courses__status=Course.Status.PUBLISHED))
    )
    return render(
        request,
        "home.html",
        {
            "featured_courses": featured_courses[:HOME_FEATURED_COURSES],
            "upcoming_sessions": upcoming_sessions[:HOME_UPCOMING_SESSIONS],
            "categories": categories,
        },
    )
