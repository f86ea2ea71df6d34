"""Demand surveys: rounds, company responses, structured needs, and free-text need statements mapped
onto competencies (suggested by the mapper, confirmed by staff)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from sanhak.common.models import TimeStampedModel
from sanhak.common.validators import reject_rrn


class SizeBand(models.TextChoices):
    MICRO = "micro", _("1–9명")
    SMALL = "small", _("10–49명")
    MEDIUM = "medium", _("50–299명")
    LARGE = "large", _("300명 이상")


def size_band(employees: int) -> str:
    if employees < 10:
        return SizeBand.MICRO
    if employees < 50:
        return SizeBand.SMALL
    if employees < 300:
        return SizeBand.MEDIUM
    return SizeBand.LARGE


SIZE_RANGES = {
    SizeBand.MICRO: (0, 9),
    SizeBand.SMALL: (10, 49),
    SizeBand.MEDIUM: (50, 299),
    SizeBand.LARGE: (300, None),
}


class SurveyRound(TimeStampedModel):
    """A demand survey the program office opens for a period, to companies chosen by complex, KSIC and size."""

    title = models.CharField(_("조사명"), max_length=200)
    opens_on = models.DateField(_("시작일"))
    closes_on = models.DateField(_("마감일"))
    period_start = models.DateField(_("수요 기간 시작"), help_text=_("교육이 필요한 기간"))
    period_end = models.DateField(_("수요 기간 끝"))
    complex = models.ForeignKey(
        "companies.IndustrialComplex", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("산업단지")
    )
    ksic_prefixes = models.CharField(
        _("업종(KSIC) 코드"), max_length=200, blank=True, help_text=_("쉼표로 구분, 예: 29, 303")
    )
    size_bands = models.CharField(_("규모"), max_length=40, blank=True, help_text=_("비우면 전체"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-opens_on", "-id"]
        verbose_name = _("수요조사")
        verbose_name_plural = _("수요조사")
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=F("opens_on")), name="demand_round_dates_ordered"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="demand_round_period_ordered"),
        ]

    def __str__(self) -> str:
        return self.title


class ResponseStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("미응답")
    DRAFT = "draft", _("작성 중")
    SUBMITTED = "submitted", _("제출")


class SurveyResponse(TimeStampedModel):
    """One company's answer to a round. The industry and size are kept as they were when the round opened,
    so that past figures do not move when a company changes."""

    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="responses")
    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="survey_responses")
    status = models.CharField(
        _("상태"), max_length=12, choices=ResponseStatus.choices, default=ResponseStatus.NOT_STARTED
    )
    ksic_division = models.CharField(_("업종(KSIC 중분류)"), max_length=2, blank=True)
    size_band = models.CharField(_("규모"), max_length=8, choices=SizeBand.choices)
    submitted_at = models.DateTimeField(_("제출 시각"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reopened_reason = models.CharField(_("재개 사유"), max_length=300, blank=True, validators=[reject_rrn])

    class Meta:
        ordering = ["round", "company__name"]
        verbose_name = _("수요조사 응답")
        verbose_name_plural = _("수요조사 응답")
        constraints = [
            models.UniqueConstraint(fields=["round", "company"], name="demand_one_response_per_company"),
            models.CheckConstraint(
                condition=~Q(status="submitted") | Q(submitted_at__isnull=False), name="demand_submitted_has_time"
            ),
        ]
        indexes = [models.Index(fields=["round", "status"]), models.Index(fields=["updated_at"])]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.company_id} {self.status}"


class Urgency(models.TextChoices):
    HIGH = "high", _("시급")
    MEDIUM = "medium", _("보통")
    LOW = "low", _("여유")


class PreferredMode(models.TextChoices):
    ONLINE = "online", _("온라인")
    OFFLINE = "offline", _("오프라인")
    BLENDED = "blended", _("블렌디드")
    ANY = "any", _("상관없음")


class NeedItem(models.Model):
    """A structured need: this many people at this level (or track) in this competency."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="items")
    competency = models.ForeignKey("competencies.Competency", on_delete=models.PROTECT, related_name="need_items")
    headcount = models.PositiveIntegerField(_("인원"))
    target_level = models.PositiveSmallIntegerField(_("목표 수준(NCS)"), null=True, blank=True)
    track = models.ForeignKey("competencies.Track", on_delete=models.PROTECT, verbose_name=_("트랙"), related_name="+")
    urgency = models.CharField(_("시급성"), max_length=8, choices=Urgency.choices, default=Urgency.MEDIUM)
    mode = models.CharField(_("선호 방식"), max_length=8, choices=PreferredMode.choices, default=PreferredMode.ANY)
    weekday_day = models.BooleanField(_("평일 주간"), default=False)
    weekday_evening = models.BooleanField(_("평일 저녁"), default=False)
    weekend = models.BooleanField(_("주말"), default=False)

    class Meta:
        ordering = ["response", "id"]
        verbose_name = _("필요 역량")
        verbose_name_plural = _("필요 역량")
        constraints = [
            models.CheckConstraint(condition=Q(headcount__gte=1), name="demand_item_headcount_positive"),
            models.CheckConstraint(
                condition=Q(target_level__isnull=True) | Q(target_level__gte=1, target_level__lte=8),
                name="demand_item_level_1_8",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.competency_id} ×{self.headcount}"


class NeedStatement(models.Model):
    """A need in the company's own words. The mapper suggests competencies (kept with the words that
    justify them); staff confirm or correct; confirmed statements count in the demand figures."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="statements")
    text = models.TextField(_("내용"), validators=[reject_rrn])
    headcount = models.PositiveIntegerField(_("인원"), default=1)
    track = models.ForeignKey("competencies.Track", on_delete=models.PROTECT, verbose_name=_("트랙"), related_name="+")
    suggestions = models.JSONField(_("추천 역량"), default=list)
    confirmed = models.ManyToManyField(
        "competencies.Competency", blank=True, related_name="confirmed_statements", verbose_name=_("확정 역량")
    )
    primary = models.ForeignKey(
        "competencies.Competency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("주 역량"),
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("확정 시각"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["response", "id"]
        verbose_name = _("요구 진술")
        verbose_name_plural = _("요구 진술")
        constraints = [
            models.CheckConstraint(condition=Q(headcount__gte=1), name="demand_statement_headcount_positive")
        ]
        indexes = [models.Index(fields=["confirmed_at"])]

    def __str__(self) -> str:
        return self.text[:40]


# DemandCell's figures, in the order `selectors.demand_sums` adds them up (modes in MODE_PREFERENCE order).
DEMAND_CELL_FIGURES = (
    "headcount",
    "companies",
    "from_statements",
    "item_headcount",
    "weekday_day",
    "weekday_evening",
    "weekend",
    "mode_offline",
    "mode_blended",
    "mode_online",
)


class DemandCell(models.Model):
    """The submitted demand of one round's companies of one industry (KSIC division, as it was when the
    round opened) and size band, for one competency × track: the gap analysis adds these up instead of
    every answer. Kept by `services.demand_cells_refresh` in the transaction of every change that can
    move a figure (an answer submitted or reopened, a statement confirmed); never edited by hand.

    `companies` counts each company once per cell; a company that answered two rounds of the same
    period is counted once there too (the selector corrects the sum for it)."""

    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="+")
    ksic_division = models.CharField(max_length=2, blank=True)
    size_band = models.CharField(max_length=8, choices=SizeBand.choices)
    competency = models.ForeignKey("competencies.Competency", on_delete=models.CASCADE, related_name="+")
    track = models.ForeignKey("competencies.Track", on_delete=models.CASCADE, related_name="+")
    headcount = models.PositiveIntegerField(default=0)
    companies = models.PositiveIntegerField(default=0)
    from_statements = models.PositiveIntegerField(default=0)  # headcount of confirmed statements
    item_headcount = models.PositiveIntegerField(default=0)  # headcount of structured needs
    weekday_day = models.PositiveIntegerField(default=0)  # headcount of needs asking for each time slot
    weekday_evening = models.PositiveIntegerField(default=0)
    weekend = models.PositiveIntegerField(default=0)
    mode_offline = models.PositiveIntegerField(default=0)  # headcount of needs preferring each mode
    mode_blended = models.PositiveIntegerField(default=0)
    mode_online = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "ksic_division", "size_band", "competency", "track"], name="demand_cell_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.round_id} {self.ksic_division}/{self.size_band} {self.competency_id}×{self.track_id}"


class RepeatCompany(models.Model):
    """A company with submitted answers in more than one round. Its cells add it up once per round, so
    the gap analysis corrects the companies figures for these few (kept by demand_cells_refresh)."""

    company = models.OneToOneField("companies.Company", on_delete=models.CASCADE, primary_key=True, related_name="+")

    def __str__(self) -> str:
        return str(self.company_id)
