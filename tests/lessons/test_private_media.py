"""Local private files: streamed only with a valid, unexpired signed token, with HTTP Range support."""

import pytest
from django.core import signing
from django.core.files.base import ContentFile
from django.test import override_settings

from core.storage import private_media_token, private_storage, private_url
from tests.lessons.conftest import VIDEO_BYTES

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored_name():
    return private_storage().save("videos/range.mp4", ContentFile(VIDEO_BYTES))


def test_whole_file_advertises_ranges(client, stored_name):
    response = client.get(private_url(stored_name))
    assert response.status_code == 200
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "video/mp4"
    assert int(response["Content-Length"]) == len(VIDEO_BYTES)
    assert b"".join(response.streaming_content) == VIDEO_BYTES


def test_range_request_gets_206_partial_content(client, stored_name):
    response = client.get(private_url(stored_name), headers={"Range": "bytes=1000-1999"})
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 1000-1999/{len(VIDEO_BYTES)}"
    assert response["Content-Length"] == "1000"
    assert b"".join(response.streaming_content) == VIDEO_BYTES[1000:2000]


def test_open_ended_and_suffix_ranges(client, stored_name):
    url = private_url(stored_name)
    tail = client.get(url, headers={"Range": "bytes=10000-"})
    assert tail.status_code == 206
    assert tail["Content-Range"] == f"bytes 10000-10239/{len(VIDEO_BYTES)}"
    assert b"".join(tail.streaming_content) == VIDEO_BYTES[10000:]
    suffix = client.get(url, headers={"Range": "bytes=-100"})
    assert suffix["Content-Range"] == f"bytes 10140-10239/{len(VIDEO_BYTES)}"
    assert b"".join(suffix.streaming_content) == VIDEO_BYTES[-100:]
    beyond = client.get(url, headers={"Range": "bytes=0-999999"})
    assert beyond["Content-Range"] == f"bytes 0-10239/{len(VIDEO_BYTES)}"


def test_unsatisfiable_range_is_416(client, stored_name):
    response = client.get(private_url(stored_name), headers={"Range": "bytes=20000-"})
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(VIDEO_BYTES)}"


def test_expired_token_is_refused(client, stored_name, monkeypatch):
    url = private_url(stored_name)
    import time

    real_time = time.time
    monkeypatch.setattr(signing.time, "time", lambda: real_time() + 901)
    response = client.get(url)
    assert response.status_code == 403
    assert b"expired" in response.content


@override_settings(PRIVATE_URL_EXPIRY_SECONDS=60)
def test_expiry_follows_the_setting(client, stored_name, monkeypatch):
    url = private_url(stored_name)
    import time

    real_time = time.time
    monkeypatch.setattr(signing.time, "time", lambda: real_time() + 61)
    assert client.get(url).status_code == 403


def test_forged_and_tampered_tokens_are_refused(client, stored_name):
    token = private_media_token(stored_name)
    forged = signing.TimestampSigner(key="not-our-secret-key-at-all-0123456789", salt="bds.private-media").sign_object(
        {"n": stored_name, "d": ""}
    )
    assert client.get(f"/private-media/{forged}/").status_code == 403
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    assert client.get(f"/private-media/{tampered}/").status_code == 403
    assert client.get("/private-media/videos:range.mp4/").status_code == 403


def test_token_for_a_missing_file_is_404(client):
    assert client.get(private_url("videos/nothing-here.mp4")).status_code == 404


def test_private_files_are_not_served_under_media_url(client, stored_name):
    assert client.get(f"/media/private/{stored_name}").status_code == 404
    assert client.get(f"/media/{stored_name}").status_code == 404


@pytest.mark.parametrize("name", ["videos/trick.html", "videos/trick.svg"])
def test_files_a_browser_would_run_are_served_as_downloads(client, name):
    stored = private_storage().save(name, ContentFile(b"<script>alert(1)</script>"))
    response = client.get(private_url(stored))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"<script>alert(1)</script>"


def test_videos_are_served_inline(client, stored_name):
    response = client.get(private_url(stored_name))
    assert "attachment" not in response.get("Content-Disposition", "")
    assert b"".join(response.streaming_content) == VIDEO_BYTES
