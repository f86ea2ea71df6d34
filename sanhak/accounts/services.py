"""Sign-up and profile writes."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from sanhak.accounts.models import PrivacyConsent, Role, RoleAssignment, TraineeProfile, User
from sanhak.companies.models import Company, normalize_brn


def _consent(user: User) -> None:
    PrivacyConsent.objects.get_or_create(user=user, policy_version=settings.PRIVACY_POLICY_VERSION)


@transaction.atomic
def user_signup_trainee(
    *,
    email: str,
    name: str,
    password: str,
    kind: str,
    employer: Company | None = None,
    institution: Any = None,
    prefers_evening: bool = False,
    prefers_weekend: bool = False,
) -> User:
    user = User.objects.create_user(email=email, password=password, name=name)
    RoleAssignment.objects.create(user=user, role=Role.TRAINEE)
    TraineeProfile.objects.create(
        user=user,
        kind=kind,
        employer=employer if kind == TraineeProfile.Kind.INCUMBENT else None,
        institution=institution if kind != TraineeProfile.Kind.INCUMBENT else None,
        prefers_evening=prefers_evening,
        prefers_weekend=prefers_weekend,
    )
    _consent(user)
    return user


@transaction.atomic
def user_signup_company_manager(
    *, email: str, name: str, password: str, brn: str, company_name: str, employees: int, address: str = ""
) -> User:
    """Registers the company and its first manager together."""
    company = Company(brn=normalize_brn(brn), name=company_name, employees=employees, address=address)
    company.full_clean()
    company.save()
    user = User.objects.create_user(email=email, password=password, name=name)
    RoleAssignment.objects.create(user=user, role=Role.COMPANY_MANAGER, company=company)
    _consent(user)
    return user


def user_update_profile(*, user: User, name: str, phone: str) -> User:
    user.name, user.phone = name, phone
    user.save(update_fields=["name", "phone"])
    return user


def user_export_record(*, user: User) -> str:
    """PIPA: everything the platform holds about this person, as JSON."""
    from sanhak.enrollment.models import Enrollment

    profile = getattr(user, "trainee_profile", None)
    record: dict[str, Any] = {
        "email": user.email,
        "name": user.name,
        "phone": user.phone,
        "date_joined": user.date_joined,
        "roles": [
            {"role": r.role, "institution": str(r.institution or ""), "company": str(r.company or "")}
            for r in user.roles.select_related("institution", "company")
        ],
        "privacy_consents": [
            {"policy_version": c.policy_version, "consented_at": c.consented_at} for c in user.privacy_consents.all()
        ],
        "trainee_profile": None
        if profile is None
        else {
            "kind": profile.kind,
            "employer": str(profile.employer or ""),
            "institution": str(profile.institution or ""),
            "job_title": profile.job_title,
            "prefers_evening": profile.prefers_evening,
            "prefers_weekend": profile.prefers_weekend,
        },
        "enrollments": [
            {
                "course": e.offering.course.title_ko,
                "course_code": e.offering.course.code,
                "term": e.offering.term,
                "start_date": e.offering.start_date,
                "end_date": e.offering.end_date,
                "status": e.status,
                "applied_at": e.created_at,
            }
            for e in Enrollment.objects.filter(trainee=user).select_related("offering__course")
        ],
    }
    return json.dumps(record, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
