from django.contrib import admin

from sanhak.common.admin_audit import PersonalDataAdmin
from sanhak.common.admin_site import ViewOnlyAdmin
from sanhak.credentials.models import IssuedCredential, IssuerKey, StatusEntry


@admin.register(IssuerKey)
class IssuerKeyAdmin(admin.ModelAdmin):
    list_display = ["institution", "pk", "public_key_multibase", "active", "created_at"]
    exclude = ["encrypted_seed"]  # the private key never leaves the service layer
    readonly_fields = ["institution", "public_key_multibase", "created_at"]


@admin.register(StatusEntry)
class StatusEntryAdmin(admin.ModelAdmin):
    list_display = ["institution", "index", "revoked", "revoked_at", "revoked_by"]
    list_select_related = ["institution", "revoked_by"]
    list_filter = ["revoked", "institution"]
    readonly_fields = ["institution", "index", "revoked", "revoked_at", "revoked_by", "reason"]


@admin.register(IssuedCredential)
class IssuedCredentialAdmin(ViewOnlyAdmin, PersonalDataAdmin):
    """Read-only: a credential is signed when issued (`credentials.services`) and revoked through its
    status entry; the admin shows it."""

    subject = "recipient_id"
    list_display = ["id", "institution", "created_at"]
    readonly_fields = ["id", "institution", "status_entry", "document", "created_at"]
