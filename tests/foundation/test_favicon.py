"""The school's icon: linked from the site and the back office, and /favicon.ico is not a 404."""

import pytest

pytestmark = pytest.mark.django_db


def test_favicon_ico_points_at_the_schools_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/favicon.svg")


def test_the_back_office_links_the_icon(client, staff):
    client.force_login(staff)
    page = client.get("/admin/").content.decode()
    assert 'rel="icon"' in page and "img/favicon.svg" in page
