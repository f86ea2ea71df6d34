from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemandConfig(AppConfig):
    name = "sanhak.demand"
    label = "demand"
    verbose_name = _("수요 분석")
