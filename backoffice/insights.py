"""School insights for staff: revenue per course and per instructor, the learning funnel, practice
exam results by knowledge area and how full the flight sessions are, as bar charts with the same
numbers in accessible tables.

The numbers come from each app's reports.py selectors and are cached under the dashboard's version
token, so a payment, refund, enrollment or booking shows on the next view; learning numbers
(progress, certificates, exam attempts) may be up to CACHE_TTL_SECONDS old. The page says when
they were computed.
"""

from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.contrib import admin
from django.core.cache import cache
from django.template.response import TemplateResponse
from django.utils import timezone

from backoffice.dashboard import CHART_CURRENCY, DASHBOARD_VERSION_KEY
from backoffice.reports import _staff_only
from core import cache_versions
from courses.models import Course
from flights import reports as flight_reports
from lessons import reports as lesson_reports
from payments import reports as payment_reports
from payments.models import money_label

INSIGHTS_CACHE_KEY = "admin:insights:v1"
# Flight sessions shown: the last 90 days and the next 90.
SEAT_FILL_WINDOW = timedelta(days=90)


def _with_bars(rows: list[dict], *, key: str) -> list[dict]:
    """Each row with `bar`: its `key` as a percentage of the largest (the chart's bar length)."""
    peak = max((row[key] for row in rows), default=0) or 1
    return [{**row, "bar": round(100 * max(row[key], 0) / peak, 1)} for row in rows]


def insights_compute(*, now=None) -> dict:
    """Every insight, from the apps' selectors, in a fixed number of queries."""
    now = now or timezone.now()
    revenue = payment_reports.revenue_per_course(currency=CHART_CURRENCY)
    courses = {
        course.pk: course
        for course in Course.objects.filter(pk__in=revenue).only("pk", "title").prefetch_related("instructors__user")
    }
    per_course = sorted(
        (
            {
                "title": courses[course_id].title,
                **money,
                **{f"{part}_label": money_label(money[part], CHART_CURRENCY) for part in ("gross", "refunded", "net")},
            }
            for course_id, money in revenue.items()
            if course_id in courses
        ),
        key=lambda row: (-row["net"], row["title"]),
    )
    # A course taught by several instructors shares its net equally between them, so the column
    # adds up to the school's net; a course without an instructor shows as "No instructor".
    per_instructor_net: dict[str, int] = defaultdict(int)
    for course_id, money in revenue.items():
        course = courses.get(course_id)
        teachers = [instructor.user.full_name for instructor in course.instructors.all()] if course else []
        for name in teachers or ["No instructor"]:
            per_instructor_net[name] += money["net"] // max(len(teachers), 1)
    per_instructor = sorted(
        (
            {"name": name, "net": net, "net_label": money_label(net, CHART_CURRENCY)}
            for name, net in per_instructor_net.items()
        ),
        key=lambda row: (-row["net"], row["name"]),
    )
    funnel = [
        {
            **row,
            "stages": [
                {
                    "label": label,
                    "count": row[stage],
                    "percent": round(100 * row[stage] / row["enrolled"]) if row["enrolled"] else 0,
                }
                for stage, label in (
                    ("enrolled", "Enrolled"),
                    ("started", "Started"),
                    ("completed", "Completed"),
                    ("certified", "Certified"),
                )
            ],
        }
        for row in lesson_reports.learning_funnel_per_course()
    ]
    sessions = flight_reports.seat_fill_per_session(start=now - SEAT_FILL_WINDOW, end=now + SEAT_FILL_WINDOW)
    seats_offered = sum(row["capacity"] for row in sessions)
    seats_taken = sum(row["seats_taken"] for row in sessions)
    return {
        "computed_at": now,
        "currency": CHART_CURRENCY.upper(),
        "revenue_per_course": _with_bars(per_course, key="net"),
        "revenue_per_instructor": _with_bars(per_instructor, key="net"),
        "funnel": funnel,
        "exam_by_area": [{**row, "bar": row["pass_rate"] or 0} for row in lesson_reports.exam_results_by_area()],
        "exam_overall": lesson_reports.exam_pass_rate(),
        "sessions": [{**row, "bar": row["fill"]} for row in sessions],
        "seat_fill": round(100 * seats_taken / seats_offered) if seats_offered else None,
        "seats_offered": seats_offered,
        "seats_taken": seats_taken,
        "window_days": SEAT_FILL_WINDOW.days,
    }


def insights_get() -> dict:
    """The cached insights under the dashboard's current version; computed now if none is stored."""
    (version,) = cache_versions.tokens(DASHBOARD_VERSION_KEY)
    key = f"{INSIGHTS_CACHE_KEY}:{version}"
    data = cache.get(key)
    if data is None:
        data = insights_compute()
        cache.set(key, data, timeout=settings.CACHE_TTL_SECONDS)
    return data


def insights_page(request):
    """Staff-only: the school's insights as charts with tables."""
    _staff_only(request)
    context = {**admin.site.each_context(request), "title": "School insights", "insights": insights_get()}
    return TemplateResponse(request, "admin/insights.html", context)
