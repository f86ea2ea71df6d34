"""Every list in Django's admin reads the same number of queries whatever the page size (no query per
row), on the small demo data; and every record page opens."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sanhak.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    call_command("seed_demo", "--scale", "small", stdout=StringIO())
    client.force_login(User.objects.get(email="admin@sanhak.test"))
    return client


def _changelist(client, model_admin, per_page: int, monkeypatch) -> tuple[int, int]:
    """(queries, rows shown) for the admin's list at `per_page` rows a page."""
    monkeypatch.setattr(model_admin, "list_per_page", per_page)
    opts = model_admin.model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), len(response.context["cl"].result_list)


def test_admin_lists_do_not_read_a_query_per_row(admin_client, monkeypatch):
    growing, thin = {}, []
    for model, model_admin in admin.site._registry.items():
        _changelist(admin_client, model_admin, 2, monkeypatch)  # first read of per-process caches
        small = _changelist(admin_client, model_admin, 2, monkeypatch)
        large = _changelist(admin_client, model_admin, 20, monkeypatch)
        name = model._meta.label
        if large[1] <= small[1]:
            thin.append(name)
        elif large[0] != small[0]:
            growing[name] = (small, large)
    assert growing == {}
    # too short on the small demo data to tell: `test_admin_list_columns_are_read_with_the_rows` covers them
    assert len(thin) < len(admin.site._registry) / 2


def _relation_columns(model_admin) -> list[str]:
    """The list's columns that are the rows' own foreign keys or one-to-ones."""
    fields = {f.name: f for f in model_admin.model._meta.concrete_fields}
    return [
        name
        for name in model_admin.list_display
        if isinstance(name, str) and name in fields and (fields[name].many_to_one or fields[name].one_to_one)
    ]


def test_admin_list_columns_are_read_with_the_rows(admin_client):
    """Every list column that is a relation is joined, and so is whatever its text (`__str__`) reads in
    turn: named in `list_select_related`, or (left False) a chain of non-null foreign keys, which Django
    joins by itself. For every list, however few rows the demo data gives it."""
    missing = {}
    for model, model_admin in admin.site._registry.items():
        joined = model_admin.list_select_related
        for column in _relation_columns(model_admin):
            field = model._meta.get_field(column)
            related = field.related_model
            chains = [[field]]
            target = related.objects.order_by("pk").first()
            if target is not None:
                fresh = related.objects.get(pk=target.pk)
                with CaptureQueriesContext(connection) as queries:
                    str(fresh)
                if queries:  # its text reads its own relations
                    chains = [[field, f] for f in related._meta.concrete_fields if f.is_relation]
            for chain in chains:
                path = "__".join(f.name for f in chain)
                named = joined is not True and joined and any(j == path or j.startswith(path + "__") for j in joined)
                automatic = joined is False and not any(f.null for f in chain)
                if not (joined is True or named or automatic):
                    missing.setdefault(model._meta.label, []).append(path)
    assert missing == {}


def test_every_admin_record_page_opens(admin_client):
    failed = {}
    for model, model_admin in admin.site._registry.items():
        obj = model_admin.get_queryset(admin_client.get("/").wsgi_request).first()
        if obj is None:
            continue
        opts = model._meta
        response = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
        if response.status_code != 200:
            failed[opts.label] = response.status_code
    assert failed == {}


# Tables that run to thousands of rows or more at the national scale: a form must not list them in a <select>.
LARGE = {
    "accounts.User",
    "companies.Company",
    "companies.KsicCode",
    "courses.Course",
    "courses.Offering",
    "courses.Session",
    "enrollment.Enrollment",
    "labs.Reservation",
    "credentials.IssuedCredential",
}


def test_admin_forms_search_large_tables_instead_of_listing_them(rf, personas):
    request = rf.get("/admin/")
    request.user = personas.admin
    listed = {}
    admins = [(m, a) for m, a in admin.site._registry.items()]
    admins += [(i.model, i) for _m, a in admin.site._registry.items() for i in a.get_inline_instances(request)]
    for model, model_admin in admins:
        if not (
            model_admin.has_add_permission(request, *([None] if hasattr(model_admin, "parent_model") else []))
            or model_admin.has_change_permission(request)
        ):
            continue  # read-only: shown as text
        searched = {*model_admin.raw_id_fields, *model_admin.autocomplete_fields, *model_admin.readonly_fields}
        # the add form's fields and the change form's (UserAdmin declares both)
        shown = set(flatten_fieldsets(model_admin.get_fieldsets(request)))
        shown |= set(flatten_fieldsets(model_admin.fieldsets or []))
        for field in model._meta.get_fields():
            if not (field.is_relation and field.concrete and field.editable) or field.auto_created:
                continue
            if field.related_model is getattr(model_admin, "parent_model", None):
                continue  # an inline's link to the record it is shown in
            if field.related_model._meta.label in LARGE and field.name in shown and field.name not in searched:
                listed.setdefault(f"{type(model_admin).__name__} ({model._meta.label})", []).append(field.name)
    assert listed == {}
