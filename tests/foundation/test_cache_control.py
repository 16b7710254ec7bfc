"""A signed-in user's pages say `Cache-Control: private`, so no shared cache may keep them."""

import pytest

pytestmark = pytest.mark.django_db

SIGNED_IN_PAGES = ["/", "/courses/", "/dashboard/", "/accounts/email/"]


def directives(response) -> set[str]:
    return {part.strip().split("=")[0] for part in response.get("Cache-Control", "").lower().split(",") if part.strip()}


@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_pages_for_a_signed_in_user_are_private(client, student, path):
    client.force_login(student)
    response = client.get(path)
    assert response.status_code == 200, path
    assert "private" in directives(response)
    assert "public" not in directives(response)


def test_anonymous_public_pages_keep_their_caching(client):
    response = client.get("/courses/")
    assert response.status_code == 200
    assert "private" not in directives(response)


def test_api_answers_to_a_bearer_token_are_private(client, student):
    from accounts.tokens import token_pair_for

    pair = token_pair_for(user=student)
    response = client.get("/api/v1/me/enrollments", HTTP_AUTHORIZATION=f"Bearer {pair.access_token}")
    assert response.status_code == 200
    assert "private" in directives(response)
