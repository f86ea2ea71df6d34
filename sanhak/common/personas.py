"""The people every test and the demo data talk about, defined once.

`personas_create()` makes the consortium's institutions, two tenant companies and one person for
each role. The demo data uses the same function, so a demo login behaves exactly like its test.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from sanhak.accounts.models import Institution, PrivacyConsent, Role, RoleAssignment, TraineeProfile, User
from sanhak.companies.models import Company, IndustrialComplex, KsicCode

DEMO_PASSWORD = "sanhak-demo-2026"  # noqa: S105 - demo data only; seed_demo refuses production


@dataclass(frozen=True)
class Personas:
    lead: Institution
    partner: Institution
    polytechnic: Institution
    office: Institution
    complex: IndustrialComplex
    company_a: Company
    company_b: Company
    admin: User
    coordinator: User
    instructor: User
    manager: User
    manager_b: User
    worker: User
    worker2: User
    worker_b: User
    student: User
    lab_manager: User


INSTITUTIONS = [
    ("inu", "인천대학교", "Incheon National University", Institution.Kind.LEAD_UNIVERSITY),
    ("inha", "인하대학교", "Inha University", Institution.Kind.PARTNER_UNIVERSITY),
    ("kopo-incheon", "한국폴리텍대학 인천캠퍼스", "Korea Polytechnics Incheon Campus", Institution.Kind.POLYTECHNIC),
    (
        "office",
        "남동 스마트그린산단 인력양성사업단",
        "Namdong Smart Green Complex Workforce Program Office",
        Institution.Kind.PROGRAM_OFFICE,
    ),
]


def institutions_ensure() -> list[Institution]:
    out = []
    for code, ko, en, kind in INSTITUTIONS:
        inst, _ = Institution.objects.get_or_create(code=code, defaults={"name_ko": ko, "name_en": en, "kind": kind})
        out.append(inst)
    return out


def _user(email: str, name: str, password_hash: str, *roles: tuple[str, Institution | None, Company | None]) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create(email=email, password=password_hash, name=name)
    for role, institution, company in roles:
        RoleAssignment.objects.get_or_create(user=user, role=role, institution=institution, company=company)
    PrivacyConsent.objects.get_or_create(user=user, policy_version="2026-11-01")
    return user


@transaction.atomic
def personas_create(*, domain: str = "sanhak.test", password: str = DEMO_PASSWORD) -> Personas:
    password = make_password(password)  # hashed once for all of them
    lead, partner, poly, office = institutions_ensure()
    complex_, _ = IndustrialComplex.objects.get_or_create(name="남동국가산업단지", defaults={"region": "인천 남동구"})
    company_a, _ = Company.objects.get_or_create(
        brn="1248100998",
        defaults={
            "name": "(주)남동정밀",
            "employees": 48,
            "address": "인천광역시 남동구 남동서로 123",
            "complex": complex_,
            "smart_factory_level": 2,
            "products": "자동차 부품 금형, 사출 성형품",
        },
    )
    company_b, _ = Company.objects.get_or_create(
        brn="2208162517",
        defaults={
            "name": "(주)고잔테크",
            "employees": 120,
            "address": "인천광역시 남동구 고잔로 45",
            "complex": complex_,
            "smart_factory_level": 3,
            "products": "산업용 센서 모듈",
        },
    )
    company_a.ksic_codes.add(KsicCode.objects.get(code="29229"))
    company_b.ksic_codes.add(KsicCode.objects.get(code="26299"))

    def worker(email: str, name: str, employer: Company, title: str) -> User:
        u = _user(email, name, password, (Role.TRAINEE, None, None))
        TraineeProfile.objects.get_or_create(
            user=u,
            defaults={
                "kind": TraineeProfile.Kind.INCUMBENT,
                "employer": employer,
                "job_title": title,
                "prefers_evening": True,
            },
        )
        return u

    student = _user(f"student@{domain}", "이학생", password, (Role.TRAINEE, None, None))
    TraineeProfile.objects.get_or_create(
        user=student, defaults={"kind": TraineeProfile.Kind.GRADUATE, "institution": lead}
    )
    admin = _user(f"admin@{domain}", "김사업", password, (Role.PROGRAM_ADMIN, office, None))
    if not admin.is_staff:
        admin.is_staff = admin.is_superuser = True
        admin.save(update_fields=["is_staff", "is_superuser"])
    return Personas(
        lead=lead,
        partner=partner,
        polytechnic=poly,
        office=office,
        complex=complex_,
        company_a=company_a,
        company_b=company_b,
        admin=admin,
        coordinator=_user(f"coordinator@{domain}", "박운영", password, (Role.COORDINATOR, lead, None)),
        instructor=_user(f"instructor@{domain}", "최교수", password, (Role.INSTRUCTOR, lead, None)),
        manager=_user(f"manager@{domain}", "정담당", password, (Role.COMPANY_MANAGER, None, company_a)),
        manager_b=_user(f"manager-b@{domain}", "한담당", password, (Role.COMPANY_MANAGER, None, company_b)),
        worker=worker(f"worker@{domain}", "오재직", company_a, "생산기술"),
        worker2=worker(f"worker2@{domain}", "윤현장", company_a, "설비보전"),
        worker_b=worker(f"worker-b@{domain}", "서고잔", company_b, "품질관리"),
        student=student,
        lab_manager=_user(f"labmanager@{domain}", "강장비", password, (Role.LAB_MANAGER, lead, None)),
    )
