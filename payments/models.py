"""Money records. Every status change goes through payments.services, one direction only."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from courses.models import Course
from enrollments.models import Enrollment


def money_label(amount: int, currency: str) -> str:
    """Minor units as a person reads them: 4900, "usd" → "$49.00"."""
    symbol = "$" if currency.lower() == "usd" else f"{currency.upper()} "
    return f"{symbol}{amount / 100:,.2f}"


class CouponQuerySet(models.QuerySet):
    def valid_for(self, course: Course, *, now=None):
        """Coupons for this course (or every course) within their dates, used up or not."""
        now = now or timezone.now()
        return (
            self.filter(Q(course__isnull=True) | Q(course=course))
            .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=now))
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
        )


class Coupon(models.Model):
    code = models.CharField(max_length=40, help_text="Case does not matter: SPRING25 and spring25 are the same.")
    percent_off = models.PositiveSmallIntegerField(null=True, blank=True, help_text="1 to 100.")
    amount_off = models.PositiveIntegerField(null=True, blank=True, help_text="In cents, in the course's currency.")
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    max_redemptions = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: unlimited.")
    times_redeemed = models.PositiveIntegerField(default=0, editable=False)
    course = models.ForeignKey(
        Course, null=True, blank=True, on_delete=models.CASCADE, related_name="+", help_text="Empty: every course."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CouponQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("code"), name="payments_coupon_code_ci_unique"),
            models.CheckConstraint(
                condition=(Q(percent_off__isnull=False) & Q(amount_off__isnull=True))
                | (Q(percent_off__isnull=True) & Q(amount_off__isnull=False)),
                name="payments_coupon_percent_xor_amount",
            ),
            models.CheckConstraint(
                condition=Q(percent_off__isnull=True) | Q(percent_off__gte=1, percent_off__lte=100),
                name="payments_coupon_percent_range",
            ),
            models.CheckConstraint(
                condition=Q(max_redemptions__isnull=True) | Q(times_redeemed__lte=F("max_redemptions")),
                name="payments_coupon_redemptions_within_max",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_used_up(self) -> bool:
        return self.max_redemptions is not None and self.times_redeemed >= self.max_redemptions

    def discounted(self, amount: int) -> int:
        """The amount (minor units) after this coupon, never below zero."""
        if self.percent_off is not None:
            return max(0, amount - (amount * self.percent_off + 50) // 100)
        return max(0, amount - (self.amount_off or 0))


class PaymentQuerySet(models.QuerySet):
    def open(self):
        """Checkouts that may still be paid: at most one per (user, course), by constraint."""
        return self.filter(status__in=Payment.OPEN_STATUSES)

    def for_user(self, user):
        return self.filter(user=user)

    def with_receipt(self):
        return self.exclude(receipt_number__isnull=True)


class Payment(models.Model):
    """One checkout attempt. Amount and currency are fixed when it is created."""

    class Status(models.TextChoices):
        REQUIRES_PAYMENT = "requires_payment", "Awaiting payment"
        PROCESSING = "processing", "Processing"
        SUCCEEDED = "succeeded", "Paid"
        FAILED = "failed", "Failed"
        CANCELED = "canceled", "Canceled"
        REFUNDED = "refunded", "Refunded"
        PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"
        DISPUTED = "disputed", "Disputed"

    # A failed attempt stays open: the student may try another card on the same PaymentIntent,
    # so there is never a second PaymentIntent (and a second possible charge) for one checkout.
    OPEN_STATUSES = (Status.REQUIRES_PAYMENT, Status.PROCESSING, Status.FAILED)
    PAID_STATUSES = (Status.SUCCEEDED, Status.PARTIALLY_REFUNDED, Status.REFUNDED, Status.DISPUTED)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payments")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="+")
    enrollment = models.ForeignKey(Enrollment, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    amount = models.PositiveIntegerField(help_text="In minor units (cents).")
    currency = models.CharField(max_length=3)
    coupon = models.ForeignKey(Coupon, null=True, blank=True, on_delete=models.PROTECT, related_name="payments")
    # This checkout holds one of the coupon's redemptions: taken when the checkout opens, given back
    # when it is cancelled, replaced or abandoned unpaid (payments/services.py, "coupons").
    coupon_reserved = models.BooleanField(default=False, editable=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUIRES_PAYMENT, db_index=True)
    stripe_payment_intent_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    stripe_charge_id = models.CharField(max_length=255, blank=True, db_index=True)
    client_secret = models.CharField(max_length=255, blank=True)
    card_last4 = models.CharField(max_length=4, blank=True)
    card_brand = models.CharField(max_length=20, blank=True)
    receipt_number = models.CharField(max_length=32, unique=True, null=True, blank=True)
    amount_refunded = models.PositiveIntegerField(default=0)
    failure_message = models.CharField(max_length=300, blank=True)
    flagged_reason = models.CharField(
        max_length=300, blank=True, help_text="Set when Stripe's amount or currency did not match; no access given."
    )
    dispute_id = models.CharField(max_length=255, blank=True)
    dispute_status = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)

    objects = PaymentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The admin's list order (-created_at, then -pk): the newest page without sorting 2 million rows.
            models.Index(fields=["-created_at", "-id"], name="payment_newest_first"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="payments_payment_amount_non_negative"),
            models.CheckConstraint(condition=Q(amount_refunded__gte=0), name="payments_payment_refunded_non_negative"),
            models.CheckConstraint(
                condition=Q(amount_refunded__lte=F("amount")), name="payments_payment_refunded_within_amount"
            ),
            # Two tabs pressing Enroll at once cannot open two checkouts (two possible charges).
            models.UniqueConstraint(
                fields=["user", "course"],
                condition=Q(status__in=["requires_payment", "processing", "failed"]),
                name="payments_payment_one_open_per_user_course",
            ),
            models.CheckConstraint(
                condition=Q(coupon_reserved=False) | Q(coupon__isnull=False), name="payments_payment_reserves_a_coupon"
            ),
        ]

    def __str__(self) -> str:
        return f"Payment {self.pk} ({self.amount_label}, {self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("payments:checkout", kwargs={"payment_id": self.pk})

    @property
    def amount_label(self) -> str:
        return money_label(self.amount, self.currency)

    @property
    def amount_refunded_label(self) -> str:
        return money_label(self.amount_refunded, self.currency)

    @property
    def refundable_amount(self) -> int:
        return self.amount - self.amount_refunded

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class Refund(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        CANCELED = "canceled", "Canceled"

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.PositiveIntegerField(help_text="In minor units (cents).")
    reason = models.CharField(max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty when made in Stripe's dashboard.",
    )
    stripe_refund_id = models.CharField(max_length=255, unique=True)
    # The Idempotency-Key sent to Stripe for refunds made here; a repeated request finds this row.
    idempotency_key = models.CharField(max_length=255, unique=True, null=True, blank=True, editable=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_refund_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"Refund {self.stripe_refund_id} ({money_label(self.amount, self.payment.currency)})"


class StripeEvent(models.Model):
    """Every webhook delivery we accepted, stored before it is processed."""

    stripe_event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100, db_index=True)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.stripe_event_id}"
