from django.urls import path

from flights import views

app_name = "flights"

urlpatterns = [
    path("", views.session_list, name="list"),
    path("logbook.csv", views.logbook_csv, name="logbook_csv"),
    path("<int:pk>/", views.session_detail, name="detail"),
    path("<int:pk>/book/", views.session_book, name="book"),
    path("<int:pk>/roster/", views.session_roster, name="roster"),
    path("bookings/<int:pk>/change/", views.booking_change, name="change"),
    path("bookings/<int:pk>/cancel/", views.booking_cancel, name="cancel"),
    path("bookings/<int:pk>/refund/", views.booking_refund_request, name="refund_request"),
    path("bookings/<int:pk>/calendar.ics", views.booking_calendar, name="calendar"),
]
