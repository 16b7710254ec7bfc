from django.urls import path

from policies import views

app_name = "policies"

urlpatterns = [
    path("<str:kind>/", views.policy_current, name="policy"),
    path("<str:kind>/v<int:version>/", views.policy_version, name="version"),
]
