"""Writes for online learning: lessons, progress, quiz attempts, attendance, completion decisions."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import math
import random
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanhak.accounts.models import User
from sanhak.common.errors import ConflictError, DomainError
from sanhak.common.validators import reject_rrn
from sanhak.courses.models import Offering, Session
from sanhak.credentials.badges import completion_credential_issue
from sanhak.credentials.services import credential_revoke
from sanhak.enrollment.models import Enrollment, Status
from sanhak.learning import selectors
from sanhak.learning.models import (
    LEARNING_STATUSES,
    VIDEO_COMPLETE_SHARE,
    Answer,
    Attendance,
    AttendanceChange,
    AttendanceMethod,
    AttendanceStatus,
    Choice,
    Completion,
    CompletionOverride,
    CompletionRule,
    Lesson,
    LessonProgress,
    Module,
    Question,
    Quiz,
    QuizAttempt,
)

MAX_BEAT_SECONDS = 60  # one progress report covers at most a minute of playback
MAX_VIDEO_SECONDS = 24 * 3600  # a duration reported by a player beyond this is not believed
REASON_MAX = 300  # AttendanceChange.reason
SUBMIT_GRACE = dt.timedelta(seconds=30)  # network slack after a quiz's time limit
QR_STEP_SECONDS = 30  # the attendance code changes every 30 seconds
QR_EARLY = dt.timedelta(minutes=15)  # check-in opens 15 minutes before a session
LATE_AFTER = dt.timedelta(minutes=10)  # after 10 minutes a check-in is "late"

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "u", "h2", "h3", "h4", "ul", "ol", "li", "a", "blockquote",
    "code", "pre", "table", "thead", "tbody", "tr", "th", "td", "img", "figure", "figcaption", "hr",
}  # fmt: skip
VIDEO_TYPES = {"video/mp4", "video/webm", "video/ogg"}
MAX_UPLOAD_BYTES = 2 * 1024**3


def _err(message: str, code: str = "invalid") -> DomainError:
    return DomainError(message, code=code)


# --- authoring ----------------------------------------------------------------------------------------


def clean_html(body: str) -> str:
    """Rich text as the instructor wrote it, minus anything that could run script."""
    return nh3.clean(body, tags=ALLOWED_TAGS, link_rel="noopener noreferrer")


def module_create(*, offering: Offering, title: str) -> Module:
    last = offering.modules.order_by("-position").values_list("position", flat=True).first() or 0
    return Module.objects.create(offering=offering, title=title.strip(), position=last + 1)


def lesson_create(
    *,
    module: Module,
    title: str,
    kind: str,
    file: UploadedFile | None = None,
    body: str = "",
    duration_seconds: int = 0,
    required: bool = True,
) -> Lesson:
    if kind not in Lesson.Kind.values:
        raise _err(_("차시 유형이 올바르지 않습니다. / Unknown lesson type."))
    content_type = ""
    if kind == Lesson.Kind.TEXT:
        if not body.strip():
            raise _err(_("본문을 입력하세요. / Enter the lesson text."))
        file = None
    else:
        if file is None:
            raise _err(_("파일을 올리세요. / Upload a file."))
        if file.size is not None and file.size > MAX_UPLOAD_BYTES:
            raise _err(_("파일이 너무 큽니다(최대 2GB). / The file is too large (2 GB at most)."))
        content_type = (file.content_type or "").split(";")[0].strip().lower()
        name = (file.name or "").lower()
        if kind == Lesson.Kind.VIDEO and content_type not in VIDEO_TYPES:
            raise _err(_("동영상은 MP4, WebM, Ogg 파일이어야 합니다. / Videos must be MP4, WebM or Ogg files."))
        if kind == Lesson.Kind.DOCUMENT:
            head = file.read(5)
            file.seek(0)
            if head != b"%PDF-" or not name.endswith(".pdf"):
                raise _err(_("문서는 PDF 파일이어야 합니다. / Documents must be PDF files."))
            content_type = "application/pdf"
    last = module.lessons.order_by("-position").values_list("position", flat=True).first() or 0
    lesson = Lesson(
        module=module,
        title=title.strip(),
        kind=kind,
        body=clean_html(body) if kind == Lesson.Kind.TEXT else "",
        content_type=content_type,
        duration_seconds=max(int(duration_seconds), 0),
        required=required,
        position=last + 1,
    )
    if file is not None:
        lesson.file.save(file.name or "lesson", file, save=False)
    lesson.save()
    return lesson


def quiz_create(
    *,
    offering: Offering,
    title: str,
    max_attempts: int = 1,
    time_limit_minutes: int | None = None,
    questions_per_attempt: int | None = None,
    module: Module | None = None,
    counts_toward_completion: bool = True,
) -> Quiz:
    if max_attempts < 1:
        raise _err(_("응시 가능 횟수는 1 이상이어야 합니다. / At least one attempt must be allowed."))
    return Quiz.objects.create(
        offering=offering,
        module=module,
        title=title.strip(),
        max_attempts=max_attempts,
        time_limit_minutes=time_limit_minutes or None,
        questions_per_attempt=questions_per_attempt or None,
        counts_toward_completion=counts_toward_completion,
    )


def question_add(
    *,
    quiz: Quiz,
    text: str,
    choices: Sequence[tuple[str, bool]] = (),
    accepted_answers: Sequence[str] = (),
    points: int = 1,
) -> Question:
    """A multiple-choice question (`choices`, at least one correct) or a short-answer one (`accepted_answers`)."""
    if not text.strip():
        raise _err(_("문제를 입력하세요. / Enter the question."))
    if points < 1:
        raise _err(_("배점은 1점 이상이어야 합니다. / Points must be at least 1."))
    choices = [(c.strip(), ok) for c, ok in choices if c.strip()]
    answers = [a.strip() for a in accepted_answers if a.strip()]
    if choices:
        if len(choices) < 2 or not any(ok for _c, ok in choices):
            raise _err(
                _(
                    "객관식은 보기가 둘 이상이고 정답이 하나 이상이어야 합니다. / A multiple-choice question needs two or more choices and at least one correct one."
                )
            )
        kind = Question.Kind.CHOICE
    elif answers:
        kind = Question.Kind.SHORT
    else:
        raise _err(_("보기나 정답을 입력하세요. / Enter choices or accepted answers."))
    last = quiz.questions.order_by("-position").values_list("position", flat=True).first() or 0
    with transaction.atomic():
        question = Question.objects.create(
            quiz=quiz,
            kind=kind,
            text=text.strip(),
            points=points,
            accepted_answers="\n".join(answers),
            position=last + 1,
        )
        Choice.objects.bulk_create([Choice(question=question, text=c, is_correct=ok) for c, ok in choices])
    return question


def completion_rule_set(
    *, offering: Offering, min_attendance_percent: int | None, min_quiz_average: int | None, require_all_lessons: bool
) -> CompletionRule:
    for value in (min_attendance_percent, min_quiz_average):
        if value is not None and not 0 <= value <= 100:
            raise _err(_("기준은 0에서 100 사이여야 합니다. / Thresholds must be between 0 and 100."))
    rule, _created = CompletionRule.objects.update_or_create(
        offering=offering,
        defaults={
            "min_attendance_percent": min_attendance_percent,
            "min_quiz_average": min_quiz_average,
            "require_all_lessons": require_all_lessons,
        },
    )
    return rule


def completion_rule_for(offering: Offering) -> CompletionRule:
    """The offering's rule; the program's defaults (80% attendance, quiz average 60, all lessons) if unset."""
    rule = CompletionRule.objects.filter(offering=offering).first()
    return rule if rule is not None else CompletionRule(offering=offering)


# --- progress -----------------------------------------------------------------------------------------


def merge_ranges(ranges: Iterable[Sequence[int]]) -> list[list[int]]:
    """[[0, 10], [5, 20], [30, 31]] -> [[0, 20], [30, 31]] (half-open second ranges)."""
    out: list[list[int]] = []
    for start, end in sorted((int(a), int(b)) for a, b in ranges if int(b) > int(a)):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return out


def _progress_row(*, enrollment: Enrollment, lesson: Lesson) -> LessonProgress:
    try:
        with transaction.atomic():
            row, _created = LessonProgress.objects.select_for_update().get_or_create(
                enrollment=enrollment, lesson=lesson
            )
    except IntegrityError:  # the first two reports raced
        row = LessonProgress.objects.select_for_update().get(enrollment=enrollment, lesson=lesson)
    return row


@transaction.atomic
def lesson_open(*, enrollment: Enrollment, lesson: Lesson) -> LessonProgress:
    """The trainee opened the lesson: it is now started."""
    return _progress_row(enrollment=enrollment, lesson=lesson)


@transaction.atomic
def lesson_progress_record(
    *,
    enrollment: Enrollment,
    lesson: Lesson,
    start: float,
    end: float,
    duration: float | None = None,
    now: dt.datetime | None = None,
) -> LessonProgress:
    """A report from the player: the trainee played [start, end) seconds since the last report.

    A report cannot claim more playback than wall-clock time has passed since the previous one (plus a
    little slack), so a script cannot mark a whole video watched in one request."""
    now = now or timezone.now()
    row = _progress_row(enrollment=enrollment, lesson=lesson)
    if not (math.isfinite(start) and math.isfinite(end)):  # NaN/Infinity parse from JSON: nothing played
        start = end = 0.0
    if (
        duration is not None
        and math.isfinite(duration)
        and 1 <= duration <= MAX_VIDEO_SECONDS
        and lesson.kind == Lesson.Kind.VIDEO
        and not lesson.duration_seconds
    ):
        lesson.duration_seconds = int(duration)
        lesson.save(update_fields=["duration_seconds"])
    since = min(max((now - row.last_seen_at).total_seconds(), 0.0), MAX_BEAT_SECONDS)
    # Slack for network jitter, but no more than the time that passed: a burst of reports earns nothing.
    allowed = min(MAX_BEAT_SECONDS, since + min(5.0, since))
    start_s = max(int(start), 0)
    end_s = min(int(end + 0.5), start_s + int(allowed))
    if lesson.duration_seconds:
        end_s = min(end_s, lesson.duration_seconds)
    if end_s > start_s:
        row.watched = merge_ranges([*row.watched, [start_s, end_s]])
        row.watched_seconds = sum(b - a for a, b in row.watched)
    row.time_spent_seconds += int(since)
    if (
        row.completed_at is None
        and lesson.kind == Lesson.Kind.VIDEO
        and lesson.duration_seconds
        and row.watched_seconds >= VIDEO_COMPLETE_SHARE * lesson.duration_seconds
    ):
        row.completed_at = now
    row.last_seen_at = now
    row.save()
    return row


@transaction.atomic
def lesson_complete(*, enrollment: Enrollment, lesson: Lesson) -> LessonProgress:
    """The trainee finished reading a document or text. A video completes itself when watched."""
    row = _progress_row(enrollment=enrollment, lesson=lesson)
    if lesson.kind == Lesson.Kind.VIDEO:
        if row.completed_at is None:
            raise _err(
                _("동영상은 90% 이상 시청해야 완료됩니다. / A video is complete once 90% of it has been watched."),
                "not_watched",
            )
        return row
    if row.completed_at is None:
        row.completed_at = row.last_seen_at = timezone.now()
        row.save(update_fields=["completed_at", "last_seen_at"])
    return row


# --- quizzes ------------------------------------------------------------------------------------------


def _plan(quiz: Quiz, rng: random.Random) -> list[dict[str, Any]]:
    questions = list(quiz.questions.prefetch_related("choices"))
    if not questions:
        raise _err(_("문항이 없는 퀴즈입니다. / This quiz has no questions."), "empty_quiz")
    rng.shuffle(questions)
    if quiz.questions_per_attempt:
        questions = questions[: quiz.questions_per_attempt]
    plan = []
    for q in questions:
        choice_ids = [c.pk for c in q.choices.all()]
        rng.shuffle(choice_ids)
        plan.append({"q": q.pk, "c": choice_ids})
    return plan


def quiz_attempt_start(
    *, enrollment: Enrollment, quiz: Quiz, now: dt.datetime | None = None, rng: random.Random | None = None
) -> QuizAttempt:
    """Resume the open attempt, or start the next one if attempts are left.

    The enrollment row is locked, so two tabs starting at once cannot exceed the attempt limit."""
    now = now or timezone.now()
    with transaction.atomic():
        Enrollment.objects.select_for_update().filter(pk=enrollment.pk).first()
        attempts = list(QuizAttempt.objects.filter(quiz=quiz, enrollment=enrollment).order_by("number"))
        open_attempt = next((a for a in attempts if a.submitted_at is None), None)
        if open_attempt is not None:
            if open_attempt.deadline is None or now <= open_attempt.deadline + SUBMIT_GRACE:
                return open_attempt
            _close_timed_out(open_attempt, now)
        if len(attempts) < quiz.max_attempts:
            plan = _plan(quiz, rng or random.SystemRandom())
            points = dict(Question.objects.filter(pk__in=[p["q"] for p in plan]).values_list("pk", "points"))
            deadline = now + dt.timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None
            return QuizAttempt.objects.create(
                quiz=quiz,
                enrollment=enrollment,
                number=len(attempts) + 1,
                plan=plan,
                started_at=now,
                deadline=deadline,
                max_score=sum(points.values()),
            )
    # Refused after the commit, so that an expired attempt closed above stays closed (and counted).
    raise ConflictError(
        _("응시 가능 횟수(%(n)d회)를 모두 사용했습니다. / You have used all %(n)d attempts.") % {"n": quiz.max_attempts}
    )


def _close_timed_out(attempt: QuizAttempt, now: dt.datetime) -> None:
    attempt.submitted_at = now
    attempt.timed_out = True
    attempt.score = 0
    attempt.save(update_fields=["submitted_at", "timed_out", "score"])


def normalize_answer(text: str) -> str:
    """Short answers compare without spaces, case or width differences ("P L C" = "plc" = "ＰＬＣ")."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def quiz_attempt_submit(
    *, attempt: QuizAttempt, answers: Mapping[int, str], now: dt.datetime | None = None
) -> QuizAttempt:
    """Grade the attempt. `answers` maps question id -> chosen choice id (as text) or the typed answer.

    Submitted after the time limit (and a short grace for the network), the attempt scores 0."""
    now = now or timezone.now()
    with transaction.atomic():
        attempt = QuizAttempt.objects.select_for_update().get(pk=attempt.pk)
        if attempt.submitted_at is not None:
            raise ConflictError(_("이미 제출한 응시입니다. / This attempt has already been submitted."))
        if attempt.deadline is not None and now > attempt.deadline + SUBMIT_GRACE:
            _close_timed_out(attempt, now)
            return attempt
        question_ids = [p["q"] for p in attempt.plan]
        questions = {q.pk: q for q in Question.objects.filter(pk__in=question_ids).prefetch_related("choices")}
        rows, score = [], 0
        for qid in question_ids:
            question = questions.get(qid)
            if question is None:  # removed from the pool after the attempt began: nobody loses its points
                continue
            given = str(answers.get(qid, "")).strip()
            choice = None
            if question.kind == Question.Kind.CHOICE:
                choice = next((c for c in question.choices.all() if str(c.pk) == given), None)
                correct = choice is not None and choice.is_correct
            else:
                accepted = {normalize_answer(a) for a in question.accepted_answers.splitlines() if a.strip()}
                correct = bool(given) and normalize_answer(given) in accepted
            points = question.points if correct else 0
            score += points
            rows.append(
                Answer(
                    attempt=attempt,
                    question=question,
                    choice=choice,
                    text=given[:300] if question.kind == Question.Kind.SHORT else "",
                    is_correct=correct,
                    points=points,
                )
            )
        Answer.objects.bulk_create(rows)
        attempt.max_score = sum(q.points for q in questions.values())
        attempt.score = score
        attempt.submitted_at = now
        attempt.save(update_fields=["score", "max_score", "submitted_at"])
    return attempt


# --- attendance ---------------------------------------------------------------------------------------


def session_window(session: Session) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(session.date, session.start_time, tzinfo=tz)
    end = dt.datetime.combine(session.date, session.end_time, tzinfo=tz)
    return start, end


def attendance_token(session: Session, step: int) -> str:
    key = hashlib.sha256(f"sanhak.attendance:{settings.SECRET_KEY}".encode()).digest()
    digest = hmac.new(key, f"{session.pk}:{step}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest[:10]).decode("ascii").lower()


def attendance_current_token(session: Session, now: dt.datetime | None = None) -> tuple[str, int]:
    """The code the instructor's screen shows now, and the seconds until it changes.

    Outside the check-in window (15 minutes before the start to the end) there is no code."""
    now = now or timezone.now()
    start, end = session_window(session)
    if not start - QR_EARLY <= now <= end:
        raise _err(
            _(
                "체크인은 수업 15분 전부터 수업이 끝날 때까지 가능합니다. / Check-in opens 15 minutes before the session and closes when it ends."
            ),
            "outside_window",
        )
    epoch = int(now.timestamp())
    return attendance_token(session, epoch // QR_STEP_SECONDS), QR_STEP_SECONDS - epoch % QR_STEP_SECONDS


def _set_status(
    *, session: Session, enrollment: Enrollment, status: str, method: str, by: User, reason: str, when: dt.datetime
) -> Attendance:
    record = Attendance.objects.select_for_update().filter(session=session, enrollment=enrollment).first()
    old = record.status if record else ""
    if record is None:
        record = Attendance.objects.create(
            session=session,
            enrollment=enrollment,
            status=status,
            method=method,
            checked_in_at=when if method == AttendanceMethod.QR else None,
        )
    elif old != status:
        record.status, record.method = status, method
        record.save(update_fields=["status", "method", "updated_at"])
    else:
        return record
    AttendanceChange.objects.create(
        attendance=record, old_status=old, new_status=status, method=method, changed_by=by, reason=reason
    )
    return record


def attendance_check_in(*, session: Session, user: User, token: str, now: dt.datetime | None = None) -> Attendance:
    """A trainee scanned the instructor's code: present, or late after the first ten minutes."""
    now = now or timezone.now()
    start, end = session_window(session)
    if not start - QR_EARLY <= now <= end:
        raise _err(
            _("출석 체크 시간이 아닙니다. / Check-in is not open for this session."),
            "outside_window",
        )
    step = int(now.timestamp()) // QR_STEP_SECONDS
    # The code on the screen now, or the one just before it (scanned as it changed): 30 to 60 seconds.
    # Compared as bytes: compare_digest raises TypeError on a str with non-ASCII characters.
    given = token.strip().lower().encode("utf-8")
    if not any(hmac.compare_digest(given, attendance_token(session, s).encode("ascii")) for s in (step, step - 1)):
        raise _err(
            _(
                "QR 코드가 만료되었거나 올바르지 않습니다. 화면의 새 코드를 다시 찍어 주세요. / The code has expired or is wrong: scan the new one on the screen."
            ),
            "bad_token",
        )
    with transaction.atomic():
        enrollment = (
            Enrollment.objects.select_for_update()
            .filter(offering_id=session.offering_id, trainee=user, status__in=LEARNING_STATUSES)
            .first()
        )
        if enrollment is None:
            raise DomainError(
                _("이 강좌의 수강생이 아닙니다. / You are not enrolled in this course."),
                code="not_enrolled",
                status=403,
            )
        existing = Attendance.objects.filter(session=session, enrollment=enrollment).first()
        if existing is not None and existing.status in (AttendanceStatus.PRESENT, AttendanceStatus.LATE):
            return existing
        status = AttendanceStatus.PRESENT if now <= start + LATE_AFTER else AttendanceStatus.LATE
        return _set_status(
            session=session,
            enrollment=enrollment,
            status=status,
            method=AttendanceMethod.QR,
            by=user,
            reason="",
            when=now,
        )


def attendance_mark(*, session: Session, enrollment: Enrollment, status: str, by: User, reason: str = "") -> Attendance:
    """Manual marking on the roster; changing a recorded status needs a reason (kept in the trail)."""
    if status not in AttendanceStatus.values:
        raise _err(_("출결 상태가 올바르지 않습니다. / Unknown attendance status."))
    if enrollment.offering_id != session.offering_id or enrollment.status not in LEARNING_STATUSES:
        raise _err(_("이 수업의 수강생이 아닙니다. / Not a trainee of this session."))
    try:
        reject_rrn(reason)  # the reason comes straight from the roster form's fields, not a Django form
    except ValidationError as exc:
        raise _err(exc.messages[0], "rrn") from exc
    if len(reason.strip()) > REASON_MAX:  # refused, not cut short: the trail keeps what was written
        raise _err(
            _("사유는 %(max)d자까지 입력할 수 있습니다. / A reason can be at most %(max)d characters.")
            % {"max": REASON_MAX},
            "too_long",
        )
    with transaction.atomic():
        # Queue on the enrollment's row, as a check-in does, so that a mark and a scan at the same moment
        # do not both insert the first record (and take the locks in the same order).
        Enrollment.objects.select_for_update().filter(pk=enrollment.pk).first()
        existing = Attendance.objects.select_for_update().filter(session=session, enrollment=enrollment).first()
        if existing is not None and existing.status != status and not reason.strip():
            raise _err(
                _("이미 기록된 출결을 바꾸려면 사유를 입력하세요. / Give a reason to change a recorded status."),
                "reason_required",
            )
        return _set_status(
            session=session,
            enrollment=enrollment,
            status=status,
            method=AttendanceMethod.MANUAL,
            by=by,
            reason=reason.strip(),
            when=timezone.now(),
        )


# --- completion ---------------------------------------------------------------------------------------


def _offering_end(offering: Offering) -> dt.datetime:
    return dt.datetime.combine(offering.end_date, dt.time.max, tzinfo=timezone.get_current_timezone())


def completions_decide(*, offering: Offering, now: dt.datetime | None = None) -> list[Completion]:
    """Decide every approved enrollment of an ended offering that has no decision yet, keeping the
    evidence; passes become completed enrollments with a signed credential. Safe to re-run."""
    now = now or timezone.now()
    if _offering_end(offering) > now:
        raise _err(_("아직 끝나지 않은 강좌입니다. / The offering has not ended yet."), "not_ended")
    rule = completion_rule_for(offering)
    decided = []
    with transaction.atomic():
        Offering.objects.select_for_update().filter(pk=offering.pk).first()
        pending = selectors.learning_enrollments(offering, undecided=True)
        figures = selectors.offering_figures(offering, pending, until=_offering_end(offering))
        for enrollment in pending:
            evidence = figures[enrollment.pk].evidence(rule)
            completion = Completion.objects.create(
                enrollment=enrollment, passed=evidence["passed"], evidence=evidence, decided_at=now
            )
            if completion.passed:
                _complete(completion)
            decided.append(completion)
    return decided


def _complete(completion: Completion) -> None:
    enrollment = completion.enrollment
    Enrollment.objects.filter(pk=enrollment.pk).update(status=Status.COMPLETED, updated_at=timezone.now())
    enrollment.status = Status.COMPLETED
    if enrollment.trainee.withdrawn_at is not None:
        return  # a closed account (회원 탈퇴): the completion is recorded, no certificate names an erased person
    completion.credential = completion_credential_issue(enrollment=enrollment)
    completion.save(update_fields=["credential", "updated_at"])


def completions_decide_due(*, now: dt.datetime | None = None) -> int:
    """Every ended offering with undecided approved enrollments (run daily: `manage.py completions_decide`)."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    due = Offering.objects.filter(
        end_date__lt=today, enrollments__status=Status.APPROVED, enrollments__completion__isnull=True
    )
    count = 0
    for offering in due.distinct().select_related("course__institution", "course__track"):
        count += len(completions_decide(offering=offering, now=now))
    return count


def completion_override(*, completion: Completion, passed: bool, by: User, reason: str) -> Completion:
    """The coordinator's decision replaces the automatic one, with a reason; both stay on record."""
    reason = reason.strip()[:300]
    if not reason:
        raise _err(_("조정 사유를 입력하세요. / Give a reason for the override."), "reason_required")
    with transaction.atomic():
        completion = (
            Completion.objects.select_for_update().select_related("enrollment__offering__course").get(pk=completion.pk)
        )
        if completion.passed == passed:
            raise ConflictError(_("판정이 이미 그렇습니다. / The decision is already that."))
        CompletionOverride.objects.create(
            completion=completion, by=by, from_passed=completion.passed, to_passed=passed, reason=reason
        )
        completion.passed = passed
        completion.overridden_by = by
        completion.override_reason = reason
        completion.save(update_fields=["passed", "overridden_by", "override_reason", "updated_at"])
        enrollment = completion.enrollment
        if passed:
            _complete(completion)
        else:
            Enrollment.objects.filter(pk=enrollment.pk).update(status=Status.APPROVED, updated_at=timezone.now())
            credential = completion.credential
            if credential is not None and credential.status_entry is not None:
                credential_revoke(entry=credential.status_entry, by=by, reason=reason)
    return completion
