"""Staff tools for money: payments (refunds, CSV export, totals), refunds, coupons, Stripe events.

Money records are read-only here; every change goes through payments.services, exactly as the
webhook does, so admin cannot put a Payment in a state Stripe does not agree with.
"""

import csv
import secrets
from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Sum
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from unfold.admin import ModelAdmin, TabularInline

from core.admin import (
    EstimatedCountPaginator,
    LargeTableAdminMixin,
    ReadOnlyAdminMixin,
    RecordsAdminMixin,
    RelatedFirstSearchMixin,
)
from core.audit import audit_record  # admin: audit trail
from courses.models import Course
from payments import services
from payments.models import Coupon, Payment, Refund, StripeEvent, money_label


class RefundForm(forms.Form):
    amount = forms.DecimalField(
        label="Amount to refund", min_value=Decimal("0.01"), decimal_places=2, max_digits=10, help_text="In dollars."
    )
    reason = forms.CharField(max_length=300, widget=forms.Textarea(attrs={"rows": 3}))
    # Generated when the form is first shown: a double-submitted confirmation reuses it as the
    # Stripe Idempotency-Key, so it cannot refund twice.
    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, payment: Payment, **kwargs):
        super().__init__(*args, **kwargs)
        self.payment = payment

    def clean_amount(self) -> int:
        cents = int((self.cleaned_data["amount"] * 100).to_integral_value())
        if cents > self.payment.refundable_amount:
            raise forms.ValidationError(
                f"At most {money_label(self.payment.refundable_amount, self.payment.currency)} can be refunded."
            )
        return cents


class RefundInline(TabularInline):
    model = Refund
    extra = 0
    can_delete = False
    fields = ["created_at", "amount_label", "status", "reason", "requested_by", "stripe_refund_id"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="amount")
    def amount_label(self, refund: Refund) -> str:
        return money_label(refund.amount, refund.payment.currency)


class FlaggedFilter(admin.SimpleListFilter):
    title = "flagged"
    parameter_name = "flagged"

    def lookups(self, request, model_admin):
        return [("yes", "Flagged (amount mismatch)")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(flagged_reason="")
        return queryset


class CurrencyFilter(admin.SimpleListFilter):
    """The currencies courses are sold in: a DISTINCT over the courses, not over every payment
    (admin's own field filter reads 2 million rows for it, bench/PROFILE.md)."""

    title = "currency"
    parameter_name = "currency__exact"

    def lookups(self, request, model_admin):
        currencies = Course.objects.order_by("currency").values_list("currency", flat=True).distinct()
        return [(currency.lower(), currency.upper()) for currency in currencies]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(currency=self.value())
        return queryset


class _Echo:
    """A file-like object whose write() returns the line, for streaming CSV rows."""

    def write(self, value):
        return value


def _csv_safe(value) -> str:
    # Spreadsheet formula injection: a cell starting with these is text, not a formula.
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@admin.register(Payment)
class PaymentAdmin(LargeTableAdminMixin, RelatedFirstSearchMixin, RecordsAdminMixin, ModelAdmin):
    list_display = [
        "id",
        "created_at",
        "user",
        "course",
        "amount_display",
        "status",
        "refunded_display",
        "receipt_number",
        "is_flagged",
    ]
    list_filter = ["status", FlaggedFilter, CurrencyFilter, "created_at"]
    list_select_related = ["user", "course"]
    # Identifiers match exactly (pasted from a receipt or Stripe): their unique indexes answer.
    search_fields = [
        "user__email",
        "=receipt_number",
        "=stripe_payment_intent_id",
        "=stripe_charge_id",
        "course__title",
    ]
    # No date_hierarchy: its date links read every row's date (bench/PROFILE.md); the "created at"
    # filter narrows by date instead.
    raw_id_fields = ["user", "course", "enrollment", "coupon"]
    readonly_fields = [field.name for field in Payment._meta.fields]
    inlines = [RefundInline]
    actions = ["refund_selected", "export_csv"]
    change_form_template = "admin/payments/payment/change_form.html"
    change_list_template = "admin/payments/payment/change_list.html"

    @admin.display(description="amount", ordering="amount")
    def amount_display(self, payment: Payment) -> str:
        return payment.amount_label

    @admin.display(description="refunded", ordering="amount_refunded")
    def refunded_display(self, payment: Payment) -> str:
        return payment.amount_refunded_label if payment.amount_refunded else "—"

    @admin.display(description="flagged", boolean=True)
    def is_flagged(self, payment: Payment) -> bool:
        return bool(payment.flagged_reason)

    def get_urls(self):
        return [
            path(
                "<int:payment_id>/refund/",
                self.admin_site.admin_view(self.refund_view),
                name="payments_payment_refund",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        # Totals sum every payment listed: over millions of rows that is seconds, so only once the
        # list is narrowed below the paginator's count cap (a search, a filter, a date range).
        if changelist is not None and changelist.result_count >= EstimatedCountPaginator.COUNT_CAP:
            response.context_data["money_totals_skipped"] = True
        elif changelist is not None:
            totals = (
                changelist.queryset.order_by()
                .values("currency")
                .annotate(count=Count("id"), paid=Sum("amount"), refunded=Sum("amount_refunded"))
            )
            response.context_data["money_totals"] = [
                {
                    "currency": row["currency"].upper(),
                    "count": row["count"],
                    "amount": money_label(row["paid"] or 0, row["currency"]),
                    "refunded": money_label(row["refunded"] or 0, row["currency"]),
                }
                for row in totals
            ]
        return response

    @admin.action(description="Refund the selected payment (full or partial)")
    def refund_selected(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one payment to refund.", messages.WARNING)
            return None
        return redirect("admin:payments_payment_refund", payment_id=queryset.get().pk)

    def refund_view(self, request, payment_id):
        """Two steps: enter amount and reason, then confirm. Only staff with change permission."""
        payment = get_object_or_404(Payment.objects.select_related("user", "course"), pk=payment_id)
        if not self.has_change_permission(request, payment):
            messages.error(request, "You do not have permission to refund payments.")
            return redirect("admin:payments_payment_change", payment.pk)
        change_url = reverse("admin:payments_payment_change", args=[payment.pk])
        confirming = False
        if request.method == "POST":
            form = RefundForm(request.POST, payment=payment)
            if form.is_valid():
                if request.POST.get("confirm") == "yes":
                    try:
                        refund = services.payment_refund(
                            payment=payment,
                            amount=form.cleaned_data["amount"],
                            reason=form.cleaned_data["reason"],
                            requested_by=request.user,
                            idempotency_key=f"bds-refund-{payment.pk}-{form.cleaned_data['token']}",
                        )
                    except services.RefundError as error:
                        messages.error(request, str(error))
                    else:
                        # admin: audit trail, who refunded what, with the payment before and after.
                        after = Payment.objects.get(pk=payment.pk)
                        audit_record(
                            user=request.user,
                            obj=payment,
                            action=f"refund {money_label(refund.amount, payment.currency)} ({refund.stripe_refund_id})",
                            before={"status": payment.status, "amount_refunded": payment.amount_refunded},
                            after={"status": after.status, "amount_refunded": after.amount_refunded},
                            reason=form.cleaned_data["reason"],
                        )
                        messages.success(
                            request,
                            f"Refunded {money_label(refund.amount, payment.currency)} ({refund.stripe_refund_id}).",
                        )
                        return redirect(change_url)
                else:
                    confirming = True
        else:
            form = RefundForm(
                payment=payment,
                initial={
                    "amount": Decimal(payment.refundable_amount) / 100,
                    "token": secrets.token_urlsafe(16),
                },
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Refund payment {payment.pk}",
            "payment": payment,
            "form": form,
            "confirming": confirming,
            "amount_label": money_label(form.cleaned_data["amount"], payment.currency) if confirming else "",
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/payments/payment/refund.html", context)

    @admin.action(description="Export the selected payments as CSV")
    def export_csv(self, request, queryset):
        writer = csv.writer(_Echo())
        header = [
            "id",
            "created_at",
            "succeeded_at",
            "receipt_number",
            "email",
            "course",
            "amount",
            "currency",
            "status",
            "amount_refunded",
            "coupon",
            "card_brand",
            "card_last4",
            "stripe_payment_intent_id",
            "flagged_reason",
        ]

        def rows():
            yield writer.writerow(header)
            for payment in queryset.select_related("user", "course", "coupon").order_by("pk").iterator(chunk_size=500):
                yield writer.writerow(
                    _csv_safe(value)
                    for value in (
                        payment.pk,
                        payment.created_at.isoformat(),
                        payment.succeeded_at.isoformat() if payment.succeeded_at else "",
                        payment.receipt_number or "",
                        payment.user.email,
                        payment.course.title,
                        f"{payment.amount / 100:.2f}",
                        payment.currency,
                        payment.status,
                        f"{payment.amount_refunded / 100:.2f}",
                        payment.coupon.code if payment.coupon else "",
                        payment.card_brand,
                        payment.card_last4,
                        payment.stripe_payment_intent_id or "",
                        payment.flagged_reason,
                    )
                )

        response = StreamingHttpResponse(rows(), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="payments-{timezone.now():%Y%m%d-%H%M}.csv"'
        return response


@admin.register(Refund)
class RefundAdmin(RecordsAdminMixin, ModelAdmin):
    list_display = ["stripe_refund_id", "created_at", "payment", "amount_display", "status", "requested_by"]
    list_filter = ["status", "created_at"]
    list_select_related = ["payment", "requested_by"]
    search_fields = ["stripe_refund_id", "payment__receipt_number", "payment__user__email"]
    readonly_fields = [field.name for field in Refund._meta.fields]

    @admin.display(description="amount", ordering="amount")
    def amount_display(self, refund: Refund) -> str:
        return money_label(refund.amount, refund.payment.currency)


@admin.register(Coupon)
class CouponAdmin(ModelAdmin):
    list_display = ["code", "percent_off", "amount_off", "course", "valid_from", "valid_until", "redemptions"]
    list_filter = ["course"]
    list_select_related = ["course"]
    search_fields = ["code"]
    raw_id_fields = ["course"]
    readonly_fields = ["times_redeemed", "created_at"]

    @admin.display(description="redeemed")
    def redemptions(self, coupon: Coupon) -> str:
        return f"{coupon.times_redeemed} / {coupon.max_redemptions or '∞'}"


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyAdminMixin, ModelAdmin):
    list_display = ["stripe_event_id", "type", "received_at", "processed_at", "attempts", "has_error"]
    list_filter = ["type", ("processed_at", admin.EmptyFieldListFilter)]
    search_fields = ["stripe_event_id", "type"]
    readonly_fields = ["stripe_event_id", "type", "payload", "received_at", "processed_at", "error", "attempts"]
    actions = ["reprocess"]

    @admin.display(description="error", boolean=True)
    def has_error(self, event: StripeEvent) -> bool:
        return bool(event.error)

    @admin.action(description="Reprocess the selected unprocessed events", permissions=["view"])
    def reprocess(self, request, queryset):
        done, failed = 0, 0
        for event in queryset.filter(processed_at__isnull=True):
            try:
                services.stripe_event_process(stripe_event=event)
            except Exception as error:  # noqa: BLE001 - the service stored and logged it; report and go on
                failed += 1
                self.message_user(request, f"{event.stripe_event_id} failed again: {error}", messages.ERROR)
            else:
                done += 1
        self.message_user(request, f"Reprocessed {done} event(s); {failed} failed.", messages.INFO)
