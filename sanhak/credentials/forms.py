from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sanhak.common.validators import reject_rrn


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("취소 사유"), max_length=300, validators=[reject_rrn])


class IdentityCheckForm(forms.Form):
    email = forms.EmailField(
        label=_("수령자 이메일"), help_text=_("수령자에게 받은 이메일 주소로 본인 여부를 확인합니다")
    )
