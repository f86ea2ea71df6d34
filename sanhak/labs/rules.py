"""Booking rules as pure functions of the rules, the time asked for and the facts around it.

`services` gathers the facts (holidays, blackouts, the person's other bookings, their training) and
asks these functions; the free-slot search uses the same calendar functions, so what the search
offers is what booking accepts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import holidays
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext as _

from sanhak.common.errors import DomainError
from sanhak.labs.models import BookingRules

# Short weekday names, Monday first, in the active language ("화" / "Tue").
WEEKDAYS = (
    pgettext_lazy("weekday", "월"),
    pgettext_lazy("weekday", "화"),
    pgettext_lazy("weekday", "수"),
    pgettext_lazy("weekday", "목"),
    pgettext_lazy("weekday", "금"),
    pgettext_lazy("weekday", "토"),
    pgettext_lazy("weekday", "일"),
)


def when_text(start: dt.datetime, end: dt.datetime) -> str:
    """'2026-12-01(화) 19:00–21:00' in Korean local time, the weekday in the active language."""
    s, e = timezone.localtime(start), timezone.localtime(end)
    return f"{s:%Y-%m-%d}({WEEKDAYS[s.weekday()]}) {s:%H:%M}–{e:%H:%M}"


@lru_cache(maxsize=64)
def _korean_holidays(year: int, language: str) -> holidays.HolidayBase:
    return holidays.country_holidays("KR", years=year, language=language)


def holiday_name(day: dt.date) -> str | None:
    """The Korean public holiday on `day` (substitute holidays included), named in the active
    language, or None."""
    language = "en_US" if (get_language() or "").startswith("en") else "ko"
    name = _korean_holidays(day.year, language).get(day)
    return str(name) if name else None


def is_open_day(rules: BookingRules, day: dt.date) -> bool:
    if str(day.weekday()) not in rules.open_weekdays:
        return False
    return not (rules.closed_on_holidays and holiday_name(day))


def opening_hours(
    rules: BookingRules, day: dt.date, tz: dt.tzinfo | None = None
) -> tuple[dt.datetime, dt.datetime] | None:
    """The aware datetimes the equipment opens and closes on `day`, or None when closed all day."""
    if not is_open_day(rules, day):
        return None
    tz = tz or timezone.get_current_timezone()
    return (
        dt.datetime.combine(day, rules.opens_at, tzinfo=tz),
        dt.datetime.combine(day, rules.closes_at, tzinfo=tz),
    )


def minutes(delta: dt.timedelta) -> int:
    return int(delta.total_seconds() // 60)


@dataclass(frozen=True)
class Request:
    """A booking request in local time, validated against one set of rules."""

    rules: BookingRules
    starts_at: dt.datetime
    ends_at: dt.datetime

    @property
    def duration(self) -> int:
        return minutes(self.ends_at - self.starts_at)

    @property
    def blocked_until(self) -> dt.datetime:
        return self.ends_at + dt.timedelta(minutes=self.rules.buffer_minutes)


def calendar_problems(req: Request) -> list[DomainError]:
    """Duration, slot grid, opening hours, weekdays and public holidays."""
    rules = req.rules
    problems: list[DomainError] = []
    if req.ends_at <= req.starts_at:
        return [
            DomainError(_("종료 시각이 시작 시각보다 늦어야 합니다. / The end must be after the start."), code="order")
        ]
    if not rules.min_minutes <= req.duration <= rules.max_minutes:
        problems.append(
            DomainError(
                _(
                    "이용 시간은 %(min)d–%(max)d분이어야 합니다(요청: %(got)d분). / A booking must last %(min)d–%(max)d minutes (asked: %(got)d)."
                )
                % {"min": rules.min_minutes, "max": rules.max_minutes, "got": req.duration},
                code="duration",
            )
        )
    start = timezone.localtime(req.starts_at)
    end = timezone.localtime(req.ends_at)
    hours = opening_hours(rules, start.date())
    holiday = holiday_name(start.date()) if rules.closed_on_holidays else None
    if holiday:
        problems.append(
            DomainError(
                _("%(day)s은(는) 공휴일(%(name)s)이라 휴무입니다. / %(day)s is a public holiday (%(name)s).")
                % {"day": f"{start:%Y-%m-%d}", "name": holiday},
                code="holiday",
            )
        )
    elif hours is None:
        problems.append(
            DomainError(
                _("%(weekday)s요일에는 운영하지 않습니다. / The equipment is closed on that weekday.")
                % {"weekday": WEEKDAYS[start.weekday()]},
                code="closed_day",
            )
        )
    elif start < hours[0] or end > hours[1]:
        problems.append(
            DomainError(
                _(
                    "운영 시간(%(open)s–%(close)s) 안에서만 예약할 수 있습니다. / Bookings must fit the opening hours (%(open)s–%(close)s)."
                )
                % {"open": f"{rules.opens_at:%H:%M}", "close": f"{rules.closes_at:%H:%M}"},
                code="hours",
            )
        )
    else:
        offset = minutes(start - hours[0])
        if offset % rules.slot_minutes or req.duration % rules.slot_minutes:
            problems.append(
                DomainError(
                    _(
                        "예약은 %(open)s부터 %(slot)d분 단위로 할 수 있습니다. / Bookings go in %(slot)d-minute steps from %(open)s."
                    )
                    % {"slot": rules.slot_minutes, "open": f"{rules.opens_at:%H:%M}"},
                    code="slot",
                )
            )
    return problems


def notice_problems(req: Request, now: dt.datetime, *, horizon: bool = True) -> list[DomainError]:
    """Too soon, or (with `horizon`) too far ahead."""
    rules = req.rules
    if req.starts_at < now + dt.timedelta(minutes=rules.min_notice_minutes):
        return [
            DomainError(
                _("시작 %(n)d분 전까지 예약해야 합니다. / Bookings must be made at least %(n)d minutes ahead.")
                % {"n": rules.min_notice_minutes},
                code="notice_short",
            )
        ]
    if horizon and req.starts_at > now + dt.timedelta(days=rules.max_notice_days):
        return [
            DomainError(
                _("%(n)d일 이후의 예약은 아직 열리지 않았습니다. / Bookings open %(n)d days ahead.")
                % {"n": rules.max_notice_days},
                code="notice_long",
            )
        ]
    return []


def week_bounds(moment: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """Monday 00:00 to the next Monday 00:00 (local time) around `moment`."""
    local = timezone.localtime(moment)
    monday = local.date() - dt.timedelta(days=local.weekday())
    start = dt.datetime.combine(monday, dt.time(0), tzinfo=local.tzinfo)
    return start, start + dt.timedelta(days=7)
