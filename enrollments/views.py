from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from enrollments.models import Enrollment


@login_required
def dashboard(request):
    enrollments = Enrollment.objects.for_user(request.user).select_related("course").order_by("-created_at")
    return render(request, "enrollments/dashboard.html", {"enrollments": enrollments})
