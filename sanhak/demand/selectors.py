"""Reading the demand: the gap analysis (demand against supply), the offerings that would close the
largest gaps, the demand a course answers, and recommendations for workers and company managers.

Every function runs a fixed number of queries, whatever the number of companies, responses or
offerings: the demand is summed by the database (one UNION ALL of structured items and confirmed
statements, grouped by competency × track), the supply likewise.

Demand counts NeedItems and CONFIRMED NeedStatements of SUBMITTED responses whose round's demand
period overlaps the chosen period; a confirmed statement counts once for each competency confirmed
on it, with the statement's headcount and track. Supply counts the seats (capacity) of offerings whose
dates overlap the period, whose course develops the competency and whose course's track is the track.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone

from sanhak.accounts.models import TraineeProfile, User
from sanhak.companies.models import Company
from sanhak.competencies.models import Competency, Track
from sanhak.courses.models import Course, CourseCompetency, Offering
from sanhak.courses.selectors import catalog_version
from sanhak.demand.models import (
    DEMAND_CELL_FIGURES,
    DemandCell,
    NeedItem,
    NeedStatement,
    PreferredMode,
    RepeatCompany,
    ResponseStatus,
    SurveyResponse,
    SurveyRound,
)
from sanhak.enrollment.models import Enrollment, Status

SEATS_PER_OFFERING = 20
TIME_SHARE = 0.3  # a time slot is suggested when at least this share of the headcount asked for it
TRACE_DAYS = 365  # a course's demand: rounds whose period overlaps today ± this many days
MODE_PREFERENCE = (PreferredMode.OFFLINE, PreferredMode.BLENDED, PreferredMode.ONLINE)  # ties, and no answer
TIME_SLOTS = ("weekday_day", "weekday_evening", "weekend")
ENROLLED = (Status.PENDING, Status.APPROVED, Status.WAITLISTED)
MAX_WORKER_OFFERINGS = 50
MAX_OFFERINGS_PER_NEED = 5
NOMINEES_SHOWN = 8  # per offering; the offering page's nomination form lists them all
# A student's track: graduate students are trained as R&D personnel, undergraduates as technical personnel.
STUDENT_TRACKS = {TraineeProfile.Kind.GRADUATE: "rnd", TraineeProfile.Kind.UNDERGRADUATE: "technical"}
STUDENT_NEEDS = 8  # the competencies in most demand at the student's track that a student is shown
STUDENT_HORIZON_DAYS = 365  # a student's recommendations: the demand and supply of the coming year


@dataclass(frozen=True)
class GapFilters:
    start: dt.date
    end: dt.date
    ksic_division: str = ""  # 2-digit KSIC division of the response (as it was when the round opened)
    size_band: str = ""

    def query(self) -> dict[str, str]:
        """The filters as query-string parameters (for drill-down links and the export)."""
        q = {"start": self.start.isoformat(), "end": self.end.isoformat()}
        if self.ksic_division:
            q["ksic"] = self.ksic_division
        if self.size_band:
            q["size"] = self.size_band
        return q


# --- demand: the responses and the rows that count --------------------------------------------------------


def responses_counted(filters: GapFilters) -> QuerySet[SurveyResponse]:
    """Submitted responses of rounds whose demand period overlaps the filters' period, of the industry and size."""
    return SurveyResponse.objects.filter(**_response_lookups(filters))


def _response_lookups(filters: GapFilters) -> dict[str, Any]:
    """responses_counted's conditions, as lookups relative to a response (to filter the needs through
    their own join to the response, rather than through a subquery: one join fewer on large data)."""
    lookups: dict[str, Any] = {
        "status": ResponseStatus.SUBMITTED,
        "round__period_start__lte": filters.end,
        "round__period_end__gte": filters.start,
    }
    if filters.ksic_division:
        lookups["ksic_division"] = filters.ksic_division
    if filters.size_band:
        lookups["size_band"] = filters.size_band
    return lookups


def _items(lookups: dict[str, Any]) -> QuerySet[NeedItem]:
    return NeedItem.objects.filter(**{f"response__{k}": v for k, v in lookups.items()})


def _confirmed(lookups: dict[str, Any]) -> QuerySet[Any]:
    """(statement, competency) rows of confirmed statements: one per competency confirmed on a statement."""
    through = NeedStatement.confirmed.through
    return through.objects.filter(
        needstatement__confirmed_at__isnull=False,
        **{f"needstatement__response__{k}": v for k, v in lookups.items()},
    )


ROW_COLUMNS = (
    "d_comp",
    "d_track",
    "d_hc",
    "d_company",
    "d_src",
    "d_mode",
    "d_day",
    "d_evening",
    "d_weekend",
    "d_round",
    "d_ksic",
    "d_size",
)


def _demand_rows_sql(
    lookups: dict[str, Any], *, competency_ids: Sequence[int] | None = None, track_id: str | None = None
) -> tuple[str, list[Any]]:
    """One SELECT (UNION ALL) of every row of demand of the responses matching `lookups` (relative to a
    response, as `_response_lookups` makes them): competency, track, headcount, company, source
    (0 item, 1 statement), mode, the three time slots (statements state neither: "any", false), and the
    response's round, industry and size."""
    items = _items(lookups)
    statements = _confirmed(lookups)
    if competency_ids is not None:
        items = items.filter(competency_id__in=competency_ids)
        statements = statements.filter(competency_id__in=competency_ids)
    if track_id is not None:
        items = items.filter(track_id=track_id)
        statements = statements.filter(needstatement__track_id=track_id)
    items_sql, items_params = (
        items.order_by()
        .annotate(
            d_comp=F("competency_id"),
            d_track=F("track_id"),
            d_hc=F("headcount"),
            d_company=F("response__company_id"),
            d_src=Value(0, output_field=IntegerField()),
            d_mode=F("mode"),
            d_day=F("weekday_day"),
            d_evening=F("weekday_evening"),
            d_weekend=F("weekend"),
            d_round=F("response__round_id"),
            d_ksic=F("response__ksic_division"),
            d_size=F("response__size_band"),
        )
        .values_list(*ROW_COLUMNS)
        .query.sql_with_params()
    )
    statements_sql, statements_params = (
        statements.order_by()
        .annotate(
            d_comp=F("competency_id"),
            d_track=F("needstatement__track_id"),
            d_hc=F("needstatement__headcount"),
            d_company=F("needstatement__response__company_id"),
            d_src=Value(1, output_field=IntegerField()),
            d_mode=Value(PreferredMode.ANY.value, output_field=CharField()),
            d_day=Value(False, output_field=BooleanField()),
            d_evening=Value(False, output_field=BooleanField()),
            d_weekend=Value(False, output_field=BooleanField()),
            d_round=F("needstatement__response__round_id"),
            d_ksic=F("needstatement__response__ksic_division"),
            d_size=F("needstatement__response__size_band"),
        )
        .values_list(*ROW_COLUMNS)
        .query.sql_with_params()
    )
    return f"{items_sql} UNION ALL {statements_sql}", [*items_params, *statements_params]


@dataclass
class DemandFigure:
    headcount: int = 0
    companies: int = 0
    from_statements: int = 0
    modes: dict[str, int] = field(default_factory=dict)  # headcount of items by preferred mode
    times: dict[str, int] = field(default_factory=dict)  # headcount of items asking for each time slot
    item_headcount: int = 0


def demand_sums(lookups: dict[str, Any], group: Sequence[str]) -> list[tuple[Any, ...]]:
    """The demand of the responses matching `lookups`, added up by the `group` columns of the demand rows
    (`ROW_COLUMNS`): each row is the group's values, then headcount, distinct companies, headcount from
    statements, headcount from items, headcount asking for each time slot, and by preferred mode
    (`MODE_PREFERENCE`). One query."""
    rows_sql, params = _demand_rows_sql(lookups)
    modes = [m.value for m in MODE_PREFERENCE]
    mode_sums = ", ".join("SUM(CASE WHEN d.d_mode = %s THEN d.d_hc ELSE 0 END)" for _ in modes)
    assert set(group) <= set(ROW_COLUMNS), group
    keys = ", ".join(f"d.{c}" for c in group)
    sql = (
        f"SELECT {keys}, SUM(d.d_hc), COUNT(DISTINCT d.d_company),"  # noqa: S608 - our own ORM SQL
        " SUM(CASE WHEN d.d_src = 1 THEN d.d_hc ELSE 0 END),"
        " SUM(CASE WHEN d.d_src = 0 THEN d.d_hc ELSE 0 END),"
        " SUM(CASE WHEN d.d_day THEN d.d_hc ELSE 0 END),"
        " SUM(CASE WHEN d.d_evening THEN d.d_hc ELSE 0 END),"
        " SUM(CASE WHEN d.d_weekend THEN d.d_hc ELSE 0 END), "
        f"{mode_sums} FROM ({rows_sql}) d GROUP BY {keys}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*modes, *params])  # the mode sums come first in the SQL text
        return [tuple(row) for row in cursor.fetchall()]


def demand_figures(
    filters: GapFilters, *, competency_ids: Sequence[int] | None = None, track_id: str | None = None
) -> dict[tuple[int, str], DemandFigure]:
    """Demand by (competency id, track code): headcount, distinct companies, preferences. Added up from
    the demand cells (`DemandCell`) of the rounds whose period overlaps the filters'; one query, and one
    more when a company answered more than one of those rounds (it is counted once)."""
    cells = DemandCell.objects.filter(round__period_start__lte=filters.end, round__period_end__gte=filters.start)
    if filters.ksic_division:
        cells = cells.filter(ksic_division=filters.ksic_division)
    if filters.size_band:
        cells = cells.filter(size_band=filters.size_band)
    if competency_ids is not None:
        cells = cells.filter(competency_id__in=competency_ids)
    if track_id is not None:
        cells = cells.filter(track_id=track_id)
    sums = [Sum(f) for f in DEMAND_CELL_FIGURES]
    rows = (
        cells.order_by().values_list("competency_id", "track_id").annotate(*sums, rounds=Count("round", distinct=True))
    )
    out: dict[tuple[int, str], DemandFigure] = {}
    several_rounds = False
    for comp, track, hc, companies, stmt, item_hc, day, evening, weekend, offline, blended, online, rounds in rows:
        several_rounds = several_rounds or rounds > 1
        out[(int(comp), str(track))] = DemandFigure(
            headcount=int(hc or 0),
            companies=int(companies or 0),
            from_statements=int(stmt or 0),
            item_headcount=int(item_hc or 0),
            times={"weekday_day": int(day or 0), "weekday_evening": int(evening or 0), "weekend": int(weekend or 0)},
            modes={m.value: int(n or 0) for m, n in zip(MODE_PREFERENCE, (offline, blended, online), strict=True)},
        )
    if several_rounds:
        for key, repeats in _companies_counted_twice(filters, competency_ids, track_id).items():
            if key in out:
                out[key].companies -= repeats
    return out


def _companies_counted_twice(
    filters: GapFilters, competency_ids: Sequence[int] | None, track_id: str | None
) -> dict[tuple[int, str], int]:
    """For companies that answered more than one of the rounds counted (their cells add up a company once
    per round): by (competency, track), how many times too many they were counted."""
    lookups = {**_response_lookups(filters), "company_id__in": RepeatCompany.objects.values("company_id")}
    rows_sql, params = _demand_rows_sql(lookups, competency_ids=competency_ids, track_id=track_id)
    sql = (
        "SELECT d.d_comp, d.d_track, SUM(d.n - 1) FROM (SELECT d_comp, d_track, d_company,"  # noqa: S608 - our own ORM SQL
        f" COUNT(DISTINCT d_round) AS n FROM ({rows_sql}) r GROUP BY d_comp, d_track, d_company) d"
        " GROUP BY d.d_comp, d.d_track"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {(int(comp), str(track)): int(extra) for comp, track, extra in cursor.fetchall() if extra}


# --- supply --------------------------------------------------------------------------------------------------


def offerings_in_period(start: dt.date, end: dt.date) -> QuerySet[Offering]:
    return Offering.objects.filter(start_date__lte=end, end_date__gte=start)


def supply_figures(start: dt.date, end: dt.date) -> dict[tuple[int, str], tuple[int, int]]:
    """Supply by (competency id, track code): (seats, offerings). One query."""
    rows = (
        CourseCompetency.objects.filter(course__offerings__start_date__lte=end, course__offerings__end_date__gte=start)
        .order_by()
        .values("competency_id", "course__track_id")
        .annotate(seats=Sum("course__offerings__capacity"), n=Count("course__offerings"))
    )
    return {(r["competency_id"], r["course__track_id"]): (int(r["seats"] or 0), int(r["n"])) for r in rows}


# --- the gap table -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GapCell:
    competency: Competency
    track: Track
    demand: int
    companies: int
    supply: int
    offerings: int
    from_statements: int = 0

    @property
    def gap(self) -> int:
        return self.demand - self.supply

    @property
    def is_empty(self) -> bool:
        return not (self.demand or self.supply)


@dataclass(frozen=True)
class TrackTotal:
    track: Track
    demand: int = 0
    companies: int = 0  # summed over the track's cells: a company may count in several
    supply: int = 0
    offerings: int = 0

    @property
    def gap(self) -> int:
        return self.demand - self.supply


@dataclass(frozen=True)
class GapRow:
    competency: Competency
    cells: list[GapCell]


@dataclass(frozen=True)
class NewOffering:
    """A suggested new offering for a cell whose demand exceeds its supply."""

    cell: GapCell
    mode: str
    times: list[str]
    offerings_needed: int

    @property
    def mode_label(self) -> str:
        return str(PreferredMode(self.mode).label)


@dataclass(frozen=True)
class GapTable:
    filters: GapFilters
    tracks: list[Track]
    rows: list[GapRow]
    totals: list[TrackTotal]
    suggestions: list[NewOffering]

    @cached_property
    def peak(self) -> int:
        """The largest gap in absolute value (the heatmap's scale); at least 1. Read once per cell."""
        return max((abs(c.gap) for r in self.rows for c in r.cells), default=0) or 1

    def cell(self, code: str, track: str) -> GapCell | None:
        for row in self.rows:
            if row.competency.code == code:
                return next((c for c in row.cells if c.track.code == track), None)
        return None


def suggested_mode(figure: DemandFigure) -> str:
    """The mode most requested, weighted by headcount ("any" ignored); offline when none (and on ties,
    offline before blended before online)."""
    best = max(MODE_PREFERENCE, key=lambda m: (figure.modes.get(m, 0), -MODE_PREFERENCE.index(m)))
    return best if figure.modes.get(best, 0) > 0 else PreferredMode.OFFLINE.value


def suggested_times(figure: DemandFigure) -> list[str]:
    """The time slots asked for by at least 30% of the headcount that answered (the items; a free-text
    statement states no time)."""
    base = figure.item_headcount
    if base <= 0:
        return []
    return [slot for slot in TIME_SLOTS if figure.times.get(slot, 0) >= TIME_SHARE * base]


def demand_version() -> str:
    """Changes whenever a demand figure can: an answer saved, submitted or reopened (its updated_at), a
    statement confirmed, a round changed. Three index look-ups."""
    latest = [
        SurveyResponse.objects.aggregate(m=Max("updated_at"))["m"],
        NeedStatement.objects.aggregate(m=Max("confirmed_at"))["m"],
        SurveyRound.objects.aggregate(m=Max("updated_at"))["m"],
    ]
    return "-".join(f"{t.timestamp():.6f}" if t else "0" for t in latest)


def gap_table(filters: GapFilters) -> GapTable:
    """`compute_gap_table`, kept in the cache until the demand or the catalog changes (the national
    figures take a few hundred milliseconds to add up; checking the versions takes a few)."""
    query = "&".join(f"{k}={v}" for k, v in sorted(filters.query().items()))
    key = f"demand:gaps:{query}:{demand_version()}:{catalog_version()}"
    table = cache.get(key)
    if table is None:
        table = compute_gap_table(filters)
        cache.set(key, table, 3600)
    return table


def compute_gap_table(filters: GapFilters) -> GapTable:
    """Demand, supply and gap for every competency × track with any demand or supply (rows in competency
    code order, cells in track order), totals per track, and the new offerings that would close the
    positive gaps, largest first (then by the number of companies). Four queries."""
    tracks = list(Track.objects.order_by("order"))
    demand = demand_figures(filters)
    supply = supply_figures(filters.start, filters.end)
    keys = set(demand) | set(supply)
    competencies = list(Competency.objects.filter(pk__in={k[0] for k in keys}).order_by("code"))
    rows: list[GapRow] = []
    suggestions: list[NewOffering] = []
    totals = {t.code: [0, 0, 0, 0] for t in tracks}
    for comp in competencies:
        cells = []
        for track in tracks:
            d = demand.get((comp.pk, track.code), DemandFigure())
            seats, n = supply.get((comp.pk, track.code), (0, 0))
            cell = GapCell(comp, track, d.headcount, d.companies, seats, n, d.from_statements)
            cells.append(cell)
            t = totals[track.code]
            t[0] += cell.demand
            t[1] += cell.companies
            t[2] += cell.supply
            t[3] += cell.offerings
            if cell.gap > 0:
                suggestions.append(
                    NewOffering(
                        cell=cell,
                        mode=suggested_mode(d),
                        times=suggested_times(d),
                        offerings_needed=math.ceil(cell.gap / SEATS_PER_OFFERING),
                    )
                )
        rows.append(GapRow(comp, cells))
    suggestions.sort(key=lambda s: (-s.cell.gap, -s.cell.companies, s.cell.competency.code, s.cell.track.order))
    total_cells = [TrackTotal(t, *totals[t.code]) for t in tracks]
    return GapTable(filters=filters, tracks=tracks, rows=rows, totals=total_cells, suggestions=suggestions)


def gap_export_rows(table: GapTable) -> list[list[object]]:
    """The table in long form (one line per competency × track with any figure), for XLSX."""
    from django.utils.translation import gettext as _

    header: list[object] = [
        _("역량 코드"),
        _("역량"),
        _("트랙"),
        _("수요(명)"),
        _("기업 수"),
        _("공급(석)"),
        _("강좌 수"),
        _("격차"),
    ]
    lines: list[list[object]] = [header]
    for row in table.rows:
        for c in row.cells:
            if c.is_empty:
                continue
            lines.append(
                [
                    c.competency.code,
                    c.competency.name,
                    c.track.name,
                    c.demand,
                    c.companies,
                    c.supply,
                    c.offerings,
                    c.gap,
                ]
            )
    return lines


# --- drill-down ---------------------------------------------------------------------------------------------


@dataclass
class DemandSource:
    company: Company
    headcount: int = 0
    from_items: int = 0
    from_statements: int = 0
    urgency: str = ""  # the most urgent item's ("" when only statements)
    statements: list[str] = field(default_factory=list)

    @property
    def urgency_label(self) -> str:
        from sanhak.demand.models import Urgency

        return str(Urgency(self.urgency).label) if self.urgency else ""


URGENCY_RANK = {"high": 0, "medium": 1, "low": 2}


def demand_sources(filters: GapFilters, competency: Competency, track: Track) -> list[DemandSource]:
    """The companies behind one demand figure, largest headcount first. Two queries."""
    by_company: dict[int, DemandSource] = {}
    items = (
        _items(_response_lookups(filters))
        .filter(competency=competency, track=track)
        .select_related("response__company")
        .only("headcount", "urgency", "response__company__name", "response__company__id")
    )
    for item in items:
        company = item.response.company
        src = by_company.setdefault(company.pk, DemandSource(company))
        src.headcount += item.headcount
        src.from_items += item.headcount
        if not src.urgency or URGENCY_RANK.get(item.urgency, 9) < URGENCY_RANK.get(src.urgency, 9):
            src.urgency = item.urgency
    statements = (
        NeedStatement.objects.filter(
            response__in=responses_counted(filters), confirmed_at__isnull=False, confirmed=competency, track=track
        )
        .select_related("response__company")
        .only("headcount", "text", "response__company__name", "response__company__id")
    )
    for st in statements:
        company = st.response.company
        src = by_company.setdefault(company.pk, DemandSource(company))
        src.headcount += st.headcount
        src.from_statements += st.headcount
        src.statements.append(st.text)
    return sorted(by_company.values(), key=lambda s: (-s.headcount, s.company.name, s.company.pk))


def supply_sources(filters: GapFilters, competency: Competency, track: Track) -> QuerySet[Offering]:
    """The offerings behind one supply figure, by start date. One query."""
    return (
        offerings_in_period(filters.start, filters.end)
        .filter(course__track=track, course__course_competencies__competency=competency)
        .select_related("course__institution")
        .order_by("start_date", "id")
    )


# --- traceability: the demand a course answers --------------------------------------------------------------


@dataclass(frozen=True)
class CourseDemand:
    competency: Competency
    headcount: int
    companies: int


@dataclass(frozen=True)
class CourseTrace:
    rows: list[CourseDemand]
    companies: int  # distinct companies over all the course's competencies
    start: dt.date
    end: dt.date

    @property
    def headcount(self) -> int:
        return sum(r.headcount for r in self.rows)


def course_demand(course: Course, *, today: dt.date | None = None) -> CourseTrace:
    """For each competency of the course, at the course's track: the companies and the headcount that
    need it (submitted responses of rounds whose period overlaps today ± 365 days). One query; the
    course's competencies are expected prefetched (course_competencies__competency)."""
    today = today or timezone.localdate()
    start, end = today - dt.timedelta(days=TRACE_DAYS), today + dt.timedelta(days=TRACE_DAYS)
    ccs = list(course.course_competencies.all())
    ids = [cc.competency_id for cc in ccs]
    if not ids:
        return CourseTrace([], 0, start, end)
    rows_sql, params = _demand_rows_sql(
        _response_lookups(GapFilters(start, end)), competency_ids=ids, track_id=course.track_id
    )
    headcount: dict[int, int] = defaultdict(int)
    companies: dict[int, set[int]] = defaultdict(set)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT d.d_comp, d.d_company, SUM(d.d_hc) FROM ({rows_sql}) d GROUP BY d.d_comp, d.d_company",  # noqa: S608 - our own ORM SQL
            params,
        )
        for comp, company, hc in cursor.fetchall():
            headcount[int(comp)] += int(hc or 0)
            companies[int(comp)].add(int(company))
    rows = [CourseDemand(cc.competency, headcount[cc.competency_id], len(companies[cc.competency_id])) for cc in ccs]
    everyone = set().union(*companies.values()) if companies else set()
    return CourseTrace(rows, len(everyone), start, end)


# --- a company's needs and the offerings that cover them -----------------------------------------------------


@dataclass
class Need:
    competency: Competency
    track: Track
    headcount: int = 0
    from_items: int = 0
    from_statements: int = 0
    shortfall: int = 0  # the complex's demand: people needed beyond the seats on offer (a student's needs)

    @property
    def key(self) -> tuple[int, str]:
        return (self.competency.pk, self.track.code)


def latest_response(company_id: int) -> SurveyResponse | None:
    """The company's latest submitted response (by submission time). One query."""
    return (
        SurveyResponse.objects.filter(company_id=company_id, status=ResponseStatus.SUBMITTED)
        .select_related("round")
        .order_by("-submitted_at", "-id")
        .first()
    )


def company_needs(response: SurveyResponse | None) -> list[Need]:
    """The needs of one response: its items and its confirmed statements (each confirmed competency with
    the statement's headcount and track), merged by competency × track; in competency code and track
    order. Two queries."""
    if response is None:
        return []
    needs: dict[tuple[int, str], Need] = {}
    for item in NeedItem.objects.filter(response=response).select_related("competency", "track"):
        need = needs.setdefault((item.competency_id, item.track_id), Need(item.competency, item.track))
        need.headcount += item.headcount
        need.from_items += item.headcount
    through = NeedStatement.confirmed.through
    for row in through.objects.filter(
        needstatement__response=response, needstatement__confirmed_at__isnull=False
    ).select_related("competency", "needstatement__track"):
        st = row.needstatement
        need = needs.setdefault((row.competency_id, st.track_id), Need(row.competency, st.track))
        need.headcount += st.headcount
        need.from_statements += st.headcount
    return sorted(needs.values(), key=lambda n: (n.competency.code, n.track.order))


def _needs_by_track(needs: Iterable[Need]) -> dict[str, set[int]]:
    by_track: dict[str, set[int]] = defaultdict(set)
    for need in needs:
        by_track[need.track.code].add(need.competency.pk)
    return by_track


def _upcoming_open(cond: Q, today: dt.date) -> QuerySet[Offering]:
    return Offering.objects.filter(cond, start_date__gte=today, is_open=True).select_related(
        "course__institution", "course__track"
    )


def _full_last() -> Case:
    """0 for an offering with open seats, 1 for a full one: open seats come first."""
    return Case(When(approved_count__lt=F("capacity"), then=0), default=1, output_field=IntegerField())


def _covering(needs: Iterable[Need], today: dt.date) -> QuerySet[Offering]:
    """Upcoming open offerings whose course develops one of the needs' competencies at the need's track."""
    cond = Q(pk__in=[])
    for track, comps in _needs_by_track(needs).items():
        cond |= Q(
            course__track_id=track,
            course_id__in=CourseCompetency.objects.filter(competency_id__in=comps).values("course_id"),
        )
    return _upcoming_open(cond, today).annotate(full=_full_last()).order_by("full", "start_date", "id")


def _covering_per_need(needs: Iterable[Need], today: dt.date) -> dict[tuple[int, str], list[Offering]]:
    """For each need (competency, track): the first MAX_OFFERINGS_PER_NEED offerings of `_covering`'s
    order that cover it, ranked per need in the database (a company may need what thousands of
    offerings teach). One query."""
    cond = Q(pk__in=[])
    for track, comps in _needs_by_track(needs).items():
        cond |= Q(course__track_id=track, course__course_competencies__competency_id__in=comps)
    rows = (
        _upcoming_open(cond, today)
        .annotate(
            need_competency=F("course__course_competencies__competency_id"),
            rank=Window(
                RowNumber(),
                partition_by=[F("course__track_id"), F("course__course_competencies__competency_id")],
                order_by=[_full_last().asc(), F("start_date").asc(), F("id").asc()],
            ),
        )
        .filter(rank__lte=MAX_OFFERINGS_PER_NEED)
        .order_by("need_competency", "course__track_id", "rank")
    )
    out: dict[tuple[int, str], list[Offering]] = defaultdict(list)
    for o in rows:
        out[(o.need_competency, o.course.track_id)].append(o)
    return out


def _course_competencies(offerings: Sequence[Offering]) -> dict[int, set[int]]:
    """Competency ids each course develops (one query for all)."""
    out: dict[int, set[int]] = defaultdict(set)
    for course_id, comp_id in CourseCompetency.objects.filter(
        course_id__in={o.course_id for o in offerings}
    ).values_list("course_id", "competency_id"):
        out[course_id].add(comp_id)
    return out


def fits_times(profile: TraineeProfile | None, offering: Offering) -> bool:
    """A worker's preferred times (evening → an evening offering, weekend → a weekend one; either of
    them if both; anything if neither)."""
    if profile is None or not (profile.prefers_evening or profile.prefers_weekend):
        return True
    return (profile.prefers_evening and offering.has_evening) or (profile.prefers_weekend and offering.has_weekend)


# --- recommendations for a worker ---------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkerRecommendation:
    offering: Offering
    needs: list[Need]

    @property
    def has_seats(self) -> bool:
        return self.offering.approved_count < self.offering.capacity


@dataclass(frozen=True)
class WorkerRecommendations:
    employer: Company
    response: SurveyResponse | None
    needs: list[Need]
    offerings: list[WorkerRecommendation]


def worker_recommendations(
    user: User, profile: TraineeProfile, *, today: dt.date | None = None
) -> WorkerRecommendations:
    """Upcoming open offerings that develop a competency the worker's employer needs (its latest submitted
    response) at the need's track, of courses the worker has not completed and is not enrolled in,
    fitting their preferred times; open seats first, then by start date. Six queries."""
    today = today or timezone.localdate()
    assert profile.employer is not None
    response = latest_response(profile.employer_id or 0)
    needs = company_needs(response)
    return WorkerRecommendations(profile.employer, response, needs, _recommended(user, profile, needs, today))


def _recommended(user: User, profile: TraineeProfile, needs: list[Need], today: dt.date) -> list[WorkerRecommendation]:
    """The upcoming open offerings that answer `needs`, of courses the trainee has not completed and is
    not enrolled in, fitting their preferred times; open seats first, then by start date; each with the
    needs it answers. Two queries (none without needs)."""
    if not needs:
        return []
    taken = Enrollment.objects.filter(trainee=user, status__in=(*ENROLLED, Status.COMPLETED)).values(
        "offering__course_id"
    )
    qs = _covering(needs, today).exclude(course_id__in=taken)
    if profile.prefers_evening or profile.prefers_weekend:
        time_cond = Q(pk__in=[])
        if profile.prefers_evening:
            time_cond |= Q(has_evening=True)
        if profile.prefers_weekend:
            time_cond |= Q(has_weekend=True)
        qs = qs.filter(time_cond)
    offerings = list(qs[:MAX_WORKER_OFFERINGS])
    develops = _course_competencies(offerings)
    out = []
    for o in offerings:
        matched = [n for n in needs if n.track.code == o.course.track_id and n.competency.pk in develops[o.course_id]]
        out.append(WorkerRecommendation(o, matched))
    return out


# --- recommendations for a student ----------------------------------------------------------------------------


@dataclass(frozen=True)
class StudentRecommendations:
    track: Track | None  # None: a trainee without a trainee profile (no kind, so no track to go by)
    filters: GapFilters  # the demand and supply counted: the coming year, the whole complex
    needs: list[Need]
    offerings: list[WorkerRecommendation]


def student_recommendations(
    user: User, profile: TraineeProfile | None, *, today: dt.date | None = None
) -> StudentRecommendations:
    """A student has no employer to ask: the complex's companies are. Every competency they need at the
    student's track (graduate: R&D, undergraduate: technical) in the coming year, by the gap analysis,
    and the upcoming offerings that develop one, as for a worker, but the offering answering the largest
    shortfall of seats (then the most people needed) first, open seats before full ones. `needs` holds
    the first STUDENT_NEEDS by shortfall (the page's table); the largest gaps are often what nobody
    offers yet, so the offerings are looked for among all. The gap table comes from the cache (it holds
    while demand and catalog are unchanged); four queries besides."""
    today = today or timezone.localdate()
    filters = GapFilters(today, today + dt.timedelta(days=STUDENT_HORIZON_DAYS))
    code = STUDENT_TRACKS.get(TraineeProfile.Kind(profile.kind)) if profile is not None else None
    if profile is None or code is None:
        return StudentRecommendations(None, filters, [], [])
    table = gap_table(filters)
    cells = [c for row in table.rows for c in row.cells if c.track.code == code and c.demand > 0]
    cells.sort(key=lambda c: (-c.gap, -c.demand, c.competency.code))
    needs = [Need(c.competency, c.track, c.demand, shortfall=max(c.gap, 0)) for c in cells]
    offerings = _recommended(user, profile, needs, today)
    offerings.sort(
        key=lambda r: (
            not r.has_seats,
            -max(n.shortfall for n in r.needs),
            -max(n.headcount for n in r.needs),
            r.offering.start_date,
            r.offering.pk,
        )
    )
    track = next(t for t in table.tracks if t.code == code)
    return StudentRecommendations(track, filters, needs[:STUDENT_NEEDS], offerings)


# --- recommendations for a company manager ------------------------------------------------------------------


@dataclass(frozen=True)
class Nominee:
    worker: User
    fits: bool


@dataclass(frozen=True)
class CoveringOffering:
    offering: Offering
    nominees: list[Nominee]  # the first NOMINEES_SHOWN
    more: int = 0  # further workers who could be nominated

    @property
    def has_seats(self) -> bool:
        return self.offering.approved_count < self.offering.capacity


@dataclass(frozen=True)
class NeedCoverage:
    need: Need
    offerings: list[CoveringOffering]


@dataclass(frozen=True)
class CompanyRecommendations:
    company: Company
    response: SurveyResponse | None
    needs: list[NeedCoverage]
    workers: list[User]

    @property
    def shown_worker_ids(self) -> list[int]:
        """Whose names the page shows (for the personal-data access log)."""
        return sorted({n.worker.pk for c in self.needs for o in c.offerings for n in o.nominees})


def company_recommendations(
    company: Company, workers: QuerySet[User], *, today: dt.date | None = None
) -> CompanyRecommendations:
    """For each need of the company (its latest submitted response): the upcoming open offerings that
    cover it (open seats first, then by start date; the first 5), and for each, the company's workers to
    nominate: not enrolled in (pending, approved, waitlisted) nor completed the course, those whose
    preferred times fit the offering first, then by name (the first 8, and how many more). `workers` is the company's incumbent workers
    (access.workers_visible). Seven queries."""
    today = today or timezone.localdate()
    response = latest_response(company.pk)
    needs = company_needs(response)
    if not needs:
        return CompanyRecommendations(company, response, [], [])
    per_need = _covering_per_need(needs, today)
    offerings = [o for covering in per_need.values() for o in covering]
    people = list(workers.select_related("trainee_profile").order_by("name", "id"))
    taken: set[tuple[int, int]] = set(
        Enrollment.objects.filter(
            trainee__in=[w.pk for w in people],
            status__in=(*ENROLLED, Status.COMPLETED),
            offering__course_id__in={o.course_id for o in offerings},
        ).values_list("trainee_id", "offering__course_id")
    )
    coverage = []
    for need in needs:
        covering = per_need.get(need.key, [])
        rows = []
        for o in covering:
            nominees = [
                Nominee(w, fits_times(w.trainee_profile, o)) for w in people if (w.pk, o.course_id) not in taken
            ]
            nominees.sort(key=lambda n: not n.fits)  # stable: by name within each group
            rows.append(CoveringOffering(o, nominees[:NOMINEES_SHOWN], max(len(nominees) - NOMINEES_SHOWN, 0)))
        coverage.append(NeedCoverage(need, rows))
    return CompanyRecommendations(company, response, coverage, people)
