from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sanhak.common.validators import reject_rrn
from sanhak.learning.models import Answer, Choice, Lesson
from sanhak.learning.services import MAX_VIDEO_SECONDS

CHOICE_MAX = Choice._meta.get_field("text").max_length or 300
ANSWER_MAX = Answer._meta.get_field("text").max_length or 300


class ModuleForm(forms.Form):
    title = forms.CharField(label=_("모듈명"), max_length=200)


class LessonForm(forms.Form):
    module = forms.TypedChoiceField(label=_("모듈"), coerce=int)
    title = forms.CharField(label=_("차시명"), max_length=200)
    kind = forms.ChoiceField(label=_("유형"), choices=Lesson.Kind.choices)
    file = forms.FileField(label=_("파일 (동영상: MP4/WebM, 문서: PDF)"), required=False)
    body = forms.CharField(label=_("본문 (HTML 가능)"), widget=forms.Textarea(attrs={"rows": 6}), required=False)
    duration_seconds = forms.IntegerField(
        label=_("영상 길이(초, 모르면 비움)"), min_value=0, max_value=MAX_VIDEO_SECONDS, required=False
    )
    required = forms.BooleanField(label=_("수료 필수"), required=False, initial=True)

    def __init__(self, *args: object, modules: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["module"].choices = modules  # type: ignore[attr-defined]


class QuizForm(forms.Form):
    title = forms.CharField(label=_("퀴즈명"), max_length=200)
    max_attempts = forms.IntegerField(label=_("응시 가능 횟수"), min_value=1, max_value=20, initial=2)
    time_limit_minutes = forms.IntegerField(label=_("제한 시간(분)"), min_value=1, max_value=600, required=False)
    questions_per_attempt = forms.IntegerField(
        label=_("출제 문항 수(비우면 전부)"), min_value=1, max_value=200, required=False
    )


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("문제"), widget=forms.Textarea(attrs={"rows": 2}))
    points = forms.IntegerField(label=_("배점"), min_value=1, max_value=100, initial=1)
    choices = forms.CharField(
        label=_("보기 (한 줄에 하나, 정답 앞에 *)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("예: 세 줄에 각각 *PLC, HMI, MES — * 붙은 PLC가 정답"),
    )
    accepted_answers = forms.CharField(
        label=_("단답형 정답 (한 줄에 하나)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    @staticmethod
    def _parse(value: str) -> list[tuple[str, bool]]:
        out = []
        for line in value.splitlines():
            text = line.strip()
            if text:
                out.append((text.lstrip("*").strip(), text.startswith("*")))
        return out

    def clean_choices(self) -> str:
        value: str = self.cleaned_data.get("choices", "")
        if any(len(text) > CHOICE_MAX for text, _correct in self._parse(value)):
            raise forms.ValidationError(
                _("보기는 한 줄에 %(max)d자까지입니다. / Each choice can be at most %(max)d characters."),
                code="max_length",
                params={"max": CHOICE_MAX},
            )
        return value

    def clean_accepted_answers(self) -> str:
        value: str = self.cleaned_data.get("accepted_answers", "")
        if any(len(line.strip()) > ANSWER_MAX for line in value.splitlines()):
            raise forms.ValidationError(
                _("정답은 한 줄에 %(max)d자까지입니다. / Each accepted answer can be at most %(max)d characters."),
                code="max_length",
                params={"max": ANSWER_MAX},
            )
        return value

    def parsed_choices(self) -> list[tuple[str, bool]]:
        return self._parse(self.cleaned_data.get("choices", ""))


class RuleForm(forms.Form):
    min_attendance_percent = forms.IntegerField(label=_("최소 출석률(%)"), min_value=0, max_value=100, required=False)
    min_quiz_average = forms.IntegerField(label=_("최소 퀴즈 평균(점)"), min_value=0, max_value=100, required=False)
    require_all_lessons = forms.BooleanField(label=_("모든 필수 차시 완료"), required=False)


class OverrideForm(forms.Form):
    passed = forms.TypedChoiceField(
        label=_("판정"), choices=[("1", _("수료")), ("0", _("미수료"))], coerce=lambda v: v == "1"
    )
    reason = forms.CharField(label=_("사유"), max_length=300, validators=[reject_rrn])


ANSWER_TOO_LONG = _(
    "답은 %(limit_value)d자까지 입력할 수 있습니다. / An answer can be at most %(limit_value)d characters."
)


class AttemptForm(forms.Form):
    """A quiz attempt's answers: one optional field `q<question id>` per question of the attempt's plan (a
    choice's id, or the typed short answer)."""

    def __init__(self, *args: object, question_ids: list[int], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.question_ids = question_ids
        for qid in question_ids:
            self.fields[f"q{qid}"] = forms.CharField(
                required=False, max_length=ANSWER_MAX, error_messages={"max_length": ANSWER_TOO_LONG}
            )

    def answers(self) -> dict[int, str]:
        return {qid: self.cleaned_data[f"q{qid}"] for qid in self.question_ids}

    def refusal(self) -> str:
        """The first error, for the page's message."""
        return next(str(errors[0]) for errors in self.errors.values())
