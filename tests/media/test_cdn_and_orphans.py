"""After a file is replaced or deleted: the old object goes and its CDN path is invalidated
(CloudFront on the moto server). Orphans (uploads started or finished but never attached) are
cleaned up by the scheduled job once they are older than a day."""

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile

from core import direct_upload
from lessons import uploads
from lessons.models import Material
from lessons.tasks import media_objects_retire_task, media_orphans_clean_task
from tests.media.conftest import ACCESS_KEY, BUCKET, SECRET_KEY, boto_client, put

pytestmark = pytest.mark.django_db


@pytest.fixture
def cloudfront(moto_endpoint, monkeypatch, settings):
    """A CloudFront distribution on the moto server; boto3 reads AWS_ENDPOINT_URL_CLOUDFRONT itself."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDFRONT", moto_endpoint)
    settings.AWS_ACCESS_KEY_ID = ACCESS_KEY
    settings.AWS_SECRET_ACCESS_KEY = SECRET_KEY
    client = boto_client(moto_endpoint, "cloudfront")
    distribution = client.create_distribution(
        DistributionConfig={
            "CallerReference": f"test-{datetime.now(UTC).timestamp()}",
            "Comment": "bds media",
            "Enabled": True,
            "Origins": {
                "Quantity": 1,
                "Items": [
                    {
                        "Id": "bucket",
                        "DomainName": f"{BUCKET}.s3.amazonaws.com",
                        "S3OriginConfig": {"OriginAccessIdentity": ""},
                    }
                ],
            },
            "DefaultCacheBehavior": {
                "TargetOriginId": "bucket",
                "ViewerProtocolPolicy": "https-only",
                "MinTTL": 0,
                "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
                "TrustedSigners": {"Enabled": False, "Quantity": 0},
            },
        }
    )["Distribution"]
    settings.CDN_DISTRIBUTION_ID = distribution["Id"]
    return client


def invalidated_paths(client) -> list[list[str]]:
    listing = client.list_invalidations(DistributionId=django_settings.CDN_DISTRIBUTION_ID)["InvalidationList"]
    batches = []
    for summary in listing.get("Items", []):
        batch = client.get_invalidation(DistributionId=django_settings.CDN_DISTRIBUTION_ID, Id=summary["Id"])
        batches.append(batch["Invalidation"]["InvalidationBatch"]["Paths"]["Items"])
    return batches


def stored(s3_storage, name: str, data: bytes = b"x") -> str:
    s3_storage.connection.meta.client.put_object(Bucket=BUCKET, Key=f"private/{name}", Body=data)
    return name


def bucket_keys(s3) -> list[str]:
    return sorted(item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def test_retiring_deletes_the_objects_and_invalidates_their_cdn_paths(s3_storage, s3, cloudfront, ians_lesson):
    old_video = stored(s3_storage, "videos/course-1/1/aa11/old take.mp4")
    old_material = stored(s3_storage, "materials/course-1/1/bb22/checklist.pdf")

    retired = media_objects_retire_task.delay(names=[old_video, old_material]).get()

    assert sorted(retired) == sorted([old_video, old_material])
    assert bucket_keys(s3) == []
    [batch] = invalidated_paths(cloudfront)
    assert sorted(batch) == [
        "/private/materials/course-1/1/bb22/checklist.pdf",
        "/private/videos/course-1/1/aa11/old%20take.mp4",
    ]


def test_a_file_still_named_by_a_row_is_kept(s3_storage, s3, cloudfront, ians_lesson):
    shared = stored(s3_storage, "materials/course-1/1/cc33/shared.pdf")
    Material.objects.create(lesson=ians_lesson, title="Still here", file=shared, size_bytes=1)

    assert uploads.media_objects_retire(names=[shared]) == []

    assert bucket_keys(s3) == [f"private/{shared}"]
    assert invalidated_paths(cloudfront) == []


def test_no_invalidation_without_a_distribution(s3_storage, s3, settings, monkeypatch):
    settings.CDN_DISTRIBUTION_ID = ""
    monkeypatch.setattr(direct_upload, "cloudfront_client", lambda: pytest.fail("CloudFront must not be called"))
    name = stored(s3_storage, "videos/c/1/dd44/a.mp4")
    assert uploads.media_objects_retire(names=[name]) == [name]
    assert bucket_keys(s3) == []


def test_invalidations_are_batched_with_unique_references(cloudfront, monkeypatch):
    sent = []
    client = direct_upload.cloudfront_client()
    original = client.create_invalidation

    def recording(**kwargs):
        sent.append(kwargs["InvalidationBatch"]["CallerReference"])
        return original(**kwargs)

    monkeypatch.setattr(client, "create_invalidation", recording)
    monkeypatch.setattr(direct_upload, "cloudfront_client", lambda: client)
    paths = [f"/private/videos/c/{n}.mp4" for n in range(2500)]

    ids = uploads.cdn_paths_invalidate(paths=paths)

    assert len(ids) == 3
    assert len(set(sent)) == 3
    batches = invalidated_paths(cloudfront)
    assert sorted(len(batch) for batch in batches) == [500, 1000, 1000]
    assert sorted(path for batch in batches for path in batch) == sorted(paths)


def test_local_files_are_deleted_without_cdn(db, settings):
    settings.CDN_DISTRIBUTION_ID = "E123"  # would fail if called: there is no CloudFront here
    storage = uploads.upload_storage()
    name = storage.save("videos/old.mp4", ContentFile(b"x"))
    assert uploads.media_objects_retire(names=[name]) == [name]
    assert not storage.exists(name)


def test_orphan_cleanup(s3_storage, s3, ian, ians_lesson, settings, small_parts):
    finished_unattached = stored(s3_storage, "videos/course-1/1/ee55/unsaved.mp4")
    attached = stored(s3_storage, "videos/course-1/1/ff66/attached.mp4")
    ians_lesson.video.name = attached
    ians_lesson.save()
    certificate = stored(s3_storage, "certificates/abc.pdf")  # not ours to clean

    # Within the day nothing goes: the instructor may still save the form.
    assert uploads.media_orphans_clean() == {"aborted": 0, "deleted": 0}
    assert len(bucket_keys(s3)) == 3

    # (moto reports a fixed 2010 "Initiated" date for every multipart upload, so an unfinished one
    # is only added now, when it would be old enough on real S3 too.)
    started = uploads.multipart_upload_start(
        user=ian, kind="video", filename="never.mp4", content_type="video/mp4", size=10, lesson=ians_lesson
    )
    put(started["parts"][0]["url"], b"0123456789")
    later = datetime.now(UTC) + timedelta(seconds=settings.MEDIA_ORPHAN_UPLOAD_MAX_AGE_SECONDS + 60)
    assert media_orphans_clean_task.delay().get() == {"aborted": 1, "deleted": 0}  # objects still too young
    assert uploads.media_orphans_clean(now=later) == {"aborted": 0, "deleted": 1}

    assert s3.list_multipart_uploads(Bucket=BUCKET).get("Uploads", []) == []
    assert bucket_keys(s3) == sorted([f"private/{attached}", f"private/{certificate}"])
    assert finished_unattached not in bucket_keys(s3)


def test_orphan_cleanup_is_scheduled_and_outlives_the_upload_token():
    entry = django_settings.CELERY_BEAT_SCHEDULE["media-orphan-uploads-clean"]
    assert entry["task"] == media_orphans_clean_task.name
    assert django_settings.MEDIA_ORPHAN_UPLOAD_MAX_AGE_SECONDS >= 24 * 3600
    assert django_settings.MEDIA_ORPHAN_UPLOAD_MAX_AGE_SECONDS > django_settings.MEDIA_UPLOAD_TOKEN_MAX_AGE_SECONDS


def test_orphan_cleanup_does_nothing_on_local_files():
    assert media_orphans_clean_task.delay().get() == {"aborted": 0, "deleted": 0}
