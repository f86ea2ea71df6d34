"""Validators shared by model fields, forms and API schemas.

The privacy notice promises that resident registration numbers (주민등록번호) are never stored, so every
free-text field about a person refuses text that contains one.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sanhak.common.errors import DomainError

RRN_MESSAGE_EN = "Do not enter a resident registration number."

# YYMMDD (a plausible month and day), optional spaces and one hyphen, then G (1–8) and six digits; never
# part of a longer run of digits, so phone numbers (010-1234-5678), business registration numbers
# (123-45-67890) and longer order numbers do not match.
_RRN = re.compile(
    r"(?<![0-9])"
    r"[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
    r" *-? *"
    r"[1-8][0-9]{6}"
    r"(?![0-9])"
)

# Korean phone numbers: 0 and 8–10 more digits, or +82 and the same without the leading 0; hyphens and
# spaces between digit groups.
_PHONE = re.compile(r"(?:\+82[ -]?|0)[1-9][0-9]*(?:(?: ?- ?| )[0-9]+)*")
# The area code written in parentheses, "(032) 123-4567" or "032)123-4567", reads as "032-123-4567".
_AREA_IN_PARENTHESES = re.compile(r"^\(?(0[1-9][0-9]?)\) ?")


def contains_rrn(value: str) -> bool:
    """Whether `value` contains something written like a resident registration number."""
    # NFKC folds full-width digits and hyphens (０-９, －) into ASCII.
    return bool(value) and _RRN.search(unicodedata.normalize("NFKC", value)) is not None


def reject_rrn(value: str) -> None:
    if contains_rrn(value):
        raise ValidationError(
            _("주민등록번호는 입력할 수 없습니다. / Do not enter a resident registration number."),
            code="rrn",
        )


def phone_is_valid(value: str) -> bool:
    """A Korean phone number: 9–11 digits counting the leading 0, optionally written +82 without it."""
    text = _AREA_IN_PARENTHESES.sub(r"\1-", unicodedata.normalize("NFKC", value).strip())
    if not _PHONE.fullmatch(text):
        return False
    digits = re.sub(r"[^0-9]", "", text)
    national = "0" + digits[2:] if text.startswith("+") else digits
    return 9 <= len(national) <= 11


def validate_phone(value: str) -> None:
    if not phone_is_valid(value):
        raise ValidationError(
            _("전화번호 형식이 올바르지 않습니다(예: 010-1234-5678). / Enter a valid phone number."),
            code="invalid_phone",
        )


# A business's nationwide number (대표번호): 15xx, 16xx or 18xx and four digits, no area code.
_REPRESENTATIVE = re.compile(r"1[568][0-9]{2}(?: ?- ?| )?[0-9]{4}")


def company_phone_is_valid(value: str) -> bool:
    """A company's number: a Korean phone number (landline with its area code, 070, mobile) or a
    nationwide business number such as 1588-1234."""
    return phone_is_valid(value) or _REPRESENTATIVE.fullmatch(unicodedata.normalize("NFKC", value).strip()) is not None


COMPANY_PHONE_MESSAGE = _(
    "전화번호 형식이 올바르지 않습니다(예: 032-123-4567, 1588-1234). / "
    "Enter a valid phone number (e.g. 032-123-4567, 1588-1234)."
)


def validate_company_phone(value: str) -> None:
    if not company_phone_is_valid(value):
        raise ValidationError(COMPANY_PHONE_MESSAGE, code="invalid_phone")


# Dates the platform reasons about (bookings, reports, survey rounds, calendars); beyond them date
# arithmetic would overflow, and nothing here is ever that far away.
CALENDAR_FIRST = dt.date(2000, 1, 1)
CALENDAR_LAST = dt.date(2099, 12, 31)


def within_calendar(*days: dt.date) -> bool:
    return all(CALENDAR_FIRST <= d <= CALENDAR_LAST for d in days)


def validate_calendar_date(value: dt.date) -> None:
    """Form-field validator for within_calendar."""
    if not within_calendar(value):
        raise ValidationError(calendar_error().message, code="date_range")


def calendar_error() -> DomainError:
    return DomainError(
        gettext("날짜는 2000–2099년 사이여야 합니다. / Dates must be between 2000 and 2099."), code="date_range"
    )


IN_CALENDAR = [validate_calendar_date]  # a form's date field: validators=IN_CALENDAR
