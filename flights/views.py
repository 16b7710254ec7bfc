from django.shortcuts import render

from flights.models import FlightSession


def session_list(request):
    sessions = FlightSession.objects.upcoming().select_related("course")
    return render(request, "flights/session_list.html", {"sessions": sessions})
