"""The staff dashboard (the admin index for school staff): the numbers, cached, and the revenue chart.

The numbers come from each app's reports.py selectors; this module only gathers, caches and shows
them. See docs/ARCHITECTURE.md for where the back office sits.
"""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from core import cache_versions
from courses.models import Course
from enrollments import reports as enrollment_reports
from flights import reports as flight_reports
from payments import reports as payment_reports
from payments.models import money_label

DASHBOARD_CACHE_KEY = "admin:dashboard:v1"
CHART_DAYS = 30
CHART_CURRENCY = "usd"  # the school charges in dollars; other currencies appear in the totals only


# -- numbers ------------------------------------------------------------------------------------


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def dashboard_periods(today: date) -> dict[str, tuple[datetime, datetime, str]]:
    """This week (from Monday), this month, and last month, in the school's time zone."""
    week_start = today - timedelta(days=today.weekday())
    month_start = today.replace(day=1)
    last_month_start = (month_start - timedelta(days=1)).replace(day=1)
    tomorrow = _local_midnight(today + timedelta(days=1))
    return {
        "week": (_local_midnight(week_start), tomorrow, "This week"),
        "month": (_local_midnight(month_start), tomorrow, "This month"),
        "last_month": (_local_midnight(last_month_start), _local_midnight(month_start), "Last month"),
    }


def dashboard_compute(*, today: date | None = None) -> dict:
    """Every number on the dashboard, from the apps' selectors, in a fixed number of queries."""
    today = today or timezone.localdate()
    periods = dashboard_periods(today)
    revenue = []
    for key, (start, end, label) in periods.items():
        revenue.append(
            {
                "key": key,
                "label": label,
                "start": start.date(),
                "end": (end - timedelta(days=1)).date(),
                "totals": [
                    {
                        **row,
                        "gross_label": money_label(row["gross"], row["currency"]),
                        "refunded_label": money_label(row["refunded"], row["currency"]),
                        "net_label": money_label(row["net"], row["currency"]),
                    }
                    for row in payment_reports.revenue_between(start=start, end=end)
                ],
            }
        )
    also_took = enrollment_reports.also_took_refresh()
    mentioned = set(also_took) | {other for pairs in also_took.values() for other, _count in pairs}
    titles = dict(Course.objects.filter(pk__in=mentioned).values_list("pk", "title")) if mentioned else {}
    return {
        "computed_at": timezone.now(),
        "revenue": revenue,
        "per_day": payment_reports.revenue_per_day(days=CHART_DAYS, currency=CHART_CURRENCY, today=today),
        "enrollments_new_week": enrollment_reports.enrollments_new_count(since=periods["week"][0]),
        "enrollments_new_month": enrollment_reports.enrollments_new_count(since=periods["month"][0]),
        "students_active": enrollment_reports.students_active_count(),
        "completion": enrollment_reports.completion_per_course(),
        "sessions": flight_reports.sessions_upcoming_with_seats(limit=10),
        "disputes_open": payment_reports.disputes_open().count(),
        "events_failed": payment_reports.stripe_events_failed().count(),
        "also_took": sorted(
            (
                {
                    "course": titles.get(course_id, f"#{course_id}"),
                    "others": [{"title": titles.get(other, f"#{other}"), "students": count} for other, count in pairs],
                }
                for course_id, pairs in also_took.items()
            ),
            key=lambda row: row["course"],
        ),
    }


# Every write the numbers count (payments, refunds, enrollments, bookings, Stripe events) bumps this
# version token (backoffice/receivers.py), so the dashboard never shows "Refunded $0.00" after a refund
# until the next scheduled refresh: the next view computes afresh under the new token.
DASHBOARD_VERSION_KEY = "admin:dashboard:version"


def _dashboard_key() -> str:
    (version,) = cache_versions.tokens(DASHBOARD_VERSION_KEY)
    return f"{DASHBOARD_CACHE_KEY}:{version}"


def dashboard_numbers_changed() -> None:
    cache_versions.bump(DASHBOARD_VERSION_KEY)


def dashboard_refresh() -> dict:
    """Recompute the dashboard and store it for CACHE_TTL_SECONDS (the scheduled job calls this)."""
    key = _dashboard_key()  # read before computing: a write meanwhile bumps it and this entry goes unread
    data = dashboard_compute()
    cache.set(key, data, timeout=settings.CACHE_TTL_SECONDS)
    return data


def dashboard_get() -> dict:
    """The cached dashboard; computed now if nothing is stored under the current version."""
    data = cache.get(_dashboard_key())
    return data if data is not None else dashboard_refresh()


# -- chart --------------------------------------------------------------------------------------


def revenue_chart_svg(per_day: list[dict], *, currency: str = CHART_CURRENCY) -> SafeString:
    """Gross revenue per day as an inline SVG bar chart: no script, a <title> and <desc> for
    screen readers, and a <title> per bar as its tooltip. The page shows the same data as a table."""
    width, height, top, bottom, left = 640, 180, 16, 24, 8
    plot_height = height - top - bottom
    slot = (width - 2 * left) / max(len(per_day), 1)
    peak = max((row["amount"] for row in per_day), default=0) or 1
    total = sum(row["amount"] for row in per_day)
    bars = []
    for index, row in enumerate(per_day):
        bar_height = round(plot_height * row["amount"] / peak, 1)
        x = round(left + index * slot + slot * 0.15, 1)
        bars.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="#417690"><title>{}: {}</title></rect>',
                x,
                round(top + plot_height - bar_height, 1),
                round(slot * 0.7, 1),
                bar_height,
                row["day"].strftime("%b %-d"),
                money_label(row["amount"], currency),
            )
        )
    first, last = (per_day[0]["day"], per_day[-1]["day"]) if per_day else (None, None)
    labels = (
        format_html(
            '<text x="{}" y="{}" font-size="11" fill="#333">{}</text>'
            '<text x="{}" y="{}" font-size="11" fill="#333" text-anchor="end">{}</text>',
            left,
            height - 6,
            first.strftime("%b %-d"),
            width - left,
            height - 6,
            last.strftime("%b %-d"),
        )
        if first
        else ""
    )
    return format_html(
        '<svg class="revenue-chart" role="img" aria-labelledby="revenue-chart-title revenue-chart-desc" '
        'viewBox="0 0 {} {}" width="100%" preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">'
        '<title id="revenue-chart-title">Revenue per day, last {} days</title>'
        '<desc id="revenue-chart-desc">Bar chart of gross card payments per day from {} to {}; {} in all, '
        "highest day {}. The table below lists every day.</desc>"
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#999" stroke-width="1"/>{}{}</svg>',
        width,
        height,
        len(per_day),
        first.isoformat() if first else "",
        last.isoformat() if last else "",
        money_label(total, currency),
        money_label(peak if total else 0, currency),
        left,
        top + plot_height,
        width - left,
        top + plot_height,
        format_html_join("", "{}", ((bar,) for bar in bars)),
        labels,
    )


# -- the admin index ----------------------------------------------------------------------------


def dashboard_context() -> dict:
    """What the admin index shows school staff (backoffice/sites.py): the numbers, the chart, the links."""
    data = dashboard_get()
    return {
        "dashboard": data,
        "revenue_chart": revenue_chart_svg(data["per_day"]),
        "revenue_chart_rows": [
            {"day": row["day"], "amount": money_label(row["amount"], CHART_CURRENCY)} for row in data["per_day"]
        ],
        "dashboard_links": {
            "disputes": reverse("admin:payments_payment_changelist") + "?status__exact=disputed",
            "events_failed": reverse("admin:payments_stripeevent_changelist") + "?processed_at__isempty=1",
            "enrollments": reverse("admin:enrollments_enrollment_changelist") + "?status__exact=active",
            "payments": reverse("admin:payments_payment_changelist"),
            "sessions": reverse("admin:flights_flightsession_changelist") + "?status__exact=scheduled",
            "reports": reverse("admin_reports"),
            "bulk_email": reverse("admin_bulk_email"),
            "audit": reverse("admin:admin_logentry_changelist"),
        },
    }
