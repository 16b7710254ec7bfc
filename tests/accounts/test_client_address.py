"""The client's address is read from the number of proxies the deployment declares, from the right."""

import pytest

from accounts.client_address import client_ip


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        # Local development: no proxy, the header is whatever the client typed.
        (0, "", "192.0.2.1"),
        (0, "203.0.113.50", "192.0.2.1"),
        # Render: its load balancer appends the address it saw; left of it is the client's own writing.
        (1, "203.0.113.50", "203.0.113.50"),
        (1, "6.6.6.6, 203.0.113.50", "203.0.113.50"),
        (1, "6.6.6.6,7.7.7.7,  203.0.113.50 ", "203.0.113.50"),
        (1, "not-an-ip, 203.0.113.50", "203.0.113.50"),
        (1, "2001:db8::1, 2001:DB8:0:0::2", "2001:db8::2"),
        # A CDN in front of Render: the client is the second entry from the right.
        (2, "203.0.113.50, 198.51.100.9", "203.0.113.50"),
        (2, "6.6.6.6, 203.0.113.50, 198.51.100.9", "203.0.113.50"),
        # Fewer entries than declared proxies: nothing in the header can be trusted, the peer can.
        (2, "203.0.113.50", "192.0.2.1"),
        (1, "", "192.0.2.1"),
        # A trusted proxy's entry that is not an address means a misconfiguration: the peer, not it.
        (1, "6.6.6.6, garbage", "192.0.2.1"),
    ],
)
def test_client_ip_counts_trusted_proxies_from_the_right(rf, settings, proxies, forwarded_for, expected):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=forwarded_for)
    assert client_ip(request) == expected


def test_a_miscounted_header_is_a_warning_and_a_direct_hit_is_not(rf, settings, caplog):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    with caplog.at_level("DEBUG", logger="accounts.client_address"):
        client_ip(rf.get("/", REMOTE_ADDR="192.0.2.1"))  # a health check straight to the origin
        client_ip(rf.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="203.0.113.50"))
    levels = [(record.levelname, record.getMessage()) for record in caplog.records]
    assert levels == [
        ("DEBUG", "X-Forwarded-For has 0 entries, fewer than the 2 trusted proxies"),
        ("WARNING", "X-Forwarded-For has 1 entries, fewer than the 2 trusted proxies"),
    ]


def test_a_request_without_any_usable_address_has_none(rf, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    assert client_ip(rf.get("/", REMOTE_ADDR="")) is None


def test_allauth_and_the_api_throttles_use_the_same_address(rf, settings):
    from allauth.account.adapter import get_adapter

    from api.security import PerIPThrottle

    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    request = rf.post("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.50")
    assert get_adapter(request).get_client_ip(request) == "203.0.113.50"
    assert PerIPThrottle("10/m").get_ident(request) == "203.0.113.50"
