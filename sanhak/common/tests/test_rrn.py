"""Resident registration numbers (주민등록번호) are refused in free text; Korean phone numbers (people's and
companies') are checked."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from ninja import Schema
from pydantic import ValidationError as PydanticValidationError

from sanhak.api.schemas import PersonalText
from sanhak.common.validators import (
    company_phone_is_valid,
    contains_rrn,
    phone_is_valid,
    reject_rrn,
    validate_company_phone,
    validate_phone,
)

MESSAGE = "주민등록번호는 입력할 수 없습니다. / Do not enter a resident registration number."

RRNS = [
    "900101-1234567",
    "9001011234567",
    "900101 1234567",
    "900101 - 2345678",
    "001231-3234567",
    "850315-8123456",
    "주민번호 850315-1234567 입니다",
    "(991231-2000000)",
    "０００１０１－３２３４５６７",  # full-width digits and hyphen
    "생년월일 900101-1234567, 연락처 010-1234-5678",
]

NOT_RRNS = [
    "",
    "선수 경력 부족",
    "010-1234-5678",  # mobile phone
    "01012345678",
    "032-811-1234",  # landline
    "+82 10-1234-5678",
    "123-45-67890",  # business registration number
    "1234567890",
    "2024-01-15",  # dates
    "2024.01.15",
    "20240115",
    "ORD-202401151234567",  # order number: the digits run on
    "주문번호 20240115-1234567",
    "1234567890123",  # 13 digits, month 34 is no date
    "123456-1234567",  # same with a hyphen
    "901301-1234567",  # month 13
    "900100-1234567",  # day 00
    "900132-1234567",  # day 32
    "900101-9234567",  # G = 9
    "900101-0234567",  # G = 0
    "900101-123456",  # six digits after the hyphen
    "900101-12345678",  # eight digits after the hyphen
    "1900101-1234567",  # seven digits before the hyphen
    "900101--1234567",  # two hyphens
]


@pytest.mark.parametrize("value", RRNS)
def test_rrns_are_refused(value):
    assert contains_rrn(value) is True
    with pytest.raises(ValidationError) as caught:
        reject_rrn(value)
    assert (caught.value.code, caught.value.messages) == ("rrn", [MESSAGE])


@pytest.mark.parametrize("value", NOT_RRNS)
def test_other_numbers_pass(value):
    assert contains_rrn(value) is False
    assert reject_rrn(value) is None


class _In(Schema):
    reason: PersonalText


def test_personal_text_in_api_schemas():
    assert _In(reason="선수 경력 부족").reason == "선수 경력 부족"
    assert _In(reason="010-1234-5678").reason == "010-1234-5678"
    with pytest.raises(PydanticValidationError) as caught:
        _In(reason="사유 900101-1234567")
    assert [(e["loc"], e["type"], e["msg"]) for e in caught.value.errors()] == [
        (("reason",), "value_error", "Value error, Do not enter a resident registration number.")
    ]


PHONES = [
    "010-1234-5678",
    "01012345678",
    "010 1234 5678",
    "02-123-4567",
    "032-811-1234",
    "031 - 123 - 4567",
    "(02) 123-4567",
]
PHONES_INTL = ["+82 10-1234-5678", "+821012345678", "+82-2-123-4567"]
NOT_PHONES = [
    "1588-1234",  # 8 digits
    "0212345",  # 7 digits
    "010-1234-56789",  # 12 digits
    "10-1234-5678",  # no leading 0
    "+82 010-1234-5678",  # the 0 is dropped after +82
    "010--1234-5678",
    "010-1234-567a",
    "010.1234.5678",
    "9001011234567",
    "tel 010-1234-5678",
    "(032 811-1234",  # unbalanced parenthesis
    "(0321) 811-1234",
]


@pytest.mark.parametrize("value", PHONES + PHONES_INTL)
def test_korean_phone_numbers_pass(value):
    assert phone_is_valid(value) is True
    assert validate_phone(value) is None


@pytest.mark.parametrize("value", NOT_PHONES)
def test_other_text_is_no_phone_number(value):
    assert phone_is_valid(value) is False
    with pytest.raises(ValidationError) as caught:
        validate_phone(value)
    assert (caught.value.code, caught.value.messages) == (
        "invalid_phone",
        ["전화번호 형식이 올바르지 않습니다(예: 010-1234-5678). / Enter a valid phone number."],
    )


def test_the_refusals_read_english_on_english_pages():
    from django.utils import translation

    with translation.override("en"):
        with pytest.raises(ValidationError) as rrn:
            reject_rrn("900101-1234567")
        with pytest.raises(ValidationError) as phone:
            validate_phone("12345")
        assert rrn.value.messages == ["Do not enter a resident registration number."]
        assert phone.value.messages == ["Enter a valid phone number (e.g. 010-1234-5678)."]


COMPANY_PHONES = [
    "032-123-4567",
    "02-123-4567",
    "070-1234-5678",
    "+82 32-811-1234",
    "(032) 811-1234",
    "032)811-1234",
    "1588-1234",
    "1644 1234",
    "18001234",
]
NOT_COMPANY_PHONES = ["1234-5678", "1588-123", "1588-12345", "032-1", "대표번호 1588-1234", "15881234 내선 2"]


@pytest.mark.parametrize("value", COMPANY_PHONES)
def test_company_numbers_include_nationwide_business_numbers(value):
    assert company_phone_is_valid(value) is True
    assert validate_company_phone(value) is None


@pytest.mark.parametrize("value", NOT_COMPANY_PHONES)
def test_other_text_is_no_company_number(value):
    assert company_phone_is_valid(value) is False
    with pytest.raises(ValidationError) as caught:
        validate_company_phone(value)
    assert (caught.value.code, caught.value.messages) == (
        "invalid_phone",
        [
            "전화번호 형식이 올바르지 않습니다(예: 032-123-4567, 1588-1234). / "
            "Enter a valid phone number (e.g. 032-123-4567, 1588-1234)."
        ],
    )
    assert phone_is_valid("1588-1234") is False  # a person's number is never a nationwide one
