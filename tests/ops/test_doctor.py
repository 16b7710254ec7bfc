"""`manage.py doctor` reports every external system and never prints a secret."""

import io

import boto3
import pytest
from django.core.management import call_command
from moto.server import ThreadedMotoServer

from tests.ports import free_port


@pytest.fixture(scope="module")
def s3_server():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def run_doctor() -> tuple[str, int]:
    out = io.StringIO()
    try:
        call_command("doctor", stdout=out)
    except SystemExit as exit_:
        return out.getvalue(), exit_.code
    return out.getvalue(), 0


@pytest.mark.django_db
def test_embedded_defaults_are_reported_as_warnings_not_failures(settings):
    settings.DEBUG = True  # as with nothing set; pytest-django turns it off
    output, status = run_doctor()
    assert status == 0, output
    assert "offline test mode" in output
    assert "console: emails are printed" in output
    assert "0 failing" in output


@pytest.mark.django_db
def test_bucket_without_upload_cors_fails_and_secrets_never_print(settings, s3_server):
    secret = "aws-secret-that-must-not-print"
    stripe_key = "sk_live_must_not_print_1234567890"
    settings.STORAGE_PROVIDER = "aws_s3"
    settings.AWS_S3_BUCKET = "doctor-bucket"
    settings.AWS_S3_ENDPOINT_URL = s3_server
    settings.AWS_ACCESS_KEY_ID = "testing"
    settings.AWS_SECRET_ACCESS_KEY = secret
    settings.SITE_URL = "https://school.example"
    settings.PAYMENTS_OFFLINE_MODE = False
    settings.STRIPE_API_KEY = stripe_key
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{free_port()}"
    boto3.client(
        "s3", endpoint_url=s3_server, region_name="us-east-1", aws_access_key_id="t", aws_secret_access_key="t"
    ).create_bucket(Bucket="doctor-bucket")

    output, status = run_doctor()

    assert status == 1
    assert "bucket doctor-bucket reachable" in output
    assert "no CORS rule allows PUT from https://school.example" in output
    assert "live key rejected or API unreachable: APIConnectionError" in output
    assert secret not in output
    assert stripe_key not in output


@pytest.mark.django_db
def test_bucket_with_upload_cors_passes(settings, s3_server):
    settings.STORAGE_PROVIDER = "aws_s3"
    settings.AWS_S3_BUCKET = "doctor-cors-bucket"
    settings.AWS_S3_ENDPOINT_URL = s3_server
    settings.AWS_ACCESS_KEY_ID = "testing"
    settings.AWS_SECRET_ACCESS_KEY = "testing"
    settings.SITE_URL = "https://school.example"
    client = boto3.client(
        "s3", endpoint_url=s3_server, region_name="us-east-1", aws_access_key_id="t", aws_secret_access_key="t"
    )
    client.create_bucket(Bucket="doctor-cors-bucket")
    client.put_bucket_cors(
        Bucket="doctor-cors-bucket",
        CORSConfiguration={
            "CORSRules": [{"AllowedMethods": ["PUT", "GET"], "AllowedOrigins": ["https://school.example"]}]
        },
    )
    output, _ = run_doctor()
    assert "browser uploads allowed from https://school.example" in output


@pytest.mark.django_db
def test_missing_video_tools_are_a_warning_that_says_what_is_lost(settings, monkeypatch):
    from bds.management.commands import doctor

    settings.VIDEO_RENDITION_HEIGHTS = [360, 720]
    monkeypatch.setattr(doctor.shutil, "which", lambda tool: None if tool == "ffprobe" else f"/usr/bin/{tool}")
    output, _ = run_doctor()
    assert "ffprobe not on PATH: uploaded videos get no duration, poster or HLS renditions" in output
    monkeypatch.setattr(doctor.shutil, "which", lambda tool: f"/usr/bin/{tool}")
    output, _ = run_doctor()
    assert "ffmpeg and ffprobe found; HLS renditions: 360p, 720p" in output
