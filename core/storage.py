"""Where files live. Private files (videos, materials, certificates) never get a public address:
they are handed out as short-lived signed URLs, and only after a permission check (see lessons).

Three ways a private file is signed, chosen by the configured private storage:
- S3 (or R2, ...) without a CDN key pair: an S3 presigned URL (SigV4, `X-Amz-Expires`).
- S3 behind CloudFront with a key pair (`CLOUDFRONT_KEY_ID` / `CLOUDFRONT_PRIVATE_KEY`): a CloudFront
  signed URL on the CDN host (canned policy: `Expires`, `Signature`, `Key-Pair-Id`).
- Local files (development): a `django.core.signing` token for the streaming view at /private-media/,
  expiring like the S3 URLs. media/private is never reachable through MEDIA_URL.
"""

from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core import signing
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import reverse
from django.utils.functional import LazyObject, empty

PRIVATE_MEDIA_SALT = "bds.private-media"
# What signing or reaching the store can raise when S3 (or its credentials) is unavailable.
STORAGE_ERRORS = (BotoCoreError, ClientError, OSError, ValueError)


class PrivateStorage(LazyObject):
    """storages["private"], looked up on first use and again after STORAGES changes.

    A FileField evaluates a callable storage once, when the model class loads; this proxy is what
    it keeps, so a changed STORAGES (tests, per-test folders) is honoured like default_storage is.
    """

    def _setup(self):
        self._wrapped = storages["private"]


_private_storage = PrivateStorage()


@receiver(setting_changed)
def _private_storage_reset(*, setting, **kwargs):
    if setting == "STORAGES":
        _private_storage._wrapped = empty


def private_storage():
    """The storage for private files (the callable FileFields name, so migrations stay stable)."""
    return _private_storage


def private_url_expiry_seconds() -> int:
    return settings.PRIVATE_URL_EXPIRY_SECONDS


def private_media_token(name: str, *, download_as: str = "") -> str:
    """A tamper-proof, timestamped token naming one local private file (and how to serve it)."""
    return signing.TimestampSigner(salt=PRIVATE_MEDIA_SALT).sign_object({"n": name, "d": download_as})


def private_media_token_read(token: str) -> tuple[str, str]:
    """The file name and download name inside a token.

    Raises signing.SignatureExpired when older than PRIVATE_URL_EXPIRY_SECONDS and
    signing.BadSignature when forged or damaged.
    """
    payload = signing.TimestampSigner(salt=PRIVATE_MEDIA_SALT).unsign_object(
        token, max_age=private_url_expiry_seconds()
    )
    return payload["n"], payload.get("d", "")


def cloudfront_signed_url(storage, name: str, *, expires_in: int) -> str:
    """A CloudFront signed URL (canned policy) for `name` on the storage's CDN host.

    django-storages does the same in url(), but with the deprecated naive datetime.utcnow();
    this builds the expiry as an aware UTC time and uses the same signer.
    """
    name = storage._normalize_name(name)
    url = f"{storage.url_protocol}//{storage.custom_domain}/{quote(name)}"
    return storage.cloudfront_signer.generate_presigned_url(
        url, date_less_than=datetime.now(UTC) + timedelta(seconds=expires_in)
    )


def private_url(name: str, *, download_as: str = "", storage=None) -> str:
    """A short-lived URL for one private file. Call it only after checking the user may see it.

    `download_as` asks the browser to save the file under that name instead of showing it
    (local and S3 presigned; CloudFront passes the object's own Content-Disposition).
    """
    storage = storage or private_storage()
    expires_in = private_url_expiry_seconds()
    if isinstance(storage, FileSystemStorage):
        return reverse("private_media", kwargs={"token": private_media_token(name, download_as=download_as)})
    if getattr(storage, "cloudfront_signer", None) and getattr(storage, "custom_domain", None):
        return cloudfront_signed_url(storage, name, expires_in=expires_in)
    parameters = {}
    if download_as:
        parameters["ResponseContentDisposition"] = f'attachment; filename="{download_as}"'
    return storage.url(name, parameters=parameters or None, expire=expires_in)
