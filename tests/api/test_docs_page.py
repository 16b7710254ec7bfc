"""The API reference at /api/v1/docs (issue 21: it was a 404): Redoc from our own static files,
no inline or third-party script, and the site's script policy unchanged."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_the_reference_page_answers_with_same_origin_scripts_only(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
    assert len(scripts) == 2
    for attributes, body in scripts:
        assert body.strip() == ""  # no inline script
        assert re.search(r'src="/static/', attributes)
    assert 'data-openapi-url="/api/v1/openapi.json"' in html


def test_only_styles_are_relaxed_on_the_reference_page(client):
    policy = client.get("/api/v1/docs")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert "'unsafe-inline'" in directives["style-src"]
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-inline'" not in client.get("/courses/")["Content-Security-Policy"]


def test_the_bundled_redoc_is_served(client):
    from django.contrib.staticfiles import finders

    assert finders.find("ninja/redoc.standalone.js")
