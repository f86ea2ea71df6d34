"""The address a request came from, for the PIPA access log (접속지 정보) and login throttling (axes).

Behind reverse proxies the socket's address (REMOTE_ADDR) is the nearest proxy's. Each proxy appends the
address it received the request from to X-Forwarded-For, so with N proxies of our own in front
(`SANHAK_TRUSTED_PROXIES=N`) the client is the N-th address from the right: what the outermost proxy
saw. Addresses further left were written by the client and are never trusted. With no proxies (the
default) the header is ignored entirely, so a client cannot choose the address that is logged or
throttled.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    hops = settings.SANHAK_TRUSTED_PROXIES
    if hops <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < hops:  # not through all our proxies: take the socket's address
        return remote
    return _address(forwarded[-hops]) or remote


def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None
