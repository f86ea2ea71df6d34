"""The online classroom, lessons, quizzes, attendance and completion pages."""

from __future__ import annotations

import json
from typing import Any

import segno
from django import forms as forms_module
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from sanhak.common import access
from sanhak.common.audit import personal_data_viewed
from sanhak.common.errors import DomainError
from sanhak.common.export import xlsx_response
from sanhak.common.forms import refusal
from sanhak.common.permissions import AuthedRequest, login_required_view
from sanhak.common.ranges import ranged_file_response
from sanhak.courses.models import Offering, Session
from sanhak.credentials.forms import RevokeForm
from sanhak.enrollment.models import Enrollment
from sanhak.learning import selectors, services
from sanhak.learning.forms import (
    AttemptForm,
    LessonForm,
    ModuleForm,
    OverrideForm,
    QuestionForm,
    QuizForm,
    RuleForm,
)
from sanhak.learning.models import (
    Attendance,
    AttendanceChange,
    AttendanceStatus,
    Completion,
    Lesson,
    LessonProgress,
    Quiz,
    QuizAttempt,
)


def _lesson(user: Any, pk: int) -> tuple[Lesson, Enrollment | None]:
    lesson = get_object_or_404(Lesson.objects.select_related("module__offering__course"), pk=pk)
    _offering, enrollment = access.offering_classroom(user, lesson.module.offering_id)
    return lesson, enrollment


def _quiz(user: Any, pk: int) -> tuple[Quiz, Enrollment | None]:
    quiz = get_object_or_404(Quiz.objects.select_related("offering__course"), pk=pk)
    _offering, enrollment = access.offering_classroom(user, quiz.offering_id)
    return quiz, enrollment


def _session(user: Any, pk: int) -> Session:
    session = get_object_or_404(Session.objects.select_related("offering__course"), pk=pk)
    access.offering_roster_visible(user, session.offering_id)
    return session


def _error(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, exc.message)


# --- classroom ----------------------------------------------------------------------------------------


@login_required_view
def classroom(request: AuthedRequest, pk: int) -> HttpResponse:
    offering, enrollment = access.offering_classroom(request.user, pk)
    lessons = selectors.offering_lessons(offering)
    quizzes = selectors.offering_quizzes(offering)
    modules: dict[int, dict[str, Any]] = {
        m.pk: {"module": m, "lessons": [], "quizzes": []} for m in offering.modules.all()
    }
    for lesson in lessons:
        modules[lesson.module_id]["lessons"].append(lesson)
    loose = []
    for quiz in quizzes:
        if quiz.module_id in modules:
            modules[quiz.module_id]["quizzes"].append(quiz)
        else:
            loose.append(quiz)
    figures = None
    completion = None
    if enrollment is not None:
        figures = selectors.offering_figures(offering, [enrollment], lessons=lessons, quizzes=quizzes, per_lesson=True)[
            enrollment.pk
        ]
        completion = Completion.objects.filter(enrollment=enrollment).select_related("credential").first()
    return render(
        request,
        "learning/classroom.html",
        {
            "offering": offering,
            "enrollment": enrollment,
            "modules": sorted(modules.values(), key=lambda m: (m["module"].position, m["module"].pk)),
            "loose_quizzes": loose,
            "fig": figures,
            "rule": services.completion_rule_for(offering),
            "completion": completion,
            "can_teach": access.can_teach_offering(request.user, offering),
            "can_manage": access.can_manage_offering(request.user, offering),
            "sessions": offering.sessions.all(),
        },
    )


@login_required_view
def lesson_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    lesson, enrollment = _lesson(request.user, pk)
    progress = services.lesson_open(enrollment=enrollment, lesson=lesson) if enrollment else None
    siblings = selectors.offering_lessons(lesson.module.offering)
    index = next(i for i, item in enumerate(siblings) if item.pk == lesson.pk)
    return render(
        request,
        "learning/lesson.html",
        {
            "lesson": lesson,
            "offering": lesson.module.offering,
            "enrollment": enrollment,
            "progress": progress,
            "previous": siblings[index - 1] if index > 0 else None,
            "next": siblings[index + 1] if index + 1 < len(siblings) else None,
            "resume_at": _resume_point(progress),
        },
    )


def _resume_point(progress: LessonProgress | None) -> int:
    """Where the player starts: the end of the first watched stretch (0 if nothing was watched)."""
    if progress is None or not progress.watched or progress.completed_at is not None:
        return 0
    first = progress.watched[0]
    return int(first[1]) if first[0] == 0 else 0


@xframe_options_sameorigin
@login_required_view
def lesson_media(request: AuthedRequest, pk: int) -> HttpResponseBase:
    lesson, _enrollment = _lesson(request.user, pk)
    if not lesson.file:
        raise Http404(_("파일이 없는 차시입니다. / This lesson has no file."))
    name = lesson.file.name
    filename = f"{lesson.title}{'.pdf' if lesson.kind == Lesson.Kind.DOCUMENT else ''}"
    return ranged_file_response(
        request, default_storage, name, content_type=lesson.content_type, filename=filename, inline=True
    )


@require_POST
@login_required_view
def lesson_progress(request: AuthedRequest, pk: int) -> JsonResponse:
    lesson, enrollment = _lesson(request.user, pk)
    if enrollment is None:
        return JsonResponse({"recorded": False})
    try:
        data = json.loads(request.body or b"{}")
        start, end = float(data.get("start", 0)), float(data.get("end", 0))
        duration = float(data["duration"]) if data.get("duration") else None
    except (ValueError, TypeError, AttributeError, OverflowError, RecursionError):
        # Not JSON, not numbers, a number too large for a float, or JSON nested thousands deep.
        return JsonResponse(
            {"code": "invalid", "message": _("잘못된 진도 보고입니다. / Malformed progress report.")}, status=422
        )
    row = services.lesson_progress_record(enrollment=enrollment, lesson=lesson, start=start, end=end, duration=duration)
    share = row.watched_seconds / lesson.duration_seconds if lesson.duration_seconds else 0.0
    return JsonResponse(
        {"recorded": True, "watched_share": round(min(share, 1.0), 3), "completed": row.completed_at is not None}
    )


@require_POST
@login_required_view
def lesson_complete(request: AuthedRequest, pk: int) -> HttpResponse:
    lesson, enrollment = _lesson(request.user, pk)
    if enrollment is None:
        raise PermissionDenied(_("수강생만 완료할 수 있습니다. / Only trainees complete lessons."))
    try:
        services.lesson_complete(enrollment=enrollment, lesson=lesson)
        messages.success(request, _("차시를 완료했습니다. / Lesson completed."))
    except DomainError as exc:
        _error(request, exc)
    return redirect("learning:lesson", pk=lesson.pk)


# --- quizzes ------------------------------------------------------------------------------------------


@login_required_view
def quiz_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    quiz, enrollment = _quiz(request.user, pk)
    attempts = list(QuizAttempt.objects.filter(quiz=quiz, enrollment=enrollment)) if enrollment else []
    submitted = [a for a in attempts if a.submitted_at]
    return render(
        request,
        "learning/quiz.html",
        {
            "quiz": quiz,
            "offering": quiz.offering,
            "enrollment": enrollment,
            "attempts": attempts,
            "best": max((a.percent for a in submitted), default=None),
            "left": max(quiz.max_attempts - len(attempts), 0),
            "open_attempt": next((a for a in attempts if a.submitted_at is None), None),
            "question_count": quiz.questions.count(),
        },
    )


@require_POST
@login_required_view
def quiz_start(request: AuthedRequest, pk: int) -> HttpResponse:
    quiz, enrollment = _quiz(request.user, pk)
    if enrollment is None:
        raise PermissionDenied(_("수강생만 응시할 수 있습니다. / Only trainees take quizzes."))
    try:
        attempt = services.quiz_attempt_start(enrollment=enrollment, quiz=quiz)
    except DomainError as exc:
        _error(request, exc)
        return redirect("learning:quiz", pk=quiz.pk)
    return redirect("learning:attempt", pk=attempt.pk)


def _attempt(user: Any, pk: int) -> QuizAttempt:
    attempt = get_object_or_404(QuizAttempt.objects.select_related("quiz__offering__course", "enrollment"), pk=pk)
    if attempt.enrollment.trainee_id != user.pk:
        offering = attempt.quiz.offering
        if not access.can_teach_offering(user, offering):
            raise Http404(_("응시 기록을 찾을 수 없습니다. / Attempt not found."))
    return attempt


@login_required_view
def attempt_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    attempt = _attempt(request.user, pk)
    own = attempt.enrollment.trainee_id == request.user.pk
    if request.method == "POST":
        if not own:
            raise PermissionDenied(_("본인의 응시만 제출할 수 있습니다. / You can only submit your own attempt."))
        form = AttemptForm(request.POST, question_ids=[p["q"] for p in attempt.plan])
        if not form.is_valid():  # an answer longer than an answer is kept: nothing submitted, the attempt stays open
            messages.error(request, form.refusal())
            return redirect("learning:attempt", pk=attempt.pk)
        try:
            attempt = services.quiz_attempt_submit(attempt=attempt, answers=form.answers())
            if attempt.timed_out:
                messages.error(
                    request, _("제한 시간이 지나 0점 처리되었습니다. / The time limit had passed: scored 0.")
                )
            else:
                messages.success(request, _("제출했습니다. / Submitted."))
        except DomainError as exc:
            _error(request, exc)
        return redirect("learning:attempt", pk=attempt.pk)
    personal_data_viewed(request=request, purpose="quiz_attempt", subject_ids=[attempt.enrollment.trainee_id])
    questions = {q.pk: q for q in attempt.quiz.questions.prefetch_related("choices")}
    given = {a.question_id: a for a in attempt.answers.all()} if attempt.submitted_at else {}
    items = []
    for number, entry in enumerate(attempt.plan, start=1):
        question = questions.get(entry["q"])
        if question is None:
            continue
        by_id = {c.pk: c for c in question.choices.all()}
        items.append(
            {
                "number": number,
                "question": question,
                "choices": [by_id[c] for c in entry["c"] if c in by_id],
                "answer": given.get(question.pk),
            }
        )
    remaining = None
    if attempt.deadline and not attempt.submitted_at:
        remaining = max(int((attempt.deadline - timezone.now()).total_seconds()), 0)
    return render(
        request,
        "learning/attempt.html",
        {"attempt": attempt, "quiz": attempt.quiz, "items": items, "own": own, "remaining": remaining},
    )


@login_required_view
def gradebook(request: AuthedRequest, pk: int) -> HttpResponse:
    offering = access.offering_roster_visible(request.user, pk)
    quizzes = selectors.offering_quizzes(offering)
    figures = selectors.offering_figures(offering, quizzes=quizzes)
    rows = list(figures.values())
    xlsx = request.GET.get("format") == "xlsx"
    purpose = "gradebook_xlsx" if xlsx else "gradebook"
    personal_data_viewed(request=request, purpose=purpose, subject_ids=[f.enrollment.trainee_id for f in rows])
    if xlsx:
        header = [_("이름"), _("이메일"), *[q.title for q in quizzes], _("퀴즈 평균")]
        table: list[list[Any]] = [header]
        for fig in rows:
            best = [fig.quiz_best.get(q.pk) for q in quizzes]
            table.append(
                [
                    fig.enrollment.trainee.name,
                    fig.enrollment.trainee.email,
                    *[round(v, 1) if v is not None else "" for v in best],
                    round(fig.quiz_average, 1) if fig.quiz_average is not None else "",
                ]
            )
        return xlsx_response(table, f"gradebook-{offering.course.code}-{offering.term}", sheet=offering.course.code)
    return render(request, "learning/gradebook.html", {"offering": offering, "quizzes": quizzes, "rows": rows})


# --- progress -----------------------------------------------------------------------------------------


@login_required_view
def progress_table(request: AuthedRequest, pk: int) -> HttpResponse:
    offering, visible = access.progress_visible(request.user, pk)
    enrollments = list(visible.select_related("trainee__trainee_profile__employer").order_by("trainee__name", "id"))
    lessons = selectors.offering_lessons(offering)
    quizzes = selectors.offering_quizzes(offering)
    figures = selectors.offering_figures(offering, enrollments, lessons=lessons, quizzes=quizzes)
    personal_data_viewed(request=request, purpose="learning_progress", subject_ids=[e.trainee_id for e in enrollments])
    return render(
        request,
        "learning/progress.html",
        {
            "offering": offering,
            "rows": list(figures.values()),
            "lessons": lessons,
            "quizzes": quizzes,
            "rule": services.completion_rule_for(offering),
            "can_teach": access.can_teach_offering(request.user, offering),
        },
    )


# --- attendance ---------------------------------------------------------------------------------------


@login_required_view
def session_qr(request: AuthedRequest, pk: int) -> HttpResponse:
    """The instructor's screen: a QR code that changes every 30 seconds (refreshed by htmx)."""
    session = _session(request.user, pk)
    context: dict[str, Any] = {"session": session, "offering": session.offering}
    try:
        token, seconds = services.attendance_current_token(session)
    except DomainError as exc:
        context["closed"] = exc.message
    else:
        url = request.build_absolute_uri(reverse("learning:checkin", args=[session.pk, token]))
        context.update(
            url=url,
            svg=segno.make(url, error="m").svg_inline(scale=8, border=2),
            refresh=min(seconds, 10),
            checked_in=Attendance.objects.filter(
                session=session, status__in=[AttendanceStatus.PRESENT, AttendanceStatus.LATE]
            ).count(),
        )
    template = "learning/_qr.html" if getattr(request, "htmx", False) else "learning/session_qr.html"
    return render(request, template, context)


@login_required_view
def checkin(request: AuthedRequest, pk: int, token: str) -> HttpResponse:
    session = get_object_or_404(Session.objects.select_related("offering__course"), pk=pk)
    record = None
    if request.method == "POST":
        try:
            record = services.attendance_check_in(session=session, user=request.user, token=token)
        except DomainError as exc:
            _error(request, exc)
    return render(request, "learning/checkin.html", {"session": session, "token": token, "record": record})


@login_required_view
def session_attendance(request: AuthedRequest, pk: int) -> HttpResponse:
    session = _session(request.user, pk)
    enrollments = selectors.learning_enrollments(session.offering)
    if request.method == "POST":
        recorded = dict(Attendance.objects.filter(session=session).values_list("enrollment_id", "status"))
        changed, errors = 0, []
        for enrollment in enrollments:
            value = request.POST.get(f"status_{enrollment.pk}", "")
            if not value or value == recorded.get(enrollment.pk):
                continue
            try:
                services.attendance_mark(
                    session=session,
                    enrollment=enrollment,
                    status=value,
                    by=request.user,
                    reason=request.POST.get(f"reason_{enrollment.pk}", ""),
                )
                changed += 1
            except DomainError as exc:
                errors.append(f"{enrollment.trainee.name}: {exc.message}")
        for message in errors:
            messages.error(request, message)
        if changed:
            messages.success(request, _("%(n)d명의 출결을 저장했습니다. / Saved %(n)d.") % {"n": changed})
        return redirect("learning:attendance", pk=session.pk)
    records = {a.enrollment_id: a for a in Attendance.objects.filter(session=session)}
    trail = list(
        AttendanceChange.objects.filter(attendance__session=session)
        .select_related("attendance__enrollment__trainee", "changed_by")
        .order_by("-changed_at", "-id")[:200]
    )
    # Everyone the page names: the roll, and the change history (which keeps trainees who left since).
    shown = [e.trainee_id for e in enrollments] + [c.attendance.enrollment.trainee_id for c in trail]
    personal_data_viewed(request=request, purpose="attendance", subject_ids=shown)
    return render(
        request,
        "learning/attendance.html",
        {
            "session": session,
            "offering": session.offering,
            "rows": [(e, records.get(e.pk)) for e in enrollments],
            "statuses": AttendanceStatus.choices,
            "trail": trail,
        },
    )


# --- authoring ----------------------------------------------------------------------------------------


@login_required_view
def manage(request: AuthedRequest, pk: int) -> HttpResponse:
    offering = access.offering_roster_visible(request.user, pk)
    modules = [(m.pk, m.title) for m in offering.modules.all()]
    forms: dict[str, forms_module.Form] = {
        "module": ModuleForm(prefix="module"),
        "lesson": LessonForm(prefix="lesson", modules=modules),
        "quiz": QuizForm(prefix="quiz"),
        "rule": RuleForm(prefix="rule", initial=_rule_initial(offering)),
    }
    if request.method == "POST":
        action = request.POST.get("action", "")
        form: forms_module.Form
        try:
            if action == "module":
                form = forms["module"] = ModuleForm(request.POST, prefix="module")
                if form.is_valid():
                    services.module_create(offering=offering, title=form.cleaned_data["title"])
                    return _saved(request, offering)
            elif action == "lesson":
                form = forms["lesson"] = LessonForm(request.POST, request.FILES, prefix="lesson", modules=modules)
                if form.is_valid():
                    data = form.cleaned_data
                    services.lesson_create(
                        module=offering.modules.get(pk=data["module"]),
                        title=data["title"],
                        kind=data["kind"],
                        file=data["file"],
                        body=data["body"],
                        duration_seconds=data["duration_seconds"] or 0,
                        required=data["required"],
                    )
                    return _saved(request, offering)
            elif action == "quiz":
                form = forms["quiz"] = QuizForm(request.POST, prefix="quiz")
                if form.is_valid():
                    quiz = services.quiz_create(offering=offering, **form.cleaned_data)
                    return redirect("learning:quiz_edit", pk=quiz.pk)
            elif action == "rule":
                if not access.can_manage_offering(request.user, offering):
                    raise PermissionDenied(_("수료 기준은 운영 담당자가 정합니다. / Coordinators set the rules."))
                form = forms["rule"] = RuleForm(request.POST, prefix="rule")
                if form.is_valid():
                    services.completion_rule_set(offering=offering, **form.cleaned_data)
                    return _saved(request, offering)
        except DomainError as exc:
            _error(request, exc)
    return render(
        request,
        "learning/manage.html",
        {
            "offering": offering,
            "forms": forms,
            "lessons": selectors.offering_lessons(offering),
            "quizzes": selectors.offering_quizzes(offering),
            "can_manage": access.can_manage_offering(request.user, offering),
        },
    )


def _rule_initial(offering: Offering) -> dict[str, Any]:
    rule = services.completion_rule_for(offering)
    return {
        "min_attendance_percent": rule.min_attendance_percent,
        "min_quiz_average": rule.min_quiz_average,
        "require_all_lessons": rule.require_all_lessons,
    }


def _saved(request: HttpRequest, offering: Offering) -> HttpResponse:
    messages.success(request, _("저장했습니다. / Saved."))
    return redirect("learning:manage", pk=offering.pk)


@login_required_view
def quiz_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    quiz = get_object_or_404(Quiz.objects.select_related("offering__course"), pk=pk)
    access.offering_roster_visible(request.user, quiz.offering_id)
    form = QuestionForm()
    if request.method == "POST":
        form = QuestionForm(request.POST)
        if form.is_valid():
            try:
                services.question_add(
                    quiz=quiz,
                    text=form.cleaned_data["text"],
                    points=form.cleaned_data["points"],
                    choices=form.parsed_choices(),
                    accepted_answers=form.cleaned_data["accepted_answers"].splitlines(),
                )
                messages.success(request, _("문항을 추가했습니다. / Question added."))
                return redirect("learning:quiz_edit", pk=quiz.pk)
            except DomainError as exc:
                _error(request, exc)
    return render(
        request,
        "learning/quiz_edit.html",
        {
            "quiz": quiz,
            "offering": quiz.offering,
            "form": form,
            "questions": quiz.questions.prefetch_related("choices"),
        },
    )


# --- completion ---------------------------------------------------------------------------------------


@login_required_view
def completion_list(request: AuthedRequest, pk: int) -> HttpResponse:
    offering = access.offering_roster_visible(request.user, pk)
    can_manage = access.can_manage_offering(request.user, offering)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied(_("운영 담당자만 수료를 판정합니다. / Only coordinators decide completion."))
        try:
            decided = services.completions_decide(offering=offering)
            messages.success(request, _("%(n)d명을 판정했습니다. / Decided %(n)d.") % {"n": len(decided)})
        except DomainError as exc:
            _error(request, exc)
        return redirect("learning:completion", pk=offering.pk)
    completions = list(
        Completion.objects.filter(enrollment__offering=offering)
        .select_related("enrollment__trainee", "credential__status_entry", "overridden_by")
        .order_by("enrollment__trainee__name")
    )
    personal_data_viewed(
        request=request, purpose="completion", subject_ids=[c.enrollment.trainee_id for c in completions]
    )
    return render(
        request,
        "learning/completion.html",
        {
            "offering": offering,
            "completions": completions,
            "can_manage": can_manage,
            "ended": offering.end_date < timezone.localdate(),
            "override_form": OverrideForm(),
            "revoke_form": RevokeForm(),
            "rule": services.completion_rule_for(offering),
        },
    )


@require_POST
@login_required_view
def completion_override(request: AuthedRequest, pk: int) -> HttpResponse:
    completion = get_object_or_404(Completion.objects.select_related("enrollment__offering__course"), pk=pk)
    offering = access.offering_manageable(request.user, completion.enrollment.offering_id)
    form = OverrideForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, refusal(form, "reason", _("판정과 사유를 입력하세요. / Choose a decision and give a reason."))
        )
    else:
        try:
            services.completion_override(
                completion=completion,
                passed=form.cleaned_data["passed"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("판정을 조정했습니다. / Decision overridden."))
        except DomainError as exc:
            _error(request, exc)
    return redirect("learning:completion", pk=offering.pk)
