"""Personal access tokens for the REST API.

The raw token ("shk_" + 43 URL-safe characters) is shown once; only its SHA-256 and its first eight
characters (to tell tokens apart on the profile page) are stored.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sanhak.accounts.models import ApiToken, User, hash_token
from sanhak.common.errors import DomainError

TOKEN_PREFIX = "shk_"  # noqa: S105 - a public marker that tells our tokens apart, not a secret
PREFIX_LENGTH = 8
NAME_MAX_LENGTH = 60
# Raw tokens are 47 characters; anything much longer is not one of ours and is refused unhashed.
RAW_MAX_LENGTH = 100
# last_used_at is a hint for the profile page, not an audit log: write it at most once a minute.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; returns the row and the raw value (which is not stored)."""
    name = name.strip()
    if not name:
        raise DomainError(_("토큰 이름을 입력하세요. / Enter a token name."), code="name_required")
    if len(name) > NAME_MAX_LENGTH:
        raise DomainError(
            _("토큰 이름은 %(max)d자 이하여야 합니다. / A token name has at most %(max)d characters.")
            % {"max": NAME_MAX_LENGTH},
            code="name_too_long",
        )
    if not user.is_active:
        raise DomainError(
            _("비활성 사용자에게는 토큰을 만들 수 없습니다. / Cannot create a token for an inactive user."),
            code="inactive_user",
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=raw[:PREFIX_LENGTH], token_hash=hash_token(raw))
    return token, raw


def api_token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    """Only the owner revokes a token. Revoking a revoked token keeps its first revocation time."""
    if token.user_id != by.pk:
        raise PermissionDenied(_("이 작업을 할 권한이 없습니다. / You do not have permission to do this."))
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db(fields=["revoked_at"])
    return token


def api_token_authenticate(raw: str) -> User | None:
    """The active user owning the active token `raw`, or None."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > RAW_MAX_LENGTH:
        return None
    token = (
        ApiToken.objects.active()
        .select_related("user")
        .filter(token_hash=hash_token(raw), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        # Conditional, so that concurrent requests within the minute write once.
        ApiToken.objects.filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_RESOLUTION), pk=token.pk
        ).update(last_used_at=now)
    return token.user
