"""No resident registration number in a worker's name or job title."""

from __future__ import annotations

import pytest

from sanhak.companies.forms import WorkerForm, WorkerInviteForm

pytestmark = pytest.mark.django_db

RRN_ERROR = "주민등록번호는 입력할 수 없습니다. / Do not enter a resident registration number."


def test_invite_refuses_an_rrn_in_the_name_and_job_title():
    form = WorkerInviteForm({"name": "이신입 900101-1234567", "email": "new@a.test", "job_title": "0001013123456"})
    assert form.errors == {"name": [RRN_ERROR], "job_title": [RRN_ERROR]}
    assert WorkerInviteForm({"name": "이신입", "email": "new@a.test", "job_title": "생산 3팀"}).is_valid()


def test_worker_form_refuses_an_rrn_in_the_job_title(personas):
    form = WorkerForm({"job_title": "생산 900101-1234567"}, instance=personas.worker.trainee_profile)
    assert form.errors == {"job_title": [RRN_ERROR]}
