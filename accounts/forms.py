from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.contrib.auth import get_user_model

User = get_user_model()


class SignupForm(AllauthSignupForm):
    """Email, full name and password. The name is the one printed on certificates."""

    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        help_text="As it should print on your certificates.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    field_order = ["email", "full_name", "password1", "password2"]

    def validate_unique_email(self, value: str) -> str:
        # A taken address (in any letter case) is a plain form error here, as the issue asks, rather
        # than allauth's silent "check your inbox": a student who already has an account is told so
        # and pointed at password reset. Password reset itself still reveals nothing.
        if User.objects.filter(email__iexact=value).exists():
            raise forms.ValidationError(
                "An account with this email address already exists. Log in, or reset your password.",
                code="email_taken",
            )
        return super().validate_unique_email(value)


class ProfileForm(forms.ModelForm):
    """What a person may change about themselves on "My account"."""

    class Meta:
        model = User
        fields = ["full_name", "remote_pilot_certificate_date"]
        labels = {"remote_pilot_certificate_date": "Remote Pilot certificate date"}
        help_texts = {
            "full_name": "As it should print on your certificates.",
            "remote_pilot_certificate_date": (
                "The date of your FAA Part 107 certificate or your last recurrent training. "
                "We remind you before the 24-month recurrent training is due."
            ),
        }
        widgets = {"remote_pilot_certificate_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def clean_full_name(self) -> str:
        name = self.cleaned_data["full_name"].strip()
        if not name:
            raise forms.ValidationError("Please enter your name.")
        return name


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="To make sure it is really you.",
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your current password.", code="incorrect_password")
        return password
