"""Enroll, checkout, return page, receipts and the Stripe webhook. Thin: parse, call a service, render."""

import json
import logging

import stripe
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.client_address import client_ip
from accounts.decorators import verified_email_required_for_checkout
from core.request_body import BodyTooLarge, BodyTooSlow, read_body_within
from courses.models import Course
from enrollments import services as enrollment_services
from enrollments.models import Enrollment
from payments import services
from payments.models import Payment
from payments.receipts import receipt_lines, receipt_pdf_render
from policies.models import CHECKOUT_KINDS, PolicyAcceptance, PolicyVersion
from policies.services import policies_accept, policies_pending

logger = logging.getLogger(__name__)


def _payment_for(request, payment_id: int) -> Payment:
    """The current user's payment; anyone else's id is a 404."""
    return get_object_or_404(Payment.objects.for_user(request.user).select_related("course", "coupon"), pk=payment_id)


def _unavailable(request, course: Course, message: str):
    return render(request, "payments/unavailable.html", {"course": course, "message": message}, status=503)


@require_http_methods(["GET", "POST"])
@login_required
@verified_email_required_for_checkout
def enroll(request, slug):
    """Free course: enrolled at once. Paid: on to the (new or reused) checkout.

    An unconfirmed email address goes back with a message and a "Resend confirmation" button.
    A GET changes nothing: it is where the login page sends a visitor who pressed Enroll, so it
    returns to the course page, whose Enroll box now fits the logged-in student.
    """
    course = get_object_or_404(Course.objects.published(), slug=slug)
    if request.method != "POST":
        return redirect(course)
    missing = Enrollment.objects.prerequisites_missing(user=request.user, course=course)
    if missing:
        titles = ", ".join(prerequisite.title for prerequisite in missing)
        messages.warning(request, f"Complete the prerequisites first: {titles}.")
        return redirect(course)
    if course.is_free:
        enrollment_services.enrollment_activate(user=request.user, course=course, reason="free course")
        messages.success(request, f"You are enrolled in {course.title}. Enjoy the course!")
        return redirect(course)
    try:
        payment = services.checkout_start(
            user=request.user, course=course, coupon_code=request.POST.get("coupon", "").strip() or None
        )
    except services.PaymentProviderUnavailable as error:
        return _unavailable(request, course, str(error))
    except services.CheckoutError as error:
        messages.info(request, str(error))
        return redirect(course)
    if payment.status in Payment.PAID_STATUSES:
        return redirect("payments:return", payment_id=payment.pk)
    return redirect(payment)


@require_GET
@login_required
def checkout(request, payment_id):
    payment = _payment_for(request, payment_id)
    if not payment.is_open:
        if payment.status in Payment.PAID_STATUSES:
            return redirect("payments:return", payment_id=payment.pk)
        messages.info(request, "That checkout is closed. Press Enroll to start a new one.")
        return redirect(payment.course)
    return_url = request.build_absolute_uri(reverse("payments:return", kwargs={"payment_id": payment.pk}))
    # The terms and refund policy in force: the card form appears once the student has accepted
    # their current versions (a newer version than the one accepted is asked again, with what changed).
    pending = policies_pending(user=request.user, kinds=CHECKOUT_KINDS)
    return render(
        request,
        "payments/checkout.html",
        {
            "payment": payment,
            "course": payment.course,
            "offline": services.is_offline(),
            "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
            "return_url": return_url,
            "pending_policies": pending,
            "checkout_policies": [] if pending else PolicyVersion.objects.current_for(CHECKOUT_KINDS),
        },
    )


@require_POST
@login_required
def checkout_accept_policies(request, payment_id):
    """Record acceptance of the policy versions shown on the checkout page, then back to paying."""
    payment = _payment_for(request, payment_id)
    pending = policies_pending(user=request.user, kinds=CHECKOUT_KINDS)
    shown = set(request.POST.getlist("policy_version"))
    if not request.POST.get("accept"):
        messages.error(request, "Please tick the box to accept the terms and refund policy before you pay.")
    elif {str(item.version.pk) for item in pending} - shown:
        # A version was published after the page was shown: show it before recording anything.
        messages.warning(request, "Our policies were just updated. Please review them and accept again.")
    else:
        policies_accept(
            user=request.user,
            versions=[item.version for item in pending],
            where=PolicyAcceptance.Where.CHECKOUT,
            ip_address=client_ip(request),
        )
    return redirect(payment)


@require_POST
@login_required
@verified_email_required_for_checkout
def checkout_coupon(request, payment_id):
    payment = _payment_for(request, payment_id)
    try:
        new_payment = services.checkout_start(
            user=request.user, course=payment.course, coupon_code=request.POST.get("coupon", "").strip() or None
        )
    except services.PaymentProviderUnavailable as error:
        return _unavailable(request, payment.course, str(error))
    except services.CheckoutError as error:
        messages.error(request, str(error))
        return redirect(payment)
    if new_payment.coupon_id:
        messages.success(request, f"Coupon applied: you pay {new_payment.amount_label}.")
    if new_payment.status in Payment.PAID_STATUSES:
        return redirect("payments:return", payment_id=new_payment.pk)
    return redirect(new_payment)


@require_POST
@login_required
def checkout_pay_test_mode(request, payment_id):
    """Offline test mode only: the "Pay (test mode)" button. A 404 whenever Stripe is configured."""
    if not services.is_offline():
        raise Http404("Test-mode payments are off.")
    payment = _payment_for(request, payment_id)
    if policies_pending(user=request.user, kinds=CHECKOUT_KINDS):
        messages.error(request, "Please accept the terms and refund policy before you pay.")
        return redirect(payment)
    if payment.is_open:
        services.checkout_pay_offline(payment=payment)
    return redirect("payments:return", payment_id=payment.pk)


@require_GET
@login_required
def checkout_return(request, payment_id):
    """Where Stripe sends the browser back: what happened and what to do next."""
    payment = services.payment_intent_refresh(payment=_payment_for(request, payment_id))
    return render(
        request,
        "payments/return.html",
        {"payment": payment, "course": payment.course, "redirect_status": request.GET.get("redirect_status", "")},
    )


@login_required
def receipt(request, receipt_number):
    payment = get_object_or_404(
        Payment.objects.for_user(request.user).with_receipt().select_related("course", "user"),
        receipt_number=receipt_number,
    )
    return render(
        request,
        "payments/receipt.html",
        {"payment": payment, "refunds": payment.refunds.all(), "lines": receipt_lines(payment)},
    )


@require_GET
@login_required
def receipt_pdf(request, receipt_number):
    """The same receipt as a PDF download; another person's receipt number is a 404."""
    payment = get_object_or_404(
        Payment.objects.for_user(request.user).with_receipt().select_related("course", "user", "coupon"),
        receipt_number=receipt_number,
    )
    response = HttpResponse(
        receipt_pdf_render(payment, payment.refunds.order_by("created_at")), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="receipt-{payment.receipt_number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# Stripe's own default: a signed body older than five minutes is a replay.
STRIPE_SIGNATURE_TOLERANCE = 300


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Stripe's events: verify the signature on the raw body, store, then process.

    413 for a body over STRIPE_WEBHOOK_MAX_BYTES (declared or sent) and 408 for one still arriving
    after STRIPE_WEBHOOK_BODY_SECONDS, both without holding the thread longer; 400 and nothing
    stored for a bad signature; 2xx for types we do not handle and for duplicates; 5xx on an
    unexpected error so Stripe retries (the stored event keeps the error for the admin's "reprocess").
    """
    try:
        body = read_body_within(
            request,
            max_bytes=settings.STRIPE_WEBHOOK_MAX_BYTES,
            deadline_seconds=settings.STRIPE_WEBHOOK_BODY_SECONDS,
        )
    except BodyTooLarge as error:
        logger.warning("stripe webhook refused: %s", error)
        return HttpResponse("Payload too large.", status=413, content_type="text/plain")
    except BodyTooSlow as error:
        logger.warning("stripe webhook refused: %s", error)
        return HttpResponse("Request body too slow.", status=408, content_type="text/plain")
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        logger.error("stripe webhook refused: STRIPE_WEBHOOK_SECRET is not set")
        return HttpResponse("Webhooks are not configured.", status=400, content_type="text/plain")
    try:
        # Verify the signature on the raw bytes first (construct_event would also build an Event
        # object, and raised AttributeError on a signed JSON array).
        stripe.WebhookSignature.verify_header(
            body.decode("utf-8"), request.META.get("HTTP_STRIPE_SIGNATURE", ""), secret, STRIPE_SIGNATURE_TOLERANCE
        )
    except (UnicodeDecodeError, stripe.SignatureVerificationError) as error:
        logger.warning("stripe webhook refused: %s", error.__class__.__name__)
        return HttpResponse("Invalid signature.", status=400, content_type="text/plain")
    try:
        payload = json.loads(body)
    except ValueError:
        logger.warning("stripe webhook refused: signed body is not JSON")
        return HttpResponse("Not an event.", status=400, content_type="text/plain")
    problem = services.stripe_event_payload_problem(payload)
    if problem:
        logger.warning("stripe webhook refused: %s", problem)
        return HttpResponse(f"Not a usable event: {problem}.", status=400, content_type="text/plain")
    event, _ = services.stripe_event_record(payload=payload)
    try:
        services.stripe_event_process(stripe_event=event)
    except Exception:  # noqa: BLE001 - logged with the event id by the service; Stripe must retry
        return HttpResponse("Processing failed; it will be retried.", status=500, content_type="text/plain")
    return JsonResponse({"received": True, "event": event.stripe_event_id})
