"""The back office's pages under /admin/, mounted before admin's own URLs in bds/urls.py."""

from django.contrib import admin
from django.urls import path

from backoffice.bulk_email import bulk_email_page
from backoffice.email_preview import email_preview_detail, email_preview_list
from backoffice.insights import insights_page
from backoffice.markdown_preview import markdown_preview
from backoffice.reports import accounting_csv, progress_csv, reports_page, roster_csv

urlpatterns = [
    path("emails/", email_preview_list, name="email_preview_list"),
    path("emails/<slug:name>/", email_preview_detail, name="email_preview_detail"),
    path("reports/", admin.site.admin_view(reports_page), name="admin_reports"),
    path("insights/", admin.site.admin_view(insights_page), name="admin_insights"),
    path("reports/accounting.csv", admin.site.admin_view(accounting_csv), name="admin_report_accounting"),
    path("reports/progress.csv", admin.site.admin_view(progress_csv), name="admin_report_progress"),
    path("reports/roster.csv", admin.site.admin_view(roster_csv), name="admin_report_roster"),
    path("markdown-preview/", admin.site.admin_view(markdown_preview), name="admin_markdown_preview"),
    path("bulk-email/", admin.site.admin_view(bulk_email_page), name="admin_bulk_email"),
]
