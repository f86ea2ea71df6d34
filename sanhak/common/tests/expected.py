"""Expected values several apps' tests share."""

from __future__ import annotations

from django.urls import reverse


def login_redirect(url: str) -> str:
    """Where an anonymous request for `url` is sent: the login page, coming back to `url`."""
    return f"{reverse('accounts:login')}?next={url}"
