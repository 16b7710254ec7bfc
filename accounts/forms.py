from allauth.account.forms import AddEmailForm, LoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.account.internal.flows.email_verification import send_verification_email_to_address
from allauth.account.models import EmailAddress
from django import forms
from django.contrib.auth import get_user_model
from django.db import transaction

User = get_user_model()


class AccountLoginForm(LoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "remember" in self.fields:
            self.fields["remember"].label = "Keep me logged in on this device"


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


class ChangeEmailForm(AddEmailForm):
    """allauth's email change, made safe for an account whose current address is not confirmed.

    allauth treats an unconfirmed address as a pending change and deletes it when another is
    entered, leaving the login (User.email) empty until the new one is confirmed. Here the
    unconfirmed address is corrected in place instead: it carried no trust, and the person can
    still log in. A confirmed address stays in use until the new one is confirmed (allauth's flow).
    """

    def clean_email(self) -> str:
        value = super().clean_email()
        taken = User.objects.filter(email__iexact=value).exclude(pk=self.user.pk).exists()
        if taken or EmailAddress.objects.filter(email__iexact=value).exclude(user=self.user).exists():
            # Enumeration does not apply: the person is logged in and sign-up says the same.
            raise forms.ValidationError("Another account uses this email address.", code="email_taken")
        return value

    def save(self, request):
        current = EmailAddress.objects.filter(user=self.user, primary=True).first()
        if current is None or current.verified:
            return super().save(request)
        new_email = self.cleaned_data["email"]
        with transaction.atomic():
            EmailAddress.objects.filter(user=self.user).exclude(pk=current.pk).delete()
            current.email = new_email
            current.save(update_fields=["email"])
            self.user.email = new_email
            self.user.save(update_fields=["email"])
        send_verification_email_to_address(request, current)
        return current


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
