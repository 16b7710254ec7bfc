"""Moderating reviews: staff hide one (with the reason) or show it again, and answer publicly as the
school; every change goes through reviews.services (audited, the course's rating recounted, its
pages refreshed). Instructors may read the reviews of their own courses, nothing else."""

from django import forms
from django.contrib import admin
from unfold.admin import ModelAdmin

from courses.models import is_school_staff
from reviews import services
from reviews.models import Review


class ReviewModerationForm(forms.ModelForm):
    hidden = forms.BooleanField(required=False, label="Hidden from the course page")

    class Meta:
        model = Review
        fields = ["hidden", "hidden_reason", "school_reply"]
        labels = {"hidden_reason": "Why it is hidden", "school_reply": "The school's public reply"}
        help_texts = {
            "hidden_reason": "Required to hide it; kept in the audit trail, not shown to visitors.",
            "school_reply": "Shown under the review as the school's answer. Empty removes it.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hidden"].initial = self.instance.is_hidden

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("hidden") and not (cleaned.get("hidden_reason") or "").strip():
            self.add_error("hidden_reason", "Say why the review is hidden.")
        return cleaned


@admin.register(Review)
class ReviewAdmin(ModelAdmin):
    form = ReviewModerationForm
    list_display = ["course", "student", "rating", "title", "created_at", "is_hidden_label", "replied"]
    list_filter = ["rating", ("hidden_at", admin.EmptyFieldListFilter), "course"]
    search_fields = ["title", "body", "student__email", "course__title"]
    list_select_related = ["course", "student"]
    readonly_fields = ["course", "student", "rating", "title", "body", "created_at", "updated_at", "hidden_by"]
    fieldsets = [
        ("The review", {"fields": ["course", "student", "rating", "title", "body", "created_at", "updated_at"]}),
        ("Moderation", {"fields": ["hidden", "hidden_reason", "hidden_by", "school_reply"]}),
    ]
    ordering = ["-created_at"]
    show_full_result_count = False

    @admin.display(description="Hidden", boolean=True)
    def is_hidden_label(self, review):
        return review.is_hidden

    @admin.display(description="Answered", boolean=True)
    def replied(self, review):
        return bool(review.school_reply)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_school_staff(request.user):
            return queryset
        return queryset.filter(course__instructors__user=request.user)

    def has_add_permission(self, request):
        return False  # students write reviews; the school answers them

    def has_change_permission(self, request, obj=None):
        return is_school_staff(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # hide instead: the author keeps their words and the audit trail stays whole

    def get_fieldsets(self, request, obj=None):
        if self.has_change_permission(request, obj):
            return self.fieldsets
        return [("The review", {"fields": self.readonly_fields + ["hidden_reason", "school_reply"]})]

    def save_model(self, request, obj, form, change):
        """Through the services, never a plain save: audited, recounted, pages refreshed."""
        review = Review.objects.get(pk=obj.pk)
        if form.cleaned_data["hidden"] and not review.is_hidden:
            services.review_hide(review=review, reason=form.cleaned_data["hidden_reason"], acting_user=request.user)
        elif not form.cleaned_data["hidden"] and review.is_hidden:
            services.review_unhide(review=review, acting_user=request.user)
        if form.cleaned_data["school_reply"].strip() != review.school_reply:
            services.review_reply(review=review, reply=form.cleaned_data["school_reply"], acting_user=request.user)
        obj.refresh_from_db()
