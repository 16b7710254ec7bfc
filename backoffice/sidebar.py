"""The admin sidebar, organised by job (settings.UNFOLD["SIDEBAR"]["navigation"] names `navigation`).

Each link carries a permission callback: it is shown only to a user whose admin would open it (the
model's ModelAdmin says so, or the page is school staff's). Groups left with no link are dropped.
"""

from django.contrib import admin
from django.urls import reverse

from courses.models import is_school_staff


def _model_link(title: str, icon: str, label: str, *, query: str = "") -> dict | None:
    model_admin = next((ma for model, ma in admin.site._registry.items() if model._meta.label_lower == label), None)
    if model_admin is None:
        return None
    opts = model_admin.model._meta
    link = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist") + query

    def permission(request) -> bool:
        return model_admin.has_module_permission(request) and model_admin.has_view_or_change_permission(request)

    item = {"title": title, "icon": icon, "link": link, "permission": permission}
    if query:  # a filtered list (disputes) is the current page only with its filter, not on every payment page
        item["active"] = lambda request: request.get_full_path() == link
    return item


def _page_link(title: str, icon: str, url_name: str, permission=None) -> dict:
    return {"title": title, "icon": icon, "link": reverse(url_name), "permission": permission or _staff_only}


def _staff_only(request) -> bool:
    return is_school_staff(request.user)


def _everyone(request) -> bool:
    return True


def _any_staff_member(request) -> bool:
    return request.user.is_active and request.user.is_staff  # as staff_member_required checks


def _groups() -> list[tuple[str, list[dict | None]]]:
    return [
        (
            "",
            [{"title": "Dashboard", "icon": "dashboard", "link": reverse("admin:index"), "permission": _everyone}],
        ),
        (
            "Teaching",
            [
                _model_link("Courses", "school", "courses.course"),
                _model_link("Sections", "view_list", "courses.section"),
                _model_link("Lessons", "play_lesson", "lessons.lesson"),
                _model_link("Quizzes", "quiz", "lessons.quiz"),
                _model_link("Quiz questions", "help", "lessons.quizquestion"),
                _model_link("Exam questions", "fact_check", "lessons.examquestion"),
                _model_link("Practice exams", "assignment", "lessons.practiceexam"),
                _model_link("Flight sessions", "flight_takeoff", "flights.flightsession"),
                _model_link("Rosters (bookings)", "groups", "flights.seatbooking"),
                _model_link("Categories", "category", "courses.category"),
            ],
        ),
        (
            "Students",
            [
                _model_link("People", "person", "accounts.user"),
                _model_link("Enrollments", "how_to_reg", "enrollments.enrollment"),
                _model_link("Certificates", "workspace_premium", "lessons.certificate"),
                _model_link("Reviews", "reviews", "reviews.review"),
                _model_link("Waivers signed", "draw", "flights.waiveracceptance"),
                _model_link("Email addresses", "alternate_email", "account.emailaddress"),
            ],
        ),
        (
            "Money",
            [
                _model_link("Payments", "payments", "payments.payment"),
                _model_link("Refunds", "currency_exchange", "payments.refund"),
                _model_link("Disputes", "gavel", "payments.payment", query="?status__exact=disputed"),
                _model_link("Coupons", "sell", "payments.coupon"),
                _page_link("Reports", "bar_chart", "admin_reports"),
                _page_link("Insights", "insights", "admin_insights"),
                _model_link("Stripe events", "webhook", "payments.stripeevent"),
            ],
        ),
        (
            "School",
            [
                _model_link("Instructors", "badge", "courses.instructor"),
                _model_link("Staff groups", "admin_panel_settings", "auth.group"),
                _model_link("Two-factor devices", "key", "mfa.authenticator"),
                _model_link("Waiver texts", "description", "flights.waiver"),
                _model_link("Policies", "policy", "policies.policyversion"),
                _model_link("Policy acceptances", "task_alt", "policies.policyacceptance"),
                _model_link("Flight course settings", "tune", "flights.flightcoursesettings"),
                _model_link("Sites", "language", "sites.site"),
                _page_link("Email students", "forward_to_inbox", "admin_bulk_email"),
                _model_link("Bulk emails sent", "outgoing_mail", "backoffice.bulkmessage"),
                _page_link("Email previews", "mail", "email_preview_list", _any_staff_member),
                _model_link("Audit trail", "history", "admin.logentry"),
            ],
        ),
    ]


def navigation(request) -> list[dict]:
    groups = []
    for title, links in _groups():
        items = [link for link in links if link is not None and link["permission"](request)]
        if items:
            groups.append({"title": title, "separator": bool(title), "collapsible": False, "items": items})
    return groups
