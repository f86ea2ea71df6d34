"""Verification against what this platform publishes: its keys and its status lists, from the database."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from sanhak.credentials import services
from sanhak.credentials.verify import MALFORMED, Result, credential_verify

# Each reason credential_verify can give, for people (Korean; the English is the reason itself).
REASONS: dict[str, Promise] = {
    "malformed input": pgettext_lazy("verification", "입력 형식이 올바르지 않음"),
    "tampered content or wrong key": pgettext_lazy("verification", "내용이 변조되었거나 키가 다름"),
    "wrong key": pgettext_lazy("verification", "발급자의 키가 아님"),
    "unknown context": pgettext_lazy("verification", "알 수 없는 컨텍스트"),
    "terms that would be silently dropped by JSON-LD processing": pgettext_lazy(
        "verification", "JSON-LD 처리에서 누락될 용어가 있음"
    ),
    "unknown verification method": pgettext_lazy("verification", "알 수 없는 검증 방법"),
    "missing proof": pgettext_lazy("verification", "서명(proof)이 없음"),
    "unsupported proof": pgettext_lazy("verification", "지원하지 않는 서명 방식"),
    "expired": pgettext_lazy("verification", "유효기간이 지남"),
    "not yet valid": pgettext_lazy("verification", "아직 유효기간이 시작되지 않음"),
    "revoked": pgettext_lazy("verification", "취소됨"),
}


def platform_verify(document: Any) -> Result:
    """credential_verify with the platform's published keys and status lists; never raises."""
    try:
        keys = services.published_keys()
    except Exception:  # a damaged key row must not turn a verification into a 500
        keys = {}

    def status_lists(url: str) -> bytes | None:
        return services.status_list_bits(url)

    try:
        return credential_verify(document, keys=keys, status_lists=status_lists)
    except Exception:
        return Result(valid=False, reason=MALFORMED)


def verdict(result: Result) -> str:
    """The outcome for people, in the active language."""
    if result.valid:
        return _("유효함")
    return _("유효하지 않음: %(reason)s") % {"reason": REASONS.get(result.reason, result.reason)}
