import datetime as dt
from typing import Any

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanhak.accounts.models import User
from sanhak.common import audit_spool
from sanhak.common.admin_audit import PersonalDataAdmin
from sanhak.common.admin_site import ViewOnlyAdmin
from sanhak.common.audit import naming
from sanhak.common.models import Notification, PersonalDataAccess


class _AccessLogList(ChangeList):
    """The list leaves out the subject ids (up to 1,000 a row, shown on the record's page)."""

    def get_queryset(self, request: HttpRequest, exclude_parameters: Any = None) -> QuerySet[Any]:
        return super().get_queryset(request, exclude_parameters).defer("subject_ids")


class RecentPurposeFilter(admin.SimpleListFilter):
    """The purposes logged in the last 31 days (an index range), where Django's own filter would read
    the distinct purposes of the whole log, which grows by a row per view."""

    title = _("목적")
    parameter_name = "purpose"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        since = timezone.now() - dt.timedelta(days=31)
        recent = PersonalDataAccess.objects.filter(created_at__gte=since).order_by("purpose")
        return [(p, p) for p in recent.values_list("purpose", flat=True).distinct()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(purpose=self.value()) if self.value() else queryset


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(PersonalDataAdmin, ViewOnlyAdmin):
    """The access log, for the program office's periodic review (접속기록 점검): by period, purpose, viewer
    (search by e-mail or name), page or address; searching a person's exact e-mail also finds the rows
    in which their data was shown ("who looked at this trainee?"). Reading it is logged in turn: a list
    names the viewers it shows, a row also the people it lists."""

    subject = "viewer_id"
    list_display = ["created_at", "viewer", "purpose", "subject_count", "path", "ip_address"]
    list_select_related = ["viewer"]
    list_filter = [("created_at", admin.DateFieldListFilter), RecentPurposeFilter]
    search_fields = ["viewer__email", "viewer__name", "path", "ip_address"]
    ordering = ["-pk"]  # newest first without a sort: -created_at would add -pk and sort the whole log
    show_full_result_count = False
    readonly_fields = ["viewer", "purpose", "subject_count", "subject_ids", "path", "ip_address", "created_at"]

    def _subject_ids(self, row: Any) -> list[Any]:
        shown = "subject_ids" not in row.get_deferred_fields()  # the list leaves them out, a row shows them
        return [row.viewer_id, *(row.subject_ids if shown else [])]

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return _AccessLogList

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        audit_spool.drain_for_reading()  # the rows still in the spool moved in first: the log as of now
        return super().get_queryset(request)

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Any], search_term: str) -> Any:
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        person = User.objects.filter(email__iexact=search_term.strip()).values_list("pk", flat=True).first()
        if person is not None:
            found = found | naming(queryset, person)
        return found, may_have_duplicates

    # The access log is evidence: nobody deletes its rows either, not even a superuser.
    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(PersonalDataAdmin):
    list_display = ["user", "message", "created_at", "read_at"]
    raw_id_fields = ["user"]
