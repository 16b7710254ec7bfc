"""`manage.py bench_webhook_payments --count N`: N paid checkouts confirmed on the Stripe-compatible
server (STRIPE_API_BASE, localstripe in the benchmark), printed as JSON for bench/run.py to send
the matching payment_intent.succeeded webhooks. Goes through checkout_start like a student would."""

import json

import stripe
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from courses.models import Course
from payments.services import checkout_start, stripe_configure


class Command(BaseCommand):
    help = "Create N confirmed PaymentIntents with their Payments (benchmark only)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=1500)
        parser.add_argument("--run", default="1", help="Tags this run's buyers, so runs never collide.")

    def handle(self, *args, count: int, run: str, **options):
        course = Course.objects.published().filter(price__gt=0, slug__startswith="bench-").order_by("pk").first()
        if course is None:
            raise CommandError("No paid benchmark course: run manage.py bench_data first.")
        stripe_configure()
        get_user_model().objects.bulk_create(
            [
                get_user_model()(email=f"bench-webhook-{run}-{index}@example.com", full_name=f"Webhook Buyer {index}")
                for index in range(count)
            ],
            ignore_conflicts=True,
        )
        users = get_user_model().objects.filter(email__startswith=f"bench-webhook-{run}-").order_by("pk")[:count]
        rows = []
        for user in users:
            payment = checkout_start(user=user, course=course)
            intent_id = payment.stripe_payment_intent_id
            stripe.PaymentIntent.modify(intent_id, payment_method="pm_card_visa")
            stripe.PaymentIntent.confirm(intent_id)
            rows.append(
                {
                    "payment_id": payment.pk,
                    "intent_id": intent_id,
                    "amount": payment.amount,
                    "currency": payment.currency,
                    "metadata": {"payment_id": str(payment.pk), "user_id": str(user.pk), "course_id": str(course.pk)},
                }
            )
        self.stdout.write(json.dumps(rows))
