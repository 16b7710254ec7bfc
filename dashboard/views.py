from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from enrollments.student_cache import dashboard_body_html


@login_required
def dashboard(request):
    return render(request, "enrollments/dashboard.html", {"body_html": dashboard_body_html(request)})
