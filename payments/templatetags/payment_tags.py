"""Payment pieces other pages show (the dashboard's receipts), without those apps importing payments."""

from django import template

from payments.models import Payment, money_label

register = template.Library()


@register.simple_tag
def money(amount: int, currency: str) -> str:
    return money_label(amount, currency)


@register.inclusion_tag("payments/receipts_list.html")
def receipts_list(user):
    payments = Payment.objects.for_user(user).with_receipt().select_related("course").order_by("-succeeded_at")
    return {"payments": payments}
