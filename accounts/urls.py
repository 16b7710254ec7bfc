app_name = "accounts"

# The site's own account pages ("My account"); sign-up, login and the rest come from allauth.
urlpatterns: list = []
