from __future__ import annotations

import datetime as dt
import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from django.contrib import messages
from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanhak.accounts.models import Institution, Role, User
from sanhak.common import access
from sanhak.common.audit import personal_data_viewed
from sanhak.common.errors import DomainError
from sanhak.common.export import xlsx_response
from sanhak.common.permissions import AuthedRequest, login_required_view
from sanhak.common.ranges import ranged_file_response
from sanhak.common.validators import within_calendar
from sanhak.courses.models import Course, Session
from sanhak.enrollment.forms import RejectForm
from sanhak.labs import ical, selectors, services
from sanhak.labs.forms import (
    BookingForm,
    EquipmentStatusForm,
    FindForm,
    LabBookingForm,
    ReportForm,
    TrainingRecordForm,
)
from sanhak.labs.models import (
    CalendarFeed,
    Equipment,
    EquipmentStatus,
    EquipmentType,
    Facility,
    Reservation,
    ReservationStatus,
    TrainingRecord,
)
from sanhak.labs.selectors import equipment_listed

LAB_BOOKING_HORIZON_DAYS = 120  # sessions offered for a whole-lab booking


def _monday(request: HttpRequest) -> dt.date:
    """The Monday of the week asked for (`?week=YYYY-MM-DD`, within the dates we handle), else this week."""
    try:
        day = dt.date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        day = timezone.localdate()
    if not within_calendar(day):
        day = timezone.localdate()
    return day - dt.timedelta(days=day.weekday())


def _week_nav(monday: dt.date) -> dict[str, Any]:
    return {
        "monday": monday,
        "prev_week": monday - dt.timedelta(days=7),
        "next_week": monday + dt.timedelta(days=7),
    }


def equipment_list(request: HttpRequest) -> HttpResponse:
    qs = equipment_listed().exclude(status=EquipmentStatus.RETIRED)
    type_code, institution = request.GET.get("type", ""), request.GET.get("institution", "")
    if type_code:
        qs = qs.filter(type__code=type_code)
    if institution.isdigit():
        qs = qs.filter(facility__institution_id=int(institution))
    return render(
        request,
        "labs/equipment_list.html",
        {
            "equipment": qs.order_by("facility__institution__name_ko", "type__name_ko", "code"),
            "types": EquipmentType.objects.all(),
            "institutions": Institution.objects.filter(facilities__isnull=False).distinct(),
            "type_code": type_code,
            "institution": institution,
        },
    )


def _detail_page(
    request: HttpRequest, equipment: Equipment, form: BookingForm | None = None, status: int = 200
) -> HttpResponse:
    """The equipment page: facts, rules, the week's bookings and, for who may book, the form."""
    monday = _monday(request)
    user = request.user
    days = selectors.calendar_week(equipment.reservations.all(), monday)
    context: dict[str, Any] = {
        "eq": equipment,
        "rules": equipment.effective_rules,
        "days": days,
        "form": form or BookingForm(initial={"date": timezone.localdate() + dt.timedelta(days=1), "weeks": 1}),
        **_week_nav(monday),
    }
    if user.is_authenticated:
        context["missing"] = services.missing_training(equipment=equipment, user=user)
        context["manages"] = services.manages_equipment(user, equipment)
        if context["manages"]:
            # Lab managers see who booked (others see only that the time is taken).
            booked = [r.user_id for d in days for r in d.reservations]
            personal_data_viewed(request=request, purpose="lab_calendar", subject_ids=booked)
            context["status_form"] = EquipmentStatusForm(
                initial={
                    "status": equipment.status,
                    "reason": equipment.status_reason,
                    "expected_return": equipment.expected_return,
                }
            )
    return render(request, "labs/equipment_detail.html", context, status=status)


def equipment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    equipment = get_object_or_404(equipment_listed().prefetch_related("required_courses"), pk=pk)
    return _detail_page(request, equipment)


# The uploaded files anyone may fetch (public, like the equipment page), by folder, and the types shown
# in the browser; any other type is a download. Nothing else under MEDIA_ROOT has a URL: lesson files
# go through their access check (learning:lesson_media), import uploads are never served.
_PUBLIC_FILES = {"photos": "photo", "manuals": "manual"}
_INLINE_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif", "application/pdf"}


def equipment_file(request: HttpRequest, folder: str, name: str) -> HttpResponseBase:
    """An equipment photo or manual at its storage URL (MEDIA_URL + name): only a file an equipment row names."""
    stored = f"labs/{folder}/{name}"
    field = _PUBLIC_FILES.get(folder)
    if field is None or not Equipment.objects.filter(**{field: stored}).exists() or not default_storage.exists(stored):
        raise Http404(_("파일을 찾을 수 없습니다. / File not found."))
    guessed = mimetypes.guess_type(stored)[0] or ""
    inline = guessed in _INLINE_TYPES
    return ranged_file_response(
        request,
        default_storage,
        stored,
        content_type=guessed if inline else "application/octet-stream",
        filename=PurePosixPath(name).name,
        inline=inline,
    )


def _book_error(
    request: HttpRequest, equipment: Equipment, form: BookingForm, error: str, status: int = 400
) -> HttpResponse:
    """The equipment page again, with the form as sent and the reason (409 when the time is taken)."""
    messages.error(request, error)
    return _detail_page(request, equipment, form, status)


@login_required_view
@require_POST
def book(request: AuthedRequest, pk: int) -> HttpResponse:
    equipment = get_object_or_404(equipment_listed(), pk=pk)
    form = BookingForm(request.POST)
    if not form.is_valid():
        return _book_error(request, equipment, form, _("입력 내용을 확인하세요. / Check the form."))
    starts_at, ends_at = form.times()
    weeks = form.cleaned_data["weeks"]
    if weeks > 1 and "confirm" not in request.POST:
        try:
            occurrences = services.weekly_preview(
                equipment=equipment,
                user=request.user,
                starts_at=starts_at,
                ends_at=ends_at,
                weeks=weeks,
                created_by=request.user,
            )
        except DomainError as exc:
            # E.g. the last week falls after the calendar's end (2099): the form again, with the reason.
            return _book_error(request, equipment, form, exc.message, exc.status)
        return render(request, "labs/weekly_preview.html", {"eq": equipment, "form": form, "occurrences": occurrences})
    try:
        services.reservations_book(
            equipment=equipment,
            user=request.user,
            starts_at=starts_at,
            ends_at=ends_at,
            weeks=weeks,
            skip=[dt.date.fromisoformat(d) for d in request.POST.getlist("skip") if _is_iso_date(d)],
            purpose=form.cleaned_data["purpose"],
            project=form.cleaned_data["project"],
        )
    except DomainError as exc:
        return _book_error(request, equipment, form, exc.message, exc.status)
    messages.success(request, _("예약했습니다. / Booked."))
    return redirect("labs:mine")


@login_required_view
@require_POST
def equipment_status(request: AuthedRequest, pk: int) -> HttpResponse:
    equipment = get_object_or_404(equipment_listed(), pk=pk)
    if not services.manages_equipment(request.user, equipment):
        raise access.PermissionDenied(
            _("이 장비의 관리자만 상태를 바꿀 수 있습니다. / Only this equipment's lab managers can change its status.")
        )
    form = EquipmentStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("입력 내용을 확인하세요. / Check the form."))
        return redirect("labs:equipment_detail", pk=pk)
    try:
        services.equipment_status_set(equipment=equipment, by=request.user, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("장비 상태를 바꿨습니다. / Status changed."))
    return redirect("labs:equipment_detail", pk=pk)


def _is_iso_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def find(request: HttpRequest) -> HttpResponse:
    form = FindForm(request.GET or None, initial={"date_from": timezone.localdate() + dt.timedelta(days=1)})
    results = None
    if form.is_valid():
        qs = Equipment.objects.filter(type=form.cleaned_data["type"])
        if form.cleaned_data["institution"]:
            qs = qs.filter(facility__institution=form.cleaned_data["institution"])
        results = selectors.free_slots(qs, form.query())
    return render(request, "labs/find.html", {"form": form, "results": results})


@login_required_view
def mine(request: AuthedRequest) -> HttpResponse:
    monday = _monday(request)
    own = Reservation.objects.filter(Q(user=request.user) | Q(created_by=request.user))
    upcoming = (
        own.filter(ends_at__gte=timezone.now())
        .exclude(status__in=[ReservationStatus.CANCELLED, ReservationStatus.REJECTED])
        .select_related("equipment__facility__institution")
        .order_by("starts_at")[:100]
    )
    past = own.filter(ends_at__lt=timezone.now()).select_related("equipment__facility").order_by("-starts_at")[:30]
    feed = services.calendar_feed(request.user)
    return render(
        request,
        "labs/mine.html",
        {
            "upcoming": upcoming,
            "past": past,
            "days": selectors.calendar_week(own, monday),
            "feed_url": request.build_absolute_uri(reverse("labs:person_ics", args=[feed.key])),
            "now": timezone.now(),
            **_week_nav(monday),
        },
    )


def _act(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    reservation = access.reservation_visible(request.user, pk)
    try:
        if action == "cancel":
            services.reservation_cancel(reservation=reservation, by=request.user)
            messages.success(request, _("예약을 취소했습니다. / Booking cancelled."))
        elif action == "check_in":
            services.reservation_check_in(reservation=reservation, by=request.user)
            messages.success(request, _("체크인했습니다. / Checked in."))
        elif action == "approve":
            services.reservation_approve(reservation=reservation, by=request.user)
            messages.success(request, _("승인했습니다. / Approved."))
        else:
            form = RejectForm(request.POST)
            if not form.is_valid():
                messages.error(request, form.refusal(_("반려 사유를 입력하세요. / Give a reason for the rejection.")))
                return redirect("labs:queue")
            services.reservation_reject(reservation=reservation, by=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("반려했습니다. / Rejected."))
    except DomainError as exc:
        if exc.status == 403:
            raise access.PermissionDenied(exc.message) from exc
        messages.error(request, exc.message)
    return redirect("labs:queue" if action in ("approve", "reject") else "labs:mine")


@login_required_view
@require_POST
def reservation_action(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    return _act(request, pk, action)


@login_required_view
def queue(request: AuthedRequest) -> HttpResponse:
    managed = access.equipment_managed(request.user)
    pending = list(
        Reservation.objects.filter(equipment__in=managed, status=ReservationStatus.PENDING)
        .select_related("equipment__facility", "user", "company")
        .order_by("starts_at")[:200]
    )
    personal_data_viewed(request=request, purpose="lab_approval_queue", subject_ids=[r.user_id for r in pending])
    return render(request, "labs/queue.html", {"pending": pending})


@login_required_view
def training(request: AuthedRequest) -> HttpResponse:
    managed = access.equipment_managed(request.user)
    courses = Course.objects.filter(pk__in=managed.values("required_courses")).order_by("code")
    form = TrainingRecordForm(request.POST or None, courses=courses)
    if request.method == "POST" and form.is_valid():
        person = User.objects.filter(email__iexact=form.cleaned_data["email"]).first()
        if person is None:
            form.add_error("email", _("그 이메일의 사용자가 없습니다. / No user has that e-mail."))
        else:
            services.training_record_add(
                user=person,
                course=form.cleaned_data["course"],
                completed_on=form.cleaned_data["completed_on"],
                recorded_by=request.user,
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("이수 기록을 저장했습니다. / Training recorded."))
            return redirect("labs:training")
    records = list(
        TrainingRecord.objects.filter(course__in=courses).select_related("user", "course").order_by("-created_at")[:50]
    )
    personal_data_viewed(request=request, purpose="lab_training_records", subject_ids=[r.user_id for r in records])
    return render(request, "labs/training.html", {"form": form, "records": records})


@login_required_view
def reports(request: AuthedRequest) -> HttpResponse:
    managed = access.equipment_managed(request.user)
    today = timezone.localdate()
    # Without a query: this month so far, by equipment.
    form = ReportForm(request.GET or {"date_from": today.replace(day=1), "date_to": today, "group": "equipment"})
    rows: list[selectors.UtilizationRow] = []
    group_label = ""
    if form.is_valid():
        d = form.cleaned_data
        rows = selectors.utilization(managed, d["date_from"], d["date_to"], d["group"])
        group_label = str(dict(form.fields["group"].choices)[d["group"]])  # type: ignore[attr-defined]
        if request.GET.get("format") == "xlsx":
            return xlsx_response(
                [
                    [
                        group_label,
                        _("가용 시간"),
                        _("예약 시간"),
                        _("이용 시간"),
                        _("예약률"),
                        _("이용률"),
                        _("노쇼"),
                        _("노쇼율"),
                    ],
                    *[
                        [
                            r.label,
                            round(r.available_hours, 2),
                            round(r.booked_hours, 2),
                            round(r.used_hours, 2),
                            round(r.booked_share, 4),
                            round(r.used_share, 4),
                            r.no_shows,
                            round(r.no_show_rate, 4),
                        ]
                        for r in rows
                    ],
                ],
                f"utilization-{d['date_from']:%Y%m%d}-{d['date_to']:%Y%m%d}",
                sheet=_("장비 활용"),
            )
    return render(
        request, "labs/reports.html", {"form": form, "rows": rows, "chart": _chart(rows), "group_label": group_label}
    )


@dataclass(frozen=True)
class Bar:
    label: str
    y: int
    available: int
    booked: int
    used: int


CHART_ROWS, CHART_WIDTH, ROW_HEIGHT = 30, 400, 16


def _chart(rows: list[selectors.UtilizationRow]) -> dict[str, Any]:
    """Horizontal bars (available, booked, used hours) for the first rows, scaled to the largest."""
    shown = rows[:CHART_ROWS]
    peak = max((max(r.available_hours, r.booked_hours) for r in shown), default=0) or 1

    def scale(hours: float) -> int:
        return round(hours / peak * CHART_WIDTH)

    bars = [
        Bar(r.label, i * ROW_HEIGHT, scale(r.available_hours), scale(r.booked_hours), scale(r.used_hours))
        for i, r in enumerate(shown)
    ]
    return {"bars": bars, "height": len(bars) * ROW_HEIGHT + 4}


def _upcoming_sessions(user: User) -> Any:
    """The sessions someone may book equipment for: their own classes (instructors), their
    institution's (coordinators), all (program admins); from tomorrow, for the next months."""
    if not user.has_role(Role.INSTRUCTOR, Role.COORDINATOR, Role.PROGRAM_ADMIN):
        raise access.PermissionDenied(
            _(
                "강사와 운영담당자만 수업용으로 예약할 수 있습니다. / Only instructors and coordinators can book for a session."
            )
        )
    today = timezone.localdate()
    sessions = Session.objects.filter(
        date__gt=today, date__lte=today + dt.timedelta(days=LAB_BOOKING_HORIZON_DAYS)
    ).select_related("offering__course")
    if not user.is_program_admin:
        sessions = sessions.filter(
            Q(offering__instructors=user) | Q(offering__course__institution_id__in=user.coordinated_institution_ids)
        ).distinct()
    return sessions.order_by("date", "start_time")


@login_required_view
def lab_book(request: AuthedRequest, pk: int) -> HttpResponse:
    """A whole lab (every available piece in it) for a course session."""
    facility = get_object_or_404(Facility.objects.select_related("institution"), pk=pk)
    return _book_for_session(
        request,
        target=str(facility),
        book=lambda session: services.lab_book_for_session(facility=facility, session=session, created_by=request.user),
    )


@login_required_view
def equipment_session_book(request: AuthedRequest, pk: int) -> HttpResponse:
    """One piece of equipment for a course session."""
    equipment = get_object_or_404(equipment_listed(), pk=pk)
    return _book_for_session(
        request,
        target=str(equipment),
        book=lambda session: [
            services.equipment_book_for_session(equipment=equipment, session=session, created_by=request.user)
        ],
    )


def _book_for_session(
    request: AuthedRequest, *, target: str, book: Callable[[Session], list[Reservation]]
) -> HttpResponse:
    form = LabBookingForm(request.POST or None, sessions=_upcoming_sessions(request.user))
    context = {"target": target, "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            made = book(form.cleaned_data["session"])
        except DomainError as exc:
            messages.error(request, exc.message)
            return render(request, "labs/lab_book.html", context, status=exc.status)
        messages.success(
            request, _("장비 %(n)d대를 수업용으로 예약했습니다. / Booked %(n)d pieces of equipment.") % {"n": len(made)}
        )
        return redirect("labs:mine")
    return render(request, "labs/lab_book.html", context)


def equipment_ics(request: HttpRequest, pk: int) -> HttpResponse:
    equipment = get_object_or_404(Equipment.objects.select_related("facility__institution"), pk=pk)
    return ical.response(ical.equipment_feed(equipment), f"equipment-{equipment.code}.ics")


def person_ics(request: HttpRequest, token: str) -> HttpResponse:
    feed = CalendarFeed.objects.select_related("user").filter(key=token, user__is_active=True).first()
    if feed is None:  # never made, renewed since, or its owner's account closed
        raise Http404(_("캘린더를 찾을 수 없습니다. / Calendar not found."))
    return ical.response(ical.person_feed(feed.user), "my-lab-bookings.ics")


@require_POST
@login_required_view
def feed_renew(request: AuthedRequest) -> HttpResponse:
    services.calendar_feed_renew(request.user)
    messages.success(request, _("새 iCal 주소를 만들었습니다. 이전 주소는 더 이상 열리지 않습니다."))
    return redirect("labs:mine")
