"""Writes for demand surveys: open a round, answer it (draft, submit), reopen, confirm statement mappings."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sanhak.accounts.models import User
from sanhak.common.errors import ConflictError, DomainError, forbidden
from sanhak.companies.models import Company, CompanyQuerySet, IndustrialComplex
from sanhak.competencies.models import Competency, Track
from sanhak.demand.mapping import NeedMapper, build_mapper
from sanhak.demand.models import (
    DEMAND_CELL_FIGURES,
    SIZE_RANGES,
    DemandCell,
    NeedItem,
    NeedStatement,
    RepeatCompany,
    ResponseStatus,
    SizeBand,
    SurveyResponse,
    SurveyRound,
    size_band,
)

SUGGESTIONS = 5


def _require_office(user: Any) -> None:
    if not (getattr(user, "is_authenticated", False) and user.is_program_admin):
        raise forbidden()


def _require_staff(user: Any) -> None:
    """Who confirms mappings: the program office and the institutions' coordinators."""
    if not (getattr(user, "is_authenticated", False) and (user.is_program_admin or user.is_coordinator)):
        raise forbidden()


# --- rounds ---------------------------------------------------------------------------------------------


KSIC_PREFIXES_MAX = SurveyRound._meta.get_field("ksic_prefixes").max_length or 200


def parse_prefixes(text: str) -> list[str]:
    """The KSIC code prefixes in a comma- or space-separated list, each once, in the order given; as many
    as the round can store (joined by commas)."""
    prefixes = list(dict.fromkeys(p.strip().upper() for p in text.replace(" ", ",").split(",") if p.strip()))
    bad = [p for p in prefixes if not (p.isdigit() and 1 <= len(p) <= 5)]
    if bad:
        raise DomainError(
            _("업종 코드는 숫자 1~5자리입니다: %(codes)s / KSIC codes are 1 to 5 digits: %(codes)s")
            % {"codes": ", ".join(bad)},
            code="invalid_ksic",
        )
    if len(",".join(prefixes)) > KSIC_PREFIXES_MAX:
        raise DomainError(
            _(
                "업종 코드가 너무 많습니다(쉼표 포함 %(max)d자까지). / "
                "Too many KSIC codes (%(max)d characters at most, commas included)."
            )
            % {"max": KSIC_PREFIXES_MAX},
            code="invalid_ksic",
        )
    return prefixes


def round_targets(
    *, complex: IndustrialComplex | None, ksic_prefixes: Sequence[str], size_bands: Sequence[str]
) -> CompanyQuerySet:
    """The companies a round asks: in the complex, with a KSIC code under one of the prefixes, of one of
    the sizes (each filter empty = no restriction)."""
    companies = Company.objects.all()
    if complex is not None:
        companies = companies.filter(complex=complex)
    if ksic_prefixes:
        cond = Q()
        for prefix in ksic_prefixes:
            cond |= Q(ksic_codes__code__startswith=prefix)
        companies = companies.filter(pk__in=Company.objects.filter(cond).values("pk"))
    if size_bands:
        cond = Q()
        for band in size_bands:
            low, high = SIZE_RANGES[SizeBand(band)]
            cond |= Q(employees__gte=low) & (Q(employees__lte=high) if high is not None else Q())
        companies = companies.filter(cond)
    return companies


def _division(company: Company, codes: dict[int, str]) -> str:
    return codes.get(company.pk, "")[:2]


@transaction.atomic
def survey_round_open(
    *,
    title: str,
    opens_on: dt.date,
    closes_on: dt.date,
    period_start: dt.date,
    period_end: dt.date,
    by: User,
    complex: IndustrialComplex | None = None,
    ksic_prefixes: str = "",
    size_bands: Sequence[str] = (),
) -> SurveyRound:
    """Open a round for the target companies: each gets a (not yet started) response to fill in."""
    _require_office(by)
    if closes_on < opens_on or period_end < period_start:
        raise DomainError(_("기간의 끝이 시작보다 빠릅니다. / A period ends before it starts."), code="invalid_dates")
    prefixes = parse_prefixes(ksic_prefixes)
    size_bands = list(dict.fromkeys(size_bands))
    for band in size_bands:
        if band not in SizeBand.values:
            raise DomainError(_("규모 구분이 올바르지 않습니다. / Unknown size band."), code="invalid_size")
    targets = list(round_targets(complex=complex, ksic_prefixes=prefixes, size_bands=size_bands))
    if not targets:
        raise DomainError(_("조건에 맞는 기업이 없습니다. / No company matches these conditions."), code="no_targets")
    survey = SurveyRound.objects.create(
        title=title.strip(),
        opens_on=opens_on,
        closes_on=closes_on,
        period_start=period_start,
        period_end=period_end,
        complex=complex,
        ksic_prefixes=",".join(prefixes),
        size_bands=",".join(size_bands),
        created_by=by,
    )
    primary: dict[int, str] = {}
    for company_id, code in (
        Company.ksic_codes.through.objects.filter(company__in=targets)
        .order_by("company_id", "ksiccode_id")
        .values_list("company_id", "ksiccode_id")
    ):
        primary.setdefault(company_id, code)
    SurveyResponse.objects.bulk_create(
        SurveyResponse(round=survey, company=c, ksic_division=_division(c, primary), size_band=size_band(c.employees))
        for c in targets
    )
    return survey


# --- answering --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemIn:
    competency: Competency
    headcount: int
    track: Track | None = None
    target_level: int | None = None
    urgency: str = "medium"
    mode: str = "any"
    weekday_day: bool = False
    weekday_evening: bool = False
    weekend: bool = False


@dataclass(frozen=True)
class StatementIn:
    text: str
    headcount: int = 1
    track: Track | None = None


def track_for_level(level: int) -> Track:
    """The track whose range holds an NCS level (where two overlap, the higher one: level 4 is technical
    personnel, level 6 R&D; level 1, below every track, goes to the nearest)."""
    if not 1 <= level <= 8:
        raise DomainError(_("NCS 수준은 1~8입니다. / NCS levels are 1 to 8."), code="invalid_level")
    tracks = list(Track.objects.order_by("-level_min"))
    holding = [t for t in tracks if t.level_min <= level <= t.level_max]
    if holding:
        return holding[0]
    # Below every track (level 1): the nearest one.
    return min(tracks, key=lambda t: min(abs(level - t.level_min), abs(level - t.level_max)))


def _check_editable(response: SurveyResponse, by: Any, today: dt.date) -> None:
    if not (getattr(by, "is_authenticated", False) and response.company_id in by.managed_company_ids):
        raise forbidden()
    if response.status == ResponseStatus.SUBMITTED:
        raise ConflictError(
            _(
                "이미 제출한 응답입니다. 사업단에 재개를 요청하세요. / Already submitted: ask the program office to reopen it."
            )
        )
    survey = response.round
    if not survey.opens_on <= today <= survey.closes_on:
        raise ConflictError(
            _("응답 기간(%(start)s~%(end)s)이 아닙니다. / The survey is open from %(start)s to %(end)s.")
            % {"start": survey.opens_on.isoformat(), "end": survey.closes_on.isoformat()},
        )


def _item(response: SurveyResponse, item: ItemIn) -> NeedItem:
    if item.headcount < 1:
        raise DomainError(_("인원은 1명 이상이어야 합니다. / Headcount must be at least 1."), code="invalid_headcount")
    if item.target_level is None and item.track is None:
        raise DomainError(
            _("%(name)s: 목표 수준이나 트랙을 고르세요. / %(name)s: choose a target level or a track.")
            % {"name": item.competency.name_ko},
            code="level_or_track",
        )
    track = item.track or track_for_level(int(item.target_level or 0))
    return NeedItem(
        response=response,
        competency=item.competency,
        headcount=item.headcount,
        target_level=item.target_level,
        track=track,
        urgency=item.urgency,
        mode=item.mode,
        weekday_day=item.weekday_day,
        weekday_evening=item.weekday_evening,
        weekend=item.weekend,
    )


def response_save(
    *,
    response: SurveyResponse,
    items: Sequence[ItemIn],
    statements: Sequence[StatementIn],
    by: User,
    submit: bool = False,
    today: dt.date | None = None,
) -> SurveyResponse:
    """Save the company's answer as a draft (or submit it: final unless the office reopens it).

    The statements get their competency suggestions now, with the words that justify them."""
    today = today or timezone.localdate()
    with transaction.atomic():
        response = SurveyResponse.objects.select_for_update().select_related("round").get(pk=response.pk)
        _check_editable(response, by, today)
        codes = [i.competency.code for i in items]
        if len(codes) != len(set(codes)):
            raise DomainError(
                _("같은 역량을 두 번 적었습니다. / The same competency is listed twice."), code="duplicate_item"
            )
        rows = [_item(response, item) for item in items]
        texts = [s for s in statements if s.text.strip()]
        if submit and not rows and not texts:
            raise DomainError(
                _("필요 역량이나 요구 사항을 하나 이상 적으세요. / Add at least one need."), code="empty_response"
            )
        mapper = learned_mapper() if texts else None
        response.items.all().delete()
        response.statements.all().delete()
        NeedItem.objects.bulk_create(rows)
        default_track = Track.objects.order_by("order").first()
        NeedStatement.objects.bulk_create(
            NeedStatement(
                response=response,
                text=s.text.strip()[:2000],
                headcount=max(s.headcount, 1),
                track=s.track or default_track,
                suggestions=suggestions_for(mapper, s.text) if mapper is not None else [],
            )
            for s in texts
        )
        response.status = ResponseStatus.SUBMITTED if submit else ResponseStatus.DRAFT
        if submit:
            response.submitted_at, response.submitted_by = timezone.now(), by
        response.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
        if submit:
            demand_cells_refresh(response=response)
    return response


def response_reopen(*, response: SurveyResponse, by: User, reason: str) -> SurveyResponse:
    _require_office(by)
    if not reason.strip():
        raise DomainError(_("재개 사유를 입력하세요. / Give a reason to reopen."), code="reason_required")
    with transaction.atomic():
        response = SurveyResponse.objects.select_for_update().get(pk=response.pk)
        if response.status != ResponseStatus.SUBMITTED:
            raise ConflictError(_("제출된 응답만 재개할 수 있습니다. / Only submitted responses can be reopened."))
        response.status = ResponseStatus.DRAFT
        response.reopened_reason = reason.strip()[:300]
        response.save(update_fields=["status", "reopened_reason", "updated_at"])
        demand_cells_refresh(response=response)
    return response


# --- the demand cells the gap analysis adds up ------------------------------------------------------------

_CELL_GROUP = ("d_ksic", "d_size", "d_comp", "d_track")


def demand_cells_refresh(*, response: SurveyResponse | None = None, round_id: int | None = None) -> int:
    """Rebuild the demand cells of the group (round, industry, size) of `response`, or of a whole round,
    from the submitted answers, in the caller's transaction, and which of its companies answered several
    rounds. The round's row (and the response's company's) is locked first, so that two changes in the
    same round rebuild one after the other, each from the other's committed answers. Returns the number
    of cells written."""
    from sanhak.demand.selectors import demand_sums

    rid = response.round_id if response is not None else round_id
    assert rid is not None
    with transaction.atomic():
        SurveyRound.objects.select_for_update().filter(pk=rid).values_list("pk").first()
        lookups: dict[str, Any] = {"status": ResponseStatus.SUBMITTED, "round_id": rid}
        cells = DemandCell.objects.filter(round_id=rid)
        if response is not None:
            # and the company's, so that its answers to two rounds at once are counted one after the other
            Company.objects.select_for_update().filter(pk=response.company_id).values_list("pk").first()
            lookups |= {"ksic_division": response.ksic_division, "size_band": response.size_band}
            cells = cells.filter(ksic_division=response.ksic_division, size_band=response.size_band)
        cells.delete()
        rows = [
            DemandCell(
                round_id=rid,
                ksic_division=ksic,
                size_band=size,
                competency_id=comp,
                track_id=track,
                **dict(zip(DEMAND_CELL_FIGURES, figures, strict=True)),
            )
            for ksic, size, comp, track, *figures in demand_sums(lookups, _CELL_GROUP)
        ]
        DemandCell.objects.bulk_create(rows, batch_size=2000)
        if response is not None:
            _repeat_companies_refresh([response.company_id])
        else:
            _repeat_companies_refresh(SurveyResponse.objects.filter(round_id=rid).values("company_id"))
    return len(rows)


def _repeat_companies_refresh(companies: Any) -> None:
    """Record which of `companies` (company ids: a list or a values() query) have submitted answers in
    several rounds."""
    several = (
        SurveyResponse.objects.filter(status=ResponseStatus.SUBMITTED, company_id__in=companies)
        .order_by()
        .values("company_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("company_id", flat=True)
    )
    keep = set(several)
    RepeatCompany.objects.filter(company_id__in=companies).exclude(company_id__in=keep).delete()
    RepeatCompany.objects.bulk_create([RepeatCompany(company_id=c) for c in keep], ignore_conflicts=True)


# --- mapping statements -----------------------------------------------------------------------------------


def suggestions_for(mapper: NeedMapper, text: str) -> list[dict[str, Any]]:
    return [
        {"code": s.code, "score": round(float(s.score), 4), "evidence": list(s.evidence)}
        for s in mapper.suggest(text, k=SUGGESTIONS)
    ]


_lock = threading.Lock()
_learned: tuple[tuple[Any, ...], NeedMapper] | None = None


def confirmed_examples() -> list[tuple[str, list[str]]]:
    """(text, codes with the primary first) of every confirmed statement."""
    rows: dict[int, tuple[str, list[str]]] = {}
    for pk, text, primary, code in NeedStatement.objects.filter(confirmed_at__isnull=False).values_list(
        "pk", "text", "primary__code", "confirmed__code"
    ):
        codes = rows.setdefault(pk, (text, [primary] if primary else []))[1]
        if code and code not in codes:
            codes.append(code)
    return [row for row in rows.values() if row[1]]


def learned_mapper() -> NeedMapper:
    """The mapper over the catalog, having learned from every confirmed statement; rebuilt when the
    confirmations change (one query per call to check)."""
    global _learned  # noqa: PLW0603
    state = NeedStatement.objects.filter(confirmed_at__isnull=False).aggregate(n=Count("id"), last=Max("confirmed_at"))
    version = (state["n"], state["last"])
    cached = _learned
    if cached is not None and cached[0] == version:
        return cached[1]
    with _lock:
        mapper = build_mapper(confirmed_examples())
        _learned = (version, mapper)
    return mapper


def statement_confirm(*, statement: NeedStatement, codes: Sequence[str], by: User) -> NeedStatement:
    """Staff confirm (or correct) which competencies a statement is about; the first is the primary one."""
    _require_staff(by)
    codes = [c.strip() for c in codes if c.strip()]
    if not codes:
        raise DomainError(_("역량을 하나 이상 고르세요. / Choose at least one competency."), code="no_codes")
    competencies = {c.code: c for c in Competency.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in competencies]
    if unknown:
        raise DomainError(
            _("없는 역량 코드입니다: %(codes)s / Unknown competency codes: %(codes)s") % {"codes": ", ".join(unknown)},
            code="unknown_codes",
        )
    with transaction.atomic():
        statement = NeedStatement.objects.select_for_update().get(pk=statement.pk)
        statement.confirmed.set([competencies[c] for c in dict.fromkeys(codes)])
        statement.primary = competencies[codes[0]]
        statement.confirmed_by, statement.confirmed_at = by, timezone.now()
        statement.save(update_fields=["primary", "confirmed_by", "confirmed_at"])
        response = SurveyResponse.objects.get(pk=statement.response_id)
        if response.status == ResponseStatus.SUBMITTED:
            demand_cells_refresh(response=response)
    return statement
