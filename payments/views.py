from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from courses.models import Course


@require_POST
@login_required
def enroll(request, slug):
    """Free course: enrolled at once; paid: on to checkout. (Filled in by the payments work.)"""
    course = get_object_or_404(Course.objects.published(), slug=slug)
    messages.info(request, "Enrollment opens soon.")
    return redirect(course)
