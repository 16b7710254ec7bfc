from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from unfold.admin import ModelAdmin
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm

from core.admin import LargeTableAdminMixin

# The admin's own login form would skip allauth (MFA, rate limits, lockout): send it to ours.
admin.site.login = secure_admin_login(admin.site.login)


# Registered by the back office (backoffice/admin.py), which adds what accounts cannot import:
# the user's enrollments, payments and bookings.
class UserAdmin(LargeTableAdminMixin, DjangoUserAdmin, ModelAdmin):
    # The theme's user forms: the same fields and checks as Django's, in the theme's widgets.
    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = AdminPasswordChangeForm
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active", "date_joined", "email_undeliverable_at"]  # jobs
    list_filter = ["is_staff", "is_superuser", "is_active", "groups", "email_undeliverable_at"]  # jobs
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Personal info", {"fields": ["full_name", "remote_pilot_certificate_date", "email_undeliverable_at"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Important dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})]
