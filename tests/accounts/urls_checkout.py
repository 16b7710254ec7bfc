"""The site's URLs plus a stand-in checkout view wearing the decorator."""

from django.http import HttpResponse
from django.urls import path

from accounts.decorators import verified_email_required_for_checkout
from bds.urls import urlpatterns as site_urlpatterns


@verified_email_required_for_checkout
def checkout(request):
    return HttpResponse("checkout page")


urlpatterns = [path("test-checkout/", checkout), *site_urlpatterns]
