"""A real S3-compatible server (moto's server mode on 127.0.0.1) behind the private storage, and
the people of the upload tests: instructors Ian and Ada (each teaching one course), school staff."""

import itertools
import urllib.request

import boto3
import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db.models import FileField
from moto.server import ThreadedMotoServer

from courses.models import Category, Course, Instructor, Section
from lessons.models import Lesson
from tests.conftest import instructors_group_as_declared, mfa_enable

BUCKET = "bds-test-media"
REGION = "us-east-1"
ACCESS_KEY = "testing-access-key"
SECRET_KEY = "testing-secret-key"
MiB = 1024 * 1024

_sequence = itertools.count(1)


@pytest.fixture(scope="session")
def moto_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def boto_client(endpoint: str, service: str = "s3"):
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )


@pytest.fixture
def s3(moto_endpoint):
    """A fresh, empty bucket for each test."""
    client = boto_client(moto_endpoint)
    client.create_bucket(Bucket=BUCKET)
    yield client
    for upload in client.list_multipart_uploads(Bucket=BUCKET).get("Uploads", []):
        client.abort_multipart_upload(Bucket=BUCKET, Key=upload["Key"], UploadId=upload["UploadId"])
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


@pytest.fixture
def s3_storage(s3, moto_endpoint, settings):
    """The private storage as bds/settings.py builds it for STORAGE_PROVIDER=aws_s3, on the moto server.

    A FileField resolves its storage once (see tests/conftest.py), so Lesson.video and Material.file
    are re-resolved after STORAGES changes, and put back afterwards.
    """
    settings.STORAGE_PROVIDER = "aws_s3"
    settings.AWS_S3_BUCKET = BUCKET
    settings.AWS_ACCESS_KEY_ID = ACCESS_KEY
    settings.AWS_SECRET_ACCESS_KEY = SECRET_KEY
    settings.AWS_S3_ENDPOINT_URL = moto_endpoint
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "region_name": REGION,
                "access_key": ACCESS_KEY,
                "secret_key": SECRET_KEY,
                "endpoint_url": moto_endpoint,
                "addressing_style": "path",
                "signature_version": "s3v4",
                "file_overwrite": False,
                "location": "private",
                "querystring_auth": True,
                "querystring_expire": 900,
            },
        },
    }
    swapped = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, FileField) and getattr(field, "_storage_callable", None):
                swapped.append((field, field.storage))
                field.storage = field._storage_callable()
    yield Lesson._meta.get_field("video").storage
    for field, storage in swapped:
        field.storage = storage


@pytest.fixture
def small_parts(settings):
    """S3's minimum part size, so a test file of a few MiB goes up in several parts."""
    settings.MEDIA_UPLOAD_PART_BYTES = 5 * MiB


def put(url: str, data: bytes) -> int:
    """PUT bytes to a presigned URL, as the browser does."""
    # urllib would label the body a form (x-www-form-urlencoded); a browser sends a Blob untyped.
    request = urllib.request.Request(  # noqa: S310 - our own loopback server
        url, data=data, method="PUT", headers={"Content-Type": "application/octet-stream"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return response.status


@pytest.fixture
def instructors_group(db):
    return instructors_group_as_declared()


def with_mfa(user):
    """Admin users need a second factor before /admin/ (accounts.middleware)."""
    mfa_enable(user)
    return user


@pytest.fixture
def make_instructor(django_user_model, password, instructors_group):
    def make(name: str, email: str):
        user = django_user_model.objects.create_user(email=email, password=password, full_name=name, is_staff=True)
        user.groups.add(instructors_group)
        Instructor.objects.create(user=user)
        return with_mfa(user)

    return make


@pytest.fixture
def ian(make_instructor):
    return make_instructor("Ian Instructor", "ian@example.com")


@pytest.fixture
def ada(make_instructor):
    return make_instructor("Ada Aviator", "ada@example.com")


@pytest.fixture
def school_staff(django_user_model, password):
    user = django_user_model.objects.create_user(
        email="sid.staff@example.com", password=password, full_name="Sid Staff", is_staff=True
    )
    group, _ = Group.objects.get_or_create(name="Staff")
    group.permissions.set(Permission.objects.filter(content_type__app_label="lessons"))
    user.groups.add(group)
    return with_mfa(user)


@pytest.fixture
def make_lesson(db):
    def make(instructor_user, title: str = "Pre-flight checklist") -> Lesson:
        n = next(_sequence)
        category, _ = Category.objects.get_or_create(slug="certification", defaults={"name": "Certification"})
        course = Course.objects.create(
            slug=f"course-{n}", title=f"Course {n}", summary="A course.", category=category, status="published"
        )
        course.instructors.add(instructor_user.instructor)
        section = Section.objects.create(course=course, title="Basics", order=1)
        return Lesson.objects.create(section=section, title=title, slug=f"lesson-{n}", order=1)

    return make


@pytest.fixture
def ians_lesson(make_lesson, ian):
    return make_lesson(ian, "Ian's pre-flight checklist")


@pytest.fixture
def adas_lesson(make_lesson, ada):
    return make_lesson(ada, "Ada's mapping mission")
