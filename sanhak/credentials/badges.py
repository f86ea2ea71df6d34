"""Open Badges 3.0 `OpenBadgeCredential`s for course completions.

The recipient is identified only by a salted SHA-256 hash of their e-mail address (OB 3.0
IdentityObject): the credential carries no name and no raw personal data. Whoever knows the address
can check that it is theirs (`identity_matches`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from sanhak.credentials import services
from sanhak.credentials.models import IssuedCredential
from sanhak.credentials.pdf import CertificateData
from sanhak.enrollment.models import Enrollment

Json = dict[str, Any]
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
FRAMEWORK = "sanhak 스마트제조 역량체계 / sanhak smart manufacturing competency framework"


def identity_hash(email: str, salt: str) -> str:
    """OB 3.0: "sha256$" + hex SHA-256 of the identity followed by the salt."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode("utf-8")).hexdigest()


def identity_matches(document: Json, email: str) -> bool:
    """Does `email` belong to the recipient of this OpenBadgeCredential?"""
    subject = document.get("credentialSubject")
    identifiers = subject.get("identifier", []) if isinstance(subject, dict) else []
    for item in identifiers if isinstance(identifiers, list) else []:
        if isinstance(item, dict) and item.get("identityType") == "emailAddress" and item.get("hashed"):
            salt = str(item.get("salt", ""))
            if secrets.compare_digest(str(item.get("identityHash", "")), identity_hash(email, salt)):
                return True
    return False


def certificate_number(enrollment: Enrollment) -> str:
    """e.g. INU-2026-000123: issuing institution, year of completion, enrollment number."""
    institution = enrollment.offering.course.institution
    return f"{institution.code.upper()}-{enrollment.offering.end_date.year}-{enrollment.pk:06d}"


def completion_document(*, enrollment: Enrollment, credential_id: uuid.UUID, salt: str) -> Json:
    """The unsigned OpenBadgeCredential for a completed enrollment."""
    offering = enrollment.offering
    course = offering.course
    institution = course.institution
    competencies = list(course.course_competencies.select_related("competency"))
    achievement_url = services.absolute_url(reverse("courses:course", args=[course.code]))
    criteria = (
        f"{course.title_ko} ({course.hours}시간) 과정의 수료 기준(출석, 평가, 학습 진도)을 충족함. "
        f"/ Met the completion rules (attendance, assessment, lessons) of {course.title_en or course.title_ko} "
        f"({course.hours} hours)."
    )
    return {
        "@context": [services.VC_V2, OB_V3],
        "id": f"urn:uuid:{credential_id}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{course.title_ko} 수료",
        "issuer": {"id": services.profile_url(institution), "type": ["Profile"], "name": institution.name_ko},
        "validFrom": services.now_iso(),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "emailAddress",
                    "hashed": True,
                    "identityHash": identity_hash(enrollment.trainee.email, salt),
                    "salt": salt,
                }
            ],
            "activityStartDate": offering.start_date.isoformat(),
            "activityEndDate": offering.end_date.isoformat(),
            "creditsEarned": float(course.hours),
            "achievement": {
                "id": achievement_url,
                "type": ["Achievement"],
                "achievementType": "Course",
                "humanCode": course.code,
                "name": course.title_ko,
                "description": course.description or course.title_ko,
                "criteria": {"narrative": criteria},
                "creditsAvailable": float(course.hours),
                "fieldOfStudy": course.track.name_ko,
                "inLanguage": "ko",
                "alignment": [
                    {
                        "type": ["Alignment"],
                        "targetCode": cc.competency.code,
                        "targetName": cc.competency.name_ko,
                        "targetDescription": f"NCS 수준 {cc.target_level} / NCS level {cc.target_level}",
                        "targetFramework": FRAMEWORK,
                        "targetType": "CFItem",
                        "targetUrl": services.absolute_url(reverse("competencies:detail", args=[cc.competency.code])),
                    }
                    for cc in competencies
                ],
            },
        },
    }


def completion_credential_issue(*, enrollment: Enrollment) -> IssuedCredential:
    """Sign and store the completion's OpenBadgeCredential (once per enrollment)."""
    base = certificate_number(enrollment)
    earlier = list(
        IssuedCredential.objects.filter(
            Q(certificate_number=base) | Q(certificate_number__startswith=f"{base}-")
        ).select_related("status_entry")
    )
    live = next((c for c in earlier if c.status_entry is None or not c.status_entry.revoked), None)
    if live is not None:
        return live
    number = f"{base}-{len(earlier) + 1}" if earlier else base  # re-issued after a revocation
    credential_id = uuid.uuid4()
    document = completion_document(enrollment=enrollment, credential_id=credential_id, salt=secrets.token_hex(16))
    return services.credential_issue(
        document=document,
        institution=enrollment.offering.course.institution,
        credential_id=credential_id,
        recipient=enrollment.trainee,
        certificate_number=number,
    )


def _date(value: Any) -> dt.date | None:
    """The date part of an ISO date or date-time string, for display (None if it is not one)."""
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def summary(document: Json) -> Json:
    """What an OpenBadgeCredential says, for pages: read from the signed document itself."""

    def obj(value: Any) -> Json:
        return value if isinstance(value, dict) else {}

    doc = obj(document)
    subject = obj(doc.get("credentialSubject"))
    achievement = obj(subject.get("achievement"))
    issuer = doc.get("issuer")
    alignments = achievement.get("alignment")
    alignments = alignments if isinstance(alignments, list) else []
    criteria = obj(achievement.get("criteria"))
    return {
        "name": achievement.get("name", ""),
        "code": achievement.get("humanCode", ""),
        "description": achievement.get("description", ""),
        "criteria": criteria.get("narrative", ""),
        "hours": subject.get("creditsEarned"),
        "start": _date(subject.get("activityStartDate")),
        "end": _date(subject.get("activityEndDate")),
        "issuer": issuer.get("name", "") if isinstance(issuer, dict) else str(issuer or ""),
        "issued": _date(doc.get("validFrom")),
        "alignments": [
            {"code": a.get("targetCode", ""), "name": a.get("targetName", ""), "level": a.get("targetDescription", "")}
            for a in alignments
            if isinstance(a, dict)
        ],
    }


def certificate_data(credential: IssuedCredential, *, verify_url: str) -> CertificateData:
    """The printed certificate: the signed facts plus the recipient's name, which the credential itself
    does not carry."""
    completion = credential.completion
    enrollment = completion.enrollment
    offering = enrollment.offering
    course = offering.course
    track = course.track
    return CertificateData(
        certificate_number=credential.certificate_number or str(credential.pk),
        recipient_name=enrollment.trainee.name,
        achievement_name=course.title_ko,
        achievement_name_en=course.title_en,
        course_code=course.code,
        track=f"{track.name_ko} (NCS {track.level_min}–{track.level_max})",
        hours=course.hours,
        start_date=offering.start_date,
        end_date=offering.end_date,
        issued_on=timezone.localtime(credential.created_at).date(),
        competencies=[
            (cc.competency.code, cc.competency.name_ko, cc.target_level)
            for cc in course.course_competencies.select_related("competency")
        ],
        institution_name=credential.institution.name_ko,
        institution_name_en=credential.institution.name_en,
        verify_url=verify_url,
    )
