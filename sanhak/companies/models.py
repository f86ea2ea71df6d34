"""Tenant companies of the industrial complexes, classified by KSIC rev. 10."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sanhak.common.models import TimeStampedModel
from sanhak.common.validators import validate_company_phone

BRN_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)


def normalize_brn(value: str) -> str:
    return "".join(ch for ch in str(value) if ch.isdigit())


def brn_is_valid(value: str) -> bool:
    """The National Tax Service checksum of a 10-digit business registration number (사업자등록번호)."""
    digits = normalize_brn(value)
    if len(digits) != 10:
        return False
    nums = [int(d) for d in digits]
    total = sum(n * w for n, w in zip(nums[:9], BRN_WEIGHTS, strict=True))
    total += (nums[8] * 5) // 10
    return (10 - total % 10) % 10 == nums[9]


def format_brn(value: str) -> str:
    d = normalize_brn(value)
    return f"{d[:3]}-{d[3:5]}-{d[5:]}" if len(d) == 10 else value


def validate_brn(value: str) -> None:
    if not brn_is_valid(value):
        raise ValidationError(
            _("사업자등록번호가 올바르지 않습니다(10자리, 검증번호 확인). / Invalid business registration number."),
            code="invalid_brn",
        )


class KsicCode(models.Model):
    """Korean Standard Industrial Classification, revision 10: sections, divisions … sub-classes."""

    code = models.CharField(_("코드"), max_length=5, primary_key=True)
    name = models.CharField(_("분류명"), max_length=200)
    level = models.PositiveSmallIntegerField(_("단계"))
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")

    class Meta:
        ordering = ["code"]
        verbose_name = _("표준산업분류")
        verbose_name_plural = _("표준산업분류")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class IndustrialComplex(models.Model):
    name = models.CharField(_("산업단지"), max_length=100, unique=True)
    region = models.CharField(_("지역"), max_length=60, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("산업단지")
        verbose_name_plural = _("산업단지")

    def __str__(self) -> str:
        return self.name


class SmartFactoryLevel(models.IntegerChoices):
    CHECKING = 1, _("1 점검")
    MONITORING = 2, _("2 모니터링")
    ANALYSIS = 3, _("3 분석·제어")
    OPTIMIZATION = 4, _("4 최적화")
    AUTONOMOUS = 5, _("5 자율운영")


class CompanyQuerySet(models.QuerySet["Company"]):
    def search(self, query: str) -> CompanyQuerySet:
        query = unicodedata.normalize("NFC", query.strip())  # decomposed Korean (NFD) matches as typed
        if not query:
            return self
        digits = normalize_brn(query)
        cond = Q(name__icontains=query) | Q(products__icontains=query)
        if len(digits) >= 3:
            cond |= Q(brn__startswith=digits)
        return self.filter(cond)


class Company(TimeStampedModel):
    brn = models.CharField(
        _("사업자등록번호"), max_length=10, unique=True, null=True, blank=True, validators=[validate_brn]
    )
    factory_no = models.CharField(_("공장관리번호"), max_length=40, unique=True, null=True, blank=True)
    name = models.CharField(_("회사명"), max_length=150, db_index=True)
    ksic_codes = models.ManyToManyField(KsicCode, related_name="companies", verbose_name=_("업종(KSIC)"))
    employees = models.PositiveIntegerField(_("종업원 수"), default=0)
    address = models.CharField(_("공장 주소"), max_length=300, blank=True)
    complex = models.ForeignKey(
        IndustrialComplex,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="companies",
        verbose_name=_("산업단지"),
    )
    smart_factory_level = models.PositiveSmallIntegerField(
        _("스마트공장 수준"),
        choices=SmartFactoryLevel.choices,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    products = models.CharField(_("생산품"), max_length=300, blank=True)
    phone = models.CharField(_("전화번호"), max_length=30, blank=True, validators=[validate_company_phone])

    objects = CompanyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("기업")
        verbose_name_plural = _("기업")
        constraints = [
            models.CheckConstraint(
                condition=Q(smart_factory_level__isnull=True)
                | Q(smart_factory_level__gte=1, smart_factory_level__lte=5),
                name="company_smart_factory_level_1_5",
            ),
            models.CheckConstraint(
                condition=Q(brn__isnull=False) | Q(factory_no__isnull=False), name="company_has_a_key"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def brn_display(self) -> str:
        return format_brn(self.brn) if self.brn else ""

    @property
    def size_band(self) -> str:
        if self.employees < 10:
            return "micro"
        if self.employees < 50:
            return "small"
        if self.employees < 300:
            return "medium"
        return "large"
