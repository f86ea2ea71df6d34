"""People, the institutions they work for, the roles they hold, and their consents and API tokens."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from sanhak.common.i18n import NamedInLanguage
from sanhak.common.validators import reject_rrn, validate_phone

if TYPE_CHECKING:
    from sanhak.companies.models import Company


class Institution(NamedInLanguage, models.Model):
    class Kind(models.TextChoices):
        LEAD_UNIVERSITY = "lead_university", _("주관대학")
        PARTNER_UNIVERSITY = "partner_university", _("참여대학")
        POLYTECHNIC = "polytechnic", _("폴리텍대학")
        PROGRAM_OFFICE = "program_office", _("사업단")

    code = models.SlugField(_("코드"), max_length=40, unique=True)
    name_ko = models.CharField(_("이름"), max_length=100)
    name_en = models.CharField(_("영문 이름"), max_length=150, blank=True)
    kind = models.CharField(_("유형"), max_length=30, choices=Kind.choices)

    class Meta:
        ordering = ["name_ko"]
        verbose_name = _("기관")
        verbose_name_plural = _("기관")

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create(email, password, **extra)


class Role(models.TextChoices):
    PROGRAM_ADMIN = "program_admin", _("사업단 관리자")
    COORDINATOR = "coordinator", _("기관 운영담당자")
    INSTRUCTOR = "instructor", _("강사·교수")
    COMPANY_MANAGER = "company_manager", _("기업 담당자")
    TRAINEE = "trainee", _("교육생")
    COUNCIL_MEMBER = "council_member", _("협의체 위원")
    LAB_MANAGER = "lab_manager", _("장비 관리자")


class User(AbstractBaseUser, PermissionsMixin):
    """A person; logs in with an e-mail address. Roles live in RoleAssignment (a person may hold several)."""

    email = models.EmailField(_("이메일"), unique=True)
    name = models.CharField(_("이름"), max_length=60, validators=[reject_rrn])
    phone = models.CharField(_("연락처"), max_length=20, blank=True, validators=[reject_rrn, validate_phone])
    is_active = models.BooleanField(_("활성"), default=True)
    is_staff = models.BooleanField(_("관리 화면 접근"), default=False)
    date_joined = models.DateTimeField(_("가입일"), default=timezone.now)
    # set when the person withdrew (회원 탈퇴): the account is closed and its personal details removed
    withdrawn_at = models.DateTimeField(_("탈퇴 시각"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        ordering = ["name", "email"]
        verbose_name = _("사용자")
        verbose_name_plural = _("사용자")

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name

    @cached_property
    def role_assignments(self) -> list[RoleAssignment]:
        if not self.pk:
            return []
        return list(self.roles.all())

    @cached_property
    def role_set(self) -> frozenset[str]:
        return frozenset(r.role for r in self.role_assignments)

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set.intersection(roles))

    @property
    def is_program_admin(self) -> bool:
        return self.has_role(Role.PROGRAM_ADMIN)

    @property
    def is_coordinator(self) -> bool:
        return self.has_role(Role.COORDINATOR)

    @property
    def is_instructor(self) -> bool:
        return self.has_role(Role.INSTRUCTOR)

    @property
    def is_council_member(self) -> bool:
        return self.has_role(Role.COUNCIL_MEMBER)

    @property
    def is_company_manager(self) -> bool:
        return self.has_role(Role.COMPANY_MANAGER)

    @property
    def is_trainee(self) -> bool:
        return self.has_role(Role.TRAINEE)

    @cached_property
    def coordinated_institution_ids(self) -> frozenset[int]:
        return frozenset(
            r.institution_id for r in self.role_assignments if r.role == Role.COORDINATOR and r.institution_id
        )

    @cached_property
    def lab_institution_ids(self) -> frozenset[int]:
        """Institutions whose equipment this person manages (lab manager role)."""
        return frozenset(
            r.institution_id for r in self.role_assignments if r.role == Role.LAB_MANAGER and r.institution_id
        )

    @cached_property
    def managed_company_ids(self) -> frozenset[int]:
        return frozenset(r.company_id for r in self.role_assignments if r.role == Role.COMPANY_MANAGER and r.company_id)

    @property
    def managed_company_id(self) -> int | None:
        """The company a manager's pages are about: the first they manage (by id)."""
        return min(self.managed_company_ids, default=None)

    @cached_property
    def managed_company(self) -> Company | None:
        from sanhak.companies.models import Company

        pk = self.managed_company_id
        return Company.objects.filter(pk=pk).first() if pk is not None else None


class RoleAssignment(models.Model):
    """One role held by one user, scoped to an institution (staff roles) or a company (managers)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("역할"), max_length=30, choices=Role.choices)
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, null=True, blank=True, related_name="staff")
    company = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, null=True, blank=True, related_name="managers"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("역할")
        verbose_name_plural = _("역할")
        constraints = [
            # One row per (user, role, scope); written as partial constraints because SQLite
            # cannot treat NULL scopes as equal (nulls_distinct=False).
            models.UniqueConstraint(
                fields=["user", "role", "institution"],
                condition=Q(institution__isnull=False),
                name="role_unique_per_institution",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "company"], condition=Q(company__isnull=False), name="role_unique_per_company"
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(institution__isnull=True, company__isnull=True),
                name="role_unique_unscoped",
            ),
            models.CheckConstraint(
                condition=~Q(role__in=["coordinator", "instructor", "lab_manager"]) | Q(institution__isnull=False),
                name="role_staff_needs_institution",
            ),
            models.CheckConstraint(
                condition=~Q(role="company_manager") | Q(company__isnull=False),
                name="role_manager_needs_company",
            ),
        ]

    def __str__(self) -> str:
        scope = self.institution or self.company or ""
        return f"{self.get_role_display()} {scope}".strip()


class TraineeProfile(models.Model):
    class Kind(models.TextChoices):
        GRADUATE = "graduate", _("대학원생")
        UNDERGRADUATE = "undergraduate", _("학부생")
        INCUMBENT = "incumbent", _("재직자")

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="trainee_profile")
    kind = models.CharField(_("구분"), max_length=20, choices=Kind.choices)
    employer = models.ForeignKey(
        "companies.Company",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="workers",
        verbose_name=_("재직 기업"),
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="students",
        verbose_name=_("소속 학교"),
    )
    job_title = models.CharField(_("직무"), max_length=60, blank=True, validators=[reject_rrn])
    prefers_evening = models.BooleanField(_("평일 저녁 선호"), default=False)
    prefers_weekend = models.BooleanField(_("주말 선호"), default=False)

    class Meta:
        verbose_name = _("교육생 정보")
        verbose_name_plural = _("교육생 정보")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="incumbent") | Q(employer__isnull=False), name="incumbent_has_employer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.name} ({self.get_kind_display()})"


class PrivacyConsent(models.Model):
    """PIPA: which version of the personal-data policy a user agreed to, and when."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="privacy_consents")
    policy_version = models.CharField(_("방침 버전"), max_length=20)
    consented_at = models.DateTimeField(_("동의 시각"), default=timezone.now)

    class Meta:
        ordering = ["-consented_at"]
        verbose_name = _("개인정보 수집·이용 동의")
        verbose_name_plural = _("개인정보 수집·이용 동의")
        constraints = [models.UniqueConstraint(fields=["user", "policy_version"], name="consent_once_per_version")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.policy_version}"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A personal access token; only its SHA-256 is stored, the raw value is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("이름"), max_length=60)
    prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API 토큰")
        verbose_name_plural = _("API 토큰")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Session(AbstractBaseSession):
    """A login session: Django's database session, which also records whose it is (the id that is in
    its encoded data), so that a request reads its session and its user in one query
    (`accounts.sessions`), and deleting a user ends their sessions."""

    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="sessions")

    class Meta:
        verbose_name = _("세션")

    @classmethod
    def get_session_store_class(cls) -> type[Any]:
        from sanhak.accounts.sessions import SessionStore

        return SessionStore
