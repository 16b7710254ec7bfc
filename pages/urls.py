from django.urls import path, re_path

from pages import views

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("courses/<slug:slug>/", views.course_detail, name="course_detail"),
    # Public media (covers, photos) in development; answers 404 unless DEBUG and local files.
    re_path(r"^media/(?P<path>.+)$", views.public_media, name="public_media"),
]
