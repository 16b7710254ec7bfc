from django import forms
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from accounts.client_address import client_ip
from accounts.forms import SignupForm
from policies.models import SIGNUP_KINDS, PolicyAcceptance, PolicyVersion
from policies.services import policies_accept


class PolicySignupForm(SignupForm):
    """accounts' sign-up form, plus accepting the current terms of service and privacy policy.

    When versions are published, a ticked box is required and the exact versions shown are
    recorded (a hidden field carries them across the POST; a version published while the form was
    open is shown and asked again). With none published, nothing is asked.
    """

    field_order = [*SignupForm.field_order, "accept_policies"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.policy_versions = PolicyVersion.objects.current_for(SIGNUP_KINDS)
        if shown := self.policy_versions:
            pages = [(reverse("policies:policy", args=[v.kind]), v.get_kind_display().lower()) for v in shown]
            links = format_html_join(" and ", '<a href="{}" target="_blank" rel="noopener">{}</a>', pages)
            self.fields["accept_policies"] = forms.BooleanField(
                label=format_html("I accept the {}", links),
                error_messages={"required": "Please accept the terms of service and privacy policy to continue."},
            )
            self.fields["policy_versions"] = forms.CharField(
                widget=forms.HiddenInput, initial=",".join(str(v.pk) for v in self.policy_versions)
            )

    def clean(self):
        cleaned = super().clean()
        current = ",".join(str(v.pk) for v in self.policy_versions)
        if self.policy_versions and cleaned.get("policy_versions") != current:
            self.data = self.data.copy()
            self.data["policy_versions"] = current
            self.data.pop("accept_policies", None)
            self.add_error(None, "Our policies were just updated. Please review them and accept again.")
        return cleaned

    def save(self, request):
        user = super().save(request)
        if user is not None and self.policy_versions:
            policies_accept(
                user=user,
                versions=self.policy_versions,
                where=PolicyAcceptance.Where.SIGNUP,
                ip_address=client_ip(request),
            )
        return user
