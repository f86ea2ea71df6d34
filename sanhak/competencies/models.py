"""The competency framework: units, NCS levels and units, and the three training tracks."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sanhak.common.i18n import NamedInLanguage, in_language


class NcsLevel(models.Model):
    level = models.PositiveSmallIntegerField(_("수준"), primary_key=True)
    definition_ko = models.TextField(_("정의"))
    experience_ko = models.CharField(_("경력"), max_length=200, blank=True)

    class Meta:
        ordering = ["level"]
        verbose_name = _("NCS 수준")
        verbose_name_plural = _("NCS 수준")

    def __str__(self) -> str:
        return f"NCS {self.level}"


class Track(NamedInLanguage, models.Model):
    """R&D personnel (6–8), technical personnel (4–6), skilled workers (2–4)."""

    code = models.SlugField(_("코드"), max_length=20, primary_key=True)
    name_ko = models.CharField(_("이름"), max_length=40)
    name_en = models.CharField(_("영문 이름"), max_length=60)
    level_min = models.PositiveSmallIntegerField(_("최저 수준"))
    level_max = models.PositiveSmallIntegerField(_("최고 수준"))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]
        verbose_name = _("트랙")
        verbose_name_plural = _("트랙")
        constraints = [
            models.CheckConstraint(condition=Q(level_min__lte=models.F("level_max")), name="track_level_range")
        ]

    def __str__(self) -> str:
        return self.name


class NcsUnit(models.Model):
    """An NCS competency unit (능력단위) from the official export."""

    code = models.CharField(_("능력단위코드"), max_length=30, unique=True)
    name = models.CharField(_("능력단위명"), max_length=200)
    level = models.PositiveSmallIntegerField(_("수준"))
    classification_no = models.CharField(_("능력단위분류번호"), max_length=30, blank=True)
    major_code = models.CharField(max_length=4)
    major_name = models.CharField(_("대분류"), max_length=100)
    middle_code = models.CharField(max_length=4)
    middle_name = models.CharField(_("중분류"), max_length=100)
    minor_code = models.CharField(max_length=4)
    minor_name = models.CharField(_("소분류"), max_length=100)
    detail_code = models.CharField(max_length=4)
    detail_name = models.CharField(_("세분류"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("NCS 능력단위")
        verbose_name_plural = _("NCS 능력단위")
        constraints = [models.CheckConstraint(condition=Q(level__gte=1, level__lte=8), name="ncs_unit_level_1_8")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code}, {self.level})"


class Competency(NamedInLanguage, models.Model):
    code = models.CharField(_("코드"), max_length=20, unique=True)
    domain_ko = models.CharField(_("영역"), max_length=60)
    domain_en = models.CharField(_("영역(영문)"), max_length=80)
    name_ko = models.CharField(_("이름"), max_length=120)
    name_en = models.CharField(_("영문 이름"), max_length=160)
    description_ko = models.TextField(_("설명"))
    keywords = models.CharField(_("키워드"), max_length=400, help_text=_("세미콜론(;)으로 구분"))
    level_min = models.PositiveSmallIntegerField(_("최저 수준"))
    level_max = models.PositiveSmallIntegerField(_("최고 수준"))
    ncs_hint = models.CharField(_("NCS 대응(참고)"), max_length=200, blank=True)
    ncs_units = models.ManyToManyField(NcsUnit, blank=True, related_name="competencies", verbose_name=_("NCS 능력단위"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("역량")
        verbose_name_plural = _("역량")
        constraints = [
            models.CheckConstraint(
                condition=Q(level_min__gte=1, level_max__lte=8, level_min__lte=models.F("level_max")),
                name="competency_level_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def domain(self) -> str:
        return in_language(self.domain_ko, self.domain_en)

    @property
    def keyword_list(self) -> list[str]:
        return [k.strip() for k in self.keywords.split(";") if k.strip()]
