"""The review form (write or edit your review of a course) and a course's reviews, page by page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from courses.models import Course
from reviews import services
from reviews.forms import ReviewForm
from reviews.models import Review

REVIEWS_PER_PAGE = 10


@login_required
@require_http_methods(["GET", "POST"])
def review_edit(request, slug):
    course = get_object_or_404(Course.objects.published(), slug=slug)
    existing = Review.objects.filter(course=course, student=request.user).first()
    eligibility = services.review_eligibility(user=request.user, course=course)
    if not eligibility.allowed:
        return render(
            request, "reviews/review_form.html", {"course": course, "not_allowed": eligibility.reason}, status=403
        )
    form = ReviewForm(request.POST or None, instance=existing)
    if request.method == "POST" and form.is_valid():
        services.review_save(user=request.user, course=course, **form.cleaned_data)
        messages.success(request, "Thank you: your review is saved." if existing is None else "Your review is updated.")
        return redirect(f"{course.get_absolute_url()}#reviews")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "reviews/review_form.html", {"course": course, "form": form, "review": existing}, status=status
    )


@require_GET
def course_reviews(request, slug):
    course = get_object_or_404(Course.objects.published(), slug=slug)
    page = Paginator(Review.objects.for_course_page(course), REVIEWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/course_reviews.html",
        {"course": course, "page": page, "distribution": services.rating_distribution(course=course)},
    )
