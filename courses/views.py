from django.shortcuts import get_object_or_404, render

from courses.models import Course


def catalog(request):
    courses = Course.objects.published().select_related("category").order_by("title")
    return render(request, "courses/catalog.html", {"courses": courses})


def course_detail(request, slug):
    course = get_object_or_404(Course.objects.visible_to(request.user).select_related("category"), slug=slug)
    return render(request, "courses/detail.html", {"course": course})
