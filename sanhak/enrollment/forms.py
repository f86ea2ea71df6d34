from django import forms
from django.utils.translation import gettext_lazy as _

from sanhak.common.validators import reject_rrn


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("반려 사유"),
        max_length=300,
        validators=[reject_rrn],
        error_messages={"required": _("반려 사유를 입력하세요. / A reason is required to reject.")},
    )

    def refusal(self, missing: str) -> str:
        """What an invalid rejection is told: the reason's own refusal (a resident registration number),
        else `missing`, the page's wording for a reason left out."""
        return str(self.errors["reason"][0]) if self.has_error("reason", "rrn") else missing
