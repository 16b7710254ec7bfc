"""Terms of service, privacy policy and refund policy as versioned texts, and who accepted which.

The same idea as the flight waivers: a published version is never edited, a change is a new
version; an acceptance points at the exact version the person saw.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from core.markdown import render_markdown


class PolicyKind(models.TextChoices):
    TERMS = "terms", "Terms of service"
    PRIVACY = "privacy", "Privacy policy"
    REFUND = "refund", "Refund policy"


# What each place asks the person to accept.
SIGNUP_KINDS = (PolicyKind.TERMS, PolicyKind.PRIVACY)
CHECKOUT_KINDS = (PolicyKind.TERMS, PolicyKind.REFUND)


class PolicyVersionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False, published_at__lte=timezone.now())

    def current(self, kind: str) -> "PolicyVersion | None":
        """The newest published version of one kind: the one a person accepts today."""
        return self.published().filter(kind=kind).order_by("-version").first()

    def current_for(self, kinds) -> list["PolicyVersion"]:
        """The current version of each kind that has one, in the order given (one query)."""
        newest = {}
        for version in self.published().filter(kind__in=kinds).order_by("kind", "-version"):
            newest.setdefault(version.kind, version)
        return [newest[kind] for kind in kinds if kind in newest]


class PolicyVersion(models.Model):
    """One version of one policy. Published (published_at set and past): immutable."""

    kind = models.CharField(max_length=20, choices=PolicyKind.choices)
    version = models.PositiveSmallIntegerField()
    body = models.TextField(help_text="Markdown. Shown on the policy's page.")
    summary_of_changes = models.TextField(
        blank=True, help_text="What changed since the previous version; shown when asking to accept it again."
    )
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="Empty: a draft nobody sees. Once published the text can no longer change."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PolicyVersionQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="policies_version_unique_kind_version"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"

    def save(self, *args, **kwargs):
        if self.pk:
            stored = PolicyVersion.objects.filter(pk=self.pk).first()
            if stored is not None and stored.is_published:
                changed = [
                    name
                    for name in ("kind", "version", "body", "summary_of_changes", "published_at")
                    if getattr(stored, name) != getattr(self, name)
                ]
                if changed:
                    raise ValidationError(
                        f"{stored} is published and cannot change ({', '.join(changed)}): publish a new version."
                    )
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("policies:version", kwargs={"kind": self.kind, "version": self.version})

    def delete(self, *args, **kwargs):
        if self.is_published:
            raise ValidationError(f"{self} is published and cannot be deleted.")
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None and self.published_at <= timezone.now()

    @property
    def body_html(self):
        return render_markdown(self.body)


class PolicyAcceptanceQuerySet(models.QuerySet):
    def accepted_version_ids(self, user) -> set[int]:
        return set(self.filter(user=user).values_list("policy_version_id", flat=True))


class PolicyAcceptance(models.Model):
    """Evidence that a person accepted one policy version: when, where and from which address."""

    class Where(models.TextChoices):
        SIGNUP = "signup", "Sign-up"
        CHECKOUT = "checkout", "Checkout"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="policy_acceptances")
    policy_version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="acceptances")
    accepted_at = models.DateTimeField(default=timezone.now)
    where = models.CharField(max_length=20, choices=Where.choices)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    objects = PolicyAcceptanceQuerySet.as_manager()

    class Meta:
        ordering = ["-accepted_at"]
        indexes = [models.Index(fields=["user", "policy_version"], name="policies_acc_user_version")]

    def __str__(self) -> str:
        return f"{self.user} accepted {self.policy_version} at {self.get_where_display().lower()}"
