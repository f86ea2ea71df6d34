"""The client's address: in the PIPA access log (접속지 정보) and for login throttling, the socket's
address unless reverse proxies of our own are declared (SANHAK_TRUSTED_PROXIES), then the address the
outermost one saw; never an address the client wrote itself."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse

from sanhak.common.client_ip import client_ip
from sanhak.common.models import PersonalDataAccess
from sanhak.common.personas import DEMO_PASSWORD
from sanhak.enrollment.services import enrollment_apply

PROXY = "10.0.0.2"


def resolve(remote: str, forwarded: str | None = None) -> str | None:
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **meta))


def test_without_proxies_the_socket_address_and_never_the_header(settings):
    settings.SANHAK_TRUSTED_PROXIES = 0
    assert resolve("203.0.113.9") == "203.0.113.9"
    assert resolve("203.0.113.9", "198.51.100.1") == "203.0.113.9"
    assert resolve("2001:db8::1") == "2001:db8::1"
    assert resolve("not-an-address") is None


@pytest.mark.parametrize(
    ("hops", "forwarded", "expected"),
    [
        (1, "203.0.113.9", "203.0.113.9"),  # nginx wrote the client's address
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # the client's own entry is ignored
        (1, "198.51.100.1,203.0.113.9", "203.0.113.9"),
        (1, "2001:db8::7", "2001:db8::7"),
        (2, "198.51.100.1, 203.0.113.9, 10.0.0.1", "203.0.113.9"),  # a load balancer, then nginx
        (2, "203.0.113.9", PROXY),  # fewer entries than proxies: not through all of them
        (1, "", PROXY),
        (1, "198.51.100.1, garbage", PROXY),
    ],
)
def test_behind_proxies_the_address_the_outermost_one_saw(settings, hops, forwarded, expected):
    settings.SANHAK_TRUSTED_PROXIES = hops
    assert resolve(PROXY, forwarded) == expected


def test_the_access_log_records_the_viewers_address(client, personas, catalog, settings):
    settings.SANHAK_TRUSTED_PROXIES = 1
    enrollment_apply(offering=catalog.robot_offering, trainee=personas.worker)
    client.force_login(personas.coordinator)
    url = reverse("enrollment:roster", args=[catalog.robot_offering.pk])
    response = client.get(url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9")
    assert response.status_code == 200
    assert list(PersonalDataAccess.objects.values_list("viewer_id", "purpose", "subject_ids", "ip_address")) == [
        (personas.coordinator.pk, "roster", [personas.worker.pk], "203.0.113.9")
    ]


def test_login_throttling_locks_out_the_client_not_everyone_behind_the_proxy(client, personas, settings):
    settings.SANHAK_TRUSTED_PROXIES = 1
    login = reverse("accounts:login")
    attacker = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.66"}
    for _ in range(5):
        client.post(login, {"username": "worker@sanhak.test", "password": "wrong"}, **attacker)
    locked = client.post(login, {"username": "worker@sanhak.test", "password": DEMO_PASSWORD}, **attacker)
    assert locked.status_code == 429
    # a spoofed header entry left of the proxy's does not get the attacker out of the lock
    spoofed = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "192.0.2.1, 198.51.100.66"}
    assert (
        client.post(login, {"username": "worker@sanhak.test", "password": DEMO_PASSWORD}, **spoofed).status_code == 429
    )
    # the worker, from their own address through the same proxy, still logs in
    worker = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    ok = client.post(login, {"username": "worker@sanhak.test", "password": DEMO_PASSWORD}, **worker)
    assert (ok.status_code, ok["Location"]) == (302, reverse("home"))


def test_the_proxy_count_setting_is_a_whole_number(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from config.settings.base import env_count

    monkeypatch.delenv("SANHAK_TRUSTED_PROXIES", raising=False)
    assert env_count("SANHAK_TRUSTED_PROXIES", 0) == 0
    monkeypatch.setenv("SANHAK_TRUSTED_PROXIES", " 2 ")
    assert env_count("SANHAK_TRUSTED_PROXIES", 0) == 2
    for bad in ("-1", "one", "1.5"):
        monkeypatch.setenv("SANHAK_TRUSTED_PROXIES", bad)
        with pytest.raises(ImproperlyConfigured, match="SANHAK_TRUSTED_PROXIES must be a whole number"):
            env_count("SANHAK_TRUSTED_PROXIES", 0)
