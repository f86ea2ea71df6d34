"""REST API: tenant companies and their workers, scoped to the caller (sanhak.common.access)."""

# No `from __future__ import annotations` here: django-ninja reads the endpoint annotations at import time.

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from sanhak.accounts.models import User
from sanhak.api.auth import caller
from sanhak.api.pagination import AuditedPagination
from sanhak.api.schemas import Pagination, PathId, errors
from sanhak.common import access
from sanhak.companies.models import Company

router = Router(tags=["companies"])


class KsicOut(Schema):
    code: str
    name: str


class CompanyOut(Schema):
    id: int
    name: str
    brn: str = Field(description="business registration number, formatted 000-00-00000 (empty if unknown)")
    factory_no: str | None
    employees: int
    size_band: str = Field(description="micro (<10) | small (<50) | medium (<300) | large")
    address: str
    complex: str | None = Field(description="industrial complex")
    smart_factory_level: int | None = Field(description="1–5")
    products: str
    phone: str
    ksic_codes: list[KsicOut]

    @staticmethod
    def resolve_brn(obj: Company) -> str:
        return obj.brn_display

    @staticmethod
    def resolve_complex(obj: Company) -> str | None:
        return obj.complex.name if obj.complex else None

    @staticmethod
    def resolve_ksic_codes(obj: Company) -> list[object]:
        return list(obj.ksic_codes.all())


class WorkerOut(Schema):
    id: int
    name: str
    email: str
    job_title: str

    @staticmethod
    def resolve_job_title(obj: User) -> str:
        return obj.trainee_profile.job_title


class CompanyFilters(Schema):
    q: str = Field("", max_length=100, description="name, products or business registration number prefix")


def _with_details(qs: QuerySet[Company]) -> QuerySet[Company]:
    return qs.select_related("complex").prefetch_related("ksic_codes")


@router.get("/companies", response={200: list[CompanyOut], **errors(401)}, summary="List the companies you may see")
@paginate(Pagination)
def company_list(request: HttpRequest, filters: Query[CompanyFilters]) -> QuerySet[Company]:
    """Program admins see every company, a company manager their own; everyone else none."""
    qs = access.companies_visible(caller(request)).search(filters.q)
    return _with_details(qs).order_by("name", "id")


@router.get("/companies/{company_id}", response={200: CompanyOut, **errors(401, 404, 422)}, summary="One company")
def company_detail(request: HttpRequest, company_id: PathId) -> Company:
    company = access.company_for_user(caller(request), company_id)
    return _with_details(Company.objects.filter(pk=company.pk)).get()


@router.get(
    "/companies/{company_id}/workers",
    response={200: list[WorkerOut], **errors(401, 404, 422)},
    summary="The company's incumbent workers",
)
@paginate(AuditedPagination, purpose="api_company_workers", subject=lambda w: w.pk)
def company_workers(request: HttpRequest, company_id: PathId) -> QuerySet[User]:
    user = caller(request)
    company = access.company_for_user(user, company_id)
    return access.workers_visible(user, company).order_by("name", "id")
