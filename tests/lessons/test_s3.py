"""Private media on S3, against a real S3-compatible server on 127.0.0.1 (moto's server mode):
upload, presigned download over HTTP, expiry, CloudFront signed URLs and public CDN URLs."""

import base64
import urllib.request
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.core.files.base import ContentFile
from django.urls import reverse
from moto.server import ThreadedMotoServer
from storages.backends.s3 import S3Storage

from core.storage import private_url

BUCKET = "bds-test-media"
CREDENTIALS = {"access_key": "testing-access-key", "secret_key": "testing-secret-key"}


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=CREDENTIALS["access_key"],
        aws_secret_access_key=CREDENTIALS["secret_key"],
    ).create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()


def private_s3_storage(endpoint, **extra):
    """The private storage exactly as bds/settings.py builds it for STORAGE_PROVIDER=aws_s3."""
    return S3Storage(
        bucket_name=BUCKET,
        region_name="us-east-1",
        endpoint_url=endpoint,
        addressing_style="path",
        signature_version="s3v4",
        file_overwrite=False,
        location="private",
        querystring_auth=True,
        querystring_expire=900,
        **CREDENTIALS,
        **extra,
    )


def test_upload_and_presigned_download_over_http(s3_endpoint, settings):
    storage = private_s3_storage(s3_endpoint)
    name = storage.save("videos/lesson.mp4", ContentFile(b"\x00\x01video-bytes" * 100))
    url = private_url(name, storage=storage)
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == s3_endpoint
    assert parts.path == f"/{BUCKET}/private/{name}"
    query = parse_qs(parts.query)
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert query["X-Amz-Expires"] == [str(settings.PRIVATE_URL_EXPIRY_SECONDS)]
    assert "X-Amz-Signature" in query
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our own loopback server
        assert response.status == 200
        assert response.read() == b"\x00\x01video-bytes" * 100


def test_expiry_follows_the_setting(s3_endpoint, settings):
    settings.PRIVATE_URL_EXPIRY_SECONDS = 120
    storage = private_s3_storage(s3_endpoint)
    name = storage.save("materials/checklist.pdf", ContentFile(b"%PDF-1.4 checklist"))
    query = parse_qs(urlsplit(private_url(name, storage=storage, download_as="checklist.pdf")).query)
    assert query["X-Amz-Expires"] == ["120"]
    assert query["response-content-disposition"] == ['attachment; filename="checklist.pdf"']


def test_private_storage_never_builds_an_unsigned_url(s3_endpoint):
    storage = private_s3_storage(s3_endpoint)
    assert "X-Amz-Signature" in storage.url("private-anything.mp4")


@pytest.fixture(scope="module")
def rsa_key_pair():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    ).decode()
    return key.public_key(), pem


def cloudfront_b64decode(value: str) -> bytes:
    return base64.b64decode(value.replace("-", "+").replace("_", "=").replace("~", "/"))


def test_cloudfront_signed_url_verifies_against_the_public_key(s3_endpoint, rsa_key_pair, settings):
    public_key, pem = rsa_key_pair
    storage = private_s3_storage(
        s3_endpoint, custom_domain="cdn.bostondroneschool.test", cloudfront_key_id="K2JCJMDEHXQW5F", cloudfront_key=pem
    )
    before = int(datetime.now(UTC).timestamp())
    url = private_url("videos/lesson.mp4", storage=storage)
    parts = urlsplit(url)
    assert parts.netloc == "cdn.bostondroneschool.test"
    assert parts.path == "/private/videos/lesson.mp4"
    query = parse_qs(parts.query)
    assert query["Key-Pair-Id"] == ["K2JCJMDEHXQW5F"]
    expires = int(query["Expires"][0])
    assert before + settings.PRIVATE_URL_EXPIRY_SECONDS <= expires <= before + settings.PRIVATE_URL_EXPIRY_SECONDS + 5
    resource = f"{parts.scheme}://{parts.netloc}{parts.path}"
    # The canned policy CloudFront rebuilds and checks: any other resource or expiry fails verification.
    policy = (
        f'{{"Statement":[{{"Resource":"{resource}","Condition":{{"DateLessThan":{{"AWS:EpochTime":{expires}}}}}}}]}}'
    )
    signature = cloudfront_b64decode(query["Signature"][0])
    public_key.verify(signature, policy.encode(), padding.PKCS1v15(), hashes.SHA1())  # noqa: S303 - CloudFront's
    tampered = policy.replace(str(expires), str(expires + 3600)).encode()
    with pytest.raises(InvalidSignature):
        public_key.verify(signature, tampered, padding.PKCS1v15(), hashes.SHA1())  # noqa: S303


def test_settings_pass_the_cloudfront_key_pair_to_the_private_storage(monkeypatch, rsa_key_pair):
    import importlib

    import bds.settings

    _, pem = rsa_key_pair
    for name, value in {
        "STORAGE_PROVIDER": "aws_s3",
        "AWS_S3_BUCKET": BUCKET,
        "AWS_ACCESS_KEY_ID": "id",
        "AWS_SECRET_ACCESS_KEY": "secret",
        "S3_CDN_BASE_URL": "https://media.bostondroneschool.test",
        "CLOUDFRONT_KEY_ID": "K2JCJMDEHXQW5F",
        "CLOUDFRONT_PRIVATE_KEY": pem.replace("\n", "\\n"),
    }.items():
        monkeypatch.setenv(name, value)
    try:
        reloaded = importlib.reload(bds.settings)
        options = reloaded.STORAGES["private"]["OPTIONS"]
        assert options["cloudfront_key_id"] == "K2JCJMDEHXQW5F"
        assert options["cloudfront_key"] == pem
        assert options["custom_domain"] == "media.bostondroneschool.test"
        assert options["querystring_expire"] == reloaded.PRIVATE_URL_EXPIRY_SECONDS
    finally:
        monkeypatch.undo()
        importlib.reload(bds.settings)


def test_public_cdn_urls_are_unsigned_and_on_the_cdn_host(s3_endpoint):
    public = S3Storage(
        bucket_name=BUCKET,
        region_name="us-east-1",
        endpoint_url=s3_endpoint,
        addressing_style="path",
        signature_version="s3v4",
        location="public",
        querystring_auth=False,
        custom_domain="media.bostondroneschool.test",
        **CREDENTIALS,
    )
    name = public.save("covers/part-107.jpg", ContentFile(b"jpeg"))
    assert public.url(name) == f"https://media.bostondroneschool.test/public/{name}"


class UnreachableS3Storage(S3Storage):
    def url(self, name, parameters=None, expire=None, http_method=None):
        raise EndpointConnectionError(endpoint_url="https://s3.unreachable.test")


@pytest.mark.django_db
def test_lesson_page_renders_when_storage_is_unreachable(student_client, enrolled, course, lessons, settings):
    # The video was stored earlier; now the private storage cannot be reached.
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "tests.lessons.test_s3.UnreachableS3Storage",
            "OPTIONS": {"bucket_name": BUCKET, "endpoint_url": "http://127.0.0.1:9", **CREDENTIALS},
        },
    }
    page = student_client.get(reverse("lessons:lesson", args=[course.slug, "airspace-classes"]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "video is temporarily unavailable" in html
    assert "<h2>Class B</h2>" in html
    material = lessons["classes"].materials.get()
    download = student_client.get(reverse("lessons:material", args=[course.slug, "airspace-classes", material.pk]))
    assert download.status_code == 503


@pytest.fixture
def s3_private(s3_endpoint, settings):
    """Private files on the moto server for this test, as STORAGE_PROVIDER=aws_s3 configures them."""
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "region_name": "us-east-1",
                "endpoint_url": s3_endpoint,
                "addressing_style": "path",
                "signature_version": "s3v4",
                "location": "private",
                "querystring_auth": True,
                "querystring_expire": settings.PRIVATE_URL_EXPIRY_SECONDS,
                **CREDENTIALS,
            },
        },
    }
    return s3_endpoint


@pytest.mark.django_db
def test_enrolled_student_streams_the_lesson_video_from_s3(s3_private, student_client, enrolled, course, lessons):
    from tests.lessons.conftest import VIDEO_BYTES, video_src

    page = student_client.get(reverse("lessons:lesson", args=[course.slug, "airspace-classes"]))
    video_url = video_src(page)
    assert video_url.startswith(f"{s3_private}/{BUCKET}/private/videos/")
    assert "X-Amz-Signature=" in video_url
    with urllib.request.urlopen(video_url, timeout=10) as response:  # noqa: S310 - our own loopback server
        assert response.read() == VIDEO_BYTES
    material = lessons["classes"].materials.get()
    download = student_client.get(reverse("lessons:material", args=[course.slug, "airspace-classes", material.pk]))
    assert download.status_code == 302
    with urllib.request.urlopen(download["Location"], timeout=10) as response:  # noqa: S310
        assert response.read() == b"%PDF-1.4 legend"


@pytest.mark.django_db
def test_outsider_gets_no_s3_url(s3_private, client, outsider, course, lessons):
    client.force_login(outsider)
    page = client.get(reverse("lessons:lesson", args=[course.slug, "airspace-classes"]))
    assert page.status_code == 403
    assert s3_private not in page.content.decode()
    assert "X-Amz-Signature" not in page.content.decode()
    material = lessons["classes"].materials.get()
    response = client.get(reverse("lessons:material", args=[course.slug, "airspace-classes", material.pk]))
    assert response.status_code == 403
    assert "Location" not in response
