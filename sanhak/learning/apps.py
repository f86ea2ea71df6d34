from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "sanhak.learning"
    label = "learning"
    verbose_name = _("온라인 학습")
