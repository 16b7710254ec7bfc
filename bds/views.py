"""The home page composes the catalog and the flight schedule; it owns no rules of its own."""

from django.shortcuts import render

from courses.models import Category, Course
from flights.models import FlightSession


def home(request):
    featured_courses = (
        Course.objects.published().filter(is_featured=True).select_related("category").order_by("title")[:6]
    )
    upcoming_sessions = FlightSession.objects.upcoming().select_related("course")[:4]
    return render(
        request,
        "home.html",
        {
            "featured_courses": featured_courses,
            "upcoming_sessions": upcoming_sessions,
            "categories": Category.objects.all(),
        },
    )
