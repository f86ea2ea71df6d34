from django import forms
from django.utils.translation import gettext_lazy as _

from sanhak.common.forms import refusal
from sanhak.common.validators import reject_rrn


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("반려 사유"),
        max_length=300,
        validators=[reject_rrn],
        error_messages={"required": _("반려 사유를 입력하세요. / A reason is required to reject.")},
    )

    def refusal(self, missing: str) -> str:
        """What an invalid rejection is told: `missing`, the page's wording, for a reason left out; else the
        reason's own refusal (too long, a resident registration number)."""
        return refusal(self, "reason", missing)
