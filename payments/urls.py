from django.urls import path

from payments import views

app_name = "payments"

urlpatterns = [
    path("checkout/<int:payment_id>/", views.checkout, name="checkout"),
    path("checkout/<int:payment_id>/coupon/", views.checkout_coupon, name="checkout_coupon"),
    path("checkout/<int:payment_id>/policies/", views.checkout_accept_policies, name="checkout_policies"),
    path("checkout/<int:payment_id>/pay-test-mode/", views.checkout_pay_test_mode, name="pay_test_mode"),
    path("return/<int:payment_id>/", views.checkout_return, name="return"),
    # Stripe's webhook: no trailing slash, as configured in the Stripe dashboard.
    path("confirm", views.stripe_webhook, name="stripe_webhook"),
]
